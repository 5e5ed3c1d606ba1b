/*
 * drift.c - the `drift` check: each feature of the current data compared
 * with the reference (data or a profile, drift_engine.h), judged by one test
 * per feature: numbers by PSI on the reference's quantile bins by default,
 * texts by the Jensen-Shannon distance (docs/drift.md says why); every
 * figure of every feature is a property.  Fails when a feature drifts, or
 * with max_drift_share when the share of drifted features exceeds it.
 *
 * Features: `features`, or every schema field but the roles (id, key, time,
 * label, predictions: label_drift and prediction_drift cover those) and
 * timestamps.  Number and integer fields are numbers; the others texts (as
 * written).  Values missing or of the wrong type are left out of both sides
 * (the missing and types checks judge them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_engine.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "reference", .kind = MG_OPT_CUSTOM, .required = 1,
     .help = "reference data (\"train.csv\", read as the data is) or {\"profile\": \"profile.json\"}"},
    {.key = "features", .kind = MG_OPT_STRINGS, .when_absent = "every schema field but roles and timestamps",
     .help = "the features compared"},
    {.key = "number_test", .kind = MG_OPT_STRING, .def = MG_DEFAULT_STRING("psi"),
     .help = "the test that judges number features: psi, ks or wasserstein"},
    {.key = "text_test", .kind = MG_OPT_STRING, .def = MG_DEFAULT_STRING("jensen_shannon"),
     .help = "the test that judges text features: jensen_shannon, chi2, unseen or psi"},
    {.key = "bins", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10),
     .help = "PSI bins, cut at the reference's quantiles (1 to 100)"},
    {.key = "psi_max", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.2), .help = "psi: drifted above this"},
    {.key = "ks_p_min", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.01), .help = "ks: drifted when the p-value is below this"},
    {.key = "wasserstein_max", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.1),
     .help = "wasserstein: drifted above this many reference standard deviations"},
    {.key = "js_max", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.1),
     .help = "jensen_shannon: drifted above this distance (base 2, 0 to 1)"},
    {.key = "chi2_p_min", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.01),
     .help = "chi2: drifted when the p-value is below this"},
    {.key = "unseen_max", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.01),
     .help = "unseen: drifted when a larger share of values never appear in the reference"},
    {.key = "feature_options", .kind = MG_OPT_OBJECT, .when_absent = "the options above for every feature",
     .help = "per feature {\"test\": ..., \"threshold\": ..., \"bins\": ...}"},
    {.key = "max_drift_share", .kind = MG_OPT_RATE, .when_absent = "any drifted feature fails",
     .help = "the largest share of drifted features that still passes"},
    {.key = NULL},
};

static const char *const threshold_key[MG_DTEST_COUNT] = {
    [MG_DTEST_PSI] = "psi_max", [MG_DTEST_KS] = "ks_p_min", [MG_DTEST_WASSERSTEIN] = "wasserstein_max",
    [MG_DTEST_JS] = "js_max", [MG_DTEST_CHI2] = "chi2_p_min", [MG_DTEST_UNSEEN] = "unseen_max",
};

static int test_option(const json_t *o, const char *key, int numbers, char *msg, size_t size)
{
    const json_t *v = json_object_get(o, key);
    mg_dtest t;
    if (!v)
        return 0;
    if (!json_is_string(v) || mg_dtest_parse(json_string_value(v), &t) < 0 ||
        (!numbers && (t == MG_DTEST_KS || t == MG_DTEST_WASSERSTEIN))) {
        snprintf(msg, size, "expected %s", numbers ? "\"psi\", \"ks\" or \"wasserstein\""
                                                   : "\"jensen_shannon\", \"chi2\", \"unseen\" or \"psi\"");
        return -1;
    }
    if (numbers && !mg_dtest_for_numbers(t)) {
        snprintf(msg, size, "expected \"psi\", \"ks\" or \"wasserstein\"");
        return -1;
    }
    return 0;
}

static int feature_options_ok(const json_t *fo, char *msg, size_t size)
{
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)fo, name, v) {
        const char *k;
        const json_t *x;
        if (!json_is_object(v)) {
            snprintf(msg, size, "%s: expected an object {\"test\": ..., \"threshold\": ..., \"bins\": ...}", name);
            return -1;
        }
        json_object_foreach((json_t *)v, k, x) {
            mg_dtest t;
            int ok = strcmp(k, "test") == 0   ? json_is_string(x) && mg_dtest_parse(json_string_value(x), &t) == 0
                     : strcmp(k, "threshold") == 0 ? json_is_number(x) && json_number_value(x) >= 0
                     : strcmp(k, "bins") == 0 ? json_is_integer(x) && json_integer_value(x) >= 1 &&
                                                    json_integer_value(x) <= MG_DRIFT_MAX_BINS
                                              : -1;
            if (ok == -1) {
                snprintf(msg, size, "%s: unknown key '%s'; expected test, threshold or bins", name, k);
                return -1;
            }
            if (!ok) {
                snprintf(msg, size, "%s.%s: expected %s", name, k,
                         k[0] == 't' && k[1] == 'e' ? "psi, ks, wasserstein, jensen_shannon, chi2 or unseen"
                         : k[0] == 't'              ? "a number >= 0"
                                                    : "a whole number from 1 to 100");
                return -1;
            }
        }
    }
    return 0;
}

static int drift_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "reference";
    if (mg_drift_validate_reference(o, msg, size) < 0)
        return -1;
    *key = "number_test";
    if (test_option(o, "number_test", 1, msg, size) < 0)
        return -1;
    *key = "text_test";
    if (test_option(o, "text_test", 0, msg, size) < 0)
        return -1;
    const json_t *b = json_object_get(o, "bins");
    *key = "bins";
    if (b && !(json_is_integer(b) && json_integer_value(b) >= 1 && json_integer_value(b) <= MG_DRIFT_MAX_BINS)) {
        snprintf(msg, size, "expected a whole number from 1 to %d", MG_DRIFT_MAX_BINS);
        return -1;
    }
    *key = "feature_options";
    const json_t *fo = json_object_get(o, "feature_options");
    return fo ? feature_options_ok(fo, msg, size) : 0;
}

typedef struct drift_state {
    mg_dengine e;
    const mg_check_env *env;
    size_t *field;   /* per feature: its schema field */
} drift_state;

static int is_role(const mg_check_env *env, const char *name)
{
    for (int r = 0; r < MG_ROLE_COUNT; r++)
        if (env->role_name[r] && strcmp(env->role_name[r], name) == 0)
            return 1;
    return 0;
}

static int field_is_number(const mg_field_spec *fs)
{
    return fs->type == MG_TYPE_NUMBER || fs->type == MG_TYPE_INTEGER || fs->type == MG_TYPE_TIMESTAMP;
}

/* Adds the feature of schema field i with its test (feature_options over the defaults). */
static void add_feature(mg_check *c, drift_state *s, size_t i)
{
    const mg_field_spec *fs = &c->env->fields[i];
    int number = field_is_number(fs);
    mg_dtest test;
    mg_dtest_parse(mg_check_opt_string(c, number ? "number_test" : "text_test"), &test);
    const json_t *own = json_object_get(json_object_get(c->options, "feature_options"), fs->name);
    if (json_is_string(json_object_get(own, "test")))
        mg_dtest_parse(json_string_value(json_object_get(own, "test")), &test);
    double threshold = mg_check_opt_number(c, threshold_key[test]);
    if (json_is_number(json_object_get(own, "threshold")))
        threshold = json_number_value(json_object_get(own, "threshold"));
    unsigned bins = (unsigned)mg_check_opt_count(c, "bins");
    if (json_is_integer(json_object_get(own, "bins")))
        bins = (unsigned)json_integer_value(json_object_get(own, "bins"));
    mg_dfeat *f = mg_dengine_add(&s->e, fs->name, test, threshold, bins);
    s->field = mg_xrealloc(s->field, s->e.n * sizeof *s->field);
    s->field[s->e.n - 1] = i;
    if (number)
        mg_dside_init_number(&f->cur, !s->e.from_profile);
    else
        mg_dside_init_text(&f->cur);
    if (!number && (test == MG_DTEST_KS || test == MG_DTEST_WASSERSTEIN) && !s->e.broken) {
        s->e.broken = 1;
        mg_error_set(&s->e.err, "feature_options.%s: test %s is for numbers; '%s' is a text field", fs->name,
                     mg_dtest_name(test), fs->name);
    }
}

static int listed(const mg_check *c, const char *name)
{
    const json_t *l = json_object_get(c->options, "features");
    if (!l)
        return -1;
    if (json_is_string(l))
        return strcmp(json_string_value(l), name) == 0;
    size_t i;
    const json_t *v;
    json_array_foreach(l, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return 1;
    }
    return 0;
}

/* The features' reference sides from the profile. */
static void profile_sides(drift_state *s, const mg_check_env *env)
{
    for (size_t k = 0; k < s->e.n && !s->e.broken; k++) {
        mg_dfeat *f = &s->e.feat[k];
        const mg_pcol *pc = mg_dprofile_column(s->e.profile, f->name);
        int number = field_is_number(&env->fields[s->field[k]]);
        if (!pc || pc->kind != (number ? MG_PCOL_NUMBER : MG_PCOL_TEXT)) {
            mg_error_set(&s->e.err, "reference profile %s: %s '%s'%s", s->e.ref_path,
                         pc ? "holds as text the number column" : "has no column", f->name,
                         pc && !number ? " (or as a number what the schema calls text)" : "");
            s->e.broken = 1;
            return;
        }
        if (number)
            mg_dside_from_profile_number(&f->ref, &pc->moments, &pc->sketch);
        else
            mg_dside_from_profile_text(&f->ref, &pc->values);
    }
}

static void ref_header(void *ctx, const mg_source *src)
{
    drift_state *s = ctx;
    for (size_t k = 0; k < s->e.n; k++)
        s->e.feat[k].ref_column = mg_source_column_index(src, s->e.feat[k].name);
}

/* Adds a value of field fs to a side: numbers as the field reads them, texts as written. */
static void side_add(mg_dside *side, const mg_field_spec *fs, const mg_value *v)
{
    double x;
    const char *expected;
    if (!v || mg_value_is_missing(v))
        side->missing++;
    else if (mg_value_as_field(v, fs, &x, &expected) != 0 || (side->is_number && !isfinite(x)))
        side->wrong_type++;
    else if (side->is_number)
        mg_dside_add_number(side, x);
    else
        mg_dside_add_text(side, v->text, v->len);
}

static void ref_row(void *ctx, const mg_source *src, const mg_row *row)
{
    (void)src;
    drift_state *s = ctx;
    for (size_t k = 0; k < s->e.n; k++) {
        mg_dfeat *f = &s->e.feat[k];
        long col = f->ref_column;
        side_add(&f->ref, &s->env->fields[s->field[k]], col >= 0 && (size_t)col < row->nvalues ? &row->values[col] : NULL);
    }
}

static void drift_begin(mg_check *c)
{
    drift_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    s->env = c->env;
    mg_dengine_open(&s->e, c);
    const mg_check_env *env = c->env;
    const json_t *names = json_object_get(c->options, "features");
    for (size_t i = 0; i < env->nfields; i++) {
        int l = listed(c, env->fields[i].name);
        if (l == 1 || (l < 0 && !is_role(env, env->fields[i].name) && env->fields[i].type != MG_TYPE_TIMESTAMP))
            add_feature(c, s, i);
    }
    /* a listed feature the schema does not have is an error, not a silent omission */
    size_t n = json_is_array(names) ? json_array_size(names) : names ? 1 : 0;
    for (size_t j = 0; j < n && !s->e.broken; j++) {
        const char *name = json_string_value(json_is_array(names) ? json_array_get(names, j) : names);
        if (name && !mg_env_field(env, name)) {
            s->e.broken = 1;
            mg_error_set(&s->e.err, "features: '%s' is not a schema field", name);
        }
    }
    if (s->e.broken || env->shard)
        return;
    if (s->e.from_profile) {
        profile_sides(s, env);
        return;
    }
    for (size_t k = 0; k < s->e.n; k++) {
        const mg_field_spec *fs = &env->fields[s->field[k]];
        if (field_is_number(fs))
            mg_dside_init_number(&s->e.feat[k].ref, 1);
        else
            mg_dside_init_text(&s->e.feat[k].ref);
    }
    mg_dengine_read_data(&s->e, c, ref_header, ref_row, s);
}

/* The current row's values as the runner read them (env->typed: each number is
 * parsed once for every check). */
static void drift_row(mg_check *c, const mg_row *row)
{
    drift_state *s = c->state;
    if (s->e.broken)
        return;
    const mg_check_env *env = c->env;
    for (size_t k = 0; k < s->e.n; k++) {
        size_t i = s->field[k];
        mg_dside *cur = &s->e.feat[k].cur;
        const mg_typed *t = &env->typed[i];
        if (t->state == MG_TYPED_NO_COLUMN || t->state == MG_TYPED_MISSING) {
            cur->missing++;
        } else if (t->state == MG_TYPED_WRONG || (cur->is_number && !isfinite(t->num))) {
            cur->wrong_type++;
        } else if (cur->is_number) {
            mg_dside_add_number_at(cur, row->line, t->num);
        } else {
            const mg_value *v = &row->values[env->field_column[i]];
            mg_dside_add_text(cur, v->text, v->len);
        }
    }
}

static void drift_finish(mg_check *c)
{
    drift_state *s = c->state;
    double max_share = mg_check_opt_given(c, "max_drift_share") ? mg_check_opt_number(c, "max_drift_share") : -1.0;
    mg_dengine_judge(&s->e, c, max_share);
}

static void drift_free(mg_check *c)
{
    drift_state *s = c->state;
    if (!s)
        return;
    mg_dengine_free(&s->e);
    free(s->field);
    free(s);
    c->state = NULL;
}

static json_t *drift_save(const mg_check *c)
{
    const drift_state *s = c->state;
    return mg_dengine_save(&s->e);
}

static int drift_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    drift_state *s = c->state;
    return mg_dengine_merge(&s->e, c->name, state, msg, size);
}

const mg_check_def mg_check_drift = {
    .name = "drift",
    .group = "drift",
    .summary = "each feature's distribution against a reference (data or profile): PSI, KS, Wasserstein, "
               "Jensen-Shannon, chi-square, unseen values",
    .options = option_rows,
    .needs = MG_NEEDS_SCHEMA,
    .validate = drift_validate,
    .begin = drift_begin,
    .row = drift_row,
    .finish = drift_finish,
    .free_state = drift_free,
    .save = drift_save,
    .merge = drift_merge,
};
