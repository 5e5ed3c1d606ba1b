/*
 * source.c - the format-independent part of a row source: opening the
 * file, the accessors, and the limits every format shares (max_rows,
 * max_file_bytes).  The format readers live in source_csv.c and
 * source_jsonl.c.
 */
#include "sources/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmem.h"
#include "sources/source_impl.h"

mg_format mg_format_from_path(const char *path)
{
    if (!path)
        return MG_FORMAT_AUTO;
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return MG_FORMAT_AUTO;
    if (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".tsv"))
        return MG_FORMAT_CSV;
    if (!strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson") || !strcasecmp(dot, ".json"))
        return MG_FORMAT_JSONL;
    return MG_FORMAT_AUTO;
}

void mg_source_set_problem(mg_source *src, mg_problem_kind kind, unsigned long line,
                           unsigned long column, const char *field, uint64_t size,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(src->problem_msg, sizeof src->problem_msg, fmt, ap);
    va_end(ap);
    src->problem.kind = kind;
    src->problem.line = line;
    src->problem.column = column;
    src->problem.size = size;
    src->problem.message = src->problem_msg;
    if (field) {
        snprintf(src->problem_field, sizeof src->problem_field, "%s", field);
        src->problem.field = src->problem_field;
    } else {
        src->problem.field = NULL;
    }
}

long mg_source_read(mg_source *src, void *buf, size_t cap, mg_error *err)
{
    for (;;) {
        ssize_t n = read(src->fd, buf, cap);
        if (n >= 0) {
            return (long)n;
        }
        if (errno != EINTR)
            return mg_error_set(err, "'%s': cannot read: %s", src->path, strerror(errno));
    }
}

void mg_source_set_columns(mg_source *src, char **names, size_t n)
{
    size_t keep = n;
    if (src->limits.max_columns && keep > src->limits.max_columns)
        keep = src->limits.max_columns;
    src->columns = mg_xcalloc(keep ? keep : 1, sizeof *src->columns);
    for (size_t i = 0; i < keep; i++)
        src->columns[i] = mg_xstrdup(names[i]);
    src->ncolumns = keep;
    src->header_columns = n;
}

void mg_source_note_buffers(mg_source *src, size_t bytes)
{
    if (bytes > src->peak_buffer_bytes)
        src->peak_buffer_bytes = bytes;
}

unsigned long mg_utf8_chars(const unsigned char *s, size_t n)
{
    unsigned long count = 0;
    for (size_t i = 0; i < n; i++)
        count += (s[i] & 0xC0) != 0x80;
    return count;
}

/*
 * Opens `path` for reading rows.  The format comes from opts->format, or
 * from the extension when that is MG_FORMAT_AUTO.  Reads the header (CSV)
 * or finds the columns (JSON Lines) before returning.  Returns a source
 * the caller frees with mg_source_free, or NULL with err filled: a missing
 * or unreadable file, an unknown format, a file without a header.
 */
mg_source *mg_source_open(const char *path, const mg_source_options *opts, mg_error *err)
{
    static const mg_source_options defaults;
    if (!opts)
        opts = &defaults;
    mg_format format = opts->format;
    if (format == MG_FORMAT_AUTO)
        format = mg_format_from_path(path);
    if (format != MG_FORMAT_CSV && format != MG_FORMAT_JSONL) {
        mg_error_set(err, "'%s': unknown data format; use a .csv, .tsv, .jsonl, .ndjson or "
                          ".json file or give the format", path ? path : "");
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        mg_error_set(err, "'%s': cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        mg_error_set(err, "'%s': cannot stat: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        mg_error_set(err, "'%s': is a directory, expected a data file", path);
        close(fd);
        return NULL;
    }
    mg_source *src = mg_xcalloc(1, sizeof *src);
    src->path = mg_xstrdup(path);
    src->format = format;
    src->limits = opts->limits;
    src->fd = fd;
    if (S_ISREG(st.st_mode)) {
        src->size_known = 1;
        src->file_size = (uint64_t)st.st_size;
    }
    int rc = format == MG_FORMAT_CSV ? mg_source_csv_open(src, opts, err)
                                     : mg_source_jsonl_open(src, opts, err);
    if (rc != 0) {
        mg_source_free(src);
        return NULL;
    }
    return src;
}

/* Frees the source and everything it owns; NULL is fine. */
void mg_source_free(mg_source *src)
{
    if (!src)
        return;
    if (src->ops && src->ops->free)
        src->ops->free(src);
    for (size_t i = 0; i < src->ncolumns; i++)
        free(src->columns[i]);
    free(src->columns);
    if (src->fd >= 0)
        close(src->fd);
    free(src->path);
    free(src);
}

size_t mg_source_ncolumns(const mg_source *src)
{
    return src->ncolumns;
}

const char *mg_source_column(const mg_source *src, size_t i)
{
    return i < src->ncolumns ? src->columns[i] : NULL;
}

size_t mg_source_header_columns(const mg_source *src)
{
    return src->header_columns;
}

long mg_source_column_index(const mg_source *src, const char *name)
{
    for (size_t i = 0; i < src->ncolumns; i++)
        if (strcmp(src->columns[i], name) == 0)
            return (long)i;
    return -1;
}

/*
 * Reads the next record.  Before the first record a file over
 * max_file_bytes gives one FILE_TOO_BIG problem (for a pipe, as soon as
 * more than that was read); once max_rows records (rows and bad rows) were
 * handed out, a further record gives one TOO_MANY_ROWS problem and then END.
 */
mg_source_status mg_source_next(mg_source *src, mg_row *row, mg_error *err)
{
    if (src->done)
        return MG_SOURCE_END;
    uint64_t max_file = src->limits.max_file_bytes;
    if (max_file && !src->file_big_reported) {
        uint64_t seen = src->size_known ? src->file_size : src->bytes_read;
        if (seen > max_file) {
            src->file_big_reported = 1;
            mg_source_set_problem(src, MG_PROBLEM_FILE_TOO_BIG, 0, 0, NULL, seen,
                                  "file is %llu bytes, over the limit of %llu bytes",
                                  (unsigned long long)seen, (unsigned long long)max_file);
            return MG_SOURCE_BAD_ROW;
        }
    }
    mg_source_status st = src->ops->next(src, row, err);
    if (st != MG_SOURCE_ROW && st != MG_SOURCE_BAD_ROW)
        return st;
    uint64_t max_rows = src->limits.max_rows;
    if (max_rows && src->records >= max_rows) {
        /* One more record exists: report the cut instead of it. */
        unsigned long line = st == MG_SOURCE_ROW ? row->line : src->problem.line;
        src->done = 1;
        mg_source_set_problem(src, MG_PROBLEM_TOO_MANY_ROWS, line, 0, NULL, src->records + 1,
                              "more than %llu rows; the rest of the file was not read",
                              (unsigned long long)max_rows);
        return MG_SOURCE_BAD_ROW;
    }
    src->records++;
    return st;
}

const mg_source_problem_info *mg_source_problem(const mg_source *src)
{
    return &src->problem;
}

const char *mg_source_path(const mg_source *src)
{
    return src->path;
}

mg_format mg_source_format(const mg_source *src)
{
    return src->format;
}

uint64_t mg_source_bytes_read(const mg_source *src)
{
    return src->bytes_read;
}

size_t mg_source_peak_buffer_bytes(const mg_source *src)
{
    return src->peak_buffer_bytes;
}
