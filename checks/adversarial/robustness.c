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

static int rob_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "features";
    if (!json_object_get(o, "features")) {
        snprintf(msg, size, "missing \"features\": the bounds of the noise, e.g. "
                            "{\"amount\": {\"rel\": 0.05}, \"currency\": {\"values\": [\"EUR\", \"USD\"]}}");
        return -1;
    }
    if (adv_bounds_validate(json_object_get(o, "features"), msg, size) != 0)
        return -1;
    if (!json_object_get(o, "max_flip_rate") && !json_object_get(o, "max_score_change")) {
        *key = NULL;
        snprintf(msg, size, "give \"max_flip_rate\" and/or \"max_score_change\": what the gate allows");
        return -1;
    }
    return 0;
}

static void rob_finish(mg_check *c)
{
    adv_state *s = NULL;
    size_t nb = 0;
    adv_bound *b = adv_ready_bounds(c, &s, &nb);
    if (!b)
        return;
    mg_result *res = c->result;
    uint64_t trials = mg_check_opt_count(c, "trials");
    double threshold = mg_check_opt_number(c, "threshold");
    const json_t *mfr = json_object_get(c->options, "max_flip_rate");
    const json_t *msc = json_object_get(c->options, "max_score_change");
    mg_model *m = c->env->model;
    int task = mg_model_get_task(m);
    size_t k = mg_model_noutputs(m);
    double *base = mg_xcalloc(k, sizeof *base), *out = mg_xcalloc(k, sizeof *out);
    mg_rng rng;
    mg_rng_seed(&rng, s->seed);
    uint64_t tries = 0, flips = 0, failures = 0;
    double worst = 0;
    char (*cat)[40] = mg_xcalloc(nb ? nb : 1, sizeof *cat);
    char why[512], rid[80];
    for (size_t r = 0; r < s->sample.n && !s->broke; r++) {
        const mg_row *row = s->sample.rows[r];
        int sb = adv_score_base(c, s, row, base);
        if (sb < 0)
            break; /* the scorer broke */
        if (sb == 0)
            continue; /* only rows the model scores are varied */
        int d0 = adv_decision(task, base, k, threshold);
        adv_variant v;
        adv_variant_init(&v, row);
        for (uint64_t t = 0; t < trials && !s->broke; t++) {
            int changed = 0;
            for (size_t j = 0; j < nb; j++)
                changed |= adv_perturb(&v, row, &b[j], s->f[b[j].feature].column, &rng, cat[j]) == 0;
            if (!changed)
                break;
            tries++;
            adv_outcome o = adv_score(m, c->env->binding, &v.row, row, out, why, sizeof why);
            double d = 0;
            for (size_t q = 0; o == ADV_SCORED && q < k; q++)
                d = fmax(d, fabs(out[q] - base[q]));
            int flip = o == ADV_SCORED && task != MG_TASK_REGRESSION &&
                       adv_decision(task, out, k, threshold) != d0;
            int over = o == ADV_SCORED && json_is_number(msc) && d > json_number_value(msc);
            if (o == ADV_SCORED)
                worst = fmax(worst, d);
            flips += flip;
            if (o != ADV_SCORED)
                failures++;
            if (o == ADV_BROKEN && !s->broke)
                s->broke = mg_xstrdup(why);
            if (flip || over || o != ADV_SCORED) {
                json_t *in = adv_row_input(s->f, s->nf, &v.row);
                char cid[128];
                snprintf(cid, sizeof cid, "robustness-%s-%llu", adv_row_id(c->env, row, rid, sizeof rid),
                         (unsigned long long)t);
                json_t *expect = task == MG_TASK_BINARY ? json_pack("{s:i}", "label", d0) : NULL;
                char *line = adv_case_line(cid, in, expect, "adversarial",
                                           "a small perturbation must not change the decision");
                json_decref(expect);
                json_decref(in);
                if (o != ADV_SCORED)
                    adv_example(c, row, line, "perturbed row: %s%s%s", adv_outcome_name(o),
                                why[0] ? ": " : "", why);
                else
                    adv_example(c, row, line, "perturbed row scores %.6g, original %.6g (change %.3g)%s",
                                out[0], base[0], d, flip ? ": the decision flips" : "");
                free(line);
            }
        }
        adv_variant_free(&v);
    }
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
    mg_result_prop_number(res, "trials", (double)trials);
    mg_result_prop_number(res, "flips", (double)flips);
    mg_result_prop_number(res, "flip_rate", rate);
    mg_result_prop_number(res, "max_score_change", worst);
    mg_result_prop_number(res, "unscored", (double)failures);
    if (task == MG_TASK_BINARY)
        mg_result_prop_number(res, "decision_threshold", threshold);
    if (json_is_number(mfr))
        mg_result_prop_number(res, "max_flip_rate", json_number_value(mfr));
    if (json_is_number(msc))
        mg_result_prop_number(res, "max_score_change_allowed", json_number_value(msc));
    adv_end(c);
    free(cat);
    free(base);
    free(out);
    free(b);
}

static const mg_opt_def rob_options[] = {
    ADV_OPT_BOUNDS("the bounds of the noise"),
    ADV_OPT_SAMPLE(100),
    ADV_OPT_SEED,
    {.key = "trials", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10), .help = "perturbed copies of each sampled row"},
    {.key = "threshold", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.5),
     .help = "binary decision threshold (multiclass: the argmax)"},
    {.key = "max_flip_rate", .kind = MG_OPT_RATE, .when_absent = "not judged (give it or max_score_change)",
     .help = "the largest rate of decision flips that passes"},
    {.key = "max_score_change", .kind = MG_OPT_NUMBER, .when_absent = "not judged (give it or max_flip_rate)",
     .help = "the largest change of any output that passes"},
    {.key = NULL},
};

const mg_check_def mg_check_robustness = {
    .name = "robustness",
    .group = "adversarial",
    .summary = "seeded perturbations within per-feature bounds: rate of decision flips, largest score change",
    .options = rob_options,
    .needs = MG_NEEDS_SCORES,
    .validate = rob_validate,
    .begin = adv_begin,
    .row = adv_row,
    .finish = rob_finish,
    .free_state = adv_free,
};
