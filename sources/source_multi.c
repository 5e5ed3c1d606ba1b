/*
 * source_multi.c - several files read as one data set (data.path as a list
 * or a glob).  The outer source hands out the rows of one inner source per
 * file, in order, with lines encoded to name their file (data_files.h).
 *
 *  - Columns are the first file's.  Every other CSV file's header must be
 *    the same (names and count, in order); a JSON Lines file whose columns
 *    come from its first object must have the same keys (order aside: rows
 *    are read by name).  A file that differs is a malformed-row problem at
 *    its line 1 naming both files and the first differing column, and its
 *    rows are not read (they would land in the wrong columns).
 *  - max_rows counts over the whole data set (the outer source counts);
 *    max_file_bytes applies to each file.
 *  - Each file is finished (hashed, checked for change) when its end is
 *    reached; a change is remembered and reported by mg_source_finish, as
 *    for one file.  The fingerprint is mg_data_files_fingerprint's.
 *  - A shard (mg_source_open_shard) reads pieces instead of every file:
 *    whole files and byte ranges (sources/shard_plan.h), each with its
 *    file's index in its lines; the columns are still the first file's,
 *    and only the piece holding a file's start reports a header that
 *    differs (so a file split across shards reports it once).
 */
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/xmem.h"
#include "sources/data_files.h"
#include "sources/shard_plan.h"
#include "sources/source_impl.h"

struct mg_source_multi {
    mg_data_files files;      /* owned copy */
    mg_shard_piece *pieces;   /* what is read, in order: every file whole, or a shard's work */
    size_t npieces;
    int shard;                /* reading a shard's pieces (no unread files to hash) */
    size_t current;           /* the piece being read */
    mg_source *part;          /* its source; NULL once all are read */
    int skip_part;            /* its header differs: read none of its rows */
    int pending_problem;      /* the first piece's header differs: report it first */
    mg_source_options opts;   /* for every file */
    int discover;             /* JSONL columns from the first object of each file */
    char (*file_hex)[65];     /* per piece, once finished */
    uint64_t bytes_done;      /* read from the files already finished */
    int finished;             /* mg_source_finish was called */
    int changed;              /* a file failed to finish: changed_err says why */
    mg_error changed_err;
};

static mg_format format_of(const mg_source_options *opts, const char *path)
{
    return opts->format ? opts->format : mg_format_from_path(path);
}

/* First column where the part differs from the outer source, or -1. */
static long first_difference(const mg_source *outer, const mg_source *part, int any_order)
{
    size_t n = outer->ncolumns > part->ncolumns ? outer->ncolumns : part->ncolumns;
    if (outer->header_columns != part->header_columns && n == outer->ncolumns && n == part->ncolumns)
        return (long)n; /* differ past max_columns */
    for (size_t i = 0; i < n; i++) {
        if (i >= outer->ncolumns || i >= part->ncolumns)
            return (long)i;
        if (any_order ? mg_source_column_index(part, outer->columns[i]) < 0
                      : strcmp(outer->columns[i], part->columns[i]) != 0)
            return (long)i;
    }
    return -1;
}

/* Describes a header that differs (the problem at the part's line 1). */
static void header_problem(mg_source *outer, const mg_source *part, size_t col)
{
    struct mg_source_multi *m = outer->multi;
    const char *first = m->files.files[0].path, *here = part->path;
    size_t file = m->pieces[m->current].file;
    const char *want = col < outer->ncolumns ? outer->columns[col] : NULL;
    const char *got = col < part->ncolumns ? part->columns[col] : NULL;
    const char *what = outer->format == MG_FORMAT_CSV ? "header" : "first object's keys";
    if (!want && !got) /* the same kept columns, more or fewer past max_columns */
        mg_source_set_problem(outer, MG_PROBLEM_MALFORMED, mg_line_encode(file, 1), 0, NULL, 0,
                              "the %s differs from '%s': %zu columns, expected %zu as in '%s'; the rows of '%s' "
                              "were not read",
                              what, first, part->header_columns, outer->header_columns, first, here);
    else if (outer->format == MG_FORMAT_JSONL && want)
        mg_source_set_problem(outer, MG_PROBLEM_MALFORMED, mg_line_encode(file, 1), 0, want, 0,
                              "the %s differ from '%s': no key '%s' here; the rows of '%s' were not read",
                              what, first, want, here);
    else
        mg_source_set_problem(outer, MG_PROBLEM_MALFORMED, mg_line_encode(file, 1), 0, want, 0,
                              "the %s differs from '%s' at column %zu: found %s%s%s, expected %s%s%s as in '%s'; "
                              "the rows of '%s' were not read",
                              what, first, col + 1, got ? "'" : "", got ? got : "no column", got ? "'" : "",
                              want ? "'" : "", want ? want : "no column", want ? "'" : "", first, here);
}

/* Opens piece i.  A JSONL file whose columns are discovered is opened twice:
 * once to compare its keys, then with the first file's columns in their
 * order.  Returns 0 (with *differs set when its columns differ), or -1. */
static int open_part(mg_source *outer, size_t i, int *differs, mg_error *err)
{
    struct mg_source_multi *m = outer->multi;
    const mg_shard_piece *piece = &m->pieces[i];
    const char *path = m->files.files[piece->file].path;
    *differs = 0;
    if (format_of(&m->opts, path) != outer->format)
        return mg_error_set(err, "'%s': its format differs from '%s'; every file of data.path must be %s", path,
                            m->files.files[0].path, outer->format == MG_FORMAT_CSV ? "CSV" : "JSON Lines");
    m->part = piece->whole ? mg_source_open(path, &m->opts, err)
                           : mg_source_open_range(path, &m->opts, piece->begin, piece->end, err);
    if (!m->part)
        return -1;
    if (piece->file == 0)
        return 0;
    long col = first_difference(outer, m->part, outer->format == MG_FORMAT_JSONL);
    if (col >= 0) {
        /* Reported once, by the piece holding the file's start. */
        if (piece->begin == 0)
            header_problem(outer, m->part, (size_t)col);
        *differs = 1 + (piece->begin != 0);
        return 0;
    }
    if (m->discover) {
        mg_source_free(m->part);
        mg_source_options named = m->opts;
        named.columns = (const char *const *)outer->columns;
        named.ncolumns = outer->ncolumns;
        m->part = piece->whole ? mg_source_open(path, &named, err)
                               : mg_source_open_range(path, &named, piece->begin, piece->end, err);
        if (!m->part)
            return -1;
    }
    return 0;
}

/* Finishes the file being read and frees its source. */
static void finish_part(mg_source *outer)
{
    struct mg_source_multi *m = outer->multi;
    mg_error err = {{0}};
    if (mg_source_finish(m->part, m->file_hex[m->current], &err) != 0 && !m->changed) {
        m->changed = 1;
        m->changed_err = err;
    }
    m->bytes_done += mg_source_bytes_read(m->part);
    mg_source_free(m->part);
    m->part = NULL;
    m->skip_part = 0;
}

/* The outer source over files, reading `pieces` (copied). */
static mg_source *multi_new(const mg_data_files *files, const mg_shard_piece *pieces, size_t npieces,
                            const char *display, const mg_source_options *opts, mg_error *err)
{
    mg_source *outer = mg_xcalloc(1, sizeof *outer);
    struct mg_source_multi *m = mg_xcalloc(1, sizeof *m);
    outer->multi = m;
    outer->path = mg_xstrdup(display ? display : files->files[0].path);
    outer->format = format_of(opts, files->files[0].path);
    outer->limits = opts->limits;
    m->files.n = files->n;
    m->files.files = mg_xcalloc(files->n, sizeof *m->files.files);
    for (size_t i = 0; i < files->n; i++) {
        m->files.files[i].path = mg_xstrdup(files->files[i].path);
        m->files.files[i].size = files->files[i].size;
    }
    m->npieces = npieces;
    m->pieces = mg_xcalloc(npieces + 1, sizeof *m->pieces);
    if (npieces)
        memcpy(m->pieces, pieces, npieces * sizeof *pieces);
    m->file_hex = mg_xcalloc(npieces + 1, sizeof *m->file_hex);
    m->opts = *opts;
    m->opts.limits.max_rows = 0; /* counted over the data set, by the outer source */
    m->discover = outer->format == MG_FORMAT_JSONL && !opts->columns;
    if (outer->format == MG_FORMAT_AUTO) {
        mg_error_set(err, "'%s': cannot tell the data format from the extension; name it (csv or jsonl)",
                     files->files[0].path);
        mg_source_free(outer);
        return NULL;
    }
    return outer;
}

/* The data set's columns are the first file's. */
static void take_columns(mg_source *outer, const mg_source *first)
{
    outer->ncolumns = first->ncolumns;
    outer->header_columns = first->header_columns;
    outer->columns = mg_xcalloc(first->ncolumns + 1, sizeof *outer->columns);
    for (size_t i = 0; i < first->ncolumns; i++) {
        outer->columns[i] = mg_xstrdup(first->columns[i]);
        mg_name_index_add(&outer->column_index, outer->columns[i], i);
    }
}

/* Learns the columns and opens the first piece.  0, or -1 with err. */
static int multi_start(mg_source *outer, mg_error *err)
{
    struct mg_source_multi *m = outer->multi;
    if (m->npieces == 0 || m->pieces[0].file != 0) {
        /* A shard without the first file still takes that file's columns. */
        mg_source *first = mg_source_open(m->files.files[0].path, &m->opts, err);
        if (!first)
            return -1;
        take_columns(outer, first);
        mg_source_free(first);
        if (m->npieces == 0)
            return 0;
        int differs = 0;
        if (open_part(outer, 0, &differs, err) != 0)
            return -1;
        m->skip_part = differs;
        m->pending_problem = differs == 1;
        return 0;
    }
    int differs = 0;
    if (open_part(outer, 0, &differs, err) != 0)
        return -1;
    take_columns(outer, m->part);
    return 0;
}

/* Opens the outer source reading `pieces` of files, from its first piece.
 * shard: a shard's work (no unread file is hashed at the end). */
static mg_source *multi_open(const mg_data_files *files, const mg_shard_piece *pieces, size_t npieces, int shard,
                             const char *display, const mg_source_options *opts, mg_error *err)
{
    mg_source *outer = multi_new(files, pieces, npieces, display, opts, err);
    if (!outer)
        return NULL;
    outer->multi->shard = shard;
    if (multi_start(outer, err) != 0) {
        mg_source_free(outer);
        return NULL;
    }
    return outer;
}

static int no_files(const mg_data_files *files, mg_error *err)
{
    if (files && files->n > 0)
        return 0;
    mg_error_set(err, "no data path given");
    return 1;
}

static const mg_source_options no_options;

mg_source *mg_source_open_files(const mg_data_files *files, const char *display, const mg_source_options *opts,
                                mg_error *err)
{
    if (no_files(files, err))
        return NULL;
    opts = opts ? opts : &no_options;
    if (files->n == 1)
        return mg_source_open(files->files[0].path, opts, err);
    mg_shard_piece *all = mg_xcalloc(files->n, sizeof *all);
    for (size_t i = 0; i < files->n; i++)
        all[i] = (mg_shard_piece){.file = i, .begin = 0, .end = files->files[i].size, .whole = 1};
    mg_source *outer = multi_open(files, all, files->n, 0, display, opts, err);
    free(all);
    return outer;
}

mg_source *mg_source_open_shard(const mg_data_files *files, const mg_shard_work *work, const char *display,
                                const mg_source_options *opts, mg_error *err)
{
    if (no_files(files, err))
        return NULL;
    return multi_open(files, work->pieces, work->n, 1, files->n == 1 ? files->files[0].path : display,
                      opts ? opts : &no_options, err);
}

const char *mg_source_piece_sha256(const mg_source *src, size_t i)
{
    const struct mg_source_multi *m = src->multi;
    return m && m->finished && i < m->npieces ? m->file_hex[i] : NULL;
}

/* Moves to the next file.  Returns ROW when one is open, BAD_ROW when its
 * header differs (problem set), END after the last, ERROR when it cannot
 * be opened. */
static mg_source_status next_part(mg_source *outer, mg_error *err)
{
    struct mg_source_multi *m = outer->multi;
    finish_part(outer);
    if (++m->current >= m->npieces)
        return MG_SOURCE_END;
    int differs = 0;
    if (open_part(outer, m->current, &differs, err) != 0)
        return MG_SOURCE_ERROR;
    m->skip_part = differs;
    return differs == 1 ? MG_SOURCE_BAD_ROW : MG_SOURCE_ROW;
}

mg_source_status mg_multi_next(mg_source *outer, mg_row *row, mg_error *err)
{
    struct mg_source_multi *m = outer->multi;
    if (m->pending_problem) {
        m->pending_problem = 0;
        return MG_SOURCE_BAD_ROW;
    }
    while (m->part) {
        mg_source_status st = m->skip_part ? MG_SOURCE_END : mg_source_next(m->part, row, err);
        size_t file = m->pieces[m->current].file;
        if (st == MG_SOURCE_ROW) {
            row->line = mg_line_encode(file, row->line);
            return st;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(m->part);
            mg_source_set_problem(outer, p->kind, mg_line_encode(file, p->line), p->column, p->field,
                                  p->size, "%s", p->message);
            return st;
        }
        if (st == MG_SOURCE_ERROR)
            return st;
        st = next_part(outer, err);
        if (st != MG_SOURCE_ROW)
            return st;
    }
    return MG_SOURCE_END;
}

int mg_multi_finish(mg_source *outer, char hex[65], mg_error *err)
{
    struct mg_source_multi *m = outer->multi;
    if (m->finished)
        return mg_error_set(err, "'%s': the data was already finished", outer->path);
    /* Reading may have stopped early (max_rows): the rest is hashed unread. */
    if (m->part)
        finish_part(outer);
    for (size_t i = m->current + 1; i < m->npieces && !m->shard; i++) {
        mg_error ferr = {{0}};
        if (mg_sha256_file(m->files.files[m->pieces[i].file].path, m->file_hex[i], &ferr) != 0 && !m->changed) {
            m->changed = 1;
            m->changed_err = ferr;
        }
    }
    m->finished = 1;
    m->current = m->npieces;
    if (m->changed)
        return mg_error_set(err, "%s", m->changed_err.msg);
    mg_data_files_fingerprint((const char(*)[65])m->file_hex, m->npieces ? m->npieces : 1, hex);
    return 0;
}

uint64_t mg_multi_bytes_read(const mg_source *outer)
{
    const struct mg_source_multi *m = outer->multi;
    return m->bytes_done + (m->part ? mg_source_bytes_read(m->part) : 0);
}

void mg_multi_free(mg_source *outer)
{
    struct mg_source_multi *m = outer->multi;
    if (!m)
        return;
    mg_source_free(m->part);
    mg_data_files_free(&m->files);
    free(m->file_hex);
    free(m->pieces);
    free(m);
    outer->multi = NULL;
}

size_t mg_source_nfiles(const mg_source *src)
{
    return src && src->multi ? src->multi->files.n : 1;
}

const char *mg_source_file(const mg_source *src, size_t i)
{
    if (!src)
        return NULL;
    if (!src->multi)
        return i == 0 ? src->path : NULL;
    return i < src->multi->files.n ? src->multi->files.files[i].path : NULL;
}

mg_source *mg_source_open_header(const mg_data_files *files, const char *display, const mg_source_options *opts,
                                 const char *const *columns, size_t ncolumns, size_t header_columns, mg_error *err)
{
    if (no_files(files, err))
        return NULL;
    mg_source *outer = multi_new(files, NULL, 0, display, opts, err);
    if (!outer)
        return NULL;
    outer->multi->shard = 1;
    mg_source first = {.ncolumns = ncolumns, .header_columns = header_columns, .columns = (char **)columns};
    take_columns(outer, &first);
    return outer;
}
