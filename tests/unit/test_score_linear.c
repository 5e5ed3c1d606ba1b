/* Unit tests for score/linear.c: parity with sklearn's LogisticRegression
 * and LinearRegression (fixtures/models/linear), missing values, strictness. */
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

#include "score/model.h"
#include "support/tmpfiles.h"
#include "score_testutil.h"

static mg_model *load(const char *path, mg_error *err)
{
    mg_model_spec spec = {0};
    spec.path = path;
    return mg_model_load(&spec, err);
}

static double parity(const char *model, const char *data, const char *ref)
{
    mg_error err = {{0}};
    mg_model *m = load(model, &err);
    if (!m)
        fail_msg("%s", err.msg);
    assert_int_equal(mg_model_get_format(m), MG_MODEL_LINEAR);
    tcsv *d = tcsv_read(data, 1), *p = tcsv_read(ref, 0);
    mg_binding *b = mg_binding_new(m, (const char *const *)d->header, d->ncols, &err);
    assert_non_null(b);
    double maxdiff = 0, out;
    for (size_t r = 0; r < d->nrows; r++) {
        assert_int_equal(mg_model_score_row(m, b, &d->rows[r], &out, &err), 0);
        maxdiff = fmax(maxdiff, fabs(out - tcsv_num(p, r, 0)));
    }
    mg_binding_free(b);
    mg_model_free(m);
    tcsv_free(d);
    tcsv_free(p);
    return maxdiff;
}

static void test_score_linear_logistic_matches_sklearn(void **s)
{
    (void)s;
    double d = parity("fixtures/models/linear/logistic.json",
                      "fixtures/models/data/binary_clean.csv",
                      "fixtures/models/linear/pred_logistic.csv");
    printf("  parity logistic (sklearn predict_proba) max abs diff %.3g\n", d);
    assert_true(d <= 1e-12);
}

static void test_score_linear_regression_matches_sklearn(void **s)
{
    (void)s;
    double d = parity("fixtures/models/linear/linear.json",
                      "fixtures/models/data/regression_clean.csv",
                      "fixtures/models/linear/pred_linear.csv");
    printf("  parity linear (sklearn predict) max abs diff %.3g\n", d);
    assert_true(d <= 1e-9);
}

static mg_model *load_text(const char *text, mg_error *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s/m.json", tu_dir());
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
    return load(path, err);
}

static void test_score_linear_missing_value_rules(void **s)
{
    (void)s;
    mg_error err = {{0}};
    mg_model *m = load_text("{\"type\": \"logistic\", \"features\": [\"a\", \"b\"], "
                            "\"weights\": [2, -1], \"bias\": 0.5}", &err);
    assert_non_null(m);
    assert_int_equal(mg_model_get_task(m), MG_TASK_BINARY);
    const char *cols[] = {"b", "a"};
    mg_binding *b = mg_binding_new(m, cols, 2, &err);
    mg_value v[2] = {{MG_VALUE_TEXT, "3", 1, 0, 0}, {MG_VALUE_NUMBER, "1", 1, 1.0, 0}};
    mg_row row = {2, v, 2, 2, 0, 0};
    double out;
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    assert_true(fabs(out - 1.0 / (1.0 + exp(-(2 * 1 - 3 + 0.5)))) < 1e-15);
    v[0] = (mg_value){MG_VALUE_TEXT, "", 0, 0, 0};
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), -1);
    assert_non_null(strstr(err.msg, "feature 'b': missing value"));
    mg_binding_free(b);
    mg_model_free(m);

    m = load_text("{\"type\": \"linear\", \"features\": [\"a\", \"b\"], \"weights\": [2, -1], "
                  "\"bias\": 0.5, \"missing\": \"zero\"}", &err);
    assert_non_null(m);
    b = mg_binding_new(m, cols, 2, &err);
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    assert_true(out == 2.5);
    mg_binding_free(b);
    mg_model_free(m);
}

static void expect_error(const char *text, const char *want)
{
    mg_error err = {{0}};
    mg_model *m = load_text(text, &err);
    if (m)
        fail_msg("loaded a bad model (%s)", want);
    if (!strstr(err.msg, want))
        fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void test_score_linear_rejects_bad_models(void **s)
{
    (void)s;
    expect_error("{\"type\": \"linear\", \"features\": [\"a\"], \"weights\": [1], \"bias\": 0, "
                 "\"bais\": 1}", "'bais': unknown key");
    expect_error("{\"type\": \"probit\", \"features\": [\"a\"], \"weights\": [1], \"bias\": 0}",
                 "'type': expected");
    expect_error("{\"type\": \"linear\", \"features\": [\"a\", \"b\"], \"weights\": [1], "
                 "\"bias\": 0}", "'weights': expected an array of 2 numbers");
    expect_error("{\"type\": \"linear\", \"features\": [\"a\"], \"weights\": [\"x\"], "
                 "\"bias\": 0}", "'weights'[0]: expected a number");
    expect_error("{\"type\": \"linear\", \"features\": [\"a\", \"a\"], \"weights\": [1, 2], "
                 "\"bias\": 0}", "duplicate feature 'a'");
    expect_error("{\"type\": \"linear\", \"features\": [\"a\"], \"weights\": [1]}",
                 "'bias': expected a number");
    expect_error("{\"type\": \"linear\", \"features\": [\"a\"], \"weights\": [1], \"bias\": 0, "
                 "\"missing\": \"mean\"}", "'missing': expected");
    expect_error("{\"type\": \"linear\", \"features\": [\"a\"], \"weights\": [1], \"bias\": 0",
                 "m.json:1:");
    expect_error("{\"model\": 1}", "unknown JSON model");
    expect_error("[1, 2]", "unknown model format");
}

static void test_score_linear_binding_names_missing_columns(void **s)
{
    (void)s;
    mg_error err = {{0}};
    mg_model *m = load_text("{\"type\": \"linear\", \"features\": [\"a\", \"b\", \"c\"], "
                            "\"weights\": [1, 1, 1], \"bias\": 0}", &err);
    assert_non_null(m);
    const char *cols[] = {"b", "x"};
    assert_null(mg_binding_new(m, cols, 2, &err));
    assert_string_equal(err.msg, "2 model features not found in the data: 'a', 'c'");
    mg_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_linear_logistic_matches_sklearn),
        cmocka_unit_test(test_score_linear_regression_matches_sklearn),
        cmocka_unit_test(test_score_linear_missing_value_rules),
        cmocka_unit_test(test_score_linear_rejects_bad_models),
        cmocka_unit_test(test_score_linear_binding_names_missing_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
