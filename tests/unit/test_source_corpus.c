/*
 * Corpus tests for the row sources, on the shared corpora found at
 * ../shared/corpus from the repository root (tests run from there; or
 * $MGATE_SHARED/corpus).  Without them each test is skipped, saying why:
 *   - csv-spectrum: every csvs/X.csv must give exactly the records of its
 *     json/X.json twin (read with jansson: an array of objects keyed by
 *     the header, or a single object for a one-record file);
 *   - JSONTestSuite: every n_*.json written as one JSON Lines line between
 *     two valid lines gives a MALFORMED bad row at its line (a file with
 *     raw newlines gives one per non-blank piece) and the lines around it
 *     are still read; every y_*.json that is an object reads as a row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/source.h"
#include "tests/unit/support/shared.h"

#define CSV_SPECTRUM "corpus/csv-spectrum"
#define JSON_SUITE "corpus/json-test-suite"
#define CSV_WHY "the csv-spectrum corpus of CSV edge cases"
#define JSON_WHY "the public JSONTestSuite corpus"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mgate-corpus-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir starting with prefix and ending with suffix. */
static size_t list_dir(const char *dir, const char *prefix, const char *suffix, char ***out)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open corpus folder '%s' (run from the repo root, with shared/ beside "
                 "it)", dir);
    size_t n = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), sl = strlen(suffix);
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || len < sl ||
            strcmp(e->d_name + len - sl, suffix) != 0)
            continue;
        if (n == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    *out = names;
    return n;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    *len = n;
    return buf;
}

static mg_source_status next(mg_source *src, mg_row *row, const char *what)
{
    mg_error err = {{0}};
    mg_source_status st = mg_source_next(src, row, &err);
    if (st == MG_SOURCE_ERROR)
        fail_msg("%s: source error: %s", what, err.msg);
    return st;
}

/* Checks one parsed record against an expected JSON object. */
static void check_record(const char *name, size_t i, mg_source *src, const mg_row *row,
                         json_t *want)
{
    if (json_object_size(want) != mg_source_ncolumns(src) ||
        row->nfields_found != mg_source_ncolumns(src))
        fail_msg("%s: record %zu has %zu fields, expected %zu", name, i, row->nfields_found,
                 json_object_size(want));
    const char *key;
    json_t *value;
    json_object_foreach(want, key, value) {
        long col = mg_source_column_index(src, key);
        if (col < 0)
            fail_msg("%s: no column '%s'", name, key);
        const mg_value *v = &row->values[col];
        const char *s = json_string_value(value);
        size_t len = json_string_length(value);
        if (v->kind != MG_VALUE_TEXT || v->len != len || memcmp(v->text, s, len) != 0)
            fail_msg("%s: record %zu column '%s' is '%.*s', expected '%s'", name, i, key,
                     (int)v->len, v->text, s);
    }
}

/*
 * Known error in the corpus itself: csv-spectrum's location_coordinates.json
 * gives "1234567890" for a phone number the CSV file holds as "2095257564"
 * (upstream csv-spectrum issue).  The twin is corrected here to what the CSV
 * file says; every other value of that file is still compared.
 */
static void apply_errata(const char *name, json_t *records)
{
    if (strcmp(name, "location_coordinates") != 0)
        return;
    json_t *rec = json_array_get(records, 0);
    assert_string_equal(json_string_value(json_object_get(rec, "Contact Phone Number")),
                        "1234567890");
    json_object_set_new(rec, "Contact Phone Number", json_string("2095257564"));
}

static void test_source_corpus_csv_spectrum(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(CSV_SPECTRUM, CSV_WHY);
    char **names;
    size_t n = list_dir(tu_shared(CSV_SPECTRUM "/csvs"), "", ".csv", &names);
    assert_true(n >= 12);
    for (size_t f = 0; f < n; f++) {
        char name[128], csv[512], twin[512];
        snprintf(name, sizeof name, "%.*s", (int)(strlen(names[f]) - 4), names[f]);
        snprintf(csv, sizeof csv, "%s/%s.csv", tu_shared(CSV_SPECTRUM "/csvs"), name);
        snprintf(twin, sizeof twin, "%s/%s.json", tu_shared(CSV_SPECTRUM "/json"), name);
        json_error_t jerr;
        json_t *want = json_load_file(twin, 0, &jerr);
        if (!want)
            fail_msg("%s: %s", twin, jerr.text);
        if (json_is_object(want)) { /* a one-record file */
            json_t *arr = json_array();
            json_array_append_new(arr, want);
            want = arr;
        }
        apply_errata(name, want);
        mg_error err = {{0}};
        mg_source *src = mg_source_open(csv, NULL, &err);
        if (!src)
            fail_msg("%s: %s", name, err.msg);
        mg_row row;
        for (size_t i = 0; i < json_array_size(want); i++) {
            if (next(src, &row, name) != MG_SOURCE_ROW)
                fail_msg("%s: record %zu missing (%s)", name, i,
                         mg_source_problem(src)->message);
            check_record(name, i, src, &row, json_array_get(want, i));
        }
        if (next(src, &row, name) != MG_SOURCE_END)
            fail_msg("%s: more records than the %zu expected", name, json_array_size(want));
        mg_source_free(src);
        json_decref(want);
    }
    free_list(names, n);
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static void test_source_corpus_json_n_files_are_malformed_lines(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JSON_SUITE, JSON_WHY);
    char **names;
    size_t n = list_dir(tu_shared(JSON_SUITE "/test_parsing"), "n_", ".json", &names);
    assert_true(n >= 180);
    char path[256];
    snprintf(path, sizeof path, "%s/n.jsonl", tmpdir);
    size_t bad_rows = 0;
    for (size_t f = 0; f < n; f++) {
        char in[512];
        snprintf(in, sizeof in, "%s/%s", tu_shared(JSON_SUITE "/test_parsing"), names[f]);
        size_t len;
        char *data = read_all(in, &len);
        /* Arrange: valid line, the file's text, valid line. */
        FILE *fp = fopen(path, "wb");
        fputs("{\"v\":1}\n", fp);
        fwrite(data, 1, len, fp);
        fputs("\n{\"v\":2}\n", fp);
        fclose(fp);

        mg_error err = {{0}};
        mg_source *src = mg_source_open(path, NULL, &err);
        if (!src)
            fail_msg("%s: %s", names[f], err.msg);
        mg_row row;
        assert_int_equal(next(src, &row, names[f]), MG_SOURCE_ROW);
        assert_int_equal(row.line, 1);
        /* Each non-blank piece between raw newlines is one bad line. */
        unsigned long line = 2;
        size_t start = 0;
        for (size_t i = 0; i <= len; i++) {
            if (i < len && data[i] != '\n')
                continue;
            if (!is_blank(data + start, i - start)) {
                mg_source_status st = next(src, &row, names[f]);
                if (st != MG_SOURCE_BAD_ROW)
                    fail_msg("%s: line %lu was read as a row, expected a bad row", names[f],
                             line);
                const mg_source_problem_info *p = mg_source_problem(src);
                if (p->kind != MG_PROBLEM_MALFORMED || p->line != line)
                    fail_msg("%s: problem kind %d at line %lu, expected MALFORMED at %lu",
                             names[f], p->kind, p->line, line);
                assert_non_null(p->message);
                bad_rows++;
            }
            line++;
            start = i + 1;
        }
        assert_int_equal(next(src, &row, names[f]), MG_SOURCE_ROW);
        assert_int_equal(row.line, line);
        assert_string_equal(row.values[0].text, "2");
        assert_int_equal(next(src, &row, names[f]), MG_SOURCE_END);
        mg_source_free(src);
        free(data);
    }
    /* Only the empty and single-space files give no bad row (blank lines). */
    assert_true(bad_rows >= n - 2);
    free_list(names, n);
}

static void test_source_corpus_json_y_objects_are_rows(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JSON_SUITE, JSON_WHY);
    char **names;
    size_t n = list_dir(tu_shared(JSON_SUITE "/test_parsing"), "y_", ".json", &names);
    assert_true(n >= 90);
    char path[256];
    snprintf(path, sizeof path, "%s/y.jsonl", tmpdir);
    size_t objects = 0;
    for (size_t f = 0; f < n; f++) {
        char in[512];
        snprintf(in, sizeof in, "%s/%s", tu_shared(JSON_SUITE "/test_parsing"), names[f]);
        json_error_t jerr;
        json_t *want = json_load_file(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        if (!want || !json_is_object(want)) {
            json_decref(want);
            continue;
        }
        /* Valid JSON our source rejects on purpose: duplicate keys. */
        int duplicate = strstr(names[f], "duplicated_key") != NULL;
        size_t len;
        char *data = read_all(in, &len);
        for (size_t i = 0; i < len; i++) /* JSON whitespace: one line, same value */
            if (data[i] == '\n')
                data[i] = ' ';
        FILE *fp = fopen(path, "wb");
        fwrite(data, 1, len, fp);
        fputc('\n', fp);
        fclose(fp);
        free(data);

        mg_error err = {{0}};
        mg_source *src = mg_source_open(path, NULL, &err);
        if (!src)
            fail_msg("%s: %s", names[f], err.msg);
        mg_row row;
        mg_source_status st = next(src, &row, names[f]);
        if (duplicate) {
            assert_int_equal(st, MG_SOURCE_BAD_ROW);
            assert_non_null(strstr(mg_source_problem(src)->message, "duplicate"));
        } else {
            if (st != MG_SOURCE_ROW)
                fail_msg("%s: not read as a row: %s", names[f], mg_source_problem(src)->message);
            assert_int_equal(row.nfields_found, json_object_size(want));
            assert_int_equal(row.nvalues, json_object_size(want));
            for (size_t c = 0; c < row.nvalues; c++) {
                json_t *v = json_object_get(want, mg_source_column(src, c));
                const mg_value *got = &row.values[c];
                if (json_is_string(v)) {
                    assert_int_equal(got->kind, MG_VALUE_TEXT);
                    assert_int_equal(got->len, json_string_length(v));
                    assert_memory_equal(got->text, json_string_value(v), got->len);
                } else if (json_is_number(v)) {
                    assert_int_equal(got->kind, MG_VALUE_NUMBER);
                    assert_true(got->num == json_number_value(v));
                } else if (json_is_null(v)) {
                    assert_int_equal(got->kind, MG_VALUE_NULL);
                } else if (json_is_boolean(v)) {
                    assert_int_equal(got->kind, MG_VALUE_BOOL);
                } else {
                    assert_int_equal(got->kind, MG_VALUE_OTHER);
                }
            }
            objects++;
        }
        assert_int_equal(next(src, &row, names[f]), MG_SOURCE_END);
        mg_source_free(src);
        json_decref(want);
    }
    assert_true(objects >= 8);
    free_list(names, n);
}

static void test_source_corpus_json_i_files_do_not_crash(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JSON_SUITE, JSON_WHY);
    char **names;
    size_t n = list_dir(tu_shared(JSON_SUITE "/test_parsing"), "i_", ".json", &names);
    char path[256];
    snprintf(path, sizeof path, "%s/i.jsonl", tmpdir);
    for (size_t f = 0; f < n; f++) {
        char in[512];
        snprintf(in, sizeof in, "%s/%s", tu_shared(JSON_SUITE "/test_parsing"), names[f]);
        size_t len;
        char *data = read_all(in, &len);
        FILE *fp = fopen(path, "wb");
        fputs("{\"v\":1}\n{\"v\":", fp); /* the value as a member of an object */
        fwrite(data, 1, len, fp);
        fputs("}\n{\"v\":3}\n", fp);
        fclose(fp);
        free(data);
        mg_error err = {{0}};
        mg_source *src = mg_source_open(path, NULL, &err);
        assert_non_null(src);
        mg_row row;
        assert_int_equal(next(src, &row, names[f]), MG_SOURCE_ROW);
        mg_source_status st;
        unsigned long last = 0;
        while ((st = next(src, &row, names[f])) != MG_SOURCE_END) {
            assert_true(st == MG_SOURCE_ROW || st == MG_SOURCE_BAD_ROW);
            if (st == MG_SOURCE_ROW)
                last = row.line;
        }
        assert_true(last >= 3); /* the valid line after it was read */
        mg_source_free(src);
    }
    free_list(names, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_corpus_csv_spectrum),
        cmocka_unit_test(test_source_corpus_json_n_files_are_malformed_lines),
        cmocka_unit_test(test_source_corpus_json_y_objects_are_rows),
        cmocka_unit_test(test_source_corpus_json_i_files_do_not_crash),
    };
    return cmocka_run_group_tests_name("source_corpus", tests, setup, teardown);
}
