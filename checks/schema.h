/*
 * schema.h - what the gate spec says about each data field, and how a value
 * is read as each declared type.
 */
#ifndef MG_CHECKS_SCHEMA_H
#define MG_CHECKS_SCHEMA_H

#include <stddef.h>

#include "sources/row.h"

typedef enum mg_field_type {
    MG_TYPE_ANY = 0, /* no type declared */
    MG_TYPE_NUMBER,
    MG_TYPE_INTEGER,
    MG_TYPE_STRING,
    MG_TYPE_BOOLEAN,
    MG_TYPE_TIMESTAMP /* RFC 3339 text, or seconds since the epoch */
} mg_field_type;

const char *mg_field_type_name(mg_field_type t);

typedef struct mg_field_spec {
    char *name;
    mg_field_type type;
    int required;           /* default 1: every row must have the field */
    int nullable;           /* default 0: null / empty counts as missing */
    int has_min, has_max;
    double min, max;        /* numbers; timestamps as epoch seconds */
    char **values;          /* allowed values (strings), NULL when any */
    size_t nvalues;
    int has_max_length;
    size_t max_length;      /* in characters (UTF-8 code points) */
} mg_field_spec;

/* Reads v as the given type.  Returns 0 and sets *num (for number, integer,
 * boolean 0/1, timestamp as epoch seconds) or -1 with a short description of
 * what was expected in `expected` (a static string). */
int mg_value_as_type(const mg_value *v, mg_field_type type, double *num, const char **expected);

/* Parses RFC 3339 ("2024-05-01T12:00:00Z", "…+02:00", fractional seconds,
 * a space instead of 'T') into epoch seconds.  Returns 0 or -1. */
int mg_parse_rfc3339(const char *s, size_t len, double *epoch);

/* Number of UTF-8 code points in s (invalid bytes count one each). */
size_t mg_utf8_length(const char *s, size_t len);

#endif
