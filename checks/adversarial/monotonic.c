/*
 * monotonic.c - the `monotonic` check, CheckList's DIR test against the
 * model: for each sampled row and each feature declared increasing or
 * decreasing, the score over a grid across the feature's range never moves
 * the wrong way by more than `tolerance`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "features", .kind = MG_OPT_OBJECT, .required = 1,
     .help = "feature -> \"increasing\", \"decreasing\" or {\"direction\": ..., \"min\": ..., \"max\": ...}"},
    ADV_OPT_SAMPLING(100),
    {.key = "grid", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10),
     .help = "evenly spaced values walked across the feature's range (2 to 1000)"},
    {.key = "tolerance", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(1e-9),
     .help = "the largest move the wrong way that is tolerated"},
    {.key = "output", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(0), .help = "the model output watched (its number)"},
    {.key = NULL},
};

typedef struct mono_feature {
    long feature;
    int sign;            /* +1 increasing, -1 decreasing */
    int has_min, has_max;
    double min, max;
} mono_feature;

static int mono_direction(const json_t *v, int *sign, const json_t **obj)
{
    *obj = NULL;
    const json_t *d = v;
    if (json_is_object(v)) {
        *obj = v;
        d = json_object_get(v, "direction");
    }
    if (!json_is_string(d))
        return -1;
    if (!strcmp(json_string_value(d), "increasing"))
        *sign = 1;
    else if (!strcmp(json_string_value(d), "decreasing"))
        *sign = -1;
    else
        return -1;
    return 0;
}

static int mono_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "features";
    const json_t *f = json_object_get(o, "features");
    if (!f) {
        snprintf(msg, size, "missing \"features\": e.g. {\"amount\": \"increasing\"}");
        return -1;
    }
    if (!json_is_object(f))
        return 0;
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)f, name, v) {
        int sign;
        const json_t *obj;
        if (mono_direction(v, &sign, &obj) != 0) {
            snprintf(msg, size, "feature '%s': expected \"increasing\", \"decreasing\" or "
                                "{\"direction\": \"increasing\", \"min\": 0, \"max\": 100}", name);
            return -1;
        }
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)obj, k, x) {
            if (strcmp(k, "direction") && strcmp(k, "min") && strcmp(k, "max")) {
                snprintf(msg, size, "feature '%s': unknown key '%s' (expected direction, min, max)", name, k);
                return -1;
            }
            if (strcmp(k, "direction") && !json_is_number(x)) {
                snprintf(msg, size, "feature '%s': '%s' expected a number", name, k);
                return -1;
            }
        }
    }
    const json_t *g = json_object_get(o, "grid");
    if (g && json_is_integer(g) && json_integer_value(g) < 2) {
        *key = "grid";
        snprintf(msg, size, "expected at least 2 grid points");
        return -1;
    }
    return 0;
}

/* The range of feature j: the option's min/max, else the schema's, else
 * the sample's. */
static void mono_range(const mg_check *c, const adv_state *s, mono_feature *mf, double *lo, double *hi)
{
    const adv_feature *f = &s->f[mf->feature];
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t r = 0; r < s->sample.n; r++) {
        double x;
        if (mg_value_to_double(&s->sample.rows[r]->values[f->column], &x) == 0 && isfinite(x)) {
            *lo = fmin(*lo, x);
            *hi = fmax(*hi, x);
        }
    }
    for (size_t i = 0; i < c->env->nfields; i++) {
        const mg_field_spec *fs = &c->env->fields[i];
        if (strcmp(fs->name, f->name) != 0)
            continue;
        if (fs->has_min)
            *lo = fs->min;
        if (fs->has_max)
            *hi = fs->max;
    }
    if (mf->has_min)
        *lo = mf->min;
    if (mf->has_max)
        *hi = mf->max;
}

/* The declared features with their directions and ranges (*n of them), or
 * NULL after setting the result's error when one is not usable. */
static mono_feature *mono_features(mg_check *c, const adv_state *s, size_t *n)
{
    const json_t *fo = json_object_get(c->options, "features");
    size_t nm = 0;
    mono_feature *mf = mg_xcalloc(json_object_size(fo) + 1, sizeof *mf);
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)fo, name, v) {
        long i = adv_feature_find(s->f, s->nf, name);
        if (i < 0 || s->f[i].column < 0) {
            c->result->status = MG_STATUS_ERROR;
            mg_result_set_message(c->result, "feature '%s' is %s", name,
                                  i < 0 ? "not a feature of the model" : "not in the data");
            free(mf);
            return NULL;
        }
        const json_t *obj;
        mono_direction(v, &mf[nm].sign, &obj);
        mf[nm].feature = i;
        const json_t *mn = json_object_get(obj, "min"), *mx = json_object_get(obj, "max");
        mf[nm].has_min = json_is_number(mn);
        mf[nm].has_max = json_is_number(mx);
        mf[nm].min = json_number_value(mn);
        mf[nm].max = json_number_value(mx);
        nm++;
    }
    *n = nm;
    return mf;
}

/* The grid walk of every row over every declared feature. */
typedef struct mono_run {
    size_t grid, output;
    double tol;
    double *out;
    uint64_t tries, bad;
    double worst;
} mono_run;

/* Walks one row's feature mf across [lo, hi]; stops at the first move the
 * wrong way or the first point that does not score (both offences). */
static void mono_walk(mg_check *c, adv_state *s, const mono_feature *mf, const mg_row *row, double lo, double hi,
                      mono_run *x)
{
    const adv_feature *f = &s->f[mf->feature];
    char why[512];
    adv_variant var;
    adv_variant_init(&var, row);
    double prev = NAN, prev_x = NAN;
    int violated = 0;
    size_t walked = 0; /* grid points scored */
    for (size_t g = 0; g < x->grid && !violated; g++) {
        double v = lo + (hi - lo) * (double)g / (double)(x->grid - 1);
        adv_variant_set_number(&var, (size_t)f->column, v);
        adv_outcome o = adv_score(c->env->model, c->env->binding, &var.row, row, x->out, why, sizeof why);
        if (o == ADV_REJECTED)
            break; /* another feature of this row is unusable */
        walked += o == ADV_SCORED;
        if (o == ADV_BROKEN && !s->broke)
            s->broke = mg_xstrdup(why);
        const char *wrong = NULL;
        double drop = 0, now = x->out[x->output];
        if (o == ADV_SCORED && !isnan(prev)) {
            drop = (prev - now) * mf->sign;
            if (drop > x->tol)
                wrong = mf->sign > 0 ? "falls" : "rises";
        }
        if (o == ADV_SCORED && drop > x->worst)
            x->worst = drop;
        if (o != ADV_SCORED || wrong) {
            violated = 1;
            adv_case_info ci = {"monotonic", f->name, NULL, "adversarial",
                                mf->sign > 0 ? "score must not fall as this feature rises"
                                             : "score must not rise as this feature rises"};
            if (wrong)
                adv_example_case(c, s, row, &var.row, &ci,
                                 "'%s' declared %s: score %s %.6g -> %.6g as it goes %.6g -> %.6g", f->name,
                                 mf->sign > 0 ? "increasing" : "decreasing", wrong, prev, now, prev_x, v);
            else
                adv_example_case(c, s, row, &var.row, &ci, "'%s' = %.6g: %s%s%s", f->name, v, adv_outcome_name(o),
                                 why[0] ? ": " : "", why);
        }
        prev = now;
        prev_x = v;
    }
    adv_variant_free(&var);
    /* A row rejected before two points scored walked nothing: not tried. */
    x->tries += violated || walked >= 2;
    x->bad += violated;
}

static void mono_finish(mg_check *c)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    mg_result *res = c->result;
    size_t nm = 0;
    mono_feature *mf = mono_features(c, s, &nm);
    if (!mf)
        return;
    mono_run x = {.grid = (size_t)mg_check_opt_count(c, "grid"), .tol = mg_check_opt_number(c, "tolerance"),
                  .output = (size_t)mg_check_opt_count(c, "output")};
    if (x.grid < 2)
        x.grid = 2;
    if (x.grid > 1000)
        x.grid = 1000;
    size_t k = mg_model_noutputs(c->env->model);
    if (x.output >= k) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "output %zu: the model has %zu output%s", x.output, k, k > 1 ? "s" : "");
        free(mf);
        return;
    }
    x.out = mg_xcalloc(k, sizeof *x.out);
    for (size_t j = 0; j < nm; j++) {
        double lo, hi;
        mono_range(c, s, &mf[j], &lo, &hi);
        if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
            continue; /* no range to walk */
        for (size_t r = 0; r < s->sample.n && !s->broke; r++)
            mono_walk(c, s, &mf[j], s->sample.rows[r], lo, hi, &x);
    }
    adv_judge(c, x.bad, x.tries, "row-feature pairs where the score moves the wrong way", "pairs tried");
    adv_end(c);
    mg_result_prop_number(res, "grid", (double)x.grid);
    mg_result_prop_number(res, "max_wrong_way_change", x.worst);
    mg_result_prop_number(res, "tolerance", x.tol);
    free(x.out);
    free(mf);
}

const mg_check_def mg_check_monotonic = {
    .name = "monotonic", .group = "adversarial", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "raising a feature declared monotonic never moves the score the wrong way",
    .validate = mono_validate, .begin = adv_begin, .row = adv_row, .finish = mono_finish, .free_state = adv_free,
    .save = adv_save, .merge = adv_merge,
};
