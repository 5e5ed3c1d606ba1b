/*
 * spec_checks.c - the gate spec's "checks" section, validated against the
 * check table (checks/registry.c): each check's type and options (an
 * unknown one is reported with a suggestion), what it needs of the spec,
 * the checks that run without being listed, and the task the listed
 * metric checks imply.
 */
#include "harness/spec_loader.h"

#include <stdio.h>
#include <string.h>

#include "checks/metrics/metrics.h"
#include "common/json_kind.h"
#include "common/suggest.h"
#include "common/xmem.h"

/* The names of every check type, NULL-terminated, for suggestions. */
static void check_type_names(const char **names, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < mg_check_count() && n + 1 < size; i++)
        names[n++] = mg_check_at(i)->name;
    names[n] = NULL;
}

/* Reports option `key` of check `type`, which its table does not declare,
 * with the closest declared option as a suggestion. */
static void unknown_option(loader *L, const mg_check_def *def, const char *key, const char *type)
{
    const char *all[64];
    size_t n = 0;
    for (size_t i = 0; mg_common_options[i].key && n < 63; i++)
        all[n++] = mg_common_options[i].key;
    for (size_t i = 0; def->options[i].key && n < 63; i++)
        all[n++] = def->options[i].key;
    all[n] = NULL;
    const char *near = mg_suggest(key, all);
    push_key(L, key);
    if (near)
        errorf(L, 1, "unknown option '%s' for check '%s'; did you mean '%s'?", key, type, near);
    else
        errorf(L, 1, "unknown option '%s' for check '%s'", key, type);
    pop(L);
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

/* 1 when the spec has everything `needs` (MG_NEEDS_* bits) names. */
static int spec_has(const mg_spec *s, unsigned needs)
{
    const char *const *r = (const char *const *)s->roles;
    if ((needs & MG_NEEDS_SCHEMA) && s->nfields == 0)
        return 0;
    if ((needs & MG_NEEDS_TIME) && !r[MG_ROLE_TIME])
        return 0;
    if ((needs & MG_NEEDS_LABEL) && !r[MG_ROLE_LABEL])
        return 0;
    if ((needs & MG_NEEDS_SCORES) && !r[MG_ROLE_PREDICTION] && !json_object_get(s->root, "model"))
        return 0;
    if ((needs & MG_NEEDS_CHAMPION) && !r[MG_ROLE_BASELINE_PREDICTION] && !json_object_get(s->root, "baseline_model"))
        return 0;
    if ((needs & MG_NEEDS_ROW_IDENTITY) && !r[MG_ROLE_ID] && !(r[MG_ROLE_KEY] && r[MG_ROLE_TIME]))
        return 0;
    return 1;
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
            errorf(L, 0, "missing \"check\": the check type (one of %s, ...)", mg_check_at(0)->name);
        return;
    }
    cs->def = mg_check_find(type);
    if (!cs->def) {
        const char *names[64];
        check_type_names(names, sizeof names / sizeof *names);
        const char *near = mg_suggest(type, names);
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
        const mg_opt_def *def = mg_check_option(cs->def, key);
        if (!def) {
            unknown_option(L, cs->def, key, type);
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
    /* What each need asks of the spec, in the order the errors are given. */
    static const struct { unsigned need; const char *what; } needs[] = {
        {MG_NEEDS_TIME, "the time column: set data.time"},
        {MG_NEEDS_SCORES, "scores: give a \"model\" or set data.prediction"},
        {MG_NEEDS_CHAMPION, "a champion to compare with: give \"baseline_model\" or set data.baseline_prediction"},
        {MG_NEEDS_LABEL, "the label column: set data.label"},
        {MG_NEEDS_SCHEMA, "a schema: add a \"schema\" section"},
    };
    for (size_t i = 0; i < sizeof needs / sizeof *needs; i++)
        if ((cs->def->needs & needs[i].need) && !spec_has(s, needs[i].need))
            errorf(L, 0, "check '%s' needs %s", type, needs[i].what);
}

static void add_implicit(mg_spec *s, const mg_check_def *def)
{
    for (size_t i = 0; i < s->nchecks; i++)
        if (s->checks[i].def == def)
            return;
    mg_check_spec *cs = &s->checks[s->nchecks++];
    memset(cs, 0, sizeof *cs);
    cs->def = def;
    cs->name = mg_xstrdup(def->name);
    cs->implicit = 1;
}

/* 1 when a check of type `name` is among the spec's checks. */
static int has_check(const mg_spec *s, const char *name)
{
    for (size_t i = 0; i < s->nchecks; i++)
        if (s->checks[i].def && strcmp(s->checks[i].def->name, name) == 0)
            return 1;
    return 0;
}

/* Adds the checks the spec does not list but runs anyway (each check's
 * table row says when), in table order: those of a spec without a checks
 * list, then those that come with a metric check, then those of every gate. */
static void add_implicit_checks(mg_spec *s, int listed)
{
    static const mg_implicit passes[] = {MG_IMPLICIT_UNLISTED, MG_IMPLICIT_WITH_METRIC, MG_IMPLICIT_ALWAYS};
    for (size_t p = 0; p < sizeof passes / sizeof *passes; p++)
        for (size_t i = 0; i < mg_check_count(); i++) {
            const mg_check_def *def = mg_check_at(i);
            if (def->implicit != passes[p])
                continue;
            if ((passes[p] == MG_IMPLICIT_UNLISTED && (listed || !spec_has(s, def->needs | def->implicit_needs))) ||
                (passes[p] == MG_IMPLICIT_WITH_METRIC && !has_check(s, "metric")))
                continue;
            add_implicit(s, def);
        }
}

void load_checks(loader *L, mg_spec *s, const json_t *checks)
{
    size_t n = checks && json_is_array(checks) ? json_array_size(checks) : 0;
    /* Room for the listed checks plus every type added by default. */
    s->checks = mg_xcalloc(n + mg_check_count(), sizeof *s->checks);
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
    }
    add_implicit_checks(s, checks != NULL);
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
void resolve_task(loader *L, mg_spec *s, const json_t *checks)
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

void mg_spec_only_check(mg_spec *s, const char *type)
{
    for (size_t i = 0; i < s->nchecks; i++)
        free(s->checks[i].name);
    s->nchecks = 0;
    add_implicit(s, mg_check_find(type));
}
