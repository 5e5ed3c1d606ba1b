/*
 * json_kind.h - names a JSON value's kind for messages ("found an array").
 */
#ifndef MG_COMMON_JSON_KIND_H
#define MG_COMMON_JSON_KIND_H

#include <jansson.h>

/* "an object", "an array", "a string", "a number", "a boolean" or "null". */
const char *mg_json_kind(const json_t *v);

#endif
