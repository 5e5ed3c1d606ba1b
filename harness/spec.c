#include "harness/spec.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/metrics.h"
#include "common/json_kind.h"
#include "common/suggest.h"
#include "common/xmem.h"
#include "harness/json_locate.h"
#include "harness/spec_set.h"
#include "harness/spec_vars.h"
#include "score/model.h"

/* Loader state: the text (for positions), the current path, the errors. */
typedef struct loader {
    const char *file;
    const char *text;
    size_t len;
    mg_json_path path;
    mg_spec_errors *errs;
    const mg_spec_set *sets; /* --set changes made to the tree (docs/overrides.md) */
    size_t nsets;
} loader;

static void push_key(loader *L, const char *key)
{
    if (L->path.depth < MG_JSON_PATH_MAX) {
        L->path.step[L->path.depth].key = key;
        L->path.step[L->path.depth].index = 0;
    }
    L->path.depth++;
}

static void push_index(loader *L, size_t index)
{
    if (L->path.depth < MG_JSON_PATH_MAX) {
        L->path.step[L->path.depth].key = NULL;
        L->path.step[L->path.depth].index = index;
    }
    L->path.depth++;
}

static void pop(loader *L)
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
static const mg_spec_set *set_holding(const loader *L, const mg_json_path *p)
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
static void errorf(loader *L, int at_key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errorf(loader *L, int at_key, const char *fmt, ...)
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
static char *position_now(loader *L)
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
static void check_keys(loader *L, const json_t *obj, const char *const *allowed, const char *what)
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

/* Getters: each reports a wrong kind at the member and returns -1; 0 when
 * the member is absent (out untouched), 1 when present and valid. */
static int get_string(loader *L, const json_t *obj, const char *key, const char **out)
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

static int get_number(loader *L, const json_t *obj, const char *key, double *out)
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

static int get_count(loader *L, const json_t *obj, const char *key, uint64_t *out)
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

static int get_bool(loader *L, const json_t *obj, const char *key, int *out)
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

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mg_xstrdup(".");
    if (slash == path)
        return mg_xstrdup("/");
    return mg_xstrndup(path, (size_t)(slash - path));
}

char *mg_spec_resolve(const mg_spec *spec, const char *rel)
{
    if (rel[0] == '/' || strcmp(spec->dir, ".") == 0)
        return mg_xstrdup(rel);
    return mg_xasprintf("%s/%s", spec->dir, rel);
}

/* "time_zone": "UTC", "Z" or a fixed offset.  Named zones are refused at
 * load time: their offset moves with daylight saving, and the C library's
 * tz database can only be switched process-wide (TZ/tzset).
 * Returns get_string's codes; *tz is set only when valid. */
static int get_time_zone(loader *L, const json_t *obj, mg_time_zone *tz)
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
static char *resolve_member(loader *L, const mg_spec *s, const char *key, const char *rel)
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

/* ---- sections ---------------------------------------------------------- */

/* "binary", "multiclass", "regression" -> mg_model_task; -1 otherwise. */
static int parse_task(const char *name)
{
    for (int t = MG_TASK_REGRESSION; t <= MG_TASK_MULTICLASS; t++)
        if (strcmp(name, mg_metric_task_name((mg_model_task)t)) == 0)
            return t;
    return -1;
}

/* data.task and data.positive_label: how the labels and scores are read. */
static void load_data_task(loader *L, mg_spec *s, const json_t *data)
{
    const char *task = NULL;
    if (get_string(L, data, "task", &task) == 1) {
        s->task = parse_task(task);
        s->task_given = s->task >= 0;
        if (s->task < 0) {
            push_key(L, "task");
            errorf(L, 0, "unknown task '%s'; expected \"binary\", \"multiclass\" or \"regression\"", task);
            pop(L);
        }
    }
    const json_t *pos = json_object_get(data, "positive_label");
    if (!pos)
        return;
    push_key(L, "positive_label");
    if (json_is_string(pos) && json_string_length(pos) > 0)
        s->positive_label = mg_xstrdup(json_string_value(pos));
    else if (json_is_integer(pos))
        s->positive_label = mg_xasprintf("%lld", (long long)json_integer_value(pos));
    else if (json_is_real(pos))
        s->positive_label = mg_xasprintf("%.17g", json_real_value(pos));
    else
        errorf(L, 0, "expected the label of the positive class, a string or a number, found %s", mg_json_kind(pos));
    if (s->positive_label && s->task_given && s->task != MG_TASK_BINARY)
        errorf(L, 1, "positive_label applies to binary labels; data.task is '%s'", task);
    pop(L);
}

static void load_data(loader *L, mg_spec *s, const json_t *data)
{
    static const char *const keys[] = {"path", "format", "delimiter", "label", "id", "time", "key",
                                       "prediction", "baseline_prediction", "time_zone", "task",
                                       "positive_label", NULL};
    push_key(L, "data");
    if (!json_is_object(data)) {
        errorf(L, 0, "expected an object with at least \"path\", found %s", mg_json_kind(data));
        pop(L);
        return;
    }
    check_keys(L, data, keys, "data");
    const char *path = NULL;
    if (get_string(L, data, "path", &path) == 1)
        /* "-" is standard input (sources/source.h), not a file beside the spec. */
        s->data_path = strcmp(path, "-") == 0 ? mg_xstrdup(path) : resolve_member(L, s, "path", path);
    else if (!json_object_get(data, "path"))
        errorf(L, 0, "missing \"path\": the data file to check, relative to the spec");
    const char *format = NULL;
    if (get_string(L, data, "format", &format) == 1) {
        if (strcmp(format, "csv") == 0)
            s->format = MG_FORMAT_CSV;
        else if (strcmp(format, "jsonl") == 0)
            s->format = MG_FORMAT_JSONL;
        else {
            push_key(L, "format");
            errorf(L, 0, "unknown format '%s'; expected \"csv\" or \"jsonl\"", format);
            pop(L);
        }
    } else if (s->data_path && mg_format_from_path(s->data_path) == MG_FORMAT_AUTO) {
        errorf(L, 0, "cannot tell the format of '%s' from its extension; add \"format\": \"csv\" or \"jsonl\"",
               path);
    }
    const char *delim = NULL;
    if (get_string(L, data, "delimiter", &delim) == 1) {
        if (strcmp(delim, "\\t") == 0 || strcmp(delim, "tab") == 0)
            s->delimiter = '\t';
        else if (strlen(delim) == 1 && delim[0] != '"' && delim[0] != '\n' && delim[0] != '\r')
            s->delimiter = delim[0];
        else {
            push_key(L, "delimiter");
            errorf(L, 0, "expected one character (or \"tab\"), found '%s'", delim);
            pop(L);
        }
    }
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        const char *col = NULL;
        if (get_string(L, data, mg_role_name((mg_role)r), &col) == 1)
            s->roles[r] = mg_xstrdup(col);
    }
    get_time_zone(L, data, &s->time_zone);
    load_data_task(L, s, data);
    pop(L);
}

static mg_field_type parse_type(const char *t)
{
    static const struct { const char *name; mg_field_type type; } types[] = {
        {"number", MG_TYPE_NUMBER}, {"integer", MG_TYPE_INTEGER}, {"string", MG_TYPE_STRING},
        {"boolean", MG_TYPE_BOOLEAN}, {"timestamp", MG_TYPE_TIMESTAMP}, {"any", MG_TYPE_ANY},
    };
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (strcmp(types[i].name, t) == 0)
            return types[i].type;
    return (mg_field_type)-1;
}

/* min/max: numbers, or timestamp strings (read in the field's time zone)
 * for timestamp fields. */
static int get_bound(loader *L, const json_t *f, const char *key, const mg_field_spec *fs, double *out)
{
    const json_t *v = json_object_get(f, key);
    if (!v)
        return 0;
    push_key(L, key);
    int rc = 1;
    int ts = fs->type == MG_TYPE_TIMESTAMP;
    int parsed = ts && json_is_string(v)
                     ? mg_parse_timestamp(json_string_value(v), json_string_length(v), &fs->time_zone, out)
                     : -1;
    if (json_is_number(v)) {
        *out = json_number_value(v);
    } else if (parsed == 0) {
        /* parsed */
    } else if (parsed == MG_TIME_NO_ZONE) {
        errorf(L, 0, "found '%s', which has no timezone; add one (e.g. \"2026-01-01T00:00:00Z\") or set "
                     "\"time_zone\" on the field or on data", json_string_value(v));
        rc = -1;
    } else if (ts && json_is_string(v)) {
        errorf(L, 0, "expected a number or an RFC 3339 timestamp such as \"2026-01-01T00:00:00Z\", found '%s'",
               json_string_value(v));
        rc = -1;
    } else {
        errorf(L, 0, "expected a number%s, found %s", ts ? " or an RFC 3339 timestamp" : "", mg_json_kind(v));
        rc = -1;
    }
    pop(L);
    return rc;
}

static void load_field(loader *L, mg_field_spec *fs, const char *name, const json_t *f)
{
    static const char *const keys[] = {"type", "required", "nullable", "min", "max", "values",
                                       "max_length", "description", "time_zone", NULL};
    fs->name = mg_xstrdup(name);
    fs->required = 1;
    if (!json_is_object(f)) {
        errorf(L, 0, "expected an object such as {\"type\": \"number\"}, found %s", mg_json_kind(f));
        return;
    }
    check_keys(L, f, keys, "a schema field");
    const char *type = NULL;
    if (get_string(L, f, "type", &type) == 1) {
        fs->type = parse_type(type);
        if ((int)fs->type < 0) {
            static const char *const names[] = {"number", "integer", "string", "boolean", "timestamp", "any", NULL};
            const char *near = mg_suggest(type, names);
            push_key(L, "type");
            errorf(L, 0, "unknown type '%s'%s%s%s; expected number, integer, string, boolean, timestamp or any",
                   type, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
            pop(L);
            fs->type = MG_TYPE_ANY;
        }
    }
    get_bool(L, f, "required", &fs->required);
    get_bool(L, f, "nullable", &fs->nullable);
    /* Before min/max, which are read in the field's zone. */
    if (get_time_zone(L, f, &fs->time_zone) == 1 && fs->type != MG_TYPE_TIMESTAMP) {
        push_key(L, "time_zone");
        errorf(L, 1, "time_zone applies to timestamp fields, not %s; add \"type\": \"timestamp\"",
               mg_field_type_name(fs->type));
        pop(L);
    }
    fs->has_min = get_bound(L, f, "min", fs, &fs->min) == 1;
    fs->has_max = get_bound(L, f, "max", fs, &fs->max) == 1;
    if (fs->has_min && fs->has_max && fs->min > fs->max) {
        push_key(L, "max");
        errorf(L, 0, "max %.17g is below min %.17g", fs->max, fs->min);
        pop(L);
    }
    if ((fs->has_min || fs->has_max) && (fs->type == MG_TYPE_STRING || fs->type == MG_TYPE_BOOLEAN)) {
        push_key(L, fs->has_min ? "min" : "max");
        errorf(L, 1, "min/max apply to number, integer and timestamp fields, not %s; use values or max_length",
               mg_field_type_name(fs->type));
        pop(L);
    }
    uint64_t ml = 0;
    if (get_count(L, f, "max_length", &ml) == 1) {
        fs->has_max_length = 1;
        fs->max_length = (size_t)ml;
    }
    const json_t *vals = json_object_get(f, "values");
    if (vals) {
        push_key(L, "values");
        if (!json_is_array(vals) || json_array_size(vals) == 0) {
            errorf(L, 0, "expected a non-empty list of allowed values, found %s", mg_json_kind(vals));
        } else {
            fs->values = mg_xcalloc(json_array_size(vals), sizeof *fs->values);
            for (size_t i = 0; i < json_array_size(vals); i++) {
                const json_t *v = json_array_get(vals, i);
                if (json_is_string(v))
                    fs->values[fs->nvalues++] = mg_xstrdup(json_string_value(v));
                else if (json_is_integer(v))
                    fs->values[fs->nvalues++] = mg_xasprintf("%lld", (long long)json_integer_value(v));
                else if (json_is_real(v))
                    fs->values[fs->nvalues++] = mg_xasprintf("%.17g", json_real_value(v));
                else {
                    push_index(L, i);
                    errorf(L, 0, "expected a string or number, found %s", mg_json_kind(v));
                    pop(L);
                }
            }
        }
        pop(L);
    }
}

static void load_schema(loader *L, mg_spec *s, const json_t *schema)
{
    push_key(L, "schema");
    if (!json_is_object(schema)) {
        errorf(L, 0, "expected an object mapping field names to their rules, found %s", mg_json_kind(schema));
        pop(L);
        return;
    }
    s->fields = mg_xcalloc(json_object_size(schema) + 1, sizeof *s->fields);
    const char *name;
    json_t *f;
    json_object_foreach((json_t *)schema, name, f) {
        push_key(L, name);
        s->fields[s->nfields].time_zone = s->time_zone; /* data.time_zone unless the field says */
        load_field(L, &s->fields[s->nfields++], name, f);
        pop(L);
    }
    pop(L);
}

static void load_limits(loader *L, mg_spec *s, const json_t *limits)
{
    static const char *const keys[] = {"max_field_bytes", "max_row_bytes", "max_columns",
                                       "max_rows", "max_file_bytes", "min_rows", NULL};
    push_key(L, "limits");
    if (!json_is_object(limits)) {
        errorf(L, 0, "expected an object, found %s", mg_json_kind(limits));
        pop(L);
        return;
    }
    check_keys(L, limits, keys, "limits");
    uint64_t v;
    if (get_count(L, limits, "max_field_bytes", &v) == 1)
        s->limits.max_field_bytes = (size_t)v;
    if (get_count(L, limits, "max_row_bytes", &v) == 1)
        s->limits.max_row_bytes = (size_t)v;
    if (get_count(L, limits, "max_columns", &v) == 1)
        s->limits.max_columns = (size_t)v;
    if (get_count(L, limits, "max_rows", &v) == 1)
        s->limits.max_rows = v;
    if (get_count(L, limits, "max_file_bytes", &v) == 1)
        s->limits.max_file_bytes = v;
    if (get_count(L, limits, "min_rows", &v) == 1)
        s->limits.min_rows = v;
    pop(L);
}

static int opt_allowed(const mg_opt_def *defs, const char *key, const mg_opt_def **out)
{
    for (size_t i = 0; defs[i].key; i++)
        if (strcmp(defs[i].key, key) == 0) {
            *out = &defs[i];
            return 1;
        }
    return 0;
}

static void check_option_value(loader *L, const mg_opt_def *def, const json_t *v)
{
    double d;
    switch (def->kind) {
    case MG_OPT_NUMBER:
        if (!json_is_number(v))
            errorf(L, 0, "expected a number, found %s", mg_json_kind(v));
        break;
    case MG_OPT_COUNT:
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            errorf(L, 0, "expected a whole number >= 0, found %s", mg_json_kind(v));
        break;
    case MG_OPT_RATE:
        if (!json_is_number(v) || !(json_number_value(v) >= 0 && json_number_value(v) <= 1))
            errorf(L, 0, "expected a rate between 0 and 1 (e.g. 0.01 for 1%%), found %s",
                   json_is_number(v) ? "a number outside [0, 1]" : mg_json_kind(v));
        break;
    case MG_OPT_STRING:
        if (!json_is_string(v))
            errorf(L, 0, "expected a string, found %s", mg_json_kind(v));
        break;
    case MG_OPT_STRINGS:
        if (json_is_array(v) && json_array_size(v) > 0) {
            for (size_t i = 0; i < json_array_size(v); i++)
                if (!json_is_string(json_array_get(v, i))) {
                    push_index(L, i);
                    errorf(L, 0, "expected a column name, found %s", mg_json_kind(json_array_get(v, i)));
                    pop(L);
                }
        } else if (!json_is_string(v)) {
            errorf(L, 0, "expected a column name or a list of them, found %s", mg_json_kind(v));
        }
        break;
    case MG_OPT_DURATION:
        if (mg_parse_duration(v, &d) != 0)
            errorf(L, 0, "expected a duration: seconds, or a string such as \"90s\", \"5m\", \"2h\", \"1d\"");
        break;
    case MG_OPT_BOOL:
        if (!json_is_boolean(v))
            errorf(L, 0, "expected true or false, found %s", mg_json_kind(v));
        break;
    case MG_OPT_OBJECT:
        if (!json_is_object(v))
            errorf(L, 0, "expected an object, found %s", mg_json_kind(v));
        break;
    case MG_OPT_CUSTOM:
        break;
    }
}

static void load_check(loader *L, mg_spec *s, const json_t *c, mg_check_spec *cs)
{
    if (!json_is_object(c)) {
        errorf(L, 0, "expected an object such as {\"check\": \"missing\"}, found %s", mg_json_kind(c));
        return;
    }
    const char *type = NULL;
    if (get_string(L, c, "check", &type) != 1) {
        if (!json_object_get(c, "check"))
            errorf(L, 0, "missing \"check\": the check type (one of %s, ...)", mg_check_names()[0]);
        return;
    }
    cs->def = mg_check_find(type);
    if (!cs->def) {
        const char *near = mg_suggest(type, mg_check_names());
        push_key(L, "check");
        if (near)
            errorf(L, 0, "unknown check '%s'; did you mean '%s'?", type, near);
        else
            errorf(L, 0, "unknown check '%s'; see 'mgate help run' for the check types", type);
        pop(L);
        return;
    }
    cs->options = c;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)c, key, v) {
        const mg_opt_def *def = NULL;
        if (!opt_allowed(mg_common_options, key, &def) && !opt_allowed(cs->def->options, key, &def)) {
            const char *all[32];
            size_t n = 0;
            for (size_t i = 0; mg_common_options[i].key && n < 31; i++)
                all[n++] = mg_common_options[i].key;
            for (size_t i = 0; cs->def->options[i].key && n < 31; i++)
                all[n++] = cs->def->options[i].key;
            all[n] = NULL;
            const char *near = mg_suggest(key, all);
            push_key(L, key);
            if (near)
                errorf(L, 1, "unknown option '%s' for check '%s'; did you mean '%s'?", key, type, near);
            else
                errorf(L, 1, "unknown option '%s' for check '%s'", key, type);
            pop(L);
            continue;
        }
        push_key(L, key);
        check_option_value(L, def, v);
        pop(L);
    }
    char msg[512];
    const char *bad_key = NULL;
    if (cs->def->validate && cs->def->validate(c, &bad_key, msg, sizeof msg) != 0) {
        if (bad_key)
            push_key(L, bad_key);
        errorf(L, 0, "%s", msg);
        if (bad_key)
            pop(L);
    }
    const char *name = NULL;
    get_string(L, c, "name", &name);
    /* A metric check is named after its metric unless named. */
    const json_t *metric = json_object_get(c, "metric");
    if (!name && json_is_string(metric))
        name = json_string_value(metric);
    cs->name = mg_xstrdup(name ? name : type);
    cs->has_max_count = json_is_integer(json_object_get(c, "max_count")) &&
                        json_integer_value(json_object_get(c, "max_count")) >= 0;
    if (cs->has_max_count)
        cs->max_count = (uint64_t)json_integer_value(json_object_get(c, "max_count"));
    const json_t *mr = json_object_get(c, "max_rate");
    cs->has_max_rate = json_is_number(mr) && json_number_value(mr) >= 0 && json_number_value(mr) <= 1;
    if (cs->has_max_rate)
        cs->max_rate = json_number_value(mr);
    if ((cs->def->needs & MG_NEEDS_TIME) && !s->roles[MG_ROLE_TIME])
        errorf(L, 0, "check '%s' needs the time column: set data.time", type);
    if ((cs->def->needs & MG_NEEDS_SCORES) && !s->roles[MG_ROLE_PREDICTION] &&
        !json_object_get(s->root, "model"))
        errorf(L, 0, "check '%s' needs scores: give a \"model\" or set data.prediction", type);
    if ((cs->def->needs & MG_NEEDS_CHAMPION) && !s->roles[MG_ROLE_BASELINE_PREDICTION] &&
        !json_object_get(s->root, "baseline_model"))
        errorf(L, 0, "check '%s' needs a champion to compare with: give \"baseline_model\" or set "
                     "data.baseline_prediction", type);
    if ((cs->def->needs & MG_NEEDS_LABEL) && !s->roles[MG_ROLE_LABEL])
        errorf(L, 0, "check '%s' needs the label column: set data.label", type);
    if ((cs->def->needs & MG_NEEDS_SCHEMA) && s->nfields == 0)
        errorf(L, 0, "check '%s' needs a schema: add a \"schema\" section", type);
}

static void add_implicit(mg_spec *s, const char *type)
{
    for (size_t i = 0; i < s->nchecks; i++)
        if (s->checks[i].def && strcmp(s->checks[i].def->name, type) == 0)
            return;
    mg_check_spec *cs = &s->checks[s->nchecks++];
    memset(cs, 0, sizeof *cs);
    cs->def = mg_check_find(type);
    cs->name = mg_xstrdup(type);
    cs->implicit = 1;
}

static void load_checks(loader *L, mg_spec *s, const json_t *checks)
{
    size_t n = checks && json_is_array(checks) ? json_array_size(checks) : 0;
    /* Room for the listed checks plus every type added by default. */
    s->checks = mg_xcalloc(n + 16, sizeof *s->checks);
    if (checks) {
        push_key(L, "checks");
        if (!json_is_array(checks)) {
            errorf(L, 0, "expected a list of checks, found %s", mg_json_kind(checks));
        } else {
            for (size_t i = 0; i < n; i++) {
                push_index(L, i);
                mg_check_spec *cs = &s->checks[s->nchecks];
                load_check(L, s, json_array_get(checks, i), cs);
                if (cs->def) {
                    for (size_t j = 0; j < s->nchecks; j++)
                        if (s->checks[j].def && strcmp(s->checks[j].name, cs->name) == 0 &&
                            strcmp(s->checks[j].def->group, cs->def->group) == 0) {
                            errorf(L, 0, "a check named '%s' is already listed; give this one a distinct \"name\"",
                                   cs->name);
                            break;
                        }
                    s->nchecks++;
                } else {
                    free(cs->name);
                    memset(cs, 0, sizeof *cs);
                }
                pop(L);
            }
        }
        pop(L);
    } else {
        /* No list: every data check the spec has what it needs for. */
        if (s->nfields) {
            add_implicit(s, "missing");
            add_implicit(s, "types");
            add_implicit(s, "ranges");
        }
        if (s->roles[MG_ROLE_TIME])
            add_implicit(s, "order");
        if (s->roles[MG_ROLE_ID] || (s->roles[MG_ROLE_KEY] && s->roles[MG_ROLE_TIME]))
            add_implicit(s, "duplicates");
    }
    /* A gate with metric checks reports every metric of the task too. */
    for (size_t i = 0; i < s->nchecks; i++)
        if (s->checks[i].def && strcmp(s->checks[i].def->name, "metric") == 0) {
            add_implicit(s, "all_metrics");
            break;
        }
    /* Malformed and oversized input never passes silently. */
    add_implicit(s, "format");
    add_implicit(s, "limits");
}

/* The tasks a metric name applies to, as a bit set (1 << task). */
static unsigned metric_tasks(const char *name)
{
    unsigned set = 0;
    for (size_t i = 0; i < mg_metric_count(); i++)
        if (strcmp(mg_metric_at(i)->name, name) == 0)
            set |= 1u << mg_metric_at(i)->task;
    return set;
}

/* "binary", or "binary or multiclass": the tasks of a bit set. */
static void describe_tasks(unsigned set, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int t = MG_TASK_REGRESSION; t <= MG_TASK_MULTICLASS && used < size; t++)
        if (set & (1u << t))
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " or " : "",
                                     mg_metric_task_name((mg_model_task)t));
}

/* Narrows the possible tasks by one listed check's metric or task option;
 * a check that leaves no task is an error at its option.  why says what
 * narrowed them so far. */
static void narrow_task(loader *L, const json_t *c, unsigned *allowed, char *why, size_t size)
{
    const char *type = json_string_value(json_object_get(c, "check"));
    int is_metric = type && strcmp(type, "metric") == 0;
    const char *key = is_metric ? "metric" : type && strcmp(type, "all_metrics") == 0 ? "task" : NULL;
    const char *value = key ? json_string_value(json_object_get(c, key)) : NULL;
    unsigned set = !value ? 0 : is_metric ? metric_tasks(value) : parse_task(value) >= 0 ? 1u << parse_task(value) : 0;
    if (!set || (set & *allowed) == *allowed)
        return; /* says nothing new; an invalid value is reported by the check's validation */
    char tasks[64];
    push_key(L, key);
    if (!(set & *allowed)) {
        describe_tasks(set, tasks, sizeof tasks);
        errorf(L, 0, "'%s' is a %s %s, but %s: a gate judges one task", value, tasks, is_metric ? "metric" : "task",
               why);
    } else {
        *allowed &= set;
        describe_tasks(*allowed, tasks, sizeof tasks);
        snprintf(why, size, "%s '%s' makes the task %s", is_metric ? "metric" : "all_metrics task", value, tasks);
    }
    pop(L);
}

/* Resolves spec->task: data.task when given, else what the listed checks
 * say (all_metrics' "task", metric names that apply to one task only).
 * Checks that contradict each other or data.task are errors at their key. */
static void resolve_task(loader *L, mg_spec *s, const json_t *checks)
{
    unsigned all = (1u << MG_TASK_REGRESSION) | (1u << MG_TASK_BINARY) | (1u << MG_TASK_MULTICLASS);
    unsigned allowed = s->task_given ? 1u << s->task : all;
    char why[160];
    snprintf(why, sizeof why, "data.task is '%s'", s->task_given ? mg_metric_task_name((mg_model_task)s->task) : "?");
    if (json_is_array(checks)) {
        push_key(L, "checks");
        for (size_t i = 0; i < json_array_size(checks); i++) {
            push_index(L, i);
            if (json_is_object(json_array_get(checks, i)))
                narrow_task(L, json_array_get(checks, i), &allowed, why, sizeof why);
            pop(L);
        }
        pop(L);
    }
    if (s->task_given)
        return;
    s->task = -1;
    for (int t = MG_TASK_REGRESSION; t <= MG_TASK_MULTICLASS; t++)
        if (allowed == 1u << t)
            s->task = t;
    if (s->positive_label && !(allowed & (1u << MG_TASK_BINARY))) {
        push_key(L, "data");
        push_key(L, "positive_label");
        errorf(L, 1, "positive_label applies to binary labels, but %s", why);
        pop(L);
        pop(L);
    }
}

static void load_reports(loader *L, mg_spec *s, const json_t *reports)
{
    static const char *const keys[] = {"junit", "json", "summary", "html", "examples", "junit_prefix",
                                       "annotations", NULL};
    push_key(L, "reports");
    if (!json_is_object(reports)) {
        errorf(L, 0, "expected an object, found %s", mg_json_kind(reports));
        pop(L);
        return;
    }
    check_keys(L, reports, keys, "reports");
    const char *p = NULL;
    if (get_string(L, reports, "junit", &p) == 1)
        s->junit_path = resolve_member(L, s, "junit", p);
    p = NULL;
    if (get_string(L, reports, "json", &p) == 1)
        s->json_path = resolve_member(L, s, "json", p);
    p = NULL;
    if (get_string(L, reports, "summary", &p) == 1)
        s->summary_path = resolve_member(L, s, "summary", p);
    p = NULL;
    if (get_string(L, reports, "html", &p) == 1)
        s->html_path = resolve_member(L, s, "html", p);
    uint64_t ex;
    if (get_count(L, reports, "examples", &ex) == 1)
        s->examples = ex > 1000 ? 1000 : (size_t)ex;
    /* junit_prefix "" is allowed: it gives the bare "mgate.GROUP" classnames. */
    const json_t *prefix = json_object_get(reports, "junit_prefix");
    p = NULL;
    if (json_is_string(prefix) && json_string_length(prefix) == 0)
        s->junit_prefix = mg_xstrdup("");
    else if (get_string(L, reports, "junit_prefix", &p) == 1)
        s->junit_prefix = mg_xstrdup(p);
    if (get_count(L, reports, "annotations", &ex) == 1)
        s->annotations = ex > 1000 ? 1000 : (size_t)ex;
    pop(L);
}

/* "features": a list of distinct column names, one per model feature.  Their
 * count and presence in the data are checked when the run opens both. */
static void load_model_features(loader *L, const json_t *list, mg_model_ref *ref)
{
    push_key(L, "features");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        errorf(L, 0, "expected the data column of each model feature, in the model's order, e.g. [\"age\", \"income\"]");
        pop(L);
        return;
    }
    size_t n = json_array_size(list);
    ref->features = mg_xcalloc(n + 1, sizeof *ref->features);
    ref->feature_at = mg_xcalloc(n + 1, sizeof *ref->feature_at);
    ref->nfeatures = n;
    ref->features_at = position_now(L);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        push_index(L, i);
        ref->feature_at[i] = position_now(L);
        if (!json_is_string(v) || json_string_length(v) == 0) {
            errorf(L, 0, "expected a column name, found %s", json_is_string(v) ? "an empty string" : mg_json_kind(v));
            ref->features[i] = mg_xstrdup("");
        } else {
            ref->features[i] = mg_xstrdup(json_string_value(v));
            for (size_t j = 0; j < i; j++)
                if (strcmp(ref->features[j], ref->features[i]) == 0)
                    errorf(L, 0, "column '%s' is named twice (also at [%zu]): each feature needs its own column",
                           ref->features[i], j);
        }
        pop(L);
    }
    pop(L);
}

static void load_model(loader *L, mg_spec *s, const json_t *model, const char *section, mg_model_ref *ref)
{
    static const char *const keys[] = {"path", "format", "command", "timeout", "batch_size", "features", NULL};
    push_key(L, section);
    if (json_is_string(model)) {
        ref->path = resolve_member(L, s, NULL, json_string_value(model));
        pop(L);
        return;
    }
    if (!json_is_object(model)) {
        errorf(L, 0, "expected a model path or an object with \"path\" or \"command\", found %s",
               mg_json_kind(model));
        pop(L);
        return;
    }
    check_keys(L, model, keys, section);
    const char *p = NULL;
    if (get_string(L, model, "path", &p) == 1)
        ref->path = resolve_member(L, s, "path", p);
    const char *f = NULL;
    if (get_string(L, model, "format", &f) == 1) {
        if (mg_model_format_parse(f) == MG_MODEL_AUTO) {
            push_key(L, "format");
            errorf(L, 0, "unknown model format '%s'; expected \"xgboost\", \"linear\" or \"pmml\"", f);
            pop(L);
        } else {
            ref->format = mg_xstrdup(f);
        }
    }
    const json_t *cmd = json_object_get(model, "command");
    if (cmd) {
        push_key(L, "command");
        if (!json_is_array(cmd) || json_array_size(cmd) == 0) {
            errorf(L, 0, "expected the scorer's argv as a list of strings, e.g. [\"python3\", \"score.py\"]");
        } else {
            size_t n = json_array_size(cmd);
            ref->command = mg_xcalloc(n + 1, sizeof *ref->command);
            for (size_t i = 0; i < n; i++) {
                const json_t *a = json_array_get(cmd, i);
                if (!json_is_string(a)) {
                    push_index(L, i);
                    errorf(L, 0, "expected a string, found %s", mg_json_kind(a));
                    pop(L);
                    ref->command[i] = mg_xstrdup("");
                } else {
                    ref->command[i] = mg_xstrdup(json_string_value(a));
                }
            }
        }
        pop(L);
    }
    if (ref->path && ref->command)
        errorf(L, 0, "give either \"path\" or \"command\", not both");
    if (!ref->path && !ref->command && !json_object_get(model, "path") && !cmd)
        errorf(L, 0, "missing \"path\" (a model file) or \"command\" (an external scorer)");
    double t;
    if (get_number(L, model, "timeout", &t) == 1) {
        if (!(t > 0)) {
            push_key(L, "timeout");
            errorf(L, 0, "expected a positive number of seconds");
            pop(L);
        }
        ref->timeout_seconds = t;
    }
    uint64_t b;
    if (get_count(L, model, "batch_size", &b) == 1)
        ref->batch_size = (size_t)b;
    if (json_object_get(model, "features"))
        load_model_features(L, json_object_get(model, "features"), ref);
    pop(L);
}

static void load_baseline(loader *L, mg_spec *s, const json_t *b)
{
    static const char *const keys[] = {"path", "on_mismatch", NULL};
    push_key(L, "baseline");
    if (json_is_string(b)) {
        s->baseline_path = resolve_member(L, s, NULL, json_string_value(b));
    } else if (json_is_object(b)) {
        check_keys(L, b, keys, "baseline");
        const char *p = NULL;
        if (get_string(L, b, "path", &p) == 1)
            s->baseline_path = resolve_member(L, s, "path", p);
        else if (!json_object_get(b, "path"))
            errorf(L, 0, "missing \"path\": the baseline file written by 'mgate baseline'");
        const char *m = NULL;
        if (get_string(L, b, "on_mismatch", &m) == 1) {
            if (strcmp(m, "warn") == 0)
                s->baseline_mismatch_warns = 1;
            else if (strcmp(m, "error") != 0) {
                push_key(L, "on_mismatch");
                errorf(L, 0, "expected \"error\" or \"warn\", found '%s'", m);
                pop(L);
            }
        }
    } else {
        errorf(L, 0, "expected a baseline path or {\"path\": ..., \"on_mismatch\": \"error\"|\"warn\"}, found %s",
               mg_json_kind(b));
    }
    pop(L);
}

/* ---- entry points -------------------------------------------------------- */

static void add_error(mg_spec_errors *errs, char *msg)
{
    errs->msg[errs->count++] = msg;
    errs->total++;
}

/*
 * Reads the whole spec into a new NUL-terminated buffer.  A regular file's
 * size is known first, so the buffer is what it needs and an oversize spec
 * is refused unread; a pipe or FIFO grows the buffer as it is read, up to
 * the same maximum.
 */
static char *read_file(const char *path, size_t *len, mg_spec_errors *errs)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        add_error(errs, mg_xasprintf("%s: cannot open the gate spec: %s", path, strerror(errno)));
        return NULL;
    }
    struct stat st;
    int regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && (uintmax_t)st.st_size > MG_SPEC_MAX_BYTES) {
        fclose(fp);
        add_error(errs, mg_xasprintf("%s: the spec is %jd bytes, more than the %u MiB maximum", path,
                                     (intmax_t)st.st_size, MG_SPEC_MAX_BYTES >> 20));
        return NULL;
    }
    /* +1: a regular file that grew since fstat is still read to its end. */
    size_t cap = regular ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = mg_xmalloc(cap + 1);
    for (;;) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap || n > MG_SPEC_MAX_BYTES)
            break;
        cap = cap * 2 > MG_SPEC_MAX_BYTES + 1 ? MG_SPEC_MAX_BYTES + 1 : cap * 2;
        buf = mg_xrealloc(buf, cap + 1);
    }
    int bad = ferror(fp);
    int read_errno = errno;
    fclose(fp);
    if (bad || n > MG_SPEC_MAX_BYTES) {
        free(buf);
        if (bad)
            add_error(errs, mg_xasprintf("%s: cannot read the gate spec: %s", path, strerror(read_errno)));
        else
            add_error(errs, mg_xasprintf("%s: the spec is more than the %u MiB maximum", path,
                                         MG_SPEC_MAX_BYTES >> 20));
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void mg_limits_defaults(mg_limits *limits)
{
    memset(limits, 0, sizeof *limits);
    limits->max_field_bytes = 1u << 20;
    limits->max_row_bytes = 16u << 20;
    limits->max_columns = 10000;
    limits->min_rows = 1; /* a gate over no data must not pass */
}

/* Environment lookup for the expander; records each name used once. */
static const char *env_lookup(const char *name, void *ctx)
{
    mg_spec *s = ctx;
    for (size_t i = 0; i < s->nvariables; i++)
        if (strcmp(s->variables[i], name) == 0)
            return getenv(name);
    s->variables = mg_xrealloc(s->variables, (s->nvariables + 1) * sizeof *s->variables);
    s->variables[s->nvariables++] = mg_xstrdup(name);
    return getenv(name);
}

/* Expands ${NAME} in every string value under v (keys are left alone),
 * except in values given by --set (the shell has expanded those). */
static void expand_tree(loader *L, mg_spec *s, json_t *v)
{
    mg_json_path here = L->path;
    if (here.depth > MG_JSON_PATH_MAX)
        here.depth = MG_JSON_PATH_MAX;
    if (set_holding(L, &here))
        return;
    if (json_is_string(v) && mg_vars_present(json_string_value(v))) {
        char why[300];
        char *out = mg_vars_expand(json_string_value(v), env_lookup, s, why, sizeof why);
        if (!out)
            errorf(L, 0, "%s", why);
        else if (json_string_set(v, out) != 0)
            errorf(L, 0, "the expanded value is not valid UTF-8");
        free(out);
    } else if (json_is_object(v)) {
        const char *key;
        json_t *member;
        json_object_foreach(v, key, member) {
            push_key(L, key);
            expand_tree(L, s, member);
            pop(L);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            push_index(L, i);
            expand_tree(L, s, json_array_get(v, i));
            pop(L);
        }
    }
}

/* Parses and applies the --set arguments to s->root; keeps them in L for
 * error positions and in s->overrides for the reports.  Returns 0 or -1. */
static int apply_sets(loader *L, mg_spec *s, const char *const *args, size_t nargs, mg_spec_set *sets)
{
    int bad = 0;
    for (size_t i = 0; i < nargs; i++) {
        char why[300];
        if (mg_spec_set_parse(args[i], &sets[i], why, sizeof why) != 0 ||
            mg_spec_set_apply(s->root, &sets[i], why, sizeof why) != 0) {
            L->errs->total++;
            if (L->errs->count < MG_SPEC_MAX_ERRORS)
                L->errs->msg[L->errs->count++] = mg_xasprintf("--set %s: %s", args[i], why);
            bad = 1;
        }
    }
    s->overrides = mg_xcalloc(nargs + 1, sizeof *s->overrides);
    for (size_t i = 0; i < nargs; i++)
        s->overrides[i] = mg_xstrdup(args[i]);
    s->noverrides = nargs;
    L->sets = sets;
    L->nsets = nargs;
    return bad ? -1 : 0;
}

static void load_root(loader *L, mg_spec *s, const json_t *root);

mg_spec *mg_spec_load(const char *path, mg_spec_errors *errs)
{
    return mg_spec_load_with(path, NULL, 0, errs);
}

mg_spec *mg_spec_load_with(const char *path, const char *const *set_args, size_t nsets, mg_spec_errors *errs)
{
    memset(errs, 0, sizeof *errs);
    size_t len = 0;
    char *text = read_file(path, &len, errs);
    if (!text)
        return NULL;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        errs->msg[errs->count++] = mg_xasprintf("%s:%d:%d: not valid JSON: %s", path,
                                                jerr.line < 1 ? 1 : jerr.line,
                                                jerr.column < 1 ? 1 : jerr.column, jerr.text);
        errs->total++;
        free(text);
        return NULL;
    }
    mg_spec *s = mg_xcalloc(1, sizeof *s);
    s->path = mg_xstrdup(path);
    s->dir = dir_of(path);
    s->root = root;
    s->examples = 5;
    s->annotations = 10;
    mg_limits_defaults(&s->limits);
    s->task = -1;
    loader L = {path, text, len, {0, {{0}}}, errs, NULL, 0};
    mg_spec_set *sets = mg_xcalloc(nsets + 1, sizeof *sets);
    if (json_is_object(root) && apply_sets(&L, s, set_args, nsets, sets) == 0)
        expand_tree(&L, s, root);
    if (errs->total == 0)
        load_root(&L, s, root);
    for (size_t i = 0; i < nsets; i++)
        mg_spec_set_free(&sets[i]);
    free(sets);
    free(text);
    if (errs->total > 0) {
        mg_spec_free(s);
        return NULL;
    }
    return s;
}

/* Validates the (expanded, --set) tree into s; errors go to L. */
static void load_root(loader *L, mg_spec *s, const json_t *root)
{
    const char *path = L->file;
    if (!json_is_object(root)) {
        errorf(L, 0, "expected the gate spec to be an object, found %s", mg_json_kind(root));
    } else {
        static const char *const keys[] = {"name", "description", "data", "schema", "limits", "checks",
                                           "reports", "model", "baseline_model", "baseline", NULL};
        check_keys(L, root, keys, "the gate spec");
        const char *name = NULL;
        get_string(L, root, "name", &name);
        s->name = mg_xstrdup(name ? name : path);
        const json_t *desc = json_object_get(root, "description");
        if (desc && !json_is_string(desc)) {
            push_key(L, "description");
            errorf(L, 0, "expected a string, found %s", mg_json_kind(desc));
            pop(L);
        }
        const json_t *data = json_object_get(root, "data");
        if (data)
            load_data(L, s, data);
        else
            errorf(L, 0, "missing \"data\": {\"path\": \"...\"} naming the data to check");
        if (json_object_get(root, "schema"))
            load_schema(L, s, json_object_get(root, "schema"));
        if (json_object_get(root, "limits"))
            load_limits(L, s, json_object_get(root, "limits"));
        if (json_object_get(root, "model"))
            load_model(L, s, json_object_get(root, "model"), "model", &s->model);
        if (json_object_get(root, "baseline_model"))
            load_model(L, s, json_object_get(root, "baseline_model"), "baseline_model", &s->baseline_model);
        if (json_object_get(root, "baseline"))
            load_baseline(L, s, json_object_get(root, "baseline"));
        load_checks(L, s, json_object_get(root, "checks"));
        resolve_task(L, s, json_object_get(root, "checks"));
        if (json_object_get(root, "reports"))
            load_reports(L, s, json_object_get(root, "reports"));
    }
}

void mg_spec_free(mg_spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfields; i++) {
        free(s->fields[i].name);
        for (size_t j = 0; j < s->fields[i].nvalues; j++)
            free(s->fields[i].values[j]);
        free(s->fields[i].values);
    }
    free(s->fields);
    for (size_t i = 0; i < s->nchecks; i++)
        free(s->checks[i].name);
    free(s->checks);
    for (int r = 0; r < MG_ROLE_COUNT; r++)
        free(s->roles[r]);
    mg_model_ref *refs[] = {&s->model, &s->baseline_model};
    for (size_t r = 0; r < 2; r++) {
        if (refs[r]->command)
            for (size_t i = 0; refs[r]->command[i]; i++)
                free(refs[r]->command[i]);
        free(refs[r]->command);
        free(refs[r]->path);
        free(refs[r]->format);
        for (size_t i = 0; i < refs[r]->nfeatures; i++) {
            free(refs[r]->features[i]);
            free(refs[r]->feature_at[i]);
        }
        free(refs[r]->features);
        free(refs[r]->feature_at);
        free(refs[r]->features_at);
    }
    free(s->path);
    free(s->dir);
    free(s->name);
    free(s->data_path);
    free(s->junit_path);
    free(s->json_path);
    free(s->summary_path);
    free(s->html_path);
    free(s->junit_prefix);
    free(s->baseline_path);
    free(s->positive_label);
    for (size_t i = 0; i < s->noverrides; i++)
        free(s->overrides[i]);
    free(s->overrides);
    for (size_t i = 0; i < s->nvariables; i++)
        free(s->variables[i]);
    free(s->variables);
    json_decref(s->root);
    free(s);
}

void mg_spec_only_check(mg_spec *s, const char *type)
{
    for (size_t i = 0; i < s->nchecks; i++)
        free(s->checks[i].name);
    s->nchecks = 0;
    add_implicit(s, type);
}

void mg_spec_errors_free(mg_spec_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        free(errs->msg[i]);
    memset(errs, 0, sizeof *errs);
}
