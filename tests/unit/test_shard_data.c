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
#include "common/error.h"
#include "harness/data_input.h"
#include "harness/spec.h"
#include "support/tmpfiles.h"

/* How many instances one pass over the data feeds: the single run and
 * the parts of one split. */
#define MAX_PARTS 3

/* The spec, its open data and what the checks see of it. */
typedef struct bench {
    mg_spec *spec;
    mg_source *src;
    const char **cols;
    long *field_column;
    mg_typed *typed;
    mg_check_env env, shard_env;
    size_t nrecords;
} bench;

/* JSON Lines sources read the schema fields and role columns (as the runner). */
static const char **jsonl_columns(const mg_spec *spec, size_t *n)
{
    const char **cols = calloc(spec->nfields + MG_ROLE_COUNT + 1, sizeof *cols);
    size_t k = 0;
    for (size_t i = 0; i < spec->nfields; i++)
        cols[k++] = spec->fields[i].name;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        int dup = spec->roles[r] == NULL;
        for (size_t j = 0; j < k && !dup; j++)
            dup = strcmp(cols[j], spec->roles[r]) == 0;
        if (!dup)
            cols[k++] = spec->roles[r];
    }
    *n = k;
    return cols;
}

static void bench_open(bench *b)
{
    mg_source_options so;
    memset(&so, 0, sizeof so);
    so.format = b->spec->format;
    so.delimiter = b->spec->delimiter;
    so.limits = b->spec->limits;
    if (strstr(b->spec->data_path, ".jsonl")) {
        free(b->cols);
        b->cols = jsonl_columns(b->spec, &so.ncolumns);
        so.columns = b->cols;
    }
    mg_error err = {{0}};
    mg_source_free(b->src);
    b->src = mg_spec_open_data(b->spec, &so, &err);
    if (!b->src)
        fail_msg("open: %s", err.msg);
    b->env.source = b->shard_env.source = b->src;
    b->env.data_path = b->shard_env.data_path = mg_source_path(b->src);
}

static bench bench_new(const char *data_name, const char *data, const char *spec_text)
{
    bench b;
    memset(&b, 0, sizeof b);
    tu_write(data_name, data);
    mg_spec_errors errs;
    b.spec = mg_spec_load(tu_write("gate.json", spec_text), &errs);
    if (!b.spec)
        fail_msg("spec: %s", errs.msg[0]);
    bench_open(&b);
    const mg_spec *spec = b.spec;
    b.field_column = calloc(spec->nfields + 1, sizeof *b.field_column);
    b.typed = calloc(spec->nfields + 1, sizeof *b.typed);
    for (size_t i = 0; i < spec->nfields; i++)
        b.field_column[i] = mg_source_column_index(b.src, spec->fields[i].name);
    mg_check_env *env = &b.env;
    env->data_path = mg_source_path(b.src);
    env->source = b.src;
    env->fields = spec->fields;
    env->nfields = spec->nfields;
    env->field_column = b.field_column;
    env->typed = b.typed;
    env->limits = &spec->limits;
    env->examples = spec->examples;
    env->time_zone = spec->time_zone;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        env->role_name[r] = spec->roles[r];
        env->role_column[r] = spec->roles[r] ? mg_source_column_index(b.src, spec->roles[r]) : -1;
    }
    b.shard_env = b.env;
    b.shard_env.shard = 1;
    return b;
}

static void bench_free(bench *b)
{
    mg_source_free(b->src);
    mg_spec_free(b->spec);
    free(b->cols);
    free(b->field_column);
    free(b->typed);
}

/* Reads every schema field of the row once (as the runner). */
static void type_row(bench *b, const mg_row *row)
{
    for (size_t f = 0; f < b->spec->nfields; f++) {
        mg_typed *t = &b->typed[f];
        long col = b->field_column[f];
        if (col < 0) {
            t->state = MG_TYPED_NO_COLUMN;
        } else if (mg_value_is_missing(&row->values[col])) {
            t->state = MG_TYPED_MISSING;
        } else {
            t->expected = NULL;
            t->state = mg_value_as_field(&row->values[col], &b->spec->fields[f], &t->num, &t->expected) == 0
                           ? MG_TYPED_OK : MG_TYPED_WRONG;
        }
    }
}

/* One instance of a check, with its own result and record count. */
typedef struct instance {
    mg_check check;
    mg_report *report;
} instance;

static void instance_begin(instance *in, const bench *b, const mg_check_spec *cs, const mg_check_env *env)
{
    memset(in, 0, sizeof *in);
    in->report = mg_report_new();
    mg_check *c = &in->check;
    c->def = cs->def;
    c->name = cs->name;
    c->options = cs->options;
    c->has_max_count = cs->has_max_count;
    c->has_max_rate = cs->has_max_rate;
    c->max_count = cs->max_count;
    c->max_rate = cs->max_rate;
    c->env = env;
    c->result = mg_report_add(in->report, cs->def->group, cs->name, cs->def->name);
    (void)b;
    if (c->def->begin)
        c->def->begin(c);
}

static void instance_free(instance *in)
{
    if (in->check.def->free_state)
        in->check.def->free_state(&in->check);
    mg_report_free(in->report);
}

/* A record counts for the rates when it is a row or a bad record (as the runner). */
static int problem_is_record(const mg_source_problem_info *p)
{
    return p->kind == MG_PROBLEM_FIELD_TOO_BIG || p->kind == MG_PROBLEM_ROW_TOO_BIG || p->kind == MG_PROBLEM_MALFORMED;
}

/* One pass over the data: record i goes to instance part_of[i] (and every
 * record to single).  Returns the number of records. */
static size_t feed(bench *b, instance *single, instance *parts, const size_t *cut, size_t nparts)
{
    bench_open(b);
    size_t i = 0, part = 0;
    mg_row row;
    mg_error err = {{0}};
    for (;;) {
        mg_source_status st = mg_source_next(b->src, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR)
            fail_msg("read: %s", err.msg);
        while (part + 1 < nparts && i >= cut[part])
            part++;
        mg_check *to[2] = {single ? &single->check : NULL, parts ? &parts[part].check : NULL};
        const mg_source_problem_info *p = st == MG_SOURCE_BAD_ROW ? mg_source_problem(b->src) : NULL;
        if (!p)
            type_row(b, &row);
        for (int k = 0; k < 2; k++) {
            mg_check *c = to[k];
            if (!c)
                continue;
            if (!p || problem_is_record(p))
                c->rows++;
            if (p && c->def->problem)
                c->def->problem(c, p);
            else if (!p && c->def->row)
                c->def->row(c, &row);
        }
        i++;
    }
    return i;
}

static void assert_same_result(const mg_result *a, const mg_result *b, const char *split)
{
    const char *name = a->name;
    if (a->status != b->status)
        fail_msg("%s %s: status %s, merged %s", name, split, mg_status_name(a->status), mg_status_name(b->status));
    if ((a->message == NULL) != (b->message == NULL) || (a->message && strcmp(a->message, b->message) != 0))
        fail_msg("%s %s: message '%s', merged '%s'", name, split, a->message, b->message);
    if (a->nprops != b->nprops)
        fail_msg("%s %s: %zu properties, merged %zu", name, split, a->nprops, b->nprops);
    for (size_t i = 0; i < a->nprops; i++) {
        const mg_prop *x = &a->props[i], *y = &b->props[i];
        if (strcmp(x->key, y->key) != 0 || x->is_number != y->is_number ||
            (x->is_number ? memcmp(&x->number, &y->number, sizeof x->number) != 0 : strcmp(x->text, y->text) != 0))
            fail_msg("%s %s: property %s = %.17g '%s', merged %s = %.17g '%s'", name, split, x->key, x->number,
                     x->text ? x->text : "", y->key, y->number, y->text ? y->text : "");
    }
    if (a->examples_total != b->examples_total)
        fail_msg("%s %s: %llu examples in all, merged %llu", name, split, (unsigned long long)a->examples_total,
                 (unsigned long long)b->examples_total);
    for (size_t i = 0; i < a->nexamples || i < b->nexamples; i++) {
        const char *x = i < a->nexamples ? a->examples[i] : "(none)";
        const char *y = i < b->nexamples ? b->examples[i] : "(none)";
        if (strcmp(x, y) != 0)
            fail_msg("%s %s: example %zu '%s', merged '%s'", name, split, i, x, y);
        const mg_example_pos *p = &a->example_pos[i], *q = &b->example_pos[i];
        if (p->line != q->line || p->data_line != q->data_line || (p->file == NULL) != (q->file == NULL) ||
            (p->file && strcmp(p->file, q->file) != 0))
            fail_msg("%s %s: example %zu points elsewhere once merged", name, split, i);
    }
}

/* A part's state as a shard writes it and `mgate merge` reads it back. */
static json_t *through_text(const mg_check *c)
{
    json_t *saved = mg_check_state_save(c);
    char *text = json_dumps(saved, JSON_COMPACT);
    json_decref(saved);
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    free(text);
    if (!back)
        fail_msg("state does not read back: %s", jerr.text);
    return back;
}

/* Runs check cs over the records cut at cut[0..nparts-1) and compares the
 * merge with the single run. */
static void compare_split(bench *b, const mg_check_spec *cs, const size_t *cut, size_t nparts)
{
    instance single, parts[MAX_PARTS], merged;
    instance_begin(&single, b, cs, &b->env);
    for (size_t p = 0; p < nparts; p++)
        instance_begin(&parts[p], b, cs, &b->shard_env);
    b->nrecords = feed(b, &single, parts, cut, nparts);
    if (single.check.def->finish)
        single.check.def->finish(&single.check);
    instance_begin(&merged, b, cs, &b->env);
    char split[64] = "cut at";
    for (size_t p = 0; p + 1 < nparts; p++)
        snprintf(split + strlen(split), sizeof split - strlen(split), " %zu", cut[p]);
    for (size_t p = 0; p < nparts; p++) {
        json_t *state = through_text(&parts[p].check);
        char msg[512] = "";
        if (mg_check_state_merge(&merged.check, state, msg, sizeof msg) != 0)
            fail_msg("%s %s: merge: %s", cs->name, split, msg);
        json_decref(state);
        instance_free(&parts[p]);
    }
    merged.check.rows = single.check.rows;
    if (merged.check.def->finish)
        merged.check.def->finish(&merged.check);
    assert_same_result(single.check.result, merged.check.result, split);
    instance_free(&single);
    instance_free(&merged);
}

/* Every check of the spec, merged from every 2-part and 3-part split
 * (parts may be empty) of its records, equals the single run. */
static void compare_all_splits(const char *data_name, const char *data, const char *spec_text)
{
    bench b = bench_new(data_name, data, spec_text);
    size_t n = feed(&b, NULL, NULL, NULL, 0);
    for (size_t k = 0; k < b.spec->nchecks; k++) {
        const mg_check_spec *cs = &b.spec->checks[k];
        if (!cs->def->save)
            fail_msg("check '%s' has no save", cs->name);
        for (size_t i = 0; i <= n; i++) {
            size_t two[1] = {i};
            compare_split(&b, cs, two, 2);
            for (size_t j = i; j <= n; j++) {
                size_t three[2] = {i, j};
                compare_split(&b, cs, three, 3);
            }
        }
    }
    bench_free(&b);
}

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

/* The single run of one check, for the figures the data was built for. */
static instance run_single(bench *b, const char *name)
{
    for (size_t k = 0; k < b->spec->nchecks; k++)
        if (strcmp(b->spec->checks[k].name, name) == 0) {
            instance single;
            instance_begin(&single, b, &b->spec->checks[k], &b->env);
            feed(b, &single, NULL, NULL, 0);
            single.check.def->finish(&single.check);
            return single;
        }
    fail_msg("no check '%s'", name);
    instance none = {0};
    return none;
}

static double prop(const instance *in, const char *key)
{
    const mg_prop *p = mg_result_prop(in->check.result, key);
    if (!p || !p->is_number)
        fail_msg("no number '%s'", key);
    return p->number;
}

/* The data holds what the splits must get right. */
static void test_shard_events_single_run_figures(void **state)
{
    (void)state;
    bench b = bench_new("ev.csv", events_csv, EVENTS_SPEC("50"));
    instance order = run_single(&b, "order");
    /* Lines 6 (1 h), 8 (30 min), 13 (2 h), 17 (2 h), 19 (1 h), 21 (30 min). */
    assert_true(prop(&order, "out_of_order") == 6);
    assert_true(prop(&order, "worst_lateness_seconds") == 7200);
    assert_true(prop(&order, "worst_line") == 13);
    assert_non_null(strstr(order.check.result->examples[5], "ev.csv:17: t: found '2024-01-01T07:00:00Z', 7200 s "
                                                              "before the event at line 9 for key 'b'"));
    instance_free(&order);
    instance dups = run_single(&b, "duplicates");
    assert_true(prop(&dups, "duplicate_rows") == 4);
    assert_non_null(strstr(dups.check.result->examples[2], "ev.csv:11: id: found '1' again, first seen at line 2"));
    instance_free(&dups);
    bench_free(&b);
}

static void test_shard_events_every_split(void **state)
{
    (void)state;
    compare_all_splits("ev.csv", events_csv, EVENTS_SPEC("50"));
}

/* With 4 examples kept, a part's examples are full before its end: what
 * the merge adds or corrects must still be the single run's first four. */
static void test_shard_events_every_split_few_examples(void **state)
{
    (void)state;
    compare_all_splits("ev.csv", events_csv, EVENTS_SPEC("4"));
    compare_all_splits("ev.csv", events_csv, EVENTS_SPEC("1"));
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
    "a,200,12\n";  /* line 13: (a, 200) again; 200 s late */

static void test_shard_stream_every_split(void **state)
{
    (void)state;
    const char *spec =
        "{\"data\": {\"path\": \"s.csv\", \"time\": \"t\"}, \"reports\": {\"examples\": %s},"
        " \"checks\": [{\"check\": \"order\", \"allowed_lateness\": 60},"
        "  {\"check\": \"duplicates\", \"by\": [\"k\", \"t\"]}]}";
    char text[512];
    const char *keep[] = {"20", "3"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(text, sizeof text, spec, keep[i]);
        compare_all_splits("s.csv", stream_csv, text);
    }
    bench b = bench_new("s.csv", stream_csv, text);
    instance order = run_single(&b, "order");
    assert_true(prop(&order, "out_of_order") == 5);
    assert_true(prop(&order, "worst_line") == 13);
    instance_free(&order);
    instance dups = run_single(&b, "duplicates");
    assert_true(prop(&dups, "duplicate_rows") == 4);
    instance_free(&dups);
    bench_free(&b);
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
    compare_all_splits("x.jsonl", events_jsonl,
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
        compare_all_splits("w.csv", wide_csv, text);
    }
    bench b = bench_new("w.csv", wide_csv, text);
    instance limits = run_single(&b, "limits");
    assert_true(prop(&limits, "columns_over_max") == 4); /* the header and lines 2, 4 and 5 */
    assert_non_null(strstr(limits.check.result->examples[0], "w.csv:1: found 5 columns in the header"));
    instance_free(&limits);
    instance format = run_single(&b, "format");
    assert_true(prop(&format, "unparsable") == 1);
    assert_true(prop(&format, "wrong_field_count") == 2);
    assert_non_null(strstr(format.check.result->examples[0], "w.csv:1: a: found the column name again"));
    instance_free(&format);
    bench_free(&b);
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
        compare_all_splits("r.csv", rising_csv, text);
    }
    bench b = bench_new("r.csv", rising_csv, text);
    instance order = run_single(&b, "order");
    /* a's 10 later events but 999 (1 s late: allowed); b's 2 (98 s late; its 4 is 1 s late). */
    assert_true(prop(&order, "out_of_order") == 11);
    assert_true(prop(&order, "worst_lateness_seconds") == 999);
    instance_free(&order);
    bench_free(&b);
}

/* Merges the states of the parts of one 2-part split into a fresh
 * instance; returns what mg_check_state_merge returned for the last part
 * and its message. */
static int merge_two_parts(bench *b, const char *name, size_t cut, const mg_check_env *part_env, char *msg, size_t size)
{
    const mg_check_spec *cs = NULL;
    for (size_t k = 0; k < b->spec->nchecks; k++)
        if (strcmp(b->spec->checks[k].name, name) == 0)
            cs = &b->spec->checks[k];
    instance parts[2], merged;
    for (size_t p = 0; p < 2; p++)
        instance_begin(&parts[p], b, cs, part_env);
    feed(b, NULL, parts, &cut, 2);
    instance_begin(&merged, b, cs, &b->env);
    int rc = 0;
    for (size_t p = 0; p < 2; p++) {
        json_t *st = through_text(&parts[p].check);
        rc = mg_check_state_merge(&merged.check, st, msg, size);
        json_decref(st);
        instance_free(&parts[p]);
    }
    instance_free(&merged);
    return rc;
}

/* A single run stops at max_rows rows: shards that read that many in all
 * are refused by the merge (fewer are exact: the splits above). */
static void test_shard_max_rows_reached_refused(void **state)
{
    (void)state;
    bench b = bench_new("m.csv", "a\n1\n2\n3\n4\n5\n",
                        "{\"data\": {\"path\": \"m.csv\"}, \"limits\": {\"max_rows\": 4}}");
    char msg[512] = "";
    assert_int_equal(merge_two_parts(&b, "limits", 2, &b.shard_env, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "limits.max_rows is 4"));
    bench_free(&b);
    b = bench_new("m.csv", "a\n1\n2\n3\n", "{\"data\": {\"path\": \"m.csv\"}, \"limits\": {\"max_rows\": 4}}");
    assert_int_equal(merge_two_parts(&b, "limits", 2, &b.shard_env, msg, sizeof msg), 0);
    bench_free(&b);
}

/* A state saved by a run that was not a shard lacks what the merge needs:
 * refused, never merged inexactly. */
static void test_shard_state_of_a_plain_run_refused(void **state)
{
    (void)state;
    bench b = bench_new("s.csv", stream_csv,
                        "{\"data\": {\"path\": \"s.csv\", \"time\": \"t\"}, \"checks\": [{\"check\": \"order\"},"
                        " {\"check\": \"duplicates\", \"by\": \"k\"}]}");
    char msg[512] = "";
    assert_int_equal(merge_two_parts(&b, "order", 3, &b.env, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "did not keep its events"));
    assert_int_equal(merge_two_parts(&b, "duplicates", 3, &b.env, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "did not keep the values"));
    bench_free(&b);
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
    };
    return cmocka_run_group_tests_name("shard_data", tests, NULL, NULL);
}
