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

static void ih_finish(mg_check *c)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    mg_result *res = c->result;
    mg_model *m = c->env->model;
    size_t k = mg_model_noutputs(m);
    const json_t *flist = json_object_get(c->options, "features");
    const json_t *vlist = json_object_get(c->options, "variants");
    const json_t *ex = json_object_get(c->options, "expect");
    int def_exp = EXP_ANY;
    if (json_is_string(json_object_get(ex, "*")))
        def_exp = expect_of(json_string_value(json_object_get(ex, "*")));
    if (flist) {
        size_t n = json_is_array(flist) ? json_array_size(flist) : 1;
        for (size_t i = 0; i < n; i++) {
            const char *name = json_string_value(json_is_array(flist) ? json_array_get(flist, i) : flist);
            long fi = adv_feature_find(s->f, s->nf, name);
            if (fi < 0 || s->f[fi].column < 0) {
                res->status = MG_STATUS_ERROR;
                mg_result_set_message(res, "feature '%s' is %s", name,
                                      fi < 0 ? "not a feature of the model" : "not in the data");
                return;
            }
        }
    }
    char *long_string = mg_xmalloc(LONG_STRING_BYTES + 1);
    memset(long_string, 'x', LONG_STRING_BYTES);
    long_string[LONG_STRING_BYTES] = '\0';
    double *out = mg_xcalloc(k, sizeof *out), *base = mg_xcalloc(k, sizeof *base);
    uint64_t tries = 0, bad = 0, scored = 0, rejected = 0, nonfinite = 0, crashes = 0;
    char why[1024], rid[80];
    int stop = 0;
    uint64_t base_rows = 0;
    for (size_t r = 0; r < s->sample.n && !stop; r++) {
        const mg_row *row = s->sample.rows[r];
        int sb = adv_score_base(c, s, row, base);
        if (sb < 0)
            break; /* the scorer broke */
        if (sb == 0)
            continue; /* only rows the model scores are varied */
        base_rows++;
        adv_variant var;
        adv_variant_init(&var, row);
        for (size_t fi = 0; fi < s->nf && !stop; fi++) {
            if (s->f[fi].column < 0 || (flist && !wanted(flist, s->f[fi].name)))
                continue;
            size_t col = (size_t)s->f[fi].column;
            for (long vi = 0; variants[vi].name && !stop; vi++) {
                if (!wanted(vlist, variants[vi].name))
                    continue;
                /* 1 MB per try: on the first row that scores only, so a wide
                 * model with an external scorer is not sent gigabytes. */
                if (!strcmp(variants[vi].name, "long_string") && base_rows > 1)
                    continue;
                int exp = def_exp;
                const json_t *e = json_object_get(ex, variants[vi].name);
                if (json_is_string(e))
                    exp = expect_of(json_string_value(e));
                adv_variant_set(&var, col, make_variant(vi, &row->values[col], long_string));
                adv_outcome o = adv_score(m, c->env->binding, &var.row, row, out, why, sizeof why);
                tries++;
                scored += o == ADV_SCORED;
                rejected += o == ADV_REJECTED;
                nonfinite += o == ADV_NONFINITE;
                crashes += o == ADV_BROKEN;
                int fail = o == ADV_NONFINITE || o == ADV_BROKEN || (o == ADV_SCORED && exp == EXP_REJECT) ||
                           (o == ADV_REJECTED && exp == EXP_SCORE);
                if (fail) {
                    bad++;
                    char found[1100];
                    if (o == ADV_NONFINITE) {
                        size_t q = 0;
                        while (q + 1 < k && isfinite(out[q]))
                            q++;
                        snprintf(found, sizeof found, "output %zu is %s", q,
                                 isnan(out[q]) ? "NaN" : out[q] > 0 ? "Infinity" : "-Infinity");
                    }
                    else if (o == ADV_BROKEN)
                        snprintf(found, sizeof found, "the scorer broke: %s", why);
                    else if (o == ADV_SCORED)
                        snprintf(found, sizeof found, "scored %.6g, expected a rejection", out[0]);
                    else
                        snprintf(found, sizeof found, "rejected (%s), expected a score", why);
                    char *line = NULL;
                    if (strcmp(variants[vi].name, "long_string") != 0) {
                        json_t *in = adv_row_input(s->f, s->nf, &var.row);
                        char cid[160];
                        snprintf(cid, sizeof cid, "input-%s-%s-%s", adv_row_id(c->env, row, rid, sizeof rid),
                                 s->f[fi].name, variants[vi].name);
                        line = adv_case_line(cid, in, NULL, "edge", "a hostile input must score or be rejected cleanly");
                        json_decref(in);
                    }
                    adv_example(c, row, line, "'%s' %s (variant %s): %s", s->f[fi].name, variants[vi].what,
                                variants[vi].name, found);
                    free(line);
                }
                if (o == ADV_BROKEN)
                    stop = 1; /* a dead or hung scorer: trying more only adds timeouts */
                adv_variant_reset(&var, row, col);
            }
        }
        adv_variant_free(&var);
    }
    adv_judge(c, bad, tries, "variants not handled as declared", "variants");
    mg_result_prop_number(res, "variants_scored", (double)scored);
    mg_result_prop_number(res, "variants_rejected", (double)rejected);
    mg_result_prop_number(res, "non_finite", (double)nonfinite);
    mg_result_prop_number(res, "crashes", (double)crashes);
    if (nonfinite || crashes)
        res->status = MG_STATUS_FAIL; /* never tolerated, whatever max_count says */
    adv_end(c);
    if (crashes)
        mg_result_set_message(res, "the scorer broke on a hostile variant (stopped trying): %llu of %llu "
                                   "variants not handled as declared",
                              (unsigned long long)bad, (unsigned long long)tries);
    free(out);
    free(base);
    free(long_string);
}

static const mg_opt_def ih_options[] = {
    {.key = "features", .kind = MG_OPT_STRINGS, .when_absent = "every model feature in the data",
     .help = "the features to replace, one at a time"},
    {.key = "variants", .kind = MG_OPT_STRINGS, .when_absent = "all of them",
     .help = "missing, null, empty, wrong_type, nan, inf, -inf, 1e308, -1e308, -0, long_string, non_utf8"},
    {.key = "expect", .kind = MG_OPT_OBJECT, .when_absent = "\"any\" for every variant",
     .help = "per variant (or \"*\"): \"score\", \"reject\" or \"any\""},
    ADV_OPT_SAMPLE(20),
    ADV_OPT_SEED,
    {.key = NULL},
};

const mg_check_def mg_check_input_handling = {
    .name = "input_handling",
    .group = "adversarial",
    .summary = "hostile variants of each feature get a finite score or a clean rejection, as declared",
    .options = ih_options,
    .needs = MG_NEEDS_SCORES,
    .validate = ih_validate,
    .begin = adv_begin,
    .row = adv_row,
    .finish = ih_finish,
    .free_state = adv_free,
};
