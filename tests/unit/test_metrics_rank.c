/*
 * Unit tests for checks/metrics/rank.c: the in-place sort on hostile
 * patterns, and roc_auc / average_precision on hand-checked cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/internal.h"
#include "checks/stats/stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_rank_sort_matches_qsort_on_patterns(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 2, 23, 25, 1000, 100000};
    mg_rng r;
    mg_rng_seed(&r, 9);
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        size_t n = sizes[si];
        double *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
        for (int pattern = 0; pattern < 6; pattern++) {
            for (size_t i = 0; i < n; i++) {
                switch (pattern) {
                case 0: a[i] = (double)mg_rng_next(&r) / 3.0; break;     /* random */
                case 1: a[i] = (double)i; break;                         /* sorted */
                case 2: a[i] = (double)(n - i); break;                   /* reversed */
                case 3: a[i] = 0.5; break;                               /* all equal */
                case 4: a[i] = (double)(mg_rng_next(&r) % 3); break;     /* few distinct */
                default: a[i] = (double)(i < n / 2 ? i : n - i); break;  /* organ pipe */
                }
            }
            memcpy(b, a, n * sizeof *a);
            mg_sort_doubles(a, n);
            qsort(b, n, sizeof *b, cmp_double);
            assert_memory_equal(a, b, n * sizeof *a);
        }
        free(a);
        free(b);
    }
}

static double metric(const int *y, const double *s, size_t n, const char *name)
{
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(mg_metrics_add_binary(acc, y[i], s[i]), 0);
    double v = NAN;
    mg_error err = {{0}};
    if (mg_metrics_value(acc, name, &v, &err) < 0)
        fail_msg("%s", err.msg);
    mg_metrics_free(acc);
    return v;
}

static void test_rank_hand_checked_values(void **state)
{
    (void)state;
    /* sklearn's docstring example: roc_auc 0.75, average precision 0.8333... */
    int y[] = {0, 0, 1, 1};
    double s[] = {0.1, 0.4, 0.35, 0.8};
    assert_true(metric(y, s, 4, "roc_auc") == 0.75);
    assert_true(fabs(metric(y, s, 4, "average_precision") - 5.0 / 6.0) < 1e-15);
    /* every score tied: AUC one half, AP = prevalence */
    int y2[] = {1, 0, 0, 1, 0};
    double s2[] = {0.3, 0.3, 0.3, 0.3, 0.3};
    assert_true(metric(y2, s2, 5, "roc_auc") == 0.5);
    assert_true(fabs(metric(y2, s2, 5, "average_precision") - 0.4) < 1e-15);
    /* a tie across classes counts one half: pairs (p,n): 0.9>0.5, 0.9>0.2,
     * 0.5=0.5 (half), 0.5>0.2 -> 3.5 / 4 */
    int y3[] = {1, 1, 0, 0};
    double s3[] = {0.9, 0.5, 0.5, 0.2};
    assert_true(metric(y3, s3, 4, "roc_auc") == 0.875);
    /* -0.0 and +0.0 are one tie group */
    int y4[] = {1, 0};
    double s4[] = {-0.0, 0.0};
    assert_true(metric(y4, s4, 2, "roc_auc") == 0.5);
}

static void test_rank_invariant_to_monotone_transform(void **state)
{
    (void)state;
    enum { N = 2000 };
    static int y[N];
    static double s[N], t[N];
    mg_rng r;
    mg_rng_seed(&r, 11);
    for (size_t i = 0; i < N; i++) {
        y[i] = (int)(mg_rng_next(&r) % 2);
        s[i] = (double)(mg_rng_next(&r) % 50) + 15.0 * y[i]; /* integers: exact ties */
        t[i] = s[i] * s[i] * s[i] / 1000.0 - 7.0; /* increasing on s >= 0 */
    }
    assert_true(metric(y, s, N, "roc_auc") == metric(y, t, N, "roc_auc"));
    assert_true(metric(y, s, N, "average_precision") == metric(y, t, N, "average_precision"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_sort_matches_qsort_on_patterns),
        cmocka_unit_test(test_rank_hand_checked_values),
        cmocka_unit_test(test_rank_invariant_to_monotone_transform),
    };
    return cmocka_run_group_tests_name("metrics_rank", tests, NULL, NULL);
}
