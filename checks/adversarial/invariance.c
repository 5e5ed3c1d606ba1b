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

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    ADV_OPT_BOUNDS("the features that must not matter"),
    ADV_OPT_SAMPLING(100),
    {.key = "trials", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(5), .help = "changed values tried per row and feature"},
    {.key = "tolerance", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(1e-6),
     .help = "the largest change of any output that counts as unchanged"},
    {.key = NULL},
};

static int inv_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    return adv_bounds_required(o, key, msg, size,
                               "the features that must not matter, e.g. {\"customer_id\": {\"values\": [\"a\", \"b\"]}}");
}

/* What the invariance trials found over the rows. */
typedef struct inv_run {
    const adv_bound *b;
    size_t nb;
    uint64_t trials;
    double tol;
    uint64_t tries, bad, broken;
    double worst;
} inv_run;

/* Varies each bounded feature of one row, up to `trials` times, until a
 * change moves the score. */
static int inv_vary(adv_trial *t, void *ctx)
{
    inv_run *x = ctx;
    const mg_row *row = t->row;
    char catbuf[40];
    for (size_t j = 0; j < x->nb && !t->s->broke; j++) {
        const adv_feature *f = &t->s->f[x->b[j].feature];
        int violated = 0;
        uint64_t varied = 0;
        for (uint64_t n = 0; n < x->trials && !violated; n++) {
            if (adv_perturb(t->v, row, &x->b[j], f->column, t->rng, catbuf) != 0)
                break;
            varied++;
            adv_outcome o = adv_trial_score(t);
            double d = o == ADV_SCORED ? adv_trial_change(t) : 0;
            if (o == ADV_SCORED && d > x->worst)
                x->worst = d;
            if (o == ADV_SCORED && d <= x->tol)
                continue;
            violated = 1;
            x->broken += o == ADV_BROKEN;
            char vq[96], oq[96];
            mg_value_quote(&row->values[f->column], oq, sizeof oq);
            mg_value_quote(&t->v->values[f->column], vq, sizeof vq);
            adv_case_info ci = {"invariance", f->name, NULL, "adversarial",
                                "changing this feature must not change the score"};
            if (o == ADV_SCORED)
                adv_example_case(t->c, t->s, row, &t->v->row, &ci,
                                 "'%s' %s -> %s moved the score %.6g -> %.6g (|change| %.3g > %g)", f->name, oq, vq,
                                 t->base[0], t->out[0], d, x->tol);
            else
                adv_example_case(t->c, t->s, row, &t->v->row, &ci, "'%s' %s -> %s: %s%s%s", f->name, oq, vq,
                                 adv_outcome_name(o), t->why[0] ? ": " : "", t->why);
        }
        adv_variant_reset(t->v, row, (size_t)f->column);
        /* A value that cannot be varied (not a number under a numeric
         * bound) was not tried: it must not count as unchanged. */
        x->tries += varied > 0;
        x->bad += violated;
    }
    return 0;
}

static void inv_finish(mg_check *c)
{
    adv_state *s = NULL;
    inv_run x = {.trials = mg_check_opt_count(c, "trials"), .tol = mg_check_opt_number(c, "tolerance")};
    adv_bound *b = adv_ready_bounds(c, &s, &x.nb);
    if (!b)
        return;
    x.b = b;
    adv_for_each_scored_row(c, s, inv_vary, &x);
    mg_result *res = c->result;
    adv_judge(c, x.bad, x.tries, "row-feature pairs whose score changed", "pairs tried");
    adv_end(c);
    mg_result_prop_number(res, "max_score_change", x.worst);
    mg_result_prop_number(res, "tolerance", x.tol);
    mg_result_prop_number(res, "trials", (double)x.trials);
    if (x.broken)
        mg_result_prop_number(res, "crashes", (double)x.broken);
    free(b);
}

const mg_check_def mg_check_invariance = {
    .name = "invariance", .group = "adversarial", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "changing a feature that must not matter leaves the score within a tolerance",
    .validate = inv_validate, .begin = adv_begin, .row = adv_row, .finish = inv_finish, .free_state = adv_free,
    .save = adv_save, .merge = adv_merge,
};

