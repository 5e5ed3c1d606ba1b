/* Unit tests for sources/source_jsonl.c: JSON Lines rows, types, positions, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/source.h"
#include "support/tmpfiles.h"

static void test_source_jsonl_types_and_columns_from_first_object(void **state)
{
    (void)state;
    mg_error err = {{0}};
    const char *text = "\n{\"s\": \"x\", \"i\": 3, \"r\": 0.25, \"b\": true, \"n\": null, \"o\": {\"k\": [1]}}\n"
                       "{\"i\": -1}\r\n";
    mg_source *s = mg_source_open(tu_write("t.jsonl", text), &(mg_source_options){0}, &err);
    assert_non_null(s);
    assert_int_equal(mg_source_ncolumns(s), 6);
    assert_string_equal(mg_source_column(s, 5), "o"); /* file order */
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(row.line, 2); /* the blank first line is skipped */
    assert_int_equal(row.values[0].kind, MG_VALUE_TEXT);
    assert_int_equal(row.values[1].kind, MG_VALUE_NUMBER);
    assert_string_equal(row.values[1].text, "3");
    assert_true(row.values[2].num == 0.25);
    assert_int_equal(row.values[3].kind, MG_VALUE_BOOL);
    assert_int_equal(row.values[4].kind, MG_VALUE_NULL);
    assert_int_equal(row.values[5].kind, MG_VALUE_OTHER);
    assert_string_equal(row.values[5].text, "{\"k\":[1]}");
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_int_equal(row.values[0].kind, MG_VALUE_ABSENT);
    assert_true(row.values[1].num == -1);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_END);
    mg_source_free(s);
}

static void test_source_jsonl_malformed_lines_are_rows_with_positions(void **state)
{
    (void)state;
    mg_error err = {{0}};
    const char *cols[] = {"a"};
    mg_source_options o = {.columns = cols, .ncolumns = 1};
    mg_source *s = mg_source_open(tu_write("m.jsonl", "{\"a\": 1}\n{\"a\": }\n[1]\n{\"a\": 1, \"a\": 2}\n{\"a\": \"\\u0000z\"}"), &o, &err);
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    const mg_source_problem_info *p = mg_source_problem(s);
    assert_int_equal(p->kind, MG_PROBLEM_MALFORMED);
    assert_int_equal(p->line, 2);
    assert_int_equal(p->column, 7);
    assert_non_null(strstr(p->message, "not valid JSON"));
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_non_null(strstr(mg_source_problem(s)->message, "found an array, expected a JSON object"));
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_non_null(strstr(mg_source_problem(s)->message, "duplicate"));
    /* The last line has no newline and holds a NUL: its true length is kept. */
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(row.line, 5);
    assert_int_equal(row.values[0].len, 2);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_END);
    mg_source_free(s);
}

static void test_source_jsonl_long_line_skipped_without_holding_it(void **state)
{
    (void)state;
    size_t big = 500000;
    char *text = malloc(big + 100);
    size_t n = (size_t)sprintf(text, "{\"a\": 1}\n{\"a\": \"");
    memset(text + n, 'x', big);
    n += big;
    n += (size_t)sprintf(text + n, "\"}\n{\"a\": 3}\n");
    const char *cols[] = {"a"};
    mg_source_options o = {.columns = cols, .ncolumns = 1, .limits = {.max_row_bytes = 1000}};
    mg_error err = {{0}};
    mg_source *s = mg_source_open(tu_write_len("long.jsonl", text, n), &o, &err);
    free(text);
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(s)->kind, MG_PROBLEM_ROW_TOO_BIG);
    assert_int_equal(mg_source_problem(s)->line, 2);
    assert_true(mg_source_problem(s)->size >= big);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_true(row.values[0].num == 3);
    assert_int_equal(row.line, 3);
    mg_source_free(s);

    /* A value over max_field_bytes. */
    o.limits.max_row_bytes = 0;
    o.limits.max_field_bytes = 3;
    s = mg_source_open(tu_write("f.jsonl", "{\"a\": \"abcd\"}\n"), &o, &err);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(s)->kind, MG_PROBLEM_FIELD_TOO_BIG);
    assert_string_equal(mg_source_problem(s)->field, "a");
    mg_source_free(s);
}

/* Lines of every length around the 64 KB read chunk, and one of 150 KB
 * without a newline at the end: each row is read whole, in order (the line
 * buffer reads into its free space and grows only when under half a chunk is
 * free). */
static void test_source_jsonl_lines_across_read_chunks(void **state)
{
    (void)state;
    static const size_t lens[] = {10, 40000, 30000, 65530, 1, 70000, 20000, 150000};
    const size_t nlines = sizeof lens / sizeof *lens;
    size_t cap = 0;
    for (size_t i = 0; i < nlines; i++)
        cap += lens[i] + 32;
    char *text = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; i < nlines; i++) {
        n += (size_t)sprintf(text + n, "{\"i\": %zu, \"s\": \"", i);
        memset(text + n, 'a' + (int)i, lens[i]);
        n += lens[i];
        n += (size_t)sprintf(text + n, "\"}%s", i + 1 < nlines ? "\n" : "");
    }
    mg_error err = {{0}};
    mg_source *s = mg_source_open(tu_write_len("chunks.jsonl", text, n), NULL, &err);
    free(text);
    assert_non_null(s);
    mg_row row;
    for (size_t i = 0; i < nlines; i++) {
        assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
        assert_true(row.values[0].num == (double)i);
        assert_int_equal(row.values[1].len, lens[i]);
        assert_int_equal(row.values[1].text[0], 'a' + (int)i);
        assert_int_equal(row.values[1].text[lens[i] - 1], 'a' + (int)i);
        assert_int_equal(row.line, i + 1);
    }
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_END);
    char hex[65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    mg_source_free(s);
}

static void test_source_jsonl_no_object_gives_malformed_rows(void **state)
{
    (void)state;
    mg_error err = {{0}};
    mg_source *s = mg_source_open(tu_write("bad.jsonl", "[1]\nnope\n"), &(mg_source_options){0}, &err);
    assert_non_null(s);
    assert_int_equal(mg_source_ncolumns(s), 0);
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(s)->line, 1);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(s)->line, 2);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_END);
    mg_source_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_jsonl_types_and_columns_from_first_object),
        cmocka_unit_test(test_source_jsonl_malformed_lines_are_rows_with_positions),
        cmocka_unit_test(test_source_jsonl_long_line_skipped_without_holding_it),
        cmocka_unit_test(test_source_jsonl_lines_across_read_chunks),
        cmocka_unit_test(test_source_jsonl_no_object_gives_malformed_rows),
    };
    return cmocka_run_group_tests_name("source_jsonl", tests, NULL, NULL);
}
