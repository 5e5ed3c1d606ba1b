/* Unit tests for sources/source_jsonl.c: JSON Lines rows through mg_source_*. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
    snprintf(tmpdir, sizeof tmpdir, "/tmp/mgate-jsonl-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

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

static mg_source *open_opts(const char *name, const char *text, const mg_source_options *opts)
{
    const char *path = write_file(name, text, strlen(text));
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, opts, &err);
    if (!src)
        fail_msg("open failed: %s", err.msg);
    return src;
}

static mg_source *open_text(const char *name, const char *text)
{
    return open_opts(name, text, NULL);
}

static mg_source_status next(mg_source *src, mg_row *row)
{
    mg_error err = {{0}};
    mg_source_status st = mg_source_next(src, row, &err);
    if (st == MG_SOURCE_ERROR)
        fail_msg("source error: %s", err.msg);
    return st;
}

static void assert_value(const mg_value *v, mg_value_kind kind, const char *text)
{
    assert_int_equal(v->kind, kind);
    assert_string_equal(v->text, text);
    assert_int_equal(v->len, strlen(text));
}

static void test_source_jsonl_value_types(void **state)
{
    (void)state;
    mg_source *src = open_text("t.jsonl",
                               "{\"s\":\"hi\",\"i\":-42,\"r\":0.1,\"t\":true,\"f\":false,\"n\":null,"
                               "\"o\":{\"a\": [1, 2]},\"big\":1e300}\n");
    assert_int_equal(mg_source_format(src), MG_FORMAT_JSONL);
    assert_int_equal(mg_source_ncolumns(src), 8);
    assert_string_equal(mg_source_column(src, 0), "s"); /* file order */
    assert_string_equal(mg_source_column(src, 7), "big");
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 1);
    assert_int_equal(row.nfields_found, 8);
    assert_value(&row.values[0], MG_VALUE_TEXT, "hi");
    assert_value(&row.values[1], MG_VALUE_NUMBER, "-42");
    assert_true(row.values[1].num == -42.0);
    assert_value(&row.values[2], MG_VALUE_NUMBER, "0.10000000000000001");
    assert_true(row.values[2].num == 0.1);
    assert_value(&row.values[3], MG_VALUE_BOOL, "true");
    assert_true(row.values[3].num == 1.0);
    assert_value(&row.values[4], MG_VALUE_BOOL, "false");
    assert_true(row.values[4].num == 0.0);
    assert_value(&row.values[5], MG_VALUE_NULL, "");
    assert_true(mg_value_is_missing(&row.values[5]));
    assert_value(&row.values[6], MG_VALUE_OTHER, "{\"a\":[1,2]}");
    assert_value(&row.values[7], MG_VALUE_NUMBER, "1.0000000000000001e+300");
    double d;
    assert_int_equal(mg_value_to_double(&row.values[7], &d), 0);
    assert_true(d == 1e300);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_jsonl_absent_keys_and_blank_lines(void **state)
{
    (void)state;
    mg_source *src = open_text("a.jsonl", "\n{\"a\":1,\"b\":2}\r\n  \t\r\n{\"b\":3,\"c\":4}\n\n"
                                          "{\"a\":\"x\"}");
    assert_int_equal(mg_source_ncolumns(src), 2);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.bytes, 15);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 4);
    assert_int_equal(row.index, 1);
    assert_int_equal(row.values[0].kind, MG_VALUE_ABSENT);
    assert_string_equal(row.values[0].text, "");
    assert_value(&row.values[1], MG_VALUE_NUMBER, "3");
    assert_int_equal(row.nfields_found, 2);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 6);
    assert_value(&row.values[0], MG_VALUE_TEXT, "x");
    assert_int_equal(row.values[1].kind, MG_VALUE_ABSENT);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_jsonl_given_columns(void **state)
{
    (void)state;
    static const char *const cols[] = {"y", "missing", "x"};
    mg_source_options opts = {.columns = cols, .ncolumns = 3};
    mg_source *src = open_opts("c.ndjson", "{\"x\":1,\"y\":\"why\",\"z\":0}\n", &opts);
    assert_int_equal(mg_source_ncolumns(src), 3);
    assert_int_equal(mg_source_column_index(src, "x"), 2);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_value(&row.values[0], MG_VALUE_TEXT, "why");
    assert_int_equal(row.values[1].kind, MG_VALUE_ABSENT);
    assert_value(&row.values[2], MG_VALUE_NUMBER, "1");
    assert_int_equal(row.nfields_found, 3);
    mg_source_free(src);
}

static void test_source_jsonl_columns_from_first_valid_object(void **state)
{
    (void)state;
    mg_source *src = open_text("f.jsonl", "[1,2]\n{bad\n{\"k\":1,\"j\":2}\n");
    assert_int_equal(mg_source_ncolumns(src), 2);
    assert_string_equal(mg_source_column(src, 0), "k");
    mg_row row;
    /* The lines before it are still read and reported. */
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->line, 1);
    assert_non_null(strstr(mg_source_problem(src)->message, "found an array"));
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->line, 2);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_int_equal(row.index, 2);
    mg_source_free(src);
}

static void test_source_jsonl_malformed_lines_with_position(void **state)
{
    (void)state;
    mg_source *src = open_text("m.jsonl", "{\"a\":1}\n{\"a\": tru}\n{\"a\":2}\n42\n"
                                          "{\"a\":1,\"a\":2}\n{\"é\":\"x\",}\n{\"a\":3}\n");
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_MALFORMED);
    assert_int_equal(p->line, 2);
    assert_int_equal(p->column, 9); /* jansson points at the end of the bad token */
    assert_non_null(strstr(p->message, "invalid JSON"));
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->line, 4);
    assert_string_equal(p->message, "expected a JSON object, found a number");
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->line, 5);
    assert_non_null(strstr(p->message, "duplicate object key"));
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->line, 6);
    assert_int_equal(p->column, 10); /* characters, not bytes: 'é' counts one */
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 7);
    assert_value(&row.values[0], MG_VALUE_NUMBER, "3");
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_jsonl_embedded_nul(void **state)
{
    (void)state;
    mg_source *src = open_text("nul.jsonl", "{\"a\":\"x\\u0000y\"}\n");
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.values[0].kind, MG_VALUE_TEXT);
    assert_int_equal(row.values[0].len, 3);
    assert_memory_equal(row.values[0].text, "x\0y", 3);
    mg_source_free(src);
}

static void test_source_jsonl_limits(void **state)
{
    (void)state;
    mg_source_options opts = {.limits = {.max_field_bytes = 4, .max_row_bytes = 30}};
    mg_source *src = open_opts("l.jsonl",
                               "{\"a\":\"1234\",\"b\":[1]}\n"
                               "{\"a\":\"12345\"}\n"
                               "{\"a\":\"1\",\"b\":[1,2,3]}\n"
                               "{\"a\":\"this line is far too long for 30\"}\r\n"
                               "{\"a\":\"ok\"}\n",
                               &opts);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_FIELD_TOO_BIG);
    assert_int_equal(p->line, 2);
    assert_string_equal(p->field, "a");
    assert_int_equal(p->size, 5);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_FIELD_TOO_BIG);
    assert_string_equal(p->field, "b");
    assert_int_equal(p->size, 7);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    p = mg_source_problem(src);
    assert_int_equal(p->kind, MG_PROBLEM_ROW_TOO_BIG);
    assert_int_equal(p->line, 4);
    assert_int_equal(p->size, 40);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 5);
    assert_value(&row.values[0], MG_VALUE_TEXT, "ok");
    mg_source_free(src);
}

static void test_source_jsonl_long_line_bounded(void **state)
{
    (void)state;
    /* A 5 MB line spanning many chunks, limit 100 KB: skipped, not kept. */
    size_t n = 5u * 1024 * 1024;
    char *text = malloc(n + 64);
    size_t len = (size_t)sprintf(text, "{\"a\":1}\n{\"a\":\"");
    memset(text + len, 'x', n);
    len += n;
    len += (size_t)sprintf(text + len, "\"}\n{\"a\":2}\n");
    const char *path = write_file("long.jsonl", text, len);
    free(text);
    mg_source_options opts = {.limits = {.max_row_bytes = 100 * 1000}};
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, &opts, &err);
    assert_non_null(src);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->kind, MG_PROBLEM_ROW_TOO_BIG);
    assert_int_equal(mg_source_problem(src)->size, n + 8);
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_value(&row.values[0], MG_VALUE_NUMBER, "2");
    assert_true(mg_source_peak_buffer_bytes(src) < 512 * 1024);
    assert_int_equal(mg_source_bytes_read(src), len);
    mg_source_free(src);
}

static void test_source_jsonl_max_rows_and_columns(void **state)
{
    (void)state;
    mg_source_options opts = {.limits = {.max_rows = 1, .max_columns = 1}};
    mg_source *src = open_opts("r.jsonl", "{\"a\":1,\"b\":2}\n{\"a\":3}\n", &opts);
    assert_int_equal(mg_source_ncolumns(src), 1);
    assert_int_equal(mg_source_header_columns(src), 2);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->kind, MG_PROBLEM_TOO_MANY_ROWS);
    assert_int_equal(mg_source_problem(src)->line, 2);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_jsonl_open_errors(void **state)
{
    (void)state;
    mg_error err = {{0}};
    const char *path = write_file("e.jsonl", "\n \n\r\n", 5);
    assert_null(mg_source_open(path, NULL, &err));
    assert_non_null(strstr(err.msg, "empty file"));
    assert_null(mg_source_open("/nonexistent.jsonl", NULL, &err));
    assert_non_null(strstr(err.msg, "cannot open"));
    /* No valid object at all: no columns, every line a bad row. */
    path = write_file("none.jsonl", "1\n[\n", 4);
    mg_source *src = mg_source_open(path, NULL, &err);
    assert_non_null(src);
    assert_int_equal(mg_source_ncolumns(src), 0);
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(next(src, &row), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(src)->line, 2);
    assert_int_equal(next(src, &row), MG_SOURCE_END);
    mg_source_free(src);
}

static void test_source_jsonl_bom(void **state)
{
    (void)state;
    mg_source *src = open_text("bom.jsonl", "\xEF\xBB\xBF{\"a\":1}\n");
    mg_row row;
    assert_int_equal(next(src, &row), MG_SOURCE_ROW);
    assert_string_equal(mg_source_column(src, 0), "a");
    mg_source_free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_jsonl_value_types),
        cmocka_unit_test(test_source_jsonl_absent_keys_and_blank_lines),
        cmocka_unit_test(test_source_jsonl_given_columns),
        cmocka_unit_test(test_source_jsonl_columns_from_first_valid_object),
        cmocka_unit_test(test_source_jsonl_malformed_lines_with_position),
        cmocka_unit_test(test_source_jsonl_embedded_nul),
        cmocka_unit_test(test_source_jsonl_limits),
        cmocka_unit_test(test_source_jsonl_long_line_bounded),
        cmocka_unit_test(test_source_jsonl_max_rows_and_columns),
        cmocka_unit_test(test_source_jsonl_open_errors),
        cmocka_unit_test(test_source_jsonl_bom),
    };
    return cmocka_run_group_tests_name("source_jsonl", tests, setup, teardown);
}
