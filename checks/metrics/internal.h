/*
 * internal.h - private to checks/metrics/ and checks/stats/: the
 * accumulator's layout, compensated sums, and the rank-metric sweep the
 * bootstrap reuses.  Not an interface for other modules.
 */
#ifndef MG_CHECKS_METRIC_INTERNAL_H
#define MG_CHECKS_METRIC_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/metrics/metrics.h"
#include "common/exact_sum.h"
#include "common/sort_doubles.h"

/* Neumaier's compensated sum: s + c is the sum to about one rounding.  For
 * sums over a fixed order only (a sweep in score order); sums over rows use
 * mg_exact_sum. */
typedef struct mg_ksum {
    double s, c;
} mg_ksum;

static inline void mg_ksum_add(mg_ksum *k, double x)
{
    double t = k->s + x;
    if (fabs(k->s) >= fabs(x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

static inline double mg_ksum_get(const mg_ksum *k)
{
    return k->s + k->c;
}

/* float64 machine epsilon: sklearn 1.2 log_loss eps="auto" for float64 input. */
#define MG_LOGLOSS_EPS 2.220446049250313080847263336181640625e-16

/* The sums an accumulator keeps (mg_metrics.parts): all of them, or only
 * what one metric needs (the bootstrap computes one metric per resample). */
enum {
    MG_PART_LOGLOSS = 1 << 0,
    MG_PART_BRIER = 1 << 1,  /* with the count of scores outside [0,1] */
    MG_PART_ECE = 1 << 2,    /* likewise */
    MG_PART_SQ = 1 << 3,     /* regression: squared errors (rmse, r2) */
    MG_PART_ABS = 1 << 4,    /* absolute errors (mae) */
    MG_PART_APE = 1 << 5,    /* absolute percentage errors (mape) */
    MG_PART_TARGETS = 1 << 6, /* the targets' sums (r2) */
    MG_PART_ALL = 0x7f
};

struct mg_metrics {
    mg_model_task task;
    unsigned parts;     /* MG_PART_*: the sums kept; the counts always are */
    uint64_t n;         /* rows taken */
    uint64_t calls;     /* add calls, rejected included (row numbers) */
    uint64_t bad;       /* rows rejected */
    uint64_t first_bad; /* 1-based row number of the first rejected row */
    const char *bad_why; /* why the first one was rejected: static text, or bad_why_copy */
    char *bad_why_copy;  /* owned: the reason read from a shard's state */

    /* binary */
    double threshold;
    unsigned ece_bins;
    int keep_rows;
    uint64_t tp, fp, tn, fn;
    /* Floating sums are exact (common/exact_sum.h): the same bits for any
     * order of the rows and any split into shards. */
    mg_exact_sum logloss;  /* sum of per-row losses (binary and multiclass) */
    mg_exact_sum brier;    /* sum of (label - score)^2 */
    uint64_t out_of_range; /* scores outside [0,1] */
    uint64_t *ece_n, *ece_pos;
    mg_exact_sum *ece_score;
    double *pos, *neg;   /* kept scores of positive / negative rows */
    size_t npos, nneg, pos_cap, neg_cap;
    int pos_sorted, neg_sorted;

    /* multiclass */
    size_t k;
    char **class_names;   /* NULL or k owned strings */
    uint64_t *true_n, *pred_n, *hit; /* per class: labelled, predicted, both */
    uint64_t correct;

    /* regression */
    mg_exact_sum sq, abs, ape;
    double max_err;
    /* r2's total sum of squares from the exact sums of the targets and of
     * their squares (each square as two doubles, exactly). */
    mg_exact_sum ysum, ysq;
};

/* Adds a binary / multiclass / regression row `count` times (count >= 1),
 * without keeping it for the rank metrics.  Inputs already validated.  Used
 * by the public add functions (count 1) and by the bootstrap. */
void mg_metrics__binary_n(mg_metrics *acc, int label, double score, uint64_t count);
void mg_metrics__multiclass_n(mg_metrics *acc, int label, const double *probs, uint64_t count);
void mg_metrics__regression_n(mg_metrics *acc, double y, double p, uint64_t count);

/* Clears every count and sum (kept rows included), keeping the options. */
void mg_metrics__reset(mg_metrics *acc);

/* Keeps only the sums metric `name` needs from now on (before any row). */
void mg_metrics__only_for(mg_metrics *acc, const char *name);

/* Metric computations over a checked, non-empty accumulator of the right task.
 * Return 0 or -1 with err. */
int mg_metric__binary(mg_metrics *acc, const char *name, double *out, mg_error *err);
int mg_metric__multiclass(mg_metrics *acc, const char *name, double *out, mg_error *err);
int mg_metric__regression(mg_metrics *acc, const char *name, double *out, mg_error *err);

/* The rank sweep: feed tie groups of equal score in descending score order
 * (weights are row counts), then read roc_auc and average precision. */
typedef struct mg_rank_sweep {
    uint64_t tp, fp; /* running totals */
    uint64_t u2;     /* twice the Mann-Whitney U: pairs ranked right, ties half */
    mg_ksum ap;      /* sum of group_pos * precision */
} mg_rank_sweep;

static inline void mg_rank_group(mg_rank_sweep *r, uint64_t gpos, uint64_t gneg)
{
    r->u2 += gneg * (2 * r->tp + gpos);
    r->tp += gpos;
    r->fp += gneg;
    if (gpos)
        mg_ksum_add(&r->ap, (double)gpos * ((double)r->tp / (double)(r->tp + r->fp)));
}

/* Finishes a sweep for metric "roc_auc" or "average_precision".  Returns 0
 * or -1 with err when a class is missing. */
int mg_rank__finish(const mg_rank_sweep *r, const char *name, double *out, mg_error *err);

/* True for the metrics computed by the rank sweep. */
int mg_rank__is_rank_metric(const char *name);


#endif
