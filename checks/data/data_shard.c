/*
 * data_shard.c - what the data checks share to save and merge a shard's
 * state (see data_shard.h).
 */
#include "checks/data/data_shard.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state_json.h"
#include "common/xmem.h"

int mg_shard_add_count(const json_t *state, const char *key, uint64_t *into, char *msg, size_t size)
{
    uint64_t v;
    if (mg_state_get_count(state, key, &v, msg, size) != 0)
        return -1;
    *into += v;
    return 0;
}

int mg_shard_add_counts(const json_t *state, const char *key, uint64_t *into, size_t n, char *msg, size_t size)
{
    uint64_t *v;
    size_t got;
    if (mg_state_get_counts(state, key, &v, &got, msg, size) != 0)
        return -1;
    if (got != n) {
        free(v);
        return snprintf(msg, size, "'%s': expected %zu counts (one per schema field), found %zu", key, n, got), -1;
    }
    for (size_t i = 0; i < n; i++)
        into[i] += v[i];
    free(v);
    return 0;
}

json_t *mg_shard_field_counts_save(uint64_t offending_rows, const uint64_t *per_field, size_t nfields)
{
    return json_pack("{s:o, s:o}", "offending_rows", mg_state_count(offending_rows), "per_field",
                     mg_state_counts(per_field, nfields));
}

int mg_shard_field_counts_merge(const json_t *state, uint64_t *offending_rows, uint64_t *per_field, size_t nfields,
                                char *msg, size_t size)
{
    if (mg_shard_add_count(state, "offending_rows", offending_rows, msg, size) != 0)
        return -1;
    return mg_shard_add_counts(state, "per_field", per_field, nfields, msg, size);
}

json_t *mg_shard_texts_save(char *const *text, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(text[i]) + 1;
    unsigned char *bytes = mg_xmalloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(text[i]) + 1;
        memcpy(bytes + o, text[i], l);
        o += l;
    }
    unsigned char *b64 = mg_xmalloc(4 * ((len + 2) / 3) + 1);
    int m = EVP_EncodeBlock(b64, bytes, (int)len);
    json_t *s = json_stringn((const char *)b64, (size_t)m);
    free(bytes);
    free(b64);
    return s;
}

int mg_shard_texts_get(const json_t *state, const char *key, mg_shard_texts *out, char *msg, size_t size)
{
    memset(out, 0, sizeof *out);
    const json_t *v = json_object_get(state, key);
    const char *b64 = json_string_value(v);
    size_t len = b64 ? json_string_length(v) : 0;
    if (!b64 || len % 4 != 0 || len > (size_t)2147483647)
        return snprintf(msg, size, "'%s': expected a base64 string of texts", key), -1;
    out->bytes = mg_xmalloc(len / 4 * 3 + 1);
    int got = len ? EVP_DecodeBlock((unsigned char *)out->bytes, (const unsigned char *)b64, (int)len) : 0;
    /* DecodeBlock counts the '=' padding as bytes: take them off. */
    size_t pad = len ? (size_t)(b64[len - 1] == '=') + (b64[len - 2] == '=') : 0;
    if (got < 0 || (size_t)got < pad || ((size_t)got > pad && out->bytes[(size_t)got - pad - 1] != '\0')) {
        mg_shard_texts_free(out);
        return snprintf(msg, size, "'%s': expected a base64 string of texts", key), -1;
    }
    size_t n = (size_t)got - pad;
    for (size_t i = 0; i < n; i++)
        out->n += out->bytes[i] == '\0';
    out->text = mg_xcalloc(out->n + 1, sizeof *out->text);
    size_t k = 0;
    for (size_t i = 0; i < n; i += strlen(out->bytes + i) + 1)
        out->text[k++] = out->bytes + i;
    return 0;
}

void mg_shard_texts_free(mg_shard_texts *t)
{
    free(t->bytes);
    free(t->text);
    memset(t, 0, sizeof *t);
}

/* "FILE:LINE: FIELD: MESSAGE" as mg_check_example writes it; *file and
 * *local say where it points. */
static char *example_text(const mg_check *c, unsigned long line, const char *field, const char *fmt, va_list ap,
                          const char **file, unsigned long *local)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *what = mg_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(what, (size_t)(n < 0 ? 0 : n) + 1, fmt, again);
    va_end(again);
    *file = mg_check_line_file(c->env, line, local);
    char *text = field ? mg_xasprintf("%s:%lu: %s: %s", *file, *local, field, what)
                       : mg_xasprintf("%s:%lu: %s", *file, *local, what);
    free(what);
    return text;
}

void mg_shard_example_first(mg_check *c, size_t at, unsigned long line, const char *field, const char *fmt, ...)
{
    mg_result *res = c->result;
    size_t keep = c->env->examples;
    res->examples_total++;
    if (at > res->nexamples)
        at = res->nexamples;
    if (at >= keep)
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *file;
    unsigned long local;
    char *text = example_text(c, line, field, fmt, ap, &file, &local);
    va_end(ap);
    size_t cap = res->examples_cap;
    res->examples = mg_xgrow(res->examples, &res->examples_cap, res->nexamples + 1, sizeof *res->examples);
    if (res->examples_cap != cap)
        res->example_pos = mg_xrealloc(res->example_pos, res->examples_cap * sizeof *res->example_pos);
    memmove(&res->examples[at + 1], &res->examples[at], (res->nexamples - at) * sizeof *res->examples);
    memmove(&res->example_pos[at + 1], &res->example_pos[at], (res->nexamples - at) * sizeof *res->example_pos);
    res->nexamples++;
    res->examples[at] = text;
    mg_example_pos *pos = &res->example_pos[at];
    pos->file = local > 0 ? mg_xstrdup(file) : NULL;
    pos->line = pos->file ? local : 0;
    pos->data_line = line;
    while (res->nexamples > keep) {
        res->nexamples--;
        free(res->examples[res->nexamples]);
        free(res->example_pos[res->nexamples].file);
    }
}

int mg_shard_example_rewrite(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
{
    mg_result *res = c->result;
    size_t i = 0;
    while (i < res->nexamples && res->example_pos[i].data_line != line)
        i++;
    if (i == res->nexamples)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    const char *file;
    unsigned long local;
    char *text = example_text(c, line, field, fmt, ap, &file, &local);
    va_end(ap);
    free(res->examples[i]);
    res->examples[i] = text;
    return 1;
}

int mg_shard_example_would_keep(const mg_check *c, unsigned long line)
{
    const mg_result *res = c->result;
    size_t before = 0;
    for (size_t i = 0; i < res->nexamples; i++)
        before += res->example_pos[i].data_line != 0 && res->example_pos[i].data_line <= line;
    return before < c->env->examples;
}

void mg_shard_example_count_only(mg_check *c)
{
    c->result->examples_total++;
}
