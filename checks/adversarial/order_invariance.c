/*
 * order_invariance.c - the `order_invariance` check: a row's score must
 * not depend on the order or repetition of the rows around it.  The sampled
 * rows are scored in data order, then again shuffled (seeded) with some of
 * them repeated (`duplicates`, a rate of the sample), each in one batch as
 * the scorer sees them.  Every row's scores are compared per id.  For a
 * native model this is a sanity check; for an external scorer it catches
 * hidden state (a running count, a cache keyed on position).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    ADV_OPT_SAMPLING(100),
    {.key = "duplicates", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.1),
     .help = "fraction of the sample repeated at random places in the shuffled order"},
    {.key = "tolerance", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(1e-9),
     .help = "the largest change of a row's scores that counts as the same"},
    {.key = NULL},
};

/* Scores rows[order[i]] for i < n in one batch.  Returns 0 or -1 with msg. */
static int score_in(mg_check *c, mg_row *const *rows, const size_t *order, size_t n, double *out,
                    unsigned char *ok, char *msg, size_t size)
{
    mg_row *batch = mg_xcalloc(n ? n : 1, sizeof *batch);
    for (size_t i = 0; i < n; i++)
        batch[i] = *rows[order[i]];
    mg_error row_err = {{0}}, err = {{0}};
    long got = mg_model_score_batch(c->env->model, c->env->binding, batch, n, out, ok, &row_err, &err);
    free(batch);
    if (got < 0) {
        snprintf(msg, size, "%s", err.msg);
        return -1;
    }
    return 0;
}

static void ord_finish(mg_check *c)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    mg_result *res = c->result;
    size_t n = s->sample.n;
    double dup_rate = mg_check_opt_number(c, "duplicates");
    double tol = mg_check_opt_number(c, "tolerance");
    size_t ndup = (size_t)ceil(dup_rate * (double)n);
    size_t total = n + ndup;
    size_t k = mg_model_noutputs(c->env->model);
    mg_rng rng;
    mg_rng_seed(&rng, s->seed);

    size_t *order = mg_xcalloc(total, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    double *first = mg_xcalloc(n * k + 1, sizeof *first);
    unsigned char *ok1 = mg_xcalloc(n + 1, 1);
    char msg[1024];
    if (score_in(c, s->sample.rows, order, n, first, ok1, msg, sizeof msg) != 0) {
        res->status = MG_STATUS_FAIL;
        mg_result_set_message(res, "the scorer failed on the rows in data order: %s", msg);
        goto out;
    }
    /* Shuffled, with ndup rows repeated at random places (Fisher-Yates). */
    for (size_t i = 0; i < ndup; i++)
        order[n + i] = (size_t)mg_rng_below(&rng, n);
    for (size_t i = total - 1; i > 0; i--) {
        size_t j = (size_t)mg_rng_below(&rng, i + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    double *second = mg_xcalloc(total * k + 1, sizeof *second);
    unsigned char *ok2 = mg_xcalloc(total + 1, 1);
    if (score_in(c, s->sample.rows, order, total, second, ok2, msg, sizeof msg) != 0) {
        res->status = MG_STATUS_FAIL;
        mg_result_set_message(res, "the scorer failed on the shuffled rows: %s", msg);
        free(second);
        free(ok2);
        goto out;
    }
    uint64_t changed = 0, compared = 0;
    double worst = 0;
    unsigned char *flagged = mg_xcalloc(n + 1, 1);
    char rid[80];
    for (size_t i = 0; i < total; i++) {
        size_t r = order[i];
        if (!ok1[r] && !ok2[i])
            continue; /* rejected both times: consistent */
        compared++;
        double d = 0;
        int differ = ok1[r] != ok2[i];
        for (size_t q = 0; !differ && q < k; q++) {
            double a = first[r * k + q], b = second[i * k + q];
            if (isnan(a) != isnan(b))
                differ = 1;
            else if (!isnan(a))
                d = fmax(d, fabs(a - b));
        }
        if (!differ && !(d > tol)) {
            continue;
        }
        worst = fmax(worst, d);
        changed++;
        if (flagged[r])
            continue;
        flagged[r] = 1;
        const mg_row *row = s->sample.rows[r];
        adv_row_id(c->env, row, rid, sizeof rid);
        json_t *expect = ok1[r] ? json_pack("{s:f}", "score", first[r * k]) : NULL;
        adv_case_info ci = {"order", NULL, expect, "regression", "the score must not depend on the rows scored before"};
        if (ok1[r] && ok2[i])
            adv_example_case(c, s, row, row, &ci, "%s: score %.6g in data order, %.6g at position %zu of %zu "
                                                  "after shuffling and repeating rows",
                             rid, first[r * k], second[i * k], i + 1, total);
        else
            adv_example_case(c, s, row, row, &ci, "%s: %s in data order, %s at position %zu of %zu after shuffling",
                             rid, ok1[r] ? "scored" : "rejected", ok2[i] ? "scored" : "rejected", i + 1, total);
        json_decref(expect);
    }
    free(flagged);
    adv_judge(c, changed, compared, "scores that changed with the order or repetition of rows", "scores compared");
    mg_result_prop_number(res, "duplicates", (double)ndup);
    mg_result_prop_number(res, "max_score_change", worst);
    mg_result_prop_number(res, "tolerance", tol);
    free(second);
    free(ok2);
out:
    free(order);
    free(first);
    free(ok1);
}

const mg_check_def mg_check_order_invariance = {
    .name = "order_invariance", .group = "adversarial", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "scores do not depend on the order or repetition of rows (seeded shuffle, repeats)",
    .begin = adv_begin, .row = adv_row, .finish = ord_finish, .free_state = adv_free,
    .save = adv_save, .merge = adv_merge,
};
