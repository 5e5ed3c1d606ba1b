/*
 * Unit tests for the data checks (checks/data/), each run through the
 * real spec loader and runner over a small file, so what is tested is what
 * `mgate run` does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "support/gate_run.h"
#include "support/tmpfiles.h"

/* Writes data and spec, loads and runs the gate. */
static tu_gate run_gate(const char *data_name, const char *data, const char *spec_text)
{
    tu_write(data_name, data);
    return tu_gate_run(tu_write("gate.json", spec_text));
}

static void assert_example(const mg_result *res, size_t i, const char *needle)
{
    if (i >= res->nexamples || !strstr(res->examples[i], needle))
        fail_msg("example %zu of '%s' lacks '%s' (got '%s')", i, res->name, needle,
                 i < res->nexamples ? res->examples[i] : "(none)");
}

static const char people_csv[] =
    "id,name,age,email\n"
    "1,Ann,34,ann@example.com\n"
    "2,,41,bob@example.com\n"          /* line 3: name empty */
    "3,\"\",29,\n"                     /* line 4: name quoted empty (present), email empty */
    "4,Dee,,dee@example.com\n";        /* line 5: age empty */

static void test_missing_counts_rows_and_names_fields(void **state)
{
    (void)state;
    tu_gate r = run_gate("people.csv", people_csv,
                     "{\"data\": {\"path\": \"people.csv\"},"
                     " \"schema\": {\"name\": {}, \"age\": {\"type\": \"integer\"},"
                     "             \"email\": {\"nullable\": true}},"
                     " \"checks\": [{\"check\": \"missing\"}]}");
    const mg_result *res = tu_result(&r, "missing", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    /* Rows 3 (name) and 5 (age); the quoted "" name and the nullable email are present. */
    assert_true(tu_prop(res, "count") == 2);
    assert_true(tu_prop(res, "rows") == 4);
    assert_true(tu_prop(res, "rate") == 0.5);
    assert_true(tu_prop(res, "missing.name") == 1);
    assert_example(res, 0, "people.csv:3: name: found an empty field, expected a value");
    assert_example(res, 1, "people.csv:5: age:");
    tu_gate_free(&r);
}

static void test_missing_column_absent_from_data(void **state)
{
    (void)state;
    tu_gate r = run_gate("people.csv", people_csv,
                     "{\"data\": {\"path\": \"people.csv\"}, \"schema\": {\"phone\": {}},"
                     " \"checks\": [{\"check\": \"missing\"}]}");
    const mg_result *res = tu_result(&r, "missing", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 4);
    assert_non_null(strstr(res->message, "required column 'phone' is not in the data"));
    tu_gate_free(&r);
}

static void test_missing_tolerance_rate_and_count(void **state)
{
    (void)state;
    /* 2 of 4 rows: max_rate 0.5 passes (not above), 0.49 fails; max_count 2 passes. */
    const char *specs[][2] = {
        {"{\"data\": {\"path\": \"p.csv\"}, \"schema\": {\"name\": {}, \"age\": {}}, \"checks\": [{\"check\": \"missing\", \"max_rate\": 0.5}]}", "pass"},
        {"{\"data\": {\"path\": \"p.csv\"}, \"schema\": {\"name\": {}, \"age\": {}}, \"checks\": [{\"check\": \"missing\", \"max_rate\": 0.49}]}", "fail"},
        {"{\"data\": {\"path\": \"p.csv\"}, \"schema\": {\"name\": {}, \"age\": {}}, \"checks\": [{\"check\": \"missing\", \"max_count\": 2}]}", "pass"},
        {"{\"data\": {\"path\": \"p.csv\"}, \"schema\": {\"name\": {}, \"age\": {}}, \"checks\": [{\"check\": \"missing\", \"max_count\": 1}]}", "fail"},
    };
    for (size_t i = 0; i < 4; i++) {
        tu_gate r = run_gate("p.csv", people_csv, specs[i][0]);
        const mg_result *res = tu_result(&r, "missing", 0);
        mg_status want = strcmp(specs[i][1], "pass") == 0 ? MG_STATUS_PASS : MG_STATUS_FAIL;
        if (res->status != want)
            fail_msg("case %zu: got %s: %s", i, mg_status_name(res->status), res->message);
        tu_gate_free(&r);
    }
}

static void test_types_and_ranges(void **state)
{
    (void)state;
    const char *csv =
        "amount,qty,flag,cur,code\n"
        "10.5,3,true,EUR,ab\n"
        "\"12,50\",3,true,EUR,ab\n"   /* line 3: amount wrong type */
        "-1,4.0,maybe,EUR,ab\n"       /* line 4: amount < min, qty not integer, flag wrong */
        "7,2000,false,XXX,abcdef\n"   /* line 5: qty > max, cur not allowed, code too long */
        ",5,false,USD,\xc3\xa9\xc3\xa9\n"; /* line 6: amount missing (not a type error); code 2 chars */
    const char *spec =
        "{\"data\": {\"path\": \"m.csv\"}, \"schema\": {"
        " \"amount\": {\"type\": \"number\", \"min\": 0}, \"qty\": {\"type\": \"integer\", \"max\": 100},"
        " \"flag\": {\"type\": \"boolean\"}, \"cur\": {\"values\": [\"EUR\", \"USD\"]},"
        " \"code\": {\"type\": \"string\", \"max_length\": 2}},"
        " \"checks\": [{\"check\": \"types\"}, {\"check\": \"ranges\"}]}";
    tu_gate r = run_gate("m.csv", csv, spec);
    const mg_result *types = tu_result(&r, "types", 0);
    assert_true(tu_prop(types, "count") == 2); /* rows 3 and 4 */
    assert_true(tu_prop(types, "wrong_type.qty") == 1);
    assert_example(types, 0, "m.csv:3: amount: found '12,50', expected a finite number");
    assert_example(types, 1, "m.csv:4: qty: found '4.0', expected an integer");
    const mg_result *ranges = tu_result(&r, "ranges", 0);
    /* Rows 4 and 5, and row 3: '12,50' cannot be compared with min (issue 8). */
    assert_true(tu_prop(ranges, "count") == 3);
    assert_example(ranges, 0, "m.csv:3: amount: found '12,50', expected a finite number to compare with min");
    assert_example(ranges, 1, "m.csv:4: amount: found '-1', expected at least 0");
    assert_example(ranges, 2, "m.csv:4: qty: found '4.0', expected an integer to compare with max");
    assert_example(ranges, 3, "m.csv:5: qty: found '2000', expected at most 100");
    assert_true(tu_prop(ranges, "out_of_range.qty") == 2);
    assert_true(tu_prop(ranges, "out_of_range.cur") == 1);
    assert_true(tu_prop(ranges, "out_of_range.code") == 1);
    tu_gate_free(&r);
}

/* The allowed values are looked up in a sorted copy: every listed value
 * (any length, listed in any order, a prefix of another, the empty string)
 * passes, and near misses (prefixes, extensions, case) do not.  The
 * message still names the first value as the schema lists it. */
static void test_ranges_values_lookup(void **state)
{
    (void)state;
    const char *csv =
        "cur\n"
        "USD\nEUR\nUS\nCHF\nX\n\"\"\n"  /* lines 2-7: all allowed */
        "usd\nUSDX\nU\nEU\nZZZ\n";         /* lines 8-12: none allowed */
    const char *spec =
        "{\"data\": {\"path\": \"v.csv\"}, \"schema\": {"
        " \"cur\": {\"values\": [\"USD\", \"X\", \"US\", \"EUR\", \"\", \"CHF\", \"ABCDEFGH\"]}},"
        " \"checks\": [{\"check\": \"ranges\"}]}";
    tu_gate r = run_gate("v.csv", csv, spec);
    const mg_result *ranges = tu_result(&r, "ranges", 0);
    assert_true(tu_prop(ranges, "count") == 5);
    assert_example(ranges, 0, "v.csv:8: cur: found 'usd', expected one of the 7 allowed values ('USD', ...)");
    assert_example(ranges, 1, "v.csv:9: cur: found 'USDX', expected one of the 7 allowed values ('USD', ...)");
    assert_example(ranges, 2, "v.csv:10: cur: found 'U', expected one of the 7 allowed values ('USD', ...)");
    tu_gate_free(&r);
}

static void test_order_per_key_with_lateness(void **state)
{
    (void)state;
    const char *csv =
        "k,t\n"
        "a,2024-01-01T10:00:00Z\n"
        "b,2024-01-01T09:00:00Z\n"   /* other key: not late */
        "a,2024-01-01T09:59:30Z\n"   /* 30 s late: allowed */
        "a,2024-01-01T09:00:00Z\n"   /* line 5: 1 h late */
        "b,1704099600\n"             /* epoch 2024-01-01T09:00:00Z: same time, fine */
        "b,2024-01-01T08:00:00+00:00\n"; /* line 7: 1 h late */
    tu_gate r = run_gate("e.csv", csv,
                     "{\"data\": {\"path\": \"e.csv\", \"key\": \"k\", \"time\": \"t\"},"
                     " \"checks\": [{\"check\": \"order\", \"allowed_lateness\": \"1m\"}]}");
    const mg_result *res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 2);
    assert_true(tu_prop(res, "worst_lateness_seconds") == 3600);
    assert_true(tu_prop(res, "allowed_lateness_seconds") == 60);
    assert_true(tu_prop(res, "keys") == 2);
    assert_example(res, 0, "e.csv:5: t:");
    assert_example(res, 0, "before the event at line 2 for key 'a'");
    tu_gate_free(&r);

    /* Without a key, the whole file must be in order. */
    r = run_gate("e.csv", csv, "{\"data\": {\"path\": \"e.csv\", \"time\": \"t\"}, \"checks\": [{\"check\": \"order\"}]}");
    assert_true(tu_prop(tu_result(&r, "order", 0), "count") == 5);
    tu_gate_free(&r);
}

static void test_duplicates_by_id_key_time_and_by(void **state)
{
    (void)state;
    const char *csv =
        "id,k,t,v\n"
        "1,a,1,x\n"
        "2,a,2,x\n"
        "1,b,3,y\n"   /* line 4: id 1 again */
        "3,a,2,y\n";  /* line 5: key a + time 2 again */
    tu_gate r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\", \"id\": \"id\"}, \"checks\": [{\"check\": \"duplicates\"}]}");
    const mg_result *res = tu_result(&r, "duplicates", 0);
    assert_true(tu_prop(res, "count") == 1);
    assert_example(res, 0, "d.csv:4: id: found '1' again, first seen at line 2");
    tu_gate_free(&r);

    r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\", \"key\": \"k\", \"time\": \"t\"}, \"checks\": [{\"check\": \"duplicates\"}]}");
    res = tu_result(&r, "duplicates", 0);
    assert_true(tu_prop(res, "count") == 1);
    assert_example(res, 0, "d.csv:5: k: found 'a' again, first seen at line 3 (same key and time)");
    tu_gate_free(&r);

    r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\"}, \"checks\": [{\"check\": \"duplicates\", \"by\": [\"v\"]}]}");
    assert_true(tu_prop(tu_result(&r, "duplicates", 0), "count") == 2);
    tu_gate_free(&r);

    r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\"}, \"checks\": [{\"check\": \"duplicates\", \"by\": \"nope\"}]}");
    res = tu_result(&r, "duplicates", 0);
    assert_int_equal(res->status, MG_STATUS_ERROR);
    assert_non_null(strstr(res->message, "column 'nope'"));
    tu_gate_free(&r);
}

static void test_format_counts_ragged_rows_and_always_runs(void **state)
{
    (void)state;
    const char *csv = "a,b,c\n1,2,3\n1,2\n1,2,3,4\n";
    tu_gate r = run_gate("f.csv", csv, "{\"data\": {\"path\": \"f.csv\"}}");
    const mg_result *res = tu_result(&r, "format", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "wrong_field_count") == 2);
    assert_example(res, 0, "f.csv:3: found 2 fields, expected 3 as in the header");
    assert_int_equal(tu_result(&r, "limits", 0)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
}

static void test_format_duplicate_header_name(void **state)
{
    (void)state;
    tu_gate r = run_gate("h.csv", "a,b,a\n1,2,3\n", "{\"data\": {\"path\": \"h.csv\"}}");
    const mg_result *res = tu_result(&r, "format", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_example(res, 0, "h.csv:1: a: found the column name again (columns 1 and 3)");
    tu_gate_free(&r);
}

static void test_limits_columns_and_field_size(void **state)
{
    (void)state;
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char csv[1024];
    snprintf(csv, sizeof csv, "a,b,c,d\n1,2,3,4\n1,%s,3,4\n5,6,7,8\n", big);
    tu_gate r = run_gate("l.csv", csv,
                     "{\"data\": {\"path\": \"l.csv\"}, \"limits\": {\"max_columns\": 3, \"max_field_bytes\": 100}}");
    const mg_result *res = tu_result(&r, "limits", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "columns_over_max") >= 1);
    assert_true(tu_prop(res, "fields_too_big") == 1);
    assert_example(res, 0, "l.csv:1: found 4 columns in the header, expected at most 3");
    /* The oversized row is skipped; the other rows are read. */
    assert_int_equal(r.report->facts.rows_read, 2);
    tu_gate_free(&r);
}

/* Issue 15, item 7: a header over max_columns and three records over it were
 * four events on three rows, a rate of 1.333.  Rows count once each and the
 * rate is offending rows / rows read; `inputs` counts all four. */
static void test_limits_rate_counts_rows_not_inputs(void **state)
{
    (void)state;
    tu_gate r = run_gate("w.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n",
                         "{\"data\": {\"path\": \"w.csv\"}, \"limits\": {\"max_columns\": 3}}");
    const mg_result *res = tu_result(&r, "limits", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 3);
    assert_true(tu_prop(res, "rows") == 3);
    assert_true(tu_prop(res, "rate") == 1.0);
    assert_true(tu_prop(res, "inputs") == 4);
    assert_true(tu_prop(res, "columns_over_max") == 4);
    assert_non_null(strstr(res->message, "4 inputs outside the size limits"));
    assert_non_null(strstr(res->message, "3 rows (rate 1 of 3 rows)"));
    tu_gate_free(&r);
}

/* A tolerance is for rows: a field over its limit on 1 row in 4 passes
 * max_rate 0.5, and the rate is 0.25 of the records read. */
static void test_limits_rate_tolerates_rows(void **state)
{
    (void)state;
    tu_gate r = run_gate("t.csv", "a,b\n1,2\n1,xxxxxxxxxxxx\n3,4\n5,6\n",
                         "{\"data\": {\"path\": \"t.csv\"}, \"limits\": {\"max_field_bytes\": 4},"
                         " \"checks\": [{\"check\": \"limits\", \"max_rate\": 0.5}]}");
    const mg_result *res = tu_result(&r, "limits", 0);
    assert_int_equal(res->status, MG_STATUS_PASS);
    assert_true(tu_prop(res, "count") == 1);
    assert_true(tu_prop(res, "rate") == 0.25);
    assert_true(tu_prop(res, "inputs") == 1);
    tu_gate_free(&r);
}

/* ...but not for the input as a whole: no readable rows (min_rows 1) was a
 * rate of 0 and passed max_rate. */
static void test_limits_whole_input_fails_whatever_the_rate(void **state)
{
    (void)state;
    tu_gate r = run_gate("e.csv", "a,b\n",
                         "{\"data\": {\"path\": \"e.csv\"},"
                         " \"checks\": [{\"check\": \"limits\", \"max_rate\": 0.5}]}");
    const mg_result *res = tu_result(&r, "limits", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "inputs") == 1);
    assert_true(tu_prop(res, "rate") == 0);
    tu_gate_free(&r);
}

static void test_jsonl_types_and_missing(void **state)
{
    (void)state;
    const char *jsonl =
        "{\"id\": 1, \"v\": 0.5, \"s\": \"a\"}\n"
        "{\"id\": 2, \"v\": \"0.5\", \"s\": 3}\n"    /* line 2: s not a string (v text is fine: parses) */
        "{\"id\": 3, \"v\": null}\n"                /* line 3: v null, s absent */
        "not json\n"                                /* line 4: malformed */
        "{\"id\": 4, \"v\": 1, \"s\": \"b\"}\n";
    tu_gate r = run_gate("x.jsonl", jsonl,
                     "{\"data\": {\"path\": \"x.jsonl\", \"id\": \"id\"},"
                     " \"schema\": {\"v\": {\"type\": \"number\"}, \"s\": {\"type\": \"string\"}}}");
    assert_true(tu_prop(tu_result(&r, "types", 0), "count") == 1);
    assert_example(tu_result(&r, "types", 0), 0, "x.jsonl:2: s: found 3, expected a string");
    assert_true(tu_prop(tu_result(&r, "missing", 0), "count") == 1);
    const mg_result *fmt = tu_result(&r, "format", 0);
    assert_int_equal(fmt->status, MG_STATUS_FAIL);
    assert_true(tu_prop(fmt, "unparsable") == 1);
    assert_example(fmt, 0, "x.jsonl:4:");
    assert_int_equal(r.report->facts.rows_read, 4);
    tu_gate_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_counts_rows_and_names_fields),
        cmocka_unit_test(test_ranges_values_lookup),
        cmocka_unit_test(test_missing_column_absent_from_data),
        cmocka_unit_test(test_missing_tolerance_rate_and_count),
        cmocka_unit_test(test_types_and_ranges),
        cmocka_unit_test(test_order_per_key_with_lateness),
        cmocka_unit_test(test_duplicates_by_id_key_time_and_by),
        cmocka_unit_test(test_format_counts_ragged_rows_and_always_runs),
        cmocka_unit_test(test_format_duplicate_header_name),
        cmocka_unit_test(test_limits_columns_and_field_size),
        cmocka_unit_test(test_limits_rate_counts_rows_not_inputs),
        cmocka_unit_test(test_limits_rate_tolerates_rows),
        cmocka_unit_test(test_limits_whole_input_fails_whatever_the_rate),
        cmocka_unit_test(test_jsonl_types_and_missing),
    };
    return cmocka_run_group_tests_name("checks_data", tests, NULL, NULL);
}
