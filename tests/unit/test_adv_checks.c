/*
 * Unit tests for the adversarial and fixture checks, run through the real
 * spec loader and runner over a small CSV with hand-written linear models,
 * so what is tested is what `mgate run` does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/runner.h"
#include "harness/spec.h"
#include "support/gate_run.h"
#include "support/tmpfiles.h"

static const char data_csv[] =
    "id,x,y,z\n"
    "a,1,10,7\n"
    "b,2,20,7\n"
    "c,3,30,8\n"
    "d,4,40,8\n"
    "e,5,50,9\n"
    "f,6,60,9\n";

/* Increasing in x, must not depend on z (weight 1e-12 only avoids 0*inf). */
static const char sound_model[] =
    "{\"type\": \"logistic\", \"features\": [\"x\", \"y\", \"z\"], \"weights\": [0.5, 0.01, 1e-12], "
    "\"bias\": -2, \"missing\": \"zero\"}";
/* Falls as x rises, depends on z. */
static const char bad_model[] =
    "{\"type\": \"logistic\", \"features\": [\"x\", \"y\", \"z\"], \"weights\": [-0.5, 0.01, 3], "
    "\"bias\": -20, \"missing\": \"zero\"}";

static char *spec_text(const char *model, const char *checks)
{
    size_t n = strlen(model) + strlen(checks) + 512;
    char *s = malloc(n);
    snprintf(s, n,
             "{\"name\": \"t\", \"data\": {\"path\": \"adv.csv\", \"id\": \"id\"},\n"
             " \"model\": \"%s\",\n \"checks\": [%s]}",
             model, checks);
    return s;
}

static tu_gate run_gate(const char *model, const char *checks)
{
    tu_write("adv.csv", data_csv);
    tu_write("sound.json", sound_model);
    tu_write("bad.json", bad_model);
    tu_write("overflow.json", "{\"type\": \"linear\", \"features\": [\"x\", \"y\", \"z\"], "
                              "\"weights\": [10, 1, 1], \"bias\": 0, \"missing\": \"zero\"}");
    char *text = spec_text(model, checks);
    tu_gate g = tu_gate_run(tu_write("gate.json", text));
    free(text);
    return g;
}

static int any_example(const mg_result *res, const char *needle)
{
    for (size_t i = 0; i < res->nexamples; i++)
        if (strstr(res->examples[i], needle))
            return 1;
    return 0;
}

/* The spec error for checks, or "" when the spec loads. */
static const char *spec_error(const char *checks)
{
    static char msg[1024];
    char *text = spec_text("sound.json", checks);
    mg_spec_errors errs;
    mg_spec *s = mg_spec_load(tu_write("bad_gate.json", text), &errs);
    free(text);
    msg[0] = '\0';
    if (s)
        mg_spec_free(s);
    else {
        snprintf(msg, sizeof msg, "%s", errs.msg[0]);
        mg_spec_errors_free(&errs);
    }
    return msg;
}

static void test_adv_monotonic_catches_a_falling_model(void **state)
{
    (void)state;
    const char *chk = "{\"check\": \"monotonic\", \"features\": {\"x\": \"increasing\"}, \"grid\": 5}";
    tu_gate r = run_gate("bad.json", chk);
    const mg_result *res = tu_result(&r, "monotonic", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 6); /* every sampled row */
    assert_true(tu_prop(res, "rows_sampled") == 6);
    assert_true(any_example(res, "'x' declared increasing: score falls"));
    assert_true(any_example(res, "as a fixture case: {\"id\":\"monotonic-a-x\""));
    tu_gate_free(&r);
    r = run_gate("sound.json", chk);
    assert_int_equal(tu_result(&r, "monotonic", 1)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
}

static void test_adv_invariance_catches_a_leaking_feature(void **state)
{
    (void)state;
    const char *chk = "{\"check\": \"invariance\", \"features\": {\"z\": {\"values\": [1, 50]}}, "
                      "\"tolerance\": 1e-6}";
    tu_gate r = run_gate("bad.json", chk);
    const mg_result *res = tu_result(&r, "invariance", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(any_example(res, "'z' '7' -> ") && any_example(res, "moved the score"));
    tu_gate_free(&r);
    r = run_gate("sound.json", chk);
    assert_int_equal(tu_result(&r, "invariance", 1)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
}

static void test_adv_input_handling_fails_on_inf_and_declared_rejections(void **state)
{
    (void)state;
    tu_gate r = run_gate("overflow.json", "{\"check\": \"input_handling\", \"variants\": [\"1e308\", \"missing\"]}");
    const mg_result *res = tu_result(&r, "input_handling", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "non_finite") > 0);
    assert_true(any_example(res, "(variant 1e308): output 0 is Infinity"));
    tu_gate_free(&r);
    /* The sound model scores missing values (missing: zero), so declaring
     * they must be rejected fails, and declaring "score" passes. */
    r = run_gate("sound.json", "{\"check\": \"input_handling\", \"variants\": \"missing\", "
                               "\"expect\": {\"missing\": \"reject\"}}");
    res = tu_result(&r, "input_handling", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(any_example(res, "expected a rejection"));
    tu_gate_free(&r);
    r = run_gate("sound.json", "{\"check\": \"input_handling\", \"expect\": {\"missing\": \"score\", "
                               "\"wrong_type\": \"reject\", \"long_string\": \"reject\"}}");
    res = tu_result(&r, "input_handling", 1);
    assert_int_equal(res->status, MG_STATUS_PASS);
    /* 6 rows x 3 features x 11 variants, and the 1 MB string on the first row only */
    assert_true(tu_prop(res, "tries") == 6 * 3 * 11 + 3);
    tu_gate_free(&r);
}

static void test_adv_robustness_and_search_gate_on_flips(void **state)
{
    (void)state;
    /* bad.json's decision turns on z: z +-2 flips rows. */
    const char *rob = "{\"check\": \"robustness\", \"features\": {\"z\": {\"abs\": 2}}, \"max_flip_rate\": 0.1, "
                      "\"seed\": 4}";
    const char *srch = "{\"check\": \"adversarial_search\", \"features\": {\"z\": {\"abs\": 2}}, \"steps\": 4}";
    char both[512];
    snprintf(both, sizeof both, "%s, %s", rob, srch);
    tu_gate r = run_gate("bad.json", both);
    const mg_result *res = tu_result(&r, "robustness", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "flip_rate") > 0.1);
    assert_true(tu_prop(res, "seed") == 4);
    res = tu_result(&r, "adversarial_search", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "successes") > 0);
    assert_true(tu_prop(res, "smallest_change") <= 1.0);
    assert_true(any_example(res, "\"tags\":[\"adversarial\"]"));
    tu_gate_free(&r);
    r = run_gate("sound.json", both);
    assert_int_equal(tu_result(&r, "robustness", 1)->status, MG_STATUS_PASS);
    assert_int_equal(tu_result(&r, "adversarial_search", 1)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
}

static void test_adv_results_are_reproducible(void **state)
{
    (void)state;
    const char *chk = "{\"check\": \"robustness\", \"features\": {\"z\": {\"abs\": 2}, \"x\": {\"rel\": 0.5}}, "
                      "\"max_flip_rate\": 0, \"sample\": 4, \"seed\": 9}";
    tu_gate a = run_gate("bad.json", chk), b = run_gate("bad.json", chk);
    const mg_result *ra = tu_result(&a, "robustness", 1), *rb = tu_result(&b, "robustness", 1);
    assert_true(tu_prop(ra, "flips") == tu_prop(rb, "flips"));
    assert_true(tu_prop(ra, "max_score_change") == tu_prop(rb, "max_score_change"));
    assert_int_equal(ra->nexamples, rb->nexamples);
    for (size_t i = 0; i < ra->nexamples; i++)
        assert_string_equal(ra->examples[i], rb->examples[i]);
    tu_gate_free(&a);
    tu_gate_free(&b);
}

static void test_adv_order_invariance_passes_a_native_model(void **state)
{
    (void)state;
    tu_gate r = run_gate("sound.json", "{\"check\": \"order_invariance\", \"duplicates\": 0.5}");
    const mg_result *res = tu_result(&r, "order_invariance", 1);
    assert_int_equal(res->status, MG_STATUS_PASS);
    assert_true(tu_prop(res, "duplicates") == 3);
    assert_true(tu_prop(res, "tries") == 9);
    tu_gate_free(&r);
}

static void test_adv_fixtures_diff_per_case(void **state)
{
    (void)state;
    tu_write("cases.jsonl", "{\"id\": \"mid\", \"input\": {\"x\": 4, \"y\": 0}, \"expect\": {\"score\": 0.5}}\n"
                            "{\"id\": \"off\", \"input\": {\"x\": 4, \"y\": 0}, \"expect\": {\"score\": 0.93, "
                            "\"tolerance\": 1e-6}}\n"
                            "{\"id\": \"txt\", \"input\": {\"x\": \"big\"}, \"expect\": {\"reject\": true}}\n");
    tu_gate r = run_gate("sound.json", "{\"check\": \"fixtures\", \"path\": \"cases.jsonl\"}");
    const mg_result *res = tu_result(&r, "fixtures", 1);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "cases") == 3);
    assert_true(tu_prop(res, "count") == 1);
    assert_int_equal(res->nexamples, 1);
    assert_non_null(strstr(res->examples[0], "cases.jsonl:2: case 'off': score 0.5, expected 0.93 ± 1e-06"));
    tu_gate_free(&r);
}

static void test_adv_spec_errors_name_the_option(void **state)
{
    (void)state;
    assert_non_null(strstr(spec_error("{\"check\": \"input_handling\", \"variants\": [\"nan\", \"nam\"]}"),
                           "unknown variant 'nam'"));
    assert_non_null(strstr(spec_error("{\"check\": \"monotonic\", \"features\": {\"x\": \"up\"}}"),
                           "feature 'x': expected \"increasing\""));
    assert_non_null(strstr(spec_error("{\"check\": \"robustness\", \"features\": {\"x\": {\"rel\": 0.1}}}"),
                           "max_flip_rate"));
    assert_non_null(strstr(spec_error("{\"check\": \"robustness\", \"features\": [1], \"max_flip_rate\": 0}"),
                           "expected an object"));
    assert_non_null(strstr(spec_error("{\"check\": \"fixtures\"}"), "missing \"path\""));
    assert_string_equal(spec_error("{\"check\": \"invariance\", \"features\": {\"z\": {\"abs\": 1}}}"), "");
    /* Positions point at the option: line 3 of the spec. */
    assert_non_null(strstr(spec_error("{\"check\": \"adversarial_search\", \"features\": {\"x\": {}}}"),
                           "bad_gate.json:3:"));
}

static void test_adv_unknown_feature_is_an_error_result(void **state)
{
    (void)state;
    tu_gate r = run_gate("sound.json", "{\"check\": \"invariance\", \"features\": {\"nope\": {\"abs\": 1}}}");
    const mg_result *res = tu_result(&r, "invariance", 1);
    assert_int_equal(res->status, MG_STATUS_ERROR);
    assert_non_null(strstr(res->message, "'nope' is not a feature of the model"));
    tu_gate_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adv_monotonic_catches_a_falling_model),
        cmocka_unit_test(test_adv_invariance_catches_a_leaking_feature),
        cmocka_unit_test(test_adv_input_handling_fails_on_inf_and_declared_rejections),
        cmocka_unit_test(test_adv_robustness_and_search_gate_on_flips),
        cmocka_unit_test(test_adv_results_are_reproducible),
        cmocka_unit_test(test_adv_order_invariance_passes_a_native_model),
        cmocka_unit_test(test_adv_fixtures_diff_per_case),
        cmocka_unit_test(test_adv_spec_errors_name_the_option),
        cmocka_unit_test(test_adv_unknown_feature_is_an_error_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
