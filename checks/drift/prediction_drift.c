/*
 * prediction_drift.c - the `prediction_drift` check: the distribution of the
 * model's scores (or of data.prediction) against the reference's: the
 * profile's score summary, or the reference data scored by the same model
 * (or its prediction column) in the reference's own pass.  One feature,
 * "scores", judged by PSI on the reference's quantile bins by default; KS
 * and Wasserstein are properties.  A multiclass model (several scores per
 * row) is refused: one distribution would hide how the classes moved.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_engine.h"
#include "common/xmem.h"

static const mg_opt_def option_rows[] = {
    {.key = "reference", .kind = MG_OPT_CUSTOM, .required = 1,
     .help = "reference data (scored as the data is) or {\"profile\": \"profile.json\"} with scores"},
    {.key = "test", .kind = MG_OPT_STRING, .def = MG_DEFAULT_STRING("psi"), .help = "psi, ks or wasserstein"},
    {.key = "threshold", .kind = MG_OPT_NUMBER, .when_absent = "the test's default (psi 0.2, ks p 0.01, wasserstein 0.1)",
     .help = "drifted above it (psi, wasserstein) or with a p-value below it (ks)"},
    {.key = "bins", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10), .help = "PSI bins, cut at the reference's quantiles"},
    {.key = NULL},
};

static int pd_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "reference";
    if (mg_drift_validate_reference(o, msg, size) < 0)
        return -1;
    const json_t *t = json_object_get(o, "test");
    mg_dtest test;
    *key = "test";
    if (t && !(json_is_string(t) && mg_dtest_parse(json_string_value(t), &test) == 0 && mg_dtest_for_numbers(test))) {
        snprintf(msg, size, "expected \"psi\", \"ks\" or \"wasserstein\"");
        return -1;
    }
    const json_t *b = json_object_get(o, "bins");
    *key = "bins";
    if (b && !(json_is_integer(b) && json_integer_value(b) >= 1 && json_integer_value(b) <= MG_DRIFT_MAX_BINS)) {
        snprintf(msg, size, "expected a whole number from 1 to %d", MG_DRIFT_MAX_BINS);
        return -1;
    }
    return 0;
}

typedef struct pd_state {
    mg_dengine e;
    const mg_check_env *env;
    mg_binding *binding;   /* the model bound to the reference's columns */
    long pred_column;      /* or the reference's prediction column */
    double *out;
} pd_state;

static void pd_header(void *ctx, const mg_source *src)
{
    pd_state *s = ctx;
    const mg_check_env *env = s->env;
    size_t n = mg_source_ncolumns(src);
    if (!env->model) {
        s->pred_column = mg_source_column_index(src, env->role_name[MG_ROLE_PREDICTION]);
        if (s->pred_column < 0) {
            s->e.broken = 1;
            mg_error_set(&s->e.err, "reference data '%s' has no column '%s' (data.prediction)", s->e.ref_path,
                         env->role_name[MG_ROLE_PREDICTION]);
        }
        return;
    }
    const char **cols = mg_xcalloc(n + 1, sizeof *cols);
    for (size_t i = 0; i < n; i++)
        cols[i] = mg_source_column(src, i);
    s->binding = mg_binding_new_named(env->model, cols, n, env->feature_columns, &s->e.err);
    free(cols);
    if (!s->binding) {
        mg_error_prefix(&s->e.err, "reference data '%s'", s->e.ref_path);
        s->e.broken = 1;
    }
    s->out = mg_xcalloc(env->nscores ? env->nscores : 1, sizeof *s->out);
}

static void pd_ref_row(void *ctx, const mg_source *src, const mg_row *row)
{
    (void)src;
    pd_state *s = ctx;
    mg_dside *ref = &s->e.feat[0].ref;
    double x;
    if (s->e.broken)
        return;
    if (s->binding) {
        mg_error err;
        if (mg_model_score_row(s->env->model, s->binding, row, s->out, &err) != 0) {
            ref->wrong_type++;
            return;
        }
        x = s->out[0];
    } else if ((size_t)s->pred_column >= row->nvalues || mg_value_to_double(&row->values[s->pred_column], &x) != 0) {
        ref->missing++;
        return;
    }
    if (isfinite(x))
        mg_dside_add_number(ref, x);
}

static void pd_begin(mg_check *c)
{
    pd_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    s->env = c->env;
    mg_dengine_open(&s->e, c);
    mg_dtest test;
    mg_dtest_parse(mg_check_opt_string(c, "test"), &test);
    double threshold = mg_check_opt_given(c, "threshold") ? mg_check_opt_number(c, "threshold")
                                                          : mg_dtest_default_threshold(test);
    mg_dfeat *f = mg_dengine_add(&s->e, "scores", test, threshold, (unsigned)mg_check_opt_count(c, "bins"));
    mg_dside_init_number(&f->cur, !s->e.from_profile);
    if (c->env->nscores > 1 && !s->e.broken) {
        s->e.broken = 1;
        mg_error_set(&s->e.err, "prediction_drift compares one score per row; %s gives %zu (a multiclass model)",
                     c->env->score_source, c->env->nscores);
    }
    if (s->e.broken || c->env->shard)
        return;
    if (s->e.from_profile) {
        if (!s->e.profile->scores_from) {
            s->e.broken = 1;
            mg_error_set(&s->e.err, "reference profile %s has no scores: write it with mgate profile --spec GATE.json "
                         "(a spec with a model or data.prediction)", s->e.ref_path);
            return;
        }
        mg_dside_from_profile_number(&f->ref, &s->e.profile->scores, &s->e.profile->score_sketch);
        return;
    }
    mg_dside_init_number(&f->ref, 1);
    mg_dengine_read_data(&s->e, c, pd_header, pd_ref_row, s);
}

static void pd_scored(mg_check *c, const mg_row *row, const mg_scored *sc)
{
    pd_state *s = c->state;
    mg_dside *cur = &s->e.feat[0].cur;
    if (s->e.broken)
        return;
    if (!sc->scores || !isfinite(sc->scores[0]))
        cur->wrong_type++;
    else
        mg_dside_add_number_at(cur, row->line, sc->scores[0]);
}

static void pd_finish(mg_check *c)
{
    pd_state *s = c->state;
    mg_dengine_judge(&s->e, c, -1.0);
}

static void pd_free(mg_check *c)
{
    pd_state *s = c->state;
    if (!s)
        return;
    mg_dengine_free(&s->e);
    mg_binding_free(s->binding);
    free(s->out);
    free(s);
    c->state = NULL;
}

static json_t *pd_save(const mg_check *c)
{
    const pd_state *s = c->state;
    return mg_dengine_save(&s->e);
}

static int pd_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    pd_state *s = c->state;
    return mg_dengine_merge(&s->e, c->name, state, msg, size);
}

const mg_check_def mg_check_prediction_drift = {
    .name = "prediction_drift",
    .group = "drift",
    .summary = "the model's scores against the reference's (a profile's, or the reference data scored)",
    .options = option_rows,
    .needs = MG_NEEDS_SCORES,
    .validate = pd_validate,
    .begin = pd_begin,
    .scored = pd_scored,
    .finish = pd_finish,
    .free_state = pd_free,
    .save = pd_save,
    .merge = pd_merge,
};
