#include "checks/adv_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "sources/value_json.h"

/* ------------------------------------------------------------------ */

uint64_t adv_opt_count(const mg_check *c, const char *key, uint64_t def)
{
    const json_t *v = json_object_get(c->options, key);
    if (json_is_integer(v) && json_integer_value(v) >= 0)
        return (uint64_t)json_integer_value(v);
    return def;
}

double adv_opt_number(const mg_check *c, const char *key, double def)
{
    const json_t *v = json_object_get(c->options, key);
    return json_is_number(v) ? json_number_value(v) : def;
}

/* ------------------------------------------------------------------ */

void adv_sample_init(adv_sample *s, size_t cap, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->cap = cap;
    s->rows = mg_xcalloc(cap ? cap : 1, sizeof *s->rows);
    mg_rng_seed(&s->rng, seed);
}

void adv_sample_offer(adv_sample *s, const mg_row *row)
{
    s->seen++;
    if (s->cap == 0)
        return;
    if (s->n < s->cap) {
        s->rows[s->n++] = mg_row_dup(row);
        return;
    }
    uint64_t j = mg_rng_below(&s->rng, s->seen);
    if (j < s->cap) {
        mg_row_free(s->rows[j]);
        s->rows[j] = mg_row_dup(row);
    }
}

static int by_index(const void *a, const void *b)
{
    const mg_row *x = *(const mg_row *const *)a, *y = *(const mg_row *const *)b;
    return (x->index > y->index) - (x->index < y->index);
}

void adv_sample_sort(adv_sample *s)
{
    if (s->n > 1)
        qsort(s->rows, s->n, sizeof *s->rows, by_index);
}

void adv_sample_free(adv_sample *s)
{
    for (size_t i = 0; i < s->n; i++)
        mg_row_free(s->rows[i]);
    free(s->rows);
    memset(s, 0, sizeof *s);
}

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
 * "external scorer: why".  Native models never fail that way. */
static int speaks_of_crash(const char *msg)
{
    /* At the start only: a refusal's message quotes the data ("feature
     * 'amount': expected a number, found '...'"), and data may say anything. */
    static const char prefix[] = "external scorer '";
    return strncmp(msg, prefix, sizeof prefix - 1) == 0;
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

json_t *adv_row_input(const adv_feature *f, size_t nf, const mg_row *row)
{
    json_t *o = json_object();
    for (size_t i = 0; i < nf; i++) {
        if (f[i].column < 0 || (size_t)f[i].column >= row->nvalues)
            continue;
        json_t *v = mg_value_json(&row->values[f[i].column]);
        if (v)
            json_object_set_new(o, f[i].name, v);
    }
    return o;
}

int adv_json_row_init(adv_json_row *r, const json_t *obj, const char *const *columns,
                      size_t ncolumns, char *msg, size_t size)
{
    memset(r, 0, sizeof *r);
    r->ncolumns = ncolumns;
    r->values = mg_xcalloc(ncolumns ? ncolumns : 1, sizeof *r->values);
    r->owned = mg_xcalloc(ncolumns ? ncolumns : 1, sizeof *r->owned);
    for (size_t i = 0; i < ncolumns; i++) {
        r->values[i].kind = MG_VALUE_ABSENT;
        r->values[i].text = "";
    }
    r->row.nvalues = ncolumns;
    r->row.values = r->values;
    r->row.nfields_found = ncolumns;
    r->row.line = 1;
    if (!json_is_object(obj)) {
        snprintf(msg, size, "expected \"input\" to be an object of field values");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t c = 0;
        while (c < ncolumns && strcmp(columns[c], key) != 0)
            c++;
        if (c == ncolumns)
            continue; /* not a model feature: unused by native models */
        mg_value *val = &r->values[c];
        if (json_is_null(v)) {
            val->kind = MG_VALUE_NULL;
        } else if (json_is_boolean(v)) {
            val->kind = MG_VALUE_BOOL;
            val->num = json_is_true(v);
            val->text = json_is_true(v) ? "true" : "false";
            val->len = strlen(val->text);
        } else if (json_is_number(v)) {
            val->kind = MG_VALUE_NUMBER;
            val->num = json_number_value(v);
            r->owned[c] = mg_xasprintf("%.17g", val->num);
            val->text = r->owned[c];
            val->len = strlen(val->text);
        } else if (json_is_string(v)) {
            val->kind = MG_VALUE_TEXT;
            val->text = json_string_value(v);
            val->len = json_string_length(v);
            val->quoted = 1;
        } else {
            snprintf(msg, size, "field '%s': expected a number, string, boolean or null", key);
            return -1;
        }
    }
    return 0;
}

void adv_json_row_free(adv_json_row *r)
{
    for (size_t i = 0; r->owned && i < r->ncolumns; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->values);
    memset(r, 0, sizeof *r);
}

const char *adv_row_id(const mg_check_env *env, const mg_row *row, char *buf, size_t size)
{
    long c = env->role_column[MG_ROLE_ID];
    if (c >= 0 && (size_t)c < row->nvalues && !mg_value_is_missing(&row->values[c]))
        snprintf(buf, size, "%.*s", (int)(row->values[c].len > 60 ? 60 : row->values[c].len),
                 row->values[c].text);
    else
        snprintf(buf, size, "line %lu", row->line);
    return buf;
}

/* ------------------------------------------------------------------ */

void adv_begin_sample(mg_check *c, uint64_t def_sample)
{
    adv_state *s = mg_xcalloc(1, sizeof *s);
    s->seed = adv_opt_count(c, "seed", 0);
    uint64_t n = adv_opt_count(c, "sample", def_sample);
    if (n > 100000)
        n = 100000;
    adv_sample_init(&s->sample, (size_t)n, s->seed);
    c->state = s;
}

void adv_begin(mg_check *c)
{
    adv_begin_sample(c, 100);
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

void adv_example(mg_check *c, const mg_row *row, const char *case_line, const char *fmt, ...)
{
    if (c->result->nexamples >= c->env->examples) {
        c->result->examples_total++; /* counted without formatting */
        return;
    }
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (case_line)
        mg_check_example(c, row->line, NULL, "%s; as a fixture case: %s", what, case_line);
    else
        mg_check_example(c, row->line, NULL, "%s", what);
}

/* ------------------------------------------------------------------ */

int adv_bounds_validate(const json_t *obj, char *msg, size_t size)
{
    if (!json_is_object(obj))
        return 0; /* the kind check reported it */
    const char *key;
    json_t *b;
    json_object_foreach((json_t *)obj, key, b) {
        if (!json_is_object(b)) {
            snprintf(msg, size, "feature '%s': expected an object such as {\"rel\": 0.1}, "
                                "{\"abs\": 5} or {\"values\": [\"a\", \"b\"]}", key);
            return -1;
        }
        const char *k;
        json_t *v;
        int any = 0;
        json_object_foreach(b, k, v) {
            if (!strcmp(k, "abs") || !strcmp(k, "rel")) {
                if (!json_is_number(v) || !(json_number_value(v) >= 0)) {
                    snprintf(msg, size, "feature '%s': '%s' expected a number >= 0", key, k);
                    return -1;
                }
                any = 1;
            } else if (!strcmp(k, "min") || !strcmp(k, "max")) {
                if (!json_is_number(v)) {
                    snprintf(msg, size, "feature '%s': '%s' expected a number", key, k);
                    return -1;
                }
            } else if (!strcmp(k, "values")) {
                if (!json_is_array(v) || json_array_size(v) == 0) {
                    snprintf(msg, size, "feature '%s': 'values' expected a non-empty list", key);
                    return -1;
                }
                any = 1;
            } else {
                snprintf(msg, size, "feature '%s': unknown key '%s' (expected abs, rel, values, min, max)",
                         key, k);
                return -1;
            }
        }
        if (!any) {
            snprintf(msg, size, "feature '%s': give \"abs\", \"rel\" or \"values\"", key);
            return -1;
        }
    }
    return 0;
}

adv_bound *adv_bounds_parse(const json_t *obj, const adv_feature *f, size_t nf, size_t *n,
                            char *msg, size_t size)
{
    size_t cap = json_is_object(obj) ? json_object_size(obj) : 0;
    adv_bound *out = mg_xcalloc(cap ? cap : 1, sizeof *out);
    size_t k = 0;
    const char *key;
    json_t *b;
    json_object_foreach((json_t *)obj, key, b) {
        long i = adv_feature_find(f, nf, key);
        if (i < 0 || f[i].column < 0) {
            snprintf(msg, size, "feature '%s' is %s", key,
                     i < 0 ? "not a feature of the model" : "not in the data");
            free(out);
            return NULL;
        }
        adv_bound *x = &out[k++];
        x->feature = i;
        x->abs = json_number_value(json_object_get(b, "abs"));
        x->rel = json_number_value(json_object_get(b, "rel"));
        const json_t *mn = json_object_get(b, "min"), *mx = json_object_get(b, "max");
        x->has_min = json_is_number(mn);
        x->has_max = json_is_number(mx);
        x->min = json_number_value(mn);
        x->max = json_number_value(mx);
        x->values = json_object_get(b, "values");
    }
    *n = k;
    return out;
}

double adv_bound_radius(const adv_bound *b, double x)
{
    return b->abs + b->rel * fabs(x);
}

double adv_bound_clamp(const adv_bound *b, double x)
{
    if (b->has_min && x < b->min)
        x = b->min;
    if (b->has_max && x > b->max)
        x = b->max;
    return x;
}

mg_value adv_json_as_value(const json_t *v, char *numbuf, size_t size)
{
    mg_value out = {MG_VALUE_NULL, "", 0, 0.0, 0};
    if (json_is_string(v)) {
        out.kind = MG_VALUE_TEXT;
        out.text = json_string_value(v);
        out.len = json_string_length(v);
        out.quoted = 1;
    } else if (json_is_number(v)) {
        out.kind = MG_VALUE_NUMBER;
        out.num = json_number_value(v);
        snprintf(numbuf, size, "%.17g", out.num);
        out.text = numbuf;
        out.len = strlen(numbuf);
    } else if (json_is_boolean(v)) {
        out.kind = MG_VALUE_BOOL;
        out.num = json_is_true(v);
        out.text = json_is_true(v) ? "true" : "false";
        out.len = strlen(out.text);
    }
    return out;
}

double adv_uniform(mg_rng *r)
{
    return (double)(mg_rng_next(r) >> 11) * 0x1.0p-53;
}

int adv_perturb(adv_variant *v, const mg_row *base, const adv_bound *b, long col, mg_rng *r,
                char *catbuf)
{
    const mg_value *orig = &base->values[col];
    if (b->values) {
        size_t n = json_array_size(b->values);
        /* Another value than the current one when there is one. */
        for (int tries = 0; tries < 8; tries++) {
            const json_t *pick = json_array_get(b->values, (size_t)mg_rng_below(r, n));
            mg_value val = adv_json_as_value(pick, catbuf, 40);
            int same = val.len == orig->len && memcmp(val.text, orig->text, val.len) == 0;
            if (!same || tries == 7) {
                adv_variant_set(v, (size_t)col, val);
                return 0;
            }
        }
        return 0;
    }
    double x;
    if (mg_value_to_double(orig, &x) != 0 || !isfinite(x))
        return -1;
    double rad = adv_bound_radius(b, x);
    double y = adv_bound_clamp(b, x + (2.0 * adv_uniform(r) - 1.0) * rad);
    adv_variant_set_number(v, (size_t)col, y);
    return 0;
}

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

adv_bound *adv_ready_bounds(mg_check *c, adv_state **state, size_t *n)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return NULL;
    char msg[512];
    adv_bound *b = adv_bounds_parse(json_object_get(c->options, "features"), s->f, s->nf, n, msg, sizeof msg);
    if (!b) {
        c->result->status = MG_STATUS_ERROR;
        mg_result_set_message(c->result, "%s", msg);
        return NULL;
    }
    *state = s;
    return b;
}
