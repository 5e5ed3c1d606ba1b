/*
 * Unit tests for what makes the drift checks' figures independent of how
 * the rows are split into shards (checks/drift/exact_moments.c,
 * checks/drift/tree_sketch.c): the moments from exact sums and the quantile
 * sketch over a tree of line blocks give the same bits in any order and
 * any split (through a state's JSON), and stay accurate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/exact_moments.h"
#include "checks/drift/tree_sketch.h"

/* Seeded values: splitmix64 of the seed, as a double in [0, 1). */
static uint64_t mix(uint64_t z)
{
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double uniform(uint64_t seed, unsigned k)
{
    return (double)(mix(seed * 8 + k) >> 11) / 9007199254740992.0;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The sum of v (mean 0) or of its squared deviations from mean, with
 * Neumaier's compensation: a reference that does not depend on long double
 * (valgrind computes those as doubles). */
static double neumaier_sum(const double *v, size_t n, double mean)
{
    double sum = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = mean != 0.0 ? (v[i] - mean) * (v[i] - mean) : v[i], t = sum + x;
        c += fabs(sum) >= fabs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
    return sum + c;
}

/* Moments from exact sums: the same bits in any order and any split, and
 * as accurate as a compensated two-pass computation. */
static void test_drift_exact_moments(void **state)
{
    (void)state;
    enum { N = 20000 };
    static double v[N];
    for (int set = 0; set < 3; set++) {
        for (size_t i = 0; i < N; i++)
            v[i] = set == 0 ? (uniform(i, 5) - 0.5) * 100.0
                 : set == 1 ? 1e9 + (uniform(i, 6) - 0.5) * 0.6 /* Welford loses digits here */
                            : -3.25;                             /* constant: m2 exactly 0 */
        mg_xmoments fwd, back, a, b;
        mg_xmoments_init(&fwd);
        mg_xmoments_init(&back);
        mg_xmoments_init(&a);
        mg_xmoments_init(&b);
        for (size_t i = 0; i < N; i++) {
            mg_xmoments_add(&fwd, v[i]);
            mg_xmoments_add(&back, v[N - 1 - i]);
            mg_xmoments_add(i % 3 ? &a : &b, v[i]);
        }
        mg_xmoments_merge(&b, &a);
        mg_moments m1, m2, m3;
        mg_xmoments_get(&fwd, &m1);
        mg_xmoments_get(&back, &m2);
        mg_xmoments_get(&b, &m3);
        assert_memory_equal(&m1, &m2, sizeof m1);
        assert_memory_equal(&m1, &m3, sizeof m1);
        double mean = neumaier_sum(v, N, 0.0) / N, dev = neumaier_sum(v, N, mean);
        assert_true(fabs(m1.mean - mean) <= 1e-15 * fabs(mean));
        if (set == 2)
            assert_true(m1.m2 == 0.0);
        else
            assert_true(fabs(m1.m2 - dev) <= 1e-12 * dev); /* (Welford's is 3e-9 off on set 1) */
        /* a state read back holds the same sums */
        json_t *j = mg_xmoments_save(&b);
        mg_xmoments r;
        char msg[256];
        assert_int_equal(mg_xmoments_load(j, &r, msg, sizeof msg), 0);
        mg_xmoments_get(&r, &m2);
        assert_memory_equal(&m1, &m2, sizeof m1);
        json_decref(j);
    }
}

/* Data line of value i: gaps as records of several lines, and from the
 * middle on a second file (its index in the line's high bits). */
static uint64_t line_of(size_t i)
{
    return (i < 30000 ? 0 : UINT64_C(1) << 40) + 3 * i + 1;
}

/* The tree sketch alone: any split merges to the same items, and its ranks
 * are within the KLL rank error of the exact ones. */
static void test_drift_tree_sketch_splits_and_error(void **state)
{
    (void)state;
    enum { N = 60000 };
    static double v[N], sorted[N];
    for (size_t i = 0; i < N; i++)
        v[i] = sorted[i] = (i % 7 == 0 ? 100.0 : 0.0) + exp(uniform(i, 9) * 5.0);
    mg_tsketch one;
    mg_tsketch_init(&one);
    for (size_t i = 0; i < N; i++)
        mg_tsketch_add(&one, line_of(i), v[i]);
    mg_qsketch want;
    mg_tsketch_result(&one, &want);
    assert_int_equal(want.exact, 0);
    assert_true(want.n == N);
    for (uint64_t seed = 1; seed <= 5; seed++) {
        mg_tsketch merged, part;
        mg_tsketch_init(&merged);
        size_t from = 0;
        while (from < N) {
            size_t to = from + 1 + (size_t)(uniform(seed, (unsigned)from) * N / (seed + 1));
            to = to > N ? N : to;
            mg_tsketch_init(&part);
            for (size_t i = from; i < to; i++)
                mg_tsketch_add(&part, line_of(i), v[i]);
            json_t *j = mg_tsketch_save(&part);
            mg_tsketch_free(&part);
            char msg[256];
            assert_int_equal(mg_tsketch_load(j, &part, msg, sizeof msg), 0);
            json_decref(j);
            mg_tsketch_merge(&merged, &part);
            from = to;
        }
        mg_qsketch got;
        mg_tsketch_result(&merged, &got);
        double *wv, *gv;
        uint64_t *ww, *gw;
        size_t wm = mg_qsketch_sorted(&want, &wv, &ww), gm = mg_qsketch_sorted(&got, &gv, &gw);
        assert_int_equal(wm, gm);
        assert_memory_equal(wv, gv, wm * sizeof *wv);
        assert_memory_equal(ww, gw, wm * sizeof *ww);
        free(wv), free(gv), free(ww), free(gw);
        mg_qsketch_free(&got);
        mg_tsketch_free(&merged);
    }
    qsort(sorted, N, sizeof *sorted, by_value);
    double eps = mg_qsketch_rank_error(&want) * N;
    for (size_t q = 1; q < 100; q++) {
        double x = sorted[q * N / 100];
        size_t below = 0;
        while (below < N && sorted[below] <= x)
            below++;
        double r = (double)mg_qsketch_rank(&want, x);
        if (fabs(r - (double)below) > eps)
            fail_msg("rank of %g: %g, exact %zu, bound %g", x, r, below, eps);
    }
    mg_qsketch_free(&want);
    mg_tsketch_free(&one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_exact_moments),
        cmocka_unit_test(test_drift_tree_sketch_splits_and_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
