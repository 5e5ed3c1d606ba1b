/*
 * Unit tests for reports/html*.c: the HTML report of the fixture report
 * (tests/unit/report_fixture.h) escapes every data text, is valid UTF-8,
 * shows each check's status, figures and examples, writes numbers with '.'
 * in a comma locale, draws one <svg> per plot from the kept rows, and
 * leaves an old file in place when writing fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "checks/plot_rows.h"
#include "reports/writers.h"
#include "tests/unit/report_fixture.h"

static int write_html(const mg_report *r, const char *path, mg_error *err)
{
    return mg_write_html(r, NULL, path, err);
}

/* Writes r as HTML and returns the file's text (caller frees). */
static char *write_and_read(const mg_report *r)
{
    char *dir = make_temp_dir();
    assert_non_null(dir);
    char *path = mg_xasprintf("%s/mgate.html", dir);
    mg_error err = {{0}};
    if (write_html(r, path, &err) != 0)
        fail_msg("mg_write_html: %s", err.msg);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *text = mg_xcalloc(1 << 20, 1);
    size_t n = fread(text, 1, (1 << 20) - 1, fp);
    text[n] = '\0';
    fclose(fp);
    free(path);
    remove_tree(dir);
    free(dir);
    return text;
}

static int count(const char *text, const char *part)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, part)) != NULL; p += strlen(part))
        n++;
    return n;
}

static void test_report_html_escapes_data_text(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *html = write_and_read(r);
    /* "<&>" of the nasty message and property, as text. */
    assert_non_null(strstr(html, "]]&gt; &quot;q&quot; 'a' &lt;&amp;&gt; | pipe"));
    assert_non_null(strstr(html, "<td>&lt;&amp;&gt;" FFFD "</td>"));
    assert_null(strstr(html, "<&>"));
    /* Ill-formed bytes and control characters are gone. */
    assert_null(strchr(html, '\xff'));
    assert_null(strchr(html, '\x01'));
    assert_null(strchr(html, '\x1b'));
    free(html);
    mg_report_free(r);
}

static void test_report_html_verdict_checks_and_examples(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *html = write_and_read(r);
    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0);
    assert_non_null(strstr(html, "<span id=\"verdict\" class=\"verdict v-failed\">gate failed</span>"));
    assert_int_equal(count(html, "<section class=\"check"), 7);
    assert_int_equal(count(html, "<section class=\"check c-failed\">"), 2);
    /* Examples of the failed check, with the count of those left out. */
    assert_non_null(strstr(html, "eval.csv:14: income: found -5, expected &gt;= 0\n"));
    assert_non_null(strstr(html, "... and 1 more\n"));
    /* Facts; no plots without kept rows. */
    assert_non_null(strstr(html, "<th>data sha256</th><td class=\"sha\">9f86d0"));
    assert_null(strstr(html, "<svg"));
    free(html);
    mg_report_free(r);
}

/* A binary run's kept rows: 200 rows, scores i/200, label 1 on every
 * third row and on the top fifth. */
static mg_plot_rows *binary_rows(void)
{
    mg_plot_rows *p = mg_xcalloc(1, sizeof *p);
    p->task = MG_TASK_BINARY;
    p->k = 1;
    p->threshold = 0.5;
    p->score_source = mg_xstrdup("column 'score'");
    p->n = p->cap = 200;
    p->score = mg_xcalloc(p->n, sizeof *p->score);
    p->label = mg_xcalloc(p->n, 1);
    for (size_t i = 0; i < p->n; i++) {
        p->score[i] = (double)i / 200;
        p->label[i] = i % 3 == 0 || i >= 160;
    }
    return p;
}

static void test_report_html_binary_plots_in_comma_locale(void **state)
{
    (void)state;
    int comma = enter_comma_locale();
    mg_report *r = fixture_report();
    r->plots = binary_rows();
    char *html = write_and_read(r);
    setlocale(LC_ALL, "C");
    assert_int_equal(count(html, "<svg"), 5);
    assert_int_equal(count(html, "<figure id=\"plot-"), 5);
    assert_non_null(strstr(html, "width=\"330.0\" height=\"300.0\" viewBox=\"0 0 330.0 300.0\""));
    assert_null(strstr(html, "330,0"));
    /* tn fp / fn tp at 0.5: rows 0..99 negative-predicted, 100..199 positive. */
    assert_non_null(strstr(html, "Confusion matrix at threshold 0.5"));
    free(html);
    mg_report_free(r);
    if (!comma)
        print_message("note: no de_DE/fr_FR locale installed; checked in the C locale only\n");
}

static void test_report_html_latency_histogram(void **state)
{
    (void)state;
    /* Arrange: 10 candidate calls in 5 bins over [1, 6]; p99 marked. */
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "serving", "latency", "latency");
    mg_result_prop_number(res, "p50_ms", 2.5);
    mg_result_prop_number(res, "p99_ms", 5.5);
    mg_histogram *h = mg_result_histogram(res, "milliseconds per one-row call", 1, 6, 5);
    const double v[] = {1, 1.5, 2, 2.5, 2.6, 3, 3.2, 4, 5, 6};
    mg_histogram_add(h, "candidate", v, 10);
    /* Act */
    char *html = write_and_read(r);
    /* Assert: one figure in the check's section, 5 bars, the marks and legend. */
    const char *fig = strstr(html, "<figure id=\"plot-latency-0\"");
    assert_non_null(fig);
    assert_non_null(strstr(html, "serving / latency: milliseconds per one-row call"));
    assert_non_null(strstr(fig, "candidate (10 calls)"));
    assert_non_null(strstr(fig, ">p50<"));
    assert_non_null(strstr(fig, ">p99<"));
    assert_null(strstr(fig, ">p95<")); /* no p95_ms property: no mark */
    const char *end = strstr(fig, "</figure>");
    assert_non_null(end);
    int bars = 0;
    for (const char *p = strstr(fig, "opacity=\"0.5\""); p && p < end; p = strstr(p + 1, "opacity=\"0.5\""))
        bars++;
    assert_int_equal(bars, 5);
    free(html);
    mg_report_free(r);
}

static void test_report_html_keeps_old_file_on_failure(void **state)
{
    (void)state;
    assert_writer_keeps_old_file(write_html, ".html");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_html_escapes_data_text),
        cmocka_unit_test(test_report_html_verdict_checks_and_examples),
        cmocka_unit_test(test_report_html_binary_plots_in_comma_locale),
        cmocka_unit_test(test_report_html_latency_histogram),
        cmocka_unit_test(test_report_html_keeps_old_file_on_failure),
    };
    return cmocka_run_group_tests_name("report_html", tests, NULL, NULL);
}
