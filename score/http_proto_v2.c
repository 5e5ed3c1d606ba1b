/*
 * http_proto_v2.c - the Open Inference Protocol (KServe v2, Triton):
 *
 *   POST /v2/models/NAME/infer
 *   <- {"inputs": [{"name": "input-0", "shape": [N, F], "datatype": "FP64",
 *                   "data": [row-major N*F numbers, null for missing]}]}
 *   -> {"outputs": [{"name": ..., "shape": [N] | [N, W], "datatype": ...,
 *                    "data": [N*W numbers]}, ...]}
 *
 * The first output is the prediction: W = 1 (regression, binary), W = 2
 * for binary ([p0, p1]: the second is taken), W = K classes (multiclass).
 * A tensor holds numbers only, so rows with text values are refused before
 * sending.  Errors are per request: the protocol has none per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "score/http_proto.h"
#include "score/model.h"

static char *v2_build(const mg_http_shape *s, json_t *const *cells, const unsigned long *ids,
                      size_t n, size_t *len)
{
    (void)ids;
    json_t *data = json_array();
    for (size_t i = 0; i < n * s->nfeatures; i++)
        json_array_append(data, cells[i]);
    json_t *input = json_pack("{s:s, s:[I,I], s:s, s:o}", "name", "input-0", "shape", (json_int_t)n,
                              (json_int_t)s->nfeatures, "datatype", "FP64", "data", data);
    return mg_http_dump_new(json_pack("{s:[o]}", "inputs", input), len);
}

/* The width of each row in the output tensor, checked against its shape. */
static int v2_width(const mg_http_shape *s, const json_t *shape, size_t ndata, size_t n, size_t *width,
                    mg_error *err)
{
    size_t dims = json_array_size(shape), product = 1;
    if (!json_is_array(shape) || dims == 0 || dims > 2)
        return mg_error_set(err, "outputs[0].shape: expected [N] or [N, W], found %s",
                            json_is_array(shape) ? "another number of dimensions" : mg_json_kind(shape));
    for (size_t d = 0; d < dims; d++) {
        json_t *v = json_array_get(shape, d);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return mg_error_set(err, "outputs[0].shape[%zu]: expected a count, found %s", d, mg_json_kind(v));
        product *= (size_t)json_integer_value(v);
    }
    if ((size_t)json_integer_value(json_array_get(shape, 0)) != n)
        return mg_error_set(err, "outputs[0].shape[0] is %lld for the %zu rows sent",
                            (long long)json_integer_value(json_array_get(shape, 0)), n);
    if (product != ndata)
        return mg_error_set(err, "outputs[0] holds %zu values but its shape says %zu", ndata, product);
    *width = dims == 2 ? (size_t)json_integer_value(json_array_get(shape, 1)) : 1;
    int fits = s->task == MG_TASK_MULTICLASS ? *width == s->noutputs
               : s->task == MG_TASK_BINARY   ? (*width == 1 || *width == 2)
                                             : *width == 1;
    if (!fits)
        return mg_error_set(err, "outputs[0]: %zu values per row, expected %s", *width,
                            s->task == MG_TASK_BINARY ? "1 or 2" : s->task == MG_TASK_MULTICLASS ? "one per class" : "1");
    return 0;
}

static long v2_parse(const mg_http_shape *s, const char *body, size_t len, const unsigned long *ids,
                     size_t n, double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    (void)ids;
    (void)row_err;
    json_t *j = mg_http_parse_body(body, len, err);
    if (!j)
        return -1;
    long rc = -1;
    json_t *outputs = json_object_get(j, "outputs");
    json_t *first = json_array_get(outputs, 0);
    json_t *data = json_object_get(first, "data");
    size_t width = 0;
    if (!json_is_object(j))
        mg_error_set(err, "expected a JSON object with \"outputs\", found %s", mg_json_kind(j));
    else if (!json_is_array(outputs) || !json_is_object(first))
        mg_error_set(err, "expected \"outputs\": [{\"shape\": ..., \"data\": [...]}]%s%s",
                     json_is_string(json_object_get(j, "error")) ? "; the service says: " : "",
                     json_is_string(json_object_get(j, "error")) ? json_string_value(json_object_get(j, "error")) : "");
    else if (!json_is_array(data))
        mg_error_set(err, "outputs[0].data: expected a list of numbers, found %s", mg_json_kind(data));
    else if (v2_width(s, json_object_get(first, "shape"), json_array_size(data), n, &width, err) == 0) {
        rc = (long)n;
        for (size_t r = 0; r < n && rc >= 0; r++) {
            for (size_t k = 0; k < width; k++) {
                json_t *v = json_array_get(data, r * width + k);
                if (!json_is_number(v)) {
                    rc = mg_error_set(err, "outputs[0].data[%zu]: expected a number, found %s", r * width + k,
                                      mg_json_kind(v));
                    break;
                }
                /* binary [p0, p1]: keep the second */
                out[r * s->noutputs + (s->task == MG_TASK_BINARY ? 0 : k)] = json_number_value(v);
            }
            ok[r] = 1;
        }
    }
    json_decref(j);
    return rc;
}

const mg_http_proto mg_http_proto_v2 = {MG_HTTP_V2, 1, v2_build, v2_parse};
