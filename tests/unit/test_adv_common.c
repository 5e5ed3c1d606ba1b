/*
 * Unit tests for the helpers of the adversarial checks (checks/adversarial/adv_common.c)
 * and the fixture-case module (checks/adversarial/fixture_cases.c): the seeded sample,
 * row variants, guarded scoring, rows as JSON, case files and comparisons.
 * Models are hand-written linear JSON files in the scratch folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/adversarial/fixture_cases.h"
#include "checks/adversarial/adv_common.h"
#include "support/tmpfiles.h"

static mg_value num(double x, const char *text)
{
    mg_value v = {MG_VALUE_NUMBER, text, strlen(text), x, 0};
    return v;
}

static mg_value txt(const char *text)
{
    mg_value v = {MG_VALUE_TEXT, text, strlen(text), 0.0, 0};
    return v;
}

static mg_row make_row(mg_value *vals, size_t n, unsigned long index)
{
    mg_row r;
    memset(&r, 0, sizeof r);
    r.values = vals;
    r.nvalues = n;
    r.nfields_found = n;
    r.index = index;
    r.line = index + 2;
    return r;
}

/* The row indices (line - 2) a sample of cap keeps out of n rows with a seed. */
static void sample_indices(size_t cap, size_t n, uint64_t seed, unsigned long *out)
{
    adv_sample s;
    adv_sample_init(&s, cap, seed);
    mg_value v = num(1, "1");
    for (size_t i = 0; i < n; i++) {
        mg_row r = make_row(&v, 1, (unsigned long)i);
        adv_sample_offer(&s, &r);
    }
    adv_sample_sort(&s);
    assert_int_equal(s.n, cap < n ? cap : n);
    for (size_t i = 0; i < s.n; i++) {
        out[i] = s.rows[i]->line - 2;
        assert_int_equal(s.rows[i]->index, i); /* numbered in the sample */
    }
    adv_sample_free(&s);
}

static void test_adv_sample_is_seeded_sorted_and_spread(void **state)
{
    (void)state;
    unsigned long a[10], b[10], c[10];
    sample_indices(10, 1000, 7, a);
    sample_indices(10, 1000, 7, b);
    sample_indices(10, 1000, 8, c);
    assert_memory_equal(a, b, sizeof a); /* same seed, same rows */
    assert_memory_not_equal(a, c, sizeof a);
    for (size_t i = 1; i < 10; i++)
        assert_true(a[i] > a[i - 1]); /* data order */
    /* The sample reaches past the first rows: some index beyond 100. */
    assert_true(a[9] >= 100);
    unsigned long all[5];
    sample_indices(10, 5, 1, all); /* fewer rows than room: all kept */
    for (unsigned long i = 0; i < 5; i++)
        assert_int_equal(all[i], i);
}

static void test_adv_variant_replaces_one_value_and_resets(void **state)
{
    (void)state;
    mg_value vals[3] = {num(1, "1"), txt("a"), num(3, "3")};
    mg_row base = make_row(vals, 3, 0);
    adv_variant v;
    adv_variant_init(&v, &base);
    adv_variant_set_number(&v, 2, -0.0);
    assert_int_equal(v.row.values[2].kind, MG_VALUE_NUMBER);
    assert_true(signbit(v.row.values[2].num));
    assert_string_equal(v.row.values[2].text, "-0");
    adv_variant_set_number(&v, 0, NAN);
    assert_string_equal(v.row.values[0].text, "NaN");
    mg_value absent = {MG_VALUE_ABSENT, "", 0, 0, 0};
    adv_variant_set(&v, 1, absent);
    assert_int_equal(v.row.values[1].kind, MG_VALUE_ABSENT);
    assert_string_equal(base.values[1].text, "a"); /* the base row is untouched */
    adv_variant_reset(&v, &base, 1);
    assert_int_equal(v.row.values[1].kind, MG_VALUE_TEXT);
    adv_variant_set_number(&v, 7, 1.0); /* out of range: ignored */
    adv_variant_free(&v);
}

static void test_adv_json_row_lays_out_columns(void **state)
{
    (void)state;
    const char *cols[] = {"a", "b", "c"};
    json_t *o = json_pack("{s:f, s:s, s:n, s:b}", "a", 1.5, "b", "x", "zz", "c", 1);
    adv_json_row r;
    char msg[128];
    assert_int_equal(adv_json_row_init(&r, o, cols, 3, msg, sizeof msg), 0);
    assert_int_equal(r.row.values[0].kind, MG_VALUE_NUMBER);
    assert_true(r.row.values[0].num == 1.5);
    assert_int_equal(r.row.values[1].kind, MG_VALUE_TEXT);
    assert_int_equal(r.row.values[2].kind, MG_VALUE_BOOL);
    adv_json_row_free(&r);
    json_decref(o);
    o = json_pack("{s:[i]}", "a", 1);
    assert_int_equal(adv_json_row_init(&r, o, cols, 3, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "field 'a'"));
    adv_json_row_free(&r);
    json_decref(o);
}

static mg_model *load_model(const char *name, const char *text)
{
    mg_model_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.path = tu_write(name, text);
    mg_error err = {{0}};
    mg_model *m = mg_model_load(&ms, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    return m;
}

static void test_adv_score_outcomes(void **state)
{
    (void)state;
    mg_model *m = load_model("reg.json",
                             "{\"type\": \"linear\", \"features\": [\"x\"], \"weights\": [10], \"bias\": 0}");
    const char *cols[] = {"x"};
    mg_error err = {{0}};
    mg_binding *b = mg_binding_new(m, cols, 1, &err);
    assert_non_null(b);
    double out[1];
    char msg[256];
    mg_value v = num(2, "2");
    mg_row ok = make_row(&v, 1, 0);
    assert_int_equal(adv_score(m, b, &ok, NULL, out, msg, sizeof msg), ADV_SCORED);
    assert_true(out[0] == 20);
    mg_value big = num(1e308, "1e308");
    mg_row r = make_row(&big, 1, 0);
    assert_int_equal(adv_score(m, b, &r, &ok, out, msg, sizeof msg), ADV_NONFINITE);
    mg_value t = txt("abc");
    r = make_row(&t, 1, 0);
    assert_int_equal(adv_score(m, b, &r, &ok, out, msg, sizeof msg), ADV_REJECTED);
    assert_non_null(strstr(msg, "feature 'x'"));
    mg_binding_free(b);
    mg_model_free(m);
}

/* Found by fuzz_fixture_cases: text quoting a scorer's crash message made a
 * native model's refusal of that text count as a crash of the scorer. */
static void test_adv_score_data_naming_a_crash_is_a_refusal(void **state)
{
    (void)state;
    mg_model *m = load_model("reg.json",
                             "{\"type\": \"linear\", \"features\": [\"x\"], \"weights\": [1], \"bias\": 0}");
    const char *cols[] = {"x"};
    mg_error err = {{0}};
    mg_binding *b = mg_binding_new(m, cols, 1, &err);
    assert_non_null(b);
    double out[1];
    char msg[256];
    mg_value t = txt("lotexternal scorer 'x' is no longer running");
    mg_row r = make_row(&t, 1, 0);
    assert_int_equal(adv_score(m, b, &r, NULL, out, msg, sizeof msg), ADV_REJECTED);
    assert_non_null(strstr(msg, "feature 'x'"));
    mg_binding_free(b);
    mg_model_free(m);
}

/* A scorer that refuses text and dies on a missing value. */
static const char crash_scorer[] =
    "import json, sys\n"
    "print(json.dumps({'features': ['x'], 'task': 'binary'}), flush=True)\n"
    "for line in sys.stdin:\n"
    "    m = json.loads(line)\n"
    "    if 'batch' in m: continue\n"
    "    x = m['features']['x']\n"
    "    if x is None: sys.exit(4)\n"
    "    if isinstance(x, str): print(json.dumps({'error': 'text'}), flush=True); continue\n"
    "    print(json.dumps({'prediction': 0.25}), flush=True)\n";

static void test_adv_score_tells_crash_from_refusal(void **state)
{
    (void)state;
    if (access("/usr/bin/python3", X_OK) != 0)
        skip();
    const char *argv[] = {"/usr/bin/python3", tu_write("crash.py", crash_scorer), NULL};
    mg_model_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.command = argv;
    ms.timeout_seconds = 5;
    mg_error err = {{0}};
    mg_model *m = mg_model_load(&ms, &err);
    if (!m)
        fail_msg("scorer: %s", err.msg);
    const char *cols[] = {"x"};
    mg_binding *b = mg_binding_new(m, cols, 1, &err);
    assert_non_null(b);
    double out[1];
    char msg[1024];
    mg_value v = num(2, "2");
    mg_row ok = make_row(&v, 1, 0);
    assert_int_equal(adv_score(m, b, &ok, NULL, out, msg, sizeof msg), ADV_SCORED);
    assert_true(out[0] == 0.25);
    mg_value t = txt("abc");
    mg_row r = make_row(&t, 1, 0);
    assert_int_equal(adv_score(m, b, &r, &ok, out, msg, sizeof msg), ADV_REJECTED);
    mg_value absent = {MG_VALUE_ABSENT, "", 0, 0, 0};
    r = make_row(&absent, 1, 0);
    assert_int_equal(adv_score(m, b, &r, &ok, out, msg, sizeof msg), ADV_BROKEN);
    assert_non_null(strstr(msg, "exited with status 4"));
    /* Dead for good: even the valid row now reports the break. */
    assert_int_equal(adv_score(m, b, &ok, NULL, out, msg, sizeof msg), ADV_BROKEN);
    mg_binding_free(b);
    mg_model_free(m);
}

static void test_adv_bounds_validate_messages(void **state)
{
    (void)state;
    char msg[256];
    json_t *o = json_loads("{\"a\": {\"rel\": 0.1}, \"b\": {\"values\": [1, 2]}}", 0, NULL);
    assert_int_equal(adv_bounds_validate(o, msg, sizeof msg), 0);
    json_decref(o);
    o = json_loads("{\"a\": {\"rell\": 0.1}}", 0, NULL);
    assert_int_equal(adv_bounds_validate(o, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "unknown key 'rell'"));
    json_decref(o);
    o = json_loads("{\"a\": {\"abs\": -1}}", 0, NULL);
    assert_int_equal(adv_bounds_validate(o, msg, sizeof msg), -1);
    json_decref(o);
    o = json_loads("{\"a\": {\"min\": 0}}", 0, NULL);
    assert_int_equal(adv_bounds_validate(o, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "give \"abs\""));
    json_decref(o);
}

static void test_adv_perturb_stays_in_bounds(void **state)
{
    (void)state;
    mg_value vals[1] = {num(100, "100")};
    mg_row base = make_row(vals, 1, 0);
    adv_bound b;
    memset(&b, 0, sizeof b);
    b.rel = 0.1;
    b.has_max = 1;
    b.max = 105;
    mg_rng rng;
    mg_rng_seed(&rng, 3);
    adv_variant v;
    adv_variant_init(&v, &base);
    char buf[40];
    int moved = 0;
    for (int i = 0; i < 200; i++) {
        assert_int_equal(adv_perturb(&v, &base, &b, 0, &rng, buf), 0);
        double x = v.row.values[0].num;
        assert_true(x >= 90 && x <= 105);
        moved |= x != 100;
    }
    assert_true(moved);
    mg_value t = txt("abc");
    mg_row tb = make_row(&t, 1, 0);
    assert_int_equal(adv_perturb(&v, &tb, &b, 0, &rng, buf), -1); /* text, no values: cannot */
    adv_variant_free(&v);
}

static void test_adv_cases_load_reports_position(void **state)
{
    (void)state;
    adv_cases cs;
    mg_error err = {{0}};
    assert_int_equal(adv_cases_load(&cs, tu_write("c1.jsonl", "{\"id\": \"a\", \"input\": {\"x\": 1}}\n\n# c\n"
                                                               "{\"id\": \"b\", \"input\": {\"x\": }\n"),
                                    &err),
                     -1);
    assert_non_null(strstr(err.msg, "c1.jsonl:4:"));
    adv_cases_free(&cs);
    assert_int_equal(adv_cases_load(&cs, tu_write("c2.jsonl", "{\"id\": \"a\", \"input\": {}}\n"
                                                               "{\"id\": \"a\", \"input\": {}}\n"),
                                    &err),
                     -1);
    assert_non_null(strstr(err.msg, "c2.jsonl:2:1: duplicate case id 'a'"));
    adv_cases_free(&cs);
    assert_int_equal(adv_cases_load(&cs, tu_write("c3.jsonl", "{\"id\": \"a\", \"input\": {}, "
                                                               "\"expect\": {\"scroe\": 1}}\n"),
                                    &err),
                     -1);
    assert_non_null(strstr(err.msg, "unknown key 'scroe'"));
    adv_cases_free(&cs);
    assert_int_equal(adv_cases_load(&cs, tu_write("c4.jsonl", "{\"id\": \"a\", \"input\": {\"x\": 1}}\n"
                                                               "\n{\"id\": \"b\", \"input\": {}}\n"),
                                    &err),
                     0);
    assert_int_equal(cs.n, 3);
    assert_null(cs.c[1].obj);
    assert_string_equal(cs.c[2].id, "b");
    assert_int_equal(cs.c[2].line, 3);
    adv_cases_free(&cs);
}

static void test_adv_case_compare_diffs(void **state)
{
    (void)state;
    mg_model *m = load_model("logit.json", "{\"type\": \"logistic\", \"features\": [\"x\"], \"weights\": [1], "
                                           "\"bias\": 0}");
    adv_case_model cm;
    mg_error err = {{0}};
    assert_int_equal(adv_case_model_init(&cm, m, NULL, &err), 0);
    json_t *in = json_pack("{s:f}", "x", 0.0);
    adv_case_result r;
    adv_case_score(&cm, in, &r);
    assert_true(r.scored && r.finite);
    assert_true(fabs(r.out[0] - 0.5) < 1e-15);
    char diff[512];
    json_t *e = json_pack("{s:i, s:f}", "label", 1, "score", 0.5);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 0);
    json_decref(e);
    e = json_pack("{s:f, s:f}", "score", 0.93, "tolerance", 1e-6);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 1);
    assert_string_equal(diff, "score 0.5, expected 0.93 ± 1e-06");
    json_decref(e);
    e = json_pack("{s:i}", "label", 0);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 1);
    assert_string_equal(diff, "label 1, expected 0");
    json_decref(e);
    e = json_pack("{s:b}", "reject", 1);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 1);
    assert_non_null(strstr(diff, "expected a rejection"));
    json_t *now = adv_case_expect_now(&cm, &r, 1e-6, 0.5);
    assert_int_equal(json_integer_value(json_object_get(now, "label")), 1);
    assert_int_equal(adv_case_compare(&cm, now, &r, 0, 0.5, diff, sizeof diff), 0);
    json_decref(now);
    json_decref(in);
    in = json_pack("{s:s}", "x", "text");
    adv_case_score(&cm, in, &r);
    assert_false(r.scored);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 0);
    json_decref(e);
    json_decref(in);
    adv_case_model_free(&cm);
    mg_model_free(m);
}

static void test_adv_case_line_is_one_json_object(void **state)
{
    (void)state;
    json_t *in = json_pack("{s:i}", "x", 3);
    json_t *ex = json_pack("{s:i}", "label", 1);
    char *line = adv_case_line("id-1", in, ex, "edge", "why");
    assert_null(strchr(line, '\n'));
    json_t *back = json_loads(line, 0, NULL);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "id")), "id-1");
    assert_true(json_equal(json_object_get(back, "input"), in));
    assert_string_equal(json_string_value(json_array_get(json_object_get(back, "tags"), 0)), "edge");
    json_decref(back);
    free(line);
    json_decref(in);
    json_decref(ex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adv_sample_is_seeded_sorted_and_spread),
        cmocka_unit_test(test_adv_variant_replaces_one_value_and_resets),
        cmocka_unit_test(test_adv_json_row_lays_out_columns),
        cmocka_unit_test(test_adv_score_outcomes),
        cmocka_unit_test(test_adv_score_tells_crash_from_refusal),
        cmocka_unit_test(test_adv_score_data_naming_a_crash_is_a_refusal),
        cmocka_unit_test(test_adv_bounds_validate_messages),
        cmocka_unit_test(test_adv_perturb_stays_in_bounds),
        cmocka_unit_test(test_adv_cases_load_reports_position),
        cmocka_unit_test(test_adv_case_compare_diffs),
        cmocka_unit_test(test_adv_case_line_is_one_json_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
