/*
 * http_proto_jsonl.c - mgate's own JSON Lines scorer protocol (the external
 * scorer's, README.md "External scorers") over HTTP:
 *
 *   GET URL   -> the description line {"features": [...], "task": ...,
 *                "classes": [...], "objective": ...}
 *   POST URL  <- {"batch": N} then N lines {"id": ROW, "features": {...}}
 *             -> N lines {"prediction": X} | {"probabilities": [...]} |
 *                {"error": "why"}, in order (an optional "id" must match)
 *
 * The only protocol here with per-row errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"
#include "score/http_proto.h"
#include "score/jsonl_request.h"
#include "score/model.h"

static char *jsonl_build(const mg_http_shape *s, json_t *const *cells, const unsigned long *ids,
                         size_t n, size_t *len)
{
    json_t **feats = mg_xcalloc(n + 1, sizeof *feats);
    for (size_t r = 0; r < n; r++) {
        feats[r] = json_object();
        for (size_t i = 0; i < s->nfeatures; i++)
            json_object_set(feats[r], s->features[i], cells[r * s->nfeatures + i]);
    }
    char *text = mg_jsonl_request(n, ids, feats, len);
    free(feats);
    return text;
}

/* One reply line for row r.  0 (scored or refused), or -1 with err. */
static int jsonl_line(const mg_http_shape *s, const char *line, size_t len, unsigned long id, double *o,
                      unsigned char *ok, mg_error *row_err, mg_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(line, len, 0, &je);
    char shown[64];
    mg_http_first_line(line, len, shown, sizeof shown);
    int rc = 0;
    json_t *idv = json_object_get(j, "id");
    json_t *e = json_object_get(j, "error");
    json_t *pred = json_object_get(j, s->task == MG_TASK_MULTICLASS ? "probabilities" : "prediction");
    mg_error why;
    if (!json_is_object(j)) {
        rc = mg_error_set(err, "expected a JSON object, found '%s'", shown);
    } else if (idv && (!json_is_integer(idv) || json_integer_value(idv) != (json_int_t)id)) {
        rc = mg_error_set(err, "it answers another row (id does not match %lu)", id);
    } else if (e) {
        for (size_t k = 0; k < s->noutputs; k++)
            o[k] = NAN;
        *ok = 0;
        if (row_err && !row_err->msg[0])
            mg_error_set(row_err, "HTTP scorer: %.200s", json_is_string(e) ? json_string_value(e) : "error");
    } else if (!pred || mg_http_read_outputs(s, pred, o, &why) != 0) {
        rc = mg_error_set(err, "expected {\"%s\": ...} or {\"error\": ...}, found '%s'",
                          s->task == MG_TASK_MULTICLASS ? "probabilities" : "prediction", shown);
    } else {
        *ok = 1;
    }
    json_decref(j);
    return rc;
}

static long jsonl_parse(const mg_http_shape *s, const char *body, size_t len, const unsigned long *ids,
                        size_t n, double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    size_t r = 0, pos = 0;
    long scored = 0;
    while (pos < len) {
        const char *nl = memchr(body + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - body) : len;
        size_t ll = end - pos;
        if (ll > 0 && body[pos + ll - 1] == '\r')
            ll--;
        if (ll > 0) {
            if (r == n)
                return mg_error_set(err, "more reply lines than the %zu rows sent", n);
            mg_error e;
            if (jsonl_line(s, body + pos, ll, ids[r], out + r * s->noutputs, &ok[r], row_err, &e) != 0)
                return mg_error_set(err, "reply line %zu: %s", r + 1, e.msg);
            scored += ok[r];
            r++;
        }
        pos = end + 1;
    }
    if (r != n)
        return mg_error_set(err, "%zu reply lines for the %zu rows sent", r, n);
    return scored;
}

static char **string_list(const json_t *a)
{
    size_t n = json_array_size(a);
    char **out = mg_xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(a, i);
        out[i] = json_is_string(v) ? mg_xstrdup(json_string_value(v)) : mg_xasprintf("%zu", i);
    }
    return out;
}

int mg_http_jsonl_describe(const char *body, char ***features, int *task, char ***classes,
                           char **objective, mg_error *err)
{
    json_error_t je;
    size_t len = body ? strcspn(body, "\n") : 0;
    json_t *j = body ? json_loadb(body, len, 0, &je) : NULL;
    const char *t = json_string_value(json_object_get(j, "task"));
    json_t *feats = json_object_get(j, "features"), *cls = json_object_get(j, "classes");
    int rc = 0;
    if (!json_is_object(j))
        rc = mg_error_set(err, "its description (GET) is not a JSON object");
    else if (!t || (strcmp(t, "regression") && strcmp(t, "binary") && strcmp(t, "multiclass")))
        rc = mg_error_set(err, "description: 'task' must be \"regression\", \"binary\" or \"multiclass\"");
    else if (!json_is_array(feats) || json_array_size(feats) == 0)
        rc = mg_error_set(err, "description: 'features' must be a non-empty array of names");
    else if (strcmp(t, "multiclass") == 0 && (!json_is_array(cls) || json_array_size(cls) < 2))
        rc = mg_error_set(err, "description: a multiclass service must list its 'classes'");
    for (size_t i = 0; rc == 0 && i < json_array_size(feats); i++)
        if (!json_is_string(json_array_get(feats, i)))
            rc = mg_error_set(err, "description: features[%zu] is not a string", i);
    if (rc == 0) {
        *task = t[0] == 'r' ? MG_TASK_REGRESSION : t[0] == 'b' ? MG_TASK_BINARY : MG_TASK_MULTICLASS;
        *features = string_list(feats);
        *classes = *task == MG_TASK_MULTICLASS ? string_list(cls) : NULL;
        const char *obj = json_string_value(json_object_get(j, "objective"));
        *objective = mg_xstrdup(obj ? obj : t);
    }
    json_decref(j);
    return rc;
}

const mg_http_proto mg_http_proto_jsonl = {MG_HTTP_JSONL, 0, jsonl_build, jsonl_parse};
