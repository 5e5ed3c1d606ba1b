/*
 * profile_reader.c - positioned errors while reading a profile (see
 * profile_reader.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checks/drift/profile_reader.h"
#include "common/json_kind.h"

void mg_preader_push_key(mg_profile_reader *r, const char *key)
{
    if (r->depth < MG_JSON_PATH_MAX) {
        r->path.step[r->depth].key = key;
        r->path.step[r->depth].index = 0;
    }
    r->depth++;
    r->path.depth = r->depth < MG_JSON_PATH_MAX ? r->depth : MG_JSON_PATH_MAX;
}

void mg_preader_push_index(mg_profile_reader *r, size_t index)
{
    if (r->depth < MG_JSON_PATH_MAX) {
        r->path.step[r->depth].key = NULL;
        r->path.step[r->depth].index = index;
    }
    r->depth++;
    r->path.depth = r->depth < MG_JSON_PATH_MAX ? r->depth : MG_JSON_PATH_MAX;
}

void mg_preader_pop(mg_profile_reader *r)
{
    if (r->depth > 0)
        r->depth--;
    r->path.depth = r->depth < MG_JSON_PATH_MAX ? r->depth : MG_JSON_PATH_MAX;
}

int mg_preader_fail(mg_profile_reader *r, int at_key, const char *fmt, ...)
{
    int line = 1, col = 1;
    mg_json_locate(r->text, r->len, &r->path, at_key, &line, &col);
    char where[256] = "";
    mg_json_path_format(&r->path, where, sizeof where);
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (where[0])
        return mg_error_set(r->err, "%s:%d:%d: %s: %s", r->file, line, col, where, what);
    return mg_error_set(r->err, "%s:%d:%d: %s", r->file, line, col, what);
}

int mg_preader_keys(mg_profile_reader *r, const json_t *obj, const char *const *allowed)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t i = 0;
        while (allowed[i] && strcmp(allowed[i], key) != 0)
            i++;
        if (!allowed[i]) {
            mg_preader_push_key(r, key);
            mg_preader_fail(r, 1, "unknown key '%s' in a profile", key);
            mg_preader_pop(r);
            return -1;
        }
    }
    return 0;
}

static const char *type_name(json_type t)
{
    switch (t) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

const json_t *mg_preader_enter(mg_profile_reader *r, const json_t *obj, const char *key,
                               json_type type)
{
    const json_t *v = json_object_get(obj, key);
    if (!v) {
        mg_preader_fail(r, 0, "missing key '%s'", key);
        return NULL;
    }
    mg_preader_push_key(r, key);
    int ok = json_typeof(v) == type || (type == JSON_REAL && json_is_integer(v)) ||
             (type == JSON_TRUE && json_is_boolean(v));
    if (!ok) {
        mg_preader_fail(r, 0, "expected %s, found %s", type_name(type), mg_json_kind(v));
        mg_preader_pop(r);
        return NULL;
    }
    return v;
}

int mg_preader_count(mg_profile_reader *r, const json_t *obj, const char *key, uint64_t *out)
{
    const json_t *v = mg_preader_enter(r, obj, key, JSON_INTEGER);
    if (!v)
        return -1;
    json_int_t i = json_integer_value(v);
    if (i < 0) {
        mg_preader_fail(r, 0, "expected a count >= 0, found %lld", (long long)i);
        mg_preader_pop(r);
        return -1;
    }
    *out = (uint64_t)i;
    mg_preader_pop(r);
    return 0;
}

int mg_preader_number(mg_profile_reader *r, const json_t *obj, const char *key, double *out)
{
    const json_t *v = mg_preader_enter(r, obj, key, JSON_REAL);
    if (!v)
        return -1;
    *out = json_number_value(v);
    mg_preader_pop(r);
    if (!isfinite(*out)) {
        mg_preader_push_key(r, key);
        mg_preader_fail(r, 0, "expected a finite number");
        mg_preader_pop(r);
        return -1;
    }
    return 0;
}
