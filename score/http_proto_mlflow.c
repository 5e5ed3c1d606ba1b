/*
 * http_proto_mlflow.c - MLflow's scoring server (`mlflow models serve`):
 *
 *   POST /invocations
 *   <- {"dataframe_split": {"columns": ["f1", "f2", ...],
 *                           "data": [[v1, v2, ...], ...]}}   (null for missing)
 *   -> {"predictions": [X, ...]}   (MLflow 2; MLflow 1 answers the bare list)
 *
 * X is a number, or a list (class probabilities; binary [p0, p1] or [p]).
 * Errors are per request ({"error_code": ..., "message": ...} with 4xx/5xx).
 */
#include <stdio.h>
#include <stdlib.h>

#include "score/http_proto.h"

static char *mlflow_build(const mg_http_shape *s, json_t *const *cells, const unsigned long *ids,
                          size_t n, size_t *len)
{
    (void)ids;
    json_t *columns = json_array(), *data = mg_http_rows_matrix(s, cells, n);
    for (size_t i = 0; i < s->nfeatures; i++)
        json_array_append_new(columns, json_string(s->features[i]));
    return mg_http_dump_new(json_pack("{s:{s:o, s:o}}", "dataframe_split", "columns", columns, "data", data), len);
}

static long mlflow_parse(const mg_http_shape *s, const char *body, size_t len, const unsigned long *ids,
                         size_t n, double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    static const mg_http_predictions_answer answer = {
        1, "{\"predictions\": [...]} or a list", "an object without \"predictions\"", "message"};
    (void)ids;
    (void)row_err;
    return mg_http_read_predictions_answer(s, &answer, body, len, n, out, ok, err);
}

const mg_http_proto mg_http_proto_mlflow = {MG_HTTP_MLFLOW, 0, mlflow_build, mlflow_parse};
