/*
 * state_json.h - values in the state files of sharded runs (JSON through
 * jansson): numbers that JSON cannot hold (NaN, infinities) and arrays too
 * large to write a number at a time (a rank metric's 16 bytes a row).
 *
 *  - A double is a JSON number when finite, else the string "nan", "inf"
 *    or "-inf"; jansson writes reals with 17 significant digits, so a
 *    double reads back bit for bit.
 *  - A whole count (uint64_t) is a JSON integer (up to 2^63 - 1).
 *  - An array of doubles or of uint64_t is a string: base64 (OpenSSL's
 *    EVP_EncodeBlock) of the values' 8 bytes each, little-endian, so a
 *    state reads the same on every machine.
 *
 * The getters take the containing object and a key, and return 0, or -1
 * with a message naming the key and what was expected.
 */
#ifndef MG_COMMON_STATE_JSON_H
#define MG_COMMON_STATE_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

json_t *mg_state_real(double v);
json_t *mg_state_count(uint64_t v);
json_t *mg_state_doubles(const double *v, size_t n);
json_t *mg_state_counts(const uint64_t *v, size_t n);

int mg_state_get_real(const json_t *obj, const char *key, double *out, char *msg, size_t size);
int mg_state_get_count(const json_t *obj, const char *key, uint64_t *out, char *msg, size_t size);
/* *out is malloc'd (NULL when n is 0); free it. */
int mg_state_get_doubles(const json_t *obj, const char *key, double **out, size_t *n, char *msg, size_t size);
int mg_state_get_counts(const json_t *obj, const char *key, uint64_t **out, size_t *n, char *msg, size_t size);
/* The string member `key` (borrowed), or NULL with msg. */
const char *mg_state_get_string(const json_t *obj, const char *key, char *msg, size_t size);

/* A text that may hold bytes that are not UTF-8 (an example quoting a data
 * value, a file name): a JSON string when it is valid UTF-8, else
 * {"base64": the bytes}, so it reads back byte for byte. */
json_t *mg_state_text(const char *text);
/* The text member `key` as mg_state_text wrote it: a new string (free it),
 * or NULL with msg. */
char *mg_state_get_text(const json_t *obj, const char *key, char *msg, size_t size);

#endif
