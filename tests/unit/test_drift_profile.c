/*
 * Unit tests for drift profiles (checks/drift/profile.h): what a profile
 * counts per column, that merging the profiles of two shards gives the
 * profile of the whole, that the JSON written reads back the same, and that
 * a malformed profile is refused with its position.
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

#include "support/tmpfiles.h"
#include "checks/drift/profile.h"

enum { NCOLS = 4 };
static const char *const names[NCOLS] = {"amount", "currency", "is_fraud", "payload"};
static const mg_pcol_kind kinds[NCOLS] = {MG_PCOL_NUMBER, MG_PCOL_TEXT, MG_PCOL_NUMBER,
                                          MG_PCOL_TEXT};

/* Row i of a synthetic data set: amounts with some missing and some text,
 * three currencies, a 0/1 label (sometimes missing), a JSON object now and
 * then in a text column (wrong type), and a short row every 50. */
static void make_row(uint64_t i, mg_value *v, char bufs[NCOLS][32], mg_row *row)
{
    memset(v, 0, NCOLS * sizeof *v);
    static const char *const cur[] = {"EUR", "USD", "GBP", "EUR", "EUR"};
    if (i % 17 == 0)
        snprintf(bufs[0], 32, "%s", "");
    else if (i % 29 == 0)
        snprintf(bufs[0], 32, "n/a");
    else
        snprintf(bufs[0], 32, "%.2f", (double)((i * 7919) % 1000) / 10.0 + (double)(i % 7));
    snprintf(bufs[1], 32, "%s", cur[(i * 31) % 5]);
    snprintf(bufs[2], 32, "%s", i % 23 == 0 ? "" : ((i * 13) % 10 < 2 ? "1" : "0"));
    snprintf(bufs[3], 32, "%s", i % 11 == 0 ? "{\"a\":1}" : "text");
    for (int c = 0; c < NCOLS; c++) {
        v[c].kind = MG_VALUE_TEXT;
        v[c].text = bufs[c];
        v[c].len = strlen(bufs[c]);
    }
    if (i % 11 == 0)
        v[3].kind = MG_VALUE_OTHER;
    row->values = v;
    row->nvalues = i % 50 == 49 ? 2 : NCOLS; /* a short record: the rest is absent */
    row->index = (unsigned long)i;
    row->line = (unsigned long)i + 2;
}

/* The profile of rows [from, to), with a score per row (NaN every 37). */
static mg_dprofile *profile_of(uint64_t from, uint64_t to)
{
    mg_dprofile *p = mg_dprofile_new(names, kinds, NCOLS, 2, "model");
    for (uint64_t i = from; i < to; i++) {
        mg_value v[NCOLS];
        char bufs[NCOLS][32];
        mg_row row;
        make_row(i, v, bufs, &row);
        mg_dprofile_add_row(p, &row);
        mg_dprofile_add_score(p, i % 37 == 0 ? NAN : (double)((i * 101) % 997) / 997.0);
    }
    return p;
}

/* Compares two JSON documents: reals to rtol relative, everything else exactly. */
static void assert_json_close(const json_t *a, const json_t *b, double rtol, const char *where)
{
    if (json_is_real(a) && json_is_real(b)) {
        double x = json_real_value(a), y = json_real_value(b);
        if (!(fabs(x - y) <= rtol * fabs(y)))
            fail_msg("%s: %.17g != %.17g", where, x, y);
        return;
    }
    if (json_typeof(a) != json_typeof(b))
        fail_msg("%s: different kinds of value", where);
    if (json_is_object(a)) {
        assert_int_equal(json_object_size(a), json_object_size(b));
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)a, key, v) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s.%s", where, key);
            const json_t *w = json_object_get(b, key);
            if (!w)
                fail_msg("%s: missing on one side", sub);
            assert_json_close(v, w, rtol, sub);
        }
    } else if (json_is_array(a)) {
        assert_int_equal(json_array_size(a), json_array_size(b));
        for (size_t i = 0; i < json_array_size(a); i++) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s[%zu]", where, i);
            assert_json_close(json_array_get(a, i), json_array_get(b, i), rtol, sub);
        }
    } else if (!json_equal(a, b)) {
        fail_msg("%s: values differ", where);
    }
}

static void test_drift_profile_counts_each_column(void **state)
{
    (void)state;
    mg_dprofile *p = profile_of(0, 1000);
    assert_int_equal(p->rows, 1000);
    const mg_pcol *amount = mg_dprofile_column(p, "amount");
    /* i % 17 == 0 empty, or a short row (i % 50 == 49 leaves amount present) */
    uint64_t missing = 0, wrong = 0, text_wrong = 0, absent = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        missing += i % 17 == 0;
        wrong += i % 17 != 0 && i % 29 == 0;
        absent += i % 50 == 49;
        text_wrong += i % 11 == 0 && i % 50 != 49;
    }
    assert_int_equal(amount->missing, missing);
    assert_int_equal(amount->wrong_type, wrong);
    assert_int_equal(amount->moments.count, 1000 - missing - wrong);
    assert_int_equal(amount->sketch.n, amount->moments.count);
    const mg_pcol *payload = mg_dprofile_column(p, "payload");
    assert_int_equal(payload->missing, absent);
    assert_int_equal(payload->wrong_type, text_wrong);
    assert_int_equal(mg_freq_count(&payload->values, "text", 4), 1000 - absent - text_wrong);
    const mg_pcol *currency = mg_dprofile_column(p, "currency");
    assert_int_equal(mg_freq_count(&currency->values, "EUR", 3), 600);
    /* labels: the accepted values of is_fraud, as written */
    const mg_pcol *label = mg_dprofile_column(p, "is_fraud");
    assert_int_equal(p->labels.total, label->moments.count);
    assert_int_equal(mg_freq_count(&p->labels, "1", 1) + mg_freq_count(&p->labels, "0", 1),
                     label->moments.count);
    assert_int_equal(p->scores_missing, 28); /* 0, 37, ..., 999 */
    assert_int_equal(p->scores.count, 1000 - 28);
    assert_null(mg_dprofile_column(p, "nope"));
    mg_dprofile_free(p);
}

static void test_drift_profile_merge_equals_profile_of_concatenation(void **state)
{
    (void)state;
    const uint64_t cuts[] = {0, 1, 333, 999, 1000};
    mg_dprofile *whole = profile_of(0, 1000);
    json_t *want = mg_dprofile_to_json(whole);
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        mg_dprofile *a = profile_of(0, cuts[c]), *b = profile_of(cuts[c], 1000);
        assert_int_equal(mg_dprofile_merge(a, b, NULL), 0);
        json_t *got = mg_dprofile_to_json(a);
        /* counts, frequencies and exact sketches exactly; mean, m2 and variance to rounding */
        assert_json_close(got, want, 1e-12, "profile");
        json_decref(got);
        mg_dprofile_free(a);
        mg_dprofile_free(b);
    }
    json_decref(want);
    mg_dprofile_free(whole);
}

static void test_drift_profile_merge_of_large_shards(void **state)
{
    (void)state;
    /* 30000 rows: the number columns' sketches are KLL, so only they differ */
    mg_dprofile *whole = profile_of(0, 30000), *a = profile_of(0, 12000);
    mg_dprofile *b = profile_of(12000, 30000);
    assert_int_equal(mg_dprofile_merge(a, b, NULL), 0);
    const mg_pcol *x = mg_dprofile_column(a, "amount"), *y = mg_dprofile_column(whole, "amount");
    assert_false(x->sketch.exact);
    assert_true(x->sketch.n == y->sketch.n && x->moments.count == y->moments.count);
    assert_true(x->missing == y->missing && x->wrong_type == y->wrong_type);
    assert_true(fabs(x->moments.mean - y->moments.mean) <= 1e-12 * fabs(y->moments.mean));
    double bound = mg_qsketch_rank_error(&x->sketch) * (double)x->sketch.n;
    for (double q = 0.0; q <= 100.0; q += 2.5) {
        double ra = (double)mg_qsketch_rank(&x->sketch, q);
        double rb = (double)mg_qsketch_rank(&y->sketch, q);
        assert_true(fabs(ra - rb) <= 2 * bound); /* each within the bound of the truth */
    }
    mg_dprofile_free(whole);
    mg_dprofile_free(a);
    mg_dprofile_free(b);
}

static void test_drift_profile_refuses_unmergeable(void **state)
{
    (void)state;
    mg_dprofile *a = profile_of(0, 10);
    mg_dprofile *b = mg_dprofile_new(names, kinds, NCOLS, 2, NULL);
    const char *other[NCOLS] = {"amount", "currency", "is_fraud", "blob"};
    mg_dprofile *c = mg_dprofile_new(other, kinds, NCOLS, 2, "model");
    mg_error err = {{0}};
    assert_int_equal(mg_dprofile_merge(a, b, &err), -1);
    assert_string_equal(err.msg, "cannot merge profiles with scores from 'model' and '(none)'");
    assert_int_equal(mg_dprofile_merge(a, c, &err), -1);
    assert_string_equal(err.msg,
                        "cannot merge profiles: column 4 is 'payload' in one and 'blob' in the other");
    assert_int_equal(a->rows, 10); /* unchanged */
    mg_dprofile_free(a);
    mg_dprofile_free(b);
    mg_dprofile_free(c);
}

/* Found by fuzz/fuzz_profile.c: `mgate profile --merge` of two profiles of
 * 9e18 rows wrote a count JSON cannot hold (read back as negative), and
 * moments near DBL_MAX merged to infinity, which JSON cannot write. */
static void test_drift_profile_refuses_merge_it_cannot_store(void **state)
{
    (void)state;
    static const char *const one[] = {"x"};
    static const mg_pcol_kind number[] = {MG_PCOL_NUMBER};
    static const char big_text[] = "{\"format\": \"mgate-profile\", \"version\": 1, "
                                   "\"rows\": 9000000000000000000, \"columns\": []}";
    mg_error err = {{0}};
    mg_dprofile *a = mg_dprofile_from_text("a.json", big_text, strlen(big_text), &err);
    mg_dprofile *b = mg_dprofile_from_text("b.json", big_text, strlen(big_text), &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(mg_dprofile_merge(a, b, &err), -1);
    assert_string_equal(err.msg, "cannot merge profiles: the merged counts would be over "
                                 "9223372036854775807, the most a profile holds");
    assert_true(a->rows == 9000000000000000000u); /* unchanged */
    mg_dprofile_free(a);
    mg_dprofile_free(b);

    mg_dprofile *lo = mg_dprofile_new(one, number, 1, -1, NULL);
    mg_dprofile *hi = mg_dprofile_new(one, number, 1, -1, NULL);
    mg_value v = {MG_VALUE_NUMBER, "-1.7e308", 8, -1.7e308, 0};
    mg_row row = {.nvalues = 1, .values = &v, .line = 2, .index = 0};
    mg_dprofile_add_row(lo, &row);
    v = (mg_value){MG_VALUE_NUMBER, "1.7e308", 7, 1.7e308, 0};
    mg_dprofile_add_row(hi, &row);
    mg_dprofile_settle(lo);
    mg_dprofile_settle(hi);
    assert_int_equal(mg_dprofile_merge(lo, hi, &err), -1);
    assert_string_equal(err.msg, "cannot merge profiles: column 'x': the merged mean or variance "
                                 "is beyond double precision");
    assert_int_equal(lo->rows, 1);
    mg_dprofile_free(lo);
    mg_dprofile_free(hi);
}

static void test_drift_profile_file_round_trip(void **state)
{
    (void)state;
    mg_dprofile *p = profile_of(0, 20000); /* KLL sketches and exact frequencies */
    char path[512];
    snprintf(path, sizeof path, "%s/profile.json", tu_dir());
    mg_error err = {{0}};
    assert_int_equal(mg_dprofile_write(p, path, &err), 0);
    mg_dprofile *back = mg_dprofile_read(path, &err);
    if (!back)
        fail_msg("%s", err.msg);
    json_t *a = mg_dprofile_to_json(p), *b = mg_dprofile_to_json(back);
    assert_true(json_equal(a, b));
    assert_string_equal(back->label, "is_fraud");
    assert_int_equal(back->label_col, 2);
    /* a profile read back merges like the original */
    mg_dprofile *more = profile_of(20000, 20100);
    assert_int_equal(mg_dprofile_merge(back, more, &err), 0);
    assert_int_equal(back->rows, 20100);
    json_decref(a);
    json_decref(b);
    mg_dprofile_free(more);
    mg_dprofile_free(back);
    mg_dprofile_free(p);
}

/* A small valid profile; the malformed cases change one piece of it. */
static const char *const valid =
    "{\n"
    " \"format\": \"mgate-profile\",\n"
    " \"version\": 1,\n"
    " \"rows\": 3,\n"
    " \"columns\": [\n"
    "  {\"name\": \"amount\", \"kind\": \"number\", \"rows\": 3, \"missing\": 1, \"wrong_type\": 0,\n"
    "   \"moments\": {\"count\": 2, \"mean\": 1.5, \"m2\": 0.5, \"variance\": 0.25, \"min\": 1.0, \"max\": 2.0},\n"
    "   \"quantiles\": {\"k\": 200, \"n\": 2, \"exact\": true, \"values\": [1.0, 2.0]}},\n"
    "  {\"name\": \"currency\", \"kind\": \"text\", \"rows\": 3, \"missing\": 0, \"wrong_type\": 0,\n"
    "   \"values\": {\"total\": 3, \"untracked\": 0, \"counts\": [[\"EUR\", 2], [\"USD\", 1]]}}\n"
    " ],\n"
    " \"label\": {\"column\": \"currency\", \"values\": {\"total\": 3, \"untracked\": 0, \"counts\": [[\"EUR\", 2], [\"USD\", 1]]}}\n"
    "}\n";

/* valid with the first `from` replaced by `to`. */
static char *edited(const char *from, const char *to)
{
    const char *at = strstr(valid, from);
    assert_non_null(at);
    size_t head = (size_t)(at - valid);
    char *out = malloc(strlen(valid) + strlen(to) + 1);
    memcpy(out, valid, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_drift_profile_reads_the_documented_example(void **state)
{
    (void)state;
    mg_error err = {{0}};
    mg_dprofile *p = mg_dprofile_from_text("p.json", valid, strlen(valid), &err);
    if (!p)
        fail_msg("%s", err.msg);
    assert_int_equal(p->ncols, 2);
    assert_true(mg_moments_variance(&p->cols[0].moments) == 0.25);
    assert_int_equal(mg_freq_count(&p->labels, "USD", 3), 1);
    assert_null(p->scores_from);
    mg_dprofile_free(p);
}

static void test_drift_profile_malformed_is_refused_with_its_position(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *message;
    } cases[] = {
        {"\"version\": 1", "\"version\": 2",
         "p.json:3:13: version: version 2 was written by a newer mgate; this mgate reads version 1"},
        {"\"format\": \"mgate-profile\"", "\"format\": \"csv\"",
         "p.json:2:12: format: expected \"mgate-profile\", found \"csv\": not an mgate profile"},
        {"\"wrong_type\": 0,\n   \"moments\"", "\"wrong_typo\": 0,\n   \"moments\"",
         "p.json:6:65: columns[0].wrong_typo: unknown key 'wrong_typo' in a profile"},
        {"[1.0, 2.0]", "[1.0, \"2\"]",
         "p.json:8:67: columns[0].quantiles.values[1]: expected a finite number"},
        {"\"n\": 2", "\"n\": 3",
         "p.json:8:61: columns[0].quantiles.values: expected n = 3 values, found 2"},
        {"\"count\": 2", "\"count\": 1",
         "p.json:7:15: columns[0].moments: count 1 is not rows - missing - wrong_type = 2"},
        {"\"kind\": \"text\"", "\"kind\": \"texts\"",
         "p.json:9:32: columns[1].kind: expected \"number\" or \"text\", found \"texts\""},
        {"\"total\": 3", "\"total\": 4",
         "p.json:10:24: columns[1].values.total: total 4 is not the counts' sum 3 plus untracked 0"},
        {"[\"USD\", 1]]}}\n ]", "[\"EUR\", 1]]}}\n ]",
         "p.json:10:66: columns[1].values.counts[1]: the value 'EUR' is listed twice"},
        {"\"name\": \"currency\"", "\"name\": \"amount\"",
         "p.json:9:12: columns[1].name: column 'amount' is listed twice (first as columns[0])"},
        {"\"column\": \"currency\"", "\"column\": \"label\"",
         "p.json:12:22: label.column: the label column 'label' is not one of the profile's columns"},
        {"\"rows\": 3,\n \"columns\"", "\"rows\": -3,\n \"columns\"",
         "p.json:4:10: rows: expected a count >= 0, found -3"},
        {"\"mean\": 1.5", "\"mean\": \"1.5\"",
         "p.json:7:36: columns[0].moments.mean: expected a number, found a string"},
        {"\"exact\": true", "\"exact\": false, \"state\": \"0000000000000001\", \"levels\": [[1.0]]",
         "p.json:8:17: columns[0].quantiles: a sketch of 2 values must be exact (\"exact\": true with \"values\")"},
        {"\"format\": \"mgate-profile\",", "\"format\": \"mgate-profile\"",
         "p.json:3:10: '}' expected near '\"version\"'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = edited(cases[i].from, cases[i].to);
        mg_error err = {{0}};
        mg_dprofile *p = mg_dprofile_from_text("p.json", text, strlen(text), &err);
        if (p)
            fail_msg("case %zu was accepted", i);
        if (strcmp(err.msg, cases[i].message) != 0)
            fail_msg("case %zu:\n got: %s\nwant: %s", i, err.msg, cases[i].message);
        free(text);
    }
}

static void test_drift_profile_auto_columns_settle_by_their_values(void **state)
{
    (void)state;
    /* mostly numbers (0.5% text), often text (5%), empty, and a label with one flaw */
    static const char *const auto_names[4] = {"few_flaws", "many_flaws", "empty", "label"};
    static const mg_pcol_kind autos[4] = {MG_PCOL_AUTO, MG_PCOL_AUTO, MG_PCOL_AUTO, MG_PCOL_AUTO};
    mg_dprofile *p = mg_dprofile_new(auto_names, autos, 4, 3, NULL);
    for (int i = 0; i < 1000; i++) {
        char a[16], b[16];
        snprintf(a, sizeof a, i % 200 == 7 ? "x%d" : "%d", i);
        snprintf(b, sizeof b, i % 20 == 3 ? "y%d" : "%d", i);
        const char *label = i == 500 ? "unknown" : (i % 2 ? "1" : "0");
        mg_value v[4] = {{.kind = MG_VALUE_TEXT, .text = a, .len = strlen(a)},
                         {.kind = MG_VALUE_TEXT, .text = b, .len = strlen(b)},
                         {.kind = MG_VALUE_TEXT, .text = "", .len = 0},
                         {.kind = MG_VALUE_TEXT, .text = label, .len = strlen(label)}};
        mg_row row = {.nvalues = 4, .values = v};
        mg_dprofile_add_row(p, &row);
    }
    mg_dprofile_settle(p);
    assert_int_equal(p->cols[0].kind, MG_PCOL_NUMBER);
    assert_int_equal(p->cols[0].wrong_type, 5);
    assert_int_equal(p->cols[0].moments.count, 995);
    assert_int_equal(p->cols[0].values.total, 0); /* the text summary is gone */
    assert_int_equal(p->cols[1].kind, MG_PCOL_TEXT);
    assert_int_equal(p->cols[1].wrong_type, 0);
    assert_int_equal(p->cols[1].values.total, 1000);
    assert_int_equal(p->cols[1].sketch.n, 0);
    assert_int_equal(p->cols[2].kind, MG_PCOL_TEXT);
    assert_int_equal(p->cols[2].missing, 1000);
    assert_int_equal(p->cols[3].kind, MG_PCOL_TEXT); /* one text label: classes, not numbers */
    assert_int_equal(mg_freq_count(&p->labels, "unknown", 7), 1);
    /* what is written reads back */
    json_t *j = mg_dprofile_to_json(p);
    char *text = json_dumps(j, JSON_INDENT(1));
    mg_error err = {{0}};
    mg_dprofile *back = mg_dprofile_from_text("auto.json", text, strlen(text), &err);
    if (!back)
        fail_msg("%s", err.msg);
    mg_dprofile_free(back);
    free(text);
    json_decref(j);
    mg_dprofile_free(p);
}

static void test_drift_profile_read_missing_file(void **state)
{
    (void)state;
    mg_error err = {{0}};
    assert_null(mg_dprofile_read("/nonexistent/p.json", &err));
    assert_string_equal(err.msg,
                        "/nonexistent/p.json: cannot open the profile: No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_profile_counts_each_column),
        cmocka_unit_test(test_drift_profile_merge_equals_profile_of_concatenation),
        cmocka_unit_test(test_drift_profile_merge_of_large_shards),
        cmocka_unit_test(test_drift_profile_refuses_unmergeable),
        cmocka_unit_test(test_drift_profile_refuses_merge_it_cannot_store),
        cmocka_unit_test(test_drift_profile_file_round_trip),
        cmocka_unit_test(test_drift_profile_reads_the_documented_example),
        cmocka_unit_test(test_drift_profile_malformed_is_refused_with_its_position),
        cmocka_unit_test(test_drift_profile_auto_columns_settle_by_their_values),
        cmocka_unit_test(test_drift_profile_read_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
