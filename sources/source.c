/*
 * source.c - opening a row source, the format-independent parts of reading
 * (limits on rows and file size), and the accessors.
 */
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/xmem.h"
#include "sources/source_impl.h"

mg_format mg_format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return MG_FORMAT_AUTO;
    if (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".tsv") == 0)
        return MG_FORMAT_CSV;
    if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".json") == 0)
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
    src->problem.field = field;
    src->problem.message = src->problem_msg;
    src->problem.size = size;
}

/*
 * A header that is one column holding ';', a tab or '|' almost always means
 * a file separated by that character read with the default ','.  Without
 * this, every model feature and schema field would be reported missing, on
 * every row.  Returns 0, or -1 with err naming the character to set.
 */
static int header_delimiter_hint(const mg_source *src, mg_error *err)
{
    if (src->ncolumns != 1 || !src->columns[0])
        return 0;
    static const char candidates[] = ";\t|";
    const char *header = src->columns[0];
    char best = 0;
    size_t best_count = 0;
    for (const char *c = candidates; *c; c++) {
        size_t count = 0;
        for (const char *h = header; *h; h++)
            count += *h == *c;
        if (count > best_count) {
            best = *c;
            best_count = count;
        }
    }
    if (!best)
        return 0;
    const char *shown = best == '\t' ? "\\t" : best == ';' ? ";" : "|";
    const char *value = best == '\t' ? "tab" : shown;
    return mg_error_set(err, "%s:1: the header is one column '%.60s%s' holding '%s': the file looks '%s'-separated; "
                             "set \"data.delimiter\": \"%s\" in the gate spec",
                        src->path, header, strlen(header) > 60 ? "..." : "", shown, shown, value);
}

mg_source *mg_source_open(const char *path, const mg_source_options *opts, mg_error *err)
{
    static const mg_source_options defaults;
    if (!opts)
        opts = &defaults;
    if (!path) {
        mg_error_set(err, "no data path given");
        return NULL;
    }
    mg_format format = opts->format ? opts->format : mg_format_from_path(path);
    if (format == MG_FORMAT_AUTO) {
        mg_error_set(err, "'%s': cannot tell the data format from the extension; name it (csv or jsonl)", path);
        return NULL;
    }
    mg_source *src = mg_xcalloc(1, sizeof *src);
    src->path = mg_xstrdup(path);
    src->format = format;
    src->limits = opts->limits;
    if (mg_source_input_open(src, path, err) != 0) {
        mg_source_input_close(src);
        free(src->path);
        free(src);
        return NULL;
    }
    const struct stat st = src->at_open;
    if (src->limits.max_file_bytes && (uint64_t)st.st_size > src->limits.max_file_bytes)
        src->file_too_big = 1;
    int rc;
    if (format == MG_FORMAT_CSV) {
        char delim = opts->delimiter;
        if (!delim) {
            const char *dot = strrchr(path, '.');
            delim = dot && strcasecmp(dot, ".tsv") == 0 ? '\t' : ',';
        }
        rc = mg_csv_open(src, delim, err);
        if (rc == 0 && !opts->delimiter)
            rc = header_delimiter_hint(src, err);
    } else {
        rc = mg_jsonl_open(src, opts->columns, opts->ncolumns, err);
    }
    if (rc != 0) {
        mg_source_free(src);
        return NULL;
    }
    for (size_t i = 0; i < src->ncolumns; i++)
        mg_name_index_add(&src->column_index, src->columns[i], i);
    if (src->file_too_big)
        mg_source_set_problem(src, MG_PROBLEM_FILE_TOO_BIG, 1, 0, NULL, (uint64_t)st.st_size,
                              "the file is %lld bytes, over max_file_bytes %llu: not read",
                              (long long)st.st_size, (unsigned long long)src->limits.max_file_bytes);
    return src;
}

void mg_source_free(mg_source *src)
{
    if (!src)
        return;
    mg_multi_free(src);
    if (src->format == MG_FORMAT_CSV)
        mg_csv_close(src);
    else
        mg_jsonl_close(src);
    for (size_t i = 0; i < src->ncolumns; i++)
        free(src->columns[i]);
    free(src->columns);
    mg_name_index_free(&src->column_index);
    free(src->values);
    mg_source_input_close(src);
    free(src->path);
    free(src);
}

mg_source_status mg_source_next(mg_source *src, mg_row *row, mg_error *err)
{
    if (src->file_too_big) {
        src->file_too_big = 0;
        src->finished = 1;
        return MG_SOURCE_BAD_ROW; /* the problem was set at open */
    }
    if (src->finished)
        return MG_SOURCE_END;
    if (src->limits.max_rows && src->rows >= src->limits.max_rows) {
        src->finished = 1;
        mg_source_set_problem(src, MG_PROBLEM_TOO_MANY_ROWS, src->last_line + 1, 0, NULL, src->rows,
                              "found more than max_rows %llu rows: the rest was not read",
                              (unsigned long long)src->limits.max_rows);
        return MG_SOURCE_BAD_ROW;
    }
    mg_source_status st = src->multi                   ? mg_multi_next(src, row, err)
                          : src->format == MG_FORMAT_CSV ? mg_csv_next(src, row, err)
                                                         : mg_jsonl_next(src, row, err);
    if (st == MG_SOURCE_ROW) {
        row->index = src->rows++;
        src->last_line = row->line;
    } else if (st == MG_SOURCE_END || st == MG_SOURCE_ERROR) {
        src->finished = 1;
    }
    return st;
}

const mg_source_problem_info *mg_source_problem(const mg_source *src) { return &src->problem; }
size_t mg_source_ncolumns(const mg_source *src) { return src->ncolumns; }
size_t mg_source_header_columns(const mg_source *src) { return src->header_columns; }
const char *mg_source_column(const mg_source *src, size_t i) { return i < src->ncolumns ? src->columns[i] : NULL; }
const char *mg_source_path(const mg_source *src) { return src->path; }
mg_format mg_source_format(const mg_source *src) { return src->format; }
uint64_t mg_source_bytes_read(const mg_source *src) { return src->multi ? mg_multi_bytes_read(src) : src->bytes_read; }

long mg_source_column_index(const mg_source *src, const char *name)
{
    long i = mg_name_index_find(&src->column_index, name);
    /* The index matches fingerprints; confirm the name itself. */
    return i >= 0 && strcmp(src->columns[i], name) == 0 ? i : -1;
}
