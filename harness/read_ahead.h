/*
 * read_ahead.h - reads and splits the data on a thread of its own, a chunk
 * of rows ahead of the runner (the first stage of `mgate run --threads N`).
 *
 * The reader thread owns the source while it runs: it calls mg_source_next
 * and copies each row, and each record the source could not make a row of
 * (with its problem), into a chunk, in order.  The runner takes the chunks
 * in the order they were read, so what it does with them, and therefore
 * every report, is exactly what reading the source itself gives.  A small
 * fixed ring of chunks bounds memory: the reader waits when every chunk is
 * full and not yet taken (as pigz and zstd's pool do).
 *
 * The source's immutable facts (columns, format) may be read from any
 * thread; anything that reads it (mg_source_next, mg_source_bytes_read,
 * mg_source_finish) only after mg_read_ahead_stop.
 */
#ifndef MG_HARNESS_READ_AHEAD_H
#define MG_HARNESS_READ_AHEAD_H

#include <stdint.h>

#include "common/error.h"
#include "harness/row_batch.h"
#include "sources/source.h"

/* A record the source could not make a row of, copied with its problem. */
typedef struct mg_chunk_problem {
    size_t before;               /* rows of the chunk that come before it */
    mg_source_problem_info info; /* field and message point into the copies below */
    char *field, *message;       /* owned */
} mg_chunk_problem;

typedef struct mg_chunk {
    mg_row_batch rows;           /* the rows, in order */
    mg_chunk_problem *problems;  /* in order */
    size_t nproblems, problems_cap;
    uint64_t bytes_read;         /* the source's mg_source_bytes_read after this chunk */
    int end;                     /* the input ended after this chunk */
    int error;                   /* a read error ended it: err says why */
    mg_error err;
} mg_chunk;

typedef struct mg_read_ahead mg_read_ahead;

/* Starts reading src on a new thread.  NULL with err when the thread
 * cannot be started (then read src directly). */
mg_read_ahead *mg_read_ahead_start(mg_source *src, mg_error *err);
/* The next chunk in input order, waiting for it; valid until
 * mg_read_ahead_done.  After a chunk with end or error set, do not ask again. */
mg_chunk *mg_read_ahead_next(mg_read_ahead *ra);
/* Hands a chunk taken with mg_read_ahead_next back to the reader. */
void mg_read_ahead_done(mg_read_ahead *ra, mg_chunk *c);
/* What the rows go to, in input order. */
typedef struct mg_row_sink {
    void (*row)(void *ctx, const mg_row *row, uint64_t bytes_read);
    void (*problem)(void *ctx, const mg_source_problem_info *p);
    void *ctx;
} mg_row_sink;

/* Takes every chunk to the end of the input, handing each row and bad
 * record to sink in input order (bytes_read: the source's count at the end
 * of the row's chunk).  Returns 0 at the end of the input, or -1 with err
 * when a read error ended it (what came before was handed over). */
int mg_read_ahead_drain(mg_read_ahead *ra, const mg_row_sink *sink, mg_error *err);

/* Waits for the reader thread to end (it ends after the last chunk) and
 * frees everything; the source is the caller's again. */
void mg_read_ahead_stop(mg_read_ahead *ra);

#endif
