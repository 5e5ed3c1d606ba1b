/* Unit tests for reports/json_report.c: the JSON report is read back with
 * jansson and its figures compared with the report it came from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/version.h"
#include "reports/writers.h"
#include "tests/unit/report_fixture.h"

/* Writes r as JSON into a fresh folder and loads it back (strictly: jansson
 * rejects NaN, invalid UTF-8 and trailing garbage). */
static json_t *write_and_load(const mg_report *r)
{
    char *dir = make_temp_dir();
    assert_non_null(dir);
    char *path = mg_xasprintf("%s/mgate.json", dir);
    mg_error err = {{0}};
    if (mg_write_json(r, path, &err) != 0)
        fail_msg("mg_write_json: %s", err.msg);
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        fail_msg("report does not parse: %d:%d: %s", jerr.line, jerr.column, jerr.text);
    free(path);
    remove_tree(dir);
    free(dir);
    return root;
}

static const char *str_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        fail_msg("'%s' is not a string", key);
    return json_string_value(v);
}

static json_int_t int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("'%s' is not an integer", key);
    return json_integer_value(v);
}

static void test_report_json_summary_and_facts(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    json_t *root = write_and_load(r);
    assert_string_equal(str_at(root, "mgate_version"), MGATE_VERSION);
    assert_string_equal(str_at(root, "gate"), r->facts.gate_name);
    assert_string_equal(str_at(root, "verdict"), mg_status_name(mg_report_verdict(r)));
    json_t *sum = json_object_get(root, "summary");
    assert_int_equal(int_at(sum, "tests"), r->nresults);
    assert_int_equal(int_at(sum, "passed"), mg_report_count(r, MG_STATUS_PASS));
    assert_int_equal(int_at(sum, "failed"), mg_report_count(r, MG_STATUS_FAIL));
    assert_int_equal(int_at(sum, "errors"), mg_report_count(r, MG_STATUS_ERROR));
    assert_int_equal(int_at(sum, "skipped"), mg_report_count(r, MG_STATUS_SKIP));
    json_t *facts = json_object_get(root, "facts");
    assert_string_equal(str_at(facts, "spec_path"), r->facts.spec_path);
    assert_string_equal(str_at(facts, "data_path"), r->facts.data_path);
    assert_string_equal(str_at(facts, "data_sha256"), r->facts.data_sha256);
    assert_string_equal(str_at(facts, "model_path"), r->facts.model_path);
    assert_string_equal(str_at(facts, "model_sha256"), r->facts.model_sha256);
    assert_string_equal(str_at(facts, "baseline_model_path"), r->facts.baseline_model_path);
    assert_string_equal(str_at(facts, "baseline_model_sha256"), r->facts.baseline_model_sha256);
    assert_string_equal(str_at(facts, "run_id"), r->facts.run_id);
    assert_string_equal(str_at(facts, "started_at"), r->facts.started_at);
    assert_int_equal(int_at(facts, "rows_read"), r->facts.rows_read);
    assert_true(json_number_value(json_object_get(facts, "seconds")) == r->facts.seconds);
    json_decref(root);
    mg_report_free(r);
}

static void test_report_json_results_match_report(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    json_t *root = write_and_load(r);
    json_t *results = json_object_get(root, "results");
    assert_int_equal(json_array_size(results), r->nresults);
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        json_t *o = json_array_get(results, i);
        assert_string_equal(str_at(o, "group"), res->group);
        assert_string_equal(str_at(o, "check"), res->check);
        assert_string_equal(str_at(o, "status"), mg_status_name(res->status));
        if (strcmp(res->name, "nasty") != 0) {
            assert_string_equal(str_at(o, "name"), res->name);
            if (res->message)
                assert_string_equal(str_at(o, "message"), res->message);
            else
                assert_true(json_is_null(json_object_get(o, "message")));
        }
        assert_true(json_number_value(json_object_get(o, "seconds")) == res->seconds);
        /* Every figure, exactly, with its type. */
        json_t *props = json_object_get(o, "properties");
        assert_int_equal(json_object_size(props), res->nprops);
        for (size_t q = 0; q < res->nprops; q++) {
            json_t *v = json_object_get(props, res->props[q].key);
            assert_non_null(v);
            if (res->props[q].is_number) {
                assert_true(json_is_number(v));
                assert_true(json_number_value(v) == res->props[q].number);
            } else {
                assert_true(json_is_string(v));
            }
        }
        json_t *ex = json_object_get(o, "examples");
        assert_int_equal(json_array_size(ex), res->nexamples);
        for (size_t e = 0; e < res->nexamples; e++)
            assert_string_equal(json_string_value(json_array_get(ex, e)), res->examples[e]);
        assert_int_equal(int_at(o, "examples_total"), res->examples_total);
        assert_null(json_object_get(o, "non_finite"));
    }
    /* An integral figure is an integer, others reals. */
    json_t *props1 = json_object_get(json_array_get(results, 1), "properties");
    assert_true(json_is_integer(json_object_get(props1, "count")));
    assert_true(json_is_real(json_object_get(props1, "rate")));
    json_decref(root);
    mg_report_free(r);
}

static void test_report_json_text_made_valid_utf8(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    json_t *root = write_and_load(r);
    json_t *nasty = json_array_get(json_object_get(root, "results"), 5);
    assert_string_equal(str_at(nasty, "name"), "nasty");
    /* Ill-formed bytes become U+FFFD; control characters, quotes, ]]> and
     * line breaks survive (JSON escapes them). */
    assert_string_equal(str_at(nasty, "message"),
                        "bad \x01\x1b ctl, " FFFD FFFD "( utf8, ]]> \"q\" 'a' <&> | pipe\nsecond line");
    assert_string_equal(str_at(json_object_get(nasty, "properties"), "found"), "<&>\x02");
    json_decref(root);
    mg_report_free(r);
}

static void test_report_json_non_finite_becomes_null(void **state)
{
    (void)state;
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "metrics", "weird", "metric");
    res->status = MG_STATUS_FAIL;
    res->seconds = NAN;
    mg_result_prop_number(res, "a", NAN);
    mg_result_prop_number(res, "b", INFINITY);
    mg_result_prop_number(res, "c", -INFINITY);
    mg_result_prop_number(res, "d", 2.5);
    r->facts.seconds = INFINITY;
    json_t *root = write_and_load(r); /* parsing at all proves no NaN token */
    json_t *o = json_array_get(json_object_get(root, "results"), 0);
    json_t *props = json_object_get(o, "properties");
    assert_true(json_is_null(json_object_get(props, "a")));
    assert_true(json_is_null(json_object_get(props, "b")));
    assert_true(json_is_null(json_object_get(props, "c")));
    assert_true(json_real_value(json_object_get(props, "d")) == 2.5);
    json_t *nf = json_object_get(o, "non_finite");
    assert_string_equal(str_at(nf, "a"), "nan");
    assert_string_equal(str_at(nf, "b"), "inf");
    assert_string_equal(str_at(nf, "c"), "-inf");
    assert_null(json_object_get(nf, "d"));
    assert_true(json_is_null(json_object_get(o, "seconds")));
    assert_true(json_is_null(json_object_get(json_object_get(root, "facts"), "seconds")));
    /* Absent facts are null, not missing. */
    assert_true(json_is_null(json_object_get(json_object_get(root, "facts"), "model_path")));
    assert_true(json_is_null(json_object_get(json_object_get(root, "facts"), "model_sha256")));
    assert_true(json_is_null(json_object_get(json_object_get(root, "facts"), "baseline_model_path")));
    assert_true(json_is_null(json_object_get(json_object_get(root, "facts"), "baseline_model_sha256")));
    json_decref(root);
    mg_report_free(r);
}

static void test_report_json_latency_histogram(void **state)
{
    (void)state;
    /* Arrange: values 0.5, 1.5, 1.6, 9 and 12 (past hi) in 4 bins over [0, 8];
     * a second series; a NaN left out. */
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "serving", "latency", "latency");
    mg_histogram *h = mg_result_histogram(res, "milliseconds per one-row call", 0, 8, 4);
    const double cand[] = {0.5, 1.5, 1.6, 9, 12, NAN}, champ[] = {-1, 3};
    mg_histogram_add(h, "candidate", cand, 6);
    mg_histogram_add(h, "champion", champ, 2);
    mg_report_add(r, "data", "missing", "missing");
    /* Act */
    json_t *root = write_and_load(r);
    json_t *hj = json_object_get(json_array_get(json_object_get(root, "results"), 0), "histogram");
    /* Assert */
    assert_string_equal(str_at(hj, "x"), "milliseconds per one-row call");
    assert_int_equal(int_at(hj, "bins"), 4);
    assert_true(json_number_value(json_object_get(hj, "hi")) == 8);
    json_t *series = json_object_get(hj, "series");
    assert_int_equal(json_array_size(series), 2);
    assert_string_equal(str_at(json_array_get(series, 0), "name"), "candidate");
    const json_int_t want[2][4] = {{3, 0, 0, 2}, {1, 1, 0, 0}};
    for (size_t s = 0; s < 2; s++)
        for (size_t b = 0; b < 4; b++)
            assert_int_equal(json_integer_value(json_array_get(json_object_get(json_array_get(series, s), "counts"), b)),
                             want[s][b]);
    /* A result without one has no key. */
    assert_null(json_object_get(json_array_get(json_object_get(root, "results"), 1), "histogram"));
    json_decref(root);
    mg_report_free(r);
}

static void test_report_json_verdicts(void **state)
{
    (void)state;
    mg_report *r = mg_report_new();
    json_t *root = write_and_load(r); /* empty: nothing failed */
    assert_string_equal(str_at(root, "verdict"), "passed");
    assert_int_equal(json_array_size(json_object_get(root, "results")), 0);
    json_decref(root);
    mg_report_add(r, "data", "a", "missing")->status = MG_STATUS_PASS;
    mg_report_add(r, "data", "b", "missing")->status = MG_STATUS_ERROR;
    root = write_and_load(r);
    assert_string_equal(str_at(root, "verdict"), "error");
    json_decref(root);
    mg_report_add(r, "data", "c", "missing")->status = MG_STATUS_FAIL;
    root = write_and_load(r);
    assert_string_equal(str_at(root, "verdict"), "failed");
    json_decref(root);
    mg_report_free(r);
}

static void test_report_json_numbers_are_c_locale(void **state)
{
    (void)state;
    int comma = enter_comma_locale();
    mg_report *r = fixture_report();
    json_t *root = write_and_load(r);
    setlocale(LC_ALL, "C");
    json_t *props = json_object_get(json_array_get(json_object_get(root, "results"), 1), "properties");
    assert_true(json_real_value(json_object_get(props, "rate")) == 0.003);
    assert_true(json_real_value(json_object_get(props, "bound")) == 0.001);
    json_decref(root);
    mg_report_free(r);
    if (!comma)
        print_message("note: no de_DE/fr_FR locale installed; checked in the C locale only\n");
}

static void test_report_json_keeps_old_file_on_failure(void **state)
{
    (void)state;
    assert_writer_keeps_old_file(mg_write_json, ".json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_json_summary_and_facts),
        cmocka_unit_test(test_report_json_results_match_report),
        cmocka_unit_test(test_report_json_text_made_valid_utf8),
        cmocka_unit_test(test_report_json_non_finite_becomes_null),
        cmocka_unit_test(test_report_json_latency_histogram),
        cmocka_unit_test(test_report_json_verdicts),
        cmocka_unit_test(test_report_json_numbers_are_c_locale),
        cmocka_unit_test(test_report_json_keeps_old_file_on_failure),
    };
    return cmocka_run_group_tests_name("report_json", tests, NULL, NULL);
}
