/*
 * http.h - models behind a live HTTP scoring service (docs/serving.md).
 *
 * The spec's `"model": {"url": ..., "protocol": ...}` becomes an
 * mg_http_config (harness/spec_model_http.c fills it), handed to
 * mg_model_load through mg_model_spec.http.  The model then scores rows by
 * sending requests with libcurl, `concurrency` of them in flight, in one of
 * four protocols: mgate's JSON Lines, the Open Inference Protocol (v2),
 * KServe v1 / TensorFlow Serving, or MLflow's scoring server.  With
 * `start`, mgate runs the service itself (score/http_service.c) for as long
 * as the model lives.
 *
 * Ownership: the config owns every string in it; mg_http_config_free frees
 * it (NULL is fine).  The model copies what it needs.
 */
#ifndef MG_SCORE_HTTP_H
#define MG_SCORE_HTTP_H

#include <stddef.h>

#include "score/model.h"

typedef enum mg_http_protocol {
    MG_HTTP_JSONL = 0, /* mgate's external scorer protocol, one POST per batch */
    MG_HTTP_V2,        /* Open Inference Protocol: POST /v2/models/NAME/infer */
    MG_HTTP_V1,        /* KServe v1 / TF Serving: {"instances"} -> {"predictions"} */
    MG_HTTP_MLFLOW     /* MLflow: POST /invocations with dataframe_split */
} mg_http_protocol;

/* The text `{PORT}` in url, ready and start is replaced by a free loopback
 * port mgate picks when it starts the service (also passed as $PORT). */
#define MG_HTTP_PORT_PLACEHOLDER "{PORT}"

typedef struct mg_http_config {
    char *url;                  /* the scoring endpoint (may hold {PORT}) */
    mg_http_protocol protocol;
    size_t concurrency;         /* requests in flight; 0 = 1 */
    unsigned retries;           /* extra attempts on connection errors and 503 */
    char **headers;             /* "Name: value" lines, NULL-terminated, or NULL */
    /* The model's features, NULL-terminated (required for v2, v1, mlflow;
     * the jsonl service describes itself).  task: an mg_model_task, or -1
     * when the service describes itself.  classes: multiclass labels. */
    char **features;
    int task;
    char **classes;
    char **start;               /* argv of the service to start, or NULL */
    char *ready;                /* readiness path ("/health") or URL, or NULL */
    double start_timeout;       /* seconds to wait for readiness; 0 = 30 */
} mg_http_config;

void mg_http_config_free(mg_http_config *c);

/* "jsonl", "v2", "v1", "mlflow"; and back (0, or -1 for an unknown name). */
const char *mg_http_protocol_name(mg_http_protocol p);
int mg_http_protocol_from_name(const char *name, mg_http_protocol *out);

/* Rows per request when the spec gives no batch_size. */
#define MG_HTTP_DEFAULT_BATCH 64

/* Rows the caller should hand mg_model_score_batch at once so that
 * `concurrency` requests of `batch_size` rows can be in flight. */
size_t mg_http_rows_per_call(const mg_http_config *c, size_t batch_size);

/* What the transport did, for the reports. */
typedef struct mg_http_stats {
    unsigned long requests; /* HTTP exchanges attempted, retries included */
    unsigned long retries;  /* of which were retries */
    unsigned long failed;   /* requests that ended without a usable answer */
} mg_http_stats;

/* Fills st for an HTTP model and returns 0; -1 for any other model. */
int mg_http_model_stats(const mg_model *m, mg_http_stats *st);

/* The URL requests go to (with the port filled in), or NULL for any other model. */
const char *mg_http_model_url(const mg_model *m);

#endif
