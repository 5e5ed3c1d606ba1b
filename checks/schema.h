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

/* The zone of timestamps written without one ("2025-03-01 05:18:03", as
 * pandas writes them): "time_zone" on data or on a schema field.  Without
 * it such a time names no instant and is not read. */
typedef struct mg_time_zone {
    int set;             /* 0: a timestamp must carry its own offset */
    int offset_seconds;  /* east of UTC: "+02:00" is 7200, "UTC" 0 */
} mg_time_zone;

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
    mg_time_zone time_zone; /* timestamps: the field's time_zone, else data.time_zone */
} mg_field_spec;

/* Reads v as the given type.  Returns 0 and sets *num (for number, integer,
 * boolean 0/1, timestamp as epoch seconds) or -1 with a short description of
 * what was expected in `expected` (a static string).  Timestamps are read
 * without a time zone (see mg_value_as_timestamp). */
int mg_value_as_type(const mg_value *v, mg_field_type type, double *num, const char **expected);

/* Reads v as the field's type, timestamps in the field's time zone. */
int mg_value_as_field(const mg_value *v, const mg_field_spec *fs, double *num, const char **expected);

/* Reads v as a timestamp: a number of epoch seconds (JSON number or text),
 * RFC 3339 text, or, when tz is set (tz may be NULL), one of the zone-less
 * forms of mg_parse_timestamp in that zone.  Returns 0 with *epoch, or -1
 * with `expected` (static) saying what would have been read; a zone-less
 * time without tz gets the hint to add a timezone or set "time_zone". */
int mg_value_as_timestamp(const mg_value *v, const mg_time_zone *tz, double *epoch, const char **expected);

/* mg_parse_timestamp's result for a well-formed time that has no zone when
 * no time_zone is set: the instant it names is unknown. */
#define MG_TIME_NO_ZONE (-2)

/* Parses a timestamp into epoch seconds:
 *   RFC 3339: "2024-05-01T12:00:00Z", "…+02:00", fractional seconds, a
 *   space or 't' instead of 'T', 'z' for 'Z';
 *   with tz set (tz may be NULL): "YYYY-MM-DD HH:MM:SS[.fff]",
 *   "YYYY-MM-DDTHH:MM:SS[.fff]" and "YYYY-MM-DD" (midnight), in tz.
 * Returns 0, MG_TIME_NO_ZONE for a zone-less form without tz, or -1. */
int mg_parse_timestamp(const char *s, size_t len, const mg_time_zone *tz, double *epoch);

/* RFC 3339 only: mg_parse_timestamp without a time zone; 0 or -1. */
int mg_parse_rfc3339(const char *s, size_t len, double *epoch);

/* Parses a "time_zone" value: "UTC", "Z" or a fixed offset "+HH:MM" /
 * "-HH:MM".  Named zones ("Europe/Paris") are refused: their offset moves
 * with daylight saving.  Returns 0 with *tz set, or -1. */
int mg_time_zone_parse(const char *s, mg_time_zone *tz);

/* Number of UTF-8 code points in s (invalid bytes count one each). */
size_t mg_utf8_length(const char *s, size_t len);

#endif
