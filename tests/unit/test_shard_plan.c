/* Unit tests for sources/shard_plan.c (issue 12, item 2): every shard of N
 * (N = 1..8) reads its part of the data set, and together they read every
 * record exactly once, with its line number, whatever the boundaries: CRLF,
 * a last line without a newline, quoted fields, blank lines, several files;
 * a quoted line break makes a CSV split refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/xmem.h"
#include "sources/shard_plan.h"
#include "support/tmpfiles.h"

static void sb_init(mg_strbuf *b)
{
    memset(b, 0, sizeof *b);
}

static void sb_printf(mg_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(mg_strbuf *b, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    mg_strbuf_addn(b, buf, (size_t)n);
}

/* The text (the caller frees it), "" when nothing was appended. */
static char *sb_take(mg_strbuf *b)
{
    return b->s ? b->s : mg_xstrdup("");
}

/* Appends "FILE#:LINE|v1|v2...\n" per row and "FILE#:LINE!message\n" per
 * row-level problem of src to out.  Returns 0, or -1 with err at an error. */
static int append_rows(mg_source *src, size_t file, mg_strbuf *out, mg_error *err)
{
    mg_row row;
    for (;;) {
        mg_source_status st = mg_source_next(src, &row, err);
        if (st == MG_SOURCE_END)
            return 0;
        if (st == MG_SOURCE_ERROR)
            return -1;
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(src);
            sb_printf(out, "%zu:%lu!%s\n", file + mg_line_file(p->line), mg_line_local(p->line), p->message);
            continue;
        }
        sb_printf(out, "%zu:%lu", file + mg_line_file(row.line), mg_line_local(row.line));
        for (size_t i = 0; i < row.nvalues; i++)
            sb_printf(out, "|%s", row.values[i].text);
        sb_printf(out, "\n");
    }
}

/* The whole data set, read as one source. */
static char *read_whole(const mg_data_files *files)
{
    mg_error err = {{0}};
    mg_source *src = mg_source_open_files(files, NULL, NULL, &err);
    assert_non_null(src);
    mg_strbuf out;
    sb_init(&out);
    assert_int_equal(append_rows(src, 0, &out, &err), 0);
    char hex[65];
    assert_int_equal(mg_source_finish(src, hex, &err), 0);
    mg_source_free(src);
    return sb_take(&out);
}

/* Every shard of n, read piece by piece, in shard order.  Returns NULL and
 * the first error in err when a shard refuses. */
static char *read_sharded(const mg_data_files *files, size_t n, mg_error *err)
{
    mg_strbuf out;
    sb_init(&out);
    int failed = 0;
    for (size_t k = 0; k < n && !failed; k++) {
        mg_shard_work w;
        assert_int_equal(mg_shard_plan(files, MG_FORMAT_AUTO, k, n, &w, err), 0);
        for (size_t i = 0; i < w.n && !failed; i++) {
            const mg_shard_piece *p = &w.pieces[i];
            mg_source *src = mg_source_open_range(files->files[p->file].path, NULL, p->begin, p->end, err);
            assert_non_null(src);
            failed = append_rows(src, p->file, &out, err) != 0;
            char hex[65];
            if (!failed)
                assert_int_equal(mg_source_finish(src, hex, err), 0);
            mg_source_free(src);
        }
        mg_shard_work_free(&w);
    }
    char *text = sb_take(&out);
    if (failed) {
        free(text);
        return NULL;
    }
    return text;
}

/* The pieces of all n shards tile every file exactly once, in order. */
static void assert_tiles(const mg_data_files *files, size_t n)
{
    size_t file = 0;
    uint64_t at = 0;
    mg_error err = {{0}};
    for (size_t k = 0; k < n; k++) {
        mg_shard_work w;
        assert_int_equal(mg_shard_plan(files, MG_FORMAT_AUTO, k, n, &w, &err), 0);
        for (size_t i = 0; i < w.n; i++) {
            const mg_shard_piece *p = &w.pieces[i];
            while (file < p->file) {
                /* Skipped bytes may only be a header or an empty range's end. */
                assert_true(at == files->files[file].size || files->files[file].size - at < 64);
                file++;
                at = 0;
            }
            assert_true(p->begin >= at);
            assert_true(p->begin - at < 64); /* at most a CSV header skipped */
            assert_true(p->end > p->begin || files->files[p->file].size == 0);
            at = p->end;
        }
        mg_shard_work_free(&w);
    }
    assert_int_equal(file, files->n - 1);
    assert_int_equal(at, files->files[file].size);
}

static mg_data_files resolve(const char *const *paths, size_t n)
{
    mg_data_files files;
    mg_error err = {{0}};
    assert_int_equal(mg_data_files_resolve(paths, n, &files, &err), 0);
    return files;
}

/* A CSV with CRLF and LF lines, quoted fields (a comma, doubled quotes, an
 * empty one), blank lines, varying lengths and no newline at the end. */
static char *tricky_csv(void)
{
    mg_strbuf b;
    sb_init(&b);
    sb_printf(&b, "id,text,n\r\n");
    for (int i = 1; i <= 150; i++) {
        const char *end = i % 3 ? "\r\n" : "\n";
        if (i % 7 == 0)
            sb_printf(&b, "%d,\"a, \"\"quoted\"\" %*s\",%d%s", i, i % 13, "", i * 3, end);
        else if (i % 11 == 0)
            sb_printf(&b, "%d,\"\",%d%s\r\n", i, i, end);
        else
            sb_printf(&b, "%d,plain%d,%d%s", i, i * i, i % 5, i == 150 ? "" : end);
    }
    return sb_take(&b);
}

static void test_shard_plan_one_csv_file_every_n(void **state)
{
    (void)state;
    char *text = tricky_csv();
    const char *paths[] = {tu_write("tricky.csv", text)};
    mg_data_files files = resolve(paths, 1);
    char *whole = read_whole(&files);
    assert_non_null(strstr(whole, "0:2|1|plain1|1\n"));
    assert_non_null(strstr(whole, "|150|plain22500|0\n"));
    for (size_t n = 1; n <= 8; n++) {
        assert_tiles(&files, n);
        mg_error err = {{0}};
        char *sharded = read_sharded(&files, n, &err);
        if (!sharded)
            fail_msg("%zu shards: %s", n, err.msg);
        if (strcmp(sharded, whole) != 0)
            fail_msg("%zu shards read other rows:\n%s\n---\n%s", n, sharded, whole);
        free(sharded);
    }
    free(whole);
    free(text);
    mg_data_files_free(&files);
}

static void test_shard_plan_one_jsonl_file_every_n(void **state)
{
    (void)state;
    mg_strbuf b;
    sb_init(&b);
    for (int i = 1; i <= 120; i++) {
        if (i == 40)
            sb_printf(&b, "not json\n");
        else if (i % 9 == 0)
            sb_printf(&b, "\r\n");
        sb_printf(&b, "{\"id\": %d, \"s\": \"x\\ny%*s\"}%s", i, i % 17, "", i == 120 ? "" : i % 2 ? "\r\n" : "\n");
    }
    char *text = sb_take(&b);
    const char *paths[] = {tu_write("lines.jsonl", text)};
    mg_data_files files = resolve(paths, 1);
    char *whole = read_whole(&files);
    assert_non_null(strstr(whole, "!not valid JSON"));
    for (size_t n = 1; n <= 8; n++) {
        assert_tiles(&files, n);
        mg_error err = {{0}};
        char *sharded = read_sharded(&files, n, &err);
        if (!sharded)
            fail_msg("%zu shards: %s", n, err.msg);
        if (strcmp(sharded, whole) != 0)
            fail_msg("%zu shards read other rows:\n%s\n---\n%s", n, sharded, whole);
        free(sharded);
    }
    free(whole);
    free(text);
    mg_data_files_free(&files);
}

static void test_shard_plan_several_files_every_n(void **state)
{
    (void)state;
    char *text = tricky_csv();
    char *paths[4];
    paths[0] = mg_xstrdup(tu_write("set-0.csv", text));
    paths[1] = mg_xstrdup(tu_write("set-1.csv", "id,text,n\n"));      /* no rows */
    paths[2] = mg_xstrdup(tu_write("set-2.csv", "id,text,n\n7,seven,7")); /* one, no newline */
    paths[3] = mg_xstrdup(tu_write("set-3.csv", text));
    mg_data_files files = resolve((const char *const *)paths, 4);
    char *whole = read_whole(&files);
    assert_non_null(strstr(whole, "2:2|7|seven|7\n"));
    for (size_t n = 1; n <= 8; n++) {
        assert_tiles(&files, n);
        mg_error err = {{0}};
        char *sharded = read_sharded(&files, n, &err);
        if (!sharded)
            fail_msg("%zu shards: %s", n, err.msg);
        if (strcmp(sharded, whole) != 0)
            fail_msg("%zu shards read other rows:\n%s\n---\n%s", n, sharded, whole);
        free(sharded);
    }
    free(whole);
    free(text);
    mg_data_files_free(&files);
    for (size_t i = 0; i < 4; i++)
        free(paths[i]);
}

static void test_shard_plan_quoted_line_break_refuses_a_csv_split(void **state)
{
    (void)state;
    mg_strbuf b;
    sb_init(&b);
    sb_printf(&b, "id,text\n");
    for (int i = 1; i <= 80; i++)
        sb_printf(&b, i == 41 ? "%d,\"two\nlines\"\n" : "%d,one line\n", i);
    char *text = sb_take(&b);
    const char *paths[] = {tu_write("quoted.csv", text)};
    mg_data_files files = resolve(paths, 1);
    mg_error err = {{0}};
    /* One shard reads the file whole, as a run does. */
    char *one = read_sharded(&files, 1, &err);
    assert_non_null(one);
    char *whole = read_whole(&files);
    assert_string_equal(one, whole);
    for (size_t n = 2; n <= 8; n++) {
        memset(&err, 0, sizeof err);
        char *sharded = read_sharded(&files, n, &err);
        if (sharded)
            fail_msg("%zu shards read a quoted line break without refusing", n);
        assert_non_null(strstr(err.msg, "cannot be split into byte ranges"));
        assert_non_null(strstr(err.msg, "split the data into several files"));
        if (!strstr(err.msg, "quoted.csv:42: a quoted field"))
            fail_msg("%zu shards: %s", n, err.msg);
    }
    free(one);
    free(whole);
    free(text);
    mg_data_files_free(&files);
}

static void test_shard_plan_whole_files_by_size(void **state)
{
    (void)state;
    /* Sizes 100, 10, 10, 10, 100, 10 (bytes) in 3 shards: cuts nearest to
     * 80 and 160 bytes, i.e. after the first and the fourth file. */
    mg_data_files files;
    memset(&files, 0, sizeof files);
    uint64_t sizes[] = {100, 10, 10, 10, 100, 10};
    files.n = 6;
    files.files = mg_xcalloc(6, sizeof *files.files);
    for (size_t i = 0; i < 6; i++) {
        files.files[i].path = mg_xasprintf("f%zu.csv", i);
        files.files[i].size = sizes[i];
    }
    size_t want_first[] = {0, 1, 4}, want_n[] = {1, 3, 2};
    mg_error err = {{0}};
    for (size_t k = 0; k < 3; k++) {
        mg_shard_work w;
        assert_int_equal(mg_shard_plan(&files, MG_FORMAT_CSV, k, 3, &w, &err), 0);
        assert_int_equal(w.n, want_n[k]);
        assert_int_equal(w.pieces[0].file, want_first[k]);
        for (size_t i = 0; i < w.n; i++)
            assert_true(w.pieces[i].whole);
        mg_shard_work_free(&w);
    }
    /* As many shards as files: one each, whatever the sizes. */
    for (size_t k = 0; k < 6; k++) {
        mg_shard_work w;
        assert_int_equal(mg_shard_plan(&files, MG_FORMAT_CSV, k, 6, &w, &err), 0);
        assert_int_equal(w.n, 1);
        assert_int_equal(w.pieces[0].file, k);
        mg_shard_work_free(&w);
    }
    /* Bad shard numbers. */
    mg_shard_work w;
    assert_int_equal(mg_shard_plan(&files, MG_FORMAT_CSV, 3, 3, &w, &err), -1);
    assert_non_null(strstr(err.msg, "shard 4 of 3"));
    assert_int_equal(mg_shard_plan(&files, MG_FORMAT_CSV, 0, 0, &w, &err), -1);
    mg_data_files_free(&files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_plan_one_csv_file_every_n),
        cmocka_unit_test(test_shard_plan_one_jsonl_file_every_n),
        cmocka_unit_test(test_shard_plan_several_files_every_n),
        cmocka_unit_test(test_shard_plan_quoted_line_break_refuses_a_csv_split),
        cmocka_unit_test(test_shard_plan_whole_files_by_size),
    };
    return cmocka_run_group_tests_name("shard_plan", tests, NULL, NULL);
}
