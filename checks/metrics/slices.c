#include "checks/metrics/slices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keytable.h"
#include "common/state_json.h"
#include "common/xmem.h"

/* Past max_slices, distinct values are still counted (by fingerprint, 32
 * bytes each) so the error can say how many there are, up to this many. */
#define MAX_COUNTED_VALUES 100000

typedef struct slice {
    char *key;     /* "DE", or "[18, 30)" for a bin */
    size_t order;  /* bins: index, for a stable order */
    mg_metrics *acc;
} slice;

struct mg_slices {
    long column;
    const char *column_name;
    double *edges;        /* numeric bins, ascending; NULL for categories */
    size_t nedges;
    uint64_t min_size;
    int has_min, has_max;
    double min, max;
    const char *min_option, *max_option; /* where each bound comes from: "slice_min" or "min" */
    mg_model_task task;
    mg_metrics_options opts;
    slice *slices;
    size_t n, cap;
    size_t max_slices;    /* the max_slices option */
    uint64_t overflow;    /* rows past max_slices distinct values */
    mg_keytable extra;    /* the distinct values past max_slices */
    uint64_t not_numbers; /* binned column: rows whose value is not a number */
    unsigned long first_line;
    char first_value[96];
};

static int number_opt(const json_t *o, const char *key, double *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

mg_slices *mg_slices_new(const mg_check *c, mg_model_task task, const mg_metrics_options *o, char **problem)
{
    const json_t *by = json_object_get(c->options, "slice_by");
    if (!json_is_string(by))
        return NULL;
    long col = mg_source_column_index(c->env->source, json_string_value(by));
    if (col < 0) {
        *problem = mg_xasprintf("the slice column '%s' (slice_by) is not in the data", json_string_value(by));
        return NULL;
    }
    mg_slices *s = mg_xcalloc(1, sizeof *s);
    s->column = col;
    s->column_name = json_string_value(by);
    s->task = task;
    s->opts = *o;
    s->opts.class_names = NULL; /* multiclass slices take class indexes */
    s->min_size = mg_check_opt_count(c, "min_slice_size");
    s->max_slices = (size_t)mg_check_opt_count(c, "max_slices");
    mg_keytable_init(&s->extra);
    /* Slices are judged by slice_min/slice_max, else by the check's min/max. */
    s->has_min = number_opt(c->options, "slice_min", &s->min) || number_opt(c->options, "min", &s->min);
    s->has_max = number_opt(c->options, "slice_max", &s->max) || number_opt(c->options, "max", &s->max);
    s->min_option = json_is_number(json_object_get(c->options, "slice_min")) ? "slice_min" : "min";
    s->max_option = json_is_number(json_object_get(c->options, "slice_max")) ? "slice_max" : "max";
    const json_t *bins = json_object_get(c->options, "slice_bins");
    if (json_is_array(bins)) {
        s->nedges = json_array_size(bins);
        s->edges = mg_xcalloc(s->nedges + 1, sizeof *s->edges);
        for (size_t i = 0; i < s->nedges; i++)
            s->edges[i] = json_number_value(json_array_get(bins, i));
    }
    return s;
}

void mg_slices_free(mg_slices *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->slices[i].key);
        mg_metrics_free(s->slices[i].acc);
    }
    free(s->slices);
    free(s->edges);
    mg_keytable_free(&s->extra);
    free(s);
}

/* The bin of x: "< e0", "[e0, e1)", ..., ">= ek". */
static void bin_key(const mg_slices *s, double x, char *key, size_t size, size_t *order)
{
    size_t i = 0;
    while (i < s->nedges && x >= s->edges[i])
        i++;
    *order = i;
    if (i == 0)
        snprintf(key, size, "< %g", s->edges[0]);
    else if (i == s->nedges)
        snprintf(key, size, ">= %g", s->edges[s->nedges - 1]);
    else
        snprintf(key, size, "[%g, %g)", s->edges[i - 1], s->edges[i]);
}

static mg_key128 key_fingerprint(const char *key)
{
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, key, strlen(key));
    return mg_key_hasher_done(&h);
}

/* Counts a distinct value past max_slices (up to MAX_COUNTED_VALUES). */
static void count_extra(mg_slices *s, mg_key128 fp, unsigned long line)
{
    if (s->extra.count >= MAX_COUNTED_VALUES)
        return;
    int found;
    mg_key_entry *e = mg_keytable_upsert(&s->extra, fp, &found);
    if (!found)
        e->line = line ? line : 1;
}

/* The accumulator of the slice `key`, created while there are fewer than
 * max_slices; past them NULL, the value counted (first seen at line). */
static mg_metrics *slice_for_key(mg_slices *s, const char *key, size_t order, unsigned long line)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->slices[i].key, key) == 0)
            return s->slices[i].acc;
    if (s->n >= s->max_slices) {
        s->overflow++;
        count_extra(s, key_fingerprint(key), line);
        return NULL;
    }
    mg_metrics *acc = mg_metrics_new(s->task, &s->opts, NULL);
    if (!acc)
        return NULL;
    s->slices = mg_xgrow(s->slices, &s->cap, s->n + 1, sizeof *s->slices);
    s->slices[s->n].key = mg_xstrdup(key);
    s->slices[s->n].order = order;
    s->slices[s->n].acc = acc;
    s->n++;
    return acc;
}

mg_metrics *mg_slices_for_row(mg_slices *s, const mg_row *row)
{
    const mg_value *v = &row->values[s->column];
    char buf[96];
    const char *key;
    size_t order = 0;
    if (s->edges && mg_value_is_missing(v)) {
        key = "(missing)"; /* as for categories; after the bins */
        order = s->nedges + 1;
    } else if (s->edges) {
        double x;
        if (mg_value_to_double(v, &x) != 0 || isnan(x)) {
            /* In no bin: reported as an error, never dropped in silence. */
            if (s->not_numbers++ == 0) {
                s->first_line = row->line;
                mg_value_quote(v, s->first_value, sizeof s->first_value);
            }
            return NULL;
        }
        bin_key(s, x, buf, sizeof buf, &order);
        key = buf;
    } else {
        key = mg_value_is_missing(v) ? "(missing)" : v->text;
    }
    return slice_for_key(s, key, order, row->line);
}

static int by_key(const void *a, const void *b)
{
    const slice *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Too many distinct values: one error testcase instead of one per value. */
static void report_too_many(const mg_slices *s, const mg_check *c)
{
    char name[512];
    snprintf(name, sizeof name, "%s [%s]", c->name, s->column_name);
    mg_result *res = mg_report_add(c->env->report, "metrics", name, "metric_slice");
    res->status = MG_STATUS_ERROR;
    size_t found = s->n + s->extra.count;
    mg_result_prop_text(res, "slice_by", s->column_name);
    mg_result_prop_number(res, "distinct_values", (double)found);
    mg_result_prop_number(res, "max_slices", (double)s->max_slices);
    mg_result_set_message(res, "the slice column '%s' (slice_by) has %s%zu distinct values, more than max_slices %zu: "
                               "slice by a column with fewer values, bin a numeric one with slice_bins, or raise max_slices",
                          s->column_name, s->extra.count >= MAX_COUNTED_VALUES ? "over " : "", found, s->max_slices);
}

size_t mg_slices_report(mg_slices *s, const mg_check *c, const char *metric)
{
    if (s->overflow) {
        report_too_many(s, c);
        return 0;
    }
    qsort(s->slices, s->n, sizeof *s->slices, by_key);
    size_t failed = 0;
    for (size_t i = 0; i < s->n; i++) {
        slice *sl = &s->slices[i];
        char name[512];
        snprintf(name, sizeof name, "%s [%s=%s]", c->name, s->column_name, sl->key);
        mg_result *res = mg_report_add(c->env->report, "metrics", name, "metric_slice");
        uint64_t n = mg_metrics_rows(sl->acc);
        mg_result_prop_text(res, "slice_by", s->column_name);
        mg_result_prop_text(res, "slice", sl->key);
        mg_result_prop_number(res, "n", (double)n);
        mg_result_prop_number(res, "min_slice_size", (double)s->min_size);
        if (s->task == MG_TASK_BINARY)
            mg_result_prop_number(res, "decision_threshold", s->opts.threshold);
        double value;
        mg_error err = {{0}};
        if (mg_metrics_value(sl->acc, metric, &value, &err) != 0) {
            res->status = MG_STATUS_SKIP;
            mg_result_set_message(res, "%s on %llu rows cannot be computed: %s", metric, (unsigned long long)n, err.msg);
            continue;
        }
        mg_result_prop_number(res, "value", value);
        if (s->has_min)
            mg_result_prop_number(res, "min", s->min);
        if (s->has_max)
            mg_result_prop_number(res, "max", s->max);
        if (s->has_min || s->has_max) {
            /* As the whole-data check: the bound on the worse side. */
            int use_min = s->has_min && (mg_metric_find(metric)->higher_is_better || !s->has_max);
            mg_result_prop_number(res, "bound", use_min ? s->min : s->max);
            mg_result_prop_text(res, "bound_option", use_min ? s->min_option : s->max_option);
        }
        if (n < s->min_size) {
            res->status = MG_STATUS_SKIP;
            mg_result_set_message(res, "%s %.6g on %llu rows: under min_slice_size %llu, reported, not judged", metric,
                                  value, (unsigned long long)n, (unsigned long long)s->min_size);
            continue;
        }
        if (s->has_min && value < s->min) {
            res->status = MG_STATUS_FAIL;
            mg_result_set_message(res, "%s %.6g < min %.6g on the %llu rows where %s is %s", metric, value, s->min,
                                  (unsigned long long)n, s->column_name, sl->key);
            failed++;
        } else if (s->has_max && value > s->max) {
            res->status = MG_STATUS_FAIL;
            mg_result_set_message(res, "%s %.6g > max %.6g on the %llu rows where %s is %s", metric, value, s->max,
                                  (unsigned long long)n, s->column_name, sl->key);
            failed++;
        } else {
            res->status = MG_STATUS_PASS;
            mg_result_set_message(res, "%s %.6g on %llu rows", metric, value, (unsigned long long)n);
        }
    }
    if (s->not_numbers) {
        char name[512];
        snprintf(name, sizeof name, "%s [%s=(not a number)]", c->name, s->column_name);
        unsigned long first_line;
        const char *first_file = mg_check_line_file(c->env, s->first_line, &first_line);
        mg_result *res = mg_report_add(c->env->report, "metrics", name, "metric_slice");
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "'%s' (slice_by with slice_bins) is not a number in %llu rows, which are in no "
                                   "slice; first at %s:%lu: found %s",
                              s->column_name, (unsigned long long)s->not_numbers, first_file, first_line,
                              s->first_value);
        mg_result_prop_number(res, "rows_not_numbers", (double)s->not_numbers);
    }
    return failed;
}

json_t *mg_slices_save(const mg_slices *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "key", s->slices[i].key, "order",
                                              mg_state_count(s->slices[i].order), "acc",
                                              mg_metrics_save(s->slices[i].acc)));
    /* The distinct values past max_slices, by fingerprint (two words each). */
    uint64_t *fp = mg_xmalloc((2 * s->extra.count + 1) * sizeof *fp);
    size_t nfp = 0;
    for (size_t i = 0; i < s->extra.cap; i++)
        if (s->extra.slots[i].line) {
            fp[nfp++] = s->extra.slots[i].key.hi;
            fp[nfp++] = s->extra.slots[i].key.lo;
        }
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "slices", list, "overflow", mg_state_count(s->overflow),
                          "extra", mg_state_counts(fp, nfp), "not_numbers", mg_state_count(s->not_numbers),
                          "first_line", mg_state_count(s->first_line), "first_value", s->first_value);
    free(fp);
    return o;
}

/* Counts a shard's value past max_slices unless it is one of the slices. */
static void merge_extra(mg_slices *s, mg_key128 fp)
{
    for (size_t i = 0; i < s->n; i++) {
        mg_key128 k = key_fingerprint(s->slices[i].key);
        if (k.hi == fp.hi && k.lo == fp.lo)
            return;
    }
    count_extra(s, fp, 1);
}

int mg_slices_merge(mg_slices *s, const json_t *state, char *msg, size_t size)
{
    const json_t *list = json_object_get(state, "slices"), *e;
    uint64_t overflow, not_numbers, first_line, order, *fp = NULL;
    size_t nfp, i;
    const char *first_value = json_string_value(json_object_get(state, "first_value"));
    if (!json_is_array(list))
        return snprintf(msg, size, "'slices': expected a list"), -1;
    if (mg_state_get_count(state, "overflow", &overflow, msg, size) ||
        mg_state_get_count(state, "not_numbers", &not_numbers, msg, size) ||
        mg_state_get_count(state, "first_line", &first_line, msg, size) ||
        mg_state_get_counts(state, "extra", &fp, &nfp, msg, size))
        return -1;
    if (!first_value || nfp % 2) {
        free(fp);
        return snprintf(msg, size, "'%s': expected %s", first_value ? "extra" : "first_value",
                        first_value ? "pairs of words" : "a string"), -1;
    }
    json_array_foreach(list, i, e) {
        const char *key = json_string_value(json_object_get(e, "key"));
        if (!key || mg_state_get_count(e, "order", &order, msg, size) != 0) {
            free(fp);
            return key ? -1 : (snprintf(msg, size, "'slices': a slice without its 'key'"), -1);
        }
        mg_metrics *acc = slice_for_key(s, key, (size_t)order, 1);
        if (acc && mg_metrics_merge(acc, json_object_get(e, "acc"), msg, size) != 0) {
            free(fp);
            return -1;
        }
    }
    for (size_t k = 0; k < nfp; k += 2)
        merge_extra(s, (mg_key128){fp[k], fp[k + 1]});
    free(fp);
    s->overflow += overflow;
    if (not_numbers && !s->not_numbers) {
        s->first_line = (unsigned long)first_line;
        snprintf(s->first_value, sizeof s->first_value, "%s", first_value);
    }
    s->not_numbers += not_numbers;
    return 0;
}
