/*
 * spec_model_http.h - the gate spec's HTTP model: a "model" (or
 * "baseline_model") object with a "url" (docs/serving.md).  The spec loader
 * calls mg_spec_model_http_load once for such an object; the keys shared
 * with other models (timeout, batch_size, features) stay the loader's.
 */
#ifndef MG_HARNESS_SPEC_MODEL_HTTP_H
#define MG_HARNESS_SPEC_MODEL_HTTP_H

#include <jansson.h>

#include "harness/spec.h"
#include "score/http.h"

/* The keys only an HTTP model has, for the loader's unknown-key check. */
#define MG_SPEC_MODEL_HTTP_KEYS \
    "url", "protocol", "concurrency", "headers", "retries", "task", "classes", "start", "ready", "start_timeout"

/* Reports an error at `key` of the model object (NULL: at the object). */
typedef void (*mg_spec_model_report)(void *ctx, const char *key, const char *msg);

/*
 * Reads the HTTP keys of `model` into a new ref->http (freed with the spec
 * by mg_http_config_free).  Every problem goes to report; what is valid is
 * kept, so that all errors are found in one pass.
 */
void mg_spec_model_http_load(const json_t *model, mg_model_ref *ref, mg_spec_model_report report, void *ctx);

#endif
