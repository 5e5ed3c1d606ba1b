/*
 * accum_state.c - an accumulator's state for sharded runs (metrics.h,
 * mg_metrics_save / mg_metrics_merge): counts add, exact sums add exactly,
 * the rank metrics' kept scores are appended (the sort before a rank
 * metric makes their order irrelevant).  A merged accumulator gives every
 * metric with the bits one accumulator fed all the rows would give.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/internal.h"
#include "common/state_json.h"
#include "common/xmem.h"

static void set_count(json_t *o, const char *key, uint64_t v)
{
    json_object_set_new(o, key, mg_state_count(v));
}

static json_t *exact_sums(const mg_exact_sum *s, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, mg_exact_sum_save(&s[i]));
    return list;
}

static void save_binary(const mg_metrics *acc, json_t *o)
{
    json_object_set_new(o, "threshold", mg_state_real(acc->threshold));
    set_count(o, "tp", acc->tp);
    set_count(o, "fp", acc->fp);
    set_count(o, "tn", acc->tn);
    set_count(o, "fn", acc->fn);
    json_object_set_new(o, "logloss", mg_exact_sum_save(&acc->logloss));
    json_object_set_new(o, "brier", mg_exact_sum_save(&acc->brier));
    set_count(o, "out_of_range", acc->out_of_range);
    json_object_set_new(o, "ece_n", mg_state_counts(acc->ece_n, acc->ece_bins));
    json_object_set_new(o, "ece_pos", mg_state_counts(acc->ece_pos, acc->ece_bins));
    json_object_set_new(o, "ece_score", exact_sums(acc->ece_score, acc->ece_bins));
    json_object_set_new(o, "keep_rows", json_boolean(acc->keep_rows));
    if (acc->keep_rows) {
        json_object_set_new(o, "pos", mg_state_doubles(acc->pos, acc->npos));
        json_object_set_new(o, "neg", mg_state_doubles(acc->neg, acc->nneg));
    }
}

json_t *mg_metrics_save(const mg_metrics *acc)
{
    json_t *o = json_object();
    json_object_set_new(o, "task", json_string(mg_metric_task_name(acc->task)));
    set_count(o, "n", acc->n);
    set_count(o, "calls", acc->calls);
    set_count(o, "bad", acc->bad);
    set_count(o, "first_bad", acc->first_bad);
    if (acc->bad_why)
        json_object_set_new(o, "bad_why", json_string(acc->bad_why));
    if (acc->task == MG_TASK_BINARY) {
        save_binary(acc, o);
    } else if (acc->task == MG_TASK_MULTICLASS) {
        set_count(o, "classes", acc->k);
        json_object_set_new(o, "true_n", mg_state_counts(acc->true_n, acc->k));
        json_object_set_new(o, "pred_n", mg_state_counts(acc->pred_n, acc->k));
        json_object_set_new(o, "hit", mg_state_counts(acc->hit, acc->k));
        set_count(o, "correct", acc->correct);
        json_object_set_new(o, "logloss", mg_exact_sum_save(&acc->logloss));
    } else {
        json_object_set_new(o, "sq", mg_exact_sum_save(&acc->sq));
        json_object_set_new(o, "abs", mg_exact_sum_save(&acc->abs));
        json_object_set_new(o, "ape", mg_exact_sum_save(&acc->ape));
        json_object_set_new(o, "max_err", mg_state_real(acc->max_err));
        json_object_set_new(o, "ysum", mg_exact_sum_save(&acc->ysum));
        json_object_set_new(o, "ysq", mg_exact_sum_save(&acc->ysq));
    }
    return o;
}

/* Adds the per-bin or per-class counts `key` (n of them) to into. */
static int add_counts(const json_t *o, const char *key, uint64_t *into, size_t n, char *msg, size_t size)
{
    uint64_t *v;
    size_t got;
    if (mg_state_get_counts(o, key, &v, &got, msg, size) != 0)
        return -1;
    if (got != n) {
        free(v);
        return snprintf(msg, size, "'%s': expected %zu counts, found %zu", key, n, got), -1;
    }
    for (size_t i = 0; i < n; i++)
        into[i] += v[i];
    free(v);
    return 0;
}

static int add_count(const json_t *o, const char *key, uint64_t *into, char *msg, size_t size)
{
    uint64_t v;
    if (mg_state_get_count(o, key, &v, msg, size) != 0)
        return -1;
    *into += v;
    return 0;
}

static int merge_sum(mg_exact_sum *s, const json_t *o, const char *key, char *msg, size_t size)
{
    return mg_exact_sum_merge_json(s, json_object_get(o, key), key, msg, size);
}

/* Appends the kept scores `key` to *arr. */
static int append_scores(const json_t *o, const char *key, double **arr, size_t *n, size_t *cap, int *sorted,
                         char *msg, size_t size)
{
    double *v;
    size_t got;
    if (mg_state_get_doubles(o, key, &v, &got, msg, size) != 0)
        return -1;
    for (size_t i = 0; i < got; i++)
        if (!isfinite(v[i])) {
            free(v);
            return snprintf(msg, size, "'%s': score %zu is not finite", key, i), -1;
        }
    if (got) {
        *arr = mg_xgrow(*arr, cap, *n + got, sizeof **arr);
        memcpy(*arr + *n, v, got * sizeof *v);
        *n += got;
        *sorted = 0;
    }
    free(v);
    return 0;
}

static int merge_binary(mg_metrics *acc, const json_t *o, char *msg, size_t size)
{
    double threshold;
    if (mg_state_get_real(o, "threshold", &threshold, msg, size) != 0)
        return -1;
    if (threshold != acc->threshold || json_is_true(json_object_get(o, "keep_rows")) != (acc->keep_rows != 0))
        return snprintf(msg, size, "the state was saved with other metric options (threshold, kept rows)"), -1;
    if (add_count(o, "tp", &acc->tp, msg, size) || add_count(o, "fp", &acc->fp, msg, size) ||
        add_count(o, "tn", &acc->tn, msg, size) || add_count(o, "fn", &acc->fn, msg, size) ||
        add_count(o, "out_of_range", &acc->out_of_range, msg, size) ||
        merge_sum(&acc->logloss, o, "logloss", msg, size) ||
        merge_sum(&acc->brier, o, "brier", msg, size) ||
        add_counts(o, "ece_n", acc->ece_n, acc->ece_bins, msg, size) ||
        add_counts(o, "ece_pos", acc->ece_pos, acc->ece_bins, msg, size))
        return -1;
    const json_t *bins = json_object_get(o, "ece_score");
    if (!json_is_array(bins) || json_array_size(bins) != acc->ece_bins)
        return snprintf(msg, size, "'ece_score': expected %u exact sums", acc->ece_bins), -1;
    for (size_t b = 0; b < acc->ece_bins; b++)
        if (mg_exact_sum_merge_json(&acc->ece_score[b], json_array_get(bins, b), "ece_score", msg, size) != 0)
            return -1;
    if (acc->keep_rows && (append_scores(o, "pos", &acc->pos, &acc->npos, &acc->pos_cap, &acc->pos_sorted, msg, size) ||
                           append_scores(o, "neg", &acc->neg, &acc->nneg, &acc->neg_cap, &acc->neg_sorted, msg, size)))
        return -1;
    return 0;
}

static int merge_multiclass(mg_metrics *acc, const json_t *o, char *msg, size_t size)
{
    uint64_t k;
    if (mg_state_get_count(o, "classes", &k, msg, size) != 0)
        return -1;
    if (k != acc->k)
        return snprintf(msg, size, "'classes': expected %zu, found %llu", acc->k, (unsigned long long)k), -1;
    if (add_counts(o, "true_n", acc->true_n, acc->k, msg, size) ||
        add_counts(o, "pred_n", acc->pred_n, acc->k, msg, size) || add_counts(o, "hit", acc->hit, acc->k, msg, size) ||
        add_count(o, "correct", &acc->correct, msg, size) ||
        merge_sum(&acc->logloss, o, "logloss", msg, size))
        return -1;
    return 0;
}

static int merge_regression(mg_metrics *acc, const json_t *o, char *msg, size_t size)
{
    double max_err;
    if (merge_sum(&acc->sq, o, "sq", msg, size) || merge_sum(&acc->abs, o, "abs", msg, size) ||
        merge_sum(&acc->ape, o, "ape", msg, size) ||
        merge_sum(&acc->ysum, o, "ysum", msg, size) ||
        merge_sum(&acc->ysq, o, "ysq", msg, size) ||
        mg_state_get_real(o, "max_err", &max_err, msg, size))
        return -1;
    if (max_err > acc->max_err)
        acc->max_err = max_err;
    return 0;
}

/* Rejected rows: the first one is the earliest shard's, numbered among all
 * the add calls before it. */
static int merge_rejected(mg_metrics *acc, const json_t *o, char *msg, size_t size)
{
    uint64_t calls, bad, first_bad;
    if (mg_state_get_count(o, "calls", &calls, msg, size) || mg_state_get_count(o, "bad", &bad, msg, size) ||
        mg_state_get_count(o, "first_bad", &first_bad, msg, size))
        return -1;
    if (bad && !acc->bad) {
        const char *why = json_string_value(json_object_get(o, "bad_why"));
        acc->first_bad = acc->calls + first_bad;
        free(acc->bad_why_copy);
        acc->bad_why_copy = mg_xstrdup(why ? why : "rejected");
        acc->bad_why = acc->bad_why_copy;
    }
    acc->bad += bad;
    acc->calls += calls;
    return 0;
}

int mg_metrics_merge(mg_metrics *acc, const json_t *state, char *msg, size_t size)
{
    const char *task = json_string_value(json_object_get(state, "task"));
    if (!task || strcmp(task, mg_metric_task_name(acc->task)) != 0)
        return snprintf(msg, size, "'task': expected \"%s\"", mg_metric_task_name(acc->task)), -1;
    uint64_t n;
    if (mg_state_get_count(state, "n", &n, msg, size) != 0 || merge_rejected(acc, state, msg, size) != 0)
        return -1;
    int rc = acc->task == MG_TASK_BINARY       ? merge_binary(acc, state, msg, size)
             : acc->task == MG_TASK_MULTICLASS ? merge_multiclass(acc, state, msg, size)
                                               : merge_regression(acc, state, msg, size);
    if (rc != 0)
        return -1;
    acc->n += n;
    return 0;
}
