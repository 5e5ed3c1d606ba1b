/*
 * Unit tests for sharded runs of the drift checks (drift, prediction_drift,
 * label_drift; checks/drift/drift_state.c): the rows go to one check, and,
 * split in 2, 3 and 7 parts (one of them empty, one of a single row), to
 * checks whose states go through save -> JSON text -> load -> merge into a
 * fresh begun check; both finish, and every property, the status, the
 * message and the examples must be equal, numbers bit for bit.  Against
 * reference data, against a profile (exact sketches, and KLL sketches past
 * 10000 values), and the refusal of a text feature a later shard
 * overflowed.  (The exact moments and the tree sketch alone:
 * test_drift_exact.c.)
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

#include "checks/check.h"
#include "checks/check_state.h"
#include "checks/drift/profile.h"
#include "common/state_json.h"
#include "support/tmpfiles.h"

enum { COL_ID, COL_X, COL_Z, COL_CAT, COL_LABEL, COL_SCORE, NCOLS };
static const char *const col_names[NCOLS] = {"id", "x", "z", "cat", "label", "score"};

/* ------------------------------------------------------------------ */
/* Data: rows made from a seed, as text values (the runner's view)     */

static uint64_t mix(uint64_t z)
{
    z += UINT64_C(0x9E3779B97F4A7C15);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double uniform(uint64_t seed, unsigned k)
{
    return (double)(mix(seed * 8 + k) >> 11) / 9007199254740992.0;
}

typedef struct text_row {
    char cell[NCOLS][48];
    size_t len[NCOLS];
} text_row;

/* Row i of a data set; shift moves x, the categories and the labels.
 * x has every so often a -0 and a 0, a missing value and a word; cat a
 * value with a NUL byte and one that is not UTF-8; distinct: how many
 * distinct rare categories cycle (a large number overflows the tracking). */
static void make_row(uint64_t seed, size_t i, double shift, size_t distinct, text_row *r)
{
    uint64_t s = seed * 1000003 + i;
    double u1 = uniform(s, 0), u2 = uniform(s, 1);
    double x = sqrt(-2.0 * log(u1 + 1e-300)) * cos(6.283185307179586 * u2) * 12.5 + 40.0 + shift * 10.0;
    for (int c = 0; c < NCOLS; c++)
        r->cell[c][0] = '\0';
    snprintf(r->cell[COL_ID], 48, "%zu", i + 1);
    if (i % 97 == 5)
        r->cell[COL_X][0] = '\0';
    else if (i % 101 == 7)
        snprintf(r->cell[COL_X], 48, "abc");
    else if (i % 89 == 3)
        snprintf(r->cell[COL_X], 48, i % 2 ? "-0" : "0");
    else
        snprintf(r->cell[COL_X], 48, "%.17g", x * (i % 13 == 0 ? 1e-3 : 1.0));
    snprintf(r->cell[COL_Z], 48, "%d", (int)(uniform(s, 2) * 50) + (shift > 0 ? 3 : 0));
    static const char *const cats[] = {"EUR", "USD", "GBP", "CHF"};
    double u3 = uniform(s, 3) + shift * 0.2;
    if (distinct && i % 5 != 0)
        snprintf(r->cell[COL_CAT], 48, "rare-%zu", i % distinct);
    else if (i % 77 == 1)
        memcpy(r->cell[COL_CAT], "b\xff\xfe", 4);
    else
        snprintf(r->cell[COL_CAT], 48, "%s", cats[u3 < 0.4 ? 0 : u3 < 0.7 ? 1 : u3 < 0.9 ? 2 : 3]);
    snprintf(r->cell[COL_LABEL], 48, "%d", uniform(s, 4) < 0.1 + shift * 0.05);
    snprintf(r->cell[COL_SCORE], 48, "%.17g", 1.0 / (1.0 + exp(-(x - 40.0) / 12.5)));
    for (int c = 0; c < NCOLS; c++)
        r->len[c] = strlen(r->cell[c]);
    if (i % 151 == 2) { /* a NUL byte inside a text value */
        memcpy(r->cell[COL_CAT], "n\0ul", 5);
        r->len[COL_CAT] = 4;
    }
}

/* Reference data as CSV (the NUL-byte value left out: CSV text). */
static const char *write_reference_csv(const char *name, size_t n)
{
    size_t cap = n * 160 + 64, used = 0;
    char *csv = malloc(cap);
    used += (size_t)snprintf(csv, cap, "id,x,z,cat,label,score\n");
    for (size_t i = 0; i < n; i++) {
        text_row r;
        make_row(1, i, 0.0, 0, &r);
        if (memchr(r.cell[COL_CAT], '\0', r.len[COL_CAT]))
            snprintf(r.cell[COL_CAT], 48, "EUR");
        used += (size_t)snprintf(csv + used, cap - used, "%s,%s,%s,%s,%s,%s\n", r.cell[0], r.cell[1], r.cell[2],
                                 r.cell[3], r.cell[4], r.cell[5]);
    }
    const char *path = tu_write(name, csv);
    free(csv);
    return path;
}

static void row_values(const text_row *r, mg_value *v, mg_row *row, size_t i)
{
    for (int c = 0; c < NCOLS; c++)
        v[c] = (mg_value){.kind = MG_VALUE_TEXT, .text = r->cell[c], .len = r->len[c]};
    *row = (mg_row){.nvalues = NCOLS, .values = v, .nfields_found = NCOLS, .line = i + 2, .index = i};
}

/* A profile of the reference (scores from the score column). */
static void write_reference_profile(const char *name, size_t n)
{
    static const mg_pcol_kind kinds[NCOLS] = {MG_PCOL_TEXT, MG_PCOL_NUMBER, MG_PCOL_NUMBER,
                                              MG_PCOL_TEXT, MG_PCOL_TEXT, MG_PCOL_NUMBER};
    mg_dprofile *p = mg_dprofile_new(col_names, kinds, NCOLS, COL_LABEL, "score");
    for (size_t i = 0; i < n; i++) {
        text_row r;
        mg_value v[NCOLS];
        mg_row row;
        make_row(1, i, 0.0, 0, &r); /* with the NUL-byte value: a profile reads it back */
        row_values(&r, v, &row, i);
        mg_dprofile_add_row(p, &row);
        mg_dprofile_add_score(p, strtod(r.cell[COL_SCORE], NULL));
    }
    mg_dprofile_settle(p);
    mg_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tu_dir(), name);
    if (mg_dprofile_write(p, path, &err) != 0)
        fail_msg("profile: %s", err.msg);
    mg_dprofile_free(p);
}

/* ------------------------------------------------------------------ */
/* The run's view: schema, roles, typed values                          */

static mg_field_spec fields[NCOLS];
static long field_column[NCOLS];
static mg_typed typed[NCOLS];
static mg_check_env env, shard_env; /* one run and merges; shards (env.shard set, as the runner sets it) */

static void setup_env(void)
{
    static const mg_field_type types[NCOLS] = {MG_TYPE_INTEGER, MG_TYPE_NUMBER, MG_TYPE_INTEGER,
                                               MG_TYPE_STRING, MG_TYPE_INTEGER, MG_TYPE_NUMBER};
    memset(&env, 0, sizeof env);
    for (int c = 0; c < NCOLS; c++) {
        fields[c] = (mg_field_spec){.name = (char *)col_names[c], .type = types[c], .required = 1};
        field_column[c] = c;
    }
    env.data_path = "current.csv";
    env.fields = fields;
    env.nfields = NCOLS;
    env.field_column = field_column;
    env.typed = typed;
    for (int r = 0; r < MG_ROLE_COUNT; r++)
        env.role_column[r] = -1;
    env.role_name[MG_ROLE_ID] = "id";
    env.role_column[MG_ROLE_ID] = COL_ID;
    env.role_name[MG_ROLE_LABEL] = "label";
    env.role_column[MG_ROLE_LABEL] = COL_LABEL;
    env.role_name[MG_ROLE_PREDICTION] = "score";
    env.role_column[MG_ROLE_PREDICTION] = COL_SCORE;
    env.examples = 5;
    env.score_task = MG_TASK_BINARY;
    env.nscores = 1;
    env.score_source = "column 'score'";
    env.spec_dir = tu_dir();
    shard_env = env;
    shard_env.shard = 1;
}

typedef struct instance {
    mg_check c;
    mg_report *report;
    json_t *options;
} instance;

static void instance_begin_in(instance *in, const mg_check_env *e, const char *check, const char *options)
{
    memset(in, 0, sizeof *in);
    json_error_t jerr;
    in->options = json_loads(options, 0, &jerr);
    assert_non_null(in->options);
    in->report = mg_report_new();
    in->c.def = mg_check_find(check);
    assert_non_null(in->c.def);
    in->c.name = in->c.def->name;
    in->c.options = in->options;
    in->c.env = e;
    in->c.result = mg_report_add(in->report, in->c.def->group, in->c.name, check);
    in->c.def->begin(&in->c);
}

static void instance_begin(instance *in, const char *check, const char *options)
{
    instance_begin_in(in, &env, check, options);
}

static void instance_rows(instance *in, uint64_t seed, double shift, size_t distinct, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        text_row r;
        mg_value v[NCOLS];
        mg_row row;
        make_row(seed, i, shift, distinct, &r);
        row_values(&r, v, &row, i);
        for (int c = 0; c < NCOLS; c++) {
            double num = 0.0;
            const char *expected = NULL;
            typed[c] = (mg_typed){.state = MG_TYPED_MISSING};
            if (!mg_value_is_missing(&v[c]))
                typed[c] = mg_value_as_field(&v[c], &fields[c], &num, &expected) == 0
                               ? (mg_typed){.state = MG_TYPED_OK, .num = num}
                               : (mg_typed){.state = MG_TYPED_WRONG, .expected = expected};
        }
        in->c.rows++;
        if (in->c.def->row)
            in->c.def->row(&in->c, &row);
        if (in->c.def->scored) {
            double score = strtod(r.cell[COL_SCORE], NULL);
            mg_scored sc = {.scores = &score};
            in->c.def->scored(&in->c, &row, &sc);
        }
    }
}

static void instance_free(instance *in)
{
    if (in->c.def->free_state)
        in->c.def->free_state(&in->c);
    mg_report_free(in->report);
    json_decref(in->options);
}

/* A shard's state as the state file carries it: saved, written as text, read back. */
static json_t *through_text(const mg_check *c)
{
    json_t *saved = mg_check_state_save(c);
    char *text = json_dumps(saved, JSON_COMPACT);
    json_decref(saved);
    assert_non_null(text);
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(back);
    return back;
}

/* 1 when every status, message, property (numbers bit for bit) and example is equal. */
static int results_equal(const mg_result *a, const mg_result *b, char *why, size_t size)
{
    if (a->status != b->status || strcmp(a->message ? a->message : "", b->message ? b->message : "") != 0)
        return snprintf(why, size, "status/message: '%s' vs '%s'", a->message, b->message), 0;
    if (a->nprops != b->nprops)
        return snprintf(why, size, "%zu properties vs %zu", a->nprops, b->nprops), 0;
    for (size_t i = 0; i < a->nprops; i++) {
        const mg_prop *p = &a->props[i], *q = &b->props[i];
        if (strcmp(p->key, q->key) != 0 || p->is_number != q->is_number ||
            (p->is_number ? memcmp(&p->number, &q->number, sizeof p->number) != 0
                          : strcmp(p->text, q->text) != 0))
            return snprintf(why, size, "property %s: %.17g '%s' vs %s: %.17g '%s'", p->key, p->number,
                            p->is_number ? "" : p->text, q->key, q->number, q->is_number ? "" : q->text),
                   0;
    }
    if (a->nexamples != b->nexamples || a->examples_total != b->examples_total)
        return snprintf(why, size, "%zu examples vs %zu", a->nexamples, b->nexamples), 0;
    for (size_t i = 0; i < a->nexamples; i++)
        if (strcmp(a->examples[i], b->examples[i]) != 0)
            return snprintf(why, size, "example %zu: '%s' vs '%s'", i, a->examples[i], b->examples[i]), 0;
    return 1;
}

typedef struct gate_case {
    const char *check, *options;
    uint64_t seed;
    double shift;
    size_t rows, distinct;
} gate_case;

/* Merges the shards cut at cuts[0..ncuts) (from 0, to rows) into *merged;
 * returns merge's status with msg. */
static int run_sharded(const gate_case *g, const size_t *cuts, size_t ncuts, instance *merged, char *msg,
                       size_t size)
{
    instance_begin(merged, g->check, g->options);
    int rc = 0;
    for (size_t k = 0; k + 1 < ncuts && rc == 0; k++) {
        instance shard;
        instance_begin_in(&shard, &shard_env, g->check, g->options);
        instance_rows(&shard, g->seed, g->shift, g->distinct, cuts[k], cuts[k + 1]);
        json_t *state = through_text(&shard.c);
        instance_free(&shard);
        rc = mg_check_state_merge(&merged->c, state, msg, size);
        merged->c.rows += cuts[k + 1] - cuts[k];
        json_decref(state);
    }
    return rc;
}

/* One run and merges of 2, 3 and 7 shards (one empty, one of one row)
 * give the same result; a merge of the first half alone does not (so the
 * comparison can tell). */
static void assert_sharding_exact(const gate_case *g, mg_status expected)
{
    instance one;
    instance_begin(&one, g->check, g->options);
    instance_rows(&one, g->seed, g->shift, g->distinct, 0, g->rows);
    one.c.def->finish(&one.c);
    if (one.c.result->status != expected)
        fail_msg("%s: one run is %s: %s (%s)", g->check, mg_status_name(one.c.result->status), one.c.result->message,
                 one.c.result->nexamples ? one.c.result->examples[0] : "");
    size_t n = g->rows;
    const size_t split2[] = {0, n / 2, n}, split3[] = {0, n / 3, n / 3 + 1, n};
    const size_t split7[] = {0, 1, n / 7, n / 7, 2 * n / 5, n / 2 + 3, 4 * n / 5, n};
    const size_t *splits[] = {split2, split3, split7};
    const size_t nsplit[] = {3, 4, 8};
    char msg[1024], why[1024];
    for (size_t s = 0; s < 3; s++) {
        instance merged;
        if (run_sharded(g, splits[s], nsplit[s], &merged, msg, sizeof msg) != 0)
            fail_msg("%s, %zu shards: merge: %s", g->check, nsplit[s] - 1, msg);
        merged.c.def->finish(&merged.c);
        if (!results_equal(one.c.result, merged.c.result, why, sizeof why))
            fail_msg("%s, %zu shards differ: %s", g->check, nsplit[s] - 1, why);
        instance_free(&merged);
    }
    const size_t half[] = {0, n / 2};
    instance part;
    assert_int_equal(run_sharded(g, half, 2, &part, msg, sizeof msg), 0);
    part.c.def->finish(&part.c);
    assert_false(results_equal(one.c.result, part.c.result, why, sizeof why));
    instance_free(&part);
    instance_free(&one);
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */

static void test_shard_drift_reference_data_exact(void **state)
{
    (void)state;
    write_reference_csv("ref.csv", 2500);
    gate_case same = {"drift", "{\"check\": \"drift\", \"reference\": \"ref.csv\"}", 1, 0.0, 2500, 0};
    assert_sharding_exact(&same, MG_STATUS_PASS);
    gate_case moved = {"drift", "{\"check\": \"drift\", \"reference\": \"ref.csv\", \"number_test\": \"ks\", "
                                "\"text_test\": \"chi2\"}", 7, 1.0, 3001, 0};
    assert_sharding_exact(&moved, MG_STATUS_FAIL);
}

static void test_shard_drift_profile_exact(void **state)
{
    (void)state;
    write_reference_profile("ref-profile.json", 4000);
    /* (a profile leaves out the texts that are not UTF-8: they count as unseen) */
    gate_case same = {"drift", "{\"check\": \"drift\", \"reference\": {\"profile\": \"ref-profile.json\"}, "
                               "\"js_max\": 0.2}", 3, 0.0, 2900, 0};
    assert_sharding_exact(&same, MG_STATUS_PASS);
    gate_case moved = {"drift", "{\"check\": \"drift\", \"reference\": {\"profile\": \"ref-profile.json\"}, "
                                "\"number_test\": \"wasserstein\"}", 4, 1.0, 10000, 0};
    assert_sharding_exact(&moved, MG_STATUS_FAIL);
}

static void test_shard_prediction_and_label_drift_exact(void **state)
{
    (void)state;
    write_reference_csv("ref.csv", 2500);
    write_reference_profile("ref-profile.json", 4000);
    const gate_case cases[] = {
        {"prediction_drift", "{\"check\": \"prediction_drift\", \"reference\": \"ref.csv\"}", 5, 0.0, 2000, 0},
        {"prediction_drift", "{\"check\": \"prediction_drift\", \"reference\": {\"profile\": \"ref-profile.json\"}, "
                             "\"test\": \"ks\"}", 6, 1.0, 3000, 0},
        {"label_drift", "{\"check\": \"label_drift\", \"reference\": \"ref.csv\"}", 8, 0.0, 2000, 0},
        {"label_drift", "{\"check\": \"label_drift\", \"reference\": {\"profile\": \"ref-profile.json\"}}", 9, 2.0,
         3000, 0},
    };
    const mg_status expected[] = {MG_STATUS_PASS, MG_STATUS_FAIL, MG_STATUS_PASS, MG_STATUS_FAIL};
    for (size_t i = 0; i < 4; i++)
        assert_sharding_exact(&cases[i], expected[i]);
}

/* Frequencies past MG_FREQ_TRACK_MAX merge exactly while only the first
 * shard overflows; a later shard that overflowed is refused, naming the
 * check and the feature. */
static void test_shard_drift_text_overflow(void **state)
{
    (void)state;
    write_reference_csv("ref.csv", 500);
    gate_case g = {"drift", "{\"check\": \"drift\", \"reference\": \"ref.csv\", \"features\": \"cat\"}", 2, 0.0,
                   16000, MG_FREQ_TRACK_MAX + 1003};
    instance one, merged;
    instance_begin(&one, g.check, g.options);
    instance_rows(&one, g.seed, g.shift, g.distinct, 0, g.rows);
    one.c.def->finish(&one.c);
    char msg[1024], why[1024];
    /* the first shard holds every distinct value */
    size_t first_full[] = {0, g.rows - 5, g.rows};
    assert_int_equal(run_sharded(&g, first_full, 3, &merged, msg, sizeof msg), 0);
    merged.c.def->finish(&merged.c);
    if (!results_equal(one.c.result, merged.c.result, why, sizeof why))
        fail_msg("overflowed first shard: %s", why);
    instance_free(&merged);
    size_t halves[] = {0, g.rows / 2, g.rows};
    assert_int_equal(run_sharded(&g, halves, 3, &merged, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "check 'drift', feature 'cat'"));
    assert_non_null(strstr(msg, "distinct values"));
    instance_free(&merged);
    instance_free(&one);
}

/* Against a profile, the current side past MG_QSKETCH_EXACT_MAX values is
 * a KLL sketch (figures with rank-error bounds): built over the tree of
 * line blocks, it merges to the same bits too. */
static void test_shard_drift_profile_kll_exact(void **state)
{
    (void)state;
    write_reference_profile("ref-profile.json", 3000);
    const gate_case cases[] = {
        {"drift", "{\"check\": \"drift\", \"reference\": {\"profile\": \"ref-profile.json\"}, \"js_max\": 0.2}",
         3, 0.0, 25000, 0},
        {"prediction_drift", "{\"check\": \"prediction_drift\", \"reference\": {\"profile\": \"ref-profile.json\"}}",
         4, 1.0, 40000, 0},
    };
    const mg_status expected[] = {MG_STATUS_PASS, MG_STATUS_FAIL};
    for (size_t i = 0; i < 2; i++)
        assert_sharding_exact(&cases[i], expected[i]);
    /* the sketched side says so */
    instance one;
    instance_begin(&one, cases[0].check, cases[0].options);
    instance_rows(&one, cases[0].seed, 0.0, 0, 0, cases[0].rows);
    one.c.def->finish(&one.c);
    const mg_prop *p = mg_result_prop(one.c.result, "x.current_rank_error");
    assert_non_null(p);
    assert_true(p->number > 0.0);
    instance_free(&one);
}

/* Shards read no reference: one that cannot be read is the merge's error,
 * the one run's message, for data and profiles alike. */
static void test_shard_drift_missing_reference(void **state)
{
    (void)state;
    const gate_case cases[] = {
        {"drift", "{\"check\": \"drift\", \"reference\": \"nowhere.csv\"}", 3, 0.0, 500, 0},
        {"label_drift", "{\"check\": \"label_drift\", \"reference\": {\"profile\": \"nowhere.json\"}}", 3, 0.0, 500, 0},
    };
    for (size_t i = 0; i < 2; i++) {
        instance one, merged;
        instance_begin(&one, cases[i].check, cases[i].options);
        instance_rows(&one, cases[i].seed, 0.0, 0, 0, cases[i].rows);
        one.c.def->finish(&one.c);
        assert_int_equal(one.c.result->status, MG_STATUS_ERROR);
        const size_t cuts[] = {0, 200, 500};
        char msg[512], why[1024];
        assert_int_equal(run_sharded(&cases[i], cuts, 3, &merged, msg, sizeof msg), 0);
        merged.c.def->finish(&merged.c);
        if (!results_equal(one.c.result, merged.c.result, why, sizeof why))
            fail_msg("%s: %s", cases[i].check, why);
        instance_free(&merged);
        instance_free(&one);
    }
}

/* A state of another shape is refused with what is wrong. */
static void test_shard_drift_refuses_foreign_state(void **state)
{
    (void)state;
    write_reference_csv("ref.csv", 200);
    instance in;
    instance_begin(&in, "drift", "{\"check\": \"drift\", \"reference\": \"ref.csv\"}");
    char msg[512];
    json_t *bad = json_pack("{s:b, s:[]}", "broken", 0, "features");
    assert_int_equal(in.c.def->merge(&in.c, bad, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "features, expected"));
    json_decref(bad);
    bad = json_pack("{s:b, s:[{s:s, s:s}]}", "broken", 0, "features", "name", "x", "kind", "text");
    json_t *f = json_array_get(json_object_get(bad, "features"), 0);
    for (int k = 1; k < 3; k++) /* as many features as z and cat */
        json_array_append_new(json_object_get(bad, "features"), json_deep_copy(f));
    assert_int_equal(in.c.def->merge(&in.c, bad, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "feature 'x': expected a number feature"));
    json_decref(bad);
    /* a real state whose text lengths run past its bytes, or whose counts
     * miss the total, is refused (never read out of bounds) */
    instance shard;
    instance_begin_in(&shard, &shard_env, "drift", "{\"check\": \"drift\", \"reference\": \"ref.csv\"}");
    instance_rows(&shard, 4, 0.0, 0, 0, 300);
    for (int tamper = 0; tamper < 2; tamper++) {
        json_t *saved = mg_check_state_save(&shard.c);
        json_t *cat = json_object_get(json_array_get(json_object_get(json_object_get(saved, "state"), "features"), 2),
                                      "frequencies");
        assert_non_null(cat);
        uint64_t huge[] = {UINT64_MAX, 1};
        if (tamper == 0)
            json_object_set_new(cat, "lengths", mg_state_counts(huge, 2));
        else
            json_object_set_new(cat, "total", json_integer(json_integer_value(json_object_get(cat, "total")) + 1));
        instance fresh;
        instance_begin(&fresh, "drift", "{\"check\": \"drift\", \"reference\": \"ref.csv\"}");
        assert_int_equal(mg_check_state_merge(&fresh.c, saved, msg, sizeof msg), -1);
        assert_non_null(strstr(msg, "feature 'cat': 'frequencies': the lengths, counts, bytes and total disagree"));
        instance_free(&fresh);
        json_decref(saved);
    }
    instance_free(&shard);
    instance_free(&in);
}

int main(void)
{
    setup_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_drift_reference_data_exact),
        cmocka_unit_test(test_shard_drift_profile_exact),
        cmocka_unit_test(test_shard_prediction_and_label_drift_exact),
        cmocka_unit_test(test_shard_drift_text_overflow),
        cmocka_unit_test(test_shard_drift_profile_kll_exact),
        cmocka_unit_test(test_shard_drift_missing_reference),
        cmocka_unit_test(test_shard_drift_refuses_foreign_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
