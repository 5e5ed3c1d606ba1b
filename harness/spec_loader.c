/*
 * spec_loader.c - what every section of the gate spec loader uses: the
 * path to the value being read, errors positioned at it (FILE:LINE:COL, or
 * the --set argument the value came from), unknown-key reports with a
 * suggestion, and getters that check a member's kind.
 */
#include "harness/spec_loader.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checks/metrics/metrics.h"
#include "common/json_kind.h"
#include "common/suggest.h"
#include "common/xmem.h"

void push_key(loader *L, const char *key)
{
    if (L->path.depth < MG_JSON_PATH_MAX) {
        L->path.step[L->path.depth].key = key;
        L->path.step[L->path.depth].index = 0;
    }
    L->path.depth++;
}

void push_index(loader *L, size_t index)
{
    if (L->path.depth < MG_JSON_PATH_MAX) {
        L->path.step[L->path.depth].key = NULL;
        L->path.step[L->path.depth].index = index;
    }
    L->path.depth++;
}

void pop(loader *L)
{
    L->path.depth--;
}

/* 1 when the first a->depth steps of b equal a's. */
static int path_starts_with(const mg_json_path *b, const mg_json_path *a)
{
    if (a->depth > b->depth)
        return 0;
    for (size_t i = 0; i < a->depth; i++) {
        const char *ka = a->step[i].key, *kb = b->step[i].key;
        if ((ka == NULL) != (kb == NULL) || (ka ? strcmp(ka, kb) != 0 : a->step[i].index != b->step[i].index))
            return 0;
    }
    return 1;
}

/* The --set whose value holds the path p (the last such, as it wins), or
 * NULL when p's value came from the spec file. */
const mg_spec_set *set_holding(const loader *L, const mg_json_path *p)
{
    for (size_t i = L->nsets; i-- > 0;)
        if (path_starts_with(p, &L->sets[i].path))
            return &L->sets[i];
    return NULL;
}

/* The --set that created the missing key at p (p a prefix of its path). */
static const mg_spec_set *set_creating(const loader *L, const mg_json_path *p)
{
    for (size_t i = L->nsets; i-- > 0;)
        if (path_starts_with(&L->sets[i].path, p))
            return &L->sets[i];
    return NULL;
}

/* Reports an error at the current path (at its key when at_key): at its
 * FILE:LINE:COL, or naming the --set argument the value came from. */
void errorf(loader *L, int at_key, const char *fmt, ...)
{
    L->errs->total++;
    if (L->errs->count >= MG_SPEC_MAX_ERRORS)
        return;
    mg_json_path p = L->path;
    if (p.depth > MG_JSON_PATH_MAX)
        p.depth = MG_JSON_PATH_MAX;
    int line = 1, col = 1;
    int found = mg_json_locate(L->text, L->len, &p, at_key, &line, &col) == 0;
    char where[256];
    mg_json_path_format(&p, where, sizeof where);
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const mg_spec_set *set = set_holding(L, &p);
    char *msg;
    if (set && set->path.depth < p.depth)
        msg = mg_xasprintf("--set %s: %s: %s", set->arg, where, what);
    else if (set || (!found && (set = set_creating(L, &p)) != NULL))
        msg = mg_xasprintf("--set %s: %s", set->arg, what);
    else
        msg = mg_xasprintf("%s:%d:%d: %s: %s", L->file, line, col, where, what);
    L->errs->msg[L->errs->count++] = msg;
}

/* "FILE:LINE:COL: path" of the current path, for errors found after loading
 * (the text is gone by then).  Returns a new string. */
char *position_now(loader *L)
{
    mg_json_path p = L->path;
    if (p.depth > MG_JSON_PATH_MAX)
        p.depth = MG_JSON_PATH_MAX;
    int line = 1, col = 1;
    mg_json_locate(L->text, L->len, &p, 0, &line, &col);
    char where[256];
    mg_json_path_format(&p, where, sizeof where);
    return mg_xasprintf("%s:%d:%d: %s", L->file, line, col, where);
}

/* Every key of obj must be in allowed; reports the others with a suggestion. */
void check_keys(loader *L, const json_t *obj, const char *const *allowed, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], key) == 0)
                ok = 1;
        if (ok)
            continue;
        push_key(L, key);
        const char *near = mg_suggest(key, allowed);
        if (near)
            errorf(L, 1, "unknown key '%s' in %s; did you mean '%s'?", key, what, near);
        else
            errorf(L, 1, "unknown key '%s' in %s", key, what);
        pop(L);
    }
}

int enter_object(loader *L, const char *key, const json_t *v, const char *expected, const char *const *keys)
{
    push_key(L, key);
    if (!json_is_object(v)) {
        errorf(L, 0, "expected %s, found %s", expected, mg_json_kind(v));
        pop(L);
        return 0;
    }
    if (keys)
        check_keys(L, v, keys, key);
    return 1;
}

/* Getters: each reports a wrong kind at the member and returns -1; 0 when
 * the member is absent (out untouched), 1 when present and valid. */
int get_string(loader *L, const json_t *obj, const char *key, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    push_key(L, key);
    int rc = 1;
    if (!json_is_string(v)) {
        errorf(L, 0, "expected a string, found %s", mg_json_kind(v));
        rc = -1;
    } else if (json_string_length(v) == 0) {
        errorf(L, 0, "expected a non-empty string");
        rc = -1;
    } else {
        *out = json_string_value(v);
    }
    pop(L);
    return rc;
}

int get_number(loader *L, const json_t *obj, const char *key, double *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    push_key(L, key);
    int rc = 1;
    if (!json_is_number(v)) {
        errorf(L, 0, "expected a number, found %s", mg_json_kind(v));
        rc = -1;
    } else {
        *out = json_number_value(v);
    }
    pop(L);
    return rc;
}

int get_count(loader *L, const json_t *obj, const char *key, uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    push_key(L, key);
    int rc = 1;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        errorf(L, 0, "expected a whole number >= 0, found %s", json_is_integer(v) ? "a negative number" : mg_json_kind(v));
        rc = -1;
    } else {
        *out = (uint64_t)json_integer_value(v);
    }
    pop(L);
    return rc;
}

int get_bool(loader *L, const json_t *obj, const char *key, int *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    push_key(L, key);
    int rc = 1;
    if (!json_is_boolean(v)) {
        errorf(L, 0, "expected true or false, found %s", mg_json_kind(v));
        rc = -1;
    } else {
        *out = json_is_true(v);
    }
    pop(L);
    return rc;
}

/* "time_zone": "UTC", "Z" or a fixed offset.  Named zones are refused at
 * load time: their offset moves with daylight saving, and the C library's
 * tz database can only be switched process-wide (TZ/tzset).
 * Returns get_string's codes; *tz is set only when valid. */
int get_time_zone(loader *L, const json_t *obj, mg_time_zone *tz)
{
    const char *z = NULL;
    int rc = get_string(L, obj, "time_zone", &z);
    if (rc != 1)
        return rc;
    if (mg_time_zone_parse(z, tz) == 0)
        return 1;
    push_key(L, "time_zone");
    if (strchr(z, '/'))
        errorf(L, 0, "named time zone '%s' is not supported (its offset changes with daylight saving); "
                     "give \"UTC\" or a fixed offset such as \"+01:00\"", z);
    else
        errorf(L, 0, "unknown time zone '%s'; expected \"UTC\", \"Z\" or a fixed offset such as \"+02:00\" "
                     "or \"-05:30\"", z);
    pop(L);
    return -1;
}

/* Resolves the path held by member `key` of the current object: a path
 * given by --set is relative to the current folder (where the command line
 * was written), one from the spec file to the spec's folder. */
char *resolve_member(loader *L, const mg_spec *s, const char *key, const char *rel)
{
    if (key)
        push_key(L, key);
    mg_json_path p = L->path;
    if (p.depth > MG_JSON_PATH_MAX)
        p.depth = MG_JSON_PATH_MAX;
    int from_set = set_holding(L, &p) != NULL;
    if (key)
        pop(L);
    return from_set ? mg_xstrdup(rel) : mg_spec_resolve(s, rel);
}

/* "binary", "multiclass", "regression" -> mg_model_task; -1 otherwise. */
int parse_task(const char *name)
{
    for (int t = MG_TASK_REGRESSION; t <= MG_TASK_MULTICLASS; t++)
        if (strcmp(name, mg_metric_task_name((mg_model_task)t)) == 0)
            return t;
    return -1;
}
