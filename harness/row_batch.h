/*
 * row_batch.h - rows kept past the next read, for scoring in batches: up to
 * a fixed number of rows copied into one reusable arena (no allocation per
 * row once it has grown to the data's row size).
 *
 * Pointers handed out by mg_row_batch_rows() stay valid until the next
 * push, clear or free.
 */
#ifndef MG_HARNESS_ROW_BATCH_H
#define MG_HARNESS_ROW_BATCH_H

#include <stddef.h>

#include "sources/row.h"

typedef struct mg_row_batch {
    /* private */
    size_t cap, n;        /* rows the batch holds at most, rows in it */
    mg_row *rows;         /* cap rows */
    const mg_row **ptrs;  /* cap pointers to rows, for callers wanting an array of rows */
    mg_value *values;     /* every row's values, one after the other */
    size_t nvalues, values_cap;
    size_t *value_start;  /* per row: its first value in values */
    size_t *text_at;      /* per value: its text's offset in text */
    char *text;           /* every value's text, NUL-terminated */
    size_t text_len, text_cap;
    int sealed;           /* the rows' pointers are set (mg_row_batch_rows) */
} mg_row_batch;

/* A batch of at most cap rows (cap >= 1). */
void mg_row_batch_init(mg_row_batch *b, size_t cap);
void mg_row_batch_free(mg_row_batch *b);

/* Copies row into the batch (which must not be full). */
void mg_row_batch_push(mg_row_batch *b, const mg_row *row);
size_t mg_row_batch_count(const mg_row_batch *b);
int mg_row_batch_full(const mg_row_batch *b);
/* The rows pushed so far, in order, as an array of pointers (borrowed). */
const mg_row *const *mg_row_batch_rows(mg_row_batch *b);
/* Empties the batch, keeping its memory. */
void mg_row_batch_clear(mg_row_batch *b);

#endif
