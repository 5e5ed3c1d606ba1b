/*
 * http_proto.c - the protocol table and what the mappings share: reading a
 * body as JSON, reading one row's prediction, reading a list of them.
 */
#include "score/http_proto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"
#include "score/model.h"

const mg_http_proto *mg_http_proto_get(mg_http_protocol p)
{
    switch (p) {
    case MG_HTTP_V2: return &mg_http_proto_v2;
    case MG_HTTP_V1: return &mg_http_proto_v1;
    case MG_HTTP_MLFLOW: return &mg_http_proto_mlflow;
    default: return &mg_http_proto_jsonl;
    }
}

static const char *const protocol_names[] = {"jsonl", "v2", "v1", "mlflow"};

const char *mg_http_protocol_name(mg_http_protocol p)
{
    return (unsigned)p < sizeof protocol_names / sizeof *protocol_names ? protocol_names[p] : "?";
}

int mg_http_protocol_from_name(const char *name, mg_http_protocol *out)
{
    for (size_t i = 0; i < sizeof protocol_names / sizeof *protocol_names; i++)
        if (strcmp(name, protocol_names[i]) == 0) {
            *out = (mg_http_protocol)i;
            return 0;
        }
    return -1;
}

const char *mg_http_first_line(const char *text, size_t len, char *buf, size_t size)
{
    size_t n = 0;
    while (len > 0 && (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')) {
        text++;
        len--;
    }
    for (size_t i = 0; text && i < len && n + 1 < size && text[i] != '\n'; i++) {
        unsigned char c = (unsigned char)text[i];
        buf[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

json_t *mg_http_parse_body(const char *body, size_t len, mg_error *err)
{
    json_error_t je;
    size_t blank = 0;
    while (body && blank < len && strchr(" \t\r\n", body[blank]))
        blank++;
    if (!body || blank == len) {
        mg_error_set(err, "the response body is empty");
        return NULL;
    }
    json_t *j = json_loadb(body, len, JSON_DECODE_ANY, &je);
    if (!j) {
        char line[80];
        mg_http_first_line(body, len, line, sizeof line);
        mg_error_set(err, "the response is not JSON (%s at byte %d): '%s'", je.text, je.position, line);
    }
    return j;
}

json_t *mg_http_rows_matrix(const mg_http_shape *s, json_t *const *cells, size_t n)
{
    json_t *rows = json_array();
    for (size_t r = 0; r < n; r++) {
        json_t *row = json_array();
        for (size_t i = 0; i < s->nfeatures; i++)
            json_array_append(row, cells[r * s->nfeatures + i]);
        json_array_append_new(rows, row);
    }
    return rows;
}

long mg_http_read_predictions_answer(const mg_http_shape *s, const mg_http_predictions_answer *a, const char *body,
                                     size_t len, size_t n, double *out, unsigned char *ok, mg_error *err)
{
    json_t *j = mg_http_parse_body(body, len, err);
    if (!j)
        return -1;
    long rc;
    json_t *preds = a->bare_list_ok && json_is_array(j) ? j : json_object_get(j, "predictions");
    json_t *why = json_object_get(j, a->message_key);
    if (!preds)
        rc = mg_error_set(err, "expected %s, found %s%s%s", a->expected,
                          json_is_object(j) ? a->object_without : mg_json_kind(j),
                          json_is_string(why) ? "; the service says: " : "",
                          json_is_string(why) ? json_string_value(why) : "");
    else
        rc = mg_http_read_prediction_list(s, preds, "predictions", n, out, ok, err);
    json_decref(j);
    return rc;
}

char *mg_http_dump_new(json_t *j, size_t *len)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    if (!s) /* only out of memory; the request then fails at the service */
        s = mg_xstrdup("");
    *len = strlen(s);
    return s;
}

int mg_http_read_outputs(const mg_http_shape *s, const json_t *pred, double *o, mg_error *err)
{
    if (json_is_number(pred) && s->task != MG_TASK_MULTICLASS) {
        o[0] = json_number_value(pred);
        return 0;
    }
    size_t k = json_array_size(pred);
    int fits = json_is_array(pred) &&
               (s->task == MG_TASK_MULTICLASS ? k == s->noutputs
                : s->task == MG_TASK_BINARY   ? (k == 1 || k == 2)
                                              : k == 1);
    for (size_t i = 0; fits && i < k; i++)
        fits = json_is_number(json_array_get(pred, i));
    if (!fits) {
        if (s->task == MG_TASK_MULTICLASS)
            return mg_error_set(err, "expected a list of %zu class probabilities, found %s", s->noutputs,
                                json_is_array(pred) ? "a list of another length or kind" : mg_json_kind(pred));
        return mg_error_set(err, "expected a number%s, found %s",
                            s->task == MG_TASK_BINARY ? " (or [p] or [p0, p1])" : "",
                            json_is_array(pred) ? "a list of another length or kind" : mg_json_kind(pred));
    }
    if (s->task == MG_TASK_BINARY) {
        /* [p0, p1]: the probability of the positive class is the second. */
        o[0] = json_number_value(json_array_get(pred, k - 1));
        return 0;
    }
    for (size_t i = 0; i < k; i++)
        o[i] = json_number_value(json_array_get(pred, i));
    return 0;
}

long mg_http_read_prediction_list(const mg_http_shape *s, const json_t *preds, const char *what,
                                  size_t n, double *out, unsigned char *ok, mg_error *err)
{
    if (!json_is_array(preds))
        return mg_error_set(err, "expected %s to be a list of predictions, found %s", what, mg_json_kind(preds));
    if (json_array_size(preds) != n)
        return mg_error_set(err, "%s holds %zu predictions for the %zu rows sent", what, json_array_size(preds), n);
    for (size_t r = 0; r < n; r++) {
        mg_error e;
        if (mg_http_read_outputs(s, json_array_get(preds, r), out + r * s->noutputs, &e) != 0)
            return mg_error_set(err, "%s[%zu]: %s", what, r, e.msg);
        ok[r] = 1;
    }
    return (long)n;
}
