/*
 * Unit tests for the exact sum of doubles (common/exact_sum.c): exact
 * values where plain addition loses bits, rounding to nearest with ties to
 * even, subnormals, overflow, non-finite terms, and the same bits for any
 * order of the terms and any split into partial sums merged through their
 * saved JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/stats/stats.h"
#include "common/exact_sum.h"

static double sum_of(const double *v, size_t n)
{
    mg_exact_sum s;
    mg_exact_sum_clear(&s);
    for (size_t i = 0; i < n; i++)
        mg_exact_sum_add(&s, v[i]);
    return mg_exact_sum_value(&s);
}

static void assert_same_bits(double a, double b)
{
    if (memcmp(&a, &b, sizeof a) != 0)
        fail_msg("%.17g and %.17g differ in their bits", a, b);
}

static void test_exact_sum_cancellation_loses_nothing(void **state)
{
    (void)state;
    /* Arrange: huge terms that cancel around small ones. */
    const double v[] = {1e300, 3.0, -1e300, 1e-300, 0x1p-1074, 0.5, -1e-300, -0x1p-1074, 1e16, 1.0, -1e16};
    /* Act, assert: plain addition gets 1e16 + 1.0 - 1e16 wrong; the exact sum does not. */
    assert_true(((1e16 + 1.0) + -1e16) != 1.0);
    assert_same_bits(sum_of(v, sizeof v / sizeof *v), 4.5);
}

static void test_exact_sum_rounds_to_nearest_ties_to_even(void **state)
{
    (void)state;
    const double two53 = 0x1p53;
    /* 2^53 + 1 is halfway between 2^53 and 2^53 + 2: the even one. */
    const double tie_down[] = {two53, 1.0};
    assert_same_bits(sum_of(tie_down, 2), two53);
    /* 2^53 + 3 is halfway between 2^53 + 2 and 2^53 + 4: the even one (+4). */
    const double tie_up[] = {two53, 3.0};
    assert_same_bits(sum_of(tie_up, 2), two53 + 4.0);
    /* Anything above the halfway point, however small, rounds up. */
    const double sticky[] = {two53, 1.0, 0x1p-1074};
    assert_same_bits(sum_of(sticky, 3), two53 + 2.0);
    const double below[] = {two53, 1.0, -0x1p-1074};
    assert_same_bits(sum_of(below, 3), two53);
    /* Negative sums round the same way. */
    const double negative[] = {-two53, -1.0, -0x1p-1074};
    assert_same_bits(sum_of(negative, 3), -(two53 + 2.0));
}

static void test_exact_sum_subnormal_and_overflow(void **state)
{
    (void)state;
    const double tiny[] = {0x1p-1074, 0x1p-1074, 0x1p-1074};
    assert_same_bits(sum_of(tiny, 3), 3 * 0x1p-1074);
    const double back[] = {DBL_MAX, DBL_MAX, -DBL_MAX};
    assert_same_bits(sum_of(back, 3), DBL_MAX); /* no overflow on the way */
    const double over[] = {DBL_MAX, DBL_MAX};
    assert_true(isinf(sum_of(over, 2)) && sum_of(over, 2) > 0);
    const double zero[] = {0.0, -0.0, 5.0, -5.0};
    assert_same_bits(sum_of(zero, 4), 0.0);
}

static void test_exact_sum_non_finite_terms(void **state)
{
    (void)state;
    const double inf[] = {1.0, INFINITY, 2.0};
    assert_true(isinf(sum_of(inf, 3)) && sum_of(inf, 3) > 0);
    const double ninf[] = {-INFINITY, 1e308};
    assert_true(isinf(sum_of(ninf, 2)) && sum_of(ninf, 2) < 0);
    const double both[] = {INFINITY, -INFINITY};
    assert_true(isnan(sum_of(both, 2)));
    const double nan[] = {1.0, NAN};
    assert_true(isnan(sum_of(nan, 2)));
}

/* Terms that are multiples of 2^-20 below 2^30 sum exactly in a 64-bit
 * integer; converting that integer to a double rounds to nearest, ties to
 * even: an independent reference for the rounding of long sums. */
static void test_exact_sum_matches_integer_reference(void **state)
{
    (void)state;
    mg_rng r;
    mg_rng_seed(&r, 12);
    for (int round = 0; round < 50; round++) {
        int64_t ref = 0;
        double v[1000];
        for (size_t i = 0; i < 1000; i++) {
            int64_t k = (int64_t)(mg_rng_next(&r) >> 11) - (INT64_C(1) << 52); /* |k| <= 2^52: exact as a double */
            ref += k;
            v[i] = ldexp((double)k, -20);
        }
        assert_same_bits(sum_of(v, 1000), ldexp((double)ref, -20));
    }
}

/* A double with a random sign, significand and exponent in [-60, 60]. */
static double random_term(mg_rng *r)
{
    uint64_t u = mg_rng_next(r);
    double m = (double)(u >> 11) * 0x1p-53;
    int e = (int)(mg_rng_next(r) % 121) - 60;
    return (u & 1 ? -1 : 1) * ldexp(m, e);
}

static void test_exact_sum_same_bits_for_any_order_and_split(void **state)
{
    (void)state;
    enum { N = 5000 };
    double *v = malloc(N * sizeof *v);
    mg_rng r;
    mg_rng_seed(&r, 7);
    for (size_t i = 0; i < N; i++)
        v[i] = random_term(&r);
    double forward = sum_of(v, N);
    /* Plain addition of the same terms in two orders disagrees: the case
     * the exact sum exists for. */
    double plain_fwd = 0, plain_back = 0;
    for (size_t i = 0; i < N; i++)
        plain_fwd += v[i];
    for (size_t i = N; i-- > 0;)
        plain_back += v[i];
    assert_true(plain_fwd != plain_back);
    /* Backwards. */
    mg_exact_sum back;
    mg_exact_sum_clear(&back);
    for (size_t i = N; i-- > 0;)
        mg_exact_sum_add(&back, v[i]);
    assert_same_bits(mg_exact_sum_value(&back), forward);
    /* 7 partial sums, each through its JSON text, merged. */
    mg_exact_sum merged;
    mg_exact_sum_clear(&merged);
    for (size_t part = 0; part < 7; part++) {
        mg_exact_sum p;
        mg_exact_sum_clear(&p);
        for (size_t i = part * N / 7; i < (part + 1) * N / 7; i++)
            mg_exact_sum_add(&p, v[i]);
        json_t *saved = mg_exact_sum_save(&p);
        char *text = json_dumps(saved, JSON_COMPACT);
        json_t *loaded = json_loads(text, 0, NULL);
        char msg[256];
        assert_int_equal(mg_exact_sum_merge_json(&merged, loaded, "sum", msg, sizeof msg), 0);
        json_decref(saved);
        json_decref(loaded);
        free(text);
    }
    assert_same_bits(mg_exact_sum_value(&merged), forward);
    free(v);
}

static void test_exact_sum_expand_gives_the_exact_value(void **state)
{
    (void)state;
    const double v[] = {1.0, 0x1p-80, 0x1p-200, -0x1p-300, 1e10};
    mg_exact_sum s;
    mg_exact_sum_clear(&s);
    for (size_t i = 0; i < 5; i++)
        mg_exact_sum_add(&s, v[i]);
    double terms[48];
    size_t n = mg_exact_sum_expand(&s, terms, 48);
    assert_true(n >= 3); /* more than one double can hold */
    assert_same_bits(terms[0], mg_exact_sum_value(&s));
    /* The terms add back to the sum exactly: the difference is zero. */
    for (size_t i = 0; i < n; i++)
        mg_exact_sum_add(&s, -terms[i]);
    assert_same_bits(mg_exact_sum_value(&s), 0.0);
    double one[48];
    assert_int_equal(mg_exact_sum_expand(&s, one, 48), 0);
}

static void test_exact_sum_refuses_bad_state(void **state)
{
    (void)state;
    mg_exact_sum s;
    mg_exact_sum_clear(&s);
    char msg[256];
    json_t *bad = json_pack("{s:i, s:s, s:i, s:i, s:i}", "at", 66, "limbs", "AAAAAAAAAAAAAAAAAAAAAA==", "inf", 0,
                            "-inf", 0, "nan", 0); /* two limbs from the top one: past the end */
    assert_int_equal(mg_exact_sum_merge_json(&s, bad, "logloss", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'logloss'"));
    json_decref(bad);
    assert_int_equal(mg_exact_sum_merge_json(&s, NULL, "brier", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'brier': expected an exact sum"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_sum_cancellation_loses_nothing),
        cmocka_unit_test(test_exact_sum_rounds_to_nearest_ties_to_even),
        cmocka_unit_test(test_exact_sum_subnormal_and_overflow),
        cmocka_unit_test(test_exact_sum_non_finite_terms),
        cmocka_unit_test(test_exact_sum_matches_integer_reference),
        cmocka_unit_test(test_exact_sum_same_bits_for_any_order_and_split),
        cmocka_unit_test(test_exact_sum_expand_gives_the_exact_value),
        cmocka_unit_test(test_exact_sum_refuses_bad_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
