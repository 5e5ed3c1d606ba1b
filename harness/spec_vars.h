/*
 * spec_vars.h - `${NAME}` and `${NAME:-default}` in the gate spec's string
 * values, expanded from the environment (docs/overrides.md).
 *
 * Grammar of one string: `${NAME}` is NAME's value; `${NAME:-text}` is
 * NAME's value, or `text` when NAME is unset or empty (as in the shell);
 * `$${` is a literal `${`; any other `$` is itself.  NAME is a letter or
 * '_' followed by letters, digits or '_'; the default runs to the first '}'
 * and is not expanded again.
 */
#ifndef MG_HARNESS_SPEC_VARS_H
#define MG_HARNESS_SPEC_VARS_H

#include <stddef.h>

/* Returns NAME's value (borrowed) or NULL when it is unset. */
typedef const char *(*mg_var_lookup)(const char *name, void *ctx);

/*
 * Expands every reference in `in`.  Returns a new string, or NULL with a
 * one-line reason in err (e.g. "environment variable 'X' is not set (use
 * ${X:-default} to give a default)") for a malformed reference or an unset
 * variable without default.  lookup is called once per reference.
 */
char *mg_vars_expand(const char *in, mg_var_lookup lookup, void *ctx, char *err, size_t errsize);

/* 1 when `in` holds a reference or a `$${` escape (so expansion may change it). */
int mg_vars_present(const char *in);

#endif
