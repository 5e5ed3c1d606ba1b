/*
 * Unit tests for the sharded runs of the adversarial and serving checks
 * (issue 12; checks/adversarial/sample_state.c, adv_save/adv_merge,
 * fixtures' save/merge): the check definitions are driven directly, as the
 * runner and the merge driver do.  Every row of a CSV file goes to one
 * instance (the single run) and, split in parts, to other instances whose
 * states go through save -> json_dumps -> json_loads -> merge into a fresh
 * instance; both are finished and their results must be equal: status,
 * message, properties, examples and the sample itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "checks/check_state.h"
#include "common/state_json.h"
#include "sources/source.h"
#include "support/tmpfiles.h"

#define NROWS 300

/* Falls as x rises, turns on z: every sampling check finds something. */
static const char bad_model[] =
    "{\"type\": \"logistic\", \"features\": [\"x\", \"y\", \"z\"], \"weights\": [-0.5, 0.01, 3], "
    "\"bias\": -20, \"missing\": \"zero\"}";

/* Every check this task covers, with small samples (below the 300 rows, so
 * which rows are kept matters) and options that make them find offences. */
static const char *const check_specs[] = {
    "{\"check\": \"input_handling\", \"sample\": 8, \"seed\": 3, \"expect\": {\"missing\": \"reject\"}}",
    "{\"check\": \"order_invariance\", \"sample\": 30, \"seed\": 2, \"duplicates\": 0.3}",
    "{\"check\": \"robustness\", \"sample\": 25, \"seed\": 4, \"trials\": 4, \"features\": {\"z\": {\"abs\": 2}}, "
    "\"max_flip_rate\": 0.1}",
    "{\"check\": \"invariance\", \"sample\": 20, \"seed\": 5, \"features\": {\"z\": {\"values\": [1, 50]}}}",
    "{\"check\": \"monotonic\", \"sample\": 20, \"seed\": 6, \"features\": {\"x\": \"increasing\"}, \"grid\": 5}",
    "{\"check\": \"adversarial_search\", \"sample\": 15, \"seed\": 7, \"features\": {\"z\": {\"abs\": 2}}, "
    "\"steps\": 4}",
    "{\"check\": \"fixtures\", \"path\": \"cases.jsonl\"}",
    "{\"check\": \"latency\", \"sample\": 20, \"seed\": 8, \"max_p99_ms\": 1e6, \"requests\": 3, \"repeats\": 1, "
    "\"warmup\": 1, \"batch_size\": 4}",
};
#define NCHECKS (sizeof check_specs / sizeof *check_specs)

/* The data: numbers, a text column with quoted empty fields, commas, bytes
 * that are not UTF-8, and missing values. */
static const char *write_data(void)
{
    size_t cap = NROWS * 64 + 64, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv + len, cap - len, "id,x,y,z,note\n");
    for (int i = 0; i < NROWS; i++) {
        const char *notes[] = {"plain", "\"\"", "\"a, b\"", "\xff\xfe", "", "caf\xc3\xa9"};
        char x[16];
        if (i % 37 == 5)
            x[0] = '\0'; /* missing */
        else
            snprintf(x, sizeof x, "%g", (i % 13) * 0.5);
        len += (size_t)snprintf(csv + len, cap - len, "r%03d,%s,%d,%d,%s\n", i, x, (i * 7) % 50, 5 + (i * 3) % 7,
                                notes[i % 6]);
    }
    const char *path = tu_write_len("adv.csv", csv, len);
    free(csv);
    return path;
}

/* A run's environment: the data's source (for its columns), the model and
 * its binding, as the runner and the merge driver set them up. */
typedef struct fixture {
    mg_source *src;
    mg_model *model;
    mg_binding *binding;
    mg_check_env env;
    mg_report *report;
} fixture;

static void fixture_open(fixture *f)
{
    memset(f, 0, sizeof *f);
    const char *data = write_data();
    mg_model_spec ms = {.path = tu_write("bad.json", bad_model)};
    tu_write("cases.jsonl", "{\"id\": \"mid\", \"input\": {\"x\": 4, \"y\": 0, \"z\": 7}, \"expect\": {\"label\": 1}}\n"
                            "{\"id\": \"low\", \"input\": {\"x\": 4, \"y\": 0, \"z\": 5}, \"expect\": {\"label\": 1}}\n");
    mg_error err = {{0}};
    f->src = mg_source_open(data, NULL, &err);
    assert_non_null(f->src);
    f->model = mg_model_load(&ms, &err);
    assert_non_null(f->model);
    size_t ncols = mg_source_ncolumns(f->src);
    const char *cols[8];
    for (size_t i = 0; i < ncols; i++)
        cols[i] = mg_source_column(f->src, i);
    f->binding = mg_binding_new(f->model, cols, ncols, &err);
    assert_non_null(f->binding);
    mg_check_env *env = &f->env;
    env->data_path = "adv.csv";
    env->source = f->src;
    for (size_t r = 0; r < MG_ROLE_COUNT; r++)
        env->role_column[r] = -1;
    env->role_column[MG_ROLE_ID] = 0;
    env->role_name[MG_ROLE_ID] = "id";
    env->examples = 3;
    env->score_task = MG_TASK_BINARY;
    env->nscores = 1;
    env->score_source = "model 'bad.json'";
    env->model = f->model;
    env->binding = f->binding;
    env->spec_dir = tu_dir();
    f->report = mg_report_new();
}

static void fixture_close(fixture *f)
{
    mg_report_free(f->report);
    mg_binding_free(f->binding);
    mg_model_free(f->model);
    mg_source_free(f->src);
}

/* One instance of a check, begun. */
static mg_check *check_new(fixture *f, const json_t *options)
{
    mg_check *c = calloc(1, sizeof *c);
    c->def = mg_check_find(json_string_value(json_object_get(options, "check")));
    assert_non_null(c->def);
    c->name = c->def->name;
    c->options = options;
    c->env = &f->env;
    c->result = mg_report_add(f->report, c->def->group, c->name, c->def->name);
    if (c->def->begin)
        c->def->begin(c);
    return c;
}

static void check_row(mg_check *c, const mg_row *row)
{
    c->rows++;
    if (c->def->row)
        c->def->row(c, row);
}

static void check_free(mg_check *c)
{
    if (c->def->free_state)
        c->def->free_state(c);
    free(c);
}

/* A shard's state as the merge reads it: saved, written as text, read back. */
static json_t *state_round_trip(mg_check *c)
{
    json_t *saved = mg_check_state_save(c);
    char *text = json_dumps(saved, JSON_COMPACT);
    json_decref(saved);
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(back);
    return back;
}

/* Merges the parts' states into a fresh instance in the order given, as
 * `mgate merge` does, and finishes it.  The states are freed before finish:
 * the merged sample must own its rows. */
static mg_check *merge_parts(fixture *f, const json_t *options, mg_check **parts, const size_t *order, size_t n)
{
    json_t *states[8];
    for (size_t i = 0; i < n; i++) {
        states[i] = state_round_trip(parts[i]);
        check_free(parts[i]);
    }
    mg_check *m = check_new(f, options);
    char msg[512] = "";
    for (size_t i = 0; i < n; i++)
        if (mg_check_state_merge(m, states[order[i]], msg, sizeof msg) != 0)
            fail_msg("merging part %zu of '%s': %s", order[i], m->name, msg);
    for (size_t i = 0; i < n; i++)
        json_decref(states[i]);
    m->rows = NROWS;
    m->def->finish(m);
    return m;
}

static int timing_prop(const char *key)
{
    return strstr(key, "_ms") || strstr(key, "rows_per_s") || !strcmp(key, "value") || !strcmp(key, "p99_increase");
}

/* The results are equal (latency's timings aside: `timed`). */
static void assert_same_result(const mg_result *a, const mg_result *b, int timed)
{
    assert_int_equal(a->status, b->status);
    if (!timed)
        assert_string_equal(a->message ? a->message : "", b->message ? b->message : "");
    assert_int_equal(a->nprops, b->nprops);
    for (size_t i = 0; i < a->nprops; i++) {
        const mg_prop *p = &a->props[i], *q = &b->props[i];
        assert_string_equal(p->key, q->key);
        assert_int_equal(p->is_number, q->is_number);
        if (timed && timing_prop(p->key))
            continue;
        if (p->is_number)
            assert_memory_equal(&p->number, &q->number, sizeof p->number); /* bit for bit */
        else
            assert_string_equal(p->text, q->text);
    }
    assert_int_equal(a->nexamples, b->nexamples);
    for (size_t i = 0; i < a->nexamples; i++)
        assert_string_equal(a->examples[i], b->examples[i]);
    assert_int_equal(a->examples_total, b->examples_total);
}

static void assert_same_value(const mg_value *a, const mg_value *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->text, b->text, a->len + 1);
    assert_memory_equal(&a->num, &b->num, sizeof a->num);
    assert_int_equal(a->quoted, b->quoted);
}

static void assert_same_row(const mg_row *a, const mg_row *b)
{
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->index, b->index);
    assert_int_equal(a->nfields_found, b->nfields_found);
    assert_int_equal(a->bytes, b->bytes);
    assert_int_equal(a->nvalues, b->nvalues);
    for (size_t i = 0; i < a->nvalues; i++)
        assert_same_value(&a->values[i], &b->values[i]);
}

/* Both instances sampled the same rows, with the same values. */
static void assert_same_sample(const mg_check *a, const mg_check *b)
{
    if (!a->state)
        return; /* fixtures: no sample */
    const adv_sample *x = &((const adv_state *)a->state)->sample, *y = &((const adv_state *)b->state)->sample;
    assert_int_equal(x->n, y->n);
    assert_true(x->n > 0);
    for (size_t r = 0; r < x->n; r++)
        assert_same_row(x->rows[r], y->rows[r]);
}

/* Part of row i among nparts: contiguous blocks (as shards read), or
 * round-robin (no shard plan does that: only the sample's independence of
 * order makes it merge). */
static size_t part_of(size_t i, size_t nparts, int round_robin)
{
    return round_robin ? i % nparts : i * nparts / NROWS;
}

/*
 * Runs check spec k over the data once and split into nparts (merged in
 * `order`), and asserts the results are equal.
 */
static void run_split(size_t k, size_t nparts, int round_robin, const size_t *order)
{
    fixture f;
    fixture_open(&f);
    json_error_t jerr;
    json_t *options = json_loads(check_specs[k], 0, &jerr);
    assert_non_null(options);
    mg_check *single = check_new(&f, options), *parts[8];
    for (size_t p = 0; p < nparts; p++)
        parts[p] = check_new(&f, options);
    mg_row row;
    mg_error err = {{0}};
    size_t i = 0;
    mg_source_status st;
    while ((st = mg_source_next(f.src, &row, &err)) == MG_SOURCE_ROW) {
        check_row(single, &row);
        check_row(parts[part_of(i++, nparts, round_robin)], &row);
    }
    assert_int_equal(st, MG_SOURCE_END);
    assert_int_equal(i, NROWS);
    single->def->finish(single);
    mg_check *merged = merge_parts(&f, options, parts, order, nparts);
    int timed = !strcmp(single->def->name, "latency");
    assert_same_result(single->result, merged->result, timed);
    assert_same_sample(single, merged);
    if (!timed && strcmp(single->def->name, "order_invariance") != 0 && strcmp(single->def->name, "latency") != 0)
        assert_true(single->result->nexamples > 0); /* something was found: examples are compared */
    check_free(single);
    check_free(merged);
    json_decref(options);
    fixture_close(&f);
}

static const size_t in_order[] = {0, 1, 2, 3, 4, 5, 6, 7};

static void test_shard_adv_two_parts_merge_exactly(void **state)
{
    (void)state;
    for (size_t k = 0; k < NCHECKS; k++)
        run_split(k, 2, 0, in_order);
}

static void test_shard_adv_three_parts_merge_exactly(void **state)
{
    (void)state;
    for (size_t k = 0; k < NCHECKS; k++)
        run_split(k, 3, 0, in_order);
}

static void test_shard_adv_seven_parts_merge_exactly(void **state)
{
    (void)state;
    for (size_t k = 0; k < NCHECKS; k++)
        run_split(k, 7, 0, in_order);
}

/* Rows dealt round-robin to 3 parts, merged last part first: a sample that
 * depended on the order rows are seen (a reservoir) would differ. */
static void test_shard_adv_sample_does_not_depend_on_the_split(void **state)
{
    (void)state;
    static const size_t reversed[] = {2, 1, 0};
    for (size_t k = 0; k < NCHECKS; k++)
        run_split(k, 3, 1, reversed);
}

/* Every kind of value, text that is not UTF-8 or holds a NUL byte, -0 and
 * NaN numbers, quoting: rebuilt bit for bit from the saved state. */
static void test_shard_adv_values_round_trip(void **state)
{
    (void)state;
    static const char nul_text[] = {'a', '\0', 'b'};
    mg_value vals[] = {
        {MG_VALUE_ABSENT, "", 0, 0.0, 0},
        {MG_VALUE_NULL, "", 0, 0.0, 0},
        {MG_VALUE_TEXT, "plain", 5, 0.0, 0},
        {MG_VALUE_TEXT, "7", 1, 7.0, 0},
        {MG_VALUE_TEXT, "", 0, 0.0, 0},
        {MG_VALUE_TEXT, "", 0, 0.0, 1},
        {MG_VALUE_TEXT, "\xff\xfe\xc3\x28", 4, 0.0, 1},
        {MG_VALUE_TEXT, nul_text, 3, 0.0, 0},
        {MG_VALUE_NUMBER, "-0", 2, -0.0, 0},
        {MG_VALUE_NUMBER, "NaN", 3, NAN, 0},
        {MG_VALUE_NUMBER, "0.1", 3, 0.1, 0},
        {MG_VALUE_BOOL, "true", 4, 1.0, 0},
        {MG_VALUE_OTHER, "[1,{\"a\":2}]", 11, 0.0, 0},
    };
    size_t nv = sizeof vals / sizeof *vals;
    adv_sample a, b;
    adv_sample_init(&a, 4, 11);
    adv_sample_init(&b, 4, 11);
    for (unsigned long line = 2; line < 12; line++) {
        mg_row row = {.nvalues = nv, .values = vals, .nfields_found = nv - 1, .line = line, .index = line,
                      .bytes = 40 + line};
        adv_sample_offer(&a, &row);
    }
    json_t *saved = adv_sample_save(&a);
    char *text = json_dumps(saved, 0);
    json_decref(saved);
    json_t *back = json_loads(text, 0, NULL);
    free(text);
    char msg[256] = "";
    if (adv_sample_merge(&b, back, nv, msg, sizeof msg) != 0)
        fail_msg("%s", msg);
    json_decref(back);
    adv_sample_sort(&a);
    adv_sample_sort(&b);
    assert_int_equal(a.n, 4);
    assert_int_equal(b.n, 4);
    for (size_t r = 0; r < a.n; r++)
        assert_same_row(a.rows[r], b.rows[r]);
    adv_sample_free(&a);
    adv_sample_free(&b);
}

/* A state that is not one these checks save is refused with a message
 * naming what is wrong, never read past its end. */
static void test_shard_adv_bad_states_are_refused(void **state)
{
    (void)state;
    adv_sample s;
    adv_sample_init(&s, 4, 0);
    char msg[256] = "";
    json_t *bad = json_loads("{\"sample\": [{\"line\": 2, \"fields\": 2, \"bytes\": 9, "
                             "\"values\": [{\"kind\": \"text\", \"text\": \"a\"}]}]}", 0, NULL);
    assert_int_equal(adv_sample_merge(&s, bad, 2, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'sample' row 1: 'values': expected a list of 2 values"));
    json_decref(bad);
    bad = json_loads("{\"sample\": [{\"line\": 2, \"fields\": 1, \"bytes\": 9, "
                     "\"values\": [{\"kind\": \"texte\"}]}]}", 0, NULL);
    assert_int_equal(adv_sample_merge(&s, bad, 1, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "value 1: 'kind': expected absent, null, text"));
    json_decref(bad);
    bad = json_loads("{\"sample\": [{\"line\": 2, \"fields\": 1, \"bytes\": 9, "
                     "\"values\": [{\"kind\": \"text\", \"text\": {\"base64\": \"%%%\"}}]}]}", 0, NULL);
    assert_int_equal(adv_sample_merge(&s, bad, 1, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "value 1: 'text': expected a string, or {\"base64\": ...}"));
    json_decref(bad);
    bad = json_loads("{\"rows\": []}", 0, NULL);
    assert_int_equal(adv_sample_merge(&s, bad, 1, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'sample': expected a list of rows"));
    json_decref(bad);
    assert_int_equal(s.n, 0);
    adv_sample_free(&s);
    /* fixtures keeps nothing: anything else is not its state. */
    const mg_check_def *fx = mg_check_find("fixtures");
    bad = json_loads("{\"cases\": 3}", 0, NULL);
    assert_int_equal(fx->merge(NULL, bad, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "expected an empty object"));
    json_decref(bad);
}

/* common/state_json's bytes: UTF-8 without NUL stays a string; NUL bytes and
 * bytes that are not UTF-8 go as base64 and come back as they were; a text
 * (mg_state_get_text) never holds a NUL. */
static void test_shard_adv_state_bytes(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "plain", mg_state_bytes("caf\xc3\xa9", 5));
    json_object_set_new(o, "nul", mg_state_bytes("a\0b", 3));
    json_object_set_new(o, "raw", mg_state_bytes("\xff\xfe", 2));
    assert_true(json_is_string(json_object_get(o, "plain")));
    assert_true(json_is_object(json_object_get(o, "nul")));
    char msg[128];
    size_t n;
    char *b = mg_state_get_bytes(o, "nul", &n, msg, sizeof msg);
    assert_int_equal(n, 3);
    assert_memory_equal(b, "a\0b", 4);
    free(b);
    b = mg_state_get_bytes(o, "raw", &n, msg, sizeof msg);
    assert_int_equal(n, 2);
    assert_memory_equal(b, "\xff\xfe", 3);
    free(b);
    assert_null(mg_state_get_text(o, "nul", msg, sizeof msg));
    b = mg_state_get_text(o, "raw", msg, sizeof msg);
    assert_string_equal(b, "\xff\xfe");
    free(b);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_adv_two_parts_merge_exactly),
        cmocka_unit_test(test_shard_adv_three_parts_merge_exactly),
        cmocka_unit_test(test_shard_adv_seven_parts_merge_exactly),
        cmocka_unit_test(test_shard_adv_sample_does_not_depend_on_the_split),
        cmocka_unit_test(test_shard_adv_values_round_trip),
        cmocka_unit_test(test_shard_adv_bad_states_are_refused),
        cmocka_unit_test(test_shard_adv_state_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
