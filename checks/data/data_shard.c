/*
 * data_shard.c - what the data checks share to save and merge a shard's
 * state (see data_shard.h).
 */
#include "checks/data/data_shard.h"

#include <openssl/evp.h>
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

void mg_shard_example_count_only(mg_check *c)
{
    c->result->examples_total++;
}
