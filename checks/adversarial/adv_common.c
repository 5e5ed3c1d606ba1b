/*
 * adv_common.c - what the adversarial checks share (adv_common.h): the
 * model's features, row variants, guarded scoring, and the state and
 * handlers of a sampling check.  The seeded sample of rows is in sample.c
 * (its state for sharded runs in sample_state.c), rows as JSON in
 * row_json.c, feature bounds in bounds.c.
 */
#include "checks/adversarial/adv_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

/* ------------------------------------------------------------------ */

adv_feature *adv_features(const mg_check_env *env, size_t *n)
{
    size_t nf = env->model ? mg_model_nfeatures(env->model) : 0;
    adv_feature *f = mg_xcalloc(nf ? nf : 1, sizeof *f);
    for (size_t i = 0; i < nf; i++) {
        /* Named as the data names it when the spec maps the features. */
        const char *name = env->feature_columns ? env->feature_columns[i] : mg_model_feature_name(env->model, i);
        char pos[32];
        if (!name) {
            snprintf(pos, sizeof pos, "f%zu", i);
            name = pos;
        }
        f[i].name = mg_xstrdup(name);
        f[i].column = env->binding ? mg_binding_column(env->binding, i) : -1;
    }
    *n = nf;
    return f;
}

void adv_features_free(adv_feature *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++)
        free(f[i].name);
    free(f);
}

long adv_feature_find(const adv_feature *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* ------------------------------------------------------------------ */

void adv_variant_init(adv_variant *v, const mg_row *base)
{
    size_t n = base->nvalues;
    v->values = mg_xcalloc(n ? n : 1, sizeof *v->values);
    if (n)
        memcpy(v->values, base->values, n * sizeof *v->values);
    v->numtext = mg_xcalloc(n ? n : 1, sizeof *v->numtext);
    v->row = *base;
    v->row.values = v->values;
}

void adv_variant_set(adv_variant *v, size_t col, mg_value value)
{
    if (col < v->row.nvalues)
        v->values[col] = value;
}

void adv_variant_set_number(adv_variant *v, size_t col, double x)
{
    if (col >= v->row.nvalues)
        return;
    char *t = v->numtext[col];
    if (isnan(x))
        snprintf(t, sizeof v->numtext[col], "NaN");
    else if (isinf(x))
        snprintf(t, sizeof v->numtext[col], "%sInfinity", x < 0 ? "-" : "");
    else
        snprintf(t, sizeof v->numtext[col], "%.17g", x);
    mg_value val = {MG_VALUE_NUMBER, t, strlen(t), x, 0};
    v->values[col] = val;
}

void adv_variant_reset(adv_variant *v, const mg_row *base, size_t col)
{
    if (col < v->row.nvalues && col < base->nvalues)
        v->values[col] = base->values[col];
}

void adv_variant_free(adv_variant *v)
{
    free(v->values);
    free(v->numtext);
    v->values = NULL;
    v->numtext = NULL;
}

/* ------------------------------------------------------------------ */

const char *adv_outcome_name(adv_outcome o)
{
    switch (o) {
    case ADV_SCORED: return "score";
    case ADV_NONFINITE: return "non-finite";
    case ADV_REJECTED: return "reject";
    case ADV_BROKEN: return "crash";
    }
    return "?";
}

/* A batch-level failure of an external scorer (it exited, was killed, timed
 * out, or broke the protocol): score/external.c words those as
 * "external scorer 'NAME'...", while a row it refuses is
 * "external scorer: why" (HTTP services likewise: "HTTP scorer 'URL'...").
 * Native models never fail that way. */
static int speaks_of_crash(const char *msg)
{
    /* At the start only: a refusal's message quotes the data ("feature
     * 'amount': expected a number, found '...'"), and data may say anything. */
    static const char prefix[] = "external scorer '";
    /* An HTTP service that does not answer usably: score/http_score.c. */
    static const char http_prefix[] = "HTTP scorer '";
    return strncmp(msg, prefix, sizeof prefix - 1) == 0 || strncmp(msg, http_prefix, sizeof http_prefix - 1) == 0;
}

adv_outcome adv_score(mg_model *m, const mg_binding *b, const mg_row *row, const mg_row *probe,
                      double *out, char *msg, size_t size)
{
    mg_error err = {{0}};
    if (size)
        msg[0] = '\0';
    int rc = mg_model_score_row(m, b, row, out, &err);
    if (rc == MG_SCORE_NONFINITE) {
        snprintf(msg, size, "%s", err.msg);
        return ADV_NONFINITE;
    }
    if (rc != 0) {
        snprintf(msg, size, "%s", err.msg);
        if (speaks_of_crash(err.msg))
            return ADV_BROKEN;
        if (probe) {
            size_t k = mg_model_noutputs(m);
            double tmp[k ? k : 1];
            mg_error perr = {{0}};
            if (mg_model_score_row(m, b, probe, tmp, &perr) != 0) {
                snprintf(msg, size, "%s (afterwards a valid row no longer scores: %s)", err.msg,
                         perr.msg);
                return ADV_BROKEN;
            }
        }
        return ADV_REJECTED;
    }
    size_t k = mg_model_noutputs(m);
    for (size_t i = 0; i < k; i++)
        if (!isfinite(out[i]))
            return ADV_NONFINITE;
    return ADV_SCORED;
}

int adv_decision(int task, const double *scores, size_t n, double threshold)
{
    if (task == MG_TASK_BINARY)
        return scores[0] >= threshold;
    if (task == MG_TASK_MULTICLASS) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (scores[i] > scores[best])
                best = i;
        return (int)best;
    }
    return 0;
}

/* ------------------------------------------------------------------ */

void adv_begin(mg_check *c)
{
    adv_state *s = mg_xcalloc(1, sizeof *s);
    s->seed = mg_check_opt_count(c, "seed");
    uint64_t n = mg_check_opt_count(c, "sample");
    if (n > 100000)
        n = 100000;
    adv_sample_init(&s->sample, (size_t)n, s->seed);
    c->state = s;
}

void adv_row(mg_check *c, const mg_row *row)
{
    adv_state *s = c->state;
    adv_sample_offer(&s->sample, row);
}

void adv_free(mg_check *c)
{
    adv_state *s = c->state;
    if (!s)
        return;
    adv_sample_free(&s->sample);
    adv_features_free(s->f, s->nf);
    free(s->own);
    free(s->broke);
    free(s);
    c->state = NULL;
}

adv_state *adv_ready(mg_check *c)
{
    adv_state *s = c->state;
    mg_result *res = c->result;
    mg_result_prop_number(res, "seed", (double)s->seed);
    mg_result_prop_number(res, "rows_sampled", (double)s->sample.n);
    if (!c->env->model || !c->env->binding) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "check '%s' needs a model to score rows of its own making; "
                                   "scores from a prediction column cannot be perturbed",
                              c->def->name);
        return NULL;
    }
    if (s->sample.n == 0) {
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "no rows to try");
        return NULL;
    }
    adv_sample_sort(&s->sample);
    s->f = adv_features(c->env, &s->nf);
    return s;
}

int adv_score_base(mg_check *c, adv_state *s, const mg_row *row, double *out)
{
    char why[MG_ERROR_MAX];
    adv_outcome o = adv_score(c->env->model, c->env->binding, row, NULL, out, why, sizeof why);
    if (o == ADV_SCORED)
        return 1;
    if (o != ADV_BROKEN)
        return 0;
    if (!s->broke) {
        s->broke = mg_xstrdup(why);
        adv_example(c, row, NULL, "scoring the row itself: %s", why);
    }
    return -1;
}

void adv_end(mg_check *c)
{
    adv_state *s = c->state;
    if (!s || !s->broke)
        return;
    c->result->status = MG_STATUS_FAIL;
    mg_result_set_message(c->result, "the scorer broke, the check stopped: %s", s->broke);
    mg_result_prop_number(c->result, "crashes", 1);
}

int adv_examples_full(mg_check *c)
{
    if (c->result->nexamples < c->env->examples)
        return 0;
    c->result->examples_total++; /* counted without formatting */
    return 1;
}

void adv_example(mg_check *c, const mg_row *row, const char *case_line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    adv_example_v(c, row, case_line, fmt, ap);
    va_end(ap);
}

void adv_example_v(mg_check *c, const mg_row *row, const char *case_line, const char *fmt, va_list ap)
{
    if (adv_examples_full(c))
        return;
    char what[1024];
    vsnprintf(what, sizeof what, fmt, ap);
    if (case_line)
        mg_check_example(c, row->line, NULL, "%s; as a fixture case: %s", what, case_line);
    else
        mg_check_example(c, row->line, NULL, "%s", what);
}

/* ------------------------------------------------------------------ */
void adv_judge(mg_check *c, uint64_t count, uint64_t tries, const char *what, const char *unit)
{
    uint64_t rows = c->rows;
    c->rows = tries;
    mg_check_judge(c, count, what);
    c->rows = rows;
    mg_result *res = c->result;
    mg_result_prop_number(res, "tries", (double)tries);
    if (tries == 0) {
        /* Nothing tried is no evidence: skipped, never passed. */
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "no %s: nothing could be tried (the model rejected every sampled row, or "
                                   "no value could be varied)", unit);
        return;
    }
    /* mg_check_judge speaks of rows; these are tries (variants, pairs). */
    double rate = tries ? (double)count / (double)tries : 0.0;
    char bound[96];
    if (c->has_max_count && c->has_max_rate)
        snprintf(bound, sizeof bound, "max_count %llu, max_rate %g", (unsigned long long)c->max_count,
                 c->max_rate);
    else if (c->has_max_rate)
        snprintf(bound, sizeof bound, "max_rate %g", c->max_rate);
    else
        snprintf(bound, sizeof bound, "max_count %llu",
                 (unsigned long long)(c->has_max_count ? c->max_count : 0));
    if (count == 0)
        mg_result_set_message(res, "no %s in %llu %s", what, (unsigned long long)tries, unit);
    else
        mg_result_set_message(res, "%llu %s (rate %.4g of %llu %s) %s %s", (unsigned long long)count, what,
                              rate, (unsigned long long)tries, unit,
                              res->status == MG_STATUS_FAIL ? "exceeds" : "within", bound);
}
