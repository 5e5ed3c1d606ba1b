/* Unit tests for reports/markdown.c: the summary is read back line by line
 * and its table split into cells the way GitHub Markdown does (an
 * unescaped '|' separates cells, a backslash escapes the next character). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/writers.h"
#include "tests/unit/report_fixture.h"

#define MAX_CELLS 16

/* Writes r as Markdown into a fresh folder and returns the text. */
static char *render(const mg_report *r)
{
    char *dir = make_temp_dir();
    assert_non_null(dir);
    char *path = mg_xasprintf("%s/mgate.md", dir);
    mg_error err = {{0}};
    if (mg_write_markdown(r, path, &err) != 0)
        fail_msg("mg_write_markdown: %s", err.msg);
    char *text = slurp(path);
    assert_non_null(text);
    free(path);
    remove_tree(dir);
    free(dir);
    return text;
}

/* Splits one table line "| a | b |" into unescaped, trimmed cells (new
 * strings).  Returns the number of cells. */
static size_t split_row(const char *line, size_t len, char *cells[MAX_CELLS])
{
    size_t n = 0;
    if (len == 0 || line[0] != '|')
        return 0;
    char *cur = mg_xmalloc(len + 1);
    size_t c = 0;
    for (size_t i = 1; i < len; i++) {
        if (line[i] == '\\' && i + 1 < len) {
            cur[c++] = line[++i];
        } else if (line[i] == '|') {
            cur[c] = '\0';
            char *s = cur;
            while (*s == ' ')
                s++;
            size_t k = strlen(s);
            while (k > 0 && s[k - 1] == ' ')
                s[--k] = '\0';
            if (n < MAX_CELLS)
                cells[n++] = mg_xstrdup(s);
            c = 0;
        } else {
            cur[c++] = line[i];
        }
    }
    free(cur);
    return n;
}

static void free_cells(char *cells[], size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
}

/* Finds the table row of group/name; fills cells, returns their count (0
 * when absent; fails if the row is there twice). */
static size_t find_row(const char *text, const char *group, const char *name, char *cells[MAX_CELLS])
{
    size_t found = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *tmp[MAX_CELLS];
        size_t n = split_row(line, len, tmp);
        if (n >= 2 && strcmp(tmp[0], group) == 0 && strcmp(tmp[1], name) == 0) {
            if (found)
                fail_msg("row %s/%s appears twice", group, name);
            memcpy(cells, tmp, n * sizeof *tmp);
            found = n;
        } else {
            free_cells(tmp, n);
        }
        line += len + (end != NULL);
    }
    return found;
}

static void test_report_markdown_heading_shows_verdict(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *text = render(r);
    assert_true(strncmp(text, "## ❌ ", strlen("## ❌ ")) == 0);
    const char *nl = strchr(text, '\n');
    char *first = mg_xstrndup(text, (size_t)(nl - text));
    assert_non_null(strstr(first, "demo"));
    assert_non_null(strstr(first, "failed"));
    free(first);
    /* The facts line names the data, its rows and its fingerprint. */
    assert_non_null(strstr(text, "1000 rows"));
    assert_non_null(strstr(text, r->facts.data_sha256));
    /* ... the model and the champion with theirs, and the run id. */
    char *model = mg_xasprintf("model fixtures/demo/model.json (sha256 %s)", r->facts.model_sha256);
    char *champ = mg_xasprintf("champion fixtures/demo/champion.json (sha256 %s)", r->facts.baseline_model_sha256);
    char *run = mg_xasprintf("run %s", r->facts.run_id);
    assert_non_null(strstr(text, model));
    assert_non_null(strstr(text, champ));
    assert_non_null(strstr(text, run));
    free(model);
    free(champ);
    free(run);
    free(text);
    mg_report_free(r);

    r = mg_report_new();
    r->facts.gate_name = mg_xstrdup("clean");
    mg_report_add(r, "data", "a", "missing")->status = MG_STATUS_PASS;
    text = render(r);
    assert_true(strncmp(text, "## ✅ ", strlen("## ✅ ")) == 0);
    nl = strchr(text, '\n');
    first = mg_xstrndup(text, (size_t)(nl - text));
    assert_non_null(strstr(first, "clean"));
    assert_non_null(strstr(first, "passed"));
    free(first);
    free(text);
    mg_report_free(r);
}

static void assert_cell_number(const char *cell, const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    if (!p) {
        assert_string_equal(cell, "");
        return;
    }
    char *end;
    double v = strtod(cell, &end);
    assert_true(end != cell && *end == '\0');
    assert_true(v == p->number);
}

static void assert_cell_rounded(const char *cell, const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    if (!p || !p->is_number || isnan(p->number)) {
        assert_string_equal(cell, "");
        return;
    }
    double v = strtod(cell, NULL);
    if (!(fabs(v - p->number) <= 5e-4 * fabs(p->number) || v == p->number))
        fail_msg("cell '%s' is not %s %.17g to 4 digits", cell, key, p->number);
}

/* The bound cell: "OPTION VALUE" (e.g. "max_rate 0.001"), blank without one. */
static void assert_cell_bound(const char *cell, const mg_result *res)
{
    const mg_prop *b = mg_result_prop(res, "bound");
    const mg_prop *o = mg_result_prop(res, "bound_option");
    if (!b) {
        assert_string_equal(cell, "");
        return;
    }
    assert_non_null(o);
    size_t len = strlen(o->text);
    if (strncmp(cell, o->text, len) != 0 || cell[len] != ' ')
        fail_msg("bound cell '%s' does not start with '%s '", cell, o->text);
    assert_cell_number(cell + len + 1, res, "bound");
}

static void test_report_markdown_table_rows(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *text = render(r);
    assert_non_null(strstr(text, "| suite | check | status | value | count | rate | bound | decision threshold | message |\n"));
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        if (strcmp(res->name, "nasty") == 0)
            continue; /* its text is checked below */
        char *cells[MAX_CELLS];
        size_t n = find_row(text, res->group, res->name, cells);
        if (n != 9)
            fail_msg("row %s/%s: %zu cells", res->group, res->name, n);
        assert_non_null(strstr(cells[2], mg_status_name(res->status)));
        assert_cell_rounded(cells[3], res, "value");
        assert_cell_number(cells[4], res, "count");
        /* Rates are rounded to 4 significant digits for people. */
        assert_cell_rounded(cells[5], res, "rate");
        /* The bound, named by its option; the decision threshold apart. */
        assert_cell_bound(cells[6], res);
        assert_cell_number(cells[7], res, "decision_threshold");
        assert_string_equal(cells[8], res->message ? res->message : "");
        free_cells(cells, n);
    }
    free(text);
    mg_report_free(r);
}

static void test_report_markdown_escapes_pipes_and_newlines(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    mg_result *res = mg_report_add(r, "data|x", "a|b\nc", "missing");
    res->status = MG_STATUS_FAIL;
    mg_result_set_message(res, "| starts with a pipe, *stars*, `tick`, [link](x) and\r\nCRLF |");
    char *text = render(r);
    /* Still one row of 8 cells, with the text intact once unescaped. */
    char *cells[MAX_CELLS];
    size_t n = find_row(text, "data|x", "a|b<br>c", cells);
    assert_int_equal(n, 9);
    assert_string_equal(cells[8], "| starts with a pipe, *stars*, `tick`, [link](x) and<br>CRLF |");
    free_cells(cells, n);
    /* The nasty message: its pipe and <&> are escaped, its line break is <br>. */
    n = find_row(text, "data", "nasty", cells);
    assert_int_equal(n, 9);
    assert_non_null(strstr(cells[8], "<&> | pipe<br>second line"));
    assert_non_null(strstr(text, "\\<\\&\\> \\| pipe<br>second line"));
    free_cells(cells, n);
    free(text);
    mg_report_free(r);
}

/* The text of the fenced block that follows `heading_part`'s heading. */
static char *section_block(const char *text, const char *heading_part, size_t *fence_len)
{
    const char *h = strstr(text, heading_part);
    assert_non_null(h);
    const char *open = strstr(h, "```");
    assert_non_null(open);
    size_t f = strspn(open, "`");
    const char *body = strchr(open, '\n') + 1;
    char *close = mg_xmalloc(f + 3);
    close[0] = '\n';
    memset(close + 1, '`', f);
    close[f + 1] = '\0';
    const char *end = strstr(body - 1, close);
    free(close);
    assert_non_null(end);
    *fence_len = f;
    return mg_xstrndup(body, (size_t)(end - body) + 1);
}

static void test_report_markdown_failed_checks_list_examples(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *text = render(r);
    size_t fence;
    char *block = section_block(text, "range\\_income\n", &fence);
    assert_string_equal(block, "eval.csv:14: income: found -5, expected >= 0\n"
                               "eval.csv:20: income: found \"1e9\", expected a number\n"
                               "... and 1 more\n");
    free(block);
    /* An example holding ``` gets a longer fence, so it cannot close it. */
    block = section_block(text, "data / nasty\n", &fence);
    assert_true(fence > 3);
    assert_string_equal(block, "eval.csv:2: note: found \"]]>\" and ```code```\n");
    free(block);
    /* Passed and skipped checks get no section. */
    assert_null(strstr(text, "### ✅"));
    assert_null(strstr(text, "flip\\_rate\n"));
    free(text);
    mg_report_free(r);
}

static void test_report_markdown_nan_figure_is_blank(void **state)
{
    (void)state;
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "metrics", "auc_vs_baseline", "metric");
    mg_result_prop_number(res, "bound", NAN); /* "no absolute bound" */
    mg_result_prop_text(res, "bound_option", "min");
    mg_result_prop_number(res, "decision_threshold", NAN);
    mg_result_prop_number(res, "rate", INFINITY);
    mg_result_prop_text(res, "count", "n/a");
    char *text = render(r);
    char *cells[MAX_CELLS];
    size_t n = find_row(text, "metrics", "auc_vs_baseline", cells);
    assert_int_equal(n, 9);
    assert_string_equal(cells[3], "");
    assert_string_equal(cells[4], "n/a");
    assert_string_equal(cells[5], "inf");
    assert_string_equal(cells[6], "");
    assert_string_equal(cells[7], "");
    free_cells(cells, n);
    free(text);
    mg_report_free(r);
}

static void test_report_markdown_latency_line(void **state)
{
    (void)state;
    /* Arrange: a latency result with a champion, and one without. */
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "serving", "latency", "latency");
    res->status = MG_STATUS_FAIL;
    mg_result_prop_number(res, "p50_ms", 4.56);
    mg_result_prop_number(res, "p95_ms", 9.87);
    mg_result_prop_number(res, "p99_ms", 12.3);
    mg_result_prop_number(res, "champion_p99_ms", 10.1);
    mg_result_prop_number(res, "rows_per_s", 834.4);
    res = mg_report_add(r, "serving", "solo", "latency");
    mg_result_prop_number(res, "p50_ms", 1);
    mg_result_prop_number(res, "p95_ms", 2);
    mg_result_prop_number(res, "p99_ms", 3);
    mg_result_prop_number(res, "rows_per_s", 12.5);
    /* Act */
    char *text = render(r);
    /* Assert */
    if (!strstr(text, "- ❌ serving/latency: p99 12.3 ms (champion 10.1 ms, +22%) · p50 4.56 ms · p95 9.87 ms · "
                      "834 rows/s\n"))
        fail_msg("no latency line with the champion in:\n%s", text);
    if (!strstr(text, "- ✅ serving/solo: p99 3 ms · p50 1 ms · p95 2 ms · 12.5 rows/s\n"))
        fail_msg("no latency line without a champion in:\n%s", text);
    free(text);
    mg_report_free(r);
    /* A report without latency results has no such section. */
    r = fixture_report();
    text = render(r);
    assert_null(strstr(text, "**Latency**"));
    free(text);
    mg_report_free(r);
}

static void test_report_markdown_long_message_cut_in_cell_only(void **state)
{
    (void)state;
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "data", "long", "missing");
    res->status = MG_STATUS_FAIL;
    char msg[5001];
    memset(msg, 'm', 5000);
    msg[5000] = '\0';
    mg_result_set_message(res, "%s", msg);
    char *text = render(r);
    char *cells[MAX_CELLS];
    size_t n = find_row(text, "data", "long", cells);
    assert_int_equal(n, 9);
    assert_true(strlen(cells[8]) <= 200);
    assert_non_null(strstr(cells[8], "..."));
    free_cells(cells, n);
    assert_non_null(strstr(text, msg)); /* whole in the failure section */
    free(text);
    mg_report_free(r);
}

static void test_report_markdown_append_keeps_existing(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir = make_temp_dir();
    char *path = mg_xasprintf("%s/summary.md", dir);
    mg_error err = {{0}};
    /* Into a missing file: created, starts with the heading. */
    assert_int_equal(mg_append_markdown(r, path, &err), 0);
    char *once = slurp(path);
    assert_true(strncmp(once, "## ", 3) == 0);
    /* After another step's text: that text stays, ours follows a blank line. */
    write_text(path, "# earlier step\nno newline at end");
    assert_int_equal(mg_append_markdown(r, path, &err), 0);
    assert_int_equal(mg_append_markdown(r, path, &err), 0);
    char *text = slurp(path);
    const char *prefix = "# earlier step\nno newline at end\n";
    assert_true(strncmp(text, prefix, strlen(prefix)) == 0);
    char *twice = mg_xasprintf("%s\n%s\n%s", "# earlier step\nno newline at end", once, once);
    assert_string_equal(text, twice);
    free(twice);
    free(text);
    free(once);
    /* A folder that does not exist is an error naming the path. */
    assert_int_equal(mg_append_markdown(r, "/nonexistent-mgate-dir/s.md", &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent-mgate-dir/s.md"));
    free(path);
    remove_tree(dir);
    free(dir);
    mg_report_free(r);
}

static void test_report_markdown_write_keeps_old_file_on_failure(void **state)
{
    (void)state;
    assert_writer_keeps_old_file(mg_write_markdown, ".md");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_markdown_heading_shows_verdict),
        cmocka_unit_test(test_report_markdown_table_rows),
        cmocka_unit_test(test_report_markdown_escapes_pipes_and_newlines),
        cmocka_unit_test(test_report_markdown_failed_checks_list_examples),
        cmocka_unit_test(test_report_markdown_nan_figure_is_blank),
        cmocka_unit_test(test_report_markdown_latency_line),
        cmocka_unit_test(test_report_markdown_long_message_cut_in_cell_only),
        cmocka_unit_test(test_report_markdown_append_keeps_existing),
        cmocka_unit_test(test_report_markdown_write_keeps_old_file_on_failure),
    };
    return cmocka_run_group_tests_name("report_markdown", tests, NULL, NULL);
}
