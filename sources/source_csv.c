/*
 * source_csv.c - CSV rows with libcsv.
 *
 * The file is read in 64 KiB chunks, and each chunk is fed to libcsv one
 * line segment at a time (up to and including each '\n' or '\r'), so:
 *  - at most one record ends per csv_parse call, and we always know the
 *    physical line, even across quoted newlines and CRLF;
 *  - between calls we can see how large the field libcsv is assembling has
 *    grown (parser.entry_pos, a public member): once over the limit we
 *    discard what it holds (entry_pos = 0, which leaves its quoting state
 *    intact) and skip the record, so a 100 MB field costs no more memory
 *    than the limit plus one chunk.
 * Quoting is lenient (see csv_options); a quoted field still open at the
 * end of the file is a malformed record at the line where it started.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "sources/source_impl.h"

/* Lenient quoting, as Python's csv module and pandas read: a quote inside
 * an unquoted field (37.8"N) is text.  A quoted field left open at the end
 * of the file is still an error: see field_left_open. */
static const unsigned char csv_options = CSV_EMPTY_IS_NULL;

/* libcsv reports an unterminated quoted field only in strict mode, so we
 * read its public state: inside a quoted field that has begun (pstate 2,
 * FIELD_BEGUN in libcsv.c) when the input ends. */
static int field_left_open(const struct csv_parser *p)
{
    return p->quoted && p->pstate == 2;
}

/* Keep fields exactly as written: no space is trimmed. */
static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void parser_init(csv_state *c, char delimiter)
{
    csv_init(&c->parser, csv_options);
    csv_set_delim(&c->parser, (unsigned char)delimiter);
    csv_set_space_func(&c->parser, never_space);
    /* libcsv grows its field buffer linearly, by 128 bytes by default. */
    csv_set_blk_size(&c->parser, MG_CHUNK);
}

static void record_reset(csv_state *c)
{
    c->rec_len = 0;
    c->nfields = 0;
    c->rec_bytes = 0;
    c->rec_started = 0;
    c->rec_done = 0;
    c->field_too_big = 0;
    c->row_too_big = 0;
    c->big_size = 0;
    c->big_column = 0;
}

static void on_field(void *data, size_t len, void *ctx)
{
    mg_source *src = ctx;
    csv_state *c = &src->csv;
    size_t index = c->nfields++;
    if (c->field_too_big || c->row_too_big) {
        /* The tail of the oversize field, after what was discarded. */
        if (c->field_too_big && index == c->big_column)
            c->big_size += len;
        return;
    }
    if (src->limits.max_field_bytes && len > src->limits.max_field_bytes) {
        c->field_too_big = 1;
        c->big_column = index;
        c->big_size = len;
        return;
    }
    c->rec_bytes += len + 1;
    if (src->limits.max_row_bytes && c->rec_bytes > src->limits.max_row_bytes) {
        c->row_too_big = 1;
        c->big_size = c->rec_bytes;
        return;
    }
    /* Columns past max_columns are counted but not kept. */
    if (src->limits.max_columns && index >= src->limits.max_columns && src->columns)
        return;
    /* Capacity is checked here first: this runs once per field. */
    if (c->rec_len + len + 1 > c->rec_cap)
        c->rec = mg_xgrow(c->rec, &c->rec_cap, c->rec_len + len + 1, 1);
    if (len)
        memcpy(c->rec + c->rec_len, data, len);
    c->rec[c->rec_len + len] = '\0';
    if (index + 1 > c->fields_cap)
        c->fields = mg_xgrow(c->fields, &c->fields_cap, index + 1, sizeof *c->fields);
    c->fields[index].off = c->rec_len;
    c->fields[index].len = len;
    c->fields[index].is_null = data == NULL;
    c->rec_len += len + 1;
}

static void on_record(int term, void *ctx)
{
    (void)term;
    mg_source *src = ctx;
    src->csv.rec_done = 1;
}

static mg_source_status read_record(mg_source *src, mg_error *err);
static void take_header(mg_source *src);

int mg_csv_open(mg_source *src, char delimiter, mg_error *err)
{
    csv_state *c = &src->csv;
    parser_init(c, delimiter);
    c->chunk = mg_xmalloc(MG_CHUNK);
    c->line = 1;
    c->at_file_start = 1;
    record_reset(c);
    /* The header is read now, so columns are known before the first row. */
    mg_source_status st = read_record(src, err);
    if (st == MG_SOURCE_ERROR)
        return -1;
    if (st == MG_SOURCE_END)
        return mg_error_set(err, "'%s': empty file: expected a header row naming the columns", src->path);
    if (st == MG_SOURCE_BAD_ROW)
        return mg_error_set(err, "%s:%lu: the header row: %s", src->path, src->problem.line, src->problem_msg);
    if (c->field_too_big || c->row_too_big)
        return mg_error_set(err, "%s:%lu: the header row is over the size limits (at least %llu bytes)",
                            src->path, c->rec_line, (unsigned long long)c->big_size);
    take_header(src);
    return 0;
}

void mg_csv_close(mg_source *src)
{
    csv_state *c = &src->csv;
    if (c->chunk)
        csv_free(&c->parser);
    free(c->chunk);
    free(c->rec);
    free(c->fields);
    memset(c, 0, sizeof *c);
}

/* Takes the completed record as the header. */
static void take_header(mg_source *src)
{
    csv_state *c = &src->csv;
    size_t n = c->nfields;
    src->header_columns = n;
    if (src->limits.max_columns && n > src->limits.max_columns)
        n = src->limits.max_columns;
    src->columns = mg_xcalloc(n + 1, sizeof *src->columns);
    for (size_t i = 0; i < n; i++)
        src->columns[i] = mg_xstrndup(c->rec + c->fields[i].off, c->fields[i].len);
    src->ncolumns = n;
    src->values = mg_xcalloc(n + 1, sizeof *src->values);
}

static mg_source_status deliver(mg_source *src, mg_row *row)
{
    csv_state *c = &src->csv;
    if (c->field_too_big || c->row_too_big) {
        size_t col = c->big_column;
        const char *field = c->field_too_big && col < src->ncolumns ? src->columns[col] : NULL;
        if (c->field_too_big)
            mg_source_set_problem(src, MG_PROBLEM_FIELD_TOO_BIG, c->rec_line, 0, field, c->big_size,
                                  "found a field of at least %llu bytes, expected at most %zu (max_field_bytes); row skipped",
                                  (unsigned long long)c->big_size, src->limits.max_field_bytes);
        else
            mg_source_set_problem(src, MG_PROBLEM_ROW_TOO_BIG, c->rec_line, 0, NULL, c->big_size,
                                  "found a row of at least %llu bytes, expected at most %zu (max_row_bytes); row skipped",
                                  (unsigned long long)c->big_size, src->limits.max_row_bytes);
        return MG_SOURCE_BAD_ROW;
    }
    for (size_t i = 0; i < src->ncolumns; i++) {
        mg_value *v = &src->values[i];
        memset(v, 0, sizeof *v);
        if (i < c->nfields) {
            v->kind = MG_VALUE_TEXT;
            v->text = c->rec + c->fields[i].off;
            v->len = c->fields[i].len;
            v->quoted = v->len == 0 && !c->fields[i].is_null;
        } else {
            v->kind = MG_VALUE_ABSENT;
            v->text = "";
        }
    }
    row->nvalues = src->ncolumns;
    row->values = src->values;
    row->nfields_found = c->nfields;
    row->line = c->rec_line;
    row->bytes = c->rec_bytes;
    return MG_SOURCE_ROW;
}

/* libcsv stopped inside a segment (it could not grow its buffer): report
 * the record and start over at the next line. */
static mg_source_status malformed(mg_source *src, unsigned long col)
{
    csv_state *c = &src->csv;
    const char *why = csv_strerror(csv_error(&c->parser));
    unsigned char delim = csv_get_delim(&c->parser);
    csv_free(&c->parser);
    parser_init(c, (char)delim);
    mg_source_set_problem(src, MG_PROBLEM_MALFORMED, c->line, col, NULL, 0, "unreadable CSV record: %s", why);
    /* Skip the rest of this line. */
    for (;;) {
        if (c->chunk_pos == c->chunk_len) {
            c->chunk_len = mg_source_read(src, c->chunk, MG_CHUNK);
            c->chunk_pos = 0;
            if (c->chunk_len == 0) {
                c->eof = 1;
                break;
            }
        }
        char *nl = memchr(c->chunk + c->chunk_pos, '\n', c->chunk_len - c->chunk_pos);
        if (nl) {
            c->chunk_pos = (size_t)(nl - c->chunk) + 1;
            c->line++;
            break;
        }
        c->chunk_pos = c->chunk_len;
    }
    record_reset(c);
    return MG_SOURCE_BAD_ROW;
}

/* Bounds libcsv's buffer for a field still being assembled. */
static void bound_field(mg_source *src)
{
    csv_state *c = &src->csv;
    size_t pos = c->parser.entry_pos;
    size_t field_cap = src->limits.max_field_bytes;
    size_t row_cap = src->limits.max_row_bytes;
    if (field_cap && pos > field_cap) {
        if (!c->field_too_big && !c->row_too_big) {
            c->field_too_big = 1;
            c->big_column = c->nfields;
        }
        c->big_size += pos;
        c->parser.entry_pos = 0;
    } else if (row_cap && c->rec_bytes + pos > row_cap) {
        if (!c->field_too_big && !c->row_too_big)
            c->row_too_big = 1;
        c->big_size = c->rec_bytes + pos;
        c->parser.entry_pos = 0;
    }
}

/* Reads the next complete record into c->rec / c->fields.  Returns ROW when
 * one is complete, BAD_ROW after a malformed one (problem set), END, or
 * ERROR with err. */
static mg_source_status read_record(mg_source *src, mg_error *err)
{
    csv_state *c = &src->csv;
    record_reset(c);
    unsigned long col_in_line = 0;
    while (!c->rec_done) {
        if (c->chunk_pos == c->chunk_len) {
            if (c->eof) {
                if (field_left_open(&c->parser) || csv_fini(&c->parser, on_field, on_record, src) != 0) {
                    mg_source_set_problem(src, MG_PROBLEM_MALFORMED, c->rec_line, 0, NULL, 0,
                                          "malformed CSV: a quoted field is not closed before the end of the file");
                    unsigned char delim = csv_get_delim(&c->parser);
                    csv_free(&c->parser);
                    parser_init(c, (char)delim);
                    return MG_SOURCE_BAD_ROW;
                }
                return c->rec_done ? MG_SOURCE_ROW : MG_SOURCE_END;
            }
            c->chunk_len = mg_source_read(src, c->chunk, MG_CHUNK);
            c->chunk_pos = 0;
            if (c->chunk_len == 0) {
                if (ferror(src->fp)) {
                    mg_error_set(err, "'%s': read error", src->path);
                    return MG_SOURCE_ERROR;
                }
                c->eof = 1;
                continue;
            }
            if (c->at_file_start) {
                c->at_file_start = 0;
                if (c->chunk_len >= 3 && memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0)
                    c->chunk_pos = 3;
            }
        }
        const char *seg = c->chunk + c->chunk_pos;
        size_t avail = c->chunk_len - c->chunk_pos, len;
        /* The next line end: '\n', or a '\r' before it (memchr is vectorised). */
        const char *nl = memchr(seg, '\n', avail);
        const char *cr = memchr(seg, '\r', nl ? (size_t)(nl - seg) : avail);
        const char *stop = cr ? cr : nl;
        len = stop ? (size_t)(stop - seg) : avail;
        int ends_line = len < avail && seg[len] == '\n';
        if (len < avail)
            len++; /* include the terminator */
        if (!c->rec_started) {
            for (size_t i = 0; i < len; i++)
                if (seg[i] != '\n' && seg[i] != '\r') {
                    c->rec_started = 1;
                    c->rec_line = c->line;
                    break;
                }
        }
        size_t used = csv_parse(&c->parser, seg, len, on_field, on_record, src);
        if (used < len)
            return malformed(src, col_in_line + used + 1);
        c->chunk_pos += len;
        col_in_line += len;
        if (ends_line) {
            c->line++;
            col_in_line = 0;
        }
        bound_field(src);
    }
    return MG_SOURCE_ROW;
}

void mg_csv_restart(mg_source *src, unsigned long line)
{
    csv_state *c = &src->csv;
    unsigned char delim = csv_get_delim(&c->parser);
    csv_free(&c->parser);
    parser_init(c, (char)delim);
    c->chunk_len = c->chunk_pos = 0;
    c->line = line;
    c->at_file_start = 0;
    c->eof = 0;
    record_reset(c);
}

/* A byte range (shard_plan.h) starts at a line start, which is a record
 * start only if no quoted field holds a line break: refuse one. */
static mg_source_status range_refused(mg_source *src, mg_error *err, const char *what)
{
    mg_error_set(err, "%s:%lu: %s, so this CSV file cannot be split into byte ranges for shards: split the data "
                      "into several files (data.path as a list or a glob) so that shards take whole files",
                 src->path, src->csv.rec_line, what);
    return MG_SOURCE_ERROR;
}

static int holds_line_break(const csv_state *c)
{
    for (size_t i = 0; i < c->nfields; i++) {
        const char *f = c->rec + c->fields[i].off;
        if (memchr(f, '\n', c->fields[i].len) || memchr(f, '\r', c->fields[i].len))
            return 1;
    }
    return 0;
}

mg_source_status mg_csv_next(mg_source *src, mg_row *row, mg_error *err)
{
    mg_source_status st = read_record(src, err);
    if (src->ranged && st == MG_SOURCE_ROW && holds_line_break(&src->csv))
        return range_refused(src, err, "a quoted field holds a line break");
    /* Open at the range's end (not the file's, where it is a malformed row
     * as when the file is read whole). */
    if (src->ranged && st == MG_SOURCE_BAD_ROW && src->problem.kind == MG_PROBLEM_MALFORMED && src->csv.eof &&
        src->range_end < (uint64_t)src->at_open.st_size)
        return range_refused(src, err, "a quoted field is still open at the end of the range");
    return st == MG_SOURCE_ROW ? deliver(src, row) : st;
}
