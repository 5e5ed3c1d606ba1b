#include "checks/result.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/plot_rows.h"
#include "common/xmem.h"

const char *mg_status_name(mg_status s)
{
    switch (s) {
    case MG_STATUS_PASS: return "passed";
    case MG_STATUS_FAIL: return "failed";
    case MG_STATUS_ERROR: return "error";
    case MG_STATUS_SKIP: return "skipped";
    }
    return "unknown";
}

mg_report *mg_report_new(void)
{
    return mg_xcalloc(1, sizeof(mg_report));
}

static void histogram_free(mg_histogram *h)
{
    if (!h)
        return;
    free(h->x_title);
    for (size_t i = 0; i < h->nseries; i++) {
        free(h->series_name[i]);
        free(h->counts[i]);
    }
    free(h);
}

mg_histogram *mg_result_histogram(mg_result *res, const char *x_title, double lo, double hi, size_t nbins)
{
    histogram_free(res->histogram);
    mg_histogram *h = mg_xcalloc(1, sizeof *h);
    h->x_title = mg_xstrdup(x_title);
    h->lo = lo;
    h->hi = hi > lo ? hi : lo;
    h->nbins = nbins ? nbins : 1;
    res->histogram = h;
    return h;
}

void mg_histogram_add(mg_histogram *h, const char *name, const double *v, size_t n)
{
    if (h->nseries >= MG_HIST_SERIES_MAX)
        return;
    uint64_t *counts = mg_xcalloc(h->nbins, sizeof *counts);
    double width = (h->hi - h->lo) / (double)h->nbins;
    for (size_t i = 0; i < n; i++) {
        if (v[i] != v[i])
            continue; /* NaN */
        double b = width > 0 ? (v[i] - h->lo) / width : 0;
        size_t bin = b <= 0 ? 0 : b >= (double)h->nbins ? h->nbins - 1 : (size_t)b;
        counts[bin]++;
    }
    h->series_name[h->nseries] = mg_xstrdup(name);
    h->counts[h->nseries++] = counts;
}

static void result_free(mg_result *res)
{
    if (!res)
        return;
    histogram_free(res->histogram);
    free(res->group);
    free(res->name);
    free(res->check);
    free(res->message);
    for (size_t i = 0; i < res->nprops; i++) {
        free(res->props[i].key);
        free(res->props[i].text);
    }
    free(res->props);
    for (size_t i = 0; i < res->nexamples; i++) {
        free(res->examples[i]);
        free(res->example_pos[i].file);
    }
    free(res->examples);
    free(res->example_pos);
    free(res);
}

void mg_report_free(mg_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nresults; i++)
        result_free(r->results[i]);
    free(r->results);
    mg_plot_rows_free(r->plots);
    mg_run_facts *f = &r->facts;
    free(f->gate_name);
    free(f->spec_path);
    free(f->data_path);
    free(f->data_sha256);
    free(f->run_id);
    free(f->model_path);
    free(f->model_sha256);
    free(f->baseline_model_path);
    free(f->baseline_model_sha256);
    free(f->model_binding);
    free(f->baseline_model_binding);
    free(f->model_service);
    for (size_t i = 0; i < f->noverrides; i++)
        free(f->overrides[i]);
    free(f->overrides);
    for (size_t i = 0; i < f->nvariables; i++)
        free(f->variables[i]);
    free(f->variables);
    free(f->started_at);
    free(f->hostname);
    free(f->junit_prefix);
    free(r);
}

void mg_report_drop_results(mg_report *r)
{
    for (size_t i = 0; i < r->nresults; i++)
        result_free(r->results[i]);
    r->nresults = 0;
    mg_plot_rows_free(r->plots); /* rows of data that cannot stand are not drawn either */
    r->plots = NULL;
}

mg_result *mg_report_add(mg_report *r, const char *group, const char *name, const char *check)
{
    mg_result *res = mg_xcalloc(1, sizeof *res);
    res->group = mg_xstrdup(group);
    res->name = mg_xstrdup(name);
    res->check = mg_xstrdup(check);
    r->results = mg_xgrow(r->results, &r->results_cap, r->nresults + 1, sizeof *r->results);
    r->results[r->nresults++] = res;
    return res;
}

/* printf into a new string. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = mg_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(s, (size_t)(n < 0 ? 0 : n) + 1, fmt, again);
    va_end(again);
    return s;
}

void mg_result_set_message(mg_result *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    free(res->message);
    res->message = s;
}

static mg_prop *prop_slot(mg_result *res, const char *key)
{
    for (size_t i = 0; i < res->nprops; i++) {
        if (strcmp(res->props[i].key, key) == 0) {
            free(res->props[i].text);
            res->props[i].text = NULL;
            return &res->props[i];
        }
    }
    res->props = mg_xgrow(res->props, &res->props_cap, res->nprops + 1, sizeof *res->props);
    mg_prop *p = &res->props[res->nprops++];
    memset(p, 0, sizeof *p);
    p->key = mg_xstrdup(key);
    return p;
}

void mg_result_prop_number(mg_result *res, const char *key, double value)
{
    mg_prop *p = prop_slot(res, key);
    p->is_number = 1;
    p->number = value;
}

void mg_result_prop_text(mg_result *res, const char *key, const char *value)
{
    mg_prop *p = prop_slot(res, key);
    p->is_number = 0;
    p->text = mg_xstrdup(value ? value : "");
}

const mg_prop *mg_result_prop(const mg_result *res, const char *key)
{
    for (size_t i = 0; i < res->nprops; i++)
        if (strcmp(res->props[i].key, key) == 0)
            return &res->props[i];
    return NULL;
}

static void example_add(mg_result *res, size_t keep, const char *file, unsigned long line, const char *fmt,
                        va_list ap)
{
    res->examples_total++;
    if (res->nexamples >= keep)
        return;
    char *s = vformat(fmt, ap);
    size_t cap = res->examples_cap;
    res->examples = mg_xgrow(res->examples, &res->examples_cap, res->nexamples + 1,
                             sizeof *res->examples);
    /* example_pos has the same capacity as examples. */
    if (res->examples_cap != cap) {
        res->example_pos = mg_xrealloc(res->example_pos, res->examples_cap * sizeof *res->example_pos);
    }
    mg_example_pos *pos = &res->example_pos[res->nexamples];
    pos->file = file && line > 0 ? mg_xstrdup(file) : NULL;
    pos->line = pos->file ? line : 0;
    pos->data_line = 0;
    res->examples[res->nexamples++] = s;
}

void mg_result_example(mg_result *res, size_t keep, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    example_add(res, keep, NULL, 0, fmt, ap);
    va_end(ap);
}

void mg_result_example_at(mg_result *res, size_t keep, const char *file, unsigned long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    example_add(res, keep, file, line, fmt, ap);
    va_end(ap);
}

size_t mg_report_count(const mg_report *r, mg_status s)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nresults; i++)
        n += r->results[i]->status == s;
    return n;
}

mg_status mg_report_verdict(const mg_report *r)
{
    if (mg_report_count(r, MG_STATUS_FAIL) > 0)
        return MG_STATUS_FAIL;
    if (mg_report_count(r, MG_STATUS_ERROR) > 0)
        return MG_STATUS_ERROR;
    return MG_STATUS_PASS;
}
