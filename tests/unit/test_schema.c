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

/* Issue 8: pandas writes "2025-03-01 05:18:03", with no zone.  Without a
 * time_zone it names no instant (MG_TIME_NO_ZONE); with one it is read. */
static void test_schema_timestamp_zone_less_forms_need_a_time_zone(void **state)
{
    (void)state;
    double t = -1;
    const char *forms[] = {"2025-03-01 05:18:03", "2025-03-01 05:18:03.250", "2025-03-01T05:18:03",
                           "2025-03-01t05:18:03.5", "2025-03-01"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        if (mg_parse_timestamp(forms[i], strlen(forms[i]), NULL, &t) != MG_TIME_NO_ZONE)
            fail_msg("'%s' without a time_zone: not MG_TIME_NO_ZONE", forms[i]);
        if (mg_parse_rfc3339(forms[i], strlen(forms[i]), &t) != -1)
            fail_msg("'%s' accepted as RFC 3339", forms[i]);
    }
    mg_time_zone utc = {1, 0};
    assert_int_equal(mg_parse_timestamp("2025-03-01 05:18:03", 19, &utc, &t), 0);
    assert_true(t == 1740806283.0);
    assert_int_equal(mg_parse_timestamp("2025-03-01T05:18:03", 19, &utc, &t), 0);
    assert_true(t == 1740806283.0);
    assert_int_equal(mg_parse_timestamp("2025-03-01 05:18:03.250", 23, &utc, &t), 0);
    assert_true(t == 1740806283.25);
    assert_int_equal(mg_parse_timestamp("2025-03-01", 10, &utc, &t), 0);
    assert_true(t == 1740787200.0); /* midnight */
    /* A time that carries its own offset ignores the time_zone. */
    mg_time_zone plus2 = {1, 7200};
    assert_int_equal(mg_parse_timestamp("2025-03-01T05:18:03Z", 20, &plus2, &t), 0);
    assert_true(t == 1740806283.0);
}

static void test_schema_timestamp_time_zone_offsets(void **state)
{
    (void)state;
    double t;
    mg_time_zone tz;
    /* 07:18:03 at +02:00 and 23:48:03 the day before at -05:30 are 05:18:03Z. */
    assert_int_equal(mg_time_zone_parse("+02:00", &tz), 0);
    assert_int_equal(tz.offset_seconds, 7200);
    assert_int_equal(mg_parse_timestamp("2025-03-01 07:18:03", 19, &tz, &t), 0);
    assert_true(t == 1740806283.0);
    assert_int_equal(mg_time_zone_parse("-05:30", &tz), 0);
    assert_int_equal(tz.offset_seconds, -19800);
    assert_int_equal(mg_parse_timestamp("2025-02-28 23:48:03", 19, &tz, &t), 0);
    assert_true(t == 1740806283.0);
    assert_int_equal(mg_time_zone_parse("UTC", &tz), 0);
    assert_true(tz.set && tz.offset_seconds == 0);
    assert_int_equal(mg_time_zone_parse("Z", &tz), 0);
    assert_true(tz.set && tz.offset_seconds == 0);
    const char *bad[] = {"Europe/Paris", "CET", "+2", "+0200", "02:00", "+24:00", "+02:60", "utc+1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (mg_time_zone_parse(bad[i], &tz) == 0)
            fail_msg("time_zone '%s' accepted", bad[i]);
}

static void test_schema_timestamp_rejects_malformed_zone_less(void **state)
{
    (void)state;
    double t;
    mg_time_zone utc = {1, 0};
    const char *bad[] = {"2025-02-29", "2025-03-01 25:00:00", "2025-03-01 05:18", "2025-03-01 05:18:03.",
                         "2025-03-01Z", "2025-03-01 05:18:03 UTC", "2025/03/01 05:18:03", "03/01/2025",
                         "2025-03-01 05:18:03+0200", "2025-3-1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (mg_parse_timestamp(bad[i], strlen(bad[i]), &utc, &t) != -1)
            fail_msg("'%s' accepted", bad[i]);
}

/* The `types` check's reading of a value: the zone-less hint, and the zone. */
static void test_schema_value_as_timestamp_expected_text(void **state)
{
    (void)state;
    double t;
    const char *expected = NULL;
    mg_value v = text("2025-03-01 05:18:03");
    assert_int_equal(mg_value_as_timestamp(&v, NULL, &t, &expected), -1);
    assert_non_null(strstr(expected, "an RFC 3339 time"));
    assert_non_null(strstr(expected, "(add a timezone, or set \"time_zone\")"));
    v = text("yesterday");
    assert_int_equal(mg_value_as_timestamp(&v, NULL, &t, &expected), -1);
    assert_null(strstr(expected, "time_zone"));
    mg_field_spec fs = {.name = "t", .type = MG_TYPE_TIMESTAMP, .time_zone = {1, 3600}};
    v = text("2025-03-01 06:18:03");
    assert_int_equal(mg_value_as_field(&v, &fs, &t, &expected), 0);
    assert_true(t == 1740806283.0);
    v = number(12.5);
    assert_int_equal(mg_value_as_field(&v, &fs, &t, &expected), 0);
    assert_true(t == 12.5);
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
        cmocka_unit_test(test_schema_timestamp_zone_less_forms_need_a_time_zone),
        cmocka_unit_test(test_schema_timestamp_time_zone_offsets),
        cmocka_unit_test(test_schema_timestamp_rejects_malformed_zone_less),
        cmocka_unit_test(test_schema_value_as_timestamp_expected_text),
        cmocka_unit_test(test_schema_utf8_length_counts_code_points),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
