/*
 * stats_bootstrap.c - seeded paired percentile bootstrap of a metric
 * difference (challenger - champion).
 *
 * A resample is held as per-row draw counts, so a metric on it is the metric
 * with each row taken `count` times: the O(1)-memory metrics feed the rows
 * with their counts into a reusable accumulator; the rank metrics sweep each
 * model's rows in score order (sorted once) summing counts per tie group.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/internal.h"
#include "checks/stats/internal.h"
#include "common/xmem.h"

void mg_bootstrap_options_init(mg_bootstrap_options *o)
{
    o->resamples = 1000;
    o->confidence = 0.95;
    o->seed = 0;
}

typedef struct scored {
    double score;
    uint32_t row;
} scored;

/* Descending score; ties by row so the order is the same everywhere. */
static int by_score_desc(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* Row numbers of a binary store in descending order of scores s. */
static uint32_t *score_order(const double *s, size_t n)
{
    scored *tmp = mg_xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        tmp[i].score = s[i];
        tmp[i].row = (uint32_t)i;
    }
    qsort(tmp, n, sizeof *tmp, by_score_desc);
    uint32_t *order = mg_xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = tmp[i].row;
    free(tmp);
    return order;
}

/* The metric for one model (scores s) with rows weighted by counts. */
static int evaluate(const mg_paired *p, const double *s, const uint32_t *order, mg_metrics *acc,
                    const char *metric, const uint32_t *counts, double *out, mg_error *err)
{
    if (order) {
        mg_rank_sweep r;
        memset(&r, 0, sizeof r);
        size_t i = 0;
        while (i < p->n) {
            double v = s[order[i]];
            uint64_t gp = 0, gn = 0;
            while (i < p->n && s[order[i]] == v) {
                uint32_t row = order[i++];
                if (p->label8[row])
                    gp += counts[row];
                else
                    gn += counts[row];
            }
            if (gp || gn)
                mg_rank_group(&r, gp, gn);
        }
        return mg_rank__finish(&r, metric, out, err);
    }
    mg_metrics__reset(acc);
    for (size_t i = 0; i < p->n; i++) {
        if (!counts[i])
            continue;
        if (p->task == MG_TASK_BINARY)
            mg_metrics__binary_n(acc, p->label8[i], s[i], counts[i]);
        else if (p->task == MG_TASK_MULTICLASS)
            mg_metrics__multiclass_n(acc, (int)p->label32[i], s + i * p->k, counts[i]);
        else
            mg_metrics__regression_n(acc, p->target[i], s[i], counts[i]);
    }
    if (p->task == MG_TASK_BINARY)
        return mg_metric__binary(acc, metric, out, err);
    if (p->task == MG_TASK_MULTICLASS)
        return mg_metric__multiclass(acc, metric, out, err);
    return mg_metric__regression(acc, metric, out, err);
}

/* numpy.percentile's default: linear interpolation between order statistics. */
static double quantile(const double *sorted, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    double t = h - (double)lo;
    return sorted[lo] + t * (sorted[lo + 1] - sorted[lo]);
}

int mg_paired_bootstrap(const mg_paired *p, const char *metric, const mg_bootstrap_options *o,
                        mg_bootstrap_result *out, mg_error *err)
{
    mg_bootstrap_options defaults;
    if (!o) {
        mg_bootstrap_options_init(&defaults);
        o = &defaults;
    }
    if (!metric)
        return mg_error_set(err, "no metric name given");
    if (!mg_metric_lookup(metric, p->task)) {
        const char *near = mg_metric_closest(metric, p->task);
        if (near)
            return mg_error_set(err, "unknown %s metric '%s'; did you mean '%s'?",
                                mg_metric_task_name(p->task), metric, near);
        return mg_error_set(err, "unknown %s metric '%s'", mg_metric_task_name(p->task), metric);
    }
    if (o->resamples == 0)
        return mg_error_set(err, "bootstrap needs at least 1 resample");
    if (!(o->confidence > 0.0 && o->confidence < 1.0))
        return mg_error_set(err, "bootstrap confidence must be between 0 and 1 (exclusive), got %g",
                            o->confidence);
    if (mg_paired__check(p, err) < 0)
        return -1;
    if (p->n > UINT32_MAX)
        return mg_error_set(err, "bootstrap supports at most %lu rows, got %zu",
                            (unsigned long)UINT32_MAX, p->n);

    int rank = mg_rank__is_rank_metric(metric);
    uint32_t *order_champ = NULL, *order_chall = NULL;
    mg_metrics *acc = NULL;
    if (rank) {
        order_champ = score_order(p->champ, p->n);
        order_chall = score_order(p->chall, p->n);
    } else {
        acc = mg_metrics_new(p->task, &p->opts, err);
        if (!acc)
            return -1;
    }
    uint32_t *counts = mg_xmalloc(p->n * sizeof *counts);
    double *diffs = mg_xmalloc(o->resamples * sizeof *diffs);
    int rc = -1;

    /* The point estimate: every row once. */
    for (size_t i = 0; i < p->n; i++)
        counts[i] = 1;
    if (evaluate(p, p->champ, order_champ, acc, metric, counts, &out->champion, err) < 0) {
        mg_error_prefix(err, "champion");
        goto out;
    }
    if (evaluate(p, p->chall, order_chall, acc, metric, counts, &out->challenger, err) < 0) {
        mg_error_prefix(err, "challenger");
        goto out;
    }
    out->diff = out->challenger - out->champion;
    out->confidence = o->confidence;

    mg_rng rng;
    mg_rng_seed(&rng, o->seed);
    unsigned used = 0, skipped = 0;
    for (unsigned b = 0; b < o->resamples; b++) {
        memset(counts, 0, p->n * sizeof *counts);
        for (size_t i = 0; i < p->n; i++)
            counts[mg_rng_below(&rng, p->n)]++;
        double v1, v2;
        mg_error ignored;
        if (evaluate(p, p->champ, order_champ, acc, metric, counts, &v1, &ignored) < 0 ||
            evaluate(p, p->chall, order_chall, acc, metric, counts, &v2, &ignored) < 0) {
            skipped++;
            continue;
        }
        diffs[used++] = v2 - v1;
    }
    out->used = used;
    out->skipped = skipped;
    if (used == 0) {
        mg_error_set(err, "'%s' was undefined on all %u bootstrap resamples", metric, skipped);
        goto out;
    }
    mg_rank__sort_doubles(diffs, used);
    out->lower = quantile(diffs, used, (1.0 - o->confidence) / 2.0);
    out->upper = quantile(diffs, used, (1.0 + o->confidence) / 2.0);
    rc = 0;
out:
    free(counts);
    free(diffs);
    free(order_champ);
    free(order_chall);
    mg_metrics_free(acc);
    return rc;
}
