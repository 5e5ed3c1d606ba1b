/*
 * input_handling.c - the `input_handling` check: hostile variants of the
 * sampled rows, one feature at a time (missing, null, empty, wrong type,
 * NaN, +-Inf, +-1e308, -0, a 1 MB string, non-UTF-8 bytes).  Each variant
 * must give a finite score or a clean rejection, as the spec's `expect`
 * declares per variant ("score", "reject" or "any", the default).  A NaN or
 * an Inf coming out, or a scorer that crashes or hangs, always fails; after
 * the scorer breaks the check stops trying (so a hang costs one timeout).
 * The 1 MB string is tried on the first row that scores only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "features", .kind = MG_OPT_STRINGS, .when_absent = "every model feature in the data",
     .help = "the features to replace, one at a time"},
    {.key = "variants", .kind = MG_OPT_STRINGS, .when_absent = "all of them",
     .help = "missing, null, empty, wrong_type, nan, inf, -inf, 1e308, -1e308, -0, long_string, non_utf8"},
    {.key = "expect", .kind = MG_OPT_OBJECT, .when_absent = "\"any\" for every variant",
     .help = "per variant (or \"*\"): \"score\", \"reject\" or \"any\""},
    ADV_OPT_SAMPLING(20),
    {.key = NULL},
};

enum { EXP_ANY = 0, EXP_SCORE, EXP_REJECT };

typedef struct variant_def {
    const char *name;
    const char *what; /* for messages */
} variant_def;

static const variant_def variants[] = {
    {"missing", "left out"},
    {"null", "null"},
    {"empty", "an empty field"},
    {"wrong_type", "of the wrong type"},
    {"nan", "NaN"},
    {"inf", "Infinity"},
    {"-inf", "-Infinity"},
    {"1e308", "1e308"},
    {"-1e308", "-1e308"},
    {"-0", "-0"},
    {"long_string", "a 1 MB string"},
    {"non_utf8", "non-UTF-8 bytes"},
    {NULL, NULL},
};

#define LONG_STRING_BYTES (1u << 20)

static long variant_find(const char *name)
{
    for (long i = 0; variants[i].name; i++)
        if (strcmp(variants[i].name, name) == 0)
            return i;
    return -1;
}

static int expect_of(const char *s)
{
    if (!strcmp(s, "score"))
        return EXP_SCORE;
    if (!strcmp(s, "reject"))
        return EXP_REJECT;
    if (!strcmp(s, "any"))
        return EXP_ANY;
    return -1;
}

static int ih_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    const json_t *vs = json_object_get(o, "variants");
    if (json_is_array(vs) || json_is_string(vs)) {
        *key = "variants";
        size_t n = json_is_array(vs) ? json_array_size(vs) : 1;
        for (size_t i = 0; i < n; i++) {
            const json_t *v = json_is_array(vs) ? json_array_get(vs, i) : vs;
            if (variant_find(json_string_value(v)) < 0) {
                snprintf(msg, size, "unknown variant '%s' (known: missing, null, empty, wrong_type, nan, "
                                    "inf, -inf, 1e308, -1e308, -0, long_string, non_utf8)",
                         json_string_value(v));
                return -1;
            }
        }
    }
    const json_t *ex = json_object_get(o, "expect");
    if (json_is_object(ex)) {
        *key = "expect";
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)ex, k, v) {
            if (strcmp(k, "*") && variant_find(k) < 0) {
                snprintf(msg, size, "unknown variant '%s' (use \"*\" for every variant)", k);
                return -1;
            }
            if (!json_is_string(v) || expect_of(json_string_value(v)) < 0) {
                snprintf(msg, size, "variant '%s': expected \"score\", \"reject\" or \"any\"", k);
                return -1;
            }
        }
    }
    return 0;
}

/* Builds variant vi of the value at col. */
static mg_value make_variant(long vi, const mg_value *orig, const char *long_string)
{
    mg_value v = {MG_VALUE_TEXT, "", 0, 0.0, 0};
    const char *name = variants[vi].name;
    double d;
    if (!strcmp(name, "missing")) {
        v.kind = MG_VALUE_ABSENT;
    } else if (!strcmp(name, "null")) {
        v.kind = MG_VALUE_NULL;
    } else if (!strcmp(name, "empty")) {
        /* unquoted empty text, as a CSV empty field */
    } else if (!strcmp(name, "wrong_type")) {
        if (orig->kind == MG_VALUE_NUMBER || mg_value_to_double(orig, &d) == 0) {
            v.text = "not-a-number";
        } else {
            v.kind = MG_VALUE_NUMBER;
            v.text = "123456789";
            v.num = 123456789;
        }
    } else if (!strcmp(name, "nan")) {
        v.text = "NaN";
    } else if (!strcmp(name, "inf")) {
        v.text = "Infinity";
    } else if (!strcmp(name, "-inf")) {
        v.text = "-Infinity";
    } else if (!strcmp(name, "1e308")) {
        v.kind = MG_VALUE_NUMBER;
        v.text = "1e308";
        v.num = 1e308;
    } else if (!strcmp(name, "-1e308")) {
        v.kind = MG_VALUE_NUMBER;
        v.text = "-1e308";
        v.num = -1e308;
    } else if (!strcmp(name, "-0")) {
        v.kind = MG_VALUE_NUMBER;
        v.text = "-0";
        v.num = -0.0;
    } else if (!strcmp(name, "long_string")) {
        v.text = long_string;
        v.len = LONG_STRING_BYTES;
        v.quoted = 1;
        return v;
    } else if (!strcmp(name, "non_utf8")) {
        v.text = "\xff\xfe\xc3\x28";
        v.quoted = 1;
    }
    v.len = strlen(v.text);
    return v;
}

static int wanted(const json_t *list, const char *name)
{
    if (!list)
        return 1;
    if (json_is_string(list))
        return !strcmp(json_string_value(list), name);
    for (size_t i = 0; i < json_array_size(list); i++)
        if (!strcmp(json_string_value(json_array_get(list, i)), name))
            return 1;
    return 0;
}

/* What the variants did over the rows. */
typedef struct ih_run {
    const json_t *flist, *vlist, *ex; /* the features, variants and expect options (or NULL) */
    int def_exp;          /* expect["*"], else EXP_ANY */
    const char *long_string;
    uint64_t base_rows;   /* rows that scored before varying */
    uint64_t tries, bad, scored, rejected, nonfinite, crashes;
} ih_run;

/* The finding of a variant that was not handled as declared, for its example. */
static void ih_found(char *found, size_t size, adv_outcome o, const adv_trial *t)
{
    size_t k = t->noutputs;
    if (o == ADV_NONFINITE) {
        size_t q = 0;
        while (q + 1 < k && isfinite(t->out[q]))
            q++;
        snprintf(found, size, "output %zu is %s", q, isnan(t->out[q]) ? "NaN" : t->out[q] > 0 ? "Infinity" : "-Infinity");
    } else if (o == ADV_BROKEN) {
        snprintf(found, size, "the scorer broke: %s", t->why);
    } else if (o == ADV_SCORED) {
        snprintf(found, size, "scored %.6g, expected a rejection", t->out[0]);
    } else {
        snprintf(found, size, "rejected (%s), expected a score", t->why);
    }
}

/* Tries variant vi at feature fi of the row.  Returns 1 when the scorer
 * broke: a dead or hung scorer, so trying more only adds timeouts. */
static int ih_try(ih_run *x, adv_trial *t, size_t fi, long vi)
{
    const mg_row *row = t->row;
    const adv_feature *f = &t->s->f[fi];
    size_t col = (size_t)f->column;
    int exp = x->def_exp;
    const json_t *e = json_object_get(x->ex, variants[vi].name);
    if (json_is_string(e))
        exp = expect_of(json_string_value(e));
    adv_variant_set(t->v, col, make_variant(vi, &row->values[col], x->long_string));
    /* Scored without recording a break in the state: this check reports
     * crashes itself (it counts them and stops). */
    adv_outcome o = adv_score(t->c->env->model, t->c->env->binding, &t->v->row, row, t->out, t->why, sizeof t->why);
    x->tries++;
    x->scored += o == ADV_SCORED;
    x->rejected += o == ADV_REJECTED;
    x->nonfinite += o == ADV_NONFINITE;
    x->crashes += o == ADV_BROKEN;
    int fail = o == ADV_NONFINITE || o == ADV_BROKEN || (o == ADV_SCORED && exp == EXP_REJECT) ||
               (o == ADV_REJECTED && exp == EXP_SCORE);
    if (fail) {
        x->bad++;
        char found[1100], what[1400], suffix[200];
        ih_found(found, sizeof found, o, t);
        snprintf(what, sizeof what, "'%s' %s (variant %s): %s", f->name, variants[vi].what, variants[vi].name, found);
        /* No case for the 1 MB string: it would not fit an example. */
        if (strcmp(variants[vi].name, "long_string") != 0) {
            snprintf(suffix, sizeof suffix, "%s-%s", f->name, variants[vi].name);
            adv_case_info ci = {"input", suffix, NULL, "edge", "a hostile input must score or be rejected cleanly"};
            adv_example_case(t->c, t->s, row, &t->v->row, &ci, "%s", what);
        } else {
            adv_example(t->c, row, NULL, "%s", what);
        }
    }
    adv_variant_reset(t->v, row, col);
    return o == ADV_BROKEN;
}

/* Replaces each wanted feature of one row by each wanted variant. */
static int ih_vary(adv_trial *t, void *ctx)
{
    ih_run *x = ctx;
    x->base_rows++;
    for (size_t fi = 0; fi < t->s->nf; fi++) {
        if (t->s->f[fi].column < 0 || (x->flist && !wanted(x->flist, t->s->f[fi].name)))
            continue;
        for (long vi = 0; variants[vi].name; vi++) {
            if (!wanted(x->vlist, variants[vi].name))
                continue;
            /* 1 MB per try: on the first row that scores only, so a wide
             * model with an external scorer is not sent gigabytes. */
            if (!strcmp(variants[vi].name, "long_string") && x->base_rows > 1)
                continue;
            if (ih_try(x, t, fi, vi))
                return 1;
        }
    }
    return 0;
}

/* An error when a listed feature is not one of the model's or not in the data. */
static int ih_features_known(mg_check *c, const adv_state *s, const json_t *flist)
{
    size_t n = !flist ? 0 : json_is_array(flist) ? json_array_size(flist) : 1;
    for (size_t i = 0; i < n; i++) {
        const char *name = json_string_value(json_is_array(flist) ? json_array_get(flist, i) : flist);
        long fi = adv_feature_find(s->f, s->nf, name);
        if (fi < 0 || s->f[fi].column < 0) {
            c->result->status = MG_STATUS_ERROR;
            mg_result_set_message(c->result, "feature '%s' is %s", name,
                                  fi < 0 ? "not a feature of the model" : "not in the data");
            return 0;
        }
    }
    return 1;
}

static void ih_finish(mg_check *c)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    mg_result *res = c->result;
    ih_run x = {.flist = json_object_get(c->options, "features"),
                .vlist = json_object_get(c->options, "variants"),
                .ex = json_object_get(c->options, "expect"),
                .def_exp = EXP_ANY};
    if (json_is_string(json_object_get(x.ex, "*")))
        x.def_exp = expect_of(json_string_value(json_object_get(x.ex, "*")));
    if (!ih_features_known(c, s, x.flist))
        return;
    char *long_string = mg_xmalloc(LONG_STRING_BYTES + 1);
    memset(long_string, 'x', LONG_STRING_BYTES);
    long_string[LONG_STRING_BYTES] = '\0';
    x.long_string = long_string;
    adv_for_each_scored_row(c, s, ih_vary, &x);
    adv_judge(c, x.bad, x.tries, "variants not handled as declared", "variants");
    mg_result_prop_number(res, "variants_scored", (double)x.scored);
    mg_result_prop_number(res, "variants_rejected", (double)x.rejected);
    mg_result_prop_number(res, "non_finite", (double)x.nonfinite);
    mg_result_prop_number(res, "crashes", (double)x.crashes);
    if (x.nonfinite || x.crashes)
        res->status = MG_STATUS_FAIL; /* never tolerated, whatever max_count says */
    adv_end(c);
    if (x.crashes)
        mg_result_set_message(res, "the scorer broke on a hostile variant (stopped trying): %llu of %llu "
                                   "variants not handled as declared",
                              (unsigned long long)x.bad, (unsigned long long)x.tries);
    free(long_string);
}

const mg_check_def mg_check_input_handling = {
    .name = "input_handling", .group = "adversarial", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "hostile variants of each feature get a finite score or a clean rejection, as declared",
    .validate = ih_validate, .begin = adv_begin, .row = adv_row, .finish = ih_finish, .free_state = adv_free,
    .save = adv_save, .merge = adv_merge,
};
