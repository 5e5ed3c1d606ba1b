/* Unit tests for sources/row.c: reading values as numbers, row copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/row.h"

static int as_double(const char *s, double *d)
{
    mg_value v = {MG_VALUE_TEXT, s, strlen(s), 0, 0};
    return mg_value_to_double(&v, d);
}

/* The fast decimal path must give exactly strtod's double. */
static void test_row_number_parse_equals_strtod(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    char buf[64];
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int intpart = (int)(x % 7), fracpart = (int)((x >> 8) % 12);
        unsigned long long a = (x >> 16) % 10000000ULL, b = (x >> 20) % 1000000000000ULL;
        snprintf(buf, sizeof buf, "%s%.*llu.%0*llu", (x & 1) ? "-" : "", intpart + 1, a, fracpart + 1, b % 1000000000000ULL);
        double got, want = strtod(buf, NULL);
        assert_int_equal(as_double(buf, &got), 0);
        if (memcmp(&got, &want, sizeof got) != 0)
            fail_msg("'%s': got %.17g, strtod %.17g", buf, got, want);
    }
}

/* Edge forms of the fast path (a point at either end, signs alone, leading
 * zeros, too many digits, C-locale spaces): every accepted one gives
 * strtod's double, every refused one is refused. */
static void test_row_number_edges_equal_strtod(void **state)
{
    (void)state;
    static const char *const accepted[] = {"5.", ".5", "+.5", "-.25", "0000000000000000000001.5", "12345678901234567",
                                           "1.0000000000000000000000001", "\t7\n", "\v-3.5\f", "+0.0", "999999999999999.9"};
    for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
        double got, want = strtod(accepted[i], NULL);
        assert_int_equal(as_double(accepted[i], &got), 0);
        if (memcmp(&got, &want, sizeof got) != 0)
            fail_msg("'%s': got %.17g, strtod %.17g", accepted[i], got, want);
    }
    static const char *const refused[] = {"-", "+", ".", "1. 2", "--1", "1-", "", " ", "1..", "\x80"};
    double d;
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (as_double(refused[i], &d) != -1)
            fail_msg("'%s' read as %.17g", refused[i], d);
}

static void test_row_number_forms(void **state)
{
    (void)state;
    double d;
    assert_int_equal(as_double(" 42 ", &d), 0);
    assert_true(d == 42);
    assert_int_equal(as_double("1e-3", &d), 0);
    assert_true(d == 0.001);
    assert_int_equal(as_double("-0", &d), 0);
    assert_true(d == 0 && signbit(d));
    assert_int_equal(as_double("0.1234567890123456789", &d), 0); /* > 15 digits: strtod */
    assert_true(d == strtod("0.1234567890123456789", NULL));
    assert_int_equal(as_double(".", &d), -1);
    assert_int_equal(as_double("1.2.3", &d), -1);
    assert_int_equal(as_double("0x1p3", &d), -1);
    assert_int_equal(as_double("12abc", &d), -1);
    mg_value b = {MG_VALUE_BOOL, "true", 4, 1, 0};
    assert_int_equal(mg_value_to_double(&b, &d), 0);
    assert_true(d == 1);
    mg_value n = {MG_VALUE_NULL, "", 0, 0, 0};
    assert_int_equal(mg_value_to_double(&n, &d), -1);
    assert_true(mg_value_is_missing(&n));
}

static void test_row_dup_is_deep(void **state)
{
    (void)state;
    char a[] = "abc", b[] = "";
    mg_value vals[2] = {{MG_VALUE_TEXT, a, 3, 0, 0}, {MG_VALUE_TEXT, b, 0, 0, 1}};
    mg_row row = {2, vals, 2, 7, 3, 10};
    mg_row *copy = mg_row_dup(&row);
    a[0] = 'X';
    assert_string_equal(copy->values[0].text, "abc");
    assert_int_equal(copy->values[1].quoted, 1);
    assert_int_equal(copy->line, 7);
    mg_row_free(copy);
    mg_row_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_number_parse_equals_strtod),
        cmocka_unit_test(test_row_number_edges_equal_strtod),
        cmocka_unit_test(test_row_number_forms),
        cmocka_unit_test(test_row_dup_is_deep),
    };
    return cmocka_run_group_tests_name("row", tests, NULL, NULL);
}
