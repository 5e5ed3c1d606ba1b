/*
 * error.h - the error record every mgate library function fills.
 *
 * Library code (score/, sources/, checks/, reports/) never prints and never
 * exits: a failing function returns a negative status (or NULL) and writes a
 * one-line message into a caller-supplied mg_error.  The message is already
 * in the project's shape, `FILE:LINE:COL: what is wrong`, so the front end
 * can print it as it is.  On success the record is left untouched, so a
 * caller can chain calls and test once.
 */
#ifndef MG_COMMON_ERROR_H
#define MG_COMMON_ERROR_H

#include <stddef.h>

#define MG_ERROR_MAX 1024

typedef struct mg_error {
    char msg[MG_ERROR_MAX]; /* NUL-terminated message, no trailing newline */
} mg_error;

/* Formats a message into err (err may be NULL).  Always returns -1, so a
 * caller can write `return mg_error_set(err, "...")`. */
int mg_error_set(mg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with `prefix: ` (e.g. the file name). */
void mg_error_prefix(mg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
