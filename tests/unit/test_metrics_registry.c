/*
 * Unit tests for checks/metrics/metric_names.c: lookups, listing per task, flags,
 * "did you mean", and that every registered name is computable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "checks/metrics/metrics.h"

static void test_registry_lookup_by_task(void **state)
{
    (void)state;
    const mg_metric_info *m = mg_metric_lookup("accuracy", MG_TASK_BINARY);
    assert_non_null(m);
    assert_int_equal(m->task, MG_TASK_BINARY);
    m = mg_metric_lookup("accuracy", MG_TASK_MULTICLASS);
    assert_non_null(m);
    assert_int_equal(m->task, MG_TASK_MULTICLASS);
    assert_null(mg_metric_lookup("accuracy", MG_TASK_REGRESSION));
    assert_null(mg_metric_lookup("roc_auc", MG_TASK_MULTICLASS));
    assert_null(mg_metric_lookup(NULL, MG_TASK_BINARY));
    m = mg_metric_find("rmse");
    assert_non_null(m);
    assert_int_equal(m->task, MG_TASK_REGRESSION);
    assert_null(mg_metric_find("rsme"));
    assert_null(mg_metric_at(mg_metric_count()));
}

static void test_registry_lists_every_required_metric(void **state)
{
    (void)state;
    const char *binary[] = {"accuracy", "balanced_accuracy", "precision", "recall", "f1",
                            "roc_auc", "average_precision", "log_loss", "brier", "ece"};
    const char *multi[] = {"accuracy", "f1_macro", "f1_weighted", "log_loss"};
    const char *reg[] = {"rmse", "mae", "r2", "mape", "max_error"};
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < mg_metric_count(); i++) {
        const mg_metric_info *m = mg_metric_at(i);
        counts[m->task]++;
        assert_non_null(m->description);
        assert_true(m->description[0] >= 'a' && m->description[0] <= 'z');
        assert_true(m->description[strlen(m->description) - 1] != '.');
    }
    for (size_t i = 0; i < sizeof binary / sizeof *binary; i++)
        assert_non_null(mg_metric_lookup(binary[i], MG_TASK_BINARY));
    for (size_t i = 0; i < sizeof multi / sizeof *multi; i++)
        assert_non_null(mg_metric_lookup(multi[i], MG_TASK_MULTICLASS));
    for (size_t i = 0; i < sizeof reg / sizeof *reg; i++)
        assert_non_null(mg_metric_lookup(reg[i], MG_TASK_REGRESSION));
    assert_int_equal(counts[MG_TASK_BINARY], 10);
    assert_int_equal(counts[MG_TASK_MULTICLASS], 4);
    assert_int_equal(counts[MG_TASK_REGRESSION], 5);
}

static void test_registry_flags(void **state)
{
    (void)state;
    for (size_t i = 0; i < mg_metric_count(); i++) {
        const mg_metric_info *m = mg_metric_at(i);
        int rank = strcmp(m->name, "roc_auc") == 0 || strcmp(m->name, "average_precision") == 0;
        assert_int_equal(m->needs_all_rows, rank);
        int lower = strcmp(m->name, "log_loss") == 0 || strcmp(m->name, "brier") == 0 ||
                    strcmp(m->name, "ece") == 0 || m->task == MG_TASK_REGRESSION;
        if (strcmp(m->name, "r2") == 0)
            lower = 0;
        assert_int_equal(m->higher_is_better, !lower);
    }
}

static void test_registry_did_you_mean(void **state)
{
    (void)state;
    assert_string_equal(mg_metric_closest("roc-auc", MG_TASK_BINARY), "roc_auc");
    assert_string_equal(mg_metric_closest("f1macro", MG_TASK_MULTICLASS), "f1_macro");
    assert_string_equal(mg_metric_closest("logloss", MG_TASK_BINARY), "log_loss");
    assert_string_equal(mg_metric_closest("rsme", MG_TASK_REGRESSION), "rmse");
    assert_null(mg_metric_closest("perplexity", MG_TASK_BINARY));
    assert_null(mg_metric_closest("f1_macro", MG_TASK_REGRESSION));
    assert_string_equal(mg_metric_task_name(MG_TASK_MULTICLASS), "multiclass");
}

/* Every registered name computes on a small accumulator of its task. */
static void test_registry_every_metric_computes(void **state)
{
    (void)state;
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.nclasses = 3;
    mg_metrics *bin = mg_metrics_new(MG_TASK_BINARY, &o, NULL);
    mg_metrics *mc = mg_metrics_new(MG_TASK_MULTICLASS, &o, NULL);
    mg_metrics *reg = mg_metrics_new(MG_TASK_REGRESSION, &o, NULL);
    for (int i = 0; i < 12; i++) {
        double p[3] = {0.2, 0.3, 0.5};
        p[i % 3] += 0.4;
        mg_metrics_add_binary(bin, i % 2, (i % 5) / 5.0);
        mg_metrics_add_multiclass(mc, i % 3, p);
        mg_metrics_add_regression(reg, i, i + (i % 3) - 1);
    }
    mg_metrics *by_task[3];
    by_task[MG_TASK_BINARY] = bin;
    by_task[MG_TASK_MULTICLASS] = mc;
    by_task[MG_TASK_REGRESSION] = reg;
    for (size_t i = 0; i < mg_metric_count(); i++) {
        const mg_metric_info *m = mg_metric_at(i);
        double v;
        mg_error err = {{0}};
        if (mg_metrics_value(by_task[m->task], m->name, &v, &err) < 0)
            fail_msg("'%s' (%s): %s", m->name, mg_metric_task_name(m->task), err.msg);
    }
    mg_metrics_free(bin);
    mg_metrics_free(mc);
    mg_metrics_free(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_lookup_by_task),
        cmocka_unit_test(test_registry_lists_every_required_metric),
        cmocka_unit_test(test_registry_flags),
        cmocka_unit_test(test_registry_did_you_mean),
        cmocka_unit_test(test_registry_every_metric_computes),
    };
    return cmocka_run_group_tests_name("metrics_registry", tests, NULL, NULL);
}
