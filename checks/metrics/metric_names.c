/*
 * metric_names.c - the table of metric names: one row per (name, task),
 * feeding spec validation, "did you mean" and baselines.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/internal.h"

static const mg_metric_info registry[] = {
    {"accuracy", MG_TASK_BINARY, 1, 0,
     "fraction of rows whose predicted class (score >= threshold) equals the label"},
    {"balanced_accuracy", MG_TASK_BINARY, 1, 0,
     "mean of the recalls of the classes present in the labels"},
    {"precision", MG_TASK_BINARY, 1, 0, "tp / (tp + fp) at the threshold, 0 when nothing is predicted positive"},
    {"recall", MG_TASK_BINARY, 1, 0, "tp / (tp + fn) at the threshold, 0 when no row is positive"},
    {"f1", MG_TASK_BINARY, 1, 0, "harmonic mean of precision and recall, 0 when both are 0"},
    {"roc_auc", MG_TASK_BINARY, 1, 1, "area under the ROC curve, ties counted one half"},
    {"average_precision", MG_TASK_BINARY, 1, 1,
     "area under the precision-recall curve as a step sum over distinct scores"},
    {"log_loss", MG_TASK_BINARY, 0, 0, "mean negative log-likelihood of the labels, clipped at 2^-52"},
    {"brier", MG_TASK_BINARY, 0, 0, "mean squared difference between label and probability"},
    {"ece", MG_TASK_BINARY, 0, 0,
     "expected calibration error over equal-width probability bins (10 by default)"},
    {"accuracy", MG_TASK_MULTICLASS, 1, 0, "fraction of rows whose most probable class is the label"},
    {"f1_macro", MG_TASK_MULTICLASS, 1, 0, "unweighted mean of per-class f1 over the classes seen"},
    {"f1_weighted", MG_TASK_MULTICLASS, 1, 0, "per-class f1 averaged with the class frequencies as weights"},
    {"log_loss", MG_TASK_MULTICLASS, 0, 0, "mean negative log-probability of the true class, clipped at 2^-52"},
    {"rmse", MG_TASK_REGRESSION, 0, 0, "root mean squared error"},
    {"mae", MG_TASK_REGRESSION, 0, 0, "mean absolute error"},
    {"r2", MG_TASK_REGRESSION, 1, 0, "coefficient of determination, 1 - residual / total sum of squares"},
    {"mape", MG_TASK_REGRESSION, 0, 0,
     "mean absolute percentage error as a fraction, |target| floored at 2^-52"},
    {"max_error", MG_TASK_REGRESSION, 0, 0, "largest absolute error"},
};

#define NREGISTRY (sizeof registry / sizeof registry[0])

size_t mg_metric_count(void)
{
    return NREGISTRY;
}

const mg_metric_info *mg_metric_at(size_t i)
{
    return i < NREGISTRY ? &registry[i] : NULL;
}

const mg_metric_info *mg_metric_lookup(const char *name, mg_model_task task)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < NREGISTRY; i++)
        if (registry[i].task == task && strcmp(registry[i].name, name) == 0)
            return &registry[i];
    return NULL;
}

const mg_metric_info *mg_metric_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < NREGISTRY; i++)
        if (strcmp(registry[i].name, name) == 0)
            return &registry[i];
    return NULL;
}

/* Levenshtein distance between a and b, giving up (returning `cap` + 1)
 * for names longer than 63 characters. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return cap + 1;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *mg_metric_closest(const char *name, mg_model_task task)
{
    if (!name)
        return NULL;
    size_t limit = strlen(name) / 3;
    if (limit < 2)
        limit = 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < NREGISTRY; i++) {
        if (registry[i].task != task)
            continue;
        size_t d = edit_distance(name, registry[i].name, limit);
        if (d < best_d) {
            best_d = d;
            best = registry[i].name;
        }
    }
    return best;
}

const char *mg_metric_task_name(mg_model_task task)
{
    switch (task) {
    case MG_TASK_BINARY:
        return "binary";
    case MG_TASK_MULTICLASS:
        return "multiclass";
    case MG_TASK_REGRESSION:
        return "regression";
    }
    return "unknown";
}
