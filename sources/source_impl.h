/*
 * source_impl.h - private to sources/: the source object and the
 * per-format readers behind mg_source_next.
 */
#ifndef MG_SOURCES_SOURCE_IMPL_H
#define MG_SOURCES_SOURCE_IMPL_H

#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>

#include "common/name_index.h"
#include "common/sha256.h"
#include "sources/source.h"

#define MG_CHUNK (64 * 1024)
/* The most JSON Lines bytes read ahead to find the first object (whose keys
 * are the columns) when no column list is given; they are kept in memory
 * and replayed, since the input may be a pipe. */
#define MG_LOOKAHEAD_MAX ((size_t)64 * 1024 * 1024)

/* One field of a CSV record being assembled. */
typedef struct csv_field {
    size_t off, len;
    int is_null; /* empty and unquoted */
} csv_field;

typedef struct csv_state {
    struct csv_parser parser;
    char *chunk;           /* MG_CHUNK bytes read from the file */
    size_t chunk_len, chunk_pos;
    unsigned long line;    /* line of the byte at chunk_pos */
    int at_file_start;     /* a BOM may follow */
    int eof;
    /* The record being assembled. */
    char *rec;             /* field bytes, each NUL-terminated */
    size_t rec_len, rec_cap;
    csv_field *fields;
    size_t nfields, fields_cap;
    size_t rec_bytes;      /* bytes of the record so far (fields + separators) */
    unsigned long rec_line;
    int rec_started;       /* a byte of the record has been seen */
    int rec_done;          /* cb2 fired: the record is complete */
    int field_too_big;     /* a field went over the limit: skip the record */
    int row_too_big;
    size_t big_column;     /* 0-based column of the oversize field */
    uint64_t big_size;
    int parse_error;       /* strict-mode error: skip to the next line */
} csv_state;

typedef struct jsonl_state {
    char *buf;             /* bytes read, not yet consumed */
    size_t len, cap, pos;
    int eof;
    unsigned long line;    /* line number of the next line */
    json_t *obj;           /* the object of the current row */
    char **texts;          /* per column: text made for numbers/objects */
} jsonl_state;

/* Bytes read from the input ahead of their use, served again by
 * mg_source_read before the input (JSONL column discovery). */
typedef struct read_ahead {
    char *buf;
    size_t len, cap, pos;
    int recording;         /* keep what is read */
    int overflow;          /* more than MG_LOOKAHEAD_MAX was read */
} read_ahead;

struct mg_source {
    char *path;
    mg_format format;
    mg_limits limits;
    FILE *fp;              /* the one reader of the input: nothing reads it twice */
    uint64_t bytes_read;   /* from the input, each byte once */
    int input_eof;         /* the input returned end-of-file */
    mg_sha256 hash;        /* of every byte read from the input */
    read_ahead ahead;
    /* The input at open, to tell whether it changed while being read. */
    int regular;           /* a regular file: size, inode and mtime mean something */
    struct stat at_open;
    uint64_t start_offset; /* where reading began (stdin may be part read) */
    char **columns;
    size_t ncolumns, header_columns;
    mg_name_index column_index; /* name -> first column of that name */
    mg_value *values;      /* ncolumns, for the current row */
    uint64_t rows;         /* data rows handed out */
    unsigned long last_line; /* line of the last row handed out */
    int finished;          /* END returned or about to be */
    int file_too_big;      /* report FILE_TOO_BIG once, then END */
    int too_many_reported;
    mg_source_problem_info problem;
    char problem_msg[512];
    csv_state csv;
    jsonl_state jl;
    struct mg_source_multi *multi; /* several files: source_multi.c; NULL for one */
    /* A byte range of the file (shard_plan.h): reads stop at range_end. */
    int ranged;
    uint64_t range_begin, range_end;
};

/* source_multi.c: the outer source of several files. */
mg_source_status mg_multi_next(mg_source *outer, mg_row *row, mg_error *err);
int mg_multi_finish(mg_source *outer, char hex[65], mg_error *err);
uint64_t mg_multi_bytes_read(const mg_source *outer);
void mg_multi_free(mg_source *outer);

/* Start reading again at the current input position, at that line, with
 * the columns kept (for a byte range after the header). */
void mg_csv_restart(mg_source *src, unsigned long line);
void mg_jsonl_restart(mg_source *src, unsigned long line);

int mg_csv_open(mg_source *src, char delimiter, mg_error *err);
mg_source_status mg_csv_next(mg_source *src, mg_row *row, mg_error *err);
void mg_csv_close(mg_source *src);

int mg_jsonl_open(mg_source *src, const char *const *columns, size_t ncolumns, mg_error *err);
mg_source_status mg_jsonl_next(mg_source *src, mg_row *row, mg_error *err);
void mg_jsonl_close(mg_source *src);

/* Records a row-level problem for mg_source_problem(). */
void mg_source_set_problem(mg_source *src, mg_problem_kind kind, unsigned long line,
                           unsigned long column, const char *field, uint64_t size,
                           const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Opens the input (path "-" is standard input) and notes what it is, for
 * mg_source_finish.  Returns 0, or -1 with err; mg_source_input_close
 * releases what was opened either way. */
int mg_source_input_open(mg_source *src, const char *path, mg_error *err);
void mg_source_input_close(mg_source *src);

/* Read-ahead: from mg_source_ahead_start on, what mg_source_read returns is
 * also kept; mg_source_ahead_replay makes the next reads serve it again
 * before the input.  Replay returns -1 when more than MG_LOOKAHEAD_MAX was
 * read ahead (the rest was not kept). */
void mg_source_ahead_start(mg_source *src);
int mg_source_ahead_replay(mg_source *src);

/* Reads up to n bytes: first what was read ahead, then the input.  Every
 * byte of the input is counted and hashed once, as it is read.  Returns 0
 * at the end or on a read error (ferror(src->fp) tells). */
size_t mg_source_read(mg_source *src, char *buf, size_t n);

#endif
