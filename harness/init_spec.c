/*
 * init_spec.c - builds the parts of the starter spec: one schema rule
 * object per column, metric checks with floors below what was observed,
 * and paths relative to the spec's folder.
 */
#include "harness/init_spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/metrics/metrics.h"
#include "common/strbuf.h"
#include "common/xmem.h"

void mg_init_rfc3339(double epoch, char *buf, size_t size)
{
    time_t t = (time_t)epoch;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *bound_json(double v, mg_field_type type)
{
    if (type == MG_TYPE_TIMESTAMP) {
        char buf[40];
        mg_init_rfc3339(v, buf, sizeof buf);
        return json_string(buf);
    }
    if (type == MG_TYPE_INTEGER || (fabs(v) < 9e15 && v == floor(v)))
        return json_integer((json_int_t)v);
    return json_real(v);
}

static int seen_cmp(const void *a, const void *b)
{
    const mg_seen_value *x = a, *y = b;
    if (x->is_int && y->is_int && x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return strcmp(x->text, y->text);
}

/* The values seen, of the field's type, in order; without the rare ones
 * when drop_rare. */
static json_t *values_json(const mg_col_profile *c, mg_field_type type, int drop_rare)
{
    mg_seen_value sorted[MG_INIT_MAX_VALUES];
    memcpy(sorted, c->values, c->nvalues * sizeof *sorted);
    qsort(sorted, c->nvalues, sizeof *sorted, seen_cmp);
    json_t *vals = json_array();
    for (size_t k = 0; k < c->nvalues; k++) {
        if (drop_rare && mg_value_is_rare(sorted[k].count, c->present))
            continue;
        if (type == MG_TYPE_INTEGER && sorted[k].is_int)
            json_array_append_new(vals, json_integer((json_int_t)sorted[k].num));
        else if (type == MG_TYPE_STRING && sorted[k].is_text)
            json_array_append_new(vals, json_string(sorted[k].text));
    }
    return vals;
}

json_t *mg_init_field_json(const mg_col_profile *c, const mg_col_rules *r, int is_label)
{
    json_t *f = json_object();
    json_object_set_new(f, "type", json_string(mg_field_type_name(r->type)));
    json_object_set_new(f, "required", json_boolean(r->required));
    json_object_set_new(f, "nullable", json_boolean(r->nullable));
    /* A class label is a closed set: its values, not a range. */
    int label_values = is_label && r->type == MG_TYPE_INTEGER && !c->too_many_values && c->nvalues > 0;
    if (label_values) {
        json_object_set_new(f, "values", values_json(c, r->type, 0));
        return f;
    }
    if (r->has_bounds) {
        json_object_set_new(f, "min", bound_json(r->min, r->type));
        json_object_set_new(f, "max", bound_json(r->max, r->type));
    }
    if (r->has_values)
        json_object_set_new(f, "values", values_json(c, r->type, r->out_of_range_cells > 0));
    if (r->has_max_length)
        json_object_set_new(f, "max_length", json_integer((json_int_t)r->max_length));
    return f;
}

double mg_init_metric_floor(double v, int bounded)
{
    double f = floor((v - MG_INIT_METRIC_MARGIN) * 1000.0) / 1000.0;
    return bounded && f < 0 ? 0 : f;
}

double mg_init_metric_ceiling(double v)
{
    double c = v * (1 + MG_INIT_ERROR_SHARE) + 0.001;
    double step = pow(10.0, floor(log10(c)) - 3);
    return ceil(c / step) * step;
}

/* The metrics each task's starter spec gates on. */
static const char *const binary_metrics[] = {"roc_auc", "average_precision", "log_loss", "brier", NULL};
static const char *const multiclass_metrics[] = {"accuracy", "f1_macro", "log_loss", NULL};
static const char *const regression_metrics[] = {"rmse", "mae", "r2", NULL};

size_t mg_init_add_metric_checks(json_t *checks, const json_t *metrics, mg_model_task task)
{
    const char *const *names = task == MG_TASK_BINARY       ? binary_metrics
                               : task == MG_TASK_MULTICLASS ? multiclass_metrics
                                                            : regression_metrics;
    size_t added = 0;
    for (size_t i = 0; names[i]; i++) {
        const json_t *v = json_object_get(metrics, names[i]);
        const mg_metric_info *info = mg_metric_lookup(names[i], task);
        if (!json_is_number(v) || !info || !isfinite(json_number_value(v)))
            continue;
        double x = json_number_value(v);
        json_t *c = json_object();
        json_object_set_new(c, "check", json_string("metric"));
        json_object_set_new(c, "metric", json_string(names[i]));
        if (info->higher_is_better) {
            json_object_set_new(c, "min", json_real(mg_init_metric_floor(x, strcmp(names[i], "r2") != 0)));
            json_object_set_new(c, "max_drop", json_real(MG_INIT_METRIC_MARGIN));
        } else {
            json_object_set_new(c, "max", json_real(mg_init_metric_ceiling(x)));
            json_object_set_new(c, "max_increase", json_real(MG_INIT_ERROR_SHARE));
            json_object_set_new(c, "relative", json_true());
        }
        json_array_append_new(checks, c);
        added++;
    }
    return added;
}

char *mg_init_relative_path(const char *from_dir, const char *target)
{
    /* The longest common prefix that ends at a component boundary. */
    size_t common = 0;
    for (size_t i = 0; from_dir[i] && from_dir[i] == target[i]; i++)
        if (from_dir[i] == '/')
            common = i + 1;
    size_t flen = strlen(from_dir);
    if (strncmp(from_dir, target, flen) == 0 && (target[flen] == '/' || (flen == 1 && from_dir[0] == '/')))
        return mg_xstrdup(target + flen + (flen > 1));
    if (common <= 1)
        return mg_xstrdup(target); /* nothing in common but the root: keep it absolute */
    mg_strbuf sb = {0};
    for (size_t i = common; from_dir[i]; i++)
        if (i == common || from_dir[i] == '/')
            mg_strbuf_add(&sb, "../");
    mg_strbuf_add(&sb, target + common);
    return sb.s;
}
