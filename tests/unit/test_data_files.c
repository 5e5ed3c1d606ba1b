/* Unit tests for sources/data_files.c and sources/source_multi.c (issue 12,
 * item 1): data.path as a list or a glob, read in order as one data set,
 * lines naming their file, headers that must agree, one fingerprint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/sha256.h"
#include "common/xmem.h"
#include "sources/data_files.h"
#include "sources/source.h"
#include "support/tmpfiles.h"

static char *in_dir(const char *name)
{
    return mg_xasprintf("%s/%s", tu_dir(), name);
}

/* Every row of a source as "FILE:LINE|v1|v2...\n"; problems as "FILE:LINE!message\n". */
static char *read_rows(mg_source *s)
{
    size_t cap = 1 << 16, len = 0;
    char *out = mg_xmalloc(cap);
    out[0] = '\0';
    mg_row row;
    mg_error err = {{0}};
    for (;;) {
        mg_source_status st = mg_source_next(s, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        assert_int_not_equal(st, MG_SOURCE_ERROR);
        char line[1024];
        int n;
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(s);
            n = snprintf(line, sizeof line, "%s:%lu!%s\n", mg_source_file(s, mg_line_file(p->line)),
                         mg_line_local(p->line), p->message);
        } else {
            n = snprintf(line, sizeof line, "%s:%lu", mg_source_file(s, mg_line_file(row.line)),
                         mg_line_local(row.line));
            for (size_t i = 0; i < row.nvalues; i++)
                n += snprintf(line + n, sizeof line - (size_t)n, "|%s", row.values[i].text);
            n += snprintf(line + n, sizeof line - (size_t)n, "\n");
        }
        out = mg_xgrow(out, &cap, len + (size_t)n + 1, 1);
        memcpy(out + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    return out;
}

static void test_data_files_glob_sorted_by_bytes_and_list_in_given_order(void **state)
{
    (void)state;
    tu_write("g-b.csv", "a\n1\n");
    tu_write("g-B.csv", "a\n2\n");
    tu_write("g-a10.csv", "a\n3\n");
    tu_write("g-a9.csv", "a\n4\n");
    char *pattern = in_dir("g-*.csv"), *b = in_dir("g-b.csv"), *a9 = in_dir("g-a9.csv");
    mg_data_files files;
    mg_error err = {{0}};
    /* A glob: byte order (uppercase before lowercase, "a10" before "a9"). */
    const char *one[] = {pattern};
    assert_int_equal(mg_data_files_resolve(one, 1, &files, &err), 0);
    assert_int_equal(files.n, 4);
    const char *want[] = {"g-B.csv", "g-a10.csv", "g-a9.csv", "g-b.csv"};
    for (size_t i = 0; i < 4; i++) {
        assert_non_null(strstr(files.files[i].path, want[i]));
        assert_int_equal(files.files[i].size, 4);
    }
    mg_data_files_free(&files);
    /* A list: as given. */
    const char *list[] = {b, a9};
    assert_int_equal(mg_data_files_resolve(list, 2, &files, &err), 0);
    assert_int_equal(files.n, 2);
    assert_string_equal(files.files[0].path, b);
    assert_string_equal(files.files[1].path, a9);
    mg_data_files_free(&files);
    free(pattern);
    free(b);
    free(a9);
}

static void test_data_files_errors_name_the_entry(void **state)
{
    (void)state;
    tu_write("e-1.csv", "a\n1\n");
    char *none = in_dir("nothing-*.csv"), *one = in_dir("e-1.csv"), *glob = in_dir("e-*.csv");
    mg_data_files files;
    mg_error err = {{0}};
    /* A glob matching nothing names the pattern. */
    const char *a[] = {none};
    assert_int_equal(mg_data_files_resolve(a, 1, &files, &err), -1);
    assert_non_null(strstr(err.msg, none));
    assert_non_null(strstr(err.msg, "no file matches"));
    /* The same file twice (by name and by a glob) would be counted twice. */
    const char *b[] = {one, glob};
    assert_int_equal(mg_data_files_resolve(b, 2, &files, &err), -1);
    assert_non_null(strstr(err.msg, "names this file twice (entries 1 and 2)"));
    assert_int_equal(files.n, 0);
    /* A folder; standard input among other files. */
    const char *c[] = {tu_dir()};
    assert_int_equal(mg_data_files_resolve(c, 1, &files, &err), -1);
    assert_non_null(strstr(err.msg, "is a folder"));
    const char *d[] = {one, "-"};
    assert_int_equal(mg_data_files_resolve(d, 2, &files, &err), -1);
    assert_non_null(strstr(err.msg, "standard input"));
    free(none);
    free(one);
    free(glob);
}

static void test_data_files_line_encoding_round_trips(void **state)
{
    (void)state;
    assert_int_equal(mg_line_encode(0, 17), 17); /* one file: lines as before */
    unsigned long l = mg_line_encode(5, 123456789);
    assert_int_equal(mg_line_file(l), 5);
    assert_int_equal(mg_line_local(l), 123456789);
    assert_true(mg_line_encode(1, 1) > mg_line_encode(0, (1UL << 40) - 1)); /* data order */
}

static mg_source *open_set(const char *const *paths, size_t n, const mg_source_options *o, mg_error *err)
{
    mg_data_files files;
    if (mg_data_files_resolve(paths, n, &files, err) != 0)
        return NULL;
    mg_source *s = mg_source_open_files(&files, "the set", o, err);
    mg_data_files_free(&files);
    return s;
}

static void test_data_files_parts_read_as_their_concatenation(void **state)
{
    (void)state;
    const char *p[] = {tu_write("c-0.csv", "id,v\r\n1,\"a,b\"\r\n2,x\r\n"), tu_write("c-1.csv", "id,v\n"),
                       tu_write("c-2.csv", "id,v\n3,\"q\"\"q\"\n\n4,last")};
    char *paths[3];
    for (size_t i = 0; i < 3; i++)
        paths[i] = mg_xstrdup(p[i]);
    mg_error err = {{0}};
    mg_source *s = open_set((const char *const *)paths, 3, NULL, &err);
    assert_non_null(s);
    assert_int_equal(mg_source_nfiles(s), 3);
    assert_string_equal(mg_source_path(s), "the set");
    assert_int_equal(mg_source_ncolumns(s), 2);
    char *rows = read_rows(s);
    char *want = mg_xasprintf("%s:2|1|a,b\n%s:3|2|x\n%s:2|3|q\"q\n%s:4|4|last\n", paths[0], paths[0], paths[2],
                              paths[2]);
    assert_string_equal(rows, want);
    /* The fingerprint: each file's SHA-256 and a newline, in order, hashed. */
    char hex[65], h[3][65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    mg_sha256 all;
    mg_sha256_init(&all);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(mg_sha256_file(paths[i], h[i], &err), 0);
        mg_sha256_update(&all, h[i], 64);
        mg_sha256_update(&all, "\n", 1);
    }
    char want_hex[65];
    mg_sha256_final_hex(&all, want_hex);
    assert_string_equal(hex, want_hex);
    assert_int_equal(mg_source_bytes_read(s), 20 + 5 + 21);
    mg_source_free(s);
    /* One file: its own hash, as before. */
    char one[65];
    s = open_set((const char *const *)paths, 1, NULL, &err);
    free(read_rows(s));
    assert_int_equal(mg_source_finish(s, one, &err), 0);
    assert_string_equal(one, h[0]);
    mg_source_free(s);
    free(rows);
    free(want);
    for (size_t i = 0; i < 3; i++)
        free(paths[i]);
}

static void test_data_files_header_mismatch_names_both_files_and_the_column(void **state)
{
    (void)state;
    char *a = mg_xstrdup(tu_write("h-0.csv", "id,score,label\n1,0.5,1\n"));
    char *b = mg_xstrdup(tu_write("h-1.csv", "id,score,lbl\n2,0.1,0\n"));
    char *c = mg_xstrdup(tu_write("h-2.csv", "id,score,label\n3,0.9,1\n"));
    const char *paths[] = {a, b, c};
    mg_error err = {{0}};
    mg_source *s = open_set(paths, 3, NULL, &err);
    assert_non_null(s);
    char *rows = read_rows(s);
    /* The differing file's rows are not read; the next file's are. */
    char *want = mg_xasprintf("%s:2|1|0.5|1\n%s:1!the header differs from '%s' at column 3: found 'lbl', expected "
                              "'label' as in '%s'; the rows of '%s' were not read\n%s:2|3|0.9|1\n",
                              a, b, a, a, b, c);
    assert_string_equal(rows, want);
    char hex[65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    mg_source_free(s);
    free(rows);
    free(want);
    /* A missing column counts too. */
    free(b);
    b = mg_xstrdup(tu_write("h-1.csv", "id,score\n2,0.1\n"));
    paths[1] = b;
    s = open_set(paths, 2, NULL, &err);
    rows = read_rows(s);
    assert_non_null(strstr(rows, "at column 3: found no column, expected 'label'"));
    mg_source_free(s);
    free(rows);
    /* Past max_columns: the kept names agree, the counts do not. */
    free(b);
    b = mg_xstrdup(tu_write("h-1.csv", "id,score,label,extra\n2,0.1,0,x\n"));
    paths[1] = b;
    mg_source_options o;
    memset(&o, 0, sizeof o);
    o.limits.max_columns = 2;
    s = open_set(paths, 2, &o, &err);
    rows = read_rows(s);
    assert_non_null(strstr(rows, "the header differs from '"));
    assert_non_null(strstr(rows, "': 4 columns, expected 3 as in '"));
    mg_source_free(s);
    free(rows);
    free(a);
    free(b);
    free(c);
}

static void test_data_files_jsonl_keys_in_any_order(void **state)
{
    (void)state;
    char *a = mg_xstrdup(tu_write("j-0.jsonl", "{\"id\": 1, \"s\": 0.5}\n"));
    char *b = mg_xstrdup(tu_write("j-1.jsonl", "bad\n{\"s\": 0.25, \"id\": 2}\n"));
    char *c = mg_xstrdup(tu_write("j-2.jsonl", "{\"id\": 3, \"t\": 1}\n"));
    const char *paths[] = {a, b, c};
    mg_error err = {{0}};
    mg_source *s = open_set(paths, 3, NULL, &err);
    assert_non_null(s);
    char *rows = read_rows(s);
    /* Other key order: read by name.  Other keys: the file is not read. */
    char *want = mg_xasprintf("%s:1|1|0.5\n%s:1!not valid JSON: '[' or '{' expected near 'bad'\n%s:2|2|0.25\n"
                              "%s:1!the first object's keys differ from '%s': no key 's' here; the rows of '%s' were "
                              "not read\n",
                              a, b, b, c, a, c);
    assert_string_equal(rows, want);
    mg_source_free(s);
    free(rows);
    free(want);
    free(a);
    free(b);
    free(c);
}

static void test_data_files_max_rows_over_the_set_and_finish_hashes_the_rest(void **state)
{
    (void)state;
    char *a = mg_xstrdup(tu_write("m-0.csv", "x\n1\n2\n"));
    char *b = mg_xstrdup(tu_write("m-1.csv", "x\n3\n4\n"));
    char *c = mg_xstrdup(tu_write("m-2.csv", "x\n5\n"));
    const char *paths[] = {a, b, c};
    mg_source_options o;
    memset(&o, 0, sizeof o);
    o.limits.max_rows = 3;
    mg_error err = {{0}};
    mg_source *s = open_set(paths, 3, &o, &err);
    char *rows = read_rows(s);
    assert_non_null(strstr(rows, "|3\n"));
    assert_null(strstr(rows, "|4\n"));
    assert_non_null(strstr(rows, "found more than max_rows 3 rows"));
    char hex[65], want[65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    mg_source_free(s);
    /* The same as reading every file whole. */
    s = open_set(paths, 3, NULL, &err);
    free(read_rows(s));
    assert_int_equal(mg_source_finish(s, want, &err), 0);
    assert_string_equal(hex, want);
    mg_source_free(s);
    free(rows);
    free(a);
    free(b);
    free(c);
}

static void test_data_files_a_file_changed_while_read_is_reported_by_finish(void **state)
{
    (void)state;
    char *a = mg_xstrdup(tu_write("d-0.csv", "x\n1\n2\n"));
    char *b = mg_xstrdup(tu_write("d-1.csv", "x\n3\n4\n"));
    char *c = mg_xstrdup(tu_write("d-2.csv", "x\n5\n"));
    const char *paths[] = {a, b, c};
    mg_error err = {{0}};
    mg_source *s = open_set(paths, 3, NULL, &err);
    mg_row row;
    /* Read into the second file, then append to it. */
    do
        assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    while (mg_line_file(row.line) == 0);
    FILE *fp = fopen(b, "ab");
    assert_non_null(fp);
    fputs("9\n", fp);
    fclose(fp);
    size_t rows = 1;
    while (mg_source_next(s, &row, &err) == MG_SOURCE_ROW)
        rows++;
    assert_int_equal(rows, 3); /* 4 and 5 were still read: the check comes at the end */
    char hex[65];
    assert_int_equal(mg_source_finish(s, hex, &err), -1);
    char *want = mg_xasprintf("'%s': data changed while being read (its size changed", b);
    if (!strstr(err.msg, want))
        fail_msg("'%s' lacks '%s'", err.msg, want);
    mg_source_free(s);
    free(want);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_files_glob_sorted_by_bytes_and_list_in_given_order),
        cmocka_unit_test(test_data_files_errors_name_the_entry),
        cmocka_unit_test(test_data_files_line_encoding_round_trips),
        cmocka_unit_test(test_data_files_parts_read_as_their_concatenation),
        cmocka_unit_test(test_data_files_header_mismatch_names_both_files_and_the_column),
        cmocka_unit_test(test_data_files_jsonl_keys_in_any_order),
        cmocka_unit_test(test_data_files_max_rows_over_the_set_and_finish_hashes_the_rest),
        cmocka_unit_test(test_data_files_a_file_changed_while_read_is_reported_by_finish),
    };
    return cmocka_run_group_tests_name("data_files", tests, NULL, NULL);
}
