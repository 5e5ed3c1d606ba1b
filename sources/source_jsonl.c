/*
 * source_jsonl.c - JSON Lines rows with jansson, read in fixed chunks.
 *
 * One JSON object per line ('\n', an optional '\r' before it is dropped);
 * lines holding only JSON whitespace are skipped.  A line that lies inside
 * one chunk is parsed in place; a line that spans chunks is gathered in a
 * line buffer that never grows past max_row_bytes: a longer line is counted
 * to its end without being kept and comes back as ROW_TOO_BIG.
 *
 * Each line is parsed by json_loadb with JSON_REJECT_DUPLICATES (a
 * duplicate key makes the line MALFORMED) and JSON_ALLOW_NUL (strings may
 * hold "\u0000"; mg_value.len is the true length).  The parsed object lives
 * until the next call, so string values point into it.
 *
 * Columns: opts->columns when given, else the keys of the first valid
 * object in file order (found at open time by reading ahead, then seeking
 * back to the start, so the lines before it are still reported).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmem.h"
#include "sources/source_impl.h"

typedef struct jsonl_reader {
    mg_source *src;
    size_t max_field;
    size_t max_row;

    unsigned char *chunk;
    size_t chunk_len;
    size_t chunk_pos;
    int eof;
    int at_start; /* nothing read yet: a BOM may follow */

    char *line; /* line gathered across chunks */
    size_t line_len, line_cap;
    int skipping;     /* the current line is over max_row: not kept */
    uint64_t skipped; /* its bytes so far */
    unsigned long line_no; /* number of the next line */

    json_t *root; /* the object of the last row */
    char *text;   /* printed numbers and compact JSON of the last row */
    size_t text_len, text_cap;
    size_t *offs; /* per column: offset in text, or (size_t)-1 */
    mg_value *values;
    unsigned long index;
} jsonl_reader;

typedef struct jsonl_line {
    const char *data;
    size_t len;     /* without '\n' and a '\r' before it */
    size_t bytes;   /* in the file, with the terminator */
    int too_big;
    uint64_t size;  /* for too_big: bytes seen without the terminator */
    unsigned long no;
} jsonl_line;

static void note_buffers(jsonl_reader *r)
{
    mg_source_note_buffers(r->src, MG_SOURCE_CHUNK + r->line_cap + r->text_cap);
}

/* Adds chunk bytes to the line buffer, or counts them once over the limit. */
static void gather(jsonl_reader *r, const unsigned char *p, size_t n)
{
    if (!r->skipping && r->max_row && r->line_len + n > r->max_row + 1) {
        /* (+1: a '\r' before the '\n' does not count) */
        r->skipping = 1;
        r->skipped = r->line_len;
        r->line_len = 0;
    }
    if (r->skipping) {
        r->skipped += n;
        return;
    }
    r->line = mg_xgrow(r->line, &r->line_cap, r->line_len + n + 1, 1);
    memcpy(r->line + r->line_len, p, n);
    r->line_len += n;
    note_buffers(r);
}

/* Finishes a gathered line into *out. */
static void gathered(jsonl_reader *r, jsonl_line *out)
{
    if (r->skipping) {
        out->data = "";
        out->len = 0;
        out->too_big = 1;
        out->size = r->skipped;
        out->bytes = (size_t)r->skipped;
    } else {
        out->data = r->line;
        out->len = r->line_len;
        out->bytes = r->line_len;
    }
    r->skipping = 0;
    r->skipped = 0;
    r->line_len = 0;
}

/* Reads the next line.  Returns 1 with *out filled, 0 at end of file, -1
 * with err set. */
static int next_line(jsonl_reader *r, jsonl_line *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    for (;;) {
        if (r->chunk_pos == r->chunk_len) {
            if (!r->eof) {
                long n = mg_source_read(r->src, r->chunk, MG_SOURCE_CHUNK, err);
                if (n < 0)
                    return -1;
                r->chunk_len = (size_t)n;
                r->chunk_pos = 0;
                if (n == 0)
                    r->eof = 1;
                if (r->at_start && n >= 3 && memcmp(r->chunk, "\xEF\xBB\xBF", 3) == 0) {
                    r->chunk_pos = 3;
                    r->src->bytes_read += 3;
                }
                r->at_start = 0;
                continue;
            }
            if (r->line_len == 0 && !r->skipping)
                return 0;
            gathered(r, out); /* last line without '\n' */
            break;
        }
        const unsigned char *seg = r->chunk + r->chunk_pos;
        size_t avail = r->chunk_len - r->chunk_pos;
        const unsigned char *nl = memchr(seg, '\n', avail);
        if (!nl) {
            gather(r, seg, avail);
            r->chunk_pos = r->chunk_len;
            r->src->bytes_read += avail;
            continue;
        }
        size_t n = (size_t)(nl - seg);
        r->chunk_pos += n + 1;
        r->src->bytes_read += n + 1;
        if (r->line_len == 0 && !r->skipping) {
            out->data = (const char *)seg;
            out->len = n;
            out->bytes = n;
        } else {
            gather(r, seg, n);
            gathered(r, out);
        }
        out->bytes += 1;
        break;
    }
    if (out->len && out->data[out->len - 1] == '\r')
        out->len--;
    if (!out->too_big && r->max_row && out->len > r->max_row) {
        out->too_big = 1;
        out->size = out->len;
    }
    out->no = r->line_no++;
    return 1;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "an object";
    }
}

static const int load_flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY;

/* Parses a line.  Returns the object, or NULL after filling the problem. */
static json_t *parse_line(jsonl_reader *r, const jsonl_line *ln)
{
    json_error_t jerr;
    json_t *root = json_loadb(ln->data, ln->len, load_flags, &jerr);
    if (!root) {
        unsigned long column = jerr.column > 0 ? (unsigned long)jerr.column : 0;
        mg_source_set_problem(r->src, MG_PROBLEM_MALFORMED, ln->no, column, NULL, 0,
                              "invalid JSON: %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        mg_source_set_problem(r->src, MG_PROBLEM_MALFORMED, ln->no, 1, NULL, 0,
                              "expected a JSON object, found %s", type_name(root));
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Appends text to r->text; returns its offset. */
static size_t add_text(jsonl_reader *r, const char *s, size_t n)
{
    r->text = mg_xgrow(r->text, &r->text_cap, r->text_len + n + 1, 1);
    memcpy(r->text + r->text_len, s, n);
    r->text[r->text_len + n] = '\0';
    size_t off = r->text_len;
    r->text_len += n + 1;
    return off;
}

/* Fills one value from a JSON value; returns 0, or -1 (FIELD_TOO_BIG
 * problem set) when its text is over max_field. */
static int fill_value(jsonl_reader *r, size_t i, const json_t *v, const jsonl_line *ln)
{
    mg_value *out = &r->values[i];
    memset(out, 0, sizeof *out);
    out->text = "";
    r->offs[i] = (size_t)-1;
    char buf[64];
    if (!v) {
        out->kind = MG_VALUE_ABSENT;
        return 0;
    }
    switch (json_typeof(v)) {
    case JSON_STRING:
        out->kind = MG_VALUE_TEXT;
        out->text = json_string_value(v);
        out->len = json_string_length(v);
        break;
    case JSON_INTEGER:
        out->kind = MG_VALUE_NUMBER;
        out->num = (double)json_integer_value(v);
        out->len = (size_t)snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
                                    json_integer_value(v));
        r->offs[i] = add_text(r, buf, out->len);
        break;
    case JSON_REAL:
        out->kind = MG_VALUE_NUMBER;
        out->num = json_real_value(v);
        out->len = (size_t)snprintf(buf, sizeof buf, "%.17g", out->num);
        r->offs[i] = add_text(r, buf, out->len);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        out->kind = MG_VALUE_BOOL;
        out->num = json_is_true(v);
        out->text = json_is_true(v) ? "true" : "false";
        out->len = strlen(out->text);
        break;
    case JSON_NULL:
        out->kind = MG_VALUE_NULL;
        break;
    default: {
        out->kind = MG_VALUE_OTHER;
        size_t flags = JSON_COMPACT | JSON_ENCODE_ANY;
        size_t need = json_dumpb(v, NULL, 0, flags);
        if (!r->max_field || need <= r->max_field) {
            r->text = mg_xgrow(r->text, &r->text_cap, r->text_len + need + 1, 1);
            json_dumpb(v, r->text + r->text_len, need, flags);
            r->text[r->text_len + need] = '\0';
            r->offs[i] = r->text_len;
            r->text_len += need + 1;
        }
        out->len = need;
        break;
    }
    }
    if (r->max_field && out->len > r->max_field) {
        mg_source_set_problem(r->src, MG_PROBLEM_FIELD_TOO_BIG, ln->no, 0, r->src->columns[i],
                              out->len, "value is %zu bytes, over the limit of %zu bytes",
                              out->len, r->max_field);
        return -1;
    }
    return 0;
}

static mg_source_status jsonl_next(mg_source *src, mg_row *row, mg_error *err)
{
    jsonl_reader *r = src->impl;
    json_decref(r->root);
    r->root = NULL;
    r->text_len = 0;
    jsonl_line ln;
    for (;;) {
        int rc = next_line(r, &ln, err);
        if (rc < 0)
            return MG_SOURCE_ERROR;
        if (rc == 0)
            return MG_SOURCE_END;
        if (ln.too_big || !is_blank(ln.data, ln.len))
            break;
    }
    memset(row, 0, sizeof *row);
    row->line = ln.no;
    row->index = r->index++;
    row->bytes = ln.bytes;
    if (ln.too_big) {
        mg_source_set_problem(src, MG_PROBLEM_ROW_TOO_BIG, ln.no, 0, NULL, ln.size,
                              "line is %llu bytes, over the limit of %zu bytes",
                              (unsigned long long)ln.size, r->max_row);
        return MG_SOURCE_BAD_ROW;
    }
    r->root = parse_line(r, &ln);
    if (!r->root)
        return MG_SOURCE_BAD_ROW;
    for (size_t i = 0; i < src->ncolumns; i++)
        if (fill_value(r, i, json_object_get(r->root, src->columns[i]), &ln) != 0)
            return MG_SOURCE_BAD_ROW;
    for (size_t i = 0; i < src->ncolumns; i++)
        if (r->offs[i] != (size_t)-1)
            r->values[i].text = r->text + r->offs[i];
    row->nvalues = src->ncolumns;
    row->values = r->values;
    row->nfields_found = json_object_size(r->root);
    note_buffers(r);
    return MG_SOURCE_ROW;
}

static void jsonl_free_reader(mg_source *src)
{
    jsonl_reader *r = src->impl;
    if (!r)
        return;
    json_decref(r->root);
    free(r->chunk);
    free(r->line);
    free(r->text);
    free(r->offs);
    free(r->values);
    free(r);
    src->impl = NULL;
}

static const mg_source_ops jsonl_ops = {jsonl_next, jsonl_free_reader};

static void rewind_reader(jsonl_reader *r)
{
    r->chunk_len = r->chunk_pos = 0;
    r->eof = 0;
    r->at_start = 1;
    r->line_len = 0;
    r->skipping = 0;
    r->skipped = 0;
    r->line_no = 1;
    r->src->bytes_read = 0;
}

/* Reads ahead to the first non-blank line (and, without a column list, to
 * the first valid object, whose keys become the columns), then goes back
 * to the start of the file. */
static int find_columns(jsonl_reader *r, const mg_source_options *opts, mg_error *err)
{
    mg_source *src = r->src;
    int found_data = 0;
    json_t *first = NULL;
    jsonl_line ln;
    int rc;
    while ((rc = next_line(r, &ln, err)) == 1) {
        if (!ln.too_big && is_blank(ln.data, ln.len))
            continue;
        found_data = 1;
        if (opts->columns)
            break;
        if (ln.too_big)
            continue;
        json_error_t jerr;
        first = json_loadb(ln.data, ln.len, load_flags, &jerr);
        if (first && json_is_object(first))
            break;
        json_decref(first);
        first = NULL;
    }
    if (rc < 0)
        return -1;
    if (!found_data)
        return mg_error_set(err, "'%s': empty file, expected JSON objects, one per line",
                            src->path);
    if (opts->columns) {
        mg_source_set_columns(src, (char **)opts->columns, opts->ncolumns);
    } else {
        size_t n = first ? json_object_size(first) : 0, i = 0;
        char **names = mg_xcalloc(n ? n : 1, sizeof *names);
        const char *key;
        json_t *value;
        if (first) {
            json_object_foreach(first, key, value) {
                (void)value;
                names[i++] = (char *)key;
            }
        }
        mg_source_set_columns(src, names, n);
        free(names);
        json_decref(first);
    }
    if (lseek(src->fd, 0, SEEK_SET) != 0)
        return mg_error_set(err, "'%s': cannot go back to the start of the input; JSON Lines "
                                 "needs a regular file", src->path);
    rewind_reader(r);
    return 0;
}

int mg_source_jsonl_open(mg_source *src, const mg_source_options *opts, mg_error *err)
{
    jsonl_reader *r = mg_xcalloc(1, sizeof *r);
    r->src = src;
    r->max_field = src->limits.max_field_bytes;
    r->max_row = src->limits.max_row_bytes;
    r->chunk = mg_xmalloc(MG_SOURCE_CHUNK);
    src->impl = r;
    src->ops = &jsonl_ops;
    rewind_reader(r);
    if (find_columns(r, opts, err) != 0)
        return -1;
    size_t n = src->ncolumns ? src->ncolumns : 1;
    r->values = mg_xcalloc(n, sizeof *r->values);
    r->offs = mg_xcalloc(n, sizeof *r->offs);
    return 0;
}
