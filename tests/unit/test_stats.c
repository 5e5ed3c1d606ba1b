/*
 * Unit tests for checks/stats/: the PRNG against the Python copy in
 * fixtures/metrics/generate_reference.py, McNemar against scipy, and the
 * paired bootstrap against the Python/sklearn reimplementation plus its
 * statistical properties.
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
#include "checks/stats/stats.h"

#define FIXTURES "fixtures/metrics/"

static json_t *reference;

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
    return 0;
}

static double num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* A paired store from a paired_*.data.json file. */
static mg_paired *paired_from(const char *file, double threshold)
{
    json_t *d = load(file);
    const char *task = json_string_value(json_object_get(d, "task"));
    json_t *c1 = json_object_get(d, "champion"), *c2 = json_object_get(d, "challenger");
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.threshold = threshold;
    mg_paired *p;
    if (strcmp(task, "binary") == 0) {
        p = mg_paired_new(MG_TASK_BINARY, &o, NULL);
        json_t *y = json_object_get(d, "labels");
        for (size_t i = 0; i < json_array_size(y); i++)
            assert_int_equal(mg_paired_add_binary(p, i, (int)json_integer_value(json_array_get(y, i)),
                                                  json_number_value(json_array_get(c1, i)),
                                                  json_number_value(json_array_get(c2, i))),
                             0);
    } else if (strcmp(task, "regression") == 0) {
        p = mg_paired_new(MG_TASK_REGRESSION, &o, NULL);
        json_t *y = json_object_get(d, "targets");
        for (size_t i = 0; i < json_array_size(y); i++)
            assert_int_equal(mg_paired_add_regression(p, i, json_number_value(json_array_get(y, i)),
                                                      json_number_value(json_array_get(c1, i)),
                                                      json_number_value(json_array_get(c2, i))),
                             0);
    } else {
        o.nclasses = (size_t)json_integer_value(json_object_get(d, "nclasses"));
        assert_true(o.nclasses <= 8);
        p = mg_paired_new(MG_TASK_MULTICLASS, &o, NULL);
        json_t *y = json_object_get(d, "labels");
        for (size_t i = 0; i < json_array_size(y); i++) {
            double a[8], b[8];
            for (size_t j = 0; j < o.nclasses; j++) {
                a[j] = json_number_value(json_array_get(json_array_get(c1, i), j));
                b[j] = json_number_value(json_array_get(json_array_get(c2, i), j));
            }
            assert_int_equal(
                mg_paired_add_multiclass(p, i, (int)json_integer_value(json_array_get(y, i)), a, b), 0);
        }
    }
    assert_non_null(p);
    json_decref(d);
    return p;
}

static void test_stats_rng_matches_reference(void **state)
{
    (void)state;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(reference, "prng"), i, e) {
        uint64_t seed = strtoull(json_string_value(json_object_get(e, "seed")), NULL, 10);
        mg_rng r;
        mg_rng_seed(&r, seed);
        json_t *first = json_object_get(e, "first");
        for (size_t k = 0; k < json_array_size(first); k++)
            assert_true(mg_rng_next(&r) ==
                        strtoull(json_string_value(json_array_get(first, k)), NULL, 10));
        mg_rng_seed(&r, seed);
        json_t *below = json_object_get(e, "below_1000");
        for (size_t k = 0; k < json_array_size(below); k++)
            assert_int_equal(mg_rng_below(&r, 1000), json_integer_value(json_array_get(below, k)));
    }
    assert_int_equal(json_array_size(json_object_get(reference, "prng")), 3);
}

static void test_stats_mcnemar_matches_scipy(void **state)
{
    (void)state;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(reference, "mcnemar"), i, e) {
        uint64_t b = (uint64_t)json_integer_value(json_object_get(e, "b"));
        uint64_t c = (uint64_t)json_integer_value(json_object_get(e, "c"));
        mg_mcnemar m;
        mg_mcnemar_test(b, c, &m);
        double want = num(e, "p_value");
        if (fabs(m.p_value - want) > 1e-9 * want + 1e-15)
            fail_msg("mcnemar(%llu, %llu): p %.17g, scipy %.17g", (unsigned long long)b,
                     (unsigned long long)c, m.p_value, want);
        assert_int_equal(m.exact, json_is_true(json_object_get(e, "exact")));
        assert_true(fabs(m.statistic - num(e, "statistic")) <= 1e-12 * (1 + m.statistic));
        assert_true(m.b == b && m.c == c);
    }
    assert_true(json_array_size(json_object_get(reference, "mcnemar")) >= 10);
}

static void test_stats_paired_mcnemar_counts(void **state)
{
    (void)state;
    json_t *e = json_object_get(reference, "paired_mcnemar");
    mg_paired *p = paired_from(json_string_value(json_object_get(e, "data")), num(e, "threshold"));
    mg_mcnemar m;
    assert_int_equal(mg_paired_mcnemar(p, &m, NULL), 0);
    assert_int_equal(m.b, json_integer_value(json_object_get(e, "b")));
    assert_int_equal(m.c, json_integer_value(json_object_get(e, "c")));
    assert_true(fabs(m.p_value - num(e, "p_value")) <= 1e-12);
    mg_paired_free(p);
}

/* Same PRNG, same resampling, sklearn on the resamples: same interval. */
static void test_stats_bootstrap_matches_python(void **state)
{
    (void)state;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(reference, "bootstrap"), i, e) {
        const char *metric = json_string_value(json_object_get(e, "metric"));
        mg_paired *p = paired_from(json_string_value(json_object_get(e, "data")), 0.5);
        mg_bootstrap_options o;
        mg_bootstrap_options_init(&o);
        o.resamples = (unsigned)json_integer_value(json_object_get(e, "resamples"));
        o.confidence = num(e, "confidence");
        o.seed = (uint64_t)json_integer_value(json_object_get(e, "seed"));
        mg_bootstrap_result r;
        mg_error err = {{0}};
        if (mg_paired_bootstrap(p, metric, &o, &r, &err) < 0)
            fail_msg("%s: %s", metric, err.msg);
        assert_int_equal(r.used, json_integer_value(json_object_get(e, "used")));
        assert_int_equal(r.skipped, json_integer_value(json_object_get(e, "skipped")));
        if (fabs(r.diff - num(e, "diff")) > 1e-9 || fabs(r.lower - num(e, "lower")) > 1e-9 ||
            fabs(r.upper - num(e, "upper")) > 1e-9)
            fail_msg("%s on %s: [%.17g, %.17g] diff %.17g; python [%.17g, %.17g] diff %.17g", metric,
                     json_string_value(json_object_get(e, "data")), r.lower, r.upper, r.diff,
                     num(e, "lower"), num(e, "upper"), num(e, "diff"));
        mg_paired_free(p);
    }
    assert_true(json_array_size(json_object_get(reference, "bootstrap")) >= 10);
}

/* Synthetic pairs: labels alternate; the champion's score is noisy, the
 * challenger's noisier by `gap` less (deterministic from the PRNG). */
static mg_paired *synthetic(size_t n, double champ_noise, double chall_noise, uint64_t seed)
{
    mg_paired *p = mg_paired_new(MG_TASK_BINARY, NULL, NULL);
    mg_rng r;
    mg_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        int y = (int)(i % 2);
        double u1 = (double)(mg_rng_next(&r) >> 11) * 0x1p-53;
        double u2 = (double)(mg_rng_next(&r) >> 11) * 0x1p-53;
        double base = y ? 0.65 : 0.35;
        double s1 = base + champ_noise * (u1 - 0.5);
        double s2 = base + chall_noise * (u2 - 0.5);
        mg_paired_add_binary(p, (uint64_t)i, y, s1 < 0 ? 0 : s1 > 1 ? 1 : s1, s2 < 0 ? 0 : s2 > 1 ? 1 : s2);
    }
    return p;
}

static void test_stats_bootstrap_reproducible_for_a_seed(void **state)
{
    (void)state;
    mg_paired *p = synthetic(500, 1.0, 0.8, 1);
    mg_bootstrap_options o;
    mg_bootstrap_options_init(&o);
    o.resamples = 300;
    o.seed = 77;
    mg_bootstrap_result a, b, c;
    assert_int_equal(mg_paired_bootstrap(p, "roc_auc", &o, &a, NULL), 0);
    assert_int_equal(mg_paired_bootstrap(p, "roc_auc", &o, &b, NULL), 0);
    assert_memory_equal(&a, &b, sizeof a);
    o.seed = 78;
    assert_int_equal(mg_paired_bootstrap(p, "roc_auc", &o, &c, NULL), 0);
    assert_true(c.lower != a.lower || c.upper != a.upper);
    assert_true(c.diff == a.diff); /* the point difference does not depend on the seed */
    mg_paired_free(p);
}

static void test_stats_bootstrap_interval_contains_point(void **state)
{
    (void)state;
    mg_paired *p = synthetic(400, 1.0, 0.9, 2);
    const char *metrics[] = {"accuracy", "f1", "roc_auc", "average_precision", "log_loss",
                             "brier", "ece", "balanced_accuracy"};
    for (size_t i = 0; i < sizeof metrics / sizeof *metrics; i++) {
        mg_bootstrap_result r;
        mg_error err = {{0}};
        mg_bootstrap_options o;
        mg_bootstrap_options_init(&o);
        o.resamples = 200;
        if (mg_paired_bootstrap(p, metrics[i], &o, &r, &err) < 0)
            fail_msg("%s: %s", metrics[i], err.msg);
        assert_true(r.lower <= r.diff && r.diff <= r.upper);
        assert_true(r.diff == r.challenger - r.champion);
        assert_int_equal(r.used + r.skipped, 200);
    }
    mg_paired_free(p);
}

static void test_stats_bootstrap_width_shrinks_with_n(void **state)
{
    (void)state;
    mg_bootstrap_options o;
    mg_bootstrap_options_init(&o);
    o.resamples = 300;
    double width[2];
    size_t sizes[2] = {200, 5000};
    for (int k = 0; k < 2; k++) {
        mg_paired *p = synthetic(sizes[k], 1.0, 0.9, 3);
        mg_bootstrap_result r;
        assert_int_equal(mg_paired_bootstrap(p, "log_loss", &o, &r, NULL), 0);
        width[k] = r.upper - r.lower;
        mg_paired_free(p);
    }
    /* 25 times the rows: about 5 times narrower; ask for at least 3. */
    assert_true(width[1] * 3.0 < width[0]);
}

static void test_stats_bootstrap_real_difference_excludes_zero(void **state)
{
    (void)state;
    mg_paired *p = synthetic(2000, 1.2, 0.6, 4); /* the challenger is much sharper */
    mg_bootstrap_options o;
    mg_bootstrap_options_init(&o);
    o.resamples = 300;
    mg_bootstrap_result r;
    assert_int_equal(mg_paired_bootstrap(p, "accuracy", &o, &r, NULL), 0);
    assert_true(r.diff > 0 && r.lower > 0);
    mg_paired_free(p);

    /* the same model twice: every difference is exactly 0 */
    p = mg_paired_new(MG_TASK_BINARY, NULL, NULL);
    for (int i = 0; i < 100; i++)
        mg_paired_add_binary(p, (uint64_t)i, i % 2, (i % 7) / 7.0, (i % 7) / 7.0);
    assert_int_equal(mg_paired_bootstrap(p, "roc_auc", &o, &r, NULL), 0);
    assert_true(r.diff == 0.0 && r.lower == 0.0 && r.upper == 0.0);
    mg_mcnemar m;
    assert_int_equal(mg_paired_mcnemar(p, &m, NULL), 0);
    assert_true(m.b == 0 && m.c == 0 && m.p_value == 1.0);
    mg_paired_free(p);
}

static void test_stats_bootstrap_errors(void **state)
{
    (void)state;
    mg_error err = {{0}};
    mg_bootstrap_result r;
    mg_bootstrap_options o;
    mg_bootstrap_options_init(&o);
    mg_paired *p = mg_paired_new(MG_TASK_BINARY, NULL, NULL);
    assert_int_equal(mg_paired_bootstrap(p, "accuracy", &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "no paired rows"));
    mg_paired_add_binary(p, 0, 1, 0.9, 0.8);
    assert_int_equal(mg_paired_bootstrap(p, "acuracy", &o, &r, &err), -1);
    assert_string_equal(err.msg, "unknown binary metric 'acuracy'; did you mean 'accuracy'?");
    /* one class in the whole data: undefined for the champion already */
    assert_int_equal(mg_paired_bootstrap(p, "roc_auc", &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "champion: 'roc_auc' is undefined"));
    o.confidence = 1.0;
    assert_int_equal(mg_paired_bootstrap(p, "accuracy", &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "confidence"));
    o.confidence = 0.95;
    o.resamples = 0;
    assert_int_equal(mg_paired_bootstrap(p, "accuracy", &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "at least 1 resample"));
    /* a NaN score poisons the store */
    assert_int_equal(mg_paired_add_binary(p, 1, 0, 0.1, NAN), -1);
    o.resamples = 10;
    assert_int_equal(mg_paired_bootstrap(p, "accuracy", &o, &r, &err), -1);
    assert_string_equal(err.msg, "1 of 2 paired rows rejected (first: row 2: challenger score is NaN)");
    mg_mcnemar m;
    assert_int_equal(mg_paired_mcnemar(p, &m, &err), -1);
    mg_paired_free(p);

    p = mg_paired_new(MG_TASK_REGRESSION, NULL, NULL);
    mg_paired_add_regression(p, 0, 1.0, 1.1, 0.9);
    assert_int_equal(mg_paired_mcnemar(p, &m, &err), -1);
    assert_non_null(strstr(err.msg, "not regression"));
    assert_int_equal(mg_paired_add_binary(p, 1, 1, 0.5, 0.5), -1);
    mg_paired_free(p);
    mg_paired_free(NULL);
    assert_null(mg_paired_new(MG_TASK_MULTICLASS, NULL, &err));
}

static void test_stats_paired_row_bytes(void **state)
{
    (void)state;
    mg_paired *p = synthetic(1000, 1.0, 1.0, 5);
    size_t bytes = mg_paired_row_bytes(p);
    assert_true(bytes >= 1000 * 17 && bytes <= 2 * 1000 * 17);
    assert_int_equal(mg_paired_rows(p), 1000);
    mg_paired_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_rng_matches_reference),
        cmocka_unit_test(test_stats_mcnemar_matches_scipy),
        cmocka_unit_test(test_stats_paired_mcnemar_counts),
        cmocka_unit_test(test_stats_bootstrap_matches_python),
        cmocka_unit_test(test_stats_bootstrap_reproducible_for_a_seed),
        cmocka_unit_test(test_stats_bootstrap_interval_contains_point),
        cmocka_unit_test(test_stats_bootstrap_width_shrinks_with_n),
        cmocka_unit_test(test_stats_bootstrap_real_difference_excludes_zero),
        cmocka_unit_test(test_stats_bootstrap_errors),
        cmocka_unit_test(test_stats_paired_row_bytes),
    };
    return cmocka_run_group_tests_name("stats", tests, setup, teardown);
}
