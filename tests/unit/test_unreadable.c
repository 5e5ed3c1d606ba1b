/*
 * Unit tests for issue 8 item 1: a check never passes on a value it could
 * not read.  Times without a zone (and time_zone in the spec), and, for
 * every check found to skip an unreadable value in silence, its offence.
 * Each gate runs through the real spec loader and runner.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness/spec.h"
#include "support/gate_run.h"
#include "support/tmpfiles.h"

static tu_gate run_gate(const char *data_name, const char *data, const char *spec_text)
{
    tu_write(data_name, data);
    return tu_gate_run(tu_write("gate.json", spec_text));
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay ? hay : "(null)", needle);
}

static void assert_example(const mg_result *res, size_t i, const char *needle)
{
    if (i >= res->nexamples)
        fail_msg("'%s' has no example %zu (wanted '%s')", res->name, i, needle);
    assert_contains(res->examples[i], needle);
}

/* Loads a spec expected to fail; the caller frees errs. */
static void load_fails(const char *text, mg_spec_errors *errs)
{
    mg_spec *s = mg_spec_load(tu_write("gate.json", text), errs);
    assert_null(s);
    assert_true(errs->count > 0);
}

/* pandas' default: no zone, rows shuffled (line 3 is earlier than line 2). */
static const char pandas_csv[] =
    "id,event_time\n"
    "1,2025-03-01 05:18:03\n"
    "2,2025-03-01 04:00:00\n"
    "3,2025-03-02 00:00:00\n";

/* The user's case: `order` passed with `keys: 0`, reading nothing. */
static void test_order_zone_less_times_are_offences(void **state)
{
    (void)state;
    tu_gate r = run_gate("p.csv", pandas_csv,
                         "{\"data\": {\"path\": \"p.csv\", \"time\": \"event_time\"},"
                         " \"checks\": [{\"check\": \"order\"}]}");
    const mg_result *res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 3);
    assert_true(tu_prop(res, "unparsable_times") == 3);
    assert_true(tu_prop(res, "out_of_order") == 0);
    assert_example(res, 0, "p.csv:2: event_time: found '2025-03-01 05:18:03', expected an RFC 3339 time");
    assert_example(res, 0, "(add a timezone, or set \"time_zone\")");
    assert_contains(res->message, "without a readable time");
    tu_gate_free(&r);
}

static void test_order_with_time_zone_reads_zone_less_times(void **state)
{
    (void)state;
    /* data.time_zone: shuffled data is out of order, and only that. */
    tu_gate r = run_gate("p.csv", pandas_csv,
                         "{\"data\": {\"path\": \"p.csv\", \"time\": \"event_time\", \"time_zone\": \"UTC\"},"
                         " \"checks\": [{\"check\": \"order\"}]}");
    const mg_result *res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 1);
    assert_true(tu_prop(res, "unparsable_times") == 0);
    assert_true(tu_prop(res, "worst_lateness_seconds") == 4683);
    assert_example(res, 0, "p.csv:3: event_time: found '2025-03-01 04:00:00', 4683 s before the event at line 2");
    tu_gate_free(&r);

    /* Sorted, with dates and fractions mixed in, it passes. */
    r = run_gate("s.csv", "id,event_time\n1,2025-03-01\n2,2025-03-01 04:00:00.5\n3,2025-03-01T05:18:03\n"
                          "4,2025-03-01T06:30:00+01:00\n",
                 "{\"data\": {\"path\": \"s.csv\", \"time\": \"event_time\", \"time_zone\": \"Z\"},"
                 " \"checks\": [{\"check\": \"order\"}]}");
    res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_PASS);
    assert_true(tu_prop(res, "keys") == 1);
    tu_gate_free(&r);
}

/* A schema field's time_zone overrides data.time_zone for that column:
 * 06:00 at +02:00 is 04:00Z, before 05:00Z. */
static void test_order_field_time_zone_overrides_data(void **state)
{
    (void)state;
    const char *csv = "id,t\n1,2025-03-01T05:00:00Z\n2,2025-03-01 06:00:00\n";
    tu_gate r = run_gate("f.csv", csv,
                         "{\"data\": {\"path\": \"f.csv\", \"time\": \"t\", \"time_zone\": \"UTC\"},"
                         " \"schema\": {\"t\": {\"type\": \"timestamp\", \"time_zone\": \"+02:00\"}},"
                         " \"checks\": [{\"check\": \"order\"}, {\"check\": \"types\"}]}");
    assert_true(tu_prop(tu_result(&r, "order", 0), "out_of_order") == 1);
    assert_true(tu_prop(tu_result(&r, "order", 0), "worst_lateness_seconds") == 3600);
    assert_int_equal(tu_result(&r, "types", 0)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
}

/* A missing time is an offence, unless the schema lets the field be missing. */
static void test_order_missing_time(void **state)
{
    (void)state;
    const char *csv = "id,t\n1,2025-03-01T05:00:00Z\n2,\n3,2025-03-01T06:00:00Z\n";
    tu_gate r = run_gate("m.csv", csv, "{\"data\": {\"path\": \"m.csv\", \"time\": \"t\"}, \"checks\": [{\"check\": \"order\"}]}");
    const mg_result *res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "missing_times") == 1);
    assert_example(res, 0, "m.csv:3: t: found an empty field, expected a time");
    tu_gate_free(&r);

    r = run_gate("m.csv", csv,
                 "{\"data\": {\"path\": \"m.csv\", \"time\": \"t\"},"
                 " \"schema\": {\"t\": {\"type\": \"timestamp\", \"nullable\": true}},"
                 " \"checks\": [{\"check\": \"order\"}]}");
    res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_PASS);
    assert_true(tu_prop(res, "missing_times") == 0);
    assert_true(tu_prop(res, "skipped_times") == 1);
    tu_gate_free(&r);
}

/* types and ranges read zone-less timestamps and bounds in the zone. */
static void test_types_and_ranges_with_time_zone(void **state)
{
    (void)state;
    const char *csv = "t\n2025-03-01 05:18:03\n2024-12-31\n";
    tu_gate r = run_gate("t.csv", csv,
                         "{\"data\": {\"path\": \"t.csv\"}, \"schema\": {\"t\": {\"type\": \"timestamp\"}},"
                         " \"checks\": [{\"check\": \"types\"}]}");
    const mg_result *res = tu_result(&r, "types", 0);
    assert_true(tu_prop(res, "count") == 2);
    assert_example(res, 0, "t.csv:2: t: found '2025-03-01 05:18:03', expected an RFC 3339 time");
    assert_example(res, 0, "or set \"time_zone\")");
    tu_gate_free(&r);

    r = run_gate("t.csv", csv,
                 "{\"data\": {\"path\": \"t.csv\", \"time_zone\": \"-05:30\"},"
                 " \"schema\": {\"t\": {\"type\": \"timestamp\", \"min\": \"2025-01-01\", \"max\": \"2025-03-01 00:00:00\"}},"
                 " \"checks\": [{\"check\": \"types\"}, {\"check\": \"ranges\"}]}");
    assert_int_equal(tu_result(&r, "types", 0)->status, MG_STATUS_PASS);
    res = tu_result(&r, "ranges", 0);
    assert_true(tu_prop(res, "count") == 2);
    assert_example(res, 0, "t.csv:2: t: found '2025-03-01 05:18:03', expected at most");
    assert_example(res, 1, "t.csv:3: t: found '2024-12-31', expected at least");
    tu_gate_free(&r);
}

static void test_spec_time_zone_errors_have_positions(void **state)
{
    (void)state;
    mg_spec_errors errs;
    load_fails("{\"data\": {\"path\": \"d.csv\",\n"
               "  \"time_zone\": \"Europe/Paris\"},\n"
               " \"schema\": {\"a\": {\"type\": \"timestamp\", \"time_zone\": \"+2\"},\n"
               "            \"b\": {\"type\": \"number\", \"time_zone\": \"UTC\"},\n"
               "            \"c\": {\"type\": \"timestamp\", \"min\": \"2025-01-01\"}}}", &errs);
    assert_int_equal(errs.total, 4);
    assert_contains(errs.msg[0], "gate.json:2:16: data.time_zone: named time zone 'Europe/Paris' is not supported");
    assert_contains(errs.msg[0], "give \"UTC\" or a fixed offset such as \"+01:00\"");
    assert_contains(errs.msg[1], "gate.json:3:53: schema.a.time_zone: unknown time zone '+2'");
    assert_contains(errs.msg[2], "gate.json:4:37: schema.b.time_zone: time_zone applies to timestamp fields, not number");
    assert_contains(errs.msg[3], "gate.json:5:47: schema.c.min: found '2025-01-01', which has no timezone");
    mg_spec_errors_free(&errs);

    load_fails("{\"data\": {\"path\": \"d.csv\", \"time_zone\": 2}}", &errs);
    assert_contains(errs.msg[0], "data.time_zone: expected a string, found a number");
    mg_spec_errors_free(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_zone_less_times_are_offences),
        cmocka_unit_test(test_order_with_time_zone_reads_zone_less_times),
        cmocka_unit_test(test_order_field_time_zone_overrides_data),
        cmocka_unit_test(test_order_missing_time),
        cmocka_unit_test(test_types_and_ranges_with_time_zone),
        cmocka_unit_test(test_spec_time_zone_errors_have_positions),
    };
    return cmocka_run_group_tests_name("unreadable", tests, NULL, NULL);
}
