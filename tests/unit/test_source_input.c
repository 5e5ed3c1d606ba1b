/* Unit tests for sources/source_input.c: one read of the input (pipes, the
 * JSON Lines read-ahead replayed), the fingerprint of the bytes read, and a
 * regular file that changes while it is read (issue 15, items 1-3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sha256.h"
#include "sources/source.h"
#include "support/tmpfiles.h"

static void sha_hex(const char *text, size_t len, char hex[65])
{
    mg_sha256 h;
    mg_sha256_init(&h);
    mg_sha256_update(&h, text, len);
    mg_sha256_final_hex(&h, hex);
}

/* A pipe holding text (small enough for the pipe's buffer), its write end
 * closed: the source sees a non-seekable input with an end.  Returns the
 * read end's /dev/fd path; *fd gets the descriptor to close afterwards. */
static const char *pipe_of(const char *text, int *fd)
{
    static char path[64];
    int p[2];
    assert_int_equal(pipe(p), 0);
    size_t len = strlen(text);
    assert_true(len < 4096);
    assert_int_equal(write(p[1], text, len), (ssize_t)len);
    close(p[1]);
    *fd = p[0];
    snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
    return path;
}

static void test_source_input_jsonl_pipe_replays_the_lines_read_ahead(void **state)
{
    (void)state;
    /* Arrange: the first object (whose keys are the columns) comes after a
     * malformed line and a blank one, all read ahead to find it. */
    const char *text = "nope\n\n{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"y\", \"a\": 2}\n";
    int fd;
    mg_error err = {{0}};
    mg_source_options o = {.format = MG_FORMAT_JSONL};
    /* Act */
    mg_source *s = mg_source_open(pipe_of(text, &fd), &o, &err);
    /* Assert: nothing is lost and the lines keep their numbers. */
    assert_non_null(s);
    assert_int_equal(mg_source_ncolumns(s), 2);
    assert_string_equal(mg_source_column(s, 1), "b");
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(s)->line, 1);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(row.line, 3);
    assert_string_equal(row.values[1].text, "x");
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(row.line, 4);
    assert_string_equal(row.values[0].text, "2");
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_END);
    char hex[65], want[65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    sha_hex(text, strlen(text), want);
    assert_string_equal(hex, want);
    assert_int_equal(mg_source_bytes_read(s), strlen(text));
    mg_source_free(s);
    close(fd);
}

static void test_source_input_finish_hashes_what_max_rows_left_unread(void **state)
{
    (void)state;
    const char *text = "id,x\n1,a\n2,b\n3,c\n";
    int fd;
    mg_error err = {{0}};
    mg_source_options o = {.format = MG_FORMAT_CSV, .limits = {.max_rows = 1}};
    mg_source *s = mg_source_open(pipe_of(text, &fd), &o, &err);
    assert_non_null(s);
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_ROW);
    assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_BAD_ROW);
    assert_int_equal(mg_source_problem(s)->kind, MG_PROBLEM_TOO_MANY_ROWS);
    char hex[65], want[65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    sha_hex(text, strlen(text), want);
    assert_string_equal(hex, want);
    mg_source_free(s);
    close(fd);
}

/* Writes `lines` lines of `width` bytes that are not JSON into fd, then
 * closes it; stops early when the reader has gone. */
typedef struct garbage_writer {
    int fd;
    size_t lines, width;
} garbage_writer;

static void *write_garbage(void *arg)
{
    garbage_writer *w = arg;
    char *line = malloc(w->width);
    memset(line, 'x', w->width - 1);
    line[w->width - 1] = '\n';
    for (size_t i = 0; i < w->lines; i++)
        if (write(w->fd, line, w->width) != (ssize_t)w->width)
            break;
    free(line);
    close(w->fd);
    return NULL;
}

static void test_source_input_jsonl_read_ahead_is_bounded(void **state)
{
    (void)state;
    /* Arrange: 65 MiB of lines that are not objects, from a pipe. */
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    assert_int_equal(pipe(p), 0);
    garbage_writer w = {p[1], 65, 1 << 20};
    pthread_t writer;
    assert_int_equal(pthread_create(&writer, NULL, write_garbage, &w), 0);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
    mg_error err = {{0}};
    mg_source_options o = {.format = MG_FORMAT_JSONL};
    /* Act */
    mg_source *s = mg_source_open(path, &o, &err);
    /* Assert: an error naming the bound, not 65 MiB held in memory. */
    assert_null(s);
    assert_non_null(strstr(err.msg, "found no JSON object in the first 64 MiB"));
    close(p[0]);
    pthread_join(writer, NULL);
}

static void test_source_input_unchanged_file_hashes_like_sha256sum(void **state)
{
    (void)state;
    const char *text = "id,x\n1,a\n2,b\n";
    mg_error err = {{0}};
    mg_source *s = mg_source_open(tu_write("same.csv", text), NULL, &err);
    assert_non_null(s);
    mg_row row;
    while (mg_source_next(s, &row, &err) == MG_SOURCE_ROW)
        ;
    char hex[65], want[65];
    assert_int_equal(mg_source_finish(s, hex, &err), 0);
    sha_hex(text, strlen(text), want);
    assert_string_equal(hex, want);
    mg_source_free(s);
}

/* Found by fuzz_jsonl: an empty JSON Lines file made the read-ahead copy
 * zero bytes to its NULL buffer (undefined; `make sanitize` stops on it).
 * Read with columns from the first object or given ones, it has no rows,
 * and its fingerprint is the empty input's. */
static void test_source_input_empty_jsonl(void **state)
{
    (void)state;
    static const char *const cols[] = {"a"};
    mg_source_options given = {0};
    given.columns = cols;
    given.ncolumns = 1;
    const mg_source_options *opts[] = {NULL, &given};
    for (size_t i = 0; i < 2; i++) {
        mg_error err = {{0}};
        mg_source *s = mg_source_open(tu_write("empty.jsonl", ""), opts[i], &err);
        assert_non_null(s);
        mg_row row;
        assert_int_equal(mg_source_next(s, &row, &err), MG_SOURCE_END);
        char hex[65], want[65];
        assert_int_equal(mg_source_finish(s, hex, &err), 0);
        sha_hex("", 0, want);
        assert_string_equal(hex, want);
        mg_source_free(s);
    }
}

/* Opens a CSV file big enough that the first read (64 KiB) does not reach
 * its end, reads one row, lets `change` act on the path, then reads to the
 * end.  Returns mg_source_finish's status; err gets its message. */
static int read_while(void (*change)(const char *path), mg_error *err)
{
    size_t rows = 20000;
    char *text = malloc(rows * 16 + 16);
    size_t n = (size_t)sprintf(text, "id,x\n");
    for (size_t i = 0; i < rows; i++)
        n += (size_t)sprintf(text + n, "%zu,%zu\n", i, i % 7);
    const char *path = tu_write_len("changing.csv", text, n);
    free(text);
    mg_source *s = mg_source_open(path, NULL, err);
    assert_non_null(s);
    mg_row row;
    assert_int_equal(mg_source_next(s, &row, err), MG_SOURCE_ROW);
    change(path);
    while (mg_source_next(s, &row, err) != MG_SOURCE_END)
        ;
    char hex[65];
    int rc = mg_source_finish(s, hex, err);
    mg_source_free(s);
    return rc;
}

static void truncate_to_half(const char *path) { assert_int_equal(truncate(path, 100000), 0); }
static void truncate_to_zero(const char *path) { assert_int_equal(truncate(path, 0), 0); }

static void replace_by_rename(const char *path)
{
    char other[600];
    snprintf(other, sizeof other, "%s.new", path);
    FILE *fp = fopen(other, "wb");
    assert_non_null(fp);
    fputs("id,x\n1,1\n", fp);
    fclose(fp);
    assert_int_equal(rename(other, path), 0);
}

static void rewrite_one_byte(const char *path)
{
    /* Same size; the modification time moves on (wait for the clock to
     * tick past the open's timestamp on a coarse file system). */
    usleep(100000);
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fseek(fp, 100000, SEEK_SET);
    fputc('9', fp);
    fclose(fp);
}

static void test_source_input_change_while_read_is_an_error(void **state)
{
    (void)state;
    void (*changes[])(const char *) = {truncate_to_half, truncate_to_zero, replace_by_rename, rewrite_one_byte};
    const char *why[] = {"its size changed", "its size changed", "another file", "it was modified"};
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
        mg_error err = {{0}};
        assert_int_equal(read_while(changes[i], &err), -1);
        assert_non_null(strstr(err.msg, "data changed while being read"));
        if (!strstr(err.msg, why[i]))
            fail_msg("change %zu: '%s' lacks '%s'", i, err.msg, why[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_input_jsonl_pipe_replays_the_lines_read_ahead),
        cmocka_unit_test(test_source_input_finish_hashes_what_max_rows_left_unread),
        cmocka_unit_test(test_source_input_jsonl_read_ahead_is_bounded),
        cmocka_unit_test(test_source_input_unchanged_file_hashes_like_sha256sum),
        cmocka_unit_test(test_source_input_empty_jsonl),
        cmocka_unit_test(test_source_input_change_while_read_is_an_error),
    };
    return cmocka_run_group_tests_name("source_input", tests, NULL, NULL);
}
