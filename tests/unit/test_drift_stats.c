/*
 * Unit tests for the drift statistics (checks/drift/drift_stats.h) against
 * scipy 1.10: tests/reference/drift/stats_reference.json, written by
 * tests/reference/drift/gen_drift_reference.py.
 *
 * Tolerances: the KS statistic exactly; the exact-method KS p-value to 1e-9
 * relative; the asymptotic p-value and the Kolmogorov/Smirnov tails to
 * ASYMP_RTOL relative (scipy evaluates them in double and double-double with
 * other summation orders, and where it uses Pomeranz we use Durbin); every
 * other figure to 1e-12 relative (only summation order differs).  Measured
 * largest differences (the same under valgrind, which computes long double
 * as double): 3.8e-14 (an asymptotic KS p-value), 3.1e-14 (kstwo.sf, n = 10),
 * 1.7e-14 (Wasserstein); everything else below 1e-14.
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
#include "checks/drift/drift_stats.h"
#include "checks/drift/sketch.h"

#define REFERENCE "tests/reference/drift/stats_reference.json"
#define EXACT_P_RTOL 1e-9
#define ASYMP_RTOL 1e-12
#define RTOL 1e-12

static json_t *reference;

static int setup(void **state)
{
    (void)state;
    reference = tu_json_load(REFERENCE);
    return reference ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(reference);
    return 0;
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* |got - want| <= rtol |want| (and both 0, or equal infinities, pass). */
static void assert_close(double got, double want, double rtol, const char *what, const char *name)
{
    if (got == want)
        return;
    double err = fabs(got - want), bound = rtol * fabs(want);
    if (!(err <= bound))
        fail_msg("%s, %s: got %.17g, scipy %.17g (relative error %.3g, allowed %.3g)", name, what,
                 got, want, want != 0.0 ? err / fabs(want) : err, rtol);
}

/* A sample: a JSON array of numbers, or the rule the generator used. */
static double *sample_of(const json_t *spec, size_t *n)
{
    if (json_is_array(spec)) {
        *n = json_array_size(spec);
        double *x = malloc((*n ? *n : 1) * sizeof *x);
        for (size_t i = 0; i < *n; i++)
            x[i] = json_number_value(json_array_get(spec, i));
        return x;
    }
    *n = (size_t)json_integer_value(json_object_get(spec, "n"));
    int64_t mult = json_integer_value(json_object_get(spec, "mult"));
    int64_t add = json_integer_value(json_object_get(spec, "add"));
    int64_t mod = json_integer_value(json_object_get(spec, "mod"));
    double scale = num(spec, "scale"), offset = num(spec, "offset");
    double *x = malloc(*n * sizeof *x);
    for (size_t i = 0; i < *n; i++)
        x[i] = offset + scale * (double)(((int64_t)i * mult + add) % mod);
    return x;
}

static double *numbers(const json_t *arr, size_t *n)
{
    return sample_of(arr, n);
}

static void test_drift_ks_matches_scipy(void **state)
{
    (void)state;
    size_t i, exact = 0, asymp = 0;
    json_t *c;
    json_array_foreach(json_object_get(reference, "ks"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t n1, n2;
        double *a = sample_of(json_object_get(c, "a"), &n1);
        double *b = sample_of(json_object_get(c, "b"), &n2);
        mg_ks_result r;
        mg_error err = {{0}};
        assert_int_equal(mg_ks_2samp(a, n1, b, n2, MG_KS_AUTO, &r, &err), 0);
        if (r.statistic != num(c, "statistic"))
            fail_msg("%s: statistic %.17g, scipy %.17g", name, r.statistic, num(c, "statistic"));
        int want_exact = json_is_true(json_object_get(c, "exact"));
        assert_int_equal(r.exact, want_exact);
        assert_close(r.p_value, num(c, "pvalue"), want_exact ? EXACT_P_RTOL : ASYMP_RTOL,
                     "p-value", name);
        exact += want_exact;
        asymp += !want_exact;
        free(a);
        free(b);
    }
    /* both methods are exercised */
    assert_true(exact >= 5);
    assert_true(asymp >= 4);
}

static void test_drift_kolmogorov_tails_match_scipy(void **state)
{
    (void)state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(reference, "kstwo"), i, c) {
        uint64_t n = (uint64_t)json_integer_value(json_object_get(c, "n"));
        double x = num(c, "x");
        char name[64];
        snprintf(name, sizeof name, "n=%llu x=%g", (unsigned long long)n, x);
        assert_close(mg_kolmogorov_sf(n, x), num(c, "sf"), ASYMP_RTOL, "kstwo.sf", name);
        assert_close(mg_smirnov_sf(n, x), num(c, "smirnov"), ASYMP_RTOL, "smirnov", name);
    }
    assert_true(i >= 40);
}

static void test_drift_wasserstein_matches_scipy(void **state)
{
    (void)state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(reference, "ks"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t n1, n2;
        double *a = sample_of(json_object_get(c, "a"), &n1);
        double *b = sample_of(json_object_get(c, "b"), &n2);
        double w;
        assert_int_equal(mg_wasserstein(a, n1, b, n2, &w, NULL), 0);
        assert_close(w, num(c, "wasserstein"), RTOL, "wasserstein", name);
        double sd = num(c, "reference_sd");
        double norm = mg_wasserstein_normalised(w, sd);
        if (sd > 0.0)
            assert_close(norm, num(c, "wasserstein") / sd, RTOL, "normalised", name);
        else
            assert_true(w == 0.0 ? norm == 0.0 : isinf(norm));
        free(a);
        free(b);
    }
}

/* JS, PSI and chi-square on one pair of count rows. */
static void check_counts(const json_t *c, const double *ref, const double *cur, size_t k)
{
    const char *name = json_string_value(json_object_get(c, "name"));
    double js, psi;
    assert_int_equal(mg_jensen_shannon(ref, cur, k, &js, NULL), 0);
    assert_close(js, num(c, "js"), RTOL, "jensenshannon", name);
    assert_int_equal(mg_psi(ref, cur, k, &psi, NULL), 0);
    assert_close(psi, num(c, "psi"), RTOL, "psi", name);
    mg_chi2_result chi;
    assert_int_equal(mg_chi2_2xk(ref, cur, k, &chi, NULL), 0);
    const json_t *want = json_object_get(c, "chi2");
    assert_close(chi.statistic, num(want, "statistic"), RTOL, "chi2 statistic", name);
    assert_close(chi.p_value, num(want, "pvalue"), RTOL, "chi2 p-value", name);
    assert_int_equal(chi.dof, json_integer_value(json_object_get(want, "dof")));
    assert_int_equal(chi.columns, json_integer_value(json_object_get(want, "columns")));
    assert_int_equal(chi.corrected, chi.dof == 1);
}

static void test_drift_binned_statistics_match_scipy(void **state)
{
    (void)state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(reference, "counts"), i, c) {
        size_t k1, k2;
        double *ref = numbers(json_object_get(c, "ref"), &k1);
        double *cur = numbers(json_object_get(c, "cur"), &k2);
        assert_int_equal(k1, k2);
        check_counts(c, ref, cur, k1);
        free(ref);
        free(cur);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_drift_quantile_bins_match_numpy(void **state)
{
    (void)state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(reference, "bins"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t nr, nc, nwant;
        double *ref = numbers(json_object_get(c, "ref"), &nr);
        double *cur = numbers(json_object_get(c, "cur"), &nc);
        double *want = numbers(json_object_get(c, "edges"), &nwant);
        unsigned bins = (unsigned)json_integer_value(json_object_get(c, "bins"));
        qsort(ref, nr, sizeof *ref, cmp_double);
        double edges[64];
        size_t nedges;
        assert_true(bins <= 64);
        assert_int_equal(mg_quantile_edges(ref, nr, bins, edges, &nedges, NULL), 0);
        assert_int_equal(nedges, nwant);
        for (size_t e = 0; e < nedges; e++)
            if (edges[e] != want[e])
                fail_msg("%s: edge %zu is %.17g, numpy %.17g", name, e, edges[e], want[e]);
        /* the counts per bin, then the statistics on them */
        double rc[65] = {0}, cc[65] = {0};
        for (size_t r = 0; r < nr; r++)
            rc[mg_bin_of(edges, nedges, ref[r])]++;
        for (size_t r = 0; r < nc; r++)
            cc[mg_bin_of(edges, nedges, cur[r])]++;
        size_t k;
        double *want_rc = numbers(json_object_get(c, "ref_counts"), &k);
        double *want_cc = numbers(json_object_get(c, "cur_counts"), &k);
        assert_memory_equal(rc, want_rc, k * sizeof *rc);
        assert_memory_equal(cc, want_cc, k * sizeof *cc);
        check_counts(c, rc, cc, k);
        free(ref);
        free(cur);
        free(want);
        free(want_rc);
        free(want_cc);
    }
}

/* A reference kept in an exact sketch (a profiled column of at most 10000
 * values) gives numpy's edges and counts, so the binned statistics from a
 * profile equal scipy's. */
static void test_drift_exact_sketch_bins_match_numpy(void **state)
{
    (void)state;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(reference, "bins"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t nr, nwant, k;
        double *ref = numbers(json_object_get(c, "ref"), &nr);
        double *want = numbers(json_object_get(c, "edges"), &nwant);
        double *want_rc = numbers(json_object_get(c, "ref_counts"), &k);
        mg_qsketch s;
        mg_qsketch_init(&s, 0);
        for (size_t r = 0; r < nr; r++)
            mg_qsketch_add(&s, ref[r]);
        double edges[64], counts[65];
        size_t nedges;
        assert_int_equal(mg_qsketch_edges(&s, (unsigned)json_integer_value(json_object_get(c, "bins")),
                                          edges, &nedges, NULL), 0);
        assert_int_equal(nedges, nwant);
        for (size_t e = 0; e < nedges; e++)
            if (edges[e] != want[e])
                fail_msg("%s: sketch edge %zu is %.17g, numpy %.17g", name, e, edges[e], want[e]);
        mg_qsketch_bin_counts(&s, edges, nedges, counts);
        assert_memory_equal(counts, want_rc, k * sizeof *counts);
        mg_qsketch_free(&s);
        free(ref);
        free(want);
        free(want_rc);
    }
}

/* A reference kept in an exact sketch gives scipy's KS and Wasserstein. */
static void test_drift_exact_sketch_ks_and_wasserstein_match_scipy(void **state)
{
    (void)state;
    size_t i, tried = 0;
    json_t *c;
    json_array_foreach(json_object_get(reference, "ks"), i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        size_t n1, n2;
        double *a = sample_of(json_object_get(c, "a"), &n1);
        double *b = sample_of(json_object_get(c, "b"), &n2);
        if (n1 > MG_QSKETCH_EXACT_MAX) {
            free(a);
            free(b);
            continue;
        }
        mg_qsketch s;
        mg_qsketch_init(&s, 0);
        double lo = a[0], hi = a[0];
        for (size_t r = 0; r < n1; r++) {
            mg_qsketch_add(&s, a[r]);
            lo = fmin(lo, a[r]);
            hi = fmax(hi, a[r]);
        }
        qsort(b, n2, sizeof *b, cmp_double);
        mg_ks_result r;
        double bound = -1.0, w;
        assert_int_equal(mg_ks_sketch(&s, b, n2, &r, &bound, NULL), 0);
        assert_true(bound == 0.0);
        if (r.statistic != num(c, "statistic"))
            fail_msg("%s: statistic %.17g, scipy %.17g", name, r.statistic, num(c, "statistic"));
        assert_int_equal(r.exact, json_is_true(json_object_get(c, "exact")));
        assert_close(r.p_value, num(c, "pvalue"), r.exact ? EXACT_P_RTOL : ASYMP_RTOL, "p-value",
                     name);
        assert_int_equal(mg_wasserstein_sketch(&s, lo, hi, b, n2, &w, &bound, NULL), 0);
        assert_close(w, num(c, "wasserstein"), RTOL, "wasserstein", name);
        assert_true(bound == 0.0);
        tried++;
        mg_qsketch_free(&s);
        free(a);
        free(b);
    }
    assert_true(tried >= 10);
}

static void test_drift_ks_refuses_empty_and_nan(void **state)
{
    (void)state;
    double a[] = {1.0, NAN, 2.0}, b[] = {1.0};
    mg_ks_result r;
    mg_error err = {{0}};
    assert_int_equal(mg_ks_2samp(a, 3, b, 1, MG_KS_AUTO, &r, &err), -1);
    assert_non_null(strstr(err.msg, "value 2 of 3 is NaN"));
    assert_int_equal(mg_ks_2samp(b, 1, b, 0, MG_KS_AUTO, &r, &err), -1);
    assert_non_null(strstr(err.msg, "non-empty"));
    double w;
    assert_int_equal(mg_wasserstein(b, 0, b, 1, &w, &err), -1);
}

static void test_drift_binned_refuse_bad_counts(void **state)
{
    (void)state;
    double zero[] = {0.0, 0.0}, neg[] = {1.0, -1.0}, ok[] = {1.0, 2.0};
    double v;
    mg_chi2_result chi;
    mg_error err = {{0}};
    assert_int_equal(mg_jensen_shannon(zero, ok, 2, &v, &err), -1);
    assert_non_null(strstr(err.msg, "reference counts sum to 0"));
    assert_int_equal(mg_psi(ok, neg, 2, &v, &err), -1);
    assert_non_null(strstr(err.msg, "current count of bin 2 is -1"));
    assert_int_equal(mg_chi2_2xk(ok, zero, 2, &chi, &err), -1);
    assert_int_equal(mg_quantile_edges(ok, 0, 10, &v, &(size_t){0}, &err), -1);
}

static void test_drift_exact_and_asymptotic_agree_on_large_samples(void **state)
{
    (void)state;
    /* 3000 vs 2000 values: the two methods must tell the same story. */
    size_t n1 = 3000, n2 = 2000;
    double *a = malloc(n1 * sizeof *a), *b = malloc(n2 * sizeof *b);
    for (size_t i = 0; i < n1; i++)
        a[i] = (double)((i * 7919) % 3001) / 3001.0;
    for (size_t i = 0; i < n2; i++)
        b[i] = (double)((i * 613) % 2003) / 2003.0 + 0.02;
    mg_ks_result ex, as;
    assert_int_equal(mg_ks_2samp(a, n1, b, n2, MG_KS_EXACT, &ex, NULL), 0);
    assert_int_equal(mg_ks_2samp(a, n1, b, n2, MG_KS_ASYMP, &as, NULL), 0);
    assert_true(ex.exact && !as.exact);
    assert_true(fabs(ex.statistic - as.statistic) < 1e-12);
    assert_true(fabs(ex.p_value - as.p_value) < 0.01);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_ks_matches_scipy),
        cmocka_unit_test(test_drift_kolmogorov_tails_match_scipy),
        cmocka_unit_test(test_drift_wasserstein_matches_scipy),
        cmocka_unit_test(test_drift_binned_statistics_match_scipy),
        cmocka_unit_test(test_drift_quantile_bins_match_numpy),
        cmocka_unit_test(test_drift_exact_sketch_bins_match_numpy),
        cmocka_unit_test(test_drift_exact_sketch_ks_and_wasserstein_match_scipy),
        cmocka_unit_test(test_drift_ks_refuses_empty_and_nan),
        cmocka_unit_test(test_drift_binned_refuse_bad_counts),
        cmocka_unit_test(test_drift_exact_and_asymptotic_agree_on_large_samples),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
