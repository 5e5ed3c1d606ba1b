/*
 * bounds.c - the per-feature bounds of robustness, invariance and
 * adversarial_search ("features": {"amount": {"rel": 0.1}, ...}): their
 * validation, their parsing against the model's features, and seeded
 * perturbation of a row within them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"


int adv_bounds_required(const json_t *o, const char **key, char *msg, size_t size, const char *example)
{
    *key = "features";
    if (!json_object_get(o, "features")) {
        snprintf(msg, size, "missing \"features\": %s", example);
        return -1;
    }
    return adv_bounds_validate(json_object_get(o, "features"), msg, size);
}

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
