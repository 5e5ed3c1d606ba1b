/* Unit tests for sources/source_csv.c: CSV rows through mg_source_*. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/source.h"
#include "sources/source_impl.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mgate-csv-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes `len` bytes to a new file in tmpdir; returns its path (static). */
static const char *write_file(const char *name, const char *data, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
    return path;
}

static mg_source *open_strict(const char *name, const char *text, const mg_limits *limits,
                              int strict_quotes)
{
    const char *path = write_file(name, text, strlen(text));
    mg_source_options opts = {.strict_quotes = strict_quotes};
    if (limits)
        opts.limits = *limits;
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, &opts, &err);
    if (!src)
        fail_msg("open failed: %s", err.msg);
    return src;
}

static mg_source *open_text(const char *name, const char *text, const mg_limits *limits)
{
    return open_strict(name, text, limits, 0);
}

static mg_source_status next(mg_source *src, mg_row *row)
{
    mg_error err = {{0}};
    mg_source_status st = mg_source_next(src, row, &err);
    if (st == MG_SOURCE_ERROR)
        fail_msg("source error: %s", err.msg);
    return st;
}

static void assert_text(const mg_value *v, const char *text)
{
    assert_int_equal(v->kind, MG_VALUE_TEXT);
    assert_int_equal(v->len, strlen(text));
    assert_memory_equal(v->text, text, v->len);
    assert_int_equal(v->text[v->len], '\0');
}

static void test_source_csv_header_and_values(void **state)
{
    (void)state;
    mg_source *src = open_text("a.csv", "id,name,score\n1,ann,0.5\n2,bob,0.75\n", NULL);
    assert_int_equal(mg_source_ncolumns(src), 3);
    assert_int_equal(mg_source_header_columns(src), 3);
    assert_string_equal(mg_source_column(src, 1), "name");
    assert_null(mg_source_column(src, 3));
    assert_int_equal(mg_source_column_index(src, "score"), 2);
    assert_int_equal(mg_source_column_index(src, "nope"), -1);
    assert_int_equal(mg_source_format(src), MG_FORMAT_CSV);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.nvalues, 3);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.index, 0);
    assert_int_equal(row.bytes, strlen("1,ann,0.5\n"));
    assert_text(&row.values[0], "1");
    assert_text(&row.values[1], "ann");
    assert_int_equal(row.values[1].quoted, 0);
    double d;
    assert_int_equal(mg_value_to_double(&row.values[2], &d), 0);
    assert_true(d == 0.5);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_int_equal(row.index, 1);
    assert_text(&row.values[1], "bob");
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    assert_int_equal(mg_source_bytes_read(src), strlen("id,name,score\n1,ann,0.5\n2,bob,0.75\n"));
    mg_source_free(src);
}

static void test_source_csv_line_numbers_embedded_newlines_crlf(void **state)
{
    (void)state;
    /* Arrange: CRLF records, quoted fields holding LF and CRLF, a blank line. */
    const char *text = "a,b\r\n"
                       "1,\"x\r\ny\"\r\n"          /* record on lines 2-3 */
                       "2,\"p\nq\nr\"\r\n"         /* lines 4-6 */
                       "\r\n"                      /* line 7 blank */
                       "3,z\r\n"                   /* line 8 */
                       "\"4\nfour\",\"\"\"q\"\"\"\n" /* lines 9-10, LF only */
                       "5,last";                   /* line 11, no final newline */
    mg_source *src = open_text("crlf.csv", text, NULL);
    mg_row row;
    static const unsigned long lines[] = {2, 4, 8, 9, 11};
    static const char *first[] = {"1", "2", "3", "4\nfour", "5"};
    static const char *second[] = {"x\r\ny", "p\nq\nr", "z", "\"q\"", "last"};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(next(src, &row), MG_SOURCE_ROW);
        assert_int_equal(row.line, lines[i]);
        assert_text(&row.values[0], first[i]);
        assert_text(&row.values[1], second[i]);
    }
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_lines_across_chunks(void **state)
{
    (void)state;
    /* Arrange: many records with multi-line fields, crossing several 64 KiB
     * chunks, with the expected line of each record counted while writing. */
    size_t cap = 1200000, len = 0;
    char *text = malloc(cap);
    unsigned long expect_line[12000];
    unsigned long line = 2;
    len += (size_t)sprintf(text, "k,v\n");
    for (int i = 0; i < 12000; i++) {
        expect_line[i] = line;
        int nl = i % 5; /* 0..4 embedded newlines, CRLF every other record */
        len += (size_t)sprintf(text + len, "%d,\"", i);
        for (int j = 0; j < nl; j++)
            len += (size_t)sprintf(text + len, "line %d of %d\n", j, i);
        len += (size_t)sprintf(text + len, "end\"%s", i % 2 ? "\r\n" : "\n");
        line += (unsigned long)nl + 1;
    }
    assert_true(len > 3 * MG_SOURCE_CHUNK);
    const char *path = write_file("chunks.csv", text, len);
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, NULL, &err);
    assert_non_null(src);
    mg_row row;
    for (int i = 0; i < 12000; i++) {
        assert_int_equal(next(src, &row), MG_SOURCE_ROW);
        assert_int_equal(row.line, expect_line[i]);
        char want[16];
        snprintf(want, sizeof want, "%d", i);
        assert_text(&row.values[0], want);
        char value[128];
        size_t vlen = 0;
        for (int j = 0; j < i % 5; j++)
            vlen += (size_t)sprintf(value + vlen, "line %d of %d\n", j, i);
        sprintf(value + vlen, "end");
        assert_text(&row.values[1], value);
    }
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    assert_int_equal(mg_source_bytes_read(src), len);
    mg_source_free(src);
    free(text);
}

static void test_source_csv_bom_is_stripped(void **state)
{
    (void)state;
    mg_source *src = open_text("bom.csv", "\xEF\xBB\xBFid,x\n7,8\n", NULL);
    assert_string_equal(mg_source_column(src, 0), "id");
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "7");
    mg_source_free(src);
}

static void test_source_csv_quoted_empty_vs_empty(void **state)
{
    (void)state;
    mg_source *src = open_text("empty.csv", "a,b,c,d\n,\"\",\"x\",y\n\"long quoted\",z,,\"\"\n",
                               NULL);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "");
    assert_int_equal(row.values[0].quoted, 0);
    assert_true(mg_value_is_missing(&row.values[0]));
    assert_text(&row.values[1], "");
    assert_int_equal(row.values[1].quoted, 1);
    assert_false(mg_value_is_missing(&row.values[1]));
    assert_text(&row.values[2], "x");
    assert_int_equal(row.values[2].quoted, 1);
    assert_text(&row.values[3], "y");
    assert_int_equal(row.values[3].quoted, 0);
    /* The next record reuses libcsv's buffer: a short unquoted field after a
     * longer quoted one must not be taken as quoted. */
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "long quoted");
    assert_int_equal(row.values[0].quoted, 1);
    assert_text(&row.values[1], "z");
    assert_int_equal(row.values[1].quoted, 0);
    assert_int_equal(row.values[2].quoted, 0);
    assert_int_equal(row.values[3].quoted, 1);
    mg_source_free(src);
}

static void test_source_csv_spaces_are_data(void **state)
{
    (void)state;
    mg_source *src = open_text("sp.csv", "a,b\n  x , y\t\n", NULL);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "  x ");
    assert_text(&row.values[1], " y\t");
    mg_source_free(src);
}

static void test_source_csv_ragged_rows(void **state)
{
    (void)state;
    mg_source *src = open_text("ragged.csv", "a,b,c\n1\n1,2,3,4,5\n1,2,\n", NULL);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.nvalues, 3);
    assert_int_equal(row.nfields_found, 1);
    assert_text(&row.values[0], "1");
    assert_int_equal(row.values[1].kind, MG_VALUE_ABSENT);
    assert_string_equal(row.values[1].text, "");
    assert_int_equal(row.values[2].kind, MG_VALUE_ABSENT);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.nvalues, 3);
    assert_int_equal(row.nfields_found, 5);
    assert_text(&row.values[2], "3");
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.nfields_found, 3);
    assert_text(&row.values[2], "");
    mg_source_free(src);
}

static void test_source_csv_tsv_uses_tab(void **state)
{
    (void)state;
    mg_source *src = open_text("t.tsv", "a\tb\n1,5\t\"q\tr\"\n", NULL);
    assert_int_equal(mg_source_ncolumns(src), 2);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "1,5");
    assert_text(&row.values[1], "q\tr");
    mg_source_free(src);
    /* An explicit delimiter wins over the extension. */
    const char *path = write_file("semi.csv", "a;b\n1;2\n", 8);
    mg_source_options opts = {.delimiter = ';'};
    mg_error err = {{0}};
    src = mg_source_open(path, &opts, &err);
    assert_non_null(src);
    assert_int_equal(mg_source_ncolumns(src), 2);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[1], "2");
    mg_source_free(src);
}

static void test_source_csv_lone_cr_records(void **state)
{
    (void)state;
    mg_source *src = open_text("cr.csv", "a,b\r1,2\r3,4\r", NULL);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "1");
    assert_int_equal(row.bytes, 4);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[1], "4");
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_field_too_big_is_skipped(void **state)
{
    (void)state;
    mg_limits lim = {.max_field_bytes = 5};
    mg_source *src = open_text("big.csv", "a,b\n1,12345\n2,123456\n3,\"1234\n567\"\n4,ok\n", &lim);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[1], "12345");
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_FIELD_TOO_BIG);
    assert_int_equal(p->line, 3);
    assert_string_equal(p->field, "b");
    assert_int_equal(p->size, 6);
    assert_non_null(strstr(p->message, "over the limit of 5 bytes"));
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_FIELD_TOO_BIG);
    assert_int_equal(p->line, 4);
    assert_int_equal(p->size, 8);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 6);
    assert_text(&row.values[1], "ok");
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_row_too_big_is_skipped(void **state)
{
    (void)state;
    mg_limits lim = {.max_row_bytes = 8};
    /* "1,2,3,45" is 8 bytes (the limit, terminator excluded); the next is 9. */
    mg_source *src = open_text("row.csv", "a,b,c,d\r\n1,2,3,45\r\n1,2,3,456\r\n9,9,9,9\r\n", &lim);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.bytes, 10);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_ROW_TOO_BIG);
    assert_int_equal(p->line, 3);
    assert_int_equal(p->size, 9);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 4);
    assert_text(&row.values[3], "9");
    mg_source_free(src);
}

/* A 100 MB field: sparse file of NUL bytes (an unquoted field to libcsv). */
static void huge_field_case(const mg_limits *lim, mg_problem_kind kind)
{
    const uint64_t big = 100u * 1024 * 1024;
    char path[256];
    snprintf(path, sizeof path, "%s/huge.csv", tmpdir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("a,b\n1,", fp);
    assert_int_equal(fflush(fp), 0);
    assert_int_equal(ftruncate(fileno(fp), (off_t)(6 + big)), 0);
    assert_int_equal(fseeko(fp, 0, SEEK_END), 0);
    fputs(",x\n2,after\n", fp);
    assert_int_equal(fclose(fp), 0);

    mg_source_options opts = {.limits = *lim};
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, &opts, &err);
    assert_non_null(src);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, kind);
    assert_int_equal(p->line, 2);
    if (kind == MG_PROBLEM_FIELD_TOO_BIG) {
        assert_string_equal(p->field, "b");
        assert_int_equal(p->size, big);
    } else {
        assert_int_equal(p->size, big + 4);
    }
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_text(&row.values[1], "after");
    /* Memory: the buffers stayed at the limit plus a few chunks. */
    assert_true(mg_source_peak_buffer_bytes(src) < 4u * 1024 * 1024);
    mg_source_free(src);
    unlink(path);
}

static void test_source_csv_huge_field_bounded_memory(void **state)
{
    (void)state;
    mg_limits by_field = {.max_field_bytes = 1024 * 1024};
    huge_field_case(&by_field, MG_PROBLEM_FIELD_TOO_BIG);
    mg_limits by_row = {.max_row_bytes = 1024 * 1024};
    huge_field_case(&by_row, MG_PROBLEM_ROW_TOO_BIG);
}

static void test_source_csv_huge_quoted_field_bounded(void **state)
{
    (void)state;
    /* A quoted field of 3 MB with quotes and newlines, limit 64 KiB. */
    size_t n = 3u * 1024 * 1024;
    char *text = malloc(n + 64);
    size_t len = (size_t)sprintf(text, "a,b\n1,\"");
    for (size_t i = 0; i < n; i++)
        text[len++] = i % 1000 == 999 ? '\n' : (i % 7 == 0 ? 'q' : 'x');
    len += (size_t)sprintf(text + len, "\"\"\"\n2,ok\n");
    const char *path = write_file("quoted.csv", text, len);
    free(text);
    mg_source_options opts = {.limits = {.max_field_bytes = 64 * 1024}};
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, &opts, &err);
    assert_non_null(src);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->kind, MG_PROBLEM_FIELD_TOO_BIG);
    assert_int_equal(mg_source_problem(src)->size, n + 1); /* the data plus one '"' */
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 2 + n / 1000 + 1);
    assert_text(&row.values[1], "ok");
    assert_true(mg_source_peak_buffer_bytes(src) < 1024 * 1024);
    mg_source_free(src);
}

static void test_source_csv_max_columns_keeps_first(void **state)
{
    (void)state;
    mg_limits lim = {.max_columns = 2};
    mg_source *src = open_text("cols.csv", "a,b,c,d\n1,2,3,4\n", &lim);
    assert_int_equal(mg_source_ncolumns(src), 2);
    assert_int_equal(mg_source_header_columns(src), 4);
    assert_int_equal(mg_source_column_index(src, "c"), -1);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.nvalues, 2);
    assert_int_equal(row.nfields_found, 4);
    assert_text(&row.values[1], "2");
    mg_source_free(src);
}

static void test_source_csv_max_rows(void **state)
{
    (void)state;
    mg_limits lim = {.max_rows = 2};
    mg_source *src = open_text("rows.csv", "a\n1\n2\n3\n4\n", &lim);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->kind, MG_PROBLEM_TOO_MANY_ROWS);
    assert_int_equal(mg_source_problem(src)->line, 4);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
    /* Exactly max_rows rows: no problem. */
    src = open_text("rows2.csv", "a\n1\n2\n", &lim);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_max_file_bytes(void **state)
{
    (void)state;
    mg_limits lim = {.max_file_bytes = 10};
    mg_source *src = open_text("file.csv", "a,b\n1,2\n3,4\n", &lim);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_FILE_TOO_BIG);
    assert_int_equal(p->size, 12);
    /* Reading goes on: the check decides. */
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
    lim.max_file_bytes = 12;
    src = open_text("file2.csv", "a,b\n1,2\n3,4\n", &lim);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    mg_source_free(src);
}

static void test_source_csv_malformed_quote_resyncs(void **state)
{
    (void)state;
    const char *text = "a,b\n"
                       "1,ok\n"
                       "2,ab\"c\n"            /* line 3: quote in unquoted field */
                       "3,fine\n"
                       "4,\"x\"y\n"           /* line 5: junk after closing quote */
                       "5,\"multi\nline\"z\n" /* lines 6-7: junk on line 7 */
                       "6,\"é\"!\n"           /* line 8: column counts characters */
                       "7,end\n";
    mg_source *src = open_strict("bad.csv", text, NULL, 1);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_MALFORMED);
    assert_int_equal(p->line, 3);
    assert_int_equal(p->column, 5);
    assert_string_equal(p->field, "b");
    assert_non_null(strstr(p->message, "quote inside an unquoted field"));
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 4);
    assert_text(&row.values[1], "fine");
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->line, 5);
    assert_int_equal(p->column, 6);
    assert_non_null(strstr(p->message, "found 'y'"));
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->line, 6);
    assert_int_equal(p->column, 0);
    assert_non_null(strstr(p->message, "at line 7, column 6"));
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->line, 8);
    assert_int_equal(p->column, 6);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 9);
    assert_text(&row.values[1], "end");
    assert_int_equal(row.index, 6);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_quote_in_unquoted_field_kept_by_default(void **state)
{
    (void)state;
    mg_source *src = open_text("lenient.csv", "a,b,c\n5'10\",\"q\"\"\",x\"\"y\"\nab\"c,d,\"\"\nz,w,v\n", NULL);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "5'10\"");
    assert_int_equal(row.values[0].quoted, 0);
    assert_text(&row.values[1], "q\"");
    assert_int_equal(row.values[1].quoted, 1);
    assert_text(&row.values[2], "x\"\"y\"");
    assert_int_equal(row.values[2].quoted, 0);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_text(&row.values[0], "ab\"c");
    /* Later short unquoted fields are not taken as quoted (stale quotes). */
    assert_int_equal(row.values[1].quoted, 0);
    assert_int_equal(row.values[2].quoted, 1);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    for (int i = 0; i < 3; i++)
        assert_int_equal(row.values[i].quoted, 0);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_unterminated_quote_at_eof(void **state)
{
    (void)state;
    mg_source *src = open_text("unterm.csv", "a,b\n1,2\n3,\"never\nclosed\n", NULL);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_MALFORMED);
    assert_int_equal(p->line, 3);
    assert_non_null(strstr(p->message, "unterminated quoted field"));
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_csv_open_errors(void **state)
{
    (void)state;
    mg_error err = {{0}};
    assert_null(mg_source_open("/nonexistent/x.csv", NULL, &err));
    assert_non_null(strstr(err.msg, "'/nonexistent/x.csv'"));
    assert_non_null(strstr(err.msg, "No such file"));

    const char *path = write_file("empty.csv", "", 0);
    assert_null(mg_source_open(path, NULL, &err));
    assert_non_null(strstr(err.msg, "empty file"));
    path = write_file("blank.csv", "\xEF\xBB\xBF\r\n\n", 5);
    assert_null(mg_source_open(path, NULL, &err));
    assert_non_null(strstr(err.msg, "empty file"));

    path = write_file("badhead.csv", "a,\"b\nc,d\n", 9);
    assert_null(mg_source_open(path, NULL, &err));
    assert_non_null(strstr(err.msg, ":1: bad header row"));

    path = write_file("data.txt", "a\n", 2);
    assert_null(mg_source_open(path, NULL, &err));
    assert_non_null(strstr(err.msg, "unknown data format"));

    assert_null(mg_source_open(tmpdir, &(mg_source_options){.format = MG_FORMAT_CSV}, &err));
    assert_non_null(strstr(err.msg, "directory"));
    mg_source_free(NULL);
}

static void test_source_csv_format_from_path(void **state)
{
    (void)state;
    assert_int_equal(mg_format_from_path("x/data.csv"), MG_FORMAT_CSV);
    assert_int_equal(mg_format_from_path("DATA.TSV"), MG_FORMAT_CSV);
    assert_int_equal(mg_format_from_path("a.jsonl"), MG_FORMAT_JSONL);
    assert_int_equal(mg_format_from_path("a.ndjson"), MG_FORMAT_JSONL);
    assert_int_equal(mg_format_from_path("a.json"), MG_FORMAT_JSONL);
    assert_int_equal(mg_format_from_path("a.csv.gz"), MG_FORMAT_AUTO);
    assert_int_equal(mg_format_from_path("dir.csv/file"), MG_FORMAT_AUTO);
    assert_int_equal(mg_format_from_path("noext"), MG_FORMAT_AUTO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_csv_header_and_values),
        cmocka_unit_test(test_source_csv_line_numbers_embedded_newlines_crlf),
        cmocka_unit_test(test_source_csv_lines_across_chunks),
        cmocka_unit_test(test_source_csv_bom_is_stripped),
        cmocka_unit_test(test_source_csv_quoted_empty_vs_empty),
        cmocka_unit_test(test_source_csv_spaces_are_data),
        cmocka_unit_test(test_source_csv_ragged_rows),
        cmocka_unit_test(test_source_csv_tsv_uses_tab),
        cmocka_unit_test(test_source_csv_lone_cr_records),
        cmocka_unit_test(test_source_csv_field_too_big_is_skipped),
        cmocka_unit_test(test_source_csv_row_too_big_is_skipped),
        cmocka_unit_test(test_source_csv_huge_field_bounded_memory),
        cmocka_unit_test(test_source_csv_huge_quoted_field_bounded),
        cmocka_unit_test(test_source_csv_max_columns_keeps_first),
        cmocka_unit_test(test_source_csv_max_rows),
        cmocka_unit_test(test_source_csv_max_file_bytes),
        cmocka_unit_test(test_source_csv_malformed_quote_resyncs),
        cmocka_unit_test(test_source_csv_quote_in_unquoted_field_kept_by_default),
        cmocka_unit_test(test_source_csv_unterminated_quote_at_eof),
        cmocka_unit_test(test_source_csv_open_errors),
        cmocka_unit_test(test_source_csv_format_from_path),
    };
    return cmocka_run_group_tests_name("source_csv", tests, setup, teardown);
}
