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

#include "checks/adversarial/fixture_cases.h"
#include "harness/spec.h"
#include "score/model.h"
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

    /* Per-key order: an event without its key cannot be compared with its
     * entity's events (line 3 would otherwise pass as the first of key ""). */
    const char *keyed = "k,t\na,2025-03-01T05:00:00Z\n,2025-03-01T04:00:00Z\n";
    r = run_gate("k.csv", keyed, "{\"data\": {\"path\": \"k.csv\", \"time\": \"t\", \"key\": \"k\"}, \"checks\": [{\"check\": \"order\"}]}");
    res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "missing_keys") == 1);
    assert_example(res, 0, "k.csv:3: k: found an empty field, expected a key");
    tu_gate_free(&r);
    r = run_gate("k.csv", keyed, "{\"data\": {\"path\": \"k.csv\", \"time\": \"t\", \"key\": \"k\"},"
                                 " \"schema\": {\"k\": {\"required\": false}}, \"checks\": [{\"check\": \"order\"}]}");
    assert_int_equal(tu_result(&r, "order", 0)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
    /* A key column the data lacks is an error, not a file-wide order. */
    r = run_gate("k.csv", keyed, "{\"data\": {\"path\": \"k.csv\", \"time\": \"t\", \"key\": \"user\"}, \"checks\": [{\"check\": \"order\"}]}");
    res = tu_result(&r, "order", 0);
    assert_int_equal(res->status, MG_STATUS_ERROR);
    assert_contains(res->message, "the key column 'user' (data.key) is not in");
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

/* ---- the audit: other checks that skipped what they could not read ---- */

/* ranges: min/max cannot judge a value that is not a number.  An untyped
 * field (no `types` offence possible) used to pass 'abc' silently. */
static void test_ranges_value_that_cannot_be_compared(void **state)
{
    (void)state;
    tu_gate r = run_gate("r.csv", "a,b\n5,1\nabc,x\n",
                         "{\"data\": {\"path\": \"r.csv\"},"
                         " \"schema\": {\"a\": {\"min\": 0}, \"b\": {\"type\": \"integer\", \"max\": 9}},"
                         " \"checks\": [{\"check\": \"ranges\"}]}");
    const mg_result *res = tu_result(&r, "ranges", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "count") == 1);
    assert_true(tu_prop(res, "out_of_range.a") == 1);
    assert_true(tu_prop(res, "out_of_range.b") == 1);
    assert_example(res, 0, "r.csv:3: a: found 'abc', expected a finite number to compare with min");
    assert_example(res, 1, "r.csv:3: b: found 'x', expected an integer to compare with max");
    tu_gate_free(&r);
}

/* duplicates: a row without its id cannot be checked; it used to pass
 * (one empty id) or be a duplicate of the next empty one. */
static void test_duplicates_row_without_identity(void **state)
{
    (void)state;
    const char *csv = "id,k,t\n1,a,1\n,a,2\n3,,3\n";
    tu_gate r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\", \"id\": \"id\"}, \"checks\": [{\"check\": \"duplicates\"}]}");
    const mg_result *res = tu_result(&r, "duplicates", 0);
    assert_int_equal(res->status, MG_STATUS_FAIL);
    assert_true(tu_prop(res, "missing_identity") == 1);
    assert_true(tu_prop(res, "duplicate_rows") == 0);
    assert_example(res, 0, "d.csv:3: id: found an empty field, expected a value (a row without it cannot be checked for duplicates)");
    tu_gate_free(&r);

    r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\", \"key\": \"k\", \"time\": \"t\"}, \"checks\": [{\"check\": \"duplicates\"}]}");
    assert_true(tu_prop(tu_result(&r, "duplicates", 0), "missing_identity") == 1);
    assert_example(tu_result(&r, "duplicates", 0), 0, "d.csv:4: k: found an empty field");
    tu_gate_free(&r);

    /* The schema may let the column be missing: then it is part of the identity. */
    r = run_gate("d.csv", csv, "{\"data\": {\"path\": \"d.csv\", \"id\": \"id\"}, \"schema\": {\"id\": {\"nullable\": true}},"
                               " \"checks\": [{\"check\": \"duplicates\"}]}");
    assert_int_equal(tu_result(&r, "duplicates", 0)->status, MG_STATUS_PASS);
    tu_gate_free(&r);
}

/* metric slices: a binned column's value that is not a number used to put
 * the row in no slice, silently; a missing one now has its own slice. */
static void test_slices_binned_value_not_a_number(void **state)
{
    (void)state;
    const char *csv = "y,p,age\n0,0.1,20\n1,0.9,25\n0,0.2,40\n1,0.8,45\n0,0.3,old\n1,0.7,\n";
    tu_gate r = run_gate("s.csv", csv,
                         "{\"data\": {\"path\": \"s.csv\", \"label\": \"y\", \"prediction\": \"p\"},"
                         " \"checks\": [{\"check\": \"metric\", \"metric\": \"accuracy\", \"min\": 0.5,"
                         "   \"slice_by\": \"age\", \"slice_bins\": [30], \"min_slice_size\": 1}]}");
    const mg_result *bad = tu_result(&r, "accuracy [age=(not a number)]", 0);
    assert_int_equal(bad->status, MG_STATUS_ERROR);
    assert_contains(bad->message, "'age' (slice_by with slice_bins) is not a number in 1 rows");
    assert_contains(bad->message, "s.csv:6: found 'old'");
    assert_true(tu_prop(tu_result(&r, "accuracy [age=(missing)]", 0), "n") == 1);
    assert_true(tu_prop(tu_result(&r, "accuracy [age=< 30]", 0), "n") == 2);
    tu_gate_free(&r);
}

/* fixtures: one number cannot be compared with a multiclass model's
 * probabilities (it used to be compared with class 0's only). */
static void test_fixture_score_not_comparable(void **state)
{
    (void)state;
    mg_model_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.path = "fixtures/models/xgb/multi_softprob/model.json";
    mg_error err = {{0}};
    mg_model *m = mg_model_load(&ms, &err);
    if (!m)
        fail_msg("model: %s", err.msg);
    adv_case_model cm;
    assert_int_equal(adv_case_model_init(&cm, m, NULL, &err), 0);
    json_t *in = json_pack("{s:f}", "age", 1.0);
    adv_case_result r;
    adv_case_score(&cm, in, &r);
    assert_true(r.scored && r.k == 3);
    char diff[512];
    json_t *e = json_pack("{s:f, s:f}", "score", r.out[0], "tolerance", 1.0);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 1);
    assert_contains(diff, "score: expected the list of the model's 3 class probabilities, found one number");
    json_decref(e);
    e = json_pack("{s:[f], s:f}", "score", r.out[0], "tolerance", 1.0);
    assert_int_equal(adv_case_compare(&cm, e, &r, 1e-6, 0.5, diff, sizeof diff), 1);
    assert_contains(diff, "found a list of 1");
    json_decref(e);
    json_t *now = adv_case_expect_now(&cm, &r, 1e-6, 0.5);
    assert_int_equal(adv_case_compare(&cm, now, &r, 1e-6, 0.5, diff, sizeof diff), 0);
    json_decref(now);
    json_decref(in);
    adv_case_model_free(&cm);
    mg_model_free(m);
}

/* Adversarial checks: rows the model rejects, or values that cannot be
 * varied, are not tried; with nothing tried the check used to pass.
 * (monotonic: tests/e2e/t_unreadable.sh, with a scorer that rejects.) */
static void test_adversarial_nothing_tried_is_skipped(void **state)
{
    (void)state;
    /* The model rejects a missing y: every row is rejected. */
    tu_write("rej.json", "{\"type\": \"logistic\", \"features\": [\"x\", \"y\"], \"weights\": [1, 1], \"bias\": 0}");
    /* x is missing everywhere: scored (as 0), but cannot be varied by a relative bound. */
    tu_write("zero.json", "{\"type\": \"logistic\", \"features\": [\"x\", \"y\"], \"weights\": [1, 1], \"bias\": 0,"
                          " \"missing\": \"zero\"}");
    const char *csv = "id,x,y\na,,\nb,,\n";
    const char *checks[][4] = {
        {"rej.json", "{\"check\": \"input_handling\"}", "input_handling", "nothing could be tried"},
        {"rej.json", "{\"check\": \"order_invariance\"}", "order_invariance", "nothing could be tried"},
        {"zero.json", "{\"check\": \"invariance\", \"features\": {\"x\": {\"rel\": 0.1}}}", "invariance",
         "nothing could be tried"},
        {"zero.json", "{\"check\": \"adversarial_search\", \"features\": {\"x\": {\"rel\": 0.1}}}",
         "adversarial_search", "nothing could be tried"},
        /* Already handled before issue 8: */
        {"zero.json", "{\"check\": \"robustness\", \"features\": {\"x\": {\"rel\": 0.1}}, \"max_flip_rate\": 0}",
         "robustness", "no sampled row could be perturbed"},
    };
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        char spec[1024];
        snprintf(spec, sizeof spec, "{\"data\": {\"path\": \"a.csv\", \"id\": \"id\"}, \"model\": \"%s\", \"checks\": [%s]}",
                 checks[i][0], checks[i][1]);
        tu_gate r = run_gate("a.csv", csv, spec);
        const mg_result *res = tu_result(&r, checks[i][2], 0);
        if (res->status != MG_STATUS_SKIP)
            fail_msg("%s: status %d, message '%s'", checks[i][2], (int)res->status, res->message);
        assert_contains(res->message, checks[i][3]);
        tu_gate_free(&r);
    }
}

/* Already handled (kept by these tests): a label the metric and champion
 * checks cannot read makes them fail, with the row. */
static void test_metric_and_champion_unreadable_label_fail(void **state)
{
    (void)state;
    const char *csv = "y,p,q\n0,0.1,0.2\n1,0.9,0.8\nyes,0.8,0.7\n0,0.2,0.1\n";
    tu_gate r = run_gate("l.csv", csv,
                         "{\"data\": {\"path\": \"l.csv\", \"label\": \"y\", \"prediction\": \"p\","
                         "          \"baseline_prediction\": \"q\"},"
                         " \"checks\": [{\"check\": \"metric\", \"metric\": \"accuracy\", \"min\": 0.5},"
                         "              {\"check\": \"champion\"}]}");
    const mg_result *m = tu_result(&r, "accuracy", 0);
    assert_int_equal(m->status, MG_STATUS_FAIL);
    assert_true(tu_prop(m, "unusable_rows") == 1);
    assert_contains(m->message, "1 rows had no usable label or score");
    assert_example(m, 0, "l.csv:4: y: found 'yes', expected a binary label (0/1 or true/false)");
    const mg_result *ch = tu_result(&r, "champion", 0);
    assert_int_equal(ch->status, MG_STATUS_FAIL);
    assert_true(tu_prop(ch, "unusable_rows") == 1);
    assert_contains(ch->message, "1 rows could not be compared");
    tu_gate_free(&r);

    r = run_gate("t.csv", "y,p\n1.5,1.4\nabc,2\n",
                 "{\"data\": {\"path\": \"t.csv\", \"label\": \"y\", \"prediction\": \"p\"},"
                 " \"checks\": [{\"check\": \"metric\", \"metric\": \"rmse\", \"max\": 1}]}");
    m = tu_result(&r, "rmse", 0);
    assert_int_equal(m->status, MG_STATUS_FAIL);
    assert_example(m, 0, "t.csv:3: y: found 'abc', expected a numeric target");
    tu_gate_free(&r);

    /* A feature the model cannot read: the row is unusable, and said so. */
    tu_write("lin.json", "{\"type\": \"logistic\", \"features\": [\"x\"], \"weights\": [1], \"bias\": 0}");
    r = run_gate("f.csv", "y,x\n1,2\n0,-2\n1,abc\n",
                 "{\"data\": {\"path\": \"f.csv\", \"label\": \"y\"}, \"model\": \"lin.json\","
                 " \"checks\": [{\"check\": \"metric\", \"metric\": \"accuracy\", \"min\": 0.5}]}");
    m = tu_result(&r, "accuracy", 0);
    assert_int_equal(m->status, MG_STATUS_FAIL);
    assert_true(tu_prop(m, "unusable_rows") == 1);
    assert_contains(m->examples[0], "'x'");
    tu_gate_free(&r);
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
        cmocka_unit_test(test_ranges_value_that_cannot_be_compared),
        cmocka_unit_test(test_duplicates_row_without_identity),
        cmocka_unit_test(test_slices_binned_value_not_a_number),
        cmocka_unit_test(test_fixture_score_not_comparable),
        cmocka_unit_test(test_adversarial_nothing_tried_is_skipped),
        cmocka_unit_test(test_metric_and_champion_unreadable_label_fail),
    };
    return cmocka_run_group_tests_name("unreadable", tests, NULL, NULL);
}
