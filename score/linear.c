/*
 * linear.c - linear and logistic models in mgate's own JSON format:
 *
 *   {"type": "linear"|"logistic", "features": [names], "weights": [numbers],
 *    "bias": number, "missing": "error"|"zero"}
 *
 * prediction = x.w + b (linear) or 1 / (1 + exp(-(x.w + b))) (logistic), in
 * double precision.  A missing feature value makes the row unscorable unless
 * "missing" is "zero" (the value counts as 0).  Unknown keys are errors.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/name_index.h"
#include "common/xmem.h"
#include "score/model_internal.h"

typedef struct linear_model {
    double *weights;
    double bias;
    int logistic;
    int missing_zero;
} linear_model;

static void linear_free(void *impl)
{
    linear_model *l = impl;
    if (!l)
        return;
    free(l->weights);
    free(l);
}

static int linear_score_row(mg_model *m, const mg_binding *b, const mg_row *row, double *out,
                            mg_error *err)
{
    linear_model *l = m->impl;
    double z = l->bias;
    for (size_t i = 0; i < m->nfeatures; i++) {
        double v;
        int rc = mg_feature_number(m, b, row, i, &v, err);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            if (!l->missing_zero)
                return mg_error_set(err, "feature '%s': missing value (the model has no "
                                         "missing-value rule; add \"missing\": \"zero\")",
                                    m->feature_names[i]);
            continue;
        }
        z += v * l->weights[i];
    }
    out[0] = l->logistic ? 1.0 / (1.0 + exp(-z)) : z;
    return 0;
}

static const mg_model_ops linear_ops = {linear_free, linear_score_row, NULL, NULL};

static mg_model *linear_fail(mg_model *m)
{
    mg_model_free(m);
    return NULL;
}

/* Reads the feature names and their weights.  Duplicate names are found
 * with a hash index: comparing every pair took seconds at 100k features. */
static int load_features(mg_model *m, linear_model *l, json_t *feats, json_t *w, const char *path,
                         mg_error *err)
{
    size_t n = json_array_size(feats);
    m->nfeatures = n;
    m->feature_names = mg_xcalloc(n, sizeof *m->feature_names);
    l->weights = mg_xcalloc(n, sizeof *l->weights);
    mg_name_index names;
    mg_name_index_init(&names);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *name = json_string_value(json_array_get(feats, i));
        json_t *wi = json_array_get(w, i);
        long first = name && *name ? mg_name_index_add(&names, name, i) : -1;
        if (!name || !*name)
            rc = mg_error_set(err, "%s: 'features'[%zu]: expected a non-empty string", path, i);
        else if (first >= 0)
            rc = mg_error_set(err, "%s: 'features'[%zu]: duplicate feature '%s' (first at [%ld])",
                              path, i, name, first);
        else if (!json_is_number(wi) || !isfinite(json_number_value(wi)))
            rc = mg_error_set(err, "%s: 'weights'[%zu]: expected a number", path, i);
        else {
            m->feature_names[i] = mg_xstrdup(name);
            l->weights[i] = json_number_value(wi);
        }
    }
    mg_name_index_free(&names);
    return rc;
}

mg_model *mg_linear_from_json(json_t *root, const char *path, mg_error *err)
{
    mg_model *m = mg_model_alloc(&linear_ops, MG_MODEL_LINEAR);
    linear_model *l = mg_xcalloc(1, sizeof *l);
    m->impl = l;
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        if (strcmp(key, "type") && strcmp(key, "features") && strcmp(key, "weights") &&
            strcmp(key, "bias") && strcmp(key, "missing")) {
            mg_error_set(err, "%s: '%s': unknown key (expected type, features, weights, bias, "
                              "missing)", path, key);
            return linear_fail(m);
        }
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type || (strcmp(type, "linear") != 0 && strcmp(type, "logistic") != 0)) {
        mg_error_set(err, "%s: 'type': expected \"linear\" or \"logistic\"", path);
        return linear_fail(m);
    }
    l->logistic = strcmp(type, "logistic") == 0;
    m->task = l->logistic ? MG_TASK_BINARY : MG_TASK_REGRESSION;
    m->objective = mg_xstrdup(type);
    m->noutputs = 1;
    json_t *miss = json_object_get(root, "missing");
    if (miss) {
        const char *s = json_string_value(miss);
        if (!s || (strcmp(s, "zero") != 0 && strcmp(s, "error") != 0)) {
            mg_error_set(err, "%s: 'missing': expected \"error\" or \"zero\"", path);
            return linear_fail(m);
        }
        l->missing_zero = strcmp(s, "zero") == 0;
    }
    json_t *feats = json_object_get(root, "features");
    json_t *w = json_object_get(root, "weights");
    json_t *bias = json_object_get(root, "bias");
    if (!json_is_array(feats) || json_array_size(feats) == 0) {
        mg_error_set(err, "%s: 'features': expected a non-empty array of names", path);
        return linear_fail(m);
    }
    if (!json_is_array(w) || json_array_size(w) != json_array_size(feats)) {
        mg_error_set(err, "%s: 'weights': expected an array of %zu numbers (one per feature)",
                     path, json_array_size(feats));
        return linear_fail(m);
    }
    if (!json_is_number(bias) || !isfinite(json_number_value(bias))) {
        mg_error_set(err, "%s: 'bias': expected a number", path);
        return linear_fail(m);
    }
    l->bias = json_number_value(bias);
    if (load_features(m, l, feats, w, path, err) != 0)
        return linear_fail(m);
    return m;
}
