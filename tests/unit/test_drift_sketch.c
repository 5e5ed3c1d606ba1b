/*
 * Unit tests for the drift profile's summaries (checks/drift/sketch.h):
 * moments against two-pass sums, the quantile sketch's exact mode against
 * numpy's quantile rule, its KLL mode against its stated rank error, the
 * text frequencies' caps, and each one's JSON round trip and merge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_stats.h"
#include "checks/drift/sketch.h"

/* A permutation of 0..n-1 (n prime, mult coprime): every rank is known. */
static double perm(uint64_t i, uint64_t n)
{
    return (double)((i * 7919 + 17) % n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_drift_moments_are_stable_and_merge(void **state)
{
    (void)state;
    /* values near 1e9: a naive sum of squares loses every digit of the variance */
    enum { N = 10001 };
    static double x[N];
    for (int i = 0; i < N; i++)
        x[i] = 1e9 + (double)((i * 37) % 101) * 0.01;
    long double sum = 0.0L, dev = 0.0L;
    for (int i = 0; i < N; i++)
        sum += x[i];
    long double mean = sum / N;
    for (int i = 0; i < N; i++)
        dev += (x[i] - mean) * (x[i] - mean);
    mg_moments all, a, b;
    mg_moments_init(&all);
    mg_moments_init(&a);
    mg_moments_init(&b);
    for (int i = 0; i < N; i++) {
        mg_moments_add(&all, x[i]);
        mg_moments_add(i < 3000 ? &a : &b, x[i]);
    }
    double want_var = (double)(dev / N);
    /* each update rounds at ulp(1e9) / 2 = 6e-8 against a standard deviation
     * of 0.29; Welford stays within 1e-9 relative here (1e-7 allowed), where
     * the textbook sum-of-squares formula is off by more than 100% */
    double got = mg_moments_variance(&all);
    printf("moments: variance %.17g, two-pass %.17g (relative error %.2g)\n", got, want_var,
           fabs(got - want_var) / want_var);
    assert_true(fabs(got - want_var) <= 1e-7 * want_var);
    assert_true(fabs(all.mean - (double)mean) <= 1e-12 * (double)mean);
    mg_moments_merge(&a, &b);
    assert_int_equal(a.count, N);
    assert_true(fabs(mg_moments_variance(&a) - want_var) <= 1e-7 * want_var);
    assert_true(a.min == all.min && a.max == all.max);
    /* merging an empty one changes nothing; merging into an empty one copies */
    mg_moments empty;
    mg_moments_init(&empty);
    mg_moments_merge(&a, &empty);
    assert_int_equal(a.count, N);
    mg_moments_merge(&empty, &all);
    assert_true(empty.mean == all.mean && empty.m2 == all.m2);
}

static void test_drift_qsketch_exact_quantiles_are_numpys(void **state)
{
    (void)state;
    double v[] = {5.0, 1.0, 4.0, 4.0, 2.5, 9.0, -3.0};
    size_t n = sizeof v / sizeof v[0];
    mg_qsketch s;
    mg_qsketch_init(&s, 0);
    for (size_t i = 0; i < n; i++)
        mg_qsketch_add(&s, v[i]);
    qsort(v, n, sizeof v[0], cmp_double);
    assert_true(s.exact);
    assert_true(mg_qsketch_rank_error(&s) == 0.0);
    /* numpy.quantile([5,1,4,4,2.5,9,-3], [0, .1, .5, .75, 1]) */
    assert_true(mg_qsketch_quantile(&s, 0.0) == -3.0);
    assert_true(fabs(mg_qsketch_quantile(&s, 0.1) - (-0.6)) < 1e-15);
    assert_true(mg_qsketch_quantile(&s, 0.5) == 4.0);
    assert_true(mg_qsketch_quantile(&s, 0.75) == 4.5);
    assert_true(mg_qsketch_quantile(&s, 1.0) == 9.0);
    assert_int_equal(mg_qsketch_rank(&s, 4.0), 5);
    assert_int_equal(mg_qsketch_rank(&s, -4.0), 0);
    mg_qsketch_free(&s);
}

/* Largest |estimated rank - true rank| / n over a grid, for values perm(i, n). */
static double worst_rank_error(const mg_qsketch *s, uint64_t n)
{
    double worst = 0.0;
    for (uint64_t r = 0; r <= n; r += n / 997 + 1) {
        /* exactly r + 1 values are <= r */
        double est = (double)mg_qsketch_rank(s, (double)r);
        double err = fabs(est - (double)(r + 1)) / (double)n;
        if (err > worst)
            worst = err;
    }
    return worst;
}

static void test_drift_qsketch_kll_within_rank_error(void **state)
{
    (void)state;
    const uint64_t n = 1000003; /* prime */
    mg_qsketch s, a, b;
    mg_qsketch_init(&s, 0);
    mg_qsketch_init(&a, 0);
    mg_qsketch_init(&b, 0);
    for (uint64_t i = 0; i < n; i++) {
        double x = perm(i, n);
        mg_qsketch_add(&s, x);
        mg_qsketch_add(i % 3 ? &a : &b, x);
    }
    assert_false(s.exact);
    double bound = mg_qsketch_rank_error(&s);
    assert_true(bound > 0.016 && bound < 0.017);
    double err = worst_rank_error(&s, n);
    printf("qsketch: k=%u, %llu values, worst rank error %.4f%% (bound %.2f%%)\n", s.k,
           (unsigned long long)n, 100 * err, 100 * bound);
    assert_true(err <= bound);
    /* the weights still add up to n, and the memory stays small */
    double *v;
    uint64_t *w, total = 0;
    size_t items = mg_qsketch_sorted(&s, &v, &w);
    for (size_t i = 0; i < items; i++)
        total += w[i];
    assert_true(total == n);
    assert_true(items < 3 * s.k + 8 * s.nlevels);
    free(v);
    free(w);
    /* merged shards keep the bound too */
    assert_int_equal(mg_qsketch_merge(&a, &b, NULL), 0);
    assert_true(a.n == n);
    assert_true(worst_rank_error(&a, n) <= bound);
    double median = mg_qsketch_quantile(&a, 0.5);
    assert_true(fabs(median - (double)n / 2) <= bound * (double)n);
    mg_qsketch_free(&s);
    mg_qsketch_free(&a);
    mg_qsketch_free(&b);
}

static void test_drift_qsketch_kll_bins_within_rank_error(void **state)
{
    (void)state;
    const uint64_t n = 200003; /* prime: perm(i, n) is each of 0..n-1 once */
    mg_qsketch s;
    mg_qsketch_init(&s, 0);
    for (uint64_t i = 0; i < n; i++)
        mg_qsketch_add(&s, perm(i, n));
    double edges[9], counts[10];
    size_t nedges;
    mg_error err = {{0}};
    assert_int_equal(mg_qsketch_edges(&s, 10, edges, &nedges, &err), 0);
    assert_int_equal(nedges, 9);
    double eps = mg_qsketch_rank_error(&s);
    for (size_t e = 0; e < nedges; e++) {
        /* the true rank of edge e is edge + 1; it should be near (e+1)/10 */
        double rank = (edges[e] + 1.0) / (double)n;
        assert_true(fabs(rank - (double)(e + 1) / 10.0) <= eps);
    }
    mg_qsketch_bin_counts(&s, edges, nedges, counts);
    double total = 0.0;
    for (size_t b = 0; b <= nedges; b++) {
        /* the true count of bin b: values in (edges[b-1], edges[b]] */
        double lo = b == 0 ? -1.0 : edges[b - 1], hi = b == nedges ? (double)n - 1 : edges[b];
        double truth = hi - lo;
        assert_true(fabs(counts[b] - truth) <= 2.0 * eps * (double)n);
        total += counts[b];
    }
    assert_true(total == (double)n);
    assert_int_equal(mg_qsketch_edges(&s, 0, edges, &nedges, &err), -1);
    mg_qsketch_free(&s);
}

static void test_drift_ks_and_wasserstein_from_kll_within_bounds(void **state)
{
    (void)state;
    /* reference: 60000 values in [0, 60), current: 3000 values shifted by 1.5 */
    const uint64_t n1 = 60013, n2 = 3001;
    double *ref = malloc(n1 * sizeof *ref), *cur = malloc(n2 * sizeof *cur);
    mg_qsketch s;
    mg_qsketch_init(&s, 0);
    for (uint64_t i = 0; i < n1; i++) {
        ref[i] = perm(i, n1) / 1000.0;
        mg_qsketch_add(&s, ref[i]);
    }
    for (uint64_t i = 0; i < n2; i++)
        cur[i] = perm(i, n2) / 50.0 + 1.5;
    qsort(cur, n2, sizeof *cur, cmp_double);
    assert_false(s.exact);
    mg_ks_result full, est;
    double bound, w_full, w_est;
    assert_int_equal(mg_ks_2samp(ref, n1, cur, n2, MG_KS_AUTO, &full, NULL), 0);
    assert_int_equal(mg_ks_sketch(&s, cur, n2, &est, &bound, NULL), 0);
    printf("KS from KLL: D %.5f (full reference %.5f, bound %.4f)\n", est.statistic,
           full.statistic, bound);
    assert_true(bound > 0.0 && fabs(est.statistic - full.statistic) <= bound);
    assert_false(est.exact);
    assert_int_equal(mg_wasserstein(ref, n1, cur, n2, &w_full, NULL), 0);
    assert_int_equal(mg_wasserstein_sketch(&s, 0.0, (double)(n1 - 1) / 1000.0, cur, n2, &w_est,
                                           &bound, NULL), 0);
    printf("Wasserstein from KLL: %.5f (full reference %.5f, bound %.4f)\n", w_est, w_full, bound);
    assert_true(fabs(w_est - w_full) <= bound);
    /* unit weights: the weighted statistics are the plain ones */
    qsort(ref, n1, sizeof *ref, cmp_double);
    mg_wsample a = {ref, NULL, n1, n1}, b = {cur, NULL, n2, n2};
    double d, w;
    assert_int_equal(mg_ks_statistic_weighted(&a, &b, &d, NULL), 0);
    assert_true(d == full.statistic);
    assert_int_equal(mg_wasserstein_weighted(&a, &b, &w, NULL), 0);
    assert_true(fabs(w - w_full) <= 1e-12 * w_full);
    mg_wsample empty = {ref, NULL, 0, 0};
    mg_error err = {{0}};
    assert_int_equal(mg_ks_statistic_weighted(&a, &empty, &d, &err), -1);
    assert_non_null(strstr(err.msg, "non-empty"));
    mg_qsketch_free(&s);
    free(ref);
    free(cur);
}

static void test_drift_qsketch_kll_error_whatever_the_order(void **state)
{
    (void)state;
    /* 60013 values in four orders: scattered, ascending, descending, random */
    const uint64_t n = 60013;
    for (int order = 0; order < 4; order++) {
        mg_qsketch s;
        mg_qsketch_init(&s, 0);
        uint64_t state64 = 12345;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v = order == 0 ? (uint64_t)perm(i, n) : order == 1 ? i : n - 1 - i;
            if (order == 3) {
                state64 = state64 * 6364136223846793005ULL + 1442695040888963407ULL;
                v = (state64 >> 33) % n;
            }
            mg_qsketch_add(&s, (double)v);
        }
        if (order < 3) /* a permutation: exactly r + 1 values are <= r */
            assert_true(worst_rank_error(&s, n) <= mg_qsketch_rank_error(&s));
        assert_true(mg_qsketch_rank(&s, (double)n) == n);
        mg_qsketch_free(&s);
    }
}

static void test_drift_qsketch_exact_merge_until_the_cap(void **state)
{
    (void)state;
    mg_qsketch a, b, k;
    mg_qsketch_init(&a, 0);
    mg_qsketch_init(&b, 0);
    mg_qsketch_init(&k, 64);
    for (int i = 0; i < MG_QSKETCH_EXACT_MAX / 2; i++) {
        mg_qsketch_add(&a, i);
        mg_qsketch_add(&b, -i);
    }
    assert_int_equal(mg_qsketch_merge(&a, &b, NULL), 0);
    assert_true(a.exact && a.n == MG_QSKETCH_EXACT_MAX);
    assert_true(mg_qsketch_rank(&a, 0.0) == MG_QSKETCH_EXACT_MAX / 2 + 1);
    /* one more value: no longer exact */
    mg_qsketch_add(&a, 1e6);
    assert_false(a.exact);
    /* sketches of different k do not merge */
    mg_error err = {{0}};
    assert_int_equal(mg_qsketch_merge(&a, &k, &err), -1);
    assert_non_null(strstr(err.msg, "k 200 and 64"));
    mg_qsketch_free(&a);
    mg_qsketch_free(&b);
    mg_qsketch_free(&k);
}

/* Serialises a sketch to text (caller frees). */
static char *sketch_text(const mg_qsketch *s)
{
    json_t *j = mg_qsketch_to_json(s);
    char *t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return t;
}

static void test_drift_qsketch_json_round_trip_continues_identically(void **state)
{
    (void)state;
    mg_qsketch s;
    mg_qsketch_init(&s, 0);
    for (uint64_t i = 0; i < 50021; i++)
        mg_qsketch_add(&s, perm(i, 50021) / 7.0);
    char *text = sketch_text(&s);
    json_t *j = json_loads(text, 0, NULL);
    mg_qsketch back;
    mg_error err = {{0}};
    mg_profile_reader r = {.file = "s.json", .text = text, .len = strlen(text), .err = &err};
    assert_int_equal(mg_qsketch_from_json(&r, j, &back), 0);
    char *again = sketch_text(&back);
    assert_string_equal(text, again);
    /* the restored sketch compacts exactly as the original would */
    for (int i = 0; i < 5000; i++) {
        mg_qsketch_add(&s, i * 0.5);
        mg_qsketch_add(&back, i * 0.5);
    }
    char *t1 = sketch_text(&s), *t2 = sketch_text(&back);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    free(again);
    free(text);
    json_decref(j);
    mg_qsketch_free(&s);
    mg_qsketch_free(&back);
}

static void test_drift_freq_counts_and_caps(void **state)
{
    (void)state;
    mg_freq f;
    mg_freq_init(&f);
    mg_freq_add(&f, "EUR", 3, 5);
    mg_freq_add(&f, "USD", 3, 2);
    mg_freq_add(&f, "a\0b", 3, 1); /* NUL bytes are part of the value */
    mg_freq_add(&f, "a", 1, 1);
    assert_int_equal(mg_freq_count(&f, "EUR", 3), 5);
    assert_int_equal(mg_freq_count(&f, "a\0b", 3), 1);
    assert_int_equal(mg_freq_count(&f, "GBP", 3), 0);
    assert_true(mg_freq_is_exact(&f));
    /* past the tracking cap, new values are counted together */
    char buf[32];
    for (int i = 0; i < MG_FREQ_TRACK_MAX + 10; i++) {
        int n = snprintf(buf, sizeof buf, "v%d", i);
        mg_freq_add(&f, buf, (size_t)n, 1);
    }
    assert_int_equal(f.nitems, MG_FREQ_TRACK_MAX);
    assert_int_equal(f.untracked, 14); /* 4 + 10 values of the loop found the table full */
    assert_false(mg_freq_is_exact(&f));
    mg_freq_add(&f, "EUR", 3, 1); /* a tracked value still counts exactly */
    assert_int_equal(mg_freq_count(&f, "EUR", 3), 6);
    /* written: the most frequent MG_FREQ_WRITE_MAX, ordered; the total holds */
    json_t *j = mg_freq_to_json(&f);
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_array_size(counts), MG_FREQ_WRITE_MAX);
    assert_string_equal(json_string_value(json_array_get(json_array_get(counts, 0), 0)), "EUR");
    assert_string_equal(json_string_value(json_array_get(json_array_get(counts, 1), 0)), "USD");
    uint64_t sum = (uint64_t)json_integer_value(json_object_get(j, "untracked"));
    for (size_t i = 0; i < json_array_size(counts); i++)
        sum += (uint64_t)json_integer_value(json_array_get(json_array_get(counts, i), 1));
    assert_true(sum == f.total);
    assert_true((uint64_t)json_integer_value(json_object_get(j, "total")) == f.total);
    json_decref(j);
    mg_freq_free(&f);
}

static void test_drift_freq_complete_tables_are_written_whole(void **state)
{
    (void)state;
    /* 1500 distinct values, none untracked: all of them are written */
    mg_freq f;
    mg_freq_init(&f);
    char buf[32];
    for (int i = 0; i < 1500; i++) {
        int n = snprintf(buf, sizeof buf, "id%04d", i);
        mg_freq_add(&f, buf, (size_t)n, 1 + (i == 700));
    }
    json_t *j = mg_freq_to_json(&f);
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_array_size(counts), 1500);
    assert_int_equal(json_integer_value(json_object_get(j, "untracked")), 0);
    assert_string_equal(json_string_value(json_array_get(json_array_get(counts, 0), 0)), "id0700");
    assert_string_equal(json_string_value(json_array_get(json_array_get(counts, 1), 0)), "id0000");
    json_decref(j);
    mg_freq_free(&f);
}

static void test_drift_freq_merge_equals_concatenation(void **state)
{
    (void)state;
    const char *rows[] = {"x", "y", "x", "z", "x", "", "y", "w"};
    mg_freq all, a, b;
    mg_freq_init(&all);
    mg_freq_init(&a);
    mg_freq_init(&b);
    for (size_t i = 0; i < 8; i++) {
        mg_freq_add(&all, rows[i], strlen(rows[i]), 1);
        mg_freq_add(i < 3 ? &a : &b, rows[i], strlen(rows[i]), 1);
    }
    mg_freq_merge(&a, &b);
    json_t *ja = mg_freq_to_json(&a), *jall = mg_freq_to_json(&all);
    assert_true(json_equal(ja, jall));
    assert_int_equal(mg_freq_count(&a, "x", 1), 3);
    json_decref(ja);
    json_decref(jall);
    mg_freq_free(&all);
    mg_freq_free(&a);
    mg_freq_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_moments_are_stable_and_merge),
        cmocka_unit_test(test_drift_qsketch_exact_quantiles_are_numpys),
        cmocka_unit_test(test_drift_qsketch_kll_within_rank_error),
        cmocka_unit_test(test_drift_qsketch_kll_error_whatever_the_order),
        cmocka_unit_test(test_drift_qsketch_kll_bins_within_rank_error),
        cmocka_unit_test(test_drift_ks_and_wasserstein_from_kll_within_bounds),
        cmocka_unit_test(test_drift_qsketch_exact_merge_until_the_cap),
        cmocka_unit_test(test_drift_qsketch_json_round_trip_continues_identically),
        cmocka_unit_test(test_drift_freq_counts_and_caps),
        cmocka_unit_test(test_drift_freq_complete_tables_are_written_whole),
        cmocka_unit_test(test_drift_freq_merge_equals_concatenation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
