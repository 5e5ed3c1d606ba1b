/*
 * Unit tests for the drift checks' comparison (checks/drift/drift_side.h):
 * with every value kept, the figures are the library statistics on the full
 * samples (scipy's, tested in test_drift_stats.c); a profile's exact sketch
 * gives the same figures; a KLL sketch gives figures within the bounds it
 * states of the exact ones; texts: unseen values, Jensen-Shannon and
 * chi-square on the union of the values; tests judge in the right direction.
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

#include "checks/drift/drift_side.h"
#include "checks/drift/sorted_copy.h"

/* |got - want| <= tol, naming both on failure. */
#define assert_double_equal(got, want, tol)                                                      \
    do {                                                                                         \
        double g_ = (got), w_ = (want);                                                          \
        if (!(fabs(g_ - w_) <= (tol)))                                                           \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #got, g_, w_, (double)(tol)); \
    } while (0)

/* splitmix64 and Box-Muller: a seeded normal sample. */
static uint64_t rng_state;
static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return ((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}
static double normal(double mean, double sd)
{
    double u = uniform01(), v = uniform01();
    return mean + sd * sqrt(-2.0 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static void fill(mg_dside *s, size_t n, double mean, double sd, uint64_t seed)
{
    rng_state = seed;
    for (size_t i = 0; i < n; i++)
        mg_dside_add_number(s, normal(mean, sd));
}

static void test_drift_kept_values_equal_library_statistics(void **state)
{
    (void)state;
    mg_dside ref, cur;
    mg_dside_init_number(&ref, 1);
    mg_dside_init_number(&cur, 1);
    fill(&ref, 500, 0, 1, 1);
    fill(&cur, 400, 0.3, 1, 2);
    /* the same samples through the library functions */
    double a[500], b[400];
    memcpy(a, ref.values, sizeof a);
    memcpy(b, cur.values, sizeof b);
    mg_dfigures f;
    mg_error err;
    assert_int_equal(mg_drift_compare(&ref, &cur, 10, &f, &err), 0);
    mg_ks_result ks;
    double w, edges[9], rc[10] = {0}, cc[10] = {0}, psi;
    size_t ne;
    assert_int_equal(mg_ks_2samp(a, 500, b, 400, MG_KS_AUTO, &ks, &err), 0);
    assert_int_equal(mg_wasserstein(a, 500, b, 400, &w, &err), 0);
    assert_true(f.ks_exact == ks.exact);
    assert_double_equal(f.ks_statistic, ks.statistic, 0);
    assert_double_equal(f.ks_p_value, ks.p_value, 0);
    assert_double_equal(f.wasserstein, w / f.ref_sd, 1e-12);
    assert_int_equal(mg_quantile_edges(ref.values, 500, 10, edges, &ne, &err), 0); /* ref.values is sorted now */
    for (size_t i = 0; i < 500; i++)
        rc[mg_bin_of(edges, ne, a[i])]++;
    for (size_t i = 0; i < 400; i++)
        cc[mg_bin_of(edges, ne, b[i])]++;
    assert_int_equal(mg_psi(rc, cc, ne + 1, &psi, &err), 0);
    assert_double_equal(f.psi, psi, 1e-15);
    assert_double_equal(f.psi_low, f.psi, 0);
    assert_double_equal(f.ks_bound + f.wasserstein_bound, 0, 0);
    /* a 0.3 sd shift on 500/400 values: KS sees it, PSI (0.2) does not */
    assert_true(mg_drifted(&f, MG_DTEST_KS, 0.01));
    assert_false(mg_drifted(&f, MG_DTEST_PSI, 0.2));
    mg_dside_free(&ref);
    mg_dside_free(&cur);
}

/* A current side sketched (exact up to 10000 values) gives the figures of kept values. */
static void test_drift_exact_sketch_equals_kept_values(void **state)
{
    (void)state;
    mg_dside ref, kept, sketched;
    mg_dside_init_number(&ref, 1);
    mg_dside_init_number(&kept, 1);
    mg_dside_init_number(&sketched, 0);
    fill(&ref, 3000, 10, 2, 3);
    fill(&kept, 2000, 11, 2, 4);
    fill(&sketched, 2000, 11, 2, 4);
    mg_dfigures a, b;
    mg_error err;
    assert_int_equal(mg_drift_compare(&ref, &kept, 10, &a, &err), 0);
    assert_int_equal(mg_drift_compare(&ref, &sketched, 10, &b, &err), 0);
    assert_double_equal(a.ks_statistic, b.ks_statistic, 0);
    assert_double_equal(a.ks_p_value, b.ks_p_value, 0);
    assert_double_equal(a.wasserstein, b.wasserstein, 1e-12);
    assert_double_equal(a.psi, b.psi, 1e-15);
    assert_true(b.ks_exact);
    mg_dside_free(&ref);
    mg_dside_free(&kept);
    mg_dside_free(&sketched);
}

/* A KLL sketch on both sides: each figure within the bound it states of the
 * exact one (the PSI on the exact sample's bins lies in [psi_low, psi_high]
 * up to the bins' own estimate). */
static void test_drift_kll_figures_within_stated_bounds(void **state)
{
    (void)state;
    const size_t n = 60000;
    mg_dside rk, ck, rs, cs;
    mg_dside_init_number(&rk, 1);
    mg_dside_init_number(&ck, 1);
    mg_dside_init_number(&rs, 0);
    mg_dside_init_number(&cs, 0);
    fill(&rk, n, 0, 1, 5);
    fill(&rs, n, 0, 1, 5);
    fill(&ck, n, 0.25, 1.2, 6);
    fill(&cs, n, 0.25, 1.2, 6);
    mg_dfigures exact, sk;
    mg_error err;
    assert_int_equal(mg_drift_compare(&rk, &ck, 10, &exact, &err), 0);
    assert_int_equal(mg_drift_compare(&rs, &cs, 10, &sk, &err), 0);
    assert_false(sk.ks_exact);
    assert_true(sk.ks_bound > 0 && sk.wasserstein_bound > 0);
    assert_true(fabs(sk.ks_statistic - exact.ks_statistic) <= sk.ks_bound);
    assert_true(fabs(sk.wasserstein - exact.wasserstein) <= sk.wasserstein_bound);
    assert_true(sk.psi_low <= sk.psi && sk.psi <= sk.psi_high);
    assert_true(sk.psi_low <= exact.psi && exact.psi <= sk.psi_high);
    /* the bounds are useful, not vacuous: a few percent of the figure */
    print_message("KLL vs exact: ks %.4f (exact %.4f, bound %.4f), wasserstein %.4f (exact %.4f, bound %.4f), "
                  "psi %.4f in [%.4f, %.4f] (exact %.4f)\n", sk.ks_statistic, exact.ks_statistic, sk.ks_bound,
                  sk.wasserstein, exact.wasserstein, sk.wasserstein_bound, sk.psi, sk.psi_low, sk.psi_high, exact.psi);
    assert_true(sk.ks_bound < 0.05);
    mg_dside_free(&rk);
    mg_dside_free(&ck);
    mg_dside_free(&rs);
    mg_dside_free(&cs);
}

static void add_texts(mg_dside *s, const char *const *v, const int *counts, size_t k)
{
    for (size_t i = 0; i < k; i++)
        for (int j = 0; j < counts[i]; j++)
            mg_dside_add_text(s, v[i], strlen(v[i]));
}

static void test_drift_texts_unseen_js_chi2(void **state)
{
    (void)state;
    static const char *const values[] = {"EUR", "USD", "GBP", "XXX"};
    static const int rcounts[] = {50, 30, 20, 0}, ccounts[] = {40, 30, 20, 10};
    mg_dside ref, cur;
    mg_dside_init_text(&ref);
    mg_dside_init_text(&cur);
    add_texts(&ref, values, rcounts, 4);
    add_texts(&cur, values, ccounts, 4);
    mg_dfigures f;
    mg_error err;
    assert_int_equal(mg_drift_compare(&ref, &cur, 10, &f, &err), 0);
    assert_int_equal(f.unseen, 10);
    assert_double_equal(f.unseen_share, 0.1, 1e-15);
    /* the same figures from the library on the union of the values */
    double r[] = {50, 30, 20, 0}, c[] = {40, 30, 20, 10}, js;
    mg_chi2_result chi;
    assert_int_equal(mg_jensen_shannon(r, c, 4, &js, &err), 0);
    assert_int_equal(mg_chi2_2xk(r, c, 4, &chi, &err), 0);
    assert_double_equal(f.js, js, 1e-15);
    assert_double_equal(f.chi2, chi.statistic, 1e-12);
    assert_double_equal(f.chi2_p, chi.p_value, 1e-15);
    assert_true(mg_drifted(&f, MG_DTEST_UNSEEN, 0.01));
    assert_false(mg_drifted(&f, MG_DTEST_UNSEEN, 0.2));
    mg_dside_free(&ref);
    mg_dside_free(&cur);
}

static void test_drift_refuses_empty_sides_and_bad_bins(void **state)
{
    (void)state;
    mg_dside ref, cur;
    mg_dside_init_number(&ref, 1);
    mg_dside_init_number(&cur, 1);
    mg_dfigures f;
    mg_error err;
    mg_dside_add_number(&cur, 1.0);
    assert_int_equal(mg_drift_compare(&ref, &cur, 10, &f, &err), -1);
    assert_non_null(strstr(err.msg, "reference has no values"));
    mg_dside_add_number(&ref, 1.0);
    assert_int_equal(mg_drift_compare(&ref, &cur, 0, &f, &err), -1);
    assert_non_null(strstr(err.msg, "bins"));
    mg_dside_free(&ref);
    mg_dside_free(&cur);
}

static void test_drift_test_names_and_directions(void **state)
{
    (void)state;
    mg_dtest t;
    for (int i = 0; i < MG_DTEST_COUNT; i++) {
        assert_int_equal(mg_dtest_parse(mg_dtest_name((mg_dtest)i), &t), 0);
        assert_int_equal(t, i);
    }
    assert_int_equal(mg_dtest_parse("kolmogorov", &t), -1);
    mg_dfigures f;
    memset(&f, 0, sizeof f);
    f.psi = 0.3;
    f.ks_p_value = 0.02;
    assert_true(mg_drifted(&f, MG_DTEST_PSI, 0.2));
    assert_false(mg_drifted(&f, MG_DTEST_PSI, 0.3)); /* at the threshold: not drifted */
    assert_false(mg_drifted(&f, MG_DTEST_KS, 0.01));
    assert_true(mg_drifted(&f, MG_DTEST_KS, 0.05));
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The sketches' sort equals qsort on inputs that break naive quicksorts:
 * sorted, reversed, all equal, organ pipe, few distinct, random. */
static void test_drift_sort_doubles_equals_qsort(void **state)
{
    (void)state;
    enum { N = 5000 };
    static double a[N], b[N];
    for (int shape = 0; shape < 6; shape++) {
        for (size_t n = 0; n <= N; n = n ? n * 3 + 1 : 1) {
            rng_state = 99 + (uint64_t)shape;
            for (size_t i = 0; i < n; i++) {
                double x = shape == 0 ? (double)i : shape == 1 ? (double)(n - i) : shape == 2 ? 7.0
                         : shape == 3 ? (double)(i < n / 2 ? i : n - i) : shape == 4 ? (double)(i % 3)
                                                                         : normal(0, 1);
                a[i] = b[i] = x;
            }
            mg_sort_doubles(a, n);
            qsort(b, n, sizeof *b, by_value);
            assert_memory_equal(a, b, n * sizeof *a);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_kept_values_equal_library_statistics),
        cmocka_unit_test(test_drift_exact_sketch_equals_kept_values),
        cmocka_unit_test(test_drift_kll_figures_within_stated_bounds),
        cmocka_unit_test(test_drift_texts_unseen_js_chi2),
        cmocka_unit_test(test_drift_refuses_empty_sides_and_bad_bins),
        cmocka_unit_test(test_drift_test_names_and_directions),
        cmocka_unit_test(test_drift_sort_doubles_equals_qsort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
