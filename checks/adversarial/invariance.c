/*
 * invariance.c - the `invariance` check, CheckList's INV test against the
 * model: changing a feature that must not matter (within the bounds the
 * spec gives) leaves every output within `tolerance`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

static int inv_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "features";
    if (!json_object_get(o, "features")) {
        snprintf(msg, size, "missing \"features\": the features that must not matter, e.g. "
                            "{\"customer_id\": {\"values\": [\"a\", \"b\"]}}");
        return -1;
    }
    return adv_bounds_validate(json_object_get(o, "features"), msg, size);
}

static void inv_finish(mg_check *c)
{
    adv_state *s = NULL;
    size_t nb = 0;
    adv_bound *b = adv_ready_bounds(c, &s, &nb);
    if (!b)
        return;
    mg_result *res = c->result;
    uint64_t trials = mg_check_opt_count(c, "trials");
    double tol = mg_check_opt_number(c, "tolerance");
    mg_model *m = c->env->model;
    const mg_binding *bind = c->env->binding;
    size_t k = mg_model_noutputs(m);
    double *base = mg_xcalloc(k, sizeof *base), *out = mg_xcalloc(k, sizeof *out);
    mg_rng rng;
    mg_rng_seed(&rng, s->seed);
    uint64_t tries = 0, bad = 0, broken = 0;
    double worst = 0;
    char catbuf[40], why[512];
    for (size_t r = 0; r < s->sample.n && !s->broke; r++) {
        const mg_row *row = s->sample.rows[r];
        int sb = adv_score_base(c, s, row, base);
        if (sb < 0)
            break; /* the scorer broke */
        if (sb == 0)
            continue; /* only rows the model scores are varied */
        adv_variant v;
        adv_variant_init(&v, row);
        for (size_t j = 0; j < nb && !s->broke; j++) {
            long col = s->f[b[j].feature].column;
            int violated = 0;
            uint64_t varied = 0;
            for (uint64_t t = 0; t < trials && !violated; t++) {
                if (adv_perturb(&v, row, &b[j], col, &rng, catbuf) != 0)
                    break;
                varied++;
                adv_outcome o = adv_score(m, bind, &v.row, row, out, why, sizeof why);
                double d = 0;
                for (size_t q = 0; o == ADV_SCORED && q < k; q++)
                    d = fmax(d, fabs(out[q] - base[q]));
                if (o == ADV_SCORED && d > worst)
                    worst = d;
                if (o == ADV_SCORED && d <= tol)
                    continue;
                violated = 1;
                broken += o == ADV_BROKEN;
                if (o == ADV_BROKEN && !s->broke)
                    s->broke = mg_xstrdup(why);
                char vq[96], oq[96];
                mg_value_quote(&row->values[col], oq, sizeof oq);
                mg_value_quote(&v.values[col], vq, sizeof vq);
                json_t *in = adv_row_input(s->f, s->nf, &v.row);
                char cid[160], rid[80];
                snprintf(cid, sizeof cid, "invariance-%s-%s", adv_row_id(c->env, row, rid, sizeof rid),
                         s->f[b[j].feature].name);
                char *line = adv_case_line(cid, in, NULL, "adversarial",
                                           "changing this feature must not change the score");
                json_decref(in);
                if (o == ADV_SCORED)
                    adv_example(c, row, line, "'%s' %s -> %s moved the score %.6g -> %.6g (|change| %.3g > %g)",
                                s->f[b[j].feature].name, oq, vq, base[0], out[0], d, tol);
                else
                    adv_example(c, row, line, "'%s' %s -> %s: %s%s%s", s->f[b[j].feature].name, oq, vq,
                                adv_outcome_name(o), why[0] ? ": " : "", why);
                free(line);
            }
            adv_variant_reset(&v, row, (size_t)col);
            /* A value that cannot be varied (not a number under a numeric
             * bound) was not tried: it must not count as unchanged. */
            tries += varied > 0;
            bad += violated;
        }
        adv_variant_free(&v);
    }
    adv_judge(c, bad, tries, "row-feature pairs whose score changed", "pairs tried");
    adv_end(c);
    mg_result_prop_number(res, "max_score_change", worst);
    mg_result_prop_number(res, "tolerance", tol);
    mg_result_prop_number(res, "trials", (double)trials);
    if (broken)
        mg_result_prop_number(res, "crashes", (double)broken);
    free(base);
    free(out);
    free(b);
}

static const mg_opt_def inv_options[] = {
    ADV_OPT_BOUNDS("the features that must not matter"),
    ADV_OPT_SAMPLE(100),
    ADV_OPT_SEED,
    {.key = "trials", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(5), .help = "changed values tried per row and feature"},
    {.key = "tolerance", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(1e-6),
     .help = "the largest change of any output that counts as unchanged"},
    {.key = NULL},
};

const mg_check_def mg_check_invariance = {
    .name = "invariance",
    .group = "adversarial",
    .summary = "changing a feature that must not matter leaves the score within a tolerance",
    .options = inv_options,
    .needs = MG_NEEDS_SCORES,
    .validate = inv_validate,
    .begin = adv_begin,
    .row = adv_row,
    .finish = inv_finish,
    .free_state = adv_free,
};

