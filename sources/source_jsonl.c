/*
 * source_jsonl.c - JSON Lines rows with jansson: one object per line.
 *
 * Lines are read into a buffer that never grows past max_row_bytes (plus two
 * chunks): a longer line is skipped to its end as ROW_TOO_BIG without being
 * held.  A line that is not a JSON object is a MALFORMED row at that line,
 * with jansson's column and reason; reading goes on.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"
#include "sources/source_impl.h"

static void clear_row(mg_source *src)
{
    jsonl_state *j = &src->jl;
    json_decref(j->obj);
    j->obj = NULL;
    if (j->texts)
        for (size_t i = 0; i < src->ncolumns; i++) {
            free(j->texts[i]);
            j->texts[i] = NULL;
        }
}

void mg_jsonl_close(mg_source *src)
{
    jsonl_state *j = &src->jl;
    clear_row(src);
    free(j->texts);
    free(j->buf);
    memset(j, 0, sizeof *j);
}

/* Makes room for need bytes, doubling, but never past what the longest
 * line allowed needs (limit plus two chunks), so an over-long line costs
 * max_row_bytes of memory, not twice that. */
static void grow_buffer(jsonl_state *j, size_t need, size_t limit)
{
    if (need <= j->cap)
        return;
    size_t want = j->cap * 2 > need ? j->cap * 2 : need;
    if (limit && want > limit + 2 * MG_CHUNK)
        want = need > limit + 2 * MG_CHUNK ? need : limit + 2 * MG_CHUNK;
    j->buf = mg_xrealloc(j->buf, want);
    j->cap = want;
}

/* Makes the next line available at buf[pos .. pos+*len).  Returns 1 with a
 * line, 0 at the end, 2 when the line is over the limit (it has then been
 * skipped; *len holds its size), -1 on a read error. */
static int next_line(mg_source *src, const char **line, size_t *len, uint64_t *skipped)
{
    jsonl_state *j = &src->jl;
    size_t limit = src->limits.max_row_bytes;
    size_t scan_from = j->pos;
    for (;;) {
        char *nl = memchr(j->buf + scan_from, '\n', j->len - scan_from);
        if (nl) {
            *line = j->buf + j->pos;
            *len = (size_t)(nl - (j->buf + j->pos));
            j->pos = (size_t)(nl - j->buf) + 1;
            return 1;
        }
        if (j->eof) {
            if (j->pos == j->len)
                return 0;
            *line = j->buf + j->pos;
            *len = j->len - j->pos;
            j->pos = j->len;
            return 1;
        }
        if (limit && j->len - j->pos > limit) {
            /* Over the limit: drop it to its newline, counting. */
            uint64_t n = j->len - j->pos;
            j->pos = j->len = 0;
            for (;;) {
                j->len = mg_source_read(src, j->buf, MG_CHUNK);
                if (j->len == 0) {
                    j->eof = 1;
                    *skipped = n;
                    return 2;
                }
                char *end = memchr(j->buf, '\n', j->len);
                if (end) {
                    j->pos = (size_t)(end - j->buf) + 1;
                    *skipped = n + j->pos - 1;
                    return 2;
                }
                n += j->len;
            }
        }
        /* Compact, then read more into the free space, growing only when
         * under half a chunk is free (not on every partial line: a small
         * file's last line would double a 64 KB buffer for nothing). */
        if (j->pos > 0) {
            memmove(j->buf, j->buf + j->pos, j->len - j->pos);
            j->len -= j->pos;
            j->pos = 0;
        }
        scan_from = j->len;
        if (j->cap - j->len < MG_CHUNK / 2)
            grow_buffer(j, j->len + MG_CHUNK, limit);
        size_t got = mg_source_read(src, j->buf + j->len, j->cap - j->len);
        if (got == 0) {
            if (ferror(src->fp))
                return -1;
            j->eof = 1;
        }
        j->len += got;
    }
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}


/* Reads the next line as an object.  Returns ROW (j->obj set), BAD_ROW,
 * END or ERROR. */
static mg_source_status read_object(mg_source *src, unsigned long *line_no, mg_error *err)
{
    jsonl_state *j = &src->jl;
    for (;;) {
        const char *line;
        size_t len;
        uint64_t skipped = 0;
        int r = next_line(src, &line, &len, &skipped);
        if (r == 0)
            return MG_SOURCE_END;
        if (r < 0) {
            mg_error_set(err, "'%s': read error", src->path);
            return MG_SOURCE_ERROR;
        }
        *line_no = j->line++;
        if (r == 2) {
            mg_source_set_problem(src, MG_PROBLEM_ROW_TOO_BIG, *line_no, 0, NULL, skipped,
                                  "found a line of %llu bytes, expected at most %zu (max_row_bytes); row skipped",
                                  (unsigned long long)skipped, src->limits.max_row_bytes);
            return MG_SOURCE_BAD_ROW;
        }
        if (*line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        if (blank(line, len))
            continue;
        json_error_t jerr;
        json_t *v = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!v) {
            mg_source_set_problem(src, MG_PROBLEM_MALFORMED, *line_no, jerr.column > 0 ? (unsigned long)jerr.column : 0,
                                  NULL, 0, "not valid JSON: %s", jerr.text);
            return MG_SOURCE_BAD_ROW;
        }
        if (!json_is_object(v)) {
            mg_source_set_problem(src, MG_PROBLEM_MALFORMED, *line_no, 1, NULL, 0,
                                  "found %s, expected a JSON object per line", mg_json_kind(v));
            json_decref(v);
            return MG_SOURCE_BAD_ROW;
        }
        j->obj = v;
        return MG_SOURCE_ROW;
    }
}

static void set_columns(mg_source *src, const char *const *names, size_t n)
{
    src->columns = mg_xcalloc(n + 1, sizeof *src->columns);
    for (size_t i = 0; i < n; i++)
        src->columns[i] = mg_xstrdup(names[i]);
    src->ncolumns = n;
    src->header_columns = n;
    src->values = mg_xcalloc(n + 1, sizeof *src->values);
    src->jl.texts = mg_xcalloc(n + 1, sizeof *src->jl.texts);
}

int mg_jsonl_open(mg_source *src, const char *const *columns, size_t ncolumns, mg_error *err)
{
    jsonl_state *j = &src->jl;
    j->cap = MG_CHUNK;
    j->buf = mg_xmalloc(j->cap);
    j->line = 1;
    if (columns) {
        set_columns(src, columns, ncolumns);
        return 0;
    }
    /* No column list: the keys of the first valid object, in file order.
     * What is read to find it is kept and read again as the first rows:
     * the input may be a pipe, which cannot be rewound. */
    mg_source_ahead_start(src);
    for (;;) {
        unsigned long line;
        mg_source_status st = read_object(src, &line, err);
        if (st == MG_SOURCE_ERROR)
            return -1;
        if (src->ahead.overflow)
            break;
        if (st == MG_SOURCE_END) {
            /* Not one valid object: no columns, and every line will be
             * reported as malformed when read. */
            set_columns(src, NULL, 0);
            break;
        }
        if (st == MG_SOURCE_BAD_ROW)
            continue;
        size_t n = json_object_size(j->obj);
        if (src->limits.max_columns && n > src->limits.max_columns)
            n = src->limits.max_columns;
        const char **names = mg_xcalloc(n + 1, sizeof *names);
        size_t k = 0;
        const char *key;
        json_t *val;
        json_object_foreach(j->obj, key, val) {
            if (k < n)
                names[k++] = key;
        }
        set_columns(src, names, k);
        src->header_columns = json_object_size(j->obj);
        free(names);
        clear_row(src);
        break;
    }
    if (mg_source_ahead_replay(src) != 0)
        return mg_error_set(err, "'%s': found no JSON object in the first %zu MiB to take the column names from",
                            src->path, MG_LOOKAHEAD_MAX >> 20);
    j->len = j->pos = 0;
    j->eof = 0;
    j->line = 1;
    return 0;
}

void mg_jsonl_restart(mg_source *src, unsigned long line)
{
    jsonl_state *j = &src->jl;
    clear_row(src);
    j->len = j->pos = 0;
    j->eof = 0;
    j->line = line;
}

static void number_text(char **slot, const json_t *v)
{
    if (json_is_integer(v))
        *slot = mg_xasprintf("%lld", (long long)json_integer_value(v));
    else
        *slot = mg_xasprintf("%.17g", json_real_value(v));
}

mg_source_status mg_jsonl_next(mg_source *src, mg_row *row, mg_error *err)
{
    jsonl_state *j = &src->jl;
    clear_row(src);
    unsigned long line = 0;
    mg_source_status st = read_object(src, &line, err);
    if (st != MG_SOURCE_ROW)
        return st;
    size_t fmax = src->limits.max_field_bytes;
    for (size_t i = 0; i < src->ncolumns; i++) {
        mg_value *v = &src->values[i];
        memset(v, 0, sizeof *v);
        v->text = "";
        const json_t *x = json_object_get(j->obj, src->columns[i]);
        if (!x) {
            v->kind = MG_VALUE_ABSENT;
            continue;
        }
        switch (json_typeof(x)) {
        case JSON_NULL:
            v->kind = MG_VALUE_NULL;
            break;
        case JSON_STRING:
            v->kind = MG_VALUE_TEXT;
            v->text = json_string_value(x);
            v->len = json_string_length(x);
            v->quoted = 1;
            break;
        case JSON_INTEGER:
        case JSON_REAL:
            v->kind = MG_VALUE_NUMBER;
            v->num = json_number_value(x);
            number_text(&j->texts[i], x);
            v->text = j->texts[i];
            v->len = strlen(v->text);
            break;
        case JSON_TRUE:
        case JSON_FALSE:
            v->kind = MG_VALUE_BOOL;
            v->num = json_is_true(x);
            v->text = json_is_true(x) ? "true" : "false";
            v->len = strlen(v->text);
            break;
        default:
            v->kind = MG_VALUE_OTHER;
            j->texts[i] = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
            v->text = j->texts[i] ? j->texts[i] : "";
            v->len = strlen(v->text);
            break;
        }
        if (fmax && v->len > fmax) {
            mg_source_set_problem(src, MG_PROBLEM_FIELD_TOO_BIG, line, 0, src->columns[i], v->len,
                                  "found a value of %zu bytes, expected at most %zu (max_field_bytes); row skipped",
                                  v->len, fmax);
            return MG_SOURCE_BAD_ROW;
        }
    }
    row->nvalues = src->ncolumns;
    row->values = src->values;
    row->nfields_found = json_object_size(j->obj);
    row->line = line;
    row->bytes = 0;
    return MG_SOURCE_ROW;
}
