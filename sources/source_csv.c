/*
 * source_csv.c - CSV rows with libcsv, read in fixed chunks.
 *
 * How it works.  Each chunk is fed to libcsv one segment at a time; a
 * segment ends after a '\n', after a '\r' that is not part of "\r\n", or
 * at the end of the chunk.  Record terminators are only ever the last byte
 * of a segment, so at most one record ends per segment, every callback
 * fires on a known physical line, and feeding stops as soon as a record is
 * complete.  A record that starts while the parser is idle starts at the
 * segment start, which gives its line and byte offset.
 *
 * libcsv settings: strict mode (characters after a closing quote make a
 * MALFORMED record; a quote inside an unquoted field too with
 * opts->strict_quotes, else we put it back as data and go on), strict end
 * of file (an unterminated quoted field is MALFORMED), spaces
 * kept as data (RFC 4180: spaces belong to the field), and
 * CSV_EMPTY_IS_NULL so an empty unquoted field (NULL) differs from "".
 *
 * Quoted fields.  libcsv does not tell whether a non-empty field was
 * quoted.  When it submits a quoted field, the closing quote is still in
 * its field buffer just after the data (it backs entry_pos over it).  We
 * read that byte and then zero the bytes the field used, so a stale quote
 * from an earlier field can never be mistaken for a closing quote (an
 * unquoted field holding a quote kept as data is zeroed the same way).
 *
 * Limits.  libcsv's field buffer grows without bound.  After each segment
 * (at most one chunk) we look at parser.entry_pos; once the field or the
 * record is over its limit, the record is marked bad and the field buffer
 * is cut back to its last byte (kept because libcsv may still drop a
 * tentative closing quote from the end), so memory stays at the limit plus
 * one chunk while the rest of the record is parsed and counted.
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmem.h"
#include "sources/source_impl.h"

typedef struct csv_field {
    size_t off; /* in text */
    size_t len;
    int quoted;
} csv_field;

typedef struct csv_reader {
    mg_source *src;
    struct csv_parser p;
    unsigned char delim;
    size_t max_field;
    size_t max_row;

    unsigned char *chunk;
    size_t chunk_len;
    size_t chunk_pos;
    uint64_t chunk_off; /* file offset of chunk[0] */
    int eof;            /* read() returned 0 */
    int finished;       /* csv_fini done: no more records */

    unsigned long line;       /* physical line of chunk[chunk_pos] */
    unsigned long line_chars; /* characters of that line before chunk[chunk_pos] */

    /* The segment being fed. */
    unsigned long seg_line;
    uint64_t seg_start;
    uint64_t seg_end;
    size_t seg_term; /* bytes of line terminator ending the segment */

    /* The record in progress (or just completed). */
    int rec_active;
    int rec_done;
    unsigned long rec_line;
    uint64_t rec_start;
    uint64_t rec_bytes;
    size_t rec_nfields;
    int rec_bad;
    mg_problem_kind prob_kind;
    size_t prob_field;        /* field index, for FIELD_TOO_BIG and MALFORMED */
    uint64_t prob_size;
    unsigned long prob_column;
    char prob_msg[160];
    uint64_t field_discarded; /* bytes of the current field cut off */

    /* Stored fields of the record (up to store_limit). */
    char *text;
    size_t text_len, text_cap;
    csv_field *fields;
    size_t nfields, fields_cap;
    size_t store_limit;
    int header_mode;
    int strict_quotes;  /* opts->strict_quotes */
    int literal_quote;  /* the current field holds a quote kept as data */

    mg_value *values;
    unsigned long index;
} csv_reader;

static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

/*
 * libcsv's field buffer allocator: like realloc, but the bytes it adds are
 * zero, so a byte past a field's end is either zero or left by a quoted
 * field (see "Quoted fields" above), never uninitialised memory.  The
 * buffer's size is kept in a header before it.
 */
#define ZBUF_HEADER 16

static void *zeroing_realloc(void *p, size_t n)
{
    unsigned char *base = NULL;
    size_t old = 0;
    if (p) {
        base = (unsigned char *)p - ZBUF_HEADER;
        memcpy(&old, base, sizeof old);
    }
    if (n > SIZE_MAX - ZBUF_HEADER)
        return NULL;
    unsigned char *grown = realloc(base, n + ZBUF_HEADER);
    if (!grown)
        return NULL;
    memcpy(grown, &n, sizeof n);
    if (n > old)
        memset(grown + ZBUF_HEADER + old, 0, n - old);
    return grown + ZBUF_HEADER;
}

static void zeroing_free(void *p)
{
    if (p)
        free((unsigned char *)p - ZBUF_HEADER);
}

static void parser_init(csv_reader *r)
{
    csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    csv_set_realloc_func(&r->p, zeroing_realloc);
    csv_set_free_func(&r->p, zeroing_free);
    csv_set_delim(&r->p, r->delim);
    csv_set_space_func(&r->p, never_space);
    csv_set_blk_size(&r->p, 16 * 1024);
}

static void record_start(csv_reader *r)
{
    r->rec_active = 1;
    r->rec_line = r->seg_line;
    r->rec_start = r->seg_start;
}

static void record_reset(csv_reader *r)
{
    r->rec_active = 0;
    r->rec_done = 0;
    r->rec_nfields = 0;
    r->rec_bad = 0;
    r->prob_column = 0;
    r->prob_msg[0] = '\0';
    r->field_discarded = 0;
    r->nfields = 0;
    r->text_len = 0;
}

static void mark_bad(csv_reader *r, mg_problem_kind kind, size_t field, uint64_t size)
{
    if (r->rec_bad)
        return;
    r->rec_bad = 1;
    r->prob_kind = kind;
    r->prob_field = field;
    r->prob_size = size;
    /* A bad record's fields are not handed out: free their room now. */
    r->nfields = 0;
    r->text_len = 0;
}

static void store_field(csv_reader *r, size_t idx, const void *data, size_t len, int quoted);

/* libcsv field callback. */
static void on_field(void *data, size_t len, void *ctx)
{
    csv_reader *r = ctx;
    if (!r->rec_active)
        record_start(r);
    size_t idx = r->rec_nfields++;
    int quoted = 0;
    if (data && r->literal_quote) {
        /* Unquoted; its quotes must not look like a later closing quote. */
        r->literal_quote = 0;
        size_t room = csv_get_buffer_size(&r->p);
        store_field(r, idx, data, len, 0);
        memset(data, 0, len < room ? len + 1 : room);
        return;
    }
    if (data) {
        unsigned char *b = data;
        if (len == 0) {
            quoted = 1; /* CSV_EMPTY_IS_NULL: only "" gives a non-NULL empty field */
        } else if (len < csv_get_buffer_size(&r->p) && b[len] == '"') {
            quoted = 1;
        }
    }
    store_field(r, idx, data, len, quoted);
    if (quoted && len)
        memset(data, 0, len + 1); /* no stale closing quote for later fields */
}

static void store_field(csv_reader *r, size_t idx, const void *data, size_t len, int quoted)
{
    uint64_t total = r->field_discarded + len;
    r->field_discarded = 0;
    if (r->rec_bad) {
        if (r->prob_kind == MG_PROBLEM_FIELD_TOO_BIG && r->prob_field == idx)
            r->prob_size = total;
        return;
    }
    if (r->max_field && total > r->max_field) {
        mark_bad(r, MG_PROBLEM_FIELD_TOO_BIG, idx, total);
        return;
    }
    if (idx >= r->store_limit)
        return;
    r->text = mg_xgrow(r->text, &r->text_cap, r->text_len + len + 1, 1);
    if (len)
        memcpy(r->text + r->text_len, data, len);
    r->text[r->text_len + len] = '\0';
    r->fields = mg_xgrow(r->fields, &r->fields_cap, r->nfields + 1, sizeof *r->fields);
    r->fields[r->nfields++] = (csv_field){r->text_len, len, quoted};
    r->text_len += len + 1;
}

/* libcsv record callback: c is the terminator, or -1 at end of file. */
static void on_record(int c, void *ctx)
{
    csv_reader *r = ctx;
    if (!r->rec_active)
        record_start(r);
    r->rec_bytes = r->seg_end - r->rec_start;
    uint64_t content = r->rec_bytes - (c == -1 ? 0 : r->seg_term);
    if (r->rec_bad && r->prob_kind == MG_PROBLEM_ROW_TOO_BIG)
        r->prob_size = content;
    else if (!r->rec_bad && r->max_row && content > r->max_row)
        mark_bad(r, MG_PROBLEM_ROW_TOO_BIG, 0, content);
    r->rec_done = 1;
    r->rec_active = 0;
}

/* Cuts libcsv's field buffer back to its last byte; see the file comment. */
static void cut_field(csv_reader *r)
{
    size_t pos = r->p.entry_pos;
    if (pos <= 1)
        return;
    r->field_discarded += pos - 1;
    r->p.entry_buf[0] = r->p.entry_buf[pos - 1];
    memset(r->p.entry_buf + 1, 0, pos - 1);
    r->p.entry_pos = 1;
}

static void note_buffers(csv_reader *r)
{
    mg_source_note_buffers(r->src, MG_SOURCE_CHUNK + r->text_cap +
                                       r->fields_cap * sizeof(csv_field) +
                                       csv_get_buffer_size(&r->p));
}

static void describe_byte(char *out, size_t cap, unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(out, cap, "'%c'", c);
    else
        snprintf(out, cap, "byte 0x%02X", c);
}

/* A strict-mode quoting error at seg[n]: the record is MALFORMED; the
 * parser restarts at the next segment (the next line). */
static void on_parse_error(csv_reader *r, const unsigned char *seg, size_t n)
{
    if (!r->rec_active)
        record_start(r);
    unsigned long column = r->line_chars + mg_utf8_chars(seg, n) + 1;
    char what[32];
    describe_byte(what, sizeof what, seg[n]);
    int after_quote = r->p.quoted;
    size_t field = r->rec_nfields;
    mark_bad(r, MG_PROBLEM_MALFORMED, field, 0);
    r->prob_column = r->line == r->rec_line ? column : 0;
    if (after_quote)
        snprintf(r->prob_msg, sizeof r->prob_msg,
                 "expected a delimiter or end of line after a closing quote, found %s "
                 "at line %lu, column %lu", what, r->line, column);
    else
        snprintf(r->prob_msg, sizeof r->prob_msg,
                 "found a quote inside an unquoted field at line %lu, column %lu; quote "
                 "the whole field and double the quotes inside", r->line, column);
    r->rec_bytes = r->seg_end - r->rec_start;
    r->rec_done = 1;
    r->rec_active = 0;
    csv_free(&r->p);
    parser_init(r);
    r->literal_quote = 0;
}

/* Feeds one segment (or reads a chunk, or finishes at end of file).
 * Returns 0, or -1 with err set. */
static int feed(csv_reader *r, mg_error *err)
{
    mg_source *src = r->src;
    if (r->chunk_pos == r->chunk_len) {
        if (!r->eof) {
            long n = mg_source_read(src, r->chunk, MG_SOURCE_CHUNK, err);
            if (n < 0)
                return -1;
            r->chunk_off += r->chunk_len;
            r->chunk_len = (size_t)n;
            r->chunk_pos = 0;
            if (n > 0)
                return 0;
            r->eof = 1;
        }
        r->seg_line = r->line;
        r->seg_start = r->seg_end = r->chunk_off + r->chunk_len;
        r->seg_term = 0;
        if (csv_fini(&r->p, on_field, on_record, r) != 0) {
            if (!r->rec_active)
                record_start(r);
            mark_bad(r, MG_PROBLEM_MALFORMED, r->rec_nfields, 0);
            snprintf(r->prob_msg, sizeof r->prob_msg,
                     "unterminated quoted field: the file ends before its closing quote");
            r->rec_bytes = r->seg_end - r->rec_start;
            r->rec_done = 1;
            r->rec_active = 0;
        }
        r->finished = 1;
        return 0;
    }
    const unsigned char *seg = r->chunk + r->chunk_pos;
    size_t avail = r->chunk_len - r->chunk_pos;
    const unsigned char *nl = memchr(seg, '\n', avail);
    size_t seglen = nl ? (size_t)(nl - seg) + 1 : avail;
    const unsigned char *cr = memchr(seg, '\r', seglen);
    if (cr && !(nl && cr + 1 == nl))
        seglen = (size_t)(cr - seg) + 1;
    unsigned char last = seg[seglen - 1];
    if (last == '\n')
        r->seg_term = (seglen >= 2 && seg[seglen - 2] == '\r') ? 2 : 1;
    else
        r->seg_term = last == '\r' ? 1 : 0;
    r->seg_line = r->line;
    r->seg_start = r->chunk_off + r->chunk_pos;
    r->seg_end = r->seg_start + seglen;

    size_t done = 0;
    while (done < seglen) {
        done += csv_parse(&r->p, seg + done, seglen - done, on_field, on_record, r);
        if (done == seglen)
            break;
        int code = csv_error(&r->p);
        if (code != CSV_EPARSE)
            return mg_error_set(err, "%s:%lu: cannot parse CSV: %s", src->path, r->line,
                                csv_strerror(code));
        if (!r->strict_quotes && !r->p.quoted && seg[done] == '"') {
            /* A quote inside an unquoted field: keep it as data and go on.
             * libcsv checked the room for one more byte before reading it. */
            r->p.entry_buf[r->p.entry_pos++] = '"';
            r->p.status = CSV_SUCCESS;
            r->literal_quote = 1;
            done++;
            continue;
        }
        on_parse_error(r, seg, done);
        break;
    }
    r->chunk_pos += seglen;
    src->bytes_read = r->seg_end;
    if (last == '\n') {
        r->line++;
        r->line_chars = 0;
    } else {
        r->line_chars += mg_utf8_chars(seg, seglen);
    }

    if (!r->rec_done && !r->rec_active && (r->p.entry_pos > 0 || r->p.quoted))
        record_start(r);
    if (r->rec_active) {
        uint64_t field_size = r->field_discarded + r->p.entry_pos;
        uint64_t row_size = r->seg_end - r->rec_start;
        if (r->max_field && field_size > r->max_field)
            mark_bad(r, MG_PROBLEM_FIELD_TOO_BIG, r->rec_nfields, field_size);
        if (r->max_row && row_size > r->max_row)
            mark_bad(r, MG_PROBLEM_ROW_TOO_BIG, 0, row_size);
        if (r->rec_bad)
            cut_field(r);
    }
    note_buffers(r);
    return 0;
}

/* Feeds segments until a record is complete or the file is finished. */
static int read_record(csv_reader *r, mg_error *err)
{
    record_reset(r);
    while (!r->rec_done && !r->finished)
        if (feed(r, err) != 0)
            return -1;
    return 0;
}

static const char *field_name(csv_reader *r, size_t idx)
{
    return idx < r->src->ncolumns ? r->src->columns[idx] : NULL;
}

static void report_problem(csv_reader *r)
{
    mg_source *src = r->src;
    size_t idx = r->prob_field;
    switch (r->prob_kind) {
    case MG_PROBLEM_FIELD_TOO_BIG:
        mg_source_set_problem(src, r->prob_kind, r->rec_line, 0, field_name(r, idx), r->prob_size,
                              "field %zu is %llu bytes, over the limit of %zu bytes", idx + 1,
                              (unsigned long long)r->prob_size, r->max_field);
        break;
    case MG_PROBLEM_ROW_TOO_BIG:
        mg_source_set_problem(src, r->prob_kind, r->rec_line, 0, NULL, r->prob_size,
                              "record is %llu bytes, over the limit of %zu bytes",
                              (unsigned long long)r->prob_size, r->max_row);
        break;
    default:
        mg_source_set_problem(src, r->prob_kind, r->rec_line, r->prob_column,
                              field_name(r, idx), 0, "%s", r->prob_msg);
        break;
    }
}

static mg_source_status csv_next(mg_source *src, mg_row *row, mg_error *err)
{
    csv_reader *r = src->impl;
    if (read_record(r, err) != 0)
        return MG_SOURCE_ERROR;
    if (!r->rec_done)
        return MG_SOURCE_END;
    memset(row, 0, sizeof *row);
    row->line = r->rec_line;
    row->index = r->index++;
    row->bytes = (size_t)r->rec_bytes;
    row->nfields_found = r->rec_nfields;
    if (r->rec_bad) {
        report_problem(r);
        return MG_SOURCE_BAD_ROW;
    }
    for (size_t i = 0; i < src->ncolumns; i++) {
        mg_value *v = &r->values[i];
        memset(v, 0, sizeof *v);
        if (i < r->nfields) {
            v->kind = MG_VALUE_TEXT;
            v->text = r->text + r->fields[i].off;
            v->len = r->fields[i].len;
            v->quoted = r->fields[i].quoted;
        } else {
            v->kind = MG_VALUE_ABSENT;
            v->text = "";
        }
    }
    row->nvalues = src->ncolumns;
    row->values = r->values;
    return MG_SOURCE_ROW;
}

static void csv_free_reader(mg_source *src)
{
    csv_reader *r = src->impl;
    if (!r)
        return;
    csv_free(&r->p);
    free(r->chunk);
    free(r->text);
    free(r->fields);
    free(r->values);
    free(r);
    src->impl = NULL;
}

static const mg_source_ops csv_ops = {csv_next, csv_free_reader};

/* Reads the first bytes (enough to see a BOM) and skips a UTF-8 BOM. */
static int skip_bom(csv_reader *r, mg_error *err)
{
    while (r->chunk_len < 3) {
        long n = mg_source_read(r->src, r->chunk + r->chunk_len, MG_SOURCE_CHUNK - r->chunk_len,
                                err);
        if (n < 0)
            return -1;
        if (n == 0) {
            r->eof = 1;
            break;
        }
        r->chunk_len += (size_t)n;
    }
    if (r->chunk_len >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0)
        r->chunk_pos = 3;
    return 0;
}

static int read_header(csv_reader *r, mg_error *err)
{
    mg_source *src = r->src;
    r->header_mode = 1;
    r->store_limit = src->limits.max_columns ? src->limits.max_columns : (size_t)-1;
    if (read_record(r, err) != 0)
        return -1;
    if (!r->rec_done)
        return mg_error_set(err, "'%s': empty file, expected a header row with the column names",
                            src->path);
    if (r->rec_bad) {
        report_problem(r);
        return mg_error_set(err, "%s:%lu: bad header row: %s", src->path, r->rec_line,
                            src->problem.message);
    }
    char **names = mg_xcalloc(r->nfields ? r->nfields : 1, sizeof *names);
    for (size_t i = 0; i < r->nfields; i++)
        names[i] = r->text + r->fields[i].off;
    mg_source_set_columns(src, names, r->nfields);
    free(names);
    src->header_columns = r->rec_nfields;
    r->header_mode = 0;
    r->store_limit = src->ncolumns;
    r->values = mg_xcalloc(src->ncolumns ? src->ncolumns : 1, sizeof *r->values);
    return 0;
}

int mg_source_csv_open(mg_source *src, const mg_source_options *opts, mg_error *err)
{
    char delim = opts->delimiter;
    if (!delim) {
        size_t n = strlen(src->path);
        delim = (n >= 4 && strcasecmp(src->path + n - 4, ".tsv") == 0) ? '\t' : ',';
    }
    if (delim == '"' || delim == '\r' || delim == '\n')
        return mg_error_set(err, "'%s': invalid CSV delimiter 0x%02X; use ',' ';' '|' or tab",
                            src->path, (unsigned char)delim);
    csv_reader *r = mg_xcalloc(1, sizeof *r);
    r->src = src;
    r->delim = (unsigned char)delim;
    r->strict_quotes = opts->strict_quotes;
    r->max_field = src->limits.max_field_bytes;
    r->max_row = src->limits.max_row_bytes;
    r->chunk = mg_xmalloc(MG_SOURCE_CHUNK);
    r->line = 1;
    parser_init(r);
    src->impl = r;
    src->ops = &csv_ops;
    if (skip_bom(r, err) != 0 || read_header(r, err) != 0)
        return -1;
    return 0;
}
