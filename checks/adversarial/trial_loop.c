/*
 * trial_loop.c - the loop the sampling checks share: score each sampled
 * row, hand the rows the model scores to the check to vary, score the
 * variants, and offer what went wrong as fixture cases.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

void adv_for_each_scored_row(mg_check *c, adv_state *s, int (*vary)(adv_trial *t, void *ctx), void *ctx)
{
    size_t k = mg_model_noutputs(c->env->model);
    double *base = mg_xcalloc(k ? k : 1, sizeof *base), *out = mg_xcalloc(k ? k : 1, sizeof *out);
    mg_rng rng;
    adv_trial *t = mg_xcalloc(1, sizeof *t);
    for (size_t r = 0; r < s->sample.n && !s->broke; r++) {
        const mg_row *row = s->sample.rows[r];
        int sb = adv_score_base(c, s, row, base);
        if (sb < 0)
            break; /* the scorer broke */
        if (sb == 0)
            continue; /* only rows the model scores are varied */
        /* Seeded per row: its variants are the same whichever other
         * rows were sampled, and however the data was sharded. */
        mg_rng_seed(&rng, adv_row_seed(s->seed, row->line));
        adv_variant v;
        adv_variant_init(&v, row);
        *t = (adv_trial){.c = c, .s = s, .row = row, .base = base, .noutputs = k, .v = &v, .out = out, .rng = &rng};
        adv_row_id(c->env, row, t->rid, sizeof t->rid);
        int stop = vary(t, ctx);
        adv_variant_free(&v);
        if (stop)
            break;
    }
    free(t);
    free(base);
    free(out);
}

adv_outcome adv_trial_score(adv_trial *t)
{
    adv_outcome o = adv_score(t->c->env->model, t->c->env->binding, &t->v->row, t->row, t->out, t->why,
                              sizeof t->why);
    if (o == ADV_BROKEN && !t->s->broke)
        t->s->broke = mg_xstrdup(t->why);
    return o;
}

double adv_trial_change(const adv_trial *t)
{
    double d = 0;
    for (size_t q = 0; q < t->noutputs; q++)
        d = fmax(d, fabs(t->out[q] - t->base[q]));
    return d;
}

void adv_example_case(mg_check *c, const adv_state *s, const mg_row *row, const mg_row *input,
                      const adv_case_info *ci, const char *fmt, ...)
{
    if (adv_examples_full(c))
        return; /* counted, without building the case */
    json_t *in = adv_row_input(s->f, s->nf, input);
    char id[160], rid[80];
    adv_row_id(c->env, row, rid, sizeof rid);
    if (ci->suffix)
        snprintf(id, sizeof id, "%s-%s-%s", ci->kind, rid, ci->suffix);
    else
        snprintf(id, sizeof id, "%s-%s", ci->kind, rid);
    char *line = adv_case_line(id, in, ci->expect, ci->tag, ci->note);
    json_decref(in);
    va_list ap;
    va_start(ap, fmt);
    adv_example_v(c, row, line, fmt, ap);
    va_end(ap);
    free(line);
}
