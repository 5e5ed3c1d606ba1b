/*
 * spec_data.c - the gate spec's "data", "schema" and "limits" sections: the
 * data file and its format, the column roles, the task and positive label,
 * the rules per field, and the size limits.
 */
#include "harness/spec_loader.h"

#include <stdio.h>
#include <string.h>

#include "checks/metrics/metrics.h"
#include "common/json_kind.h"
#include "common/suggest.h"
#include "common/xmem.h"

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

/* data.path as a list of files and glob patterns, each resolved against
 * the spec's folder; data_path shows them joined by ", ". */
static void load_data_path_list(loader *L, mg_spec *s, const json_t *list)
{
    push_key(L, "path");
    size_t n = json_array_size(list);
    if (n == 0)
        errorf(L, 0, "expected a data file, a glob pattern or a non-empty list of them, found an empty list");
    s->data_entries = mg_xcalloc(n + 1, sizeof *s->data_entries);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i);
        push_index(L, i);
        if (!json_is_string(e) || json_string_length(e) == 0)
            errorf(L, 0, "expected a data file or glob pattern, found %s", mg_json_kind(e));
        else if (strcmp(json_string_value(e), "-") == 0)
            errorf(L, 0, "\"-\" (standard input) cannot be one of several data files");
        else {
            char *p = resolve_member(L, s, NULL, json_string_value(e));
            s->data_entries[s->ndata_entries++] = p;
            shown += strlen(p) + 2;
        }
        pop(L);
    }
    pop(L);
    if (s->ndata_entries == 0)
        return;
    s->data_path = mg_xcalloc(shown + 1, 1);
    for (size_t i = 0; i < s->ndata_entries; i++) {
        if (i)
            strcat(s->data_path, ", ");
        strcat(s->data_path, s->data_entries[i]);
    }
}

void load_data(loader *L, mg_spec *s, const json_t *data)
{
    static const char *const keys[] = {"path", "format", "delimiter", "label", "id", "time", "key",
                                       "prediction", "baseline_prediction", "time_zone", "task",
                                       "positive_label", NULL};
    if (!enter_object(L, "data", data, "an object with at least \"path\"", keys))
        return;
    const char *path = NULL;
    if (json_is_array(json_object_get(data, "path")))
        load_data_path_list(L, s, json_object_get(data, "path"));
    else if (get_string(L, data, "path", &path) == 1) {
        /* "-" is standard input (sources/source.h), not a file beside the spec. */
        s->data_path = strcmp(path, "-") == 0 ? mg_xstrdup(path) : resolve_member(L, s, "path", path);
        s->data_entries = mg_xcalloc(2, sizeof *s->data_entries);
        s->data_entries[s->ndata_entries++] = mg_xstrdup(s->data_path);
    } else if (!json_object_get(data, "path"))
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
    } else if (s->ndata_entries && mg_format_from_path(s->data_entries[0]) == MG_FORMAT_AUTO) {
        errorf(L, 0, "cannot tell the format of '%s' from its extension; add \"format\": \"csv\" or \"jsonl\"",
               path ? path : s->data_entries[0]);
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

void load_schema(loader *L, mg_spec *s, const json_t *schema)
{
    if (!enter_object(L, "schema", schema, "an object mapping field names to their rules", NULL))
        return;
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

void load_limits(loader *L, mg_spec *s, const json_t *limits)
{
    static const char *const keys[] = {"max_field_bytes", "max_row_bytes", "max_columns",
                                       "max_rows", "max_file_bytes", "min_rows", NULL};
    if (!enter_object(L, "limits", limits, "an object", keys))
        return;
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
