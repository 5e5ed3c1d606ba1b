/*
 * http_proto_v1.c - KServe v1 / TensorFlow Serving's REST predict API:
 *
 *   POST /v1/models/NAME:predict
 *   <- {"instances": [[f1, f2, ...], ...]}     (features in the model's order,
 *                                               null for missing)
 *   -> {"predictions": [X, ...]}               one per row: a number, or a
 *                                               list (class probabilities;
 *                                               binary [p0, p1] or [p])
 *
 * Errors are per request ({"error": "..."} with a 4xx/5xx status).
 */
#include <stdio.h>
#include <stdlib.h>

#include "score/http_proto.h"

static char *v1_build(const mg_http_shape *s, json_t *const *cells, const unsigned long *ids,
                      size_t n, size_t *len)
{
    (void)ids;
    return mg_http_dump_new(json_pack("{s:o}", "instances", mg_http_rows_matrix(s, cells, n)), len);
}

static long v1_parse(const mg_http_shape *s, const char *body, size_t len, const unsigned long *ids,
                     size_t n, double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    static const mg_http_predictions_answer answer = {
        0, "a JSON object with \"predictions\"", "none", "error"};
    (void)ids;
    (void)row_err;
    return mg_http_read_predictions_answer(s, &answer, body, len, n, out, ok, err);
}

const mg_http_proto mg_http_proto_v1 = {MG_HTTP_V1, 0, v1_build, v1_parse};
