/*
 * http_proto.h - the request/response mapping of each HTTP scoring protocol
 * (one file each: http_proto_jsonl.c, _v2.c, _v1.c, _mlflow.c), behind one
 * table.  Private to score/ (and its unit tests).
 *
 * A mapping never sees rows or bindings: the model hands it each row's
 * feature values as JSON (numbers, null for missing, strings for other
 * text), so the mapping is pure JSON in, text out, and text in, numbers
 * out.  All JSON goes through jansson.
 */
#ifndef MG_SCORE_HTTP_PROTO_H
#define MG_SCORE_HTTP_PROTO_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"
#include "score/http.h"

/* What a mapping needs to know of the model. */
typedef struct mg_http_shape {
    size_t nfeatures;
    const char *const *features; /* names, in the model's order */
    int task;                    /* an mg_model_task */
    size_t noutputs;             /* 1, or K classes */
} mg_http_shape;

typedef struct mg_http_proto {
    mg_http_protocol id;
    /* 1: every value must be a number or null (a numeric tensor); rows with
     * other text are refused before anything is sent. */
    int numbers_only;
    /* The request body for n rows: cells holds n * nfeatures borrowed
     * values, row-major; ids the 0-based data rows.  Returns a malloc'd
     * text and its length in *len. */
    char *(*build)(const mg_http_shape *s, json_t *const *cells, const unsigned long *ids,
                   size_t n, size_t *len);
    /* Parses a successful (2xx) response body for the same n rows: fills
     * out[n * noutputs] and ok[n] (a row the service refused: ok 0, NaN,
     * its reason in row_err when row_err is still empty).  Returns the rows
     * scored, or -1 with err saying what is wrong with the body. */
    long (*parse)(const mg_http_shape *s, const char *body, size_t len, const unsigned long *ids,
                  size_t n, double *out, unsigned char *ok, mg_error *row_err, mg_error *err);
} mg_http_proto;

const mg_http_proto *mg_http_proto_get(mg_http_protocol p);

extern const mg_http_proto mg_http_proto_jsonl, mg_http_proto_v2, mg_http_proto_v1,
    mg_http_proto_mlflow;

/* jsonl: reads the service's description (the body of a GET on its URL,
 * the first line of the external scorer protocol) into names, task and
 * classes (malloc'd, NULL-terminated).  0, or -1 with err. */
int mg_http_jsonl_describe(const char *body, char ***features, int *task, char ***classes,
                           char **objective, mg_error *err);

/* --- helpers shared by the mappings (http_proto.c) --- */

/* Parses a whole body as one JSON value; NULL with err quoting its start. */
json_t *mg_http_parse_body(const char *body, size_t len, mg_error *err);

/* Reads one row's prediction: a number, or an array of numbers (one per
 * class for multiclass; binary also takes [p] or [p0, p1], the positive
 * class being the second).  0, or -1 with err (no row prefix). */
int mg_http_read_outputs(const mg_http_shape *s, const json_t *pred, double *o, mg_error *err);

/* Reads an array of n predictions, one per row (v1, mlflow). */
long mg_http_read_prediction_list(const mg_http_shape *s, const json_t *preds, const char *what,
                                  size_t n, double *out, unsigned char *ok, mg_error *err);

/* The n rows as a JSON list of lists of their feature cells, in the
 * model's order (v1 "instances", mlflow "data"); new reference. */
json_t *mg_http_rows_matrix(const mg_http_shape *s, json_t *const *cells, size_t n);

/* How an answer of the form {"predictions": [...]} is read (KServe v1,
 * MLflow), and what its errors say. */
typedef struct mg_http_predictions_answer {
    int bare_list_ok;           /* a bare list is the predictions too (MLflow 1) */
    const char *expected;       /* the form expected, e.g. "a JSON object with \"predictions\"" */
    const char *object_without; /* what an object without "predictions" is called */
    const char *message_key;    /* the key where the service says why */
} mg_http_predictions_answer;

/* Reads body as such an answer for n rows into out/ok.  The number of rows
 * scored, or -1 with err. */
long mg_http_read_predictions_answer(const mg_http_shape *s, const mg_http_predictions_answer *a, const char *body,
                                     size_t len, size_t n, double *out, unsigned char *ok, mg_error *err);

/* Dumps j compactly (ASCII) into a malloc'd text; steals j. */
char *mg_http_dump_new(json_t *j, size_t *len);

/* The first line of text (at most size - 1 bytes, control bytes shown as
 * spaces), into buf. */
const char *mg_http_first_line(const char *text, size_t len, char *buf, size_t size);

#endif
