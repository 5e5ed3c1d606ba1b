/*
 * Unit tests for checks/metrics/ against scikit-learn: every metric of
 * every dataset in fixtures/metrics/reference.json (written by
 * fixtures/metrics/generate_reference.py with sklearn itself) must agree to
 * 1e-9 (relative to the value when it exceeds 1).
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

#include "support/json_fixture.h"
#include "checks/metrics/metrics.h"

#define FIXTURES "fixtures/metrics/"
#define TOL 1e-9

static json_t *reference;
static double max_diff; /* over all comparisons, for the closing message */
static unsigned comparisons;

static json_t *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, FIXTURES "%s", name);
    return tu_json_load(path);
}

static int setup(void **state)
{
    (void)state;
    reference = load("reference.json");
    return reference ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(reference);
    print_message("metrics vs sklearn: %u comparisons, max |diff| %.3g\n", comparisons, max_diff);
    return 0;
}

static void assert_close(const char *dataset, const char *metric, double got, double want)
{
    double diff = fabs(got - want);
    double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    if (diff / scale > max_diff)
        max_diff = diff / scale;
    comparisons++;
    if (!(diff <= TOL * scale))
        fail_msg("%s: '%s' = %.17g, sklearn %.17g (diff %.3g)", dataset, metric, got, want, diff);
}

/* Feeds a binary data file into a new accumulator with the threshold. */
static mg_metrics *binary_acc(json_t *data, double threshold)
{
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.threshold = threshold;
    mg_error err = {{0}};
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, &o, &err);
    assert_non_null(acc);
    json_t *labels = json_object_get(data, "labels"), *scores = json_object_get(data, "scores");
    for (size_t i = 0; i < json_array_size(labels); i++)
        assert_int_equal(mg_metrics_add_binary(acc, (int)json_integer_value(json_array_get(labels, i)),
                                               json_number_value(json_array_get(scores, i))),
                         0);
    return acc;
}

static void check_binary_dataset(const char *name, json_t *entry)
{
    json_t *data = load(json_string_value(json_object_get(entry, "data")));
    assert_non_null(data);
    size_t ti;
    json_t *t;
    json_array_foreach(json_object_get(entry, "thresholds"), ti, t) {
        mg_metrics *acc = binary_acc(data, json_number_value(json_object_get(t, "threshold")));
        assert_int_equal(mg_metrics_rows(acc), json_integer_value(json_object_get(entry, "rows")));
        json_t *want = json_object_get(t, "metrics");
        /* Every binary registry metric sklearn defines here must match. */
        for (size_t i = 0; i < mg_metric_count(); i++) {
            const mg_metric_info *m = mg_metric_at(i);
            if (m->task != MG_TASK_BINARY)
                continue;
            json_t *w = json_object_get(want, m->name);
            double got;
            mg_error err = {{0}};
            if (!w) {
                /* sklearn leaves it out: undefined on this data, so an error here. */
                assert_int_equal(mg_metrics_value(acc, m->name, &got, &err), -1);
                continue;
            }
            if (mg_metrics_value(acc, m->name, &got, &err) < 0)
                fail_msg("%s: '%s': %s", name, m->name, err.msg);
            assert_close(name, m->name, got, json_number_value(w));
        }
        mg_confusion cm;
        assert_int_equal(mg_metrics_confusion(acc, &cm, NULL), 0);
        assert_int_equal(cm.tn, json_integer_value(json_object_get(want, "tn")));
        assert_int_equal(cm.fp, json_integer_value(json_object_get(want, "fp")));
        assert_int_equal(cm.fn, json_integer_value(json_object_get(want, "fn")));
        assert_int_equal(cm.tp, json_integer_value(json_object_get(want, "tp")));
        mg_metrics_free(acc);
    }
    json_decref(data);
}

static void test_metrics_binary_matches_sklearn(void **state)
{
    (void)state;
    const char *name;
    json_t *entry;
    int seen = 0;
    json_object_foreach(json_object_get(reference, "datasets"), name, entry) {
        if (strcmp(json_string_value(json_object_get(entry, "task")), "binary") == 0) {
            check_binary_dataset(name, entry);
            seen++;
        }
    }
    assert_true(seen >= 4);
}

/* The one-class dataset: exactly the rank metrics are undefined. */
static void test_metrics_binary_one_class_undefined(void **state)
{
    (void)state;
    json_t *entry = json_object_get(json_object_get(reference, "datasets"), "binary_one_class");
    assert_non_null(entry);
    json_t *data = load("binary_one_class.data.json");
    mg_metrics *acc = binary_acc(data, 0.5);
    json_t *undefined = json_object_get(entry, "undefined");
    assert_int_equal(json_array_size(undefined), 2);
    size_t i;
    json_t *u;
    json_array_foreach(undefined, i, u) {
        double v;
        mg_error err = {{0}};
        assert_int_equal(mg_metrics_value(acc, json_string_value(u), &v, &err), -1);
        assert_non_null(strstr(err.msg, "all labelled 0"));
    }
    mg_metrics_free(acc);
    json_decref(data);
}

/* Rows added after a rank metric was computed are sorted in again. */
static void test_metrics_binary_rank_after_more_rows(void **state)
{
    (void)state;
    json_t *entry = json_object_get(json_object_get(reference, "datasets"), "binary_ties");
    json_t *want = json_object_get(json_array_get(json_object_get(entry, "thresholds"), 0), "metrics");
    json_t *data = load("binary_ties.data.json");
    json_t *labels = json_object_get(data, "labels"), *scores = json_object_get(data, "scores");
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    size_t n = json_array_size(labels), half = n / 2;
    double v;
    for (size_t i = 0; i < n; i++) {
        if (i == half) /* sorts the first half in place */
            assert_int_equal(mg_metrics_value(acc, "roc_auc", &v, NULL), 0);
        mg_metrics_add_binary(acc, (int)json_integer_value(json_array_get(labels, i)),
                              json_number_value(json_array_get(scores, i)));
    }
    assert_int_equal(mg_metrics_value(acc, "roc_auc", &v, NULL), 0);
    assert_close("binary_ties", "roc_auc", v, json_number_value(json_object_get(want, "roc_auc")));
    assert_int_equal(mg_metrics_value(acc, "average_precision", &v, NULL), 0);
    assert_close("binary_ties", "average_precision", v,
                 json_number_value(json_object_get(want, "average_precision")));
    mg_metrics_free(acc);
    json_decref(data);
}

static mg_metrics *multiclass_acc(json_t *data, int by_name)
{
    size_t k = (size_t)json_integer_value(json_object_get(data, "nclasses"));
    json_t *names = json_object_get(data, "class_names");
    const char *cn[16];
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.nclasses = k;
    if (names) {
        for (size_t j = 0; j < k && j < 16; j++)
            cn[j] = json_string_value(json_array_get(names, j));
        o.class_names = cn;
    }
    mg_metrics *acc = mg_metrics_new(MG_TASK_MULTICLASS, &o, NULL);
    assert_non_null(acc);
    json_t *labels = json_object_get(data, "labels"), *probs = json_object_get(data, "probs");
    double p[16];
    for (size_t i = 0; i < json_array_size(labels); i++) {
        json_t *row = json_array_get(probs, i);
        for (size_t j = 0; j < k; j++)
            p[j] = json_number_value(json_array_get(row, j));
        int label = (int)json_integer_value(json_array_get(labels, i));
        if (by_name)
            assert_int_equal(mg_metrics_add_multiclass_named(acc, cn[label], p), 0);
        else
            assert_int_equal(mg_metrics_add_multiclass(acc, label, p), 0);
    }
    return acc;
}

static void check_multiclass(const char *name, json_t *entry, int by_name)
{
    json_t *data = load(json_string_value(json_object_get(entry, "data")));
    mg_metrics *acc = multiclass_acc(data, by_name);
    const char *metric;
    json_t *w;
    int seen = 0;
    json_object_foreach(json_object_get(entry, "metrics"), metric, w) {
        double got;
        mg_error err = {{0}};
        if (mg_metrics_value(acc, metric, &got, &err) < 0)
            fail_msg("%s: %s", name, err.msg);
        assert_close(name, metric, got, json_number_value(w));
        seen++;
    }
    assert_int_equal(seen, 4);
    mg_metrics_free(acc);
    json_decref(data);
}

static void test_metrics_multiclass_matches_sklearn(void **state)
{
    (void)state;
    const char *name;
    json_t *entry;
    int seen = 0;
    json_object_foreach(json_object_get(reference, "datasets"), name, entry) {
        if (strcmp(json_string_value(json_object_get(entry, "task")), "multiclass") == 0) {
            check_multiclass(name, entry, 0);
            seen++;
        }
    }
    assert_true(seen >= 2);
}

/* Labels given as class names give the same values (sklearn on strings). */
static void test_metrics_multiclass_named_labels(void **state)
{
    (void)state;
    json_t *entry = json_object_get(json_object_get(reference, "datasets"), "multiclass3");
    assert_non_null(entry);
    check_multiclass("multiclass3 (by name)", entry, 1);
}

static void test_metrics_regression_matches_sklearn(void **state)
{
    (void)state;
    const char *name;
    json_t *entry;
    int seen = 0;
    json_object_foreach(json_object_get(reference, "datasets"), name, entry) {
        if (strcmp(json_string_value(json_object_get(entry, "task")), "regression") != 0)
            continue;
        json_t *data = load(json_string_value(json_object_get(entry, "data")));
        json_t *ys = json_object_get(data, "targets"), *ps = json_object_get(data, "predictions");
        mg_metrics *acc = mg_metrics_new(MG_TASK_REGRESSION, NULL, NULL);
        for (size_t i = 0; i < json_array_size(ys); i++)
            assert_int_equal(mg_metrics_add_regression(acc, json_number_value(json_array_get(ys, i)),
                                                       json_number_value(json_array_get(ps, i))),
                             0);
        for (size_t i = 0; i < mg_metric_count(); i++) {
            const mg_metric_info *m = mg_metric_at(i);
            if (m->task != MG_TASK_REGRESSION)
                continue;
            json_t *w = json_object_get(json_object_get(entry, "metrics"), m->name);
            assert_non_null(w);
            double got;
            mg_error err = {{0}};
            if (mg_metrics_value(acc, m->name, &got, &err) < 0)
                fail_msg("%s: %s", name, err.msg);
            assert_close(name, m->name, got, json_number_value(w));
        }
        mg_metrics_free(acc);
        json_decref(data);
        seen++;
    }
    assert_true(seen >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_binary_matches_sklearn),
        cmocka_unit_test(test_metrics_binary_one_class_undefined),
        cmocka_unit_test(test_metrics_binary_rank_after_more_rows),
        cmocka_unit_test(test_metrics_multiclass_matches_sklearn),
        cmocka_unit_test(test_metrics_multiclass_named_labels),
        cmocka_unit_test(test_metrics_regression_matches_sklearn),
    };
    return cmocka_run_group_tests_name("metrics_sklearn", tests, setup, teardown);
}
