/*
 * spec_model.c - the gate spec's "model" and "baseline_model" sections: a
 * model file (its format detected or named), or an external scorer's
 * command, with its timeout and batch size, and the data column of each
 * model feature.
 */
#include "harness/spec_loader.h"

#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"
#include "harness/spec_model_http.h"
#include "score/model.h"

/* "features": a list of distinct column names, one per model feature.  Their
 * count and presence in the data are checked when the run opens both. */
static void load_model_features(loader *L, const json_t *list, mg_model_ref *ref)
{
    push_key(L, "features");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        errorf(L, 0, "expected the data column of each model feature, in the model's order, e.g. [\"age\", \"income\"]");
        pop(L);
        return;
    }
    size_t n = json_array_size(list);
    ref->features = mg_xcalloc(n + 1, sizeof *ref->features);
    ref->feature_at = mg_xcalloc(n + 1, sizeof *ref->feature_at);
    ref->nfeatures = n;
    ref->features_at = position_now(L);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        push_index(L, i);
        ref->feature_at[i] = position_now(L);
        if (!json_is_string(v) || json_string_length(v) == 0) {
            errorf(L, 0, "expected a column name, found %s", json_is_string(v) ? "an empty string" : mg_json_kind(v));
            ref->features[i] = mg_xstrdup("");
        } else {
            ref->features[i] = mg_xstrdup(json_string_value(v));
            for (size_t j = 0; j < i; j++)
                if (strcmp(ref->features[j], ref->features[i]) == 0)
                    errorf(L, 0, "column '%s' is named twice (also at [%zu]): each feature needs its own column",
                           ref->features[i], j);
        }
        pop(L);
    }
    pop(L);
}

/* An error at `key` of the model object (NULL: the object), for spec_model_http.c. */
static void report_model_key(void *ctx, const char *key, const char *msg)
{
    loader *L = ctx;
    if (key)
        push_key(L, key);
    errorf(L, 0, "%s", msg);
    if (key)
        pop(L);
}

void load_model(loader *L, mg_spec *s, const json_t *model, const char *section, mg_model_ref *ref)
{
    static const char *const keys[] = {"path", "format", "command", "timeout", "batch_size", "features",
                                       MG_SPEC_MODEL_HTTP_KEYS, NULL};
    push_key(L, section);
    if (json_is_string(model)) {
        ref->path = resolve_member(L, s, NULL, json_string_value(model));
        pop(L);
        return;
    }
    if (!json_is_object(model)) {
        errorf(L, 0, "expected a model path or an object with \"path\" or \"command\", found %s",
               mg_json_kind(model));
        pop(L);
        return;
    }
    check_keys(L, model, keys, section);
    const char *p = NULL;
    if (get_string(L, model, "path", &p) == 1)
        ref->path = resolve_member(L, s, "path", p);
    const char *f = NULL;
    if (get_string(L, model, "format", &f) == 1) {
        if (mg_model_format_parse(f) == MG_MODEL_AUTO) {
            push_key(L, "format");
            errorf(L, 0, "unknown model format '%s'; expected \"xgboost\", \"linear\" or \"pmml\"", f);
            pop(L);
        } else {
            ref->format = mg_xstrdup(f);
        }
    }
    const json_t *cmd = json_object_get(model, "command");
    if (cmd) {
        push_key(L, "command");
        if (!json_is_array(cmd) || json_array_size(cmd) == 0) {
            errorf(L, 0, "expected the scorer's argv as a list of strings, e.g. [\"python3\", \"score.py\"]");
        } else {
            size_t n = json_array_size(cmd);
            ref->command = mg_xcalloc(n + 1, sizeof *ref->command);
            for (size_t i = 0; i < n; i++) {
                const json_t *a = json_array_get(cmd, i);
                if (!json_is_string(a)) {
                    push_index(L, i);
                    errorf(L, 0, "expected a string, found %s", mg_json_kind(a));
                    pop(L);
                    ref->command[i] = mg_xstrdup("");
                } else {
                    ref->command[i] = mg_xstrdup(json_string_value(a));
                }
            }
        }
        pop(L);
    }
    if (ref->path && ref->command)
        errorf(L, 0, "give either \"path\" or \"command\", not both");
    if (json_object_get(model, "url")) /* an HTTP service: docs/serving.md */
        mg_spec_model_http_load(model, ref, report_model_key, L);
    else if (!ref->path && !ref->command && !json_object_get(model, "path") && !cmd)
        errorf(L, 0, "missing \"path\" (a model file) or \"command\" (an external scorer)");
    double t;
    if (get_number(L, model, "timeout", &t) == 1) {
        if (!(t > 0)) {
            push_key(L, "timeout");
            errorf(L, 0, "expected a positive number of seconds");
            pop(L);
        }
        ref->timeout_seconds = t;
    }
    uint64_t b;
    if (get_count(L, model, "batch_size", &b) == 1)
        ref->batch_size = (size_t)b;
    if (json_object_get(model, "features"))
        load_model_features(L, json_object_get(model, "features"), ref);
    pop(L);
}


void model_ref_free(mg_model_ref *ref)
{
    if (ref->command)
        for (size_t i = 0; ref->command[i]; i++)
            free(ref->command[i]);
    free(ref->command);
    mg_http_config_free(ref->http);
    free(ref->path);
    free(ref->format);
    for (size_t i = 0; i < ref->nfeatures; i++) {
        free(ref->features[i]);
        free(ref->feature_at[i]);
    }
    free(ref->features);
    free(ref->feature_at);
    free(ref->features_at);
}
