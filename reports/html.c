/*
 * html.c - the HTML report: one self-contained file (no network, no fonts,
 * no script) that a person reads in a browser or as a CI artifact:
 *
 *   verdict banner and counts
 *   facts: gate, spec, data / model / baseline paths and sha256, rows,
 *          bootstrap seeds, mgate version, when, how long, host
 *   metric table: value, bound, baseline, delta, confidence interval
 *   plots (inline SVG, see html_plots.c)
 *   every check: status, message, figures, its histogram (latency), examples
 *
 * Built with libxml2's xmlTextWriter through html_doc.c, so all data text
 * is escaped; written atomically like every report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/plot_rows.h"
#include "common/atomic_file.h"
#include "common/sha256.h"
#include "common/version.h"
#include "reports/html_doc.h"
#include "reports/html_drift.h"
#include "reports/html_histogram.h"
#include "reports/html_plots.h"
#include "reports/writers.h"

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1b1f24;"
    "background:#fff;line-height:1.4}"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de}"
    "h3{font-size:1em;margin:.2em 0}"
    ".verdict{display:inline-block;padding:.3em .8em;border-radius:.3em;font-weight:bold;font-size:1.2em;color:#fff}"
    ".v-passed{background:#1a7f37}.v-failed{background:#cf222e}.v-error{background:#9a6700}"
    ".v-skipped{background:#57606a}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;vertical-align:top}"
    "th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "code,pre{font-family:monospace;font-size:.9em}"
    "pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}"
    ".s-passed{color:#1a7f37;font-weight:bold}.s-failed{color:#cf222e;font-weight:bold}"
    ".s-error{color:#9a6700;font-weight:bold}.s-skipped{color:#57606a;font-weight:bold}"
    ".check{border:1px solid #d0d7de;border-left:.4em solid #1a7f37;padding:.4em .8em;margin:.6em 0}"
    ".check.c-failed{border-left-color:#cf222e}.check.c-error{border-left-color:#9a6700}"
    ".check.c-skipped{border-left-color:#57606a}"
    ".plots{display:flex;flex-wrap:wrap;gap:1em}"
    "figure{margin:0;border:1px solid #d0d7de;padding:.5em}figcaption{font-weight:bold;margin-bottom:.3em}"
    "svg text{font-family:sans-serif;font-size:11px;fill:#1b1f24}"
    ".sha{word-break:break-all}";

static void fact_row(mg_html *h, const char *name, const char *value)
{
    mg_html_open(h, "tr");
    mg_html_elem(h, "th", NULL, name);
    mg_html_elem(h, "td", NULL, value ? value : "none");
    mg_html_close(h);
}

/* A file's path and sha256 as two rows; nothing when path is NULL. */
static void file_facts(mg_html *h, const char *what, const char *path, const char *sha)
{
    if (!path)
        return;
    char name[64], hex[65];
    snprintf(name, sizeof name, "%s", what);
    fact_row(h, name, path);
    if (!sha) {
        mg_error err = {{0}};
        sha = mg_sha256_file(path, hex, &err) == 0 ? hex : "cannot be read";
    }
    snprintf(name, sizeof name, "%s sha256", what);
    mg_html_open(h, "tr");
    mg_html_elem(h, "th", NULL, name);
    mg_html_elem(h, "td", "sha", sha);
    mg_html_close(h);
}

/* The distinct bootstrap seeds the checks used, or "none". */
static void seeds_text(const mg_report *r, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_prop *p = mg_result_prop(r->results[i], "seed");
        if (!p || !p->is_number)
            continue;
        char num[40];
        mg_html_num(p->number, num);
        if (strstr(out, num))
            continue;
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? ", " : "", num);
    }
    if (!out[0])
        snprintf(out, size, "none (no bootstrap)");
}

static void write_facts(mg_html *h, const mg_report *r, const mg_html_inputs *in)
{
    const mg_run_facts *f = &r->facts;
    char buf[512], num[40];
    mg_html_elem(h, "h2", NULL, "Facts");
    mg_html_open(h, "table");
    mg_html_attr(h, "id", "facts");
    mg_html_open(h, "tbody");
    fact_row(h, "gate", f->gate_name);
    fact_row(h, "spec", f->spec_path);
    file_facts(h, "data", f->data_path, f->data_sha256 ? f->data_sha256 : "not computed (the data was not read whole)");
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)f->rows_read);
    fact_row(h, "rows read", buf);
    if (r->plots)
        fact_row(h, "scores from", r->plots->score_source);
    file_facts(h, "model", f->model_path, NULL);
    if (r->plots && r->plots->champion_source)
        fact_row(h, "champion scores from", r->plots->champion_source);
    file_facts(h, "baseline model", in ? in->baseline_model_path : NULL, NULL);
    file_facts(h, "baseline metrics", in ? in->baseline_path : NULL, NULL);
    seeds_text(r, buf, sizeof buf);
    fact_row(h, "bootstrap seeds", buf);
    fact_row(h, "mgate version", MGATE_VERSION);
    snprintf(buf, sizeof buf, "%s UTC", f->started_at ? f->started_at : "unknown");
    fact_row(h, "started", buf);
    snprintf(buf, sizeof buf, "%s s", mg_html_num(f->seconds, num));
    fact_row(h, "duration", buf);
    fact_row(h, "host", f->hostname);
    mg_html_close(h);
    mg_html_close(h);
}

static const char *status_word(mg_status s)
{
    return mg_status_name(s); /* passed, failed, error, skipped */
}

static void num_cell(mg_html *h, const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    char num[40];
    mg_html_elem(h, "td", "num", p && p->is_number ? mg_html_num(p->number, num) : "");
}

/* "[lower, upper] at 95%" from the bootstrap figures, or "". */
static void ci_cell(mg_html *h, const mg_result *res)
{
    const mg_prop *lo = mg_result_prop(res, "ci_lower"), *hi = mg_result_prop(res, "ci_upper");
    const mg_prop *conf = mg_result_prop(res, "confidence");
    char a[40], b[40], c[40], text[160] = "";
    if (lo && hi && lo->is_number && hi->is_number)
        snprintf(text, sizeof text, "[%s, %s]%s%s", mg_html_num(lo->number, a), mg_html_num(hi->number, b),
                 conf && conf->is_number ? " at " : "",
                 conf && conf->is_number ? mg_html_num(conf->number * 100, c) : "");
    if (text[0] && conf && conf->is_number)
        strncat(text, "%", sizeof text - strlen(text) - 1);
    mg_html_elem(h, "td", "num", text);
}

static void bound_cell(mg_html *h, const mg_result *res)
{
    static const char *const keys[] = {"min", "max", "max_drop", "max_increase", NULL};
    char text[256] = "", num[40];
    for (const char *const *k = keys; *k; k++) {
        const mg_prop *p = mg_result_prop(res, *k);
        if (!p || !p->is_number)
            continue;
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, "%s%s %s", len ? ", " : "", *k, mg_html_num(p->number, num));
    }
    mg_html_elem(h, "td", NULL, text);
}

static void write_metric_table(mg_html *h, const mg_report *r)
{
    static const char *const heads[] = {"check", "metric", "value", "bound", "baseline", "delta",
                                        "confidence interval of the delta", "status", NULL};
    size_t rows = 0;
    for (size_t i = 0; i < r->nresults; i++)
        rows += strcmp(r->results[i]->check, "metric") == 0 && mg_result_prop(r->results[i], "metric");
    if (!rows)
        return;
    mg_html_elem(h, "h2", NULL, "Metrics");
    mg_html_open(h, "table");
    mg_html_attr(h, "id", "metrics");
    mg_html_open(h, "thead");
    mg_html_open(h, "tr");
    for (const char *const *c = heads; *c; c++)
        mg_html_elem(h, "th", NULL, *c);
    mg_html_close(h);
    mg_html_close(h);
    mg_html_open(h, "tbody");
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        const mg_prop *metric = mg_result_prop(res, "metric");
        if (strcmp(res->check, "metric") != 0 || !metric)
            continue;
        mg_html_open(h, "tr");
        mg_html_elem(h, "td", NULL, res->name);
        mg_html_elem(h, "td", NULL, metric->is_number ? "" : metric->text);
        num_cell(h, res, "value");
        bound_cell(h, res);
        num_cell(h, res, "baseline");
        num_cell(h, res, "delta");
        ci_cell(h, res);
        char cls[32];
        snprintf(cls, sizeof cls, "s-%s", status_word(res->status));
        mg_html_elem(h, "td", cls, status_word(res->status));
        mg_html_close(h);
    }
    mg_html_close(h);
    mg_html_close(h);
}

static void write_figures(mg_html *h, const mg_result *res)
{
    if (!res->nprops)
        return;
    /* A passed check's figures fold away (<details>, no script needed);
     * the others' are shown. */
    int fold = res->status == MG_STATUS_PASS;
    mg_html_open(h, fold ? "details" : "div");
    mg_html_elem(h, fold ? "summary" : "p", NULL, "figures");
    mg_html_open(h, "table");
    mg_html_open(h, "tbody");
    for (size_t q = 0; q < res->nprops; q++) {
        const mg_prop *p = &res->props[q];
        char num[40];
        mg_html_open(h, "tr");
        mg_html_elem(h, "th", NULL, p->key);
        mg_html_elem(h, "td", p->is_number ? "num" : NULL, p->is_number ? mg_html_num(p->number, num) : p->text);
        mg_html_close(h);
    }
    mg_html_close(h);
    mg_html_close(h);
    mg_html_close(h);
}

static void write_check(mg_html *h, const mg_result *res, size_t index)
{
    char cls[64];
    mg_html_open(h, "section");
    snprintf(cls, sizeof cls, "check c-%s", status_word(res->status));
    mg_html_attr(h, "class", cls);
    mg_html_open(h, "h3");
    snprintf(cls, sizeof cls, "s-%s", status_word(res->status));
    mg_html_elem(h, "span", cls, status_word(res->status));
    mg_html_textf(h, " %s / %s", res->group, res->name);
    mg_html_close(h);
    if (res->message)
        mg_html_elem(h, "p", "message", res->message);
    write_figures(h, res);
    if (res->histogram) {
        char id[40];
        snprintf(id, sizeof id, "plot-%s-%zu", res->check, index);
        mg_html_result_histogram(h, res, id);
    }
    if (res->nexamples) {
        mg_html_elem(h, "p", NULL, res->examples_total > res->nexamples ? "first examples:" : "examples:");
        mg_html_open(h, "pre");
        mg_html_attr(h, "class", "examples");
        for (size_t e = 0; e < res->nexamples; e++)
            mg_html_textf(h, "%s\n", res->examples[e]);
        if (res->examples_total > res->nexamples)
            mg_html_textf(h, "... and %llu more\n", (unsigned long long)(res->examples_total - res->nexamples));
        mg_html_close(h);
    }
    mg_html_close(h);
}

static void write_head(mg_html *h, const mg_report *r)
{
    mg_html_open(h, "html");
    mg_html_attr(h, "lang", "en");
    mg_html_open(h, "head");
    mg_html_raw(h, "<meta charset=\"utf-8\">");
    mg_html_raw(h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    mg_html_open(h, "title");
    mg_html_textf(h, "mgate: %s %s", r->facts.gate_name ? r->facts.gate_name : "gate",
                  status_word(mg_report_verdict(r)));
    mg_html_close(h);
    mg_html_open(h, "style");
    mg_html_raw(h, style);
    mg_html_close(h);
    mg_html_close(h);
}

static void write_verdict(mg_html *h, const mg_report *r)
{
    mg_status v = mg_report_verdict(r);
    char cls[40];
    mg_html_open(h, "header");
    mg_html_open(h, "h1");
    mg_html_textf(h, "mgate: %s", r->facts.gate_name ? r->facts.gate_name : "gate");
    mg_html_close(h);
    mg_html_open(h, "p");
    mg_html_open(h, "span");
    mg_html_attr(h, "id", "verdict");
    snprintf(cls, sizeof cls, "verdict v-%s", status_word(v));
    mg_html_attr(h, "class", cls);
    /* An error verdict: a check could not run (or nothing could be judged):
     * the gate does not pass, as mgate's exit status says. */
    mg_html_text(h, v == MG_STATUS_PASS   ? "gate passed"
                    : v == MG_STATUS_FAIL ? "gate failed"
                                          : "gate failed: a check could not run");
    mg_html_close(h);
    mg_html_textf(h, " %zu checks: %zu passed, %zu failed, %zu errors, %zu skipped", r->nresults,
                  mg_report_count(r, MG_STATUS_PASS), mg_report_count(r, MG_STATUS_FAIL),
                  mg_report_count(r, MG_STATUS_ERROR), mg_report_count(r, MG_STATUS_SKIP));
    mg_html_close(h);
    mg_html_close(h);
}

static int write_document(mg_html *h, const mg_report *r, const mg_html_inputs *in)
{
    write_head(h, r);
    mg_html_open(h, "body");
    write_verdict(h, r);
    mg_html_open(h, "main");
    write_facts(h, r, in);
    write_metric_table(h, r);
    mg_html_plots(h, r);
    mg_html_drift_plots(h, r);
    mg_html_elem(h, "h2", NULL, "Checks");
    for (size_t i = 0; i < r->nresults; i++)
        write_check(h, r->results[i], i);
    mg_html_close(h);
    mg_html_close(h);
    mg_html_close(h);
    mg_html_raw(h, "\n");
    return mg_html_end(h);
}

int mg_write_html(const mg_report *r, const mg_html_inputs *in, const char *path, mg_error *err)
{
    if (!r || !path)
        return mg_error_set(err, "html report: no report or no path given");
    mg_atomic_file af;
    if (mg_atomic_open(&af, path, err) < 0)
        return -1;
    mg_html h;
    if (mg_html_begin(&h, af.fp) != 0 || write_document(&h, r, in) != 0) {
        mg_html_end(&h);
        mg_atomic_abort(&af);
        return mg_error_set(err, "'%s': cannot write the HTML report", path);
    }
    return mg_atomic_commit(&af, err);
}
