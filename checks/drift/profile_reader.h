/*
 * profile_reader.h - reading a drift profile's JSON with errors that point
 * at the offending value: `FILE:LINE:COL: columns[2].quantiles.n: expected
 * ...`.  jansson positions syntax errors only, so the reader keeps the text
 * and the path of the value being read, and finds the position again with
 * mg_json_locate (common/json_locate.h) when something is wrong.
 *
 * Borrowed: file, text and err stay the caller's.
 */
#ifndef MG_CHECKS_DRIFT_PROFILE_READER_H
#define MG_CHECKS_DRIFT_PROFILE_READER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/json_locate.h"

typedef struct mg_profile_reader {
    const char *file;   /* named in messages */
    const char *text;   /* the whole JSON text */
    size_t len;
    size_t depth;       /* steps in path (may exceed MG_JSON_PATH_MAX: deeper ones are not named) */
    mg_json_path path;  /* where the value being read sits */
    mg_error *err;
} mg_profile_reader;

void mg_preader_push_key(mg_profile_reader *r, const char *key);
void mg_preader_push_index(mg_profile_reader *r, size_t index);
void mg_preader_pop(mg_profile_reader *r);

/* Sets err to "FILE:LINE:COL: PATH: message" for the current path (at its
 * key when at_key).  Returns -1. */
int mg_preader_fail(mg_profile_reader *r, int at_key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* -1 with an error at the first key of obj that is not in `allowed` (NULL-terminated). */
int mg_preader_keys(mg_profile_reader *r, const json_t *obj, const char *const *allowed);

/* The member `key` of obj, which must be present and of JSON type `type`
 * (JSON_REAL also accepts an integer).  On success the path holds the key
 * (the caller pops it); on failure it is popped and NULL returned. */
const json_t *mg_preader_enter(mg_profile_reader *r, const json_t *obj, const char *key,
                               json_type type);

/* A required non-negative integer / finite number member. */
int mg_preader_count(mg_profile_reader *r, const json_t *obj, const char *key, uint64_t *out);
int mg_preader_number(mg_profile_reader *r, const json_t *obj, const char *key, double *out);

#endif
