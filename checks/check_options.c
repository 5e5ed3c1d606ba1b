/*
 * check_options.c - a check's options as its code reads them: the spec's
 * value, else the default in the check's table row (checks/check.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "checks/check.h"

/* A bug in mgate, not in the spec: the code asked for an option its table
 * row does not give it. */
static void option_bug(const mg_check *c, const char *key, const char *what)
{
    fprintf(stderr, "mgate: BUG: check '%s': option '%s' %s\n", c->def->name, key, what);
    abort();
}

/* The table row of `key`, which must declare it. */
static const mg_opt_def *row_of(const mg_check *c, const char *key)
{
    const mg_opt_def *o = mg_check_option(c->def, key);
    if (!o)
        option_bug(c, key, "is not in the check's table");
    return o;
}

/* The spec's value of `key` (NULL when absent), after making sure the
 * row has a default to fall back on. */
static const json_t *given_or_default(const mg_check *c, const char *key, const mg_opt_def **row)
{
    *row = row_of(c, key);
    const json_t *v = json_object_get(c->options, key);
    if (!v && !(*row)->def.set)
        option_bug(c, key, "has no default and the spec does not give it");
    return v;
}

double mg_check_opt_number(const mg_check *c, const char *key)
{
    const mg_opt_def *row;
    const json_t *v = given_or_default(c, key, &row);
    if (json_is_boolean(v))
        return json_is_true(v);
    return json_is_number(v) ? json_number_value(v) : row->def.number;
}

uint64_t mg_check_opt_count(const mg_check *c, const char *key)
{
    const mg_opt_def *row;
    const json_t *v = given_or_default(c, key, &row);
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return (uint64_t)json_integer_value(v);
    return (uint64_t)row->def.number;
}

double mg_check_opt_seconds(const mg_check *c, const char *key)
{
    const mg_opt_def *row;
    const json_t *v = given_or_default(c, key, &row);
    double seconds;
    if (v && mg_parse_duration(v, &seconds) == 0)
        return seconds;
    return row->def.number;
}

const char *mg_check_opt_string(const mg_check *c, const char *key)
{
    const mg_opt_def *row;
    const json_t *v = given_or_default(c, key, &row);
    return json_is_string(v) ? json_string_value(v) : row->def.string;
}

int mg_check_opt_given(const mg_check *c, const char *key)
{
    row_of(c, key);
    return json_object_get(c->options, key) != NULL;
}
