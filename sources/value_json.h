/*
 * value_json.h - data values as JSON: how a row's value is written where a
 * user reads or pastes it (fixture case inputs, adversarial examples).
 */
#ifndef MG_SOURCES_VALUE_JSON_H
#define MG_SOURCES_VALUE_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "sources/row.h"

/* A JSON value for v: numbers (and text that reads as a finite number) as
 * numbers (whole ones as integers), booleans, null, text as strings; NULL
 * for an absent value.  A number that is not finite is kept as its text
 * (JSON has none).  New reference. */
json_t *mg_value_json(const mg_value *v);

/* A JSON string of len bytes of t.  Text that is not valid UTF-8 (or holds
 * a NUL) is kept visible: each such byte as the four characters "\xNN".
 * New reference, never NULL. */
json_t *mg_text_json(const char *t, size_t len);

#endif
