/*
 * robustness.c - the `robustness` check: seeded perturbations of the
 * sampled rows within the bounds the spec gives per feature (relative or
 * absolute noise for numbers, swaps among values for categories), all the
 * bounded features at once, `trials` times per row.  Gates on the rate of
 * decision flips (`max_flip_rate`) and the largest score change
 * (`max_score_change`).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    ADV_OPT_BOUNDS("the bounds of the noise"),
    ADV_OPT_SAMPLING(100),
    {.key = "trials", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10), .help = "perturbed copies of each sampled row"},
    ADV_OPT_THRESHOLD,
    {.key = "max_flip_rate", .kind = MG_OPT_RATE, .when_absent = "not judged (give it or max_score_change)",
     .help = "the largest rate of decision flips that passes"},
    {.key = "max_score_change", .kind = MG_OPT_NUMBER, .when_absent = "not judged (give it or max_flip_rate)",
     .help = "the largest change of any output that passes"},
    {.key = NULL},
};

static int rob_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    if (adv_bounds_required(o, key, msg, size,
                            "the bounds of the noise, e.g. {\"amount\": {\"rel\": 0.05}, "
                            "\"currency\": {\"values\": [\"EUR\", \"USD\"]}}") != 0)
        return -1;
    if (!json_object_get(o, "max_flip_rate") && !json_object_get(o, "max_score_change")) {
        *key = NULL;
        snprintf(msg, size, "give \"max_flip_rate\" and/or \"max_score_change\": what the gate allows");
        return -1;
    }
    return 0;
}

/* What the robustness trials found over the rows. */
typedef struct rob_run {
    const adv_bound *b;
    size_t nb;
    char (*cat)[40];      /* per bound: a printed categorical number */
    uint64_t trials;
    double threshold;
    const json_t *msc;    /* max_score_change, or NULL */
    int task;
    double worst;         /* the largest change of any output */
    uint64_t tries, flips, failures;
} rob_run;

/* Perturbs every bounded feature of one row at once, `trials` times. */
static int rob_vary(adv_trial *t, void *ctx)
{
    rob_run *x = ctx;
    const mg_row *row = t->row;
    size_t k = t->noutputs;
    int d0 = adv_decision(x->task, t->base, k, x->threshold);
    char num[24];
    for (uint64_t n = 0; n < x->trials && !t->s->broke; n++) {
        int changed = 0;
        for (size_t j = 0; j < x->nb; j++)
            changed |= adv_perturb(t->v, row, &x->b[j], t->s->f[x->b[j].feature].column, t->rng, x->cat[j]) == 0;
        if (!changed)
            break;
        x->tries++;
        adv_outcome o = adv_trial_score(t);
        double d = o == ADV_SCORED ? adv_trial_change(t) : 0;
        int flip = o == ADV_SCORED && x->task != MG_TASK_REGRESSION &&
                   adv_decision(x->task, t->out, k, x->threshold) != d0;
        int over = o == ADV_SCORED && json_is_number(x->msc) && d > json_number_value(x->msc);
        if (o == ADV_SCORED)
            x->worst = fmax(x->worst, d);
        x->flips += flip;
        if (o != ADV_SCORED)
            x->failures++;
        if (!flip && !over && o == ADV_SCORED)
            continue;
        snprintf(num, sizeof num, "%llu", (unsigned long long)n);
        json_t *expect = x->task == MG_TASK_BINARY ? json_pack("{s:i}", "label", d0) : NULL;
        adv_case_info ci = {"robustness", num, expect, "adversarial",
                            "a small perturbation must not change the decision"};
        if (o != ADV_SCORED)
            adv_example_case(t->c, t->s, row, &t->v->row, &ci, "perturbed row: %s%s%s", adv_outcome_name(o),
                             t->why[0] ? ": " : "", t->why);
        else
            adv_example_case(t->c, t->s, row, &t->v->row, &ci,
                             "perturbed row scores %.6g, original %.6g (change %.3g)%s", t->out[0], t->base[0], d,
                             flip ? ": the decision flips" : "");
        json_decref(expect);
    }
    return 0;
}

/* Fails on any variant that did not score, a flip rate over max_flip_rate
 * or a score change over max_score_change. */
static void rob_judge(mg_check *c, const rob_run *x, const json_t *mfr)
{
    mg_result *res = c->result;
    const json_t *msc = x->msc;
    uint64_t tries = x->tries, flips = x->flips, failures = x->failures;
    double worst = x->worst;
    double rate = tries ? (double)flips / (double)tries : 0;
    int fail = failures > 0 || (json_is_number(mfr) && rate > json_number_value(mfr)) ||
               (json_is_number(msc) && worst > json_number_value(msc));
    res->status = fail ? MG_STATUS_FAIL : MG_STATUS_PASS;
    if (tries == 0) {
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "no sampled row could be perturbed (no scorable row with numeric bounded features)");
    } else if (failures) {
        mg_result_set_message(res, "%llu of %llu perturbed rows did not score (non-finite, rejected or crashed)",
                              (unsigned long long)failures, (unsigned long long)tries);
    } else {
        char bounds[160] = "";
        size_t o = 0;
        if (json_is_number(mfr))
            o += (size_t)snprintf(bounds + o, sizeof bounds - o, "max_flip_rate %g", json_number_value(mfr));
        if (json_is_number(msc))
            snprintf(bounds + o, sizeof bounds - o, "%smax_score_change %g", o ? ", " : "",
                     json_number_value(msc));
        mg_result_set_message(res, "%llu decision flips in %llu perturbed rows (rate %.4g), largest score "
                                   "change %.4g: %s %s",
                              (unsigned long long)flips, (unsigned long long)tries, rate, worst,
                              fail ? "exceeds" : "within", bounds);
    }
    mg_result_prop_number(res, "tries", (double)tries);
    mg_result_prop_number(res, "trials", (double)x->trials);
    mg_result_prop_number(res, "flips", (double)flips);
    mg_result_prop_number(res, "flip_rate", rate);
    mg_result_prop_number(res, "max_score_change", worst);
    mg_result_prop_number(res, "unscored", (double)failures);
    if (x->task == MG_TASK_BINARY)
        mg_result_prop_number(res, "decision_threshold", x->threshold);
    if (json_is_number(mfr))
        mg_result_prop_number(res, "max_flip_rate", json_number_value(mfr));
    if (json_is_number(msc))
        mg_result_prop_number(res, "max_score_change_allowed", json_number_value(msc));
}

static void rob_finish(mg_check *c)
{
    adv_state *s = NULL;
    size_t nb = 0;
    adv_bound *b = adv_ready_bounds(c, &s, &nb);
    if (!b)
        return;
    const json_t *mfr = json_object_get(c->options, "max_flip_rate");
    const json_t *msc = json_object_get(c->options, "max_score_change");
    rob_run x = {.b = b, .nb = nb, .trials = mg_check_opt_count(c, "trials"),
                 .threshold = mg_check_opt_number(c, "threshold"), .msc = msc,
                 .task = mg_model_get_task(c->env->model)};
    x.cat = mg_xcalloc(nb ? nb : 1, sizeof *x.cat);
    adv_for_each_scored_row(c, s, rob_vary, &x);
    rob_judge(c, &x, mfr);
    adv_end(c);
    free(x.cat);
    free(b);
}

const mg_check_def mg_check_robustness = {
    .name = "robustness", .group = "adversarial", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "seeded perturbations within per-feature bounds: rate of decision flips, largest score change",
    .validate = rob_validate, .begin = adv_begin, .row = adv_row, .finish = rob_finish, .free_state = adv_free,
    .save = adv_save, .merge = adv_merge,
};
