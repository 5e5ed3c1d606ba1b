/* Unit tests for score/xgboost.c: parity with xgboost's own Booster.predict
 * on the reference models of fixtures/models (generate_reference.py), and
 * rejection of hostile model files. */
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

#include <jansson.h>

#include "score/model.h"
#include "support/tmpfiles.h"
#include "score_testutil.h"

#define TOL 1e-6

static mg_model *load(const char *path, mg_error *err)
{
    mg_model_spec spec = {0};
    spec.path = path;
    return mg_model_load(&spec, err);
}

/* Scores data with the model (row by row and as one batch) and returns the
 * largest absolute difference from the reference predictions. */
static double parity(const char *model, const char *data, const char *ref)
{
    mg_error err = {{0}};
    mg_model *m = load(model, &err);
    if (!m)
        fail_msg("%s", err.msg);
    tcsv *d = tcsv_read(data, 1);
    tcsv *p = tcsv_read(ref, 0);
    assert_non_null(d);
    assert_non_null(p);
    assert_int_equal(d->nrows, p->nrows);
    mg_binding *b = mg_binding_new(m, (const char *const *)d->header, d->ncols, &err);
    if (!b)
        fail_msg("%s", err.msg);
    size_t k = mg_model_noutputs(m);
    assert_int_equal(p->ncols, k);
    double *out = calloc(d->nrows * k, sizeof *out);
    unsigned char *ok = calloc(d->nrows, 1);
    assert_int_equal(mg_model_score_batch(m, b, d->rows, d->nrows, out, ok, NULL, &err),
                     (long)d->nrows);
    double maxdiff = 0;
    double one[16];
    for (size_t r = 0; r < d->nrows; r++) {
        assert_int_equal(mg_model_score_row(m, b, &d->rows[r], one, &err), 0);
        for (size_t j = 0; j < k; j++) {
            assert_true(one[j] == out[r * k + j]);
            double diff = fabs(out[r * k + j] - tcsv_num(p, r, j));
            if (!(diff <= maxdiff))
                maxdiff = diff;
        }
    }
    free(out);
    free(ok);
    mg_binding_free(b);
    mg_model_free(m);
    tcsv_free(d);
    tcsv_free(p);
    return maxdiff;
}

static void check_parity(const char *name, const char *task)
{
    static const char *const kinds[] = {"clean", "missing"};
    for (int i = 0; i < 2; i++) {
        char model[256], data[256], ref[256];
        snprintf(model, sizeof model, "fixtures/models/xgb/%s/model.json", name);
        snprintf(data, sizeof data, "fixtures/models/data/%s_%s.csv", task, kinds[i]);
        snprintf(ref, sizeof ref, "fixtures/models/xgb/%s/pred_%s.csv", name, kinds[i]);
        double d = parity(model, data, ref);
        printf("  parity %-18s %-7s max abs diff %.3g\n", name, kinds[i], d);
        assert_true(d <= TOL);
    }
}

static void test_score_xgb_binary_logistic_parity(void **s)
{
    (void)s;
    check_parity("binary_logistic", "binary");
}

static void test_score_xgb_binary_logitraw_parity(void **s)
{
    (void)s;
    check_parity("binary_logitraw", "binary");
}

static void test_score_xgb_unnamed_features_bind_by_position(void **s)
{
    (void)s;
    /* The model has no feature names; the data has no f<i> columns, so
     * feature i binds to column i.  Shift: the fixture data starts with id
     * and label, so build a data file without them. */
    mg_error err = {{0}};
    mg_model *m = load("fixtures/models/xgb/binary_unnamed/model.json", &err);
    assert_non_null(m);
    assert_null(mg_model_feature_name(m, 0));
    tcsv *d = tcsv_read("fixtures/models/data/binary_missing.csv", 1);
    tcsv *p = tcsv_read("fixtures/models/xgb/binary_unnamed/pred_missing.csv", 0);
    /* Column names f0..f7 for the features, other names for id/label. */
    const char *cols[10] = {"id", "label", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7"};
    mg_binding *b = mg_binding_new(m, cols, 10, &err);
    assert_non_null(b);
    double maxdiff = 0, out;
    for (size_t r = 0; r < d->nrows; r++) {
        assert_int_equal(mg_model_score_row(m, b, &d->rows[r], &out, &err), 0);
        double diff = fabs(out - tcsv_num(p, r, 0));
        if (diff > maxdiff)
            maxdiff = diff;
    }
    printf("  parity %-18s %-7s max abs diff %.3g\n", "binary_unnamed", "missing", maxdiff);
    assert_true(maxdiff <= TOL);
    /* Bound by the f<i> names: not by position. */
    assert_int_equal(mg_binding_column(b, 0), 2);
    assert_int_equal(mg_binding_by_position(b, 0), 0);
    mg_binding_free(b);
    /* Without f<i> names, feature i is column i: here column 0 is the id,
     * and the binding says it was by position (issue 8, item 6). */
    const char *plain[10] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    b = mg_binding_new(m, plain, 10, &err);
    assert_non_null(b);
    assert_int_equal(mg_binding_column(b, 0), 0);
    assert_int_equal(mg_binding_by_position(b, 0), 1);
    assert_int_equal(mg_binding_by_position(b, 7), 1);
    mg_binding_free(b);
    /* A mapping names each feature's column: by name, whatever the model says. */
    const char *map[8] = {"j", "i", "h", "g", "f", "e", "d", "c"};
    b = mg_binding_new_named(m, plain, 10, map, &err);
    assert_non_null(b);
    assert_int_equal(mg_binding_column(b, 0), 9);
    assert_int_equal(mg_binding_column(b, 7), 2);
    assert_int_equal(mg_binding_by_position(b, 0), 0);
    mg_binding_free(b);
    /* Too few columns: features 8.. have no column. */
    b = mg_binding_new(m, plain, 3, &err);
    assert_null(b);
    assert_non_null(strstr(err.msg, "'f3'"));
    mg_model_free(m);
    tcsv_free(d);
    tcsv_free(p);
}

static void test_score_xgb_reg_squarederror_parity(void **s)
{
    (void)s;
    check_parity("reg_squarederror", "regression");
}

static void test_score_xgb_reg_logistic_parity(void **s)
{
    (void)s;
    check_parity("reg_logistic", "unit");
}

static void test_score_xgb_multi_softprob_parity(void **s)
{
    (void)s;
    check_parity("multi_softprob", "multiclass");
}

/* multi:softmax: mgate gives class probabilities; their argmax must be
 * xgboost's predicted class and they must equal softmax(xgboost margins). */
static void test_score_xgb_multi_softmax_parity(void **s)
{
    (void)s;
    static const char *const kinds[] = {"clean", "missing"};
    for (int i = 0; i < 2; i++) {
        char data[256], ref[256], margin[256];
        snprintf(data, sizeof data, "fixtures/models/data/multiclass_%s.csv", kinds[i]);
        snprintf(ref, sizeof ref, "fixtures/models/xgb/multi_softmax/pred_%s.csv", kinds[i]);
        snprintf(margin, sizeof margin, "fixtures/models/xgb/multi_softmax/margin_%s.csv",
                 kinds[i]);
        mg_error err = {{0}};
        mg_model *m = load("fixtures/models/xgb/multi_softmax/model.json", &err);
        assert_non_null(m);
        assert_int_equal(mg_model_get_task(m), MG_TASK_MULTICLASS);
        assert_int_equal(mg_model_noutputs(m), 3);
        assert_string_equal(mg_model_class_label(m, 2), "2");
        tcsv *d = tcsv_read(data, 1), *p = tcsv_read(ref, 0), *g = tcsv_read(margin, 0);
        mg_binding *b = mg_binding_new(m, (const char *const *)d->header, d->ncols, &err);
        assert_non_null(b);
        double maxdiff = 0;
        for (size_t r = 0; r < d->nrows; r++) {
            double out[3], want[3], sum = 0, mx = -INFINITY;
            assert_int_equal(mg_model_score_row(m, b, &d->rows[r], out, &err), 0);
            for (int k = 0; k < 3; k++)
                mx = fmax(mx, tcsv_num(g, r, k));
            for (int k = 0; k < 3; k++)
                sum += want[k] = exp(tcsv_num(g, r, k) - mx);
            int best = 0;
            for (int k = 0; k < 3; k++) {
                maxdiff = fmax(maxdiff, fabs(out[k] - want[k] / sum));
                if (out[k] > out[best])
                    best = k;
            }
            assert_int_equal(best, (int)tcsv_num(p, r, 0));
        }
        printf("  parity %-18s %-7s max abs diff %.3g (argmax = class on every row)\n",
               "multi_softmax", kinds[i], maxdiff);
        assert_true(maxdiff <= TOL);
        mg_binding_free(b);
        mg_model_free(m);
        tcsv_free(d);
        tcsv_free(p);
        tcsv_free(g);
    }
}

static void test_score_xgb_dart_parity(void **s)
{
    (void)s;
    check_parity("dart_logistic", "binary");
}

static void test_score_xgb_text_value_is_row_error(void **s)
{
    (void)s;
    mg_error err = {{0}};
    mg_model *m = load("fixtures/models/xgb/binary_logistic/model.json", &err);
    assert_non_null(m);
    const char *cols[] = {"age", "income", "score", "tenure", "visits", "ratio", "delta", "z"};
    mg_binding *b = mg_binding_new(m, cols, 8, &err);
    mg_value v[8];
    for (int i = 0; i < 8; i++)
        v[i] = (mg_value){MG_VALUE_TEXT, "1.5", 3, 0, 0};
    v[3] = (mg_value){MG_VALUE_TEXT, "abc", 3, 0, 0};
    mg_row row = {8, v, 8, 2, 0, 0};
    double out;
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), -1);
    assert_string_equal(err.msg, "feature 'tenure': expected a number, found 'abc'");
    /* JSON null and NaN count as missing, not as errors. */
    v[3] = (mg_value){MG_VALUE_NULL, "", 0, 0, 0};
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    double with_null = out;
    v[3] = (mg_value){MG_VALUE_TEXT, "NaN", 3, 0, 0};
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    assert_true(out == with_null);
    mg_binding_free(b);
    mg_model_free(m);
}

/* ---- hostile files ------------------------------------------------------ */

/* Writes text to a temp model file and expects loading to fail with a
 * message containing want. */
static void expect_load_error(const char *text, const char *want)
{
    char path[128];
    snprintf(path, sizeof path, "%s/model.json", tu_dir());
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
    mg_error err = {{0}};
    mg_model *m = load(path, &err);
    if (m)
        fail_msg("loaded a model that should fail (%s)", want);
    if (!strstr(err.msg, want))
        fail_msg("error '%s' lacks '%s'", err.msg, want);
    assert_non_null(strstr(err.msg, "model.json"));
}

#define HEAD \
    "{\"learner\": {\"feature_names\": [], \"gradient_booster\": {\"name\": \"gbtree\", " \
    "\"model\": {\"tree_info\": [0], \"trees\": ["
#define TAIL(obj) \
    "]}}, \"learner_model_param\": {\"base_score\": \"5E-1\", \"num_class\": \"0\", " \
    "\"num_feature\": \"2\"}, \"objective\": {\"name\": \"" obj "\"}}}"
#define TREE(n, l, r, idx, cond, dl) \
    "{\"tree_param\": {\"num_nodes\": \"" n "\"}, \"left_children\": [" l \
    "], \"right_children\": [" r "], \"split_indices\": [" idx "], \"split_conditions\": [" \
    cond "], \"default_left\": [" dl "]}"
#define GOOD_TREE TREE("3", "1, -1, -1", "2, -1, -1", "0, 0, 0", "0.5, -1, 1", "1, 0, 0")

static void test_score_xgb_minimal_model_scores(void **s)
{
    (void)s;
    /* A hand-written one-split model: x0 < 0.5 -> -1 else 1; missing -> left. */
    char path[128];
    snprintf(path, sizeof path, "%s/tiny.json", tu_dir());
    FILE *fp = fopen(path, "w");
    fputs(HEAD GOOD_TREE TAIL("reg:squarederror"), fp);
    fclose(fp);
    mg_error err = {{0}};
    mg_model *m = load(path, &err);
    if (!m)
        fail_msg("%s", err.msg);
    const char *cols[] = {"f0", "f1"};
    mg_binding *b = mg_binding_new(m, cols, 2, &err);
    mg_value v[2] = {{MG_VALUE_TEXT, "0.25", 4, 0, 0}, {MG_VALUE_TEXT, "", 0, 0, 0}};
    mg_row row = {2, v, 2, 2, 0, 0};
    double out;
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    assert_true(out == 0.5 - 1.0); /* base_score 0.5 + leaf -1 */
    v[0] = (mg_value){MG_VALUE_TEXT, "0.5", 3, 0, 0}; /* not < 0.5: right */
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    assert_true(out == 1.5);
    v[0] = (mg_value){MG_VALUE_TEXT, "", 0, 0, 0}; /* missing: default left */
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    assert_true(out == -0.5);
    mg_binding_free(b);
    mg_model_free(m);
}

static void test_score_xgb_truncated_json(void **s)
{
    (void)s;
    expect_load_error("{\"learner\": {\"gradient_booster\": {\"name\": \"gbt", "model.json:1:");
}

static void test_score_xgb_child_out_of_range(void **s)
{
    (void)s;
    expect_load_error(HEAD TREE("3", "1, -1, -1", "99, -1, -1", "0, 0, 0", "0.5, -1, 1",
                                "1, 0, 0") TAIL("reg:squarederror"),
                      "learner.gradient_booster.model.trees[0].right_children[0]: index 99 out "
                      "of range (tree has 3 nodes)");
}

static void test_score_xgb_cycle_rejected(void **s)
{
    (void)s;
    expect_load_error(HEAD TREE("3", "1, 0, -1", "2, 2, -1", "0, 0, 0", "0.5, 1, 1",
                                "1, 0, 0") TAIL("reg:squarederror"),
                      "is reached twice");
}

static void test_score_xgb_wrong_shapes(void **s)
{
    (void)s;
    expect_load_error(HEAD TREE("3", "1, -1, -1", "2, -1, -1", "0, 0", "0.5, -1, 1",
                                "1, 0, 0") TAIL("reg:squarederror"),
                      "trees[0].split_indices: 2 entries, but tree_param.num_nodes is 3");
    expect_load_error(HEAD TREE("3", "1, -1, -1", "2, -1, -1", "0, 0, 0", "0.5, \"x\", 1",
                                "1, 0, 0") TAIL("reg:squarederror"),
                      "trees[0].split_conditions[1]: expected a number");
    expect_load_error(HEAD TREE("3", "1, -1, -1", "2, -1, -1", "5, 0, 0", "0.5, -1, 1",
                                "1, 0, 0") TAIL("reg:squarederror"),
                      "split_indices[0]: feature 5 out of range (model has 2 features)");
    expect_load_error(HEAD TREE("3", "1, -1, -1", "2, -1, -1", "0, 0, 0", "0.5, -1, 1",
                                "1, 0, 0") "," GOOD_TREE TAIL("reg:squarederror"),
                      "tree_info: expected an array of 2 entries");
}

/* A feature name given twice would bind two features to one column. */
static void test_score_xgb_duplicate_feature_names(void **s)
{
    (void)s;
    expect_load_error("{\"learner\": {\"feature_names\": [\"a\", \"a\"], \"gradient_booster\": "
                      "{\"name\": \"gbtree\", \"model\": {\"tree_info\": [0], \"trees\": ["
                      GOOD_TREE TAIL("reg:squarederror"),
                      "learner.feature_names[1]: duplicate feature 'a' (first at [0])");
}

static void test_score_xgb_huge_node_count(void **s)
{
    (void)s;
    expect_load_error(HEAD TREE("999999999", "1, -1, -1", "2, -1, -1", "0, 0, 0", "0.5, -1, 1",
                                "1, 0, 0") TAIL("reg:squarederror"),
                      "trees[0].tree_param.num_nodes: 999999999 nodes exceeds the limit");
}

static void test_score_xgb_unknown_objective_and_booster(void **s)
{
    (void)s;
    expect_load_error(HEAD GOOD_TREE TAIL("rank:pairwise"),
                      "learner.objective.name: objective 'rank:pairwise' is not supported");
    expect_load_error("{\"learner\": {\"gradient_booster\": {\"name\": \"gblinear\"}}}",
                      "booster 'gblinear' is not supported");
    expect_load_error("{\"learner\": {\"gradient_booster\": {\"name\": \"dart\"}}}",
                      "learner.gradient_booster.gbtree: missing for a 'dart' booster");
}

static void test_score_xgb_unreachable_nodes(void **s)
{
    (void)s;
    expect_load_error(HEAD TREE("5", "1, -1, -1, -1, -1", "2, -1, -1, -1, -1", "0, 0, 0, 0, 0",
                                "0.5, -1, 1, 3, 4", "1, 0, 0, 0, 0") TAIL("reg:squarederror"),
                      "2 of 5 nodes are not reachable from the root");
}

static void test_score_xgb_base_score_v2_layout(void **s)
{
    (void)s;
    /* Newer xgboost writes base_score as "[5E-1]". */
    char path[128];
    snprintf(path, sizeof path, "%s/v2.json", tu_dir());
    FILE *fp = fopen(path, "w");
    fputs("{\"learner\": {\"feature_names\": [], \"gradient_booster\": {\"name\": \"gbtree\", "
          "\"model\": {\"tree_info\": [0], \"iteration_indptr\": [0, 1], \"trees\": [" GOOD_TREE
          "]}}, \"learner_model_param\": {\"base_score\": \"[2.5E-1]\", \"num_class\": \"0\", "
          "\"num_feature\": \"2\", \"num_target\": \"1\"}, \"objective\": {\"name\": "
          "\"binary:logistic\"}}, \"version\": [2, 1, 0]}",
          fp);
    fclose(fp);
    mg_error err = {{0}};
    mg_model *m = load(path, &err);
    if (!m)
        fail_msg("%s", err.msg);
    const char *cols[] = {"f0", "f1"};
    mg_binding *b = mg_binding_new(m, cols, 2, &err);
    mg_value v[2] = {{MG_VALUE_TEXT, "0", 1, 0, 0}, {MG_VALUE_TEXT, "", 0, 0, 0}};
    mg_row row = {2, v, 2, 2, 0, 0};
    double out;
    assert_int_equal(mg_model_score_row(m, b, &row, &out, &err), 0);
    /* margin = logit(0.25) - 1 */
    assert_true(fabs(out - 1.0 / (1.0 + exp(-(log(0.25 / 0.75) - 1.0)))) < 1e-6);
    mg_binding_free(b);
    mg_model_free(m);
}

/* Every prefix of a real model (at 97 cut points) fails cleanly. */
static void test_score_xgb_truncations_fail_cleanly(void **s)
{
    (void)s;
    FILE *fp = fopen("fixtures/models/xgb/binary_logistic/model.json", "rb");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    char path[128];
    snprintf(path, sizeof path, "%s/cut.json", tu_dir());
    for (size_t k = 1; k < 98; k++) {
        size_t cut = n * k / 98;
        fp = fopen(path, "wb");
        fwrite(buf, 1, cut, fp);
        fclose(fp);
        mg_error err = {{0}};
        mg_model *m = load(path, &err);
        if (m)
            fail_msg("a model cut at byte %zu loaded", cut);
        assert_non_null(strstr(err.msg, "cut.json"));
    }
}

/* Random child indices in a real model: each variant loads (and then
 * scores every row without crashing or looping) or fails with a message. */
static void test_score_xgb_mutated_children_never_crash(void **s)
{
    (void)s;
    json_error_t je;
    json_t *orig = json_load_file("fixtures/models/xgb/binary_logistic/model.json", 0, &je);
    assert_non_null(orig);
    tcsv *d = tcsv_read("fixtures/models/data/binary_missing.csv", 1);
    char path[128];
    snprintf(path, sizeof path, "%s/mut.json", tu_dir());
    srand(12345);
    int loaded = 0, refused = 0;
    for (int iter = 0; iter < 200; iter++) {
        json_t *root = json_deep_copy(orig);
        json_t *trees = json_object_get(json_object_get(json_object_get(json_object_get(
                                            root, "learner"), "gradient_booster"), "model"),
                                        "trees");
        json_t *tree = json_array_get(trees, (size_t)rand() % json_array_size(trees));
        const char *which = rand() % 2 ? "left_children" : "right_children";
        json_t *arr = json_object_get(tree, which);
        size_t i = (size_t)rand() % json_array_size(arr);
        json_array_set_new(arr, i, json_integer(rand() % 40 - 2));
        json_dump_file(root, path, 0);
        json_decref(root);
        mg_error err = {{0}};
        mg_model *m = load(path, &err);
        if (!m) {
            refused++;
            assert_non_null(strstr(err.msg, "mut.json: learner.gradient_booster.model.trees["));
            continue;
        }
        loaded++;
        mg_binding *b = mg_binding_new(m, (const char *const *)d->header, d->ncols, &err);
        double out;
        for (size_t r = 0; r < d->nrows; r++)
            assert_int_equal(mg_model_score_row(m, b, &d->rows[r], &out, &err), 0);
        mg_binding_free(b);
        mg_model_free(m);
    }
    printf("  mutated models: %d refused, %d still proper trees\n", refused, loaded);
    assert_true(refused > 100);
    json_decref(orig);
    tcsv_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_xgb_binary_logistic_parity),
        cmocka_unit_test(test_score_xgb_binary_logitraw_parity),
        cmocka_unit_test(test_score_xgb_unnamed_features_bind_by_position),
        cmocka_unit_test(test_score_xgb_reg_squarederror_parity),
        cmocka_unit_test(test_score_xgb_reg_logistic_parity),
        cmocka_unit_test(test_score_xgb_multi_softprob_parity),
        cmocka_unit_test(test_score_xgb_multi_softmax_parity),
        cmocka_unit_test(test_score_xgb_dart_parity),
        cmocka_unit_test(test_score_xgb_text_value_is_row_error),
        cmocka_unit_test(test_score_xgb_minimal_model_scores),
        cmocka_unit_test(test_score_xgb_truncated_json),
        cmocka_unit_test(test_score_xgb_child_out_of_range),
        cmocka_unit_test(test_score_xgb_cycle_rejected),
        cmocka_unit_test(test_score_xgb_wrong_shapes),
        cmocka_unit_test(test_score_xgb_duplicate_feature_names),
        cmocka_unit_test(test_score_xgb_huge_node_count),
        cmocka_unit_test(test_score_xgb_unknown_objective_and_booster),
        cmocka_unit_test(test_score_xgb_unreachable_nodes),
        cmocka_unit_test(test_score_xgb_base_score_v2_layout),
        cmocka_unit_test(test_score_xgb_truncations_fail_cleanly),
        cmocka_unit_test(test_score_xgb_mutated_children_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
