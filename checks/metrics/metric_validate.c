/*
 * metric_validate.c - the `metric` check's options beyond their kinds
 * (checks/check.h, validate): a known metric name, max_drop or
 * max_increase on the side that is a worsening, ascending slice bins,
 * slice options only with slice_by, min not above max.
 */
#include <stdio.h>

#include "checks/metrics/metric_check.h"
#include "checks/metrics/metrics.h"

int mg_metric_check_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    const json_t *m = json_object_get(o, "metric");
    if (!json_is_string(m)) {
        *key = m ? "metric" : NULL;
        snprintf(msg, size, "%s", m ? "expected a metric name such as \"roc_auc\""
                                    : "missing \"metric\": the metric to gate on, e.g. \"roc_auc\"");
        return -1;
    }
    const char *name = json_string_value(m);
    if (!mg_metric_find(name)) {
        const char *near = NULL;
        for (int t = MG_TASK_REGRESSION; t <= MG_TASK_MULTICLASS && !near; t++)
            near = mg_metric_closest(name, (mg_model_task)t);
        *key = "metric";
        if (near)
            snprintf(msg, size, "unknown metric '%s'; did you mean '%s'?", name, near);
        else
            snprintf(msg, size, "unknown metric '%s'; see README.md for the metric names", name);
        return -1;
    }
    const mg_metric_info *info = mg_metric_find(name);
    if (json_object_get(o, "max_drop") && !info->higher_is_better) {
        *key = "max_drop";
        snprintf(msg, size, "'%s' is better when lower: a drop is an improvement; bound its rise with max_increase", name);
        return -1;
    }
    if (json_object_get(o, "max_increase") && info->higher_is_better) {
        *key = "max_increase";
        snprintf(msg, size, "'%s' is better when higher: a rise is an improvement; bound its fall with max_drop", name);
        return -1;
    }
    const json_t *bins = json_object_get(o, "slice_bins");
    if (bins) {
        int ok = json_is_array(bins) && json_array_size(bins) > 0;
        for (size_t i = 0; ok && i < json_array_size(bins); i++) {
            const json_t *e = json_array_get(bins, i);
            ok = json_is_number(e) && (i == 0 || json_number_value(e) > json_number_value(json_array_get(bins, i - 1)));
        }
        if (!ok) {
            *key = "slice_bins";
            snprintf(msg, size, "expected ascending bin edges, e.g. [18, 30, 65]");
            return -1;
        }
        if (!json_object_get(o, "slice_by")) {
            *key = "slice_bins";
            snprintf(msg, size, "slice_bins needs slice_by: the numeric column to bin");
            return -1;
        }
    }
    const json_t *ms = json_object_get(o, "max_slices");
    if (ms && (!json_object_get(o, "slice_by") || (json_is_integer(ms) && json_integer_value(ms) < 1))) {
        *key = "max_slices";
        snprintf(msg, size, "%s", json_object_get(o, "slice_by") ? "expected at least 1 slice"
                                                                 : "max_slices needs slice_by: the column to slice by");
        return -1;
    }
    double mn = 0, mx = 0;
    const json_t *vmin = json_object_get(o, "min"), *vmax = json_object_get(o, "max");
    if (json_is_number(vmin) && json_is_number(vmax) && (mn = json_number_value(vmin)) > (mx = json_number_value(vmax))) {
        *key = "max";
        snprintf(msg, size, "max %.6g is below min %.6g", mx, mn);
        return -1;
    }
    return 0;
}
