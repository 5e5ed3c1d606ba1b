/*
 * stats_bootstrap.c - seeded paired percentile bootstrap of a metric
 * difference (challenger - champion).
 *
 * A resample gives every row a weight, the number of times it is taken: a
 * Poisson(1) draw that is a function of the seed, the resample's number and
 * the row's identity alone (its id in the paired store, the data line for
 * the metric check; boot_weight), not of the order rows came in or draws
 * are made in.  So the rows can be gathered in any order and split in any
 * way (shards, a thread's chunk) and every row keeps its weights; the
 * metrics sum exactly (common/exact_sum.h), so the interval depends on the
 * set of rows alone.
 *
 * A metric on a resample is the metric with each row taken `weight` times:
 * the O(1)-memory metrics feed the rows with their weights into a reusable
 * accumulator; the rank metrics sweep each model's rows in score order
 * (sorted once) summing weights per tie group.  roc_auc, the common case on
 * large data, has its own path: BOOT_LANES resamples at once in one
 * sequential sweep per model, in exact integer arithmetic.
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

/*
 * Poisson(1) weights.  A row's 64-bit stream key is splitmix64 of the seed
 * and its identity; resample b takes the 16-bit slice b % 4 of splitmix64 of
 * (key + (b / 4 + 1) * golden gamma), and the weight is the k whose
 * quantized Poisson(1) cumulative probability first exceeds the slice:
 * P(k) to within 1/65536 of e^-1 / k!.  fixtures/metrics/generate_reference.py
 * computes the same weights.
 */
static const uint32_t poisson_cdf16[] = {24109, 48218, 60273, 64291, 65296, 65497, 65530, 65535};
#define GOLDEN 0x9E3779B97F4A7C15ULL

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t row_key(uint64_t seed, uint64_t id)
{
    return mix64(mix64(seed + GOLDEN) ^ (id + 1) * GOLDEN);
}

/* 65536 weights, by 16-bit slice; the caller frees. */
static uint8_t *weight_table(void)
{
    uint8_t *t = mg_xmalloc(65536);
    for (uint32_t u = 0; u < 65536; u++) {
        uint8_t k = 0;
        while (k < sizeof poisson_cdf16 / sizeof *poisson_cdf16 && poisson_cdf16[k] <= u)
            k++;
        t[u] = k;
    }
    return t;
}

/* The weight in resample b of the row whose identity is id. */
static uint32_t boot_weight(const uint8_t *table, uint64_t seed, unsigned b, uint64_t id)
{
    uint64_t h = mix64(row_key(seed, id) + (uint64_t)(b / 4 + 1) * GOLDEN);
    return table[(h >> (16 * (b % 4))) & 0xffff];
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

/* roc_auc on BOOT_LANES resamples at once. */
#define BOOT_LANES 16

/* Per row in score order: bit 0 its label, bit 1 set on the last row of a
 * tie group.  The caller frees. */
static uint8_t *sweep_flags(const mg_paired *p, const double *s, const uint32_t *order)
{
    uint8_t *f = mg_xmalloc(p->n ? p->n : 1);
    for (size_t i = 0; i < p->n; i++) {
        int last = i + 1 == p->n || s[order[i + 1]] != s[order[i]];
        f[i] = (uint8_t)((p->label8[order[i]] ? 1 : 0) | (last ? 2 : 0));
    }
    return f;
}

/*
 * roc_auc of one model on resamples b0 .. b0+nl-1 (b0 a multiple of 4), in
 * one sweep of its rows in descending score order (keys: each row's
 * row_key, in that order): per resample, twice the
 * weighted count of wrongly ordered (negative above positive) pairs, a tie
 * counting half, gives auc = 1 - wrong2 / (2 P N).  Integers throughout, so
 * the result does not depend on summation order.  auc[r] is NAN when the
 * resample drew no positive or no negative row.
 */
static void auc_lanes(const mg_paired *p, const uint64_t *keys, const uint8_t *flags, const uint8_t *table,
                      unsigned b0, unsigned nl, double *auc)
{
    uint64_t gp[BOOT_LANES] = {0}, gn[BOOT_LANES] = {0}, above[BOOT_LANES] = {0};
    uint64_t pos[BOOT_LANES] = {0}, wrong2[BOOT_LANES] = {0};
    for (size_t i = 0; i < p->n; i++) {
        uint64_t key = keys[i];
        uint64_t *g = flags[i] & 1 ? gp : gn;
        /* All lanes are computed (the unused ones of a last, short block
         * too): a fixed trip count, four weights from each hash. */
        for (unsigned q = 0; q < BOOT_LANES / 4; q++) {
            uint64_t h = mix64(key + (uint64_t)(b0 / 4 + q + 1) * GOLDEN);
            g[4 * q] += table[h & 0xffff];
            g[4 * q + 1] += table[(h >> 16) & 0xffff];
            g[4 * q + 2] += table[(h >> 32) & 0xffff];
            g[4 * q + 3] += table[h >> 48];
        }
        if (flags[i] & 2) {
            for (unsigned r = 0; r < BOOT_LANES; r++) {
                wrong2[r] += 2 * gp[r] * above[r] + gp[r] * gn[r];
                above[r] += gn[r];
                pos[r] += gp[r];
                gp[r] = gn[r] = 0;
            }
        }
    }
    for (unsigned r = 0; r < nl; r++)
        auc[r] = pos[r] && above[r] ? 1.0 - (double)wrong2[r] / (2.0 * (double)pos[r] * (double)above[r]) : NAN;
}

/* The resampled roc_auc differences, BOOT_LANES resamples per sweep. */
static void resample_auc(const mg_paired *p, const uint32_t *order_champ, const uint32_t *order_chall,
                         const uint8_t *table, const mg_bootstrap_options *o, double *diffs, unsigned *used,
                         unsigned *skipped)
{
    uint8_t *fc = sweep_flags(p, p->champ, order_champ), *fl = sweep_flags(p, p->chall, order_chall);
    uint64_t *kc = mg_xmalloc((p->n ? p->n : 1) * sizeof *kc), *kl = mg_xmalloc((p->n ? p->n : 1) * sizeof *kl);
    for (size_t i = 0; i < p->n; i++) {
        kc[i] = row_key(o->seed, p->id[order_champ[i]]);
        kl[i] = row_key(o->seed, p->id[order_chall[i]]);
    }
    for (unsigned b0 = 0; b0 < o->resamples; b0 += BOOT_LANES) {
        unsigned nl = o->resamples - b0 < BOOT_LANES ? o->resamples - b0 : BOOT_LANES;
        double a1[BOOT_LANES], a2[BOOT_LANES];
        auc_lanes(p, kc, fc, table, b0, nl, a1);
        auc_lanes(p, kl, fl, table, b0, nl, a2);
        for (unsigned r = 0; r < nl; r++) {
            if (isnan(a1[r]) || isnan(a2[r]))
                ++*skipped;
            else
                diffs[(*used)++] = a2[r] - a1[r];
        }
    }
    free(fc);
    free(fl);
    free(kc);
    free(kl);
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
        mg_metrics__only_for(acc, metric); /* one metric a resample: only its sums */
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

    uint8_t *table = weight_table();
    unsigned used = 0, skipped = 0;
    if (p->task == MG_TASK_BINARY && strcmp(metric, "roc_auc") == 0)
        resample_auc(p, order_champ, order_chall, table, o, diffs, &used, &skipped);
    for (unsigned b = 0; used + skipped < o->resamples; b++) {
        for (size_t i = 0; i < p->n; i++)
            counts[i] = boot_weight(table, o->seed, b, p->id[i]);
        double v1, v2;
        mg_error ignored;
        if (evaluate(p, p->champ, order_champ, acc, metric, counts, &v1, &ignored) < 0 ||
            evaluate(p, p->chall, order_chall, acc, metric, counts, &v2, &ignored) < 0) {
            skipped++;
            continue;
        }
        diffs[used++] = v2 - v1;
    }
    free(table);
    out->used = used;
    out->skipped = skipped;
    if (used == 0) {
        mg_error_set(err, "'%s' was undefined on all %u bootstrap resamples", metric, skipped);
        goto out;
    }
    mg_sort_doubles(diffs, used);
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
