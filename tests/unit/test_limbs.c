/*
 * Unit tests for the exact accumulators' big integers (common/limbs.c):
 * carrying keeps the value and gives one representation, the sign and
 * absolute value of negative numbers, and the state object's round trip
 * and its refusals (a digit of 32 bits or more, a top limb past its bound,
 * digits past the end, a malformed object).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/limbs.h"
#include "common/state_json.h"

#define N 4
#define TWO32 (INT64_C(1) << 32)

/* The value of limb[0..n) as a long double (exact for the small numbers here). */
static long double value_of(const int64_t *limb, size_t n)
{
    long double v = 0;
    for (size_t i = n; i-- > 0;)
        v = v * (long double)TWO32 + (long double)limb[i];
    return v;
}

static void test_limbs_carry_keeps_value_and_normalises(void **state)
{
    (void)state;
    /* Arrange: limbs out of digit range both ways, value 5 2^64 - 3 2^32 - 7 */
    int64_t limb[N] = {-7, -3, 5, 0};
    long double before = value_of(limb, N);
    /* Act */
    mg_limbs_carry(limb, N);
    /* Assert: the same value, every limb but the top one a 32-bit digit */
    assert_true(value_of(limb, N) == before);
    for (size_t i = 0; i + 1 < N; i++)
        assert_true(limb[i] >= 0 && limb[i] < TWO32);
    assert_int_equal(limb[0], TWO32 - 7);
}

static void test_limbs_magnitude_of_negative_and_positive(void **state)
{
    (void)state;
    int64_t neg[N] = {1, 0, -2, 0}, abs[N];
    /* Act + Assert: -(2 2^64 - 1) */
    assert_int_equal(mg_limbs_magnitude(neg, N, abs), 1);
    assert_true(value_of(abs, N) == -value_of(neg, N));
    for (size_t i = 0; i < N; i++)
        assert_true(abs[i] >= 0 && abs[i] < TWO32);
    int64_t pos[N] = {TWO32 + 3, 0, 0, 0};
    assert_int_equal(mg_limbs_magnitude(pos, N, abs), 0);
    assert_int_equal(abs[0], 3);
    assert_int_equal(abs[1], 1);
    int64_t zero[N] = {0};
    assert_int_equal(mg_limbs_magnitude(zero, N, abs), 0);
    assert_true(value_of(abs, N) == 0);
}

static void test_limbs_save_load_round_trip(void **state)
{
    (void)state;
    /* Arrange: uncarried limbs of a negative value, zero low limb */
    int64_t limb[N] = {0, TWO32 + 9, -1, -1}, back[N], carried[N];
    memcpy(carried, limb, sizeof carried);
    mg_limbs_carry(carried, N);
    char msg[200] = "";
    /* Act */
    json_t *o = mg_limbs_save(limb, N, "digits");
    int rc = mg_limbs_load(o, "digits", back, N, INT64_C(1) << 40, "sum", msg, sizeof msg);
    /* Assert: only the nonzero span is stored, and it reads back carried */
    assert_int_equal(rc, 0);
    assert_int_equal(json_integer_value(json_object_get(o, "at")), 1);
    assert_memory_equal(back, carried, sizeof back);
    json_decref(o);
}

static void test_limbs_load_refuses_what_does_not_fit(void **state)
{
    (void)state;
    int64_t limb[N], big[N] = {0, 0, 0, INT64_C(1) << 41};
    char msg[200];
    /* a top limb past the bound */
    json_t *o = mg_limbs_save(big, N, "digits");
    assert_int_equal(mg_limbs_load(o, "digits", limb, N, INT64_C(1) << 40, "squares", msg, sizeof msg), -1);
    assert_string_equal(msg, "'squares': digit 3 is out of range");
    /* more digits than the number has */
    assert_int_equal(mg_limbs_load(o, "digits", limb, N - 1, INT64_C(1) << 40, "squares", msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'squares': 1 digits from 3, expected at most 3"));
    json_decref(o);
    /* a digit of 32 bits or more below the top */
    const uint64_t words[2] = {(uint64_t)TWO32, 0};
    o = json_pack("{s:i, s:o}", "at", 0, "digits", mg_state_counts(words, 2));
    assert_int_equal(mg_limbs_load(o, "digits", limb, N, INT64_C(1) << 40, "sum", msg, sizeof msg), -1);
    assert_string_equal(msg, "'sum': digit 0 is out of range");
    json_decref(o);
    /* not an object, or without its keys */
    assert_int_equal(mg_limbs_load(NULL, "digits", limb, N, 1, "sum", msg, sizeof msg), -1);
    assert_string_equal(msg, "'sum': expected an object {\"at\", \"digits\"} of 32-bit digits");
    o = json_pack("{s:i}", "at", 0);
    assert_int_equal(mg_limbs_load(o, "digits", limb, N, 1, "sum", msg, sizeof msg), -1);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limbs_carry_keeps_value_and_normalises),
        cmocka_unit_test(test_limbs_magnitude_of_negative_and_positive),
        cmocka_unit_test(test_limbs_save_load_round_trip),
        cmocka_unit_test(test_limbs_load_refuses_what_does_not_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
