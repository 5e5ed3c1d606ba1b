/* Unit tests for score/pmml_*.c: hand-written PMML fixtures in
 * fixtures/models/pmml with scores checked by hand (the formulas are in each
 * fixture's comment), every missing-value strategy, and hostile files (XXE,
 * billion laughs, deep nesting, unsupported elements). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "score/model.h"
#include "support/tmpfiles.h"

#define DIR "fixtures/models/pmml/"

static mg_model *load(const char *path, mg_error *err)
{
    mg_model_spec spec = {0};
    spec.path = path;
    return mg_model_load(&spec, err);
}

/* Scores one row given as column names and texts ("" = missing, NULL =
 * JSON null).  Returns the mg_model_score_row status; err gets the message. */
static int score(mg_model *m, const char *const *cols, const char *const *vals, size_t n,
                 double *out, mg_error *err)
{
    mg_binding *b = mg_binding_new(m, cols, n, err);
    if (!b)
        fail_msg("binding: %s", err->msg);
    mg_value v[16];
    for (size_t i = 0; i < n; i++) {
        if (vals[i])
            v[i] = (mg_value){MG_VALUE_TEXT, vals[i], strlen(vals[i]), 0, 0};
        else
            v[i] = (mg_value){MG_VALUE_NULL, "", 0, 0, 0};
    }
    mg_row row = {n, v, n, 2, 0, 0};
    int rc = mg_model_score_row(m, b, &row, out, err);
    mg_binding_free(b);
    return rc;
}

static double score1(mg_model *m, const char *const *cols, const char *const *vals, size_t n)
{
    mg_error err = {{0}};
    double out[8];
    if (score(m, cols, vals, n, out, &err) != 0)
        fail_msg("score: %s", err.msg);
    return out[0];
}

static mg_model *must_load(const char *path)
{
    mg_error err = {{0}};
    mg_model *m = load(path, &err);
    if (!m)
        fail_msg("%s", err.msg);
    return m;
}

static void test_score_pmml_regression_model(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "regression.pmml");
    assert_int_equal(mg_model_get_format(m), MG_MODEL_PMML);
    assert_int_equal(mg_model_get_task(m), MG_TASK_REGRESSION);
    assert_int_equal(mg_model_nfeatures(m), 3);
    assert_string_equal(mg_model_feature_name(m, 2), "color");
    const char *cols[] = {"color", "x2", "x1"};
    const char *r1[] = {"red", "2", "1"};
    assert_true(score1(m, cols, r1, 3) == 8.5); /* 1.5 + 2 + 0.5*4 + 3 */
    const char *r2[] = {"blue", "", "0"};
    assert_true(score1(m, cols, r2, 3) == 2.5); /* x2 replaced by 2: 1.5 + 2 - 1 */
    const char *r3[] = {"green", "-2", "0.25"};
    assert_true(score1(m, cols, r3, 3) == 4.0); /* 1.5 + 0.5 + 2 */
    mg_error err = {{0}};
    double out;
    const char *bad[] = {"purple", "1", "1"};
    assert_int_equal(score(m, cols, bad, 3, &out, &err), -1);
    assert_string_equal(err.msg, "feature 'color': invalid value 'purple'");
    const char *nonnum[] = {"red", "1", "abc"};
    assert_int_equal(score(m, cols, nonnum, 3, &out, &err), -1);
    assert_string_equal(err.msg, "feature 'x1': invalid value 'abc' (expected a number)");
    const char *miss[] = {"red", "1", ""};
    assert_int_equal(score(m, cols, miss, 3, &out, &err), -1);
    assert_string_equal(err.msg, "field 'x1': missing value");
    mg_model_free(m);
}

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

static void test_score_pmml_logit_classification(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "logit.pmml");
    assert_int_equal(mg_model_get_task(m), MG_TASK_BINARY);
    assert_int_equal(mg_model_noutputs(m), 1);
    const char *cols[] = {"x1"};
    const char *r1[] = {"1"};
    assert_true(fabs(score1(m, cols, r1, 1) - sigmoid(1.0)) < 1e-15);
    const char *r2[] = {"oops"}; /* asMissing, then replaced by 0 */
    assert_true(fabs(score1(m, cols, r2, 1) - sigmoid(-1.0)) < 1e-15);
    mg_model_free(m);
}

static void test_score_pmml_softmax_classification(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "softmax.pmml");
    assert_int_equal(mg_model_get_task(m), MG_TASK_MULTICLASS);
    assert_int_equal(mg_model_noutputs(m), 3);
    assert_string_equal(mg_model_class_label(m, 0), "a");
    assert_string_equal(mg_model_class_label(m, 2), "c");
    const char *cols[] = {"x1", "x2"};
    const char *r[] = {"1", "0.5"};
    double out[3], err_sum = exp(1.5) + exp(1.0) + 1.0;
    mg_error err = {{0}};
    assert_int_equal(score(m, cols, r, 2, out, &err), 0);
    assert_true(fabs(out[0] - exp(1.5) / err_sum) < 1e-15);
    assert_true(fabs(out[1] - exp(1.0) / err_sum) < 1e-15);
    assert_true(fabs(out[2] - 1.0 / err_sum) < 1e-15);
    mg_model_free(m);
}

/* Writes fixture `name` with `from` replaced by `to` into the scratch folder. */
static char *variant(const char *name, const char *from, const char *to)
{
    static char path[256];
    char src[256];
    snprintf(src, sizeof src, DIR "%s", name);
    FILE *fp = fopen(src, "r");
    assert_non_null(fp);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    snprintf(path, sizeof path, "%s/%s", tu_dir(), name);
    fp = fopen(path, "w");
    char *at = strstr(buf, from);
    assert_non_null(at);
    fwrite(buf, 1, (size_t)(at - buf), fp);
    fputs(to, fp);
    fputs(at + strlen(from), fp);
    fclose(fp);
    return path;
}

static const char *tcols[] = {"x", "y", "c"};

static void test_score_pmml_tree_predicates(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "tree.pmml");
    struct { const char *x, *y, *c; double want; } cases[] = {
        {"3", "0", "A", 11},    /* and(x >= 2, c in {A,B}) */
        {"3", "1", "C", 12},    /* surrogate: y > 0 */
        {"0.5", "", "C", 12},   /* surrogate: y unknown, then x < 1 */
        {"3", "", "C", 10},     /* no true child: last prediction */
        {"8", "1", "A", 21},    /* or, then xor(true, false) */
        {"8", "9", "A", 20},    /* xor(true, true) false: last prediction */
        {"", "0", "A", 11},     /* defaultChild twice */
        {"2", "0", "B", 11},    /* quoted "B" in the Array */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *v[] = {cases[i].x, cases[i].y, cases[i].c};
        double got = score1(m, tcols, v, 3);
        if (got != cases[i].want)
            fail_msg("case %zu: got %g, want %g", i, got, cases[i].want);
    }
    mg_model_free(m);
}

static void test_score_pmml_tree_missing_strategies(void **s)
{
    (void)s;
    const char *row[] = {"", "0", "A"}; /* x missing */
    mg_error err = {{0}};
    double out;
    /* lastPrediction: stop at the root, whose score is 0. */
    mg_model *m = must_load(variant("tree.pmml", "Strategy=\"defaultChild\"", "Strategy=\"lastPrediction\""));
    assert_true(score1(m, tcols, row, 3) == 0);
    mg_model_free(m);
    /* nullPrediction: no prediction at all. */
    m = must_load(variant("tree.pmml", "Strategy=\"defaultChild\"", "Strategy=\"nullPrediction\""));
    assert_int_equal(score(m, tcols, row, 3, &out, &err), -1);
    assert_non_null(strstr(err.msg, "nullPrediction"));
    mg_model_free(m);
    /* none: unknown counts as false; n2 via c not in {C}; n21 xor unknown. */
    m = must_load(variant("tree.pmml", "Strategy=\"defaultChild\"", "Strategy=\"none\""));
    assert_true(score1(m, tcols, row, 3) == 20);
    mg_model_free(m);
    /* returnNullPrediction: a node with no true child gives nothing. */
    m = must_load(variant("tree.pmml", "returnLastPrediction", "returnNullPrediction"));
    const char *r2[] = {"8", "9", "A"};
    assert_int_equal(score(m, tcols, r2, 3, &out, &err), -1);
    assert_non_null(strstr(err.msg, "no child node's predicate is true"));
    mg_model_free(m);
}

static void test_score_pmml_tree_classification(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "tree_classification.pmml");
    assert_int_equal(mg_model_noutputs(m), 3);
    const char *cols[] = {"x", "grade"};
    struct { const char *x, *g; double a, b, c; } cases[] = {
        {"-1", "hi", 0.75, 0.25, 0}, {"", "lo", 0.75, 0.25, 0},
        {"1", "hi", 0.1, 0.2, 0.7},  {"1", "lo", 0, 1, 0},
    };
    for (size_t i = 0; i < 4; i++) {
        const char *v[] = {cases[i].x, cases[i].g};
        double out[3];
        mg_error err = {{0}};
        assert_int_equal(score(m, cols, v, 2, out, &err), 0);
        assert_true(out[0] == cases[i].a && out[1] == cases[i].b && out[2] == cases[i].c);
    }
    mg_model_free(m);
}

static void test_score_pmml_gbm_model_chain(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "gbm_chain.pmml");
    assert_int_equal(mg_model_get_task(m), MG_TASK_BINARY);
    const char *cols[] = {"y", "x"};
    struct { const char *y, *x; double margin; } cases[] = {
        {"-1", "0", 0.5 - 0.4 + 0.3}, {"1", "2", 0.5 + 0.6 - 0.2},
        {"", "", 0.5 - 0.4 - 0.2},    {"0", "1", 0.5 + 0.6 - 0.2},
    };
    for (size_t i = 0; i < 4; i++) {
        const char *v[] = {cases[i].y, cases[i].x};
        double got = score1(m, cols, v, 2);
        if (fabs(got - sigmoid(cases[i].margin)) > 1e-15)
            fail_msg("case %zu: got %.17g want %.17g", i, got, sigmoid(cases[i].margin));
    }
    mg_model_free(m);
}

static void test_score_pmml_segmentation_methods(void **s)
{
    (void)s;
    const char *cols[] = {"x"};
    const char *pos[] = {"2"}, *neg[] = {"-1"};
    struct { const char *method; double at2, atm1; } cases[] = {
        {"sum", 4 + 12 - 4, -2 - 4},
        {"average", (4 + 12 - 4) / 3.0, (-2 - 4) / 2.0},
        {"weightedAverage", (4 + 3 * 12 - 4) / 5.0, (-2 - 4) / 2.0},
        {"selectFirst", 4, -2},
        {"modelChain", -4, -4},
    };
    for (size_t i = 0; i < 5; i++) {
        mg_model *m = must_load(variant("ensembles.pmml", "METHOD", cases[i].method));
        double a = score1(m, cols, pos, 1), b = score1(m, cols, neg, 1);
        if (fabs(a - cases[i].at2) > 1e-12 || fabs(b - cases[i].atm1) > 1e-12)
            fail_msg("%s: got %g %g want %g %g", cases[i].method, a, b, cases[i].at2,
                     cases[i].atm1);
        mg_model_free(m);
    }
    mg_error err = {{0}};
    assert_null(load(variant("ensembles.pmml", "METHOD", "max"), &err));
    assert_non_null(strstr(err.msg, "multipleModelMethod 'max' is not supported"));
}

static void test_score_pmml_majority_vote(void **s)
{
    (void)s;
    mg_model *m = must_load(DIR "vote.pmml");
    const char *cols[] = {"x"};
    const char *a[] = {"-1"}, *b[] = {"1"};
    assert_true(fabs(score1(m, cols, a, 1) - 1.0 / 3) < 1e-15);
    assert_true(fabs(score1(m, cols, b, 1) - 2.0 / 3) < 1e-15);
    mg_model_free(m);
}

static void expect_fail(const char *path, const char *want)
{
    mg_error err = {{0}};
    mg_model *m = load(path, &err);
    if (m)
        fail_msg("%s loaded", path);
    if (!strstr(err.msg, want))
        fail_msg("error '%s' lacks '%s'", err.msg, want);
}

static void test_score_pmml_unsupported_elements_named_with_line(void **s)
{
    (void)s;
    expect_fail(DIR "unsupported.pmml", "unsupported.pmml:6: unsupported PMML element "
                                        "'NeuralNetwork'");
    expect_fail(DIR "derived.pmml", "derived.pmml:9: unsupported PMML element 'DerivedField'");
}

static void test_score_pmml_xxe_never_reads_files(void **s)
{
    (void)s;
    /* A secret in a temp file, referenced as an external entity. */
    char secret[128], model[128];
    snprintf(secret, sizeof secret, "%s/secret.txt", tu_dir());
    snprintf(model, sizeof model, "%s/xxe.pmml", tu_dir());
    FILE *fp = fopen(secret, "w");
    fputs("TOPSECRET-4242", fp);
    fclose(fp);
    fp = fopen(model, "w");
    fprintf(fp, "<?xml version=\"1.0\"?>\n<!DOCTYPE PMML [<!ENTITY s SYSTEM \"file://%s\">]>\n"
                "<PMML version=\"4.4\"><DataDictionary><DataField name=\"&s;\" "
                "optype=\"continuous\"/></DataDictionary><RegressionModel "
                "functionName=\"regression\"><MiningSchema><MiningField name=\"&s;\"/>"
                "</MiningSchema><RegressionTable intercept=\"0\"/></RegressionModel></PMML>\n",
            secret);
    fclose(fp);
    mg_error err = {{0}};
    assert_null(load(model, &err));
    assert_null(strstr(err.msg, "TOPSECRET"));
    assert_non_null(strstr(err.msg, "xxe.pmml:2: a DOCTYPE is not allowed"));
    expect_fail(DIR "xxe_passwd.pmml", "a DOCTYPE is not allowed");
    assert_null(strstr(err.msg, "root:"));
}

static void test_score_pmml_billion_laughs_fails_fast(void **s)
{
    (void)s;
    clock_t t0 = clock();
    expect_fail(DIR "billion_laughs.pmml", "billion_laughs.pmml:2: a DOCTYPE is not allowed");
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
}

static void test_score_pmml_deep_nesting_bounded(void **s)
{
    (void)s;
    char path[128];
    snprintf(path, sizeof path, "%s/deep.pmml", tu_dir());
    FILE *fp = fopen(path, "w");
    fputs("<PMML version=\"4.4\"><DataDictionary><DataField name=\"x\" optype=\"continuous\"/>"
          "</DataDictionary><TreeModel functionName=\"regression\"><MiningSchema>"
          "<MiningField name=\"x\"/></MiningSchema>", fp);
    for (int i = 0; i < 100000; i++)
        fputs("<Node score=\"1\"><True/>", fp);
    for (int i = 0; i < 100000; i++)
        fputs("</Node>", fp);
    fputs("</TreeModel></PMML>\n", fp);
    fclose(fp);
    expect_fail(path, "deep.pmml:1: invalid XML");
    /* Under libxml2's own limit but over ours. */
    fp = fopen(path, "w");
    fputs("<PMML version=\"4.4\"><DataDictionary><DataField name=\"x\" optype=\"continuous\"/>"
          "</DataDictionary><TreeModel functionName=\"regression\"><MiningSchema>"
          "<MiningField name=\"x\"/></MiningSchema>\n", fp);
    for (int i = 0; i < 240; i++)
        fputs("<Node score=\"1\"><True/>\n", fp);
    for (int i = 0; i < 240; i++)
        fputs("</Node>", fp);
    fputs("</TreeModel></PMML>\n", fp);
    fclose(fp);
    expect_fail(path, "nested deeper than the limit");
}

static void test_score_pmml_malformed_xml_has_line(void **s)
{
    (void)s;
    char path[128];
    snprintf(path, sizeof path, "%s/bad.pmml", tu_dir());
    FILE *fp = fopen(path, "w");
    fputs("<PMML version=\"4.4\">\n<DataDictionary>\n<DataField name=\"x\">\n</PMML>\n", fp);
    fclose(fp);
    expect_fail(path, "bad.pmml:4: invalid XML");
    fp = fopen(path, "w");
    fputs("<PMML version=\"4.4\"><DataDictionary/><TreeModel functionName=\"regression\">"
          "<MiningSchema><MiningField name=\"nope\"/></MiningSchema></TreeModel></PMML>", fp);
    fclose(fp);
    expect_fail(path, "field 'nope' is not declared");
    /* A field the tree reads that is not an input would always be missing. */
    fp = fopen(path, "w");
    fputs("<PMML version=\"4.4\"><DataDictionary><DataField name=\"x\" optype=\"continuous\"/>"
          "<DataField name=\"z\" optype=\"continuous\"/></DataDictionary>\n"
          "<TreeModel functionName=\"regression\"><MiningSchema><MiningField name=\"x\"/>"
          "</MiningSchema>\n<Node score=\"1\"><True/>\n<Node score=\"2\">"
          "<SimplePredicate field=\"z\" operator=\"lessThan\" value=\"1\"/></Node></Node>"
          "</TreeModel></PMML>", fp);
    fclose(fp);
    expect_fail(path, "bad.pmml:4: field 'z' is used by the model but is not an active "
                      "MiningField of the top-level model");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_pmml_regression_model),
        cmocka_unit_test(test_score_pmml_logit_classification),
        cmocka_unit_test(test_score_pmml_softmax_classification),
        cmocka_unit_test(test_score_pmml_tree_predicates),
        cmocka_unit_test(test_score_pmml_tree_missing_strategies),
        cmocka_unit_test(test_score_pmml_tree_classification),
        cmocka_unit_test(test_score_pmml_gbm_model_chain),
        cmocka_unit_test(test_score_pmml_segmentation_methods),
        cmocka_unit_test(test_score_pmml_majority_vote),
        cmocka_unit_test(test_score_pmml_unsupported_elements_named_with_line),
        cmocka_unit_test(test_score_pmml_xxe_never_reads_files),
        cmocka_unit_test(test_score_pmml_billion_laughs_fails_fast),
        cmocka_unit_test(test_score_pmml_deep_nesting_bounded),
        cmocka_unit_test(test_score_pmml_malformed_xml_has_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
