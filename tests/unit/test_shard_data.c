/*
 * Unit tests for the data checks' sharded state (checks/data/, save and
 * merge; docs/sharding.md).  Each test loads a real spec, reads its data
 * with the real source and drives the check definitions directly: one
 * instance reads every record and finishes (a single run); for every way
 * of cutting the records into 2 and into 3 contiguous parts, one instance
 * per part reads its records and saves its state, which goes through
 * json_dumps and json_loads and is merged, part after part, into a fresh
 * instance that then finishes.  Status, message, every property and every
 * example (text, place, total) must equal the single run's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_state.h"
#include "checks/data/data_shard.h"
#include "common/state_json.h"
#include "support/shard_bench.h"

/* Events of five keys over 20 lines: late events within and across any
 * cut, an equal time (the latest line moves), two events equally late
 * (the earlier line is the worst), ids repeated near and far, values
 * missing, of the wrong type and out of range, a ragged row, a field over
 * max_field_bytes, an unreadable time and a missing key. */
static const char events_csv[] =
    "id,k,t,amount,cur\n"
    "1,a,2024-01-01T10:00:00Z,10,EUR\n"
    "2,b,2024-01-01T09:00:00Z,,EUR\n"
    "3,a,2024-01-01T09:59:30Z,abc,USD\n"
    "1,a,2024-01-01T11:00:00Z,5,XXX\n"
    "4,b,2024-01-01T08:00:00Z,-3,EUR\n"
    "5,c,2024-01-01T12:00:00Z,7,EUR,extra\n"
    "2,a,2024-01-01T10:30:00Z,1,EUR\n"
    "6,b,2024-01-01T09:00:00Z,2,EUR\n"
    "7,c,2024-01-01T11:59:30Z,3,EUR\n"
    "1,d,2024-01-01T00:00:00Z,4,EUR\n"
    "8,b,2024-01-01T08:30:00Z,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx,EUR\n"
    "9,a,2024-01-01T09:00:00Z,2,EUR\n"
    "10,c,bad-time,3,EUR\n"
    "11,,2024-01-01T13:00:00Z,3,EUR\n"
    "2,b,2024-01-01T08:59:00Z,3,EUR\n"
    "12,b,2024-01-01T07:00:00Z,3,EUR\n"
    "13,e,2024-01-01T05:00:00Z,3,EUR\n"
    "14,e,2024-01-01T04:00:00Z,3,EUR\n"
    "15,e,2024-01-01T06:00:00Z,3,EUR\n"
    "16,e,2024-01-01T05:30:00Z,3,EUR\n";

#define EVENTS_SPEC(examples)                                                                                    \
    "{\"data\": {\"path\": \"ev.csv\", \"id\": \"id\", \"key\": \"k\", \"time\": \"t\"},"                    \
    " \"schema\": {\"id\": {\"type\": \"integer\"}, \"amount\": {\"type\": \"number\", \"min\": 0},"           \
    "             \"cur\": {\"values\": [\"EUR\", \"USD\"]}},"                                                 \
    " \"limits\": {\"max_field_bytes\": 40, \"max_rows\": 1000}, \"reports\": {\"examples\": " examples "}," \
    " \"checks\": [{\"check\": \"missing\"}, {\"check\": \"types\"}, {\"check\": \"ranges\"},"                 \
    "  {\"check\": \"format\"}, {\"check\": \"limits\"}, {\"check\": \"duplicates\"},"                         \
    "  {\"check\": \"order\", \"allowed_lateness\": \"1m\"}]}"
/* The data holds what the splits must get right. */
static void test_shard_events_single_run_figures(void **state)
{
    (void)state;
    tu_bench b = tu_bench_new("ev.csv", events_csv, EVENTS_SPEC("50"));
    tu_instance order = tu_run_single(&b, "order");
    /* Lines 6 (1 h), 8 (30 min), 13 (2 h), 17 (2 h), 19 (1 h), 21 (30 min). */
    assert_true(tu_instance_prop(&order, "out_of_order") == 6);
    assert_true(tu_instance_prop(&order, "worst_lateness_seconds") == 7200);
    assert_true(tu_instance_prop(&order, "worst_line") == 13);
    assert_non_null(strstr(order.check.result->examples[5], "ev.csv:17: t: found '2024-01-01T07:00:00Z', 7200 s "
                                                              "before the event at line 9 for key 'b'"));
    tu_instance_free(&order);
    tu_instance dups = tu_run_single(&b, "duplicates");
    assert_true(tu_instance_prop(&dups, "duplicate_rows") == 4);
    assert_non_null(strstr(dups.check.result->examples[2], "ev.csv:11: id: found '1' again, first seen at line 2"));
    tu_instance_free(&dups);
    tu_bench_free(&b);
}

static void test_shard_events_every_split(void **state)
{
    (void)state;
    tu_compare_all_splits("ev.csv", events_csv, EVENTS_SPEC("50"));
}

/* With 4 examples kept, a part's examples are full before its end: what
 * the merge adds or corrects must still be the single run's first four. */
static void test_shard_events_every_split_few_examples(void **state)
{
    (void)state;
    tu_compare_all_splits("ev.csv", events_csv, EVENTS_SPEC("4"));
    tu_compare_all_splits("ev.csv", events_csv, EVENTS_SPEC("1"));
}

/* Without data.key the whole data set must be in order; duplicates by key
 * and time ("by"), with two identities repeated across any cut. */
static const char stream_csv[] =
    "k,t,v\n"
    "a,100,1\n"
    "b,50,2\n"     /* 50 s late: allowed */
    "a,200,3\n"
    "a,100,4\n"    /* line 5: (a, 100) again; 100 s late */
    "c,210,5\n"
    "c,90,6\n"     /* line 7: 120 s late */
    "b,50,7\n"     /* line 8: (b, 50) again; 160 s late */
    "d,210,8\n"    /* equal to the latest: in order, the latest line moves */
    "a,100,9\n"    /* line 10: (a, 100) a third time; 110 s late against line 9 */
    "e,400,10\n"
    "f,\"\",11\n"  /* line 12: no time */
    "a,200,12\n"   /* line 13: (a, 200) again; 200 s late */
    "\xff\xfez,300,13\n"   /* line 14: a key that is not UTF-8; 100 s late */
    "\xff\xfez,300,14\n";  /* line 15: (\xff\xfez, 300) again; 100 s late */

static void test_shard_stream_every_split(void **state)
{
    (void)state;
    const char *spec =
        "{\"data\": {\"path\": \"s.csv\", \"time\": \"t\"}, \"reports\": {\"examples\": %s},"
        " \"checks\": [{\"check\": \"order\", \"allowed_lateness\": 60},"
        "  {\"check\": \"duplicates\", \"by\": [\"k\", \"t\"]}]}";
    char text[512];
    const char *keep[] = {"3", "20"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(text, sizeof text, spec, keep[i]);
        tu_compare_all_splits("s.csv", stream_csv, text);
    }
    tu_bench b = tu_bench_new("s.csv", stream_csv, text); /* 20 examples */
    tu_instance order = tu_run_single(&b, "order");
    assert_true(tu_instance_prop(&order, "out_of_order") == 7);
    assert_true(tu_instance_prop(&order, "worst_line") == 13);
    tu_instance_free(&order);
    tu_instance dups = tu_run_single(&b, "duplicates");
    assert_true(tu_instance_prop(&dups, "duplicate_rows") == 5);
    /* Not UTF-8, as in the data: saved and merged byte for byte. */
    assert_non_null(
        strstr(dups.check.result->examples[4], "s.csv:15: k: found '\xff\xfez' again, first seen at line 14"));
    tu_instance_free(&dups);
    tu_bench_free(&b);
}

/* JSON Lines: malformed lines (format), repeated ids, values of the wrong
 * type, with the lines of any cut. */
static const char events_jsonl[] =
    "{\"id\": 1, \"v\": 0.5, \"s\": \"a\"}\n"
    "{\"id\": 2, \"v\": \"x\", \"s\": 3}\n"
    "not json\n"
    "{\"id\": 1, \"v\": null}\n"
    "{\"id\": 3, \"v\": 1, \"s\": \"b\"}\n"
    "{\"id\": 2\n"
    "{\"id\": 3, \"v\": 7, \"s\": \"c\"}\n";

static void test_shard_jsonl_every_split(void **state)
{
    (void)state;
    tu_compare_all_splits("x.jsonl", events_jsonl,
                       "{\"data\": {\"path\": \"x.jsonl\", \"id\": \"id\"}, \"reports\": {\"examples\": 2},"
                       " \"schema\": {\"v\": {\"type\": \"number\", \"max\": 5}, \"s\": {\"type\": \"string\"}},"
                       " \"checks\": [{\"check\": \"missing\"}, {\"check\": \"types\"}, {\"check\": \"ranges\"},"
                       "  {\"check\": \"format\"}, {\"check\": \"limits\"}, {\"check\": \"duplicates\"}]}");
}

/* A header naming a column twice and wider than max_columns: every part
 * reads it, the merged report lists it once, first, as a single run. */
static const char wide_csv[] = "a,b,a,c,d\n1,2,3,4,5\n1,2\n6,7,8,9,10\n1,2,3,4,5,6\n";

static void test_shard_header_offences_listed_once(void **state)
{
    (void)state;
    const char *spec = "{\"data\": {\"path\": \"w.csv\"}, \"limits\": {\"max_columns\": 4, \"min_rows\": 9},"
                       " \"reports\": {\"examples\": %s},"
                       " \"checks\": [{\"check\": \"format\"}, {\"check\": \"limits\"}]}";
    char text[512];
    const char *keep[] = {"10", "2", "1"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(text, sizeof text, spec, keep[i]);
        tu_compare_all_splits("w.csv", wide_csv, text);
    }
    tu_bench b = tu_bench_new("w.csv", wide_csv, text);
    tu_instance limits = tu_run_single(&b, "limits");
    assert_true(tu_instance_prop(&limits, "columns_over_max") == 4); /* the header and lines 2, 4 and 5 */
    assert_non_null(strstr(limits.check.result->examples[0], "w.csv:1: found 5 columns in the header"));
    tu_instance_free(&limits);
    tu_instance format = tu_run_single(&b, "format");
    assert_true(tu_instance_prop(&format, "unparsable") == 1);
    assert_true(tu_instance_prop(&format, "wrong_field_count") == 2);
    assert_non_null(strstr(format.check.result->examples[0], "w.csv:1: a: found the column name again"));
    tu_instance_free(&format);
    tu_bench_free(&b);
}

/* A key whose first event is far later than the rest: a later part finds
 * the rest in order (rising, falling, equal), the merge finds them late,
 * and must write the first few examples among them and the other key's. */
static const char rising_csv[] =
    "k,t\n"
    "a,1000\n"
    "a,10\nb,5\na,20\na,15\nb,4\na,30\na,30\na,25\nb,100\na,40\na,1\nb,2\na,50\na,999\na,60\n";

static void test_shard_order_in_order_parts_late_once_merged(void **state)
{
    (void)state;
    const char *spec = "{\"data\": {\"path\": \"r.csv\", \"key\": \"k\", \"time\": \"t\"},"
                       " \"reports\": {\"examples\": %s},"
                       " \"checks\": [{\"check\": \"order\", \"allowed_lateness\": 5}]}";
    char text[512];
    const char *keep[] = {"1", "2", "3", "5", "30"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(text, sizeof text, spec, keep[i]);
        tu_compare_all_splits("r.csv", rising_csv, text);
    }
    tu_bench b = tu_bench_new("r.csv", rising_csv, text);
    tu_instance order = tu_run_single(&b, "order");
    /* a's 10 later events but 999 (1 s late: allowed); b's 2 (98 s late; its 4 is 1 s late). */
    assert_true(tu_instance_prop(&order, "out_of_order") == 11);
    assert_true(tu_instance_prop(&order, "worst_lateness_seconds") == 999);
    tu_instance_free(&order);
    tu_bench_free(&b);
}
/* A single run stops at max_rows rows: shards that read that many in all
 * are refused by the merge (fewer are exact: the splits above). */
static void test_shard_max_rows_reached_refused(void **state)
{
    (void)state;
    tu_bench b = tu_bench_new("m.csv", "a\n1\n2\n3\n4\n5\n",
                        "{\"data\": {\"path\": \"m.csv\"}, \"limits\": {\"max_rows\": 4}}");
    char msg[512] = "";
    assert_int_equal(tu_merge_two_parts(&b, "limits", 2, &b.shard_env, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "limits.max_rows is 4"));
    tu_bench_free(&b);
    b = tu_bench_new("m.csv", "a\n1\n2\n3\n", "{\"data\": {\"path\": \"m.csv\"}, \"limits\": {\"max_rows\": 4}}");
    assert_int_equal(tu_merge_two_parts(&b, "limits", 2, &b.shard_env, msg, sizeof msg), 0);
    tu_bench_free(&b);
}

/* A state saved by a run that was not a shard lacks what the merge needs:
 * refused, never merged inexactly. */
static void test_shard_state_of_a_plain_run_refused(void **state)
{
    (void)state;
    tu_bench b = tu_bench_new("s.csv", stream_csv,
                        "{\"data\": {\"path\": \"s.csv\", \"time\": \"t\"}, \"checks\": [{\"check\": \"order\"},"
                        " {\"check\": \"duplicates\", \"by\": \"k\"}]}");
    char msg[512] = "";
    assert_int_equal(tu_merge_two_parts(&b, "order", 3, &b.env, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "did not keep its events"));
    assert_int_equal(tu_merge_two_parts(&b, "duplicates", 3, &b.env, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "did not keep the values"));
    tu_bench_free(&b);
}

/* Merges check `name`'s state of the whole data, with member `key` of the
 * check's own state replaced by `value` (NULL: removed); returns what the
 * merge returned and its message in msg. */
static int merge_altered(tu_bench *b, const char *name, const char *key, json_t *value, char *msg, size_t size)
{
    const mg_check_spec *cs = NULL;
    for (size_t k = 0; k < b->spec->nchecks; k++)
        if (strcmp(b->spec->checks[k].name, name) == 0)
            cs = &b->spec->checks[k];
    tu_instance part, merged;
    tu_instance_begin(&part, cs, &b->shard_env);
    tu_bench_feed(b, NULL, &part, NULL, 1);
    json_t *saved = mg_check_state_save(&part.check);
    json_t *own = json_object_get(saved, "state");
    if (value)
        json_object_set_new(own, key, value);
    else
        json_object_del(own, key);
    tu_instance_begin(&merged, cs, &b->env);
    int rc = mg_check_state_merge(&merged.check, saved, msg, size);
    json_decref(saved);
    tu_instance_free(&part);
    tu_instance_free(&merged);
    return rc;
}

/* A state that lost a member, or whose lists disagree, is refused with
 * what is wrong, never merged. */
static void test_shard_altered_states_refused(void **state)
{
    (void)state;
    tu_bench b = tu_bench_new("ev.csv", events_csv, EVENTS_SPEC("5"));
    char msg[512] = "";
    struct {
        const char *check, *key;
        json_t *value;
        const char *says;
    } cases[] = {
        {"missing", "per_field", json_string("AAAAAAAAAAA="), "expected 3 counts (one per schema field), found 1"},
        {"format", "ragged", NULL, "'ragged': expected a whole number >= 0"},
        {"limits", "big_file_messages", json_string("not base64!"), "'big_file_messages': expected a base64"},
        {"duplicates", "key_line", json_string(""), "differ in length"},
        {"duplicates", "shard", json_false(), "did not keep the values"},
        {"order", "key_events", json_string("AAAAAAAAAAA="), "differ in length or order"},
        {"order", "text_events", json_string(""), "differ in length or order"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (merge_altered(&b, cases[i].check, cases[i].key, cases[i].value, msg, sizeof msg) != -1 ||
            !strstr(msg, cases[i].says))
            fail_msg("%s without a valid '%s': got '%s', expected '%s'", cases[i].check, cases[i].key, msg,
                     cases[i].says);
    }
    tu_bench_free(&b);
}

/* Texts in a state may hold any byte but NUL: valid UTF-8 stays a JSON
 * string, anything else reads back byte for byte. */
static void test_shard_texts_round_trip(void **state)
{
    (void)state;
    const char *texts[] = {"", "plain", "caf\xc3\xa9", "\xff\xfe not UTF-8", "'\xc3' cut", "a\\x00b"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_t *obj = json_pack("{s:o}", "t", mg_state_text(texts[i]));
        char *dumped = json_dumps(obj, JSON_COMPACT);
        json_t *back = json_loads(dumped, 0, NULL);
        char msg[256] = "";
        char *got = mg_state_get_text(back, "t", msg, sizeof msg);
        if (!got || strcmp(got, texts[i]) != 0)
            fail_msg("text %zu did not read back: %s", i, got ? got : msg);
        free(got);
        free(dumped);
        json_decref(obj);
        json_decref(back);
    }
    char *list[] = {"", "\xff", "two words", "\xc3\xa9"};
    json_t *obj = json_pack("{s:o}", "l", mg_shard_texts_save(list, 4));
    mg_shard_texts got;
    char msg[256] = "";
    assert_int_equal(mg_shard_texts_get(obj, "l", &got, msg, sizeof msg), 0);
    assert_int_equal(got.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(got.text[i], list[i]);
    mg_shard_texts_free(&got);
    json_decref(obj);
    json_t *bad = json_pack("{s:{s:s}}", "t", "base64", "AA==");
    assert_null(mg_state_get_text(bad, "t", msg, sizeof msg)); /* a NUL byte */
    json_decref(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_events_single_run_figures),
        cmocka_unit_test(test_shard_events_every_split),
        cmocka_unit_test(test_shard_events_every_split_few_examples),
        cmocka_unit_test(test_shard_stream_every_split),
        cmocka_unit_test(test_shard_order_in_order_parts_late_once_merged),
        cmocka_unit_test(test_shard_jsonl_every_split),
        cmocka_unit_test(test_shard_header_offences_listed_once),
        cmocka_unit_test(test_shard_max_rows_reached_refused),
        cmocka_unit_test(test_shard_state_of_a_plain_run_refused),
        cmocka_unit_test(test_shard_altered_states_refused),
        cmocka_unit_test(test_shard_texts_round_trip),
    };
    return cmocka_run_group_tests_name("shard_data", tests, NULL, NULL);
}
