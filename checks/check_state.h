/*
 * check_state.h - a check's part of a sharded run's state file: the
 * framework's (examples) around the check's own save (checks/check.h).
 */
#ifndef MG_CHECKS_CHECK_STATE_H
#define MG_CHECKS_CHECK_STATE_H

#include <jansson.h>
#include <stdarg.h>

#include "checks/check.h"

/* After a shard's rows: {"check", "examples", "examples_total", "state"}. */
json_t *mg_check_state_save(const mg_check *c);
/* Adds the next shard's saved state to c (begun; earlier shards merged).
 * 0, or -1 with msg. */
int mg_check_state_merge(mg_check *c, const json_t *saved, char *msg, size_t size);

/* The text of an example at data line `line`, "FILE:LINE: FIELD: MESSAGE"
 * (FIELD: left out when NULL), as mg_check_example and the merge-time
 * example functions write it; *file and *local say where it points.
 * Returns a new string. */
char *mg_check_example_vtext(const mg_check *c, unsigned long line, const char *field, const char *fmt, va_list ap,
                             const char **file, unsigned long *local);

#endif
