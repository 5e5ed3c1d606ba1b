/*
 * markdown.c - the Markdown summary (for $GITHUB_STEP_SUMMARY, GitLab job
 * pages, or a pull-request comment):
 *
 *   ## ❌ mgate: GATE failed
 *   facts line
 *   counts line
 *   | suite | check | status | value | count | rate | bound | decision threshold | message |
 *   then, when the report has an all_metrics result, a table of every metric
 *   then, per latency result, "- serving/latency: p99 12.3 ms (champion 10.1 ms, +22%) · ..."
 *   ...one row per result...
 *   per drift check a table of its features, drifted first (markdown_drift.c)
 *   ### ❌ suite / check        (for each failed or errored check)
 *   message
 *   ```text
 *   first examples
 *   ```
 *
 * The whole text is built in memory first; mg_write_markdown then writes it
 * atomically, mg_append_markdown appends it with one write.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/serving/latency_stats.h"
#include "common/atomic_file.h"
#include "common/xmem.h"
#include "common/strbuf.h"
#include "common/version.h"
#include "reports/markdown_drift.h"
#include "reports/num_text.h"
#include "reports/writers.h"
#include "reports/xml_text.h"

/* Longest message shown in a table cell, in bytes. */
#define CELL_MAX 200
/* Examples listed per failed check. */
#define EXAMPLES_SHOWN 5

typedef mg_strbuf md;

/*
 * Inline text from data: valid UTF-8, on one line (a line break becomes
 * <br>), and every character Markdown or HTML would act on is
 * backslash-escaped, `|` included so a cell never splits.
 */
void mg_md_inline(md *m, const char *raw, size_t max)
{
    char *clean = mg_text_clean(raw, MG_TEXT_XML);
    if (max)
        mg_text_truncate(clean, max);
    for (const char *p = clean; *p; p++) {
        if (*p == '\r' && p[1] == '\n')
            continue;
        if (*p == '\n' || *p == '\r') {
            mg_strbuf_add(m, "<br>");
        } else if (*p == '\t') {
            mg_strbuf_addc(m, ' ');
        } else if (strchr("\\`*_[]<>|&~#!", *p)) {
            mg_strbuf_addc(m, '\\');
            mg_strbuf_addc(m, *p);
        } else {
            mg_strbuf_addc(m, *p);
        }
    }
    free(clean);
}

static const char *icon(mg_status s)
{
    switch (s) {
    case MG_STATUS_PASS: return "✅";
    case MG_STATUS_FAIL: return "❌";
    case MG_STATUS_ERROR: return "⚠️";
    case MG_STATUS_SKIP: return "⏭️";
    }
    return "";
}

/* A figure for a table cell, or nothing when the result lacks it or it is
 * NaN (checks use NaN for "no such limit"). */
static void put_prop(md *m, const mg_result *res, const char *key)
{
    const mg_prop *pr = mg_result_prop(res, key);
    if (!pr || (pr->is_number && isnan(pr->number)))
        return;
    if (pr->is_number) {
        char buf[MG_NUM_BUF];
        mg_strbuf_add(m, mg_num_text(pr->number, buf));
    } else {
        mg_md_inline(m, pr->text, CELL_MAX);
    }
}

/* A figure rounded for people (the JSON report keeps every digit). */
static void put_prop_short(md *m, const mg_result *res, const char *key)
{
    const mg_prop *pr = mg_result_prop(res, key);
    if (!pr || !pr->is_number || isnan(pr->number))
        return;
    char buf[64];
    snprintf(buf, sizeof buf, "%.4g", pr->number);
    mg_strbuf_add(m, buf);
}

/* The bound that decides, named by the option it comes from ("min 0.85",
 * "max_rate 0.01"): a bare number would not say which side fails. */
static void put_bound(md *m, const mg_result *res)
{
    const mg_prop *bound = mg_result_prop(res, "bound");
    if (!bound || (bound->is_number && isnan(bound->number)))
        return;
    const mg_prop *option = mg_result_prop(res, "bound_option");
    if (option && !option->is_number) {
        mg_md_inline(m, option->text, CELL_MAX);
        mg_strbuf_add(m, " ");
    }
    put_prop(m, res, "bound");
}

/* Every metric of the task, from the all_metrics result, with the baseline
 * where a metric check compared against one. */
static void put_metrics(md *m, const mg_report *r)
{
    const mg_result *all = NULL;
    for (size_t i = 0; i < r->nresults; i++)
        if (strcmp(r->results[i]->check, "all_metrics") == 0)
            all = r->results[i];
    if (!all)
        return;
    mg_strbuf_add(m, "| metric | value | baseline |\n|---|---:|---:|\n");
    for (size_t i = 0; i < all->nprops; i++) {
        const mg_prop *p = &all->props[i];
        if (!p->is_number || strncmp(p->key, "metric.", 7) != 0)
            continue;
        char buf[64];
        mg_strbuf_add(m, "| ");
        mg_md_inline(m, p->key + 7, CELL_MAX);
        snprintf(buf, sizeof buf, " | %.6g | ", p->number);
        mg_strbuf_add(m, buf);
        for (size_t j = 0; j < r->nresults; j++) {
            const mg_result *res = r->results[j];
            const mg_prop *name = mg_result_prop(res, "metric");
            if (strcmp(res->check, "metric") == 0 && name && !name->is_number && strcmp(name->text, p->key + 7) == 0) {
                put_prop_short(m, res, "baseline");
                break;
            }
        }
        mg_strbuf_add(m, " |\n");
    }
    mg_strbuf_add(m, "\n");
}

static double num_prop(const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    return p && p->is_number ? p->number : NAN;
}

/* One line per latency result: "- serving/latency: p99 12.3 ms (champion
 * 10.1 ms, +22%) · p50 1.2 ms · p95 4.5 ms · 834 rows/s". */
static void put_latency(md *m, const mg_report *r)
{
    int any = 0;
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        double p99 = num_prop(res, "p99_ms");
        if (strcmp(res->check, "latency") != 0 || isnan(p99))
            continue;
        char line[160], a[32], b[32], c[32];
        mg_lat_p99_text(p99, num_prop(res, "champion_p99_ms"), line, sizeof line);
        mg_lat_ms_text(num_prop(res, "p50_ms"), a, sizeof a);
        mg_lat_ms_text(num_prop(res, "p95_ms"), b, sizeof b);
        mg_lat_rows_text(num_prop(res, "rows_per_s"), c, sizeof c);
        mg_strbuf_add(m, any ? "" : "**Latency** (per one-row call, median of the runs):\n\n");
        any = 1;
        mg_strbuf_add(m, "- ");
        mg_strbuf_add(m, icon(res->status));
        mg_strbuf_add(m, " ");
        mg_md_inline(m, res->group, CELL_MAX);
        mg_strbuf_add(m, "/");
        mg_md_inline(m, res->name, CELL_MAX);
        mg_strbuf_add(m, ": ");
        mg_md_inline(m, line, 0);
        char rest[160];
        snprintf(rest, sizeof rest, " · p50 %s ms · p95 %s ms · %s rows/s\n", a, b, c);
        mg_strbuf_add(m, rest);
    }
    if (any)
        mg_strbuf_add(m, "\n");
}

/* "model PATH (sha256 HEX) · " for a file fact; nothing without a path. */
static void put_file_fact(md *m, const char *what, const char *path, const char *sha256)
{
    if (!path)
        return;
    mg_strbuf_add(m, what);
    mg_strbuf_add(m, " ");
    mg_md_inline(m, path, 0);
    if (sha256) {
        mg_strbuf_add(m, " (sha256 ");
        mg_md_inline(m, sha256, 0);
        mg_strbuf_add(m, ")");
    }
    mg_strbuf_add(m, " · ");
}

/* "LABEL VALUE SUFFIX" for a fact that is set; nothing otherwise. */
static void put_fact(md *m, const char *label, const char *value, const char *suffix)
{
    if (!value)
        return;
    mg_strbuf_add(m, label);
    mg_md_inline(m, value, 0);
    mg_strbuf_add(m, suffix);
}

static void put_facts(md *m, const mg_report *r)
{
    const mg_run_facts *f = &r->facts;
    char buf[MG_NUM_BUF];
    put_fact(m, "spec ", f->spec_path, " · ");
    if (f->data_path) {
        mg_strbuf_add(m, "data ");
        mg_md_inline(m, f->data_path, 0);
        char rows[64];
        snprintf(rows, sizeof rows, " (%llu rows", (unsigned long long)f->rows_read);
        mg_strbuf_add(m, rows);
        if (f->data_sha256) {
            mg_strbuf_add(m, ", sha256 ");
            mg_md_inline(m, f->data_sha256, 0);
        }
        mg_strbuf_add(m, ") · ");
    }
    put_file_fact(m, "model", f->model_path, f->model_sha256);
    put_file_fact(m, "champion", f->baseline_model_path, f->baseline_model_sha256);
    put_fact(m, "run ", f->run_id, " · ");
    put_fact(m, "started ", f->started_at, " UTC · ");
    mg_strbuf_add(m, mg_seconds_text(f->seconds, buf));
    mg_strbuf_add(m, " s · mgate " MGATE_VERSION "\n\n");
}

/* Result indexes grouped by suite (groups in order of first appearance,
 * results in report order within each), as the JUnit report lists them.
 * The caller frees. */
static size_t *suite_order(const mg_report *r)
{
    size_t n = r->nresults, k = 0;
    size_t *order = mg_xcalloc(n + 1, sizeof *order);
    unsigned char *taken = mg_xcalloc(n + 1, 1);
    for (size_t i = 0; i < n; i++) {
        if (taken[i])
            continue;
        const char *g = r->results[i]->group ? r->results[i]->group : "";
        for (size_t j = i; j < n; j++) {
            const char *h = r->results[j]->group ? r->results[j]->group : "";
            if (!taken[j] && strcmp(g, h) == 0) {
                taken[j] = 1;
                order[k++] = j;
            }
        }
    }
    free(taken);
    return order;
}

static void put_table(md *m, const mg_report *r, const size_t *order)
{
    mg_strbuf_add(m, "| suite | check | status | value | count | rate | bound | decision threshold | message |\n");
    mg_strbuf_add(m, "|---|---|---|---:|---:|---:|---:|---:|---|\n");
    for (size_t k = 0; k < r->nresults; k++) {
        const mg_result *res = r->results[order[k]];
        mg_strbuf_add(m, "| ");
        mg_md_inline(m, res->group, CELL_MAX);
        mg_strbuf_add(m, " | ");
        mg_md_inline(m, res->name, CELL_MAX);
        mg_strbuf_add(m, " | ");
        mg_strbuf_add(m, icon(res->status));
        mg_strbuf_add(m, " ");
        mg_strbuf_add(m, mg_status_name(res->status));
        mg_strbuf_add(m, " | ");
        put_prop_short(m, res, "value");
        mg_strbuf_add(m, " | ");
        put_prop(m, res, "count");
        mg_strbuf_add(m, " | ");
        put_prop_short(m, res, "rate");
        mg_strbuf_add(m, " | ");
        put_bound(m, res);
        mg_strbuf_add(m, " | ");
        put_prop(m, res, "decision_threshold");
        mg_strbuf_add(m, " | ");
        if (res->message)
            mg_md_inline(m, res->message, CELL_MAX);
        mg_strbuf_add(m, " |\n");
    }
    mg_strbuf_add(m, "\n");
}

/* Longest run of backticks in s, so a fence can be made longer than it. */
static size_t backtick_run(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

static void put_fence(md *m, size_t len)
{
    for (size_t i = 0; i < len; i++)
        mg_strbuf_addc(m, '`');
}

static void put_problem(md *m, const mg_result *res)
{
    mg_strbuf_add(m, "### ");
    mg_strbuf_add(m, icon(res->status));
    mg_strbuf_add(m, " ");
    mg_md_inline(m, res->group, CELL_MAX);
    mg_strbuf_add(m, " / ");
    mg_md_inline(m, res->name, CELL_MAX);
    mg_strbuf_add(m, "\n\n");
    if (res->message) {
        mg_md_inline(m, res->message, 0);
        mg_strbuf_add(m, "\n\n");
    }
    if (res->nexamples == 0)
        return;
    size_t shown = res->nexamples < EXAMPLES_SHOWN ? res->nexamples : EXAMPLES_SHOWN;
    char **clean = mg_xcalloc(shown, sizeof *clean);
    size_t fence = 3;
    for (size_t e = 0; e < shown; e++) {
        clean[e] = mg_text_clean(res->examples[e], MG_TEXT_XML);
        size_t run = backtick_run(clean[e]);
        if (run >= fence)
            fence = run + 1;
    }
    put_fence(m, fence);
    mg_strbuf_add(m, "text\n");
    for (size_t e = 0; e < shown; e++) {
        mg_strbuf_add(m, clean[e]);
        mg_strbuf_add(m, "\n");
        free(clean[e]);
    }
    free(clean);
    if (res->examples_total > shown) {
        char more[64];
        snprintf(more, sizeof more, "... and %llu more\n",
                 (unsigned long long)(res->examples_total - shown));
        mg_strbuf_add(m, more);
    }
    put_fence(m, fence);
    mg_strbuf_add(m, "\n\n");
}

/* A model bound by position (it names no features) reads whatever columns
 * sit there: the binding is shown so a reader can see what it reads. */
static void put_binding_warnings(md *m, const mg_report *r)
{
    const char *bindings[] = {r->facts.model_binding, r->facts.baseline_model_binding};
    const char *whose[] = {"the model", "the baseline model"};
    for (size_t i = 0; i < 2; i++) {
        if (!bindings[i])
            continue;
        mg_strbuf_add(m, "> **Warning:** ");
        mg_strbuf_add(m, whose[i]);
        mg_strbuf_add(m, " names no features: bound by position: ");
        mg_md_inline(m, bindings[i], 0);
        mg_strbuf_add(m, "\n\n");
    }
}

/* The whole summary as one string; the caller frees. */
static char *render(const mg_report *r)
{
    md m = {0};
    mg_status verdict = mg_report_verdict(r);
    mg_strbuf_add(&m, "## ");
    mg_strbuf_add(&m, icon(verdict));
    mg_strbuf_add(&m, " mgate: ");
    mg_md_inline(&m, r->facts.gate_name ? r->facts.gate_name : "gate", CELL_MAX);
    mg_strbuf_add(&m, " ");
    mg_strbuf_add(&m, mg_status_name(verdict));
    mg_strbuf_add(&m, "\n\n");
    put_facts(&m, r);
    put_binding_warnings(&m, r);
    char counts[200];
    size_t errors = mg_report_count(r, MG_STATUS_ERROR);
    snprintf(counts, sizeof counts,
             "**%zu check%s:** %zu passed, %zu failed, %zu error%s, %zu skipped\n\n", r->nresults,
             r->nresults == 1 ? "" : "s", mg_report_count(r, MG_STATUS_PASS),
             mg_report_count(r, MG_STATUS_FAIL), errors, errors == 1 ? "" : "s",
             mg_report_count(r, MG_STATUS_SKIP));
    mg_strbuf_add(&m, counts);
    size_t *order = suite_order(r);
    if (r->nresults > 0)
        put_table(&m, r, order);
    put_metrics(&m, r);
    put_latency(&m, r);
    mg_md_drift(&m, r);
    for (size_t k = 0; k < r->nresults; k++) {
        const mg_result *res = r->results[order[k]];
        if (res->status == MG_STATUS_FAIL || res->status == MG_STATUS_ERROR)
            put_problem(&m, res);
    }
    free(order);
    return m.s;
}

/*
 * Writes the Markdown summary to path, atomically.  Returns 0, or -1 with
 * err set; on failure an existing file at path is left as it was.
 */
int mg_write_markdown(const mg_report *r, const char *path, mg_error *err)
{
    if (!r || !path)
        return mg_error_set(err, "markdown summary: no report or no path given");
    char *text = render(r);
    mg_atomic_file af;
    if (mg_atomic_open(&af, path, err) < 0) {
        free(text);
        return -1;
    }
    size_t n = strlen(text);
    size_t wrote = fwrite(text, 1, n, af.fp);
    free(text);
    if (wrote != n) {
        mg_atomic_abort(&af);
        return mg_error_set(err, "'%s': cannot write the Markdown summary", path);
    }
    return mg_atomic_commit(&af, err);
}

/*
 * Appends the Markdown summary to path (created if missing), after a blank
 * line when the file is not empty.  Appending cannot be atomic; the text is
 * built first and written with one write() (repeated only if the system
 * writes part of it).  Returns 0, or -1 with err set.
 */
int mg_append_markdown(const mg_report *r, const char *path, mg_error *err)
{
    if (!r || !path)
        return mg_error_set(err, "markdown summary: no report or no path given");
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return mg_error_set(err, "'%s': cannot open for appending: %s", path, strerror(errno));
    struct stat st;
    int nonempty = fstat(fd, &st) == 0 && st.st_size > 0;
    char *body = render(r);
    char *text = nonempty ? mg_xasprintf("\n%s", body) : body;
    if (text != body)
        free(body);
    size_t n = strlen(text), done = 0;
    int e = 0;
    while (done < n) {
        ssize_t w = write(fd, text + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            e = w < 0 ? errno : EIO;
            break;
        }
        done += (size_t)w;
    }
    free(text);
    if (close(fd) != 0 && !e)
        e = errno;
    if (e)
        return mg_error_set(err, "'%s': appending failed: %s", path, strerror(e));
    return 0;
}
