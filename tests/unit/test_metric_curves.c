/*
 * Unit tests for checks/metrics/curves.c: the unthinned ROC, precision-recall
 * and calibration points of every dataset in
 * fixtures/metrics/curves_reference.json (written by
 * fixtures/metrics/generate_curves.py with Debian's python3-sklearn) must
 * equal sklearn's, point for point, to 1e-12; and the thinning rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/curves.h"
#include "support/json_fixture.h"

#define FIXTURES "fixtures/metrics/"
#define TOL 1e-12

static json_t *reference;

static int setup(void **state)
{
    (void)state;
    reference = tu_json_load(FIXTURES "curves_reference.json");
    return reference ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(reference);
    return 0;
}

typedef struct rows {
    double *score;
    unsigned char *label;
    size_t n;
} rows;

/* The dataset's rows: in the reference itself, or in <name>.data.json. */
static rows load_rows(const char *name, json_t *ds)
{
    json_t *owned = NULL;
    if (!json_object_get(ds, "labels")) {
        char path[512];
        snprintf(path, sizeof path, FIXTURES "%s.data.json", name);
        owned = tu_json_load(path);
        assert_non_null(owned);
        ds = owned;
    }
    json_t *labels = json_object_get(ds, "labels"), *scores = json_object_get(ds, "scores");
    rows r = {NULL, NULL, json_array_size(labels)};
    assert_int_equal(r.n, json_array_size(scores));
    r.score = calloc(r.n + 1, sizeof *r.score);
    r.label = calloc(r.n + 1, 1);
    for (size_t i = 0; i < r.n; i++) {
        r.score[i] = json_number_value(json_array_get(scores, i));
        r.label[i] = (unsigned char)json_integer_value(json_array_get(labels, i));
    }
    json_decref(owned);
    return r;
}

static void rows_free(rows *r)
{
    free(r->score);
    free(r->label);
}

/* Every point of got (x/y/t as chosen) equals the reference arrays. */
static void assert_points(const char *what, const double *got, size_t n, const json_t *want)
{
    if (n != json_array_size(want))
        fail_msg("%s: %zu points, sklearn %zu", what, n, json_array_size(want));
    for (size_t i = 0; i < n; i++) {
        double w = json_number_value(json_array_get(want, i));
        if (!(fabs(got[i] - w) <= TOL * (fabs(w) > 1 ? fabs(w) : 1)))
            fail_msg("%s[%zu] = %.17g, sklearn %.17g", what, i, got[i], w);
    }
}

static void test_curves_equal_sklearn(void **state)
{
    (void)state;
    const char *name;
    json_t *ds;
    size_t datasets = 0;
    json_object_foreach(json_object_get(reference, "datasets"), name, ds) {
        rows r = load_rows(name, ds);
        mg_curve c;
        char what[128];
        /* ROC */
        assert_int_equal(mg_curve_roc(r.score, r.label, r.n, &c, NULL), 0);
        json_t *roc = json_object_get(ds, "roc");
        snprintf(what, sizeof what, "%s roc fpr", name);
        assert_points(what, c.x, c.n, json_object_get(roc, "fpr"));
        snprintf(what, sizeof what, "%s roc tpr", name);
        assert_points(what, c.y, c.n, json_object_get(roc, "tpr"));
        snprintf(what, sizeof what, "%s roc thresholds", name);
        assert_points(what, c.t, c.n, json_object_get(roc, "thresholds"));
        mg_curve_free(&c);
        /* precision-recall: sklearn has one threshold fewer than points */
        assert_int_equal(mg_curve_pr(r.score, r.label, r.n, &c, NULL), 0);
        json_t *pr = json_object_get(ds, "pr");
        snprintf(what, sizeof what, "%s pr recall", name);
        assert_points(what, c.x, c.n, json_object_get(pr, "recall"));
        snprintf(what, sizeof what, "%s pr precision", name);
        assert_points(what, c.y, c.n, json_object_get(pr, "precision"));
        snprintf(what, sizeof what, "%s pr thresholds", name);
        assert_points(what, c.t, c.n - 1, json_object_get(pr, "thresholds"));
        assert_true(isnan(c.t[c.n - 1]));
        mg_curve_free(&c);
        /* calibration */
        assert_int_equal(mg_curve_calibration(r.score, r.label, r.n, 10, &c, NULL), 0);
        json_t *cal = json_object_get(ds, "calibration");
        snprintf(what, sizeof what, "%s calibration prob_pred", name);
        assert_points(what, c.x, c.n, json_object_get(cal, "prob_pred"));
        snprintf(what, sizeof what, "%s calibration prob_true", name);
        assert_points(what, c.y, c.n, json_object_get(cal, "prob_true"));
        mg_curve_free(&c);
        rows_free(&r);
        datasets++;
    }
    assert_true(datasets >= 5);
}

static void test_curves_one_class_is_an_error(void **state)
{
    (void)state;
    double s[] = {0.1, 0.4, 0.8};
    unsigned char neg[] = {0, 0, 0}, pos[] = {1, 1, 1};
    mg_curve c;
    mg_error err = {{0}};
    assert_int_equal(mg_curve_roc(s, pos, 3, &c, &err), -1);
    assert_non_null(strstr(err.msg, "both classes"));
    assert_int_equal(mg_curve_pr(s, neg, 3, &c, &err), -1);
    assert_int_equal(mg_curve_pr(s, pos, 3, &c, &err), 0);
    mg_curve_free(&c);
    double out_of_range[] = {0.1, 1.5, 0.3};
    assert_int_equal(mg_curve_calibration(out_of_range, pos, 3, 10, &c, &err), -1);
    assert_non_null(strstr(err.msg, "[0, 1]"));
}

static void test_curves_thin_keeps_shape(void **state)
{
    (void)state;
    /* A step curve of 10001 points: up the y axis, then along the top. */
    enum { N = 10001 };
    static double x[N], y[N];
    static size_t keep[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = i <= N / 2 ? 0 : (double)(i - N / 2) / (N / 2);
        y[i] = i <= N / 2 ? (double)i / (N / 2) : 1;
    }
    size_t k = mg_curve_thin(x, y, N, 512, keep);
    assert_true(k <= 512 && k > 400);
    assert_int_equal(keep[0], 0);
    assert_int_equal(keep[k - 1], N - 1);
    /* In order, and no gap longer than two slices of the curve's length. */
    for (size_t i = 1; i < k; i++) {
        assert_true(keep[i] > keep[i - 1]);
        double gap = hypot(x[keep[i]] - x[keep[i - 1]], y[keep[i]] - y[keep[i - 1]]);
        assert_true(gap <= 2 * 2.0 / 510);
    }
    /* Short curves are kept whole. */
    assert_int_equal(mg_curve_thin(x, y, 100, 512, keep), 100);
    assert_int_equal(keep[99], 99);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curves_equal_sklearn),
        cmocka_unit_test(test_curves_one_class_is_an_error),
        cmocka_unit_test(test_curves_thin_keeps_shape),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
