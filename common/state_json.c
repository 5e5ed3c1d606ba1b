#include "common/state_json.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

json_t *mg_state_real(double v)
{
    if (isnan(v))
        return json_string("nan");
    if (isinf(v))
        return json_string(v > 0 ? "inf" : "-inf");
    return json_real(v);
}

json_t *mg_state_count(uint64_t v)
{
    return json_integer((json_int_t)v);
}

static int missing(const char *key, const char *what, char *msg, size_t size)
{
    snprintf(msg, size, "'%s': expected %s", key, what);
    return -1;
}

int mg_state_get_real(const json_t *obj, const char *key, double *out, char *msg, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    if (json_is_number(v))
        *out = json_number_value(v);
    else if (s && strcmp(s, "nan") == 0)
        *out = NAN;
    else if (s && strcmp(s, "inf") == 0)
        *out = INFINITY;
    else if (s && strcmp(s, "-inf") == 0)
        *out = -INFINITY;
    else
        return missing(key, "a number (or \"nan\", \"inf\", \"-inf\")", msg, size);
    return 0;
}

int mg_state_get_count(const json_t *obj, const char *key, uint64_t *out, char *msg, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return missing(key, "a whole number >= 0", msg, size);
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

const char *mg_state_get_string(const json_t *obj, const char *key, char *msg, size_t size)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        missing(key, "a string", msg, size);
    return s;
}

/* 8-byte words as little-endian bytes, base64. */
static json_t *words_to_json(const uint64_t *w, size_t n)
{
    unsigned char *bytes = mg_xmalloc(n * 8 + 1);
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++)
            bytes[i * 8 + (size_t)b] = (unsigned char)(w[i] >> (8 * b));
    size_t len = n * 8;
    unsigned char *text = mg_xmalloc(4 * ((len + 2) / 3) + 1);
    int m = EVP_EncodeBlock(text, bytes, (int)len);
    json_t *s = json_stringn((const char *)text, (size_t)m);
    free(bytes);
    free(text);
    return s;
}

static int json_to_words(const json_t *obj, const char *key, uint64_t **out, size_t *n, char *msg, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    const char *text = json_string_value(v);
    size_t len = text ? json_string_length(v) : 0;
    *out = NULL;
    *n = 0;
    if (!text || len % 4 != 0 || len > (size_t)2147483647)
        return missing(key, "a base64 string of 8-byte values", msg, size);
    if (len == 0)
        return 0;
    unsigned char *bytes = mg_xmalloc(len / 4 * 3 + 1);
    int got = EVP_DecodeBlock(bytes, (const unsigned char *)text, (int)len);
    /* DecodeBlock counts the '=' padding as zero bytes: take them off. */
    size_t pad = (text[len - 1] == '=') + (text[len - 2] == '=');
    if (got < 0 || ((size_t)got - pad) % 8 != 0) {
        free(bytes);
        return missing(key, "a base64 string of 8-byte values", msg, size);
    }
    size_t count = ((size_t)got - pad) / 8;
    uint64_t *w = mg_xmalloc(count * sizeof *w + 1);
    for (size_t i = 0; i < count; i++) {
        uint64_t x = 0;
        for (int b = 7; b >= 0; b--)
            x = (x << 8) | bytes[i * 8 + (size_t)b];
        w[i] = x;
    }
    free(bytes);
    *out = w;
    *n = count;
    return 0;
}

json_t *mg_state_counts(const uint64_t *v, size_t n)
{
    return words_to_json(v, n);
}

json_t *mg_state_doubles(const double *v, size_t n)
{
    uint64_t *w = mg_xmalloc(n * sizeof *w + 1);
    if (n) /* v may be NULL when there is nothing to copy */
        memcpy(w, v, n * sizeof *w);
    json_t *s = words_to_json(w, n);
    free(w);
    return s;
}

int mg_state_get_counts(const json_t *obj, const char *key, uint64_t **out, size_t *n, char *msg, size_t size)
{
    return json_to_words(obj, key, out, n, msg, size);
}

int mg_state_get_doubles(const json_t *obj, const char *key, double **out, size_t *n, char *msg, size_t size)
{
    uint64_t *w;
    if (json_to_words(obj, key, &w, n, msg, size) != 0)
        return -1;
    _Static_assert(sizeof(double) == sizeof(uint64_t), "8-byte doubles");
    *out = NULL;
    if (*n) {
        *out = mg_xmalloc(*n * sizeof **out);
        memcpy(*out, w, *n * sizeof **out);
    }
    free(w);
    return 0;
}

json_t *mg_state_text(const char *text)
{
    json_t *s = json_string(text);
    if (s)
        return s;
    size_t len = strlen(text);
    unsigned char *b64 = mg_xmalloc(4 * ((len + 2) / 3) + 1);
    int m = EVP_EncodeBlock(b64, (const unsigned char *)text, (int)len);
    json_t *o = json_pack("{s:s%}", "base64", (const char *)b64, (size_t)m);
    free(b64);
    return o;
}

char *mg_state_get_text(const json_t *obj, const char *key, char *msg, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_string(v))
        return mg_xstrndup(json_string_value(v), json_string_length(v));
    const json_t *b = json_object_get(v, "base64");
    const char *b64 = json_string_value(b);
    size_t len = b64 ? json_string_length(b) : 0;
    if (!b64 || len % 4 != 0 || len > (size_t)2147483647) {
        missing(key, "a string, or {\"base64\": ...}", msg, size);
        return NULL;
    }
    char *text = mg_xmalloc(len / 4 * 3 + 1);
    int got = len ? EVP_DecodeBlock((unsigned char *)text, (const unsigned char *)b64, (int)len) : 0;
    size_t pad = len ? (size_t)(b64[len - 1] == '=') + (b64[len - 2] == '=') : 0;
    if (got < 0 || (size_t)got < pad || memchr(text, '\0', (size_t)got - pad)) {
        free(text);
        missing(key, "a string, or {\"base64\": ...}", msg, size);
        return NULL;
    }
    text[(size_t)got - pad] = '\0';
    return text;
}
