/*
 * source_impl.h - private parts shared by source.c and the format readers
 * (source_csv.c, source_jsonl.c).  Not for use outside sources/ except by
 * the unit tests, which read mg_source_peak_buffer_bytes().
 *
 * source.c owns the common record: path, file descriptor, columns, the
 * last problem, and the limits that do not depend on the format
 * (max_rows, max_file_bytes).  A reader fills in `ops` and `impl` at open
 * time and hands out records through ops->next.
 */
#ifndef MG_SOURCES_SOURCE_IMPL_H
#define MG_SOURCES_SOURCE_IMPL_H

#include <stdint.h>

#include "sources/source.h"

/* Bytes read from the file at a time. */
#define MG_SOURCE_CHUNK (64 * 1024)

typedef struct mg_source_ops {
    /* Next record: ROW, BAD_ROW (after calling mg_source_set_problem), END
     * or ERROR (err filled, already prefixed with the path). */
    mg_source_status (*next)(mg_source *src, mg_row *row, mg_error *err);
    /* Frees the reader's private state (src->impl). */
    void (*free)(mg_source *src);
} mg_source_ops;

struct mg_source {
    const mg_source_ops *ops;
    void *impl;               /* the reader's private state */
    char *path;               /* owned copy of the path */
    mg_format format;
    mg_limits limits;
    const mg_source_options *opts; /* borrowed for the duration of open only */
    int fd;
    uint64_t bytes_read;      /* bytes handed to the parser so far */
    uint64_t file_size;       /* from fstat, when size_known */
    int size_known;
    char **columns;           /* ncolumns owned names */
    size_t ncolumns;
    size_t header_columns;
    /* Last problem, returned by mg_source_problem(). */
    mg_source_problem_info problem;
    char problem_msg[512];
    char problem_field[256];
    /* Common limits. */
    uint64_t records;         /* rows and bad rows handed out by ops->next */
    int file_big_reported;
    int done;                 /* max_rows hit: only END from now on */
    /* Largest total of the reader's buffers seen (for tests and benches). */
    size_t peak_buffer_bytes;
};

/* Fills src->problem; `field` may be NULL; the strings are copied. */
void mg_source_set_problem(mg_source *src, mg_problem_kind kind, unsigned long line,
                           unsigned long column, const char *field, uint64_t size,
                           const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Reads up to `cap` bytes from src->fd, retrying on EINTR.  Returns the
 * count (0 at end of file) or -1 with err set to "'path': reason". */
long mg_source_read(mg_source *src, void *buf, size_t cap, mg_error *err);

/* Sets the column list to an owned copy of names[0..n), keeping the first
 * max_columns; header_columns becomes n. */
void mg_source_set_columns(mg_source *src, char **names, size_t n);

/* Records a new total of buffer bytes held by the reader. */
void mg_source_note_buffers(mg_source *src, size_t bytes);

/* Number of UTF-8 characters in s[0..n) (continuation bytes not counted). */
unsigned long mg_utf8_chars(const unsigned char *s, size_t n);

/* The readers' open functions: fill src->ops/impl/columns; -1 on error. */
int mg_source_csv_open(mg_source *src, const mg_source_options *opts, mg_error *err);
int mg_source_jsonl_open(mg_source *src, const mg_source_options *opts, mg_error *err);

/* Test hook: the largest total of the reader's own buffers (chunk, line or
 * field buffers, libcsv's field buffer) seen so far, in bytes. */
size_t mg_source_peak_buffer_bytes(const mg_source *src);

#endif
