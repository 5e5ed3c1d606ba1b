#include "checks/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/check_state.h"
#include "common/xmem.h"
#include "sources/data_files.h"

const char *mg_role_name(mg_role r)
{
    static const char *const names[MG_ROLE_COUNT] = {"label", "id", "time", "key", "prediction", "baseline_prediction"};
    return r < MG_ROLE_COUNT ? names[r] : "?";
}

void mg_check_judge(mg_check *c, uint64_t count, const char *what)
{
    mg_result *res = c->result;
    double rate = c->rows ? (double)count / (double)c->rows : 0.0;
    int over_count = c->has_max_count ? count > c->max_count : 0;
    int over_rate = c->has_max_rate ? rate > c->max_rate : 0;
    if (!c->has_max_count && !c->has_max_rate)
        over_count = count > 0;
    res->status = (over_count || over_rate) ? MG_STATUS_FAIL : MG_STATUS_PASS;

    mg_result_prop_number(res, "count", (double)count);
    mg_result_prop_number(res, "rate", rate);
    mg_result_prop_number(res, "rows", (double)c->rows);
    /* `bound` is the tolerance that decides, `bound_option` the option it
     * comes from: max_rate when given, else max_count (0 when neither is). */
    if (c->has_max_rate)
        mg_result_prop_number(res, "bound", c->max_rate);
    else
        mg_result_prop_number(res, "bound", c->has_max_count ? (double)c->max_count : 0.0);
    mg_result_prop_text(res, "bound_option", c->has_max_rate ? "max_rate" : "max_count");
    if (c->has_max_count)
        mg_result_prop_number(res, "max_count", (double)c->max_count);
    if (c->has_max_rate)
        mg_result_prop_number(res, "max_rate", c->max_rate);

    char bound[96];
    if (c->has_max_count && c->has_max_rate)
        snprintf(bound, sizeof bound, "max_count %llu, max_rate %g",
                 (unsigned long long)c->max_count, c->max_rate);
    else if (c->has_max_rate)
        snprintf(bound, sizeof bound, "max_rate %g", c->max_rate);
    else
        snprintf(bound, sizeof bound, "max_count %llu",
                 (unsigned long long)(c->has_max_count ? c->max_count : 0));
    if (res->status == MG_STATUS_FAIL)
        mg_result_set_message(res, "%llu %s (rate %.4g of %llu rows) exceeds %s",
                              (unsigned long long)count, what, rate,
                              (unsigned long long)c->rows, bound);
    else if (count > 0)
        mg_result_set_message(res, "%llu %s (rate %.4g of %llu rows), within %s",
                              (unsigned long long)count, what, rate,
                              (unsigned long long)c->rows, bound);
    else
        mg_result_set_message(res, "no %s in %llu rows", what, (unsigned long long)c->rows);
}

const char *mg_check_line_file(const mg_check_env *env, unsigned long line, unsigned long *local)
{
    *local = line;
    if (!env->source || mg_source_nfiles(env->source) < 2)
        return env->data_path;
    *local = mg_line_local(line);
    const char *file = mg_source_file(env->source, mg_line_file(line));
    return file ? file : env->data_path;
}

const char *mg_check_line_ref(const mg_check_env *env, unsigned long line, char *buf, size_t size)
{
    unsigned long local;
    const char *file = mg_check_line_file(env, line, &local);
    if (!env->source || mg_source_nfiles(env->source) < 2)
        snprintf(buf, size, "line %lu", local);
    else
        snprintf(buf, size, "%s:%lu", file, local);
    return buf;
}

char *mg_check_example_vtext(const mg_check *c, unsigned long line, const char *field, const char *fmt, va_list ap,
                             const char **file, unsigned long *local)
{
    /* No fixed cap: an example may carry a whole fixture case to paste. */
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *what = mg_xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    vsnprintf(what, (size_t)(n < 0 ? 0 : n) + 1, fmt, again);
    va_end(again);
    *file = mg_check_line_file(c->env, line, local);
    char *text = field ? mg_xasprintf("%s:%lu: %s: %s", *file, *local, field, what)
                       : mg_xasprintf("%s:%lu: %s", *file, *local, what);
    free(what);
    return text;
}

void mg_check_example(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
{
    mg_result *res = c->result;
    if (res->nexamples >= c->env->examples) {
        res->examples_total++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    const char *file;
    unsigned long local;
    char *text = mg_check_example_vtext(c, line, field, fmt, ap, &file, &local);
    va_end(ap);
    mg_result_example_at(res, c->env->examples, file, local, "%s", text);
    res->example_pos[res->nexamples - 1].data_line = line;
    free(text);
}

const char *mg_value_quote(const mg_value *v, char *buf, size_t size)
{
    switch (v->kind) {
    case MG_VALUE_ABSENT:
        snprintf(buf, size, "nothing");
        return buf;
    case MG_VALUE_NULL:
        snprintf(buf, size, "null");
        return buf;
    case MG_VALUE_TEXT:
        if (v->len == 0) {
            snprintf(buf, size, v->quoted ? "\"\"" : "an empty field");
            return buf;
        }
        break;
    default:
        break;
    }
    size_t o = 0;
    const size_t keep = 60;
    if (size < 8)
        return "";
    if (v->kind == MG_VALUE_TEXT)
        buf[o++] = '\'';
    for (size_t i = 0; i < v->len && i < keep && o + 6 < size; i++) {
        unsigned char ch = (unsigned char)v->text[i];
        if (ch < 0x20 || ch == 0x7f)
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        else
            buf[o++] = (char)ch;
    }
    if (v->len > keep && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    if (v->kind == MG_VALUE_TEXT && o + 1 < size)
        buf[o++] = '\'';
    buf[o] = '\0';
    return buf;
}

long mg_label_class(const mg_check_env *env, mg_model_task task, const mg_value *v)
{
    double y;
    if (task == MG_TASK_BINARY) {
        if (env->positive_label)
            return mg_value_is_missing(v) ? -1 : strcmp(v->text, env->positive_label) == 0;
        if (mg_value_to_double(v, &y) == 0 && (y == 0 || y == 1))
            return (long)y;
        if (v->kind == MG_VALUE_TEXT && (strcasecmp(v->text, "true") == 0 || strcasecmp(v->text, "false") == 0))
            return strcasecmp(v->text, "true") == 0;
        return -1;
    }
    if (env->class_labels) {
        for (size_t i = 0; env->class_labels[i]; i++)
            if (strcmp(env->class_labels[i], v->text) == 0)
                return (long)i;
        return -1;
    }
    if (mg_value_to_double(v, &y) == 0 && y >= 0 && y == floor(y) && y < (double)env->nscores)
        return (long)y;
    return -1;
}

const mg_field_spec *mg_env_field(const mg_check_env *env, const char *column)
{
    for (size_t f = 0; column && f < env->nfields; f++)
        if (strcmp(env->fields[f].name, column) == 0)
            return &env->fields[f];
    return NULL;
}

int mg_missing_allowed(const mg_field_spec *fs, const mg_value *v)
{
    if (!fs)
        return 0;
    return !fs->required || (fs->nullable && v->kind != MG_VALUE_ABSENT);
}

void mg_label_sample_add(mg_label_sample *s, const mg_value *v)
{
    if (s->n >= MG_LABEL_SAMPLE_MAX || mg_value_is_missing(v))
        return;
    /* Kept as shown in examples: cut and with control characters escaped,
     * without the quotes mg_value_quote puts around text. */
    char buf[128];
    const char *t = mg_value_quote(v, buf, sizeof buf);
    size_t n = strlen(t);
    if (v->kind == MG_VALUE_TEXT && n >= 2 && t[0] == '\'' && t[n - 1] == '\'') {
        t++;
        n -= 2;
    }
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->text[i]) == n && memcmp(s->text[i], t, n) == 0)
            return;
    s->text[s->n++] = mg_xstrndup(t, n);
}

void mg_label_sample_free(mg_label_sample *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->text[i]);
    s->n = 0;
}

/* Appends "'a', 'b', 'c'" (at most max items, then ", ...") to buf. */
static void quote_list(char *buf, size_t size, const char *const *items, size_t n, size_t max)
{
    size_t used = strlen(buf);
    for (size_t i = 0; i < n && i < max && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s'%s'", i ? ", " : "", items[i]);
    if (n > max && used < size)
        snprintf(buf + used, size - used, ", ...");
}

char *mg_label_hint(const mg_check_env *env, mg_model_task task, const mg_label_sample *s)
{
    if (s->n == 0)
        return NULL;
    char found[400] = "";
    quote_list(found, sizeof found, (const char *const *)s->text, s->n, MG_LABEL_SAMPLE_MAX);
    if (task == MG_TASK_BINARY && !env->positive_label && s->n > 2)
        return mg_xasprintf("labels found: %s%s: more than two values, not binary labels", found,
                            s->n == MG_LABEL_SAMPLE_MAX ? ", ..." : "");
    if (task == MG_TASK_BINARY && !env->positive_label)
        return mg_xasprintf("labels found: %s; binary labels are read as 0/1 or true/false: set "
                            "data.positive_label to the label of the positive class (e.g. \"positive_label\": "
                            "\"%s\")",
                            found, s->n == 2 ? s->text[1] : s->text[0]);
    if (task != MG_TASK_MULTICLASS)
        return mg_xasprintf("labels found: %s", found);
    char classes[400] = "";
    size_t k = 0;
    if (env->class_labels) {
        while (env->class_labels[k])
            k++;
        quote_list(classes, sizeof classes, env->class_labels, k, 20);
    } else {
        snprintf(classes, sizeof classes, "0 to %zu (the model names no class labels)", env->nscores - 1);
    }
    return mg_xasprintf("labels found that are not among the model's classes: %s%s; the model's classes are %s",
                        found, s->n == MG_LABEL_SAMPLE_MAX ? ", ..." : "", classes);
}

int mg_parse_duration(const json_t *v, double *seconds)
{
    if (json_is_number(v)) {
        double d = json_number_value(v);
        if (!(d >= 0) || !isfinite(d))
            return -1;
        *seconds = d;
        return 0;
    }
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    char *end;
    double d = strtod(s, &end);
    if (end == s || !(d >= 0) || !isfinite(d))
        return -1;
    double unit;
    if (strcmp(end, "s") == 0 || strcmp(end, "") == 0)
        unit = 1;
    else if (strcmp(end, "ms") == 0)
        unit = 0.001;
    else if (strcmp(end, "m") == 0)
        unit = 60;
    else if (strcmp(end, "h") == 0)
        unit = 3600;
    else if (strcmp(end, "d") == 0)
        unit = 86400;
    else
        return -1;
    *seconds = d * unit;
    return 0;
}
