#include "common/json_locate.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static size_t skip_space(const char *t, size_t len, size_t p)
{
    while (p < len && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r'))
        p++;
    return p;
}

/* Parses one JSON value at t[p]; returns bytes consumed or 0 on failure.
 * When out is not NULL it receives the value (caller decrefs). */
static size_t parse_one(const char *t, size_t len, size_t p, json_t **out)
{
    json_error_t e;
    json_t *v = json_loadb(t + p, len - p, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &e);
    if (!v)
        return 0;
    if (out)
        *out = v;
    else
        json_decref(v);
    return (size_t)e.position;
}

/* Moves p to the member `key` of the object at p (to its key when at_key). */
static int step_key(const char *t, size_t len, size_t *p, const char *key, int at_key)
{
    size_t q = skip_space(t, len, *p);
    if (q >= len || t[q] != '{')
        return -1;
    q++;
    for (;;) {
        q = skip_space(t, len, q);
        if (q >= len || t[q] == '}')
            return -1;
        size_t key_at = q;
        json_t *k = NULL;
        size_t n = parse_one(t, len, q, &k);
        if (!n || !json_is_string(k)) {
            json_decref(k);
            return -1;
        }
        int match = strcmp(json_string_value(k), key) == 0;
        json_decref(k);
        q = skip_space(t, len, q + n);
        if (q >= len || t[q] != ':')
            return -1;
        q = skip_space(t, len, q + 1);
        if (match) {
            *p = at_key ? key_at : q;
            return 0;
        }
        n = parse_one(t, len, q, NULL);
        if (!n)
            return -1;
        q = skip_space(t, len, q + n);
        if (q < len && t[q] == ',')
            q++;
    }
}

static int step_index(const char *t, size_t len, size_t *p, size_t index)
{
    size_t q = skip_space(t, len, *p);
    if (q >= len || t[q] != '[')
        return -1;
    q++;
    for (size_t i = 0;; i++) {
        q = skip_space(t, len, q);
        if (q >= len || t[q] == ']')
            return -1;
        if (i == index) {
            *p = q;
            return 0;
        }
        size_t n = parse_one(t, len, q, NULL);
        if (!n)
            return -1;
        q = skip_space(t, len, q + n);
        if (q < len && t[q] == ',')
            q++;
    }
}

int mg_json_locate(const char *text, size_t len, const mg_json_path *path, int at_key,
                   int *line, int *col)
{
    size_t p = skip_space(text, len, 0);
    /* Skip a UTF-8 byte order mark, which jansson rejects anyway. */
    int rc = 0;
    for (size_t i = 0; i < path->depth; i++) {
        int last = i + 1 == path->depth;
        size_t q = p;
        int r = path->step[i].key ? step_key(text, len, &q, path->step[i].key, last && at_key)
                                  : step_index(text, len, &q, path->step[i].index);
        if (r != 0) {
            rc = -1;
            break;
        }
        p = q;
    }
    p = skip_space(text, len, p);
    int ln = 1, cl = 1;
    for (size_t i = 0; i < p && i < len; i++) {
        if (text[i] == '\n') {
            ln++;
            cl = 1;
        } else {
            cl++;
        }
    }
    *line = ln;
    *col = cl;
    return rc;
}

void mg_json_path_format(const mg_json_path *path, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < path->depth && used < size; i++) {
        int n;
        if (path->step[i].key)
            n = snprintf(buf + used, size - used, "%s%s", i ? "." : "", path->step[i].key);
        else
            n = snprintf(buf + used, size - used, "[%zu]", path->step[i].index);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(buf, size, "(top level)");
}
