/* Unit tests for reports/annotations.c: GitHub workflow commands, compared
 * byte for byte (issue 10, item 5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/result.h"
#include "reports/annotations.h"

/* ---- helpers ------------------------------------------------------------- */

/* What mg_annotate_results writes for r, as one string (caller frees). */
static char *annotate(const mg_report *r, size_t per_check, const char *workspace)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(mg_annotate_results(out, r, per_check, workspace), 0);
    fclose(out);
    return buf;
}

static char *annotate_spec_error(const char *spec, const char *msg, const char *workspace)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(mg_annotate_spec_error(out, spec, msg, workspace), 0);
    fclose(out);
    return buf;
}

static void assert_escaped(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

/* ---- escaping ------------------------------------------------------------ */

static void test_annotations_escape_data(void **state)
{
    (void)state;
    /* '%', CR and LF are escaped; ':' and ',' stay in the message. */
    assert_escaped(mg_gh_escape_data("100% of rows\r\nnext: a,b"), "100%25 of rows%0D%0Anext: a,b");
    assert_escaped(mg_gh_escape_data("%0A is not a line break"), "%250A is not a line break");
    assert_escaped(mg_gh_escape_data("::error::"), "::error::");
    assert_escaped(mg_gh_escape_data(""), "");
    assert_escaped(mg_gh_escape_data(NULL), "");
}

static void test_annotations_escape_property(void **state)
{
    (void)state;
    /* Properties also escape ':' and ',', which end a property or a value. */
    assert_escaped(mg_gh_escape_property("a:b,c%d\ne\rf"), "a%3Ab%2Cc%25d%0Ae%0Df");
    assert_escaped(mg_gh_escape_property("mgate data/missing"), "mgate data/missing");
    assert_escaped(mg_gh_escape_property("C:\\data,v2.csv"), "C%3A\\data%2Cv2.csv");
}

static void test_annotations_escape_keeps_utf8_and_cleans_bad_bytes(void **state)
{
    (void)state;
    assert_escaped(mg_gh_escape_data("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
    /* An ill-formed byte becomes U+FFFD, never a broken command. */
    assert_escaped(mg_gh_escape_data("x\xff"), "x\xEF\xBF\xBD");
}

/* ---- results ------------------------------------------------------------- */

static mg_report *failing_report(void)
{
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "data", "ranges", "ranges");
    res->status = MG_STATUS_FAIL;
    mg_result_set_message(res, "3 rows with a value out of range");
    mg_result_example(res, 5, "data.csv: found 2 readable rows, expected at least 3 (min_rows)");
    mg_result_example_at(res, 5, "data.csv", 14, "data.csv:14: amount: found '-5', expected at least 0");
    mg_result_example_at(res, 5, "data.csv", 52, "data.csv:52: amount: found '50%%', expected a number");
    mg_result_example_at(res, 5, "data.csv", 731, "data.csv:731: note: found 'a\nb', expected one line");

    res = mg_report_add(r, "data", "missing", "missing");
    res->status = MG_STATUS_PASS;
    mg_result_example_at(res, 5, "data.csv", 3, "data.csv:3: amount: found nothing");

    res = mg_report_add(r, "metrics", "roc_auc", "metric");
    res->status = MG_STATUS_FAIL;
    mg_result_set_message(res, "roc_auc 0.81 < min 0.85");

    res = mg_report_add(r, "data", "order", "order");
    res->status = MG_STATUS_ERROR;
    mg_result_set_message(res, "the time column 'when' (data.time) is not in 'data.csv'");

    res = mg_report_add(r, "adversarial", "robustness", "robustness");
    res->status = MG_STATUS_SKIP;
    mg_result_set_message(res, "nothing to perturb");
    return r;
}

static void test_annotations_results_byte_for_byte(void **state)
{
    (void)state;
    mg_report *r = failing_report();
    char *got = annotate(r, 2, NULL);
    /* Only the first 2 examples that point at a line; the passed check,
     * the skipped one and the example without a line give nothing. */
    assert_string_equal(got,
        "::error file=data.csv,line=14,title=mgate data/ranges::amount: found '-5', expected at least 0\n"
        "::error file=data.csv,line=52,title=mgate data/ranges::amount: found '50%25', expected a number\n"
        "::error title=mgate metrics/roc_auc::roc_auc 0.81 < min 0.85\n"
        "::warning title=mgate data/order::the time column 'when' (data.time) is not in 'data.csv'\n");
    free(got);
    mg_report_free(r);
}

static void test_annotations_results_limit_per_check(void **state)
{
    (void)state;
    mg_report *r = failing_report();
    char *got = annotate(r, 10, NULL);
    assert_non_null(strstr(got, "::error file=data.csv,line=731,title=mgate data/ranges::"
                                "note: found 'a%0Ab', expected one line\n"));
    free(got);
    /* 0: no example annotations; the failed check still shows once. */
    got = annotate(r, 0, NULL);
    assert_string_equal(got,
        "::error title=mgate data/ranges::3 rows with a value out of range\n"
        "::error title=mgate metrics/roc_auc::roc_auc 0.81 < min 0.85\n"
        "::warning title=mgate data/order::the time column 'when' (data.time) is not in 'data.csv'\n");
    free(got);
    mg_report_free(r);
}

static void test_annotations_paths_relative_to_workspace(void **state)
{
    (void)state;
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "data", "a,b", "missing");
    res->status = MG_STATUS_FAIL;
    mg_result_example_at(res, 5, "/home/runner/work/repo/gates/data.csv", 7,
                         "/home/runner/work/repo/gates/data.csv:7: x: found nothing");
    mg_result_example_at(res, 5, "/home/runner/work/repository/data.csv", 8,
                         "/home/runner/work/repository/data.csv:8: x: found nothing");
    char *got = annotate(r, 5, "/home/runner/work/repo/");
    /* Under the workspace: relative; beside it: kept as it was.  The
     * check's name is escaped as a property. */
    assert_string_equal(got,
        "::error file=gates/data.csv,line=7,title=mgate data/a%2Cb::x: found nothing\n"
        "::error file=/home/runner/work/repository/data.csv,line=8,title=mgate data/a%2Cb::x: found nothing\n");
    free(got);
    mg_report_free(r);
}

/* ---- spec errors and the verdict ------------------------------------------ */

static void test_annotations_spec_error_at_position(void **state)
{
    (void)state;
    assert_escaped(annotate_spec_error("gate.json",
                                       "gate.json:3:3: checks[0].check: unknown check 'mising'; did you mean 'missing'?",
                                       NULL),
                   "::error file=gate.json,line=3,col=3,title=mgate spec::"
                   "checks[0].check: unknown check 'mising'; did you mean 'missing'?\n");
    assert_escaped(annotate_spec_error("my,gate.json", "my,gate.json:12:40: not valid JSON: end of file", NULL),
                   "::error file=my%2Cgate.json,line=12,col=40,title=mgate spec::not valid JSON: end of file\n");
    assert_escaped(annotate_spec_error("/w/repo/g.json", "/w/repo/g.json:1:1: x", "/w/repo"),
                   "::error file=g.json,line=1,col=1,title=mgate spec::x\n");
}

static void test_annotations_spec_error_without_position(void **state)
{
    (void)state;
    assert_escaped(annotate_spec_error("gate.json", "'gate.json': cannot read: No such file or directory", NULL),
                   "::error title=mgate spec::'gate.json': cannot read: No such file or directory\n");
    /* Another file's position is not the spec's. */
    assert_escaped(annotate_spec_error("gate.json", "gate.json.bak:3:3: x", NULL),
                   "::error title=mgate spec::gate.json.bak:3:3: x\n");
}

static void test_annotations_notice(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(mg_annotate_notice(out, "fraud: v2", "gate FAILED: 10 passed, 2 failed, 0 errors"), 0);
    fclose(out);
    assert_string_equal(buf, "::notice title=mgate fraud%3A v2::gate FAILED: 10 passed, 2 failed, 0 errors\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_annotations_escape_data),
        cmocka_unit_test(test_annotations_escape_property),
        cmocka_unit_test(test_annotations_escape_keeps_utf8_and_cleans_bad_bytes),
        cmocka_unit_test(test_annotations_results_byte_for_byte),
        cmocka_unit_test(test_annotations_results_limit_per_check),
        cmocka_unit_test(test_annotations_paths_relative_to_workspace),
        cmocka_unit_test(test_annotations_spec_error_at_position),
        cmocka_unit_test(test_annotations_spec_error_without_position),
        cmocka_unit_test(test_annotations_notice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
