/* Unit tests for checks/schema.c: reading values as declared types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "checks/schema.h"

static mg_value text(const char *s)
{
    mg_value v = {MG_VALUE_TEXT, s, strlen(s), 0, 0};
    return v;
}

static mg_value number(double d)
{
    mg_value v = {MG_VALUE_NUMBER, "", 0, d, 0};
    return v;
}

static int as(mg_value v, mg_field_type t, double *out)
{
    const char *expected = NULL;
    return mg_value_as_type(&v, t, out, &expected);
}

static void test_schema_rfc3339_known_instants(void **state)
{
    (void)state;
    double t;
    assert_int_equal(mg_parse_rfc3339("1970-01-01T00:00:00Z", 20, &t), 0);
    assert_true(t == 0.0);
    assert_int_equal(mg_parse_rfc3339("2024-02-29T12:30:15Z", 20, &t), 0);
    assert_true(t == 1709209815.0);
    /* An offset moves the instant; fractions are kept. */
    assert_int_equal(mg_parse_rfc3339("2024-02-29T14:30:15.25+02:00", 28, &t), 0);
    assert_true(t == 1709209815.25);
    assert_int_equal(mg_parse_rfc3339("2024-02-29 12:30:15z", 20, &t), 0);
    assert_true(t == 1709209815.0);
}

static void test_schema_rfc3339_rejects_invalid(void **state)
{
    (void)state;
    double t;
    const char *bad[] = {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
                         "2024-01-01T00:00:00", "2024-01-01", "2024-01-01T00:00:00+0200",
                         "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zjunk", "abcd-ef-ghTij:kl:mnZ"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (mg_parse_rfc3339(bad[i], strlen(bad[i]), &t) == 0)
            fail_msg("accepted '%s'", bad[i]);
}

static void test_schema_number_and_integer(void **state)
{
    (void)state;
    double d;
    assert_int_equal(as(text(" 12.5 "), MG_TYPE_NUMBER, &d), 0);
    assert_true(d == 12.5);
    assert_int_equal(as(text("1e3"), MG_TYPE_NUMBER, &d), 0);
    assert_int_equal(as(text("12,50"), MG_TYPE_NUMBER, &d), -1);
    assert_int_equal(as(text("nan"), MG_TYPE_NUMBER, &d), -1);
    assert_int_equal(as(text("inf"), MG_TYPE_NUMBER, &d), -1);
    assert_int_equal(as(text("0x10"), MG_TYPE_NUMBER, &d), -1);
    assert_int_equal(as(text("-42"), MG_TYPE_INTEGER, &d), 0);
    assert_true(d == -42);
    assert_int_equal(as(text("4.0"), MG_TYPE_INTEGER, &d), -1);
    assert_int_equal(as(number(4.0), MG_TYPE_INTEGER, &d), 0);
    assert_int_equal(as(number(4.5), MG_TYPE_INTEGER, &d), -1);
}

static void test_schema_boolean_string_timestamp(void **state)
{
    (void)state;
    double d;
    assert_int_equal(as(text("TRUE"), MG_TYPE_BOOLEAN, &d), 0);
    assert_true(d == 1);
    assert_int_equal(as(text("no"), MG_TYPE_BOOLEAN, &d), 0);
    assert_true(d == 0);
    assert_int_equal(as(text("yes?"), MG_TYPE_BOOLEAN, &d), -1);
    assert_int_equal(as(text("anything"), MG_TYPE_STRING, &d), 0);
    /* A JSON number is not a string. */
    assert_int_equal(as(number(3), MG_TYPE_STRING, &d), -1);
    assert_int_equal(as(text("1700000000"), MG_TYPE_TIMESTAMP, &d), 0);
    assert_true(d == 1700000000.0);
    assert_int_equal(as(text("yesterday"), MG_TYPE_TIMESTAMP, &d), -1);
}

static void test_schema_utf8_length_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(mg_utf8_length("abc", 3), 3);
    assert_int_equal(mg_utf8_length("Z\xc3\xbcrich", 7), 6);       /* Zürich */
    assert_int_equal(mg_utf8_length("\xe2\x82\xac" "5", 4), 2);    /* €5 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_rfc3339_known_instants),
        cmocka_unit_test(test_schema_rfc3339_rejects_invalid),
        cmocka_unit_test(test_schema_number_and_integer),
        cmocka_unit_test(test_schema_boolean_string_timestamp),
        cmocka_unit_test(test_schema_utf8_length_counts_code_points),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
