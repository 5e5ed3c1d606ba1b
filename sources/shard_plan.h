/*
 * shard_plan.h - which part of a data set one shard of N reads.
 *
 * Every shard computes the same plan from the same files (their sizes and
 * a few bytes at each cut), so shards need not talk to each other.  The
 * shards together read every record of the data set exactly once, and a
 * shard's work is contiguous in data order (shard k's rows all come before
 * shard k+1's), which is what merging order-dependent checks needs.
 *
 *  - At least as many files as shards: each shard takes a run of whole
 *    files, the runs balanced by size (cut at the file boundary where the
 *    running total first reaches k/N of all bytes; every shard gets at
 *    least one file).
 *  - Fewer files than shards (e.g. one large file): the data set's bytes,
 *    files end to end, are cut into N equal parts, each cut moved forward
 *    to the next record start: after a '\n' (so CRLF stays whole), never
 *    inside a CSV header.  A shard then reads byte ranges: whole files, and
 *    parts of the files a cut falls in (mg_source_open_range, which reads
 *    the CSV header first).  JSON Lines records never hold a line break;
 *    a CSV range is refused while it is read if a quoted field in it holds
 *    one (the cut may then be inside that field).  A shard may be empty.
 *
 * Shards are numbered 0..N-1 here; `mgate shards` shows them 1..N.
 */
#ifndef MG_SOURCES_SHARD_PLAN_H
#define MG_SOURCES_SHARD_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "sources/data_files.h"
#include "sources/source.h"

/* The most shards a plan splits into. */
#define MG_SHARDS_MAX 4096

typedef struct mg_shard_piece {
    size_t file;           /* index in the data files */
    uint64_t begin, end;   /* bytes [begin, end) of that file; a range starts at a record */
    int whole;             /* the whole file (begin 0, end its size) */
} mg_shard_piece;

typedef struct mg_shard_work {
    mg_shard_piece *pieces;
    size_t n;
} mg_shard_work;

/* Shard `shard` (0-based) of nshards over files, whose format is format
 * (MG_FORMAT_AUTO: each file's extension).  Returns 0 with out filled (free
 * with mg_shard_work_free), or -1 with err (no files, a bad shard number,
 * standard input, a file that cannot be read at a cut). */
int mg_shard_plan(const mg_data_files *files, mg_format format, size_t shard, size_t nshards,
                  mg_shard_work *out, mg_error *err);
void mg_shard_work_free(mg_shard_work *work);

/* Opens bytes [begin, end) of a file as a source: for CSV the header is
 * read from the file's start first; line numbers are the file's; the
 * fingerprint (mg_source_finish) covers the range's bytes only.  A CSV
 * record in the range with a line break inside a quoted field, or a quoted
 * field left open at the range's end, is an ERROR saying to split the data
 * by file.  begin 0 and end the file's size is mg_source_open. */
mg_source *mg_source_open_range(const char *path, const mg_source_options *opts, uint64_t begin, uint64_t end,
                                mg_error *err);

/* Opens shard work (from mg_shard_plan) over files as one source: its
 * pieces in order, lines encoded with each piece's file index as for the
 * whole data set, the columns the first file's (read from it even when the
 * shard does not read it).  mg_source_nfiles and mg_source_file name the
 * data set's files.  A shard without pieces reads no row. */
mg_source *mg_source_open_shard(const mg_data_files *files, const mg_shard_work *work, const char *display,
                                const mg_source_options *opts, mg_error *err);
/* A source over files that reads no row: only their columns (as a shard
 * saw them), for `mgate merge`, which binds the checks and the model to the
 * data set's columns without reading it. */
mg_source *mg_source_open_header(const mg_data_files *files, const char *display, const mg_source_options *opts,
                                 const char *const *columns, size_t ncolumns, size_t header_columns, mg_error *err);
/* After mg_source_finish of a shard's source: the SHA-256 (hex) of the
 * bytes of piece i (of the whole file for a whole piece), or NULL. */
const char *mg_source_piece_sha256(const mg_source *src, size_t i);

#endif
