/*
 * Unit tests for checks/metrics/ on degenerate and bad input: empty input,
 * NaN / infinite scores, labels out of range, one class present, scores
 * outside [0,1], too few rows, wrong task, bad options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "checks/metrics/metrics.h"

static void test_metrics_empty_input_is_an_error(void **state)
{
    (void)state;
    /* arrange: one accumulator per task, no rows */
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.nclasses = 3;
    mg_model_task tasks[] = {MG_TASK_BINARY, MG_TASK_MULTICLASS, MG_TASK_REGRESSION};
    for (size_t t = 0; t < 3; t++) {
        mg_metrics *acc = mg_metrics_new(tasks[t], &o, NULL);
        assert_non_null(acc);
        /* act + assert: every metric of the task refuses */
        for (size_t i = 0; i < mg_metric_count(); i++) {
            const mg_metric_info *m = mg_metric_at(i);
            if (m->task != tasks[t])
                continue;
            double v = 42.0;
            mg_error err = {{0}};
            assert_int_equal(mg_metrics_value(acc, m->name, &v, &err), -1);
            assert_non_null(strstr(err.msg, "no rows"));
            assert_non_null(strstr(err.msg, m->name));
            assert_true(v == 42.0);
        }
        mg_metrics_free(acc);
    }
}

static void test_metrics_nan_scores_name_the_row_count(void **state)
{
    (void)state;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    for (int i = 0; i < 10; i++) {
        double s = (i == 3 || i == 6 || i == 8) ? NAN : 0.1 * i;
        assert_int_equal(mg_metrics_add_binary(acc, i % 2, s), (i == 3 || i == 6 || i == 8) ? -1 : 0);
    }
    assert_int_equal(mg_metrics_rows(acc), 7);
    double v;
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_value(acc, "accuracy", &v, &err), -1);
    assert_string_equal(err.msg, "'accuracy': 3 of 10 rows rejected (first: row 4: score is NaN)");
    assert_int_equal(mg_metrics_check(acc, &err), -1);
    mg_metrics_free(acc);
}

static void test_metrics_infinite_and_bad_labels_rejected(void **state)
{
    (void)state;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    assert_int_equal(mg_metrics_add_binary(acc, 1, 0.7), 0);
    assert_int_equal(mg_metrics_add_binary(acc, 2, 0.7), -1);
    assert_int_equal(mg_metrics_add_binary(acc, 0, INFINITY), -1);
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_check(acc, &err), -1);
    assert_non_null(strstr(err.msg, "2 of 3 rows rejected (first: row 2: label is not 0 or 1)"));
    mg_metrics_free(acc);

    /* multiclass: label out of range, unknown name, NaN probability */
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.nclasses = 2;
    const char *names[] = {"cat", "dog"};
    o.class_names = names;
    acc = mg_metrics_new(MG_TASK_MULTICLASS, &o, NULL);
    double p[2] = {0.3, 0.7}, bad[2] = {NAN, 0.5};
    assert_int_equal(mg_metrics_add_multiclass_named(acc, "dog", p), 0);
    assert_int_equal(mg_metrics_add_multiclass(acc, 2, p), -1);
    assert_int_equal(mg_metrics_add_multiclass_named(acc, "bird", p), -1);
    assert_int_equal(mg_metrics_add_multiclass(acc, 0, bad), -1);
    assert_int_equal(mg_metrics_check(acc, &err), -1);
    assert_non_null(strstr(err.msg, "3 of 4 rows rejected (first: row 2: label is not a class number)"));
    mg_metrics_free(acc);

    acc = mg_metrics_new(MG_TASK_REGRESSION, NULL, NULL);
    assert_int_equal(mg_metrics_add_regression(acc, 1.0, NAN), -1);
    assert_int_equal(mg_metrics_check(acc, &err), -1);
    assert_non_null(strstr(err.msg, "prediction is NaN"));
    mg_metrics_free(acc);
}

static void test_metrics_roc_auc_one_class_is_an_error(void **state)
{
    (void)state;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    for (int i = 0; i < 5; i++)
        mg_metrics_add_binary(acc, 1, 0.2 * i);
    double v;
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_value(acc, "roc_auc", &v, &err), -1);
    assert_string_equal(err.msg, "'roc_auc' is undefined when only one class is present "
                                 "(5 rows, all labelled 1)");
    /* average precision is defined with positives only (sklearn: 1.0) */
    assert_int_equal(mg_metrics_value(acc, "average_precision", &v, &err), 0);
    assert_true(v == 1.0);
    /* balanced accuracy uses the classes present: recall of class 1 = 2/5 (sklearn: 0.4) */
    assert_int_equal(mg_metrics_value(acc, "balanced_accuracy", &v, &err), 0);
    assert_true(fabs(v - 0.4) < 1e-15);
    mg_metrics_free(acc);
}

static void test_metrics_zero_division_gives_zero(void **state)
{
    (void)state;
    /* no row predicted positive and no positive label */
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    mg_metrics_add_binary(acc, 0, 0.1);
    mg_metrics_add_binary(acc, 0, 0.2);
    const char *names[] = {"precision", "recall", "f1"};
    for (int i = 0; i < 3; i++) {
        double v = -1.0;
        assert_int_equal(mg_metrics_value(acc, names[i], &v, NULL), 0);
        assert_true(v == 0.0);
    }
    mg_metrics_free(acc);
}

static void test_metrics_threshold_equality_is_positive(void **state)
{
    (void)state;
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.threshold = 0.3;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, &o, NULL);
    mg_metrics_add_binary(acc, 1, 0.3);  /* == threshold: predicted positive */
    mg_metrics_add_binary(acc, 0, 0.29999999999999999);
    mg_metrics_add_binary(acc, 0, 0.2999999999999999);
    mg_confusion cm;
    assert_int_equal(mg_metrics_confusion(acc, &cm, NULL), 0);
    assert_int_equal(cm.tp, 1);
    assert_int_equal(cm.fp, 1); /* 0.29999999999999999 is the double 0.3 */
    assert_int_equal(cm.tn, 1);
    mg_metrics_free(acc);
}

static void test_metrics_probabilities_outside_unit_interval(void **state)
{
    (void)state;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    mg_metrics_add_binary(acc, 1, 1.5);
    mg_metrics_add_binary(acc, 0, -0.5);
    mg_metrics_add_binary(acc, 0, 0.25);
    double v;
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_value(acc, "brier", &v, &err), -1);
    assert_non_null(strstr(err.msg, "2 of 3 scores are outside"));
    assert_int_equal(mg_metrics_value(acc, "ece", &v, &err), -1);
    /* roc_auc takes any score; log_loss clips as sklearn does */
    assert_int_equal(mg_metrics_value(acc, "roc_auc", &v, &err), 0);
    assert_true(v == 1.0);
    assert_int_equal(mg_metrics_value(acc, "log_loss", &v, &err), 0);
    double clip = 1.0 - 0x1p-52;
    double want = (-log(clip / ((1 - clip) + clip)) - log((1 - 0x1p-52) / (0x1p-52 + (1 - 0x1p-52))) -
                   log(0.75)) / 3.0;
    assert_true(fabs(v - want) < 1e-15);
    mg_metrics_free(acc);
}

static void test_metrics_r2_needs_two_rows(void **state)
{
    (void)state;
    mg_metrics *acc = mg_metrics_new(MG_TASK_REGRESSION, NULL, NULL);
    mg_metrics_add_regression(acc, 1.0, 2.0);
    double v;
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_value(acc, "r2", &v, &err), -1);
    assert_non_null(strstr(err.msg, "fewer than two rows"));
    assert_int_equal(mg_metrics_value(acc, "max_error", &v, &err), 0);
    assert_true(v == 1.0);
    mg_metrics_free(acc);
}

static void test_metrics_rank_metrics_need_kept_rows(void **state)
{
    (void)state;
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.keep_rows = 0;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, &o, NULL);
    mg_metrics_add_binary(acc, 1, 0.9);
    mg_metrics_add_binary(acc, 0, 0.1);
    assert_int_equal(mg_metrics_row_bytes(acc), 0);
    double v;
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_value(acc, "roc_auc", &v, &err), -1);
    assert_non_null(strstr(err.msg, "keeps none"));
    assert_int_equal(mg_metrics_value(acc, "accuracy", &v, &err), 0);
    mg_metrics_free(acc);
}

static void test_metrics_wrong_task_and_bad_options(void **state)
{
    (void)state;
    mg_error err = {{0}};
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.threshold = NAN;
    assert_null(mg_metrics_new(MG_TASK_BINARY, &o, &err));
    assert_non_null(strstr(err.msg, "threshold"));
    mg_metrics_options_init(&o);
    o.ece_bins = 0;
    assert_null(mg_metrics_new(MG_TASK_BINARY, &o, &err));
    assert_non_null(strstr(err.msg, "'ece_bins'"));
    assert_null(mg_metrics_new(MG_TASK_MULTICLASS, NULL, &err));
    assert_non_null(strstr(err.msg, "at least 2 classes"));

    mg_metrics *acc = mg_metrics_new(MG_TASK_REGRESSION, NULL, NULL);
    assert_int_equal(mg_metrics_add_binary(acc, 1, 0.5), -1);
    mg_confusion cm;
    assert_int_equal(mg_metrics_confusion(acc, &cm, &err), -1);
    assert_non_null(strstr(err.msg, "regression"));
    double v;
    assert_int_equal(mg_metrics_value(acc, "roc_auc", &v, &err), -1);
    assert_string_equal(err.msg, "unknown regression metric 'roc_auc'");
    mg_metrics_free(acc);
    mg_metrics_free(NULL);
    acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    assert_int_equal(mg_metrics_value(acc, NULL, &v, &err), -1);
    assert_string_equal(err.msg, "no metric name given");
    mg_metrics_free(acc);
}

static void test_metrics_unknown_name_suggests(void **state)
{
    (void)state;
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    mg_metrics_add_binary(acc, 1, 0.9);
    double v;
    mg_error err = {{0}};
    assert_int_equal(mg_metrics_value(acc, "roc_acu", &v, &err), -1);
    assert_string_equal(err.msg, "unknown binary metric 'roc_acu'; did you mean 'roc_auc'?");
    mg_metrics_free(acc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics_empty_input_is_an_error),
        cmocka_unit_test(test_metrics_nan_scores_name_the_row_count),
        cmocka_unit_test(test_metrics_infinite_and_bad_labels_rejected),
        cmocka_unit_test(test_metrics_roc_auc_one_class_is_an_error),
        cmocka_unit_test(test_metrics_zero_division_gives_zero),
        cmocka_unit_test(test_metrics_threshold_equality_is_positive),
        cmocka_unit_test(test_metrics_probabilities_outside_unit_interval),
        cmocka_unit_test(test_metrics_r2_needs_two_rows),
        cmocka_unit_test(test_metrics_rank_metrics_need_kept_rows),
        cmocka_unit_test(test_metrics_wrong_task_and_bad_options),
        cmocka_unit_test(test_metrics_unknown_name_suggests),
    };
    return cmocka_run_group_tests_name("metrics_degenerate", tests, NULL, NULL);
}
