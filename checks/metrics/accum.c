/*
 * accum.c - the streaming accumulator: creation, row intake and
 * validation.  The computations live in binary.c, rank.c,
 * multiclass.c and regression.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/internal.h"
#include "common/xmem.h"

void mg_metrics_options_init(mg_metrics_options *o)
{
    memset(o, 0, sizeof *o);
    o->threshold = 0.5;
    o->ece_bins = 10;
    o->keep_rows = 1;
}

mg_metrics *mg_metrics_new(mg_model_task task, const mg_metrics_options *opts, mg_error *err)
{
    mg_metrics_options defaults;
    if (!opts) {
        mg_metrics_options_init(&defaults);
        opts = &defaults;
    }
    if (task != MG_TASK_BINARY && task != MG_TASK_MULTICLASS && task != MG_TASK_REGRESSION) {
        mg_error_set(err, "unknown task %d for metrics", (int)task);
        return NULL;
    }
    if (task == MG_TASK_BINARY && !isfinite(opts->threshold)) {
        mg_error_set(err, "decision threshold is not a finite number");
        return NULL;
    }
    if (task == MG_TASK_BINARY && opts->ece_bins == 0) {
        mg_error_set(err, "'ece_bins' must be at least 1");
        return NULL;
    }
    if (task == MG_TASK_MULTICLASS && opts->nclasses < 2) {
        mg_error_set(err, "multiclass metrics need at least 2 classes, got %zu", opts->nclasses);
        return NULL;
    }
    mg_metrics *acc = mg_xcalloc(1, sizeof *acc);
    acc->task = task;
    acc->parts = MG_PART_ALL;
    acc->threshold = opts->threshold;
    acc->ece_bins = opts->ece_bins;
    acc->keep_rows = opts->keep_rows;
    if (task == MG_TASK_BINARY) {
        acc->ece_n = mg_xcalloc(acc->ece_bins, sizeof *acc->ece_n);
        acc->ece_pos = mg_xcalloc(acc->ece_bins, sizeof *acc->ece_pos);
        acc->ece_score = mg_xcalloc(acc->ece_bins, sizeof *acc->ece_score);
    } else if (task == MG_TASK_MULTICLASS) {
        acc->k = opts->nclasses;
        acc->true_n = mg_xcalloc(acc->k, sizeof *acc->true_n);
        acc->pred_n = mg_xcalloc(acc->k, sizeof *acc->pred_n);
        acc->hit = mg_xcalloc(acc->k, sizeof *acc->hit);
        if (opts->class_names) {
            acc->class_names = mg_xcalloc(acc->k, sizeof *acc->class_names);
            for (size_t i = 0; i < acc->k; i++)
                acc->class_names[i] = mg_xstrdup(opts->class_names[i] ? opts->class_names[i] : "");
        }
    }
    mg_metrics__reset(acc);
    return acc;
}

void mg_metrics_free(mg_metrics *acc)
{
    if (!acc)
        return;
    free(acc->ece_n);
    free(acc->ece_pos);
    free(acc->ece_score);
    free(acc->pos);
    free(acc->neg);
    free(acc->true_n);
    free(acc->pred_n);
    free(acc->hit);
    if (acc->class_names)
        for (size_t i = 0; i < acc->k; i++)
            free(acc->class_names[i]);
    free(acc->class_names);
    free(acc->bad_why_copy);
    free(acc);
}

void mg_metrics__reset(mg_metrics *acc)
{
    acc->n = acc->calls = acc->bad = acc->first_bad = 0;
    acc->bad_why = NULL;
    acc->tp = acc->fp = acc->tn = acc->fn = 0;
    free(acc->bad_why_copy);
    acc->bad_why_copy = NULL;
    mg_exact_sum_clear(&acc->logloss);
    mg_exact_sum_clear(&acc->brier);
    acc->out_of_range = 0;
    if (acc->ece_n) {
        memset(acc->ece_n, 0, acc->ece_bins * sizeof *acc->ece_n);
        memset(acc->ece_pos, 0, acc->ece_bins * sizeof *acc->ece_pos);
        memset(acc->ece_score, 0, acc->ece_bins * sizeof *acc->ece_score);
    }
    acc->npos = acc->nneg = 0;
    acc->pos_sorted = acc->neg_sorted = 1;
    if (acc->true_n) {
        memset(acc->true_n, 0, acc->k * sizeof *acc->true_n);
        memset(acc->pred_n, 0, acc->k * sizeof *acc->pred_n);
        memset(acc->hit, 0, acc->k * sizeof *acc->hit);
    }
    acc->correct = 0;
    mg_exact_sum_clear(&acc->sq);
    mg_exact_sum_clear(&acc->abs);
    mg_exact_sum_clear(&acc->ape);
    acc->max_err = 0.0;
    mg_exact_sum_clear(&acc->ysum);
    mg_exact_sum_clear(&acc->ysq);
}

void mg_metrics__only_for(mg_metrics *acc, const char *name)
{
    static const struct {
        const char *name;
        unsigned parts;
    } needs[] = {
        {"log_loss", MG_PART_LOGLOSS}, {"brier", MG_PART_BRIER}, {"ece", MG_PART_ECE},
        {"rmse", MG_PART_SQ},          {"r2", MG_PART_SQ | MG_PART_TARGETS}, {"mae", MG_PART_ABS},
        {"mape", MG_PART_APE},
    };
    acc->parts = 0; /* counts only: accuracy, f1, max_error... */
    for (size_t i = 0; i < sizeof needs / sizeof *needs; i++)
        if (strcmp(name, needs[i].name) == 0)
            acc->parts = needs[i].parts;
}

/* Counts a rejected row; always returns -1. */
static int reject(mg_metrics *acc, const char *why)
{
    acc->bad++;
    if (acc->bad == 1) {
        acc->first_bad = acc->calls;
        acc->bad_why = why;
    }
    return -1;
}

int mg_metrics_add_binary(mg_metrics *acc, int label, double score)
{
    acc->calls++;
    if (acc->task != MG_TASK_BINARY)
        return reject(acc, "a binary row was given to a non-binary accumulator");
    if (label != 0 && label != 1)
        return reject(acc, "label is not 0 or 1");
    if (isnan(score))
        return reject(acc, "score is NaN");
    if (!isfinite(score))
        return reject(acc, "score is infinite");
    score += 0.0; /* -0.0 -> +0.0, so equal scores are equal bit for bit */
    if (acc->keep_rows) {
        if (label) {
            acc->pos = mg_xgrow(acc->pos, &acc->pos_cap, acc->npos + 1, sizeof *acc->pos);
            acc->pos[acc->npos++] = score;
            acc->pos_sorted = 0;
        } else {
            acc->neg = mg_xgrow(acc->neg, &acc->neg_cap, acc->nneg + 1, sizeof *acc->neg);
            acc->neg[acc->nneg++] = score;
            acc->neg_sorted = 0;
        }
    }
    mg_metrics__binary_n(acc, label, score, 1);
    return 0;
}

int mg_metrics_add_multiclass(mg_metrics *acc, int label, const double *probs)
{
    acc->calls++;
    if (acc->task != MG_TASK_MULTICLASS)
        return reject(acc, "a multiclass row was given to a non-multiclass accumulator");
    if (label < 0 || (size_t)label >= acc->k)
        return reject(acc, "label is not a class number");
    for (size_t j = 0; j < acc->k; j++) {
        if (isnan(probs[j]))
            return reject(acc, "probability is NaN");
        if (!isfinite(probs[j]))
            return reject(acc, "probability is infinite");
    }
    mg_metrics__multiclass_n(acc, label, probs, 1);
    return 0;
}

int mg_metrics_add_multiclass_named(mg_metrics *acc, const char *label, const double *probs)
{
    if (acc->task == MG_TASK_MULTICLASS && acc->class_names && label) {
        for (size_t j = 0; j < acc->k; j++)
            if (strcmp(acc->class_names[j], label) == 0)
                return mg_metrics_add_multiclass(acc, (int)j, probs);
    }
    acc->calls++;
    if (acc->task != MG_TASK_MULTICLASS)
        return reject(acc, "a multiclass row was given to a non-multiclass accumulator");
    return reject(acc, acc->class_names ? "label is not one of the class names"
                                        : "label names given but the accumulator has no class names");
}

int mg_metrics_add_regression(mg_metrics *acc, double target, double prediction)
{
    acc->calls++;
    if (acc->task != MG_TASK_REGRESSION)
        return reject(acc, "a regression row was given to a non-regression accumulator");
    if (isnan(target))
        return reject(acc, "target is NaN");
    if (!isfinite(target))
        return reject(acc, "target is infinite");
    if (isnan(prediction))
        return reject(acc, "prediction is NaN");
    if (!isfinite(prediction))
        return reject(acc, "prediction is infinite");
    mg_metrics__regression_n(acc, target, prediction, 1);
    return 0;
}

uint64_t mg_metrics_rows(const mg_metrics *acc)
{
    return acc->n;
}

mg_model_task mg_metrics_task(const mg_metrics *acc)
{
    return acc->task;
}

int mg_metrics_check(const mg_metrics *acc, mg_error *err)
{
    if (acc->bad)
        return mg_error_set(err, "%llu of %llu rows rejected (first: row %llu: %s)",
                            (unsigned long long)acc->bad, (unsigned long long)acc->calls,
                            (unsigned long long)acc->first_bad, acc->bad_why);
    if (acc->n == 0)
        return mg_error_set(err, "no rows: metrics are undefined on empty input");
    return 0;
}

int mg_metrics_value(mg_metrics *acc, const char *name, double *out, mg_error *err)
{
    if (!name)
        return mg_error_set(err, "no metric name given");
    if (!mg_metric_lookup(name, acc->task)) {
        const char *near = mg_metric_closest(name, acc->task);
        if (near)
            return mg_error_set(err, "unknown %s metric '%s'; did you mean '%s'?",
                                mg_metric_task_name(acc->task), name, near);
        return mg_error_set(err, "unknown %s metric '%s'", mg_metric_task_name(acc->task), name);
    }
    if (mg_metrics_check(acc, err) < 0) {
        mg_error_prefix(err, "'%s'", name);
        return -1;
    }
    switch (acc->task) {
    case MG_TASK_BINARY:
        return mg_metric__binary(acc, name, out, err);
    case MG_TASK_MULTICLASS:
        return mg_metric__multiclass(acc, name, out, err);
    case MG_TASK_REGRESSION:
        return mg_metric__regression(acc, name, out, err);
    }
    return mg_error_set(err, "unknown task");
}

int mg_metrics_confusion(const mg_metrics *acc, mg_confusion *out, mg_error *err)
{
    if (acc->task != MG_TASK_BINARY)
        return mg_error_set(err, "confusion matrix asked of a %s accumulator",
                            mg_metric_task_name(acc->task));
    out->tn = acc->tn;
    out->fp = acc->fp;
    out->fn = acc->fn;
    out->tp = acc->tp;
    return 0;
}

size_t mg_metrics_row_bytes(const mg_metrics *acc)
{
    return (acc->pos_cap + acc->neg_cap) * sizeof(double);
}
