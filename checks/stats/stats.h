/*
 * stats.h - champion vs challenger statistics on paired rows: McNemar's test
 * for accuracy, and a seeded paired bootstrap confidence interval for the
 * difference (challenger - champion) of any registered metric.
 *
 * A library: nothing here prints or exits; failures return -1 with err.
 *
 * Memory: the bootstrap needs every row of both models in memory.  A paired
 * store keeps per row its 8-byte identity, the label and both scores:
 * binary 25 bytes (1-byte label, two doubles), regression 32 bytes (three
 * doubles), multiclass 12 + 16 K bytes; plus up to the same again in array
 * growth slack (the arrays double).  While it runs the bootstrap also uses
 * 4 bytes per row (resample weights), 8 more per row for the rank metrics
 * (each model's rows in score order, built through a 16-byte-per-row sort
 * that is freed before resampling starts; roc_auc 18 more, a flag byte and
 * an 8-byte row key per row and model) and 8 bytes per resample.
 *
 * Reproducibility: a resample weights each row by a Poisson(1) count that is
 * a function of the seed, the resample's number and the row's identity (the
 * id given to mg_paired_add_*; splitmix64 hashing; checks/stats/bootstrap.c),
 * never of the order rows are added or draws are made in; the metrics on a
 * resample sum exactly (common/exact_sum.h).  So the interval depends only on
 * the set of rows: any sharding, any order gives the same bits.  Only 64-bit
 * integer arithmetic for the weights: the same seed gives the same resamples
 * on every machine.  fixtures/metrics/generate_reference.py computes the same
 * weights in Python (with the rows numbered from 0 as their ids) and
 * reproduces the intervals with sklearn.  The mg_rng generator below serves
 * other seeded draws.
 *
 * Ownership: mg_paired_new returns a store the caller frees with
 * mg_paired_free (NULL is fine).
 */
#ifndef MG_CHECKS_STATS_H
#define MG_CHECKS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "checks/metrics/metrics.h"
#include "common/error.h"

/* ------------------------------------------------------------------ */
/* PRNG                                                                 */

typedef struct mg_rng {
    uint64_t s[4]; /* xoshiro256** state; private */
} mg_rng;

/* Seeds from any 64-bit value (0 is fine). */
void mg_rng_seed(mg_rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t mg_rng_next(mg_rng *r);
/* Uniform integer in [0, n), n >= 1 (n == 0 returns 0). */
uint64_t mg_rng_below(mg_rng *r, uint64_t n);

/* ------------------------------------------------------------------ */
/* McNemar                                                              */

/* b + c below this: exact binomial test; from it on: chi-square. */
#define MG_MCNEMAR_EXACT_BELOW 25

typedef struct mg_mcnemar {
    uint64_t b;       /* rows the champion got right and the challenger wrong */
    uint64_t c;       /* rows the champion got wrong and the challenger right */
    int exact;        /* 1: exact binomial test, 0: chi-square */
    double statistic; /* exact: min(b, c); chi-square: max(|b-c|-1, 0)^2 / (b+c) */
    double p_value;   /* two-sided; 1 when b + c == 0 */
} mg_mcnemar;

/*
 * McNemar's test that both models have the same accuracy, from the
 * discordant counts.  b + c < 25: exact two-sided binomial test,
 * p = min(1, 2 P(X <= min(b,c))) for X ~ Binomial(b + c, 1/2) (equal to
 * scipy.stats.binomtest(min(b,c), b+c, 0.5).pvalue).  Otherwise the
 * chi-square statistic with Edwards' continuity correction,
 * max(|b - c| - 1, 0)^2 / (b + c), and p = P(chi2_1 > statistic)
 * (scipy.stats.chi2.sf(statistic, 1)).  Cannot fail.
 */
void mg_mcnemar_test(uint64_t b, uint64_t c, mg_mcnemar *out);

/* ------------------------------------------------------------------ */
/* Paired rows                                                          */

typedef struct mg_paired mg_paired;

/* A new, empty store.  opts as for mg_metrics_new (threshold, ece_bins,
 * nclasses; keep_rows is ignored); NULL means defaults (not for multiclass).
 * Returns NULL with err on a bad option. */
mg_paired *mg_paired_new(mg_model_task task, const mg_metrics_options *opts, mg_error *err);
void mg_paired_free(mg_paired *p);

/*
 * Add one row scored by both models; id is the row's identity, unique among
 * the rows (the metric check gives its data line): its bootstrap weights
 * derive from it and the seed.  0 when taken, -1 when rejected with the
 * same rules as mg_metrics_add_* (both scores checked); a rejected row
 * poisons the store: McNemar and the bootstrap then fail naming the count
 * and the first bad row.
 */
int mg_paired_add_binary(mg_paired *p, uint64_t id, int label, double champion, double challenger);
/* champion, challenger: nclasses probabilities each. */
int mg_paired_add_multiclass(mg_paired *p, uint64_t id, int label, const double *champion,
                             const double *challenger);
int mg_paired_add_regression(mg_paired *p, uint64_t id, double target, double champion, double challenger);

/* Rows taken. */
size_t mg_paired_rows(const mg_paired *p);
/* Bytes held for the rows (capacity included). */
size_t mg_paired_row_bytes(const mg_paired *p);

/* Sharded runs (checks/stats/paired_state.c): the store's rows as JSON (a
 * new reference; common/state_json.h arrays: 8 bytes a row for the ids, 16
 * for the two scores, a bit (binary) or 8 bytes (multiclass) for the label,
 * 8 for a regression target), and a saved store's rows appended to p (same
 * task and classes).  merge returns 0, or -1 with msg when the state is not
 * one p can take. */
json_t *mg_paired_save(const mg_paired *p);
int mg_paired_merge(mg_paired *p, const json_t *state, char *msg, size_t size);

/* McNemar on the paired rows: a binary row is right when (score >=
 * threshold) equals the label, a multiclass row when the argmax is the
 * label.  Returns 0, or -1 with err (regression task, no rows, bad rows). */
int mg_paired_mcnemar(const mg_paired *p, mg_mcnemar *out, mg_error *err);

/* ------------------------------------------------------------------ */
/* Paired bootstrap                                                     */

typedef struct mg_bootstrap_options {
    unsigned resamples; /* B >= 1 */
    double confidence;  /* in (0, 1) */
    uint64_t seed;
} mg_bootstrap_options;

/* Fills the defaults: 1000 resamples, confidence 0.95, seed 0. */
void mg_bootstrap_options_init(mg_bootstrap_options *o);

typedef struct mg_bootstrap_result {
    double champion;   /* the metric on all rows, champion */
    double challenger; /* the metric on all rows, challenger */
    double diff;       /* challenger - champion */
    double lower;      /* percentile interval of the resampled differences */
    double upper;
    double confidence; /* as asked */
    unsigned used;     /* resamples where the metric was defined for both */
    unsigned skipped;  /* resamples where it was not (e.g. one class) */
} mg_bootstrap_result;

/*
 * Paired percentile bootstrap of metric(challenger) - metric(champion).
 * Each resample weights every row by its Poisson(1) count (above) and
 * computes the metric for both models on the same weighted rows.  Resamples where the metric is undefined (roc_auc with one
 * class drawn, say) are skipped and counted.  lower and upper are the
 * (1-confidence)/2 and (1+confidence)/2 quantiles of the used differences,
 * linearly interpolated (numpy.percentile's default method).
 * Returns 0, or -1 with err: unknown metric for the task, bad options, no or
 * bad rows, the metric undefined on the full data, or every resample skipped.
 */
int mg_paired_bootstrap(const mg_paired *p, const char *metric, const mg_bootstrap_options *o,
                        mg_bootstrap_result *out, mg_error *err);

#endif
