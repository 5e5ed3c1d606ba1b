/*
 * Unit tests for checks/serving/latency_stats.c, the figures and judgement
 * of the latency check: nearest-rank percentiles and medians against numpy
 * (fixtures/latency/generate_reference.py) and by hand, the summary of a
 * run, the median of runs, and which bounds pass or fail.
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

#include "checks/serving/latency_stats.h"
#include "support/json_fixture.h"

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* |got - want| <= tol, naming both when not. */
#define assert_near(got, want, tol)                                                      \
    do {                                                                                 \
        double g_ = (got), w_ = (want);                                                  \
        if (!(fabs(g_ - w_) <= (tol)))                                                   \
            fail_msg("%s = %.17g, expected %.17g", #got, g_, w_);                        \
    } while (0)

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_latency_percentile_matches_numpy_inverted_cdf(void **state)
{
    (void)state;
    json_t *ref = tu_json_load("fixtures/latency/percentiles.json");
    size_t ci;
    json_t *c;
    json_array_foreach(json_object_get(ref, "cases"), ci, c) {
        json_t *values = json_object_get(c, "values");
        size_t n = json_array_size(values);
        double *v = calloc(n, sizeof *v), *copy = calloc(n, sizeof *copy);
        for (size_t i = 0; i < n; i++)
            v[i] = copy[i] = json_number_value(json_array_get(values, i));
        qsort(v, n, sizeof *v, ascending);
        const char *p;
        json_t *want;
        json_object_foreach(json_object_get(c, "percentiles"), p, want) {
            double got = mg_lat_percentile(v, n, atof(p));
            if (got != json_number_value(want))
                fail_msg("%s: p%s = %.17g, numpy %.17g", json_string_value(json_object_get(c, "name")), p, got,
                         json_number_value(want));
        }
        assert_near(mg_lat_median(copy, n), json_number_value(json_object_get(c, "median")), 1e-12);
        free(v);
        free(copy);
    }
    json_decref(ref);
}

static void test_latency_percentile_nearest_rank_by_hand(void **state)
{
    (void)state;
    /* Arrange: 1..100 and 1..10, sorted. */
    double hundred[100], ten[10];
    for (int i = 0; i < 100; i++)
        hundred[i] = i + 1;
    for (int i = 0; i < 10; i++)
        ten[i] = i + 1;
    /* Act, assert: rank ceil(p/100 n), never interpolated. */
    assert_true(mg_lat_percentile(hundred, 100, 99) == 99);
    assert_true(mg_lat_percentile(hundred, 100, 50) == 50);
    assert_true(mg_lat_percentile(hundred, 100, 99.5) == 100);
    assert_true(mg_lat_percentile(hundred, 100, 0) == 1);
    assert_true(mg_lat_percentile(ten, 10, 95) == 10);
    assert_true(mg_lat_percentile(ten, 10, 50) == 5);
    assert_true(mg_lat_percentile(ten, 10, 51) == 6);
    assert_true(isnan(mg_lat_percentile(ten, 0, 50)));
    assert_true(isnan(mg_lat_median(ten, 0)));
}

static void test_latency_summary_of_a_run(void **state)
{
    (void)state;
    /* Arrange: four calls of 10 rows, 1 + 2 + 3 + 4 = 10 ms in all. */
    double ms[] = {4, 1, 3, 2};
    mg_lat_summary s;
    mg_lat_summarise(ms, 4, 10, &s);
    assert_int_equal(s.calls, 4);
    assert_true(s.p50 == 2);
    assert_true(s.p95 == 4);
    assert_true(s.p99 == 4);
    assert_true(s.max == 4);
    /* 40 rows in 0.010 s. */
    assert_near(s.rows_per_s, 4000, 1e-9);
    /* Calls too quick for the clock give no throughput, not an infinite one. */
    double zero[] = {0, 0};
    mg_lat_summarise(zero, 2, 1, &s);
    assert_true(isnan(s.rows_per_s));
}

static void test_latency_median_of_runs_is_per_figure(void **state)
{
    (void)state;
    /* Arrange: the slow run (p99 90) and the fast one (p99 10) are outvoted. */
    mg_lat_summary runs[3] = {
        {.calls = 100, .p50 = 5, .p95 = 8, .p99 = 90, .max = 95, .rows_per_s = 100},
        {.calls = 100, .p50 = 4, .p95 = 7, .p99 = 10, .max = 12, .rows_per_s = 300},
        {.calls = 98, .p50 = 6, .p95 = 9, .p99 = 11, .max = 400, .rows_per_s = 200},
    };
    mg_lat_summary m;
    mg_lat_median_summary(runs, 3, &m);
    assert_true(m.p50 == 5);
    assert_true(m.p95 == 8);
    assert_true(m.p99 == 11);
    assert_true(m.max == 95);
    assert_true(m.rows_per_s == 200);
    assert_int_equal(m.calls, 100);
    /* Two runs: the mean of the two. */
    mg_lat_median_summary(runs, 2, &m);
    assert_true(m.p99 == 50);
}

static void test_latency_judge_bounds(void **state)
{
    (void)state;
    mg_lat_summary one = {.calls = 100, .p50 = 12, .p95 = 20, .p99 = 30, .max = 31};
    char why[600];
    mg_lat_bounds b = mg_lat_bounds_none();
    /* Every bound met. */
    b.max_p50_ms = 12;
    b.max_p99_ms = 50;
    b.min_rows_per_s = 100;
    assert_int_equal(mg_lat_judge(&b, &one, 150, NAN, why, sizeof why), 0);
    assert_string_equal(why, "within max_p50_ms 12, max_p99_ms 50, min_rows_per_s 100");
    /* p50 over its bound, rows/s under its own: both named. */
    b.max_p50_ms = 10;
    assert_int_equal(mg_lat_judge(&b, &one, 99, NAN, why, sizeof why), 2);
    assert_string_equal(why, "p50 12 ms > max_p50_ms 10; rows/s 99 < min_rows_per_s 100");
    /* p95 only. */
    b = mg_lat_bounds_none();
    b.max_p95_ms = 19.5;
    assert_int_equal(mg_lat_judge(&b, &one, 150, NAN, why, sizeof why), 1);
    assert_string_equal(why, "p95 20 ms > max_p95_ms 19.5");
    /* A throughput that could not be measured never passes. */
    b = mg_lat_bounds_none();
    b.min_rows_per_s = 1;
    assert_int_equal(mg_lat_judge(&b, &one, NAN, NAN, why, sizeof why), 1);
    assert_contains(why, "rows/s not measured");
}

static void test_latency_judge_increase_over_champion(void **state)
{
    (void)state;
    mg_lat_summary one = {.calls = 100, .p50 = 5, .p95 = 10, .p99 = 12};
    char why[600];
    mg_lat_bounds b = mg_lat_bounds_none();
    b.max_p99_increase = 0.1;
    /* 12 against 10 is +20%: over 0.1, within 0.25. */
    assert_int_equal(mg_lat_judge(&b, &one, NAN, 10, why, sizeof why), 1);
    assert_string_equal(why, "p99 rose +20% over the champion's > max_p99_increase 0.1");
    b.max_p99_increase = 0.25;
    assert_int_equal(mg_lat_judge(&b, &one, NAN, 10, why, sizeof why), 0);
    /* Faster than the champion passes any bound. */
    b.max_p99_increase = 0;
    assert_int_equal(mg_lat_judge(&b, &one, NAN, 20, why, sizeof why), 0);
    /* Without the champion's figure the bound is not met. */
    assert_int_equal(mg_lat_judge(&b, &one, NAN, NAN, why, sizeof why), 1);
    assert_near(mg_lat_increase(12, 10), 0.2, 1e-12);
    assert_true(isinf(mg_lat_increase(1, 0)));
    assert_true(mg_lat_increase(0, 0) == 0);
}

static void test_latency_p99_line(void **state)
{
    (void)state;
    char buf[120];
    mg_lat_p99_text(12.3, 10.1, buf, sizeof buf);
    assert_string_equal(buf, "p99 12.3 ms (champion 10.1 ms, +22%)");
    mg_lat_p99_text(8.04, 10, buf, sizeof buf);
    assert_string_equal(buf, "p99 8.04 ms (champion 10 ms, -20%)");
    mg_lat_p99_text(0.00421, NAN, buf, sizeof buf);
    assert_string_equal(buf, "p99 0.00421 ms");
    mg_lat_rows_text(1234567.4, buf, sizeof buf);
    assert_string_equal(buf, "1234567");
    mg_lat_rows_text(12.54, buf, sizeof buf);
    assert_string_equal(buf, "12.5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_percentile_matches_numpy_inverted_cdf),
        cmocka_unit_test(test_latency_percentile_nearest_rank_by_hand),
        cmocka_unit_test(test_latency_summary_of_a_run),
        cmocka_unit_test(test_latency_median_of_runs_is_per_figure),
        cmocka_unit_test(test_latency_judge_bounds),
        cmocka_unit_test(test_latency_judge_increase_over_champion),
        cmocka_unit_test(test_latency_p99_line),
    };
    return cmocka_run_group_tests_name("latency_stats", tests, NULL, NULL);
}
