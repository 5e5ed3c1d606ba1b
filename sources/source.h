/*
 * source.h - streaming row sources (CSV via libcsv, JSON Lines via jansson).
 *
 * A source reads its file in fixed-size chunks and hands out one row at a
 * time; memory stays bounded by the limits whatever the number of rows.
 * Problems in the data (a malformed JSON line, a field over its limit, a
 * ragged CSV record) are not failures of the source: they come back as
 * row-level problems (mg_source_next returns MG_SOURCE_BAD_ROW with a
 * description) and reading goes on.  Only an unreadable file, a missing
 * header or a CSV quoting error that loses the record structure stop it.
 *
 * Ownership: mg_source_open returns a source the caller frees with
 * mg_source_free (NULL is fine).  Column names and rows are borrowed.
 */
#ifndef MG_SOURCES_SOURCE_H
#define MG_SOURCES_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "sources/row.h"

typedef enum mg_format {
    MG_FORMAT_AUTO = 0, /* by extension: .csv/.tsv -> CSV, .jsonl/.ndjson/.json -> JSONL */
    MG_FORMAT_CSV,
    MG_FORMAT_JSONL
} mg_format;

/* Size limits; 0 means "no limit" for each. */
typedef struct mg_limits {
    size_t max_field_bytes;
    size_t max_row_bytes;
    size_t max_columns;
    uint64_t max_rows;
    uint64_t max_file_bytes;
    uint64_t min_rows;         /* judged by the limits check, not the source */
} mg_limits;

typedef struct mg_source_options {
    mg_format format;
    char delimiter;        /* CSV only; 0 means ',' ('\t' for .tsv) */
    mg_limits limits;
    /* JSONL only: the columns to extract, in order.  When NULL the columns
     * are the keys of the first valid object, in file order. */
    const char *const *columns;
    size_t ncolumns;
} mg_source_options;

typedef enum mg_source_status {
    MG_SOURCE_ROW = 0,     /* *row is filled */
    MG_SOURCE_BAD_ROW = 1, /* a row-level data problem, described by mg_source_problem() */
    MG_SOURCE_END = 2,     /* no more rows */
    MG_SOURCE_ERROR = -1   /* cannot go on; err is filled */
} mg_source_status;

/* What a BAD_ROW was.  `field` is the column name when one is known. */
typedef enum mg_problem_kind {
    MG_PROBLEM_MALFORMED,      /* unparsable line / record */
    MG_PROBLEM_FIELD_TOO_BIG,  /* a field over max_field_bytes (skipped) */
    MG_PROBLEM_ROW_TOO_BIG,    /* a row over max_row_bytes (skipped) */
    MG_PROBLEM_TOO_MANY_ROWS,  /* max_rows reached: the rest was not read */
    MG_PROBLEM_FILE_TOO_BIG    /* the file is over max_file_bytes: nothing was read */
} mg_problem_kind;

typedef struct mg_source_problem_info {
    mg_problem_kind kind;
    unsigned long line;   /* 1-based line of the record */
    unsigned long column; /* 1-based character column when known, else 0 */
    const char *field;    /* column name or NULL */
    const char *message;  /* "expected X, found Y" style text, no file/line prefix */
    uint64_t size;        /* for *_TOO_BIG: bytes observed (at least) */
} mg_source_problem_info;

typedef struct mg_source mg_source;

/* Opens path for reading; opts NULL means the defaults (format from the
 * extension, no limits).  "-" is standard input.  The input is read once,
 * front to back, so a pipe or a FIFO works as well as a file. */
mg_source *mg_source_open(const char *path, const mg_source_options *opts, mg_error *err);
void mg_source_free(mg_source *src);

/* Opens the files of a data set (data_files.h) as one source: one file is
 * mg_source_open; several are read in order with lines encoded to name
 * their file (mg_line_file), the first file's columns, every header
 * checked against it, and the fingerprint of mg_data_files_fingerprint.
 * display is what mg_source_path returns (e.g. the glob); see
 * source_multi.c. */
struct mg_data_files;
mg_source *mg_source_open_files(const struct mg_data_files *files, const char *display,
                                const mg_source_options *opts, mg_error *err);
/* The files of the source (1 for mg_source_open) and the path of file i,
 * which is the file of rows whose line has mg_line_file() == i. */
size_t mg_source_nfiles(const mg_source *src);
const char *mg_source_file(const mg_source *src, size_t i);

/* Column names, valid while the source lives. */
size_t mg_source_ncolumns(const mg_source *src);
const char *mg_source_column(const mg_source *src, size_t i);
/* Columns the header (or first JSONL object) really had; more than
 * mg_source_ncolumns() when max_columns cut the rest off. */
size_t mg_source_header_columns(const mg_source *src);
/* Index of a column by exact name, or -1. */
long mg_source_column_index(const mg_source *src, const char *name);

/* Reads the next row.  See mg_source_status. */
mg_source_status mg_source_next(mg_source *src, mg_row *row, mg_error *err);
/* The last BAD_ROW's description; valid until the next call. */
const mg_source_problem_info *mg_source_problem(const mg_source *src);

/* Ends reading: reads what is left of the input without parsing it (so the
 * fingerprint covers every byte, e.g. after max_rows), then writes the
 * SHA-256 of every byte read, as 64 hex digits, into hex.  For a regular
 * file it also checks that the file did not change while it was read: its
 * size, modification time, inode and device at open against now, and the
 * bytes read against its size.  Returns 0, or -1 with err on a read error
 * or "'PATH': data changed while being read (...)".  Call it once, after
 * the last mg_source_next; the source can only be freed afterwards. */
int mg_source_finish(mg_source *src, char hex[65], mg_error *err);

/* The file's path as given, its format, and bytes read from it so far. */
const char *mg_source_path(const mg_source *src);
mg_format mg_source_format(const mg_source *src);
uint64_t mg_source_bytes_read(const mg_source *src);

/* Picks a format from a path's extension; MG_FORMAT_AUTO if unknown. */
mg_format mg_format_from_path(const char *path);

#endif
