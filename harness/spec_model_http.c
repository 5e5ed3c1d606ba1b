/*
 * spec_model_http.c - reads the HTTP keys of a model object into an
 * mg_http_config (score/http.h).  The format is documented in
 * docs/serving.md ("The spec").
 */
#include "harness/spec_model_http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"
#include "score/http.h"
#include "score/model.h"

#define MAX_CONCURRENCY 64
#define MAX_RETRIES 10

typedef struct reader {
    mg_spec_model_report report;
    void *ctx;
} reader;

static void fail(const reader *R, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(const reader *R, const char *key, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    R->report(R->ctx, key, msg);
}

/* A non-empty list of non-empty strings, copied NULL-terminated; NULL (and
 * reported) when the value is anything else. */
static char **string_list(const reader *R, const json_t *model, const char *key, const char *example)
{
    const json_t *v = json_object_get(model, key);
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_array_get(v, i)) || json_string_length(json_array_get(v, i)) == 0)
            n = 0;
    if (!json_is_array(v) || n == 0) {
        fail(R, key, "expected a non-empty list of non-empty strings, e.g. %s", example);
        return NULL;
    }
    char **out = mg_xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = mg_xstrdup(json_string_value(json_array_get(v, i)));
    return out;
}

/* A whole number in [lo, hi]; 0 when absent, 1 when read, -1 reported. */
static int whole(const reader *R, const json_t *model, const char *key, long lo, long hi, long *out)
{
    const json_t *v = json_object_get(model, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        fail(R, key, "expected a whole number from %ld to %ld, found %s", lo, hi,
             json_is_integer(v) ? "one outside that range" : mg_json_kind(v));
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 1;
}

/* "headers": {"Name": "value"} -> "Name: value" lines. */
static char **headers(const reader *R, const json_t *obj)
{
    if (!json_is_object(obj)) {
        fail(R, "headers", "expected an object of header names and values, e.g. {\"Authorization\": \"Bearer ${TOKEN}\"}");
        return NULL;
    }
    char **out = mg_xcalloc(json_object_size(obj) + 1, sizeof *out);
    size_t n = 0;
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)obj, name, v) {
        const char *value = json_string_value(v);
        if (!value || name[0] == '\0' || strpbrk(name, ": \t\r\n") || strpbrk(value, "\r\n"))
            fail(R, "headers", "header '%s': expected a name without ':', spaces or line breaks and a string value "
                               "on one line", name);
        else
            out[n++] = mg_xasprintf("%s: %s", name, value);
    }
    return out;
}

static void task(const reader *R, const json_t *model, mg_http_config *c)
{
    const json_t *t = json_object_get(model, "task");
    const char *s = json_string_value(t);
    if (!t)
        return;
    if (s && strcmp(s, "binary") == 0)
        c->task = MG_TASK_BINARY;
    else if (s && strcmp(s, "regression") == 0)
        c->task = MG_TASK_REGRESSION;
    else if (s && strcmp(s, "multiclass") == 0)
        c->task = MG_TASK_MULTICLASS;
    else
        fail(R, "task", "expected \"binary\", \"regression\" or \"multiclass\"");
    if (c->task == MG_TASK_MULTICLASS)
        c->classes = string_list(R, model, "classes", "[\"setosa\", \"versicolor\", \"virginica\"]");
    else if (json_object_get(model, "classes"))
        fail(R, "classes", "only a multiclass model lists its classes");
}

/* The keys of the service's shape: features (the loader reads them as the
 * data columns too), task, classes. */
static void shape(const reader *R, const json_t *model, mg_http_config *c)
{
    task(R, model, c);
    if (json_object_get(model, "features"))
        c->features = string_list(R, model, "features", "[\"age\", \"income\"]");
    if (c->protocol != MG_HTTP_JSONL && (!json_object_get(model, "features") || !json_object_get(model, "task")))
        fail(R, NULL, "the %s protocol does not describe the model: give its \"features\" (in the order the service "
                      "expects them) and its \"task\"", mg_http_protocol_name(c->protocol));
    if (c->protocol == MG_HTTP_JSONL && json_object_get(model, "task"))
        fail(R, "task", "a jsonl service describes its own task; remove \"task\"");
}

static void service(const reader *R, const json_t *model, mg_http_config *c)
{
    if (json_object_get(model, "start"))
        c->start = string_list(R, model, "start", "[\"python3\", \"serve.py\", \"--port\", \"{PORT}\"]");
    const json_t *ready = json_object_get(model, "ready");
    if (ready && (!json_is_string(ready) || json_string_length(ready) == 0 ||
                  (json_string_value(ready)[0] != '/' && !strstr(json_string_value(ready), "://"))))
        fail(R, "ready", "expected a path on the service such as \"/health\", or a URL");
    else if (ready)
        c->ready = mg_xstrdup(json_string_value(ready));
    if (ready && !json_object_get(model, "start"))
        fail(R, "ready", "\"ready\" is only used with \"start\"");
    const json_t *t = json_object_get(model, "start_timeout");
    if (t && (!json_is_number(t) || !(json_number_value(t) > 0)))
        fail(R, "start_timeout", "expected a positive number of seconds");
    else if (t)
        c->start_timeout = json_number_value(t);
    int placeholder = strstr(c->url, MG_HTTP_PORT_PLACEHOLDER) != NULL;
    if (placeholder && !json_object_get(model, "start"))
        fail(R, "url", "%s is a port mgate picks for a service it starts: give \"start\" too, or write the port",
             MG_HTTP_PORT_PLACEHOLDER);
}

void mg_spec_model_http_load(const json_t *model, mg_model_ref *ref, mg_spec_model_report report, void *ctx)
{
    reader R = {report, ctx};
    const char *url = json_string_value(json_object_get(model, "url"));
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        fail(&R, "url", "expected the scoring endpoint's URL, e.g. \"http://127.0.0.1:8080/v2/models/m/infer\"");
        return;
    }
    if (json_object_get(model, "path") || json_object_get(model, "command") || json_object_get(model, "format"))
        fail(&R, NULL, "give either \"url\" (an HTTP service), \"path\" (a model file) or \"command\" (an external "
                       "scorer), not several");
    mg_http_config *c = mg_xcalloc(1, sizeof *c);
    ref->http = c;
    c->url = mg_xstrdup(url);
    c->task = -1;
    c->retries = 2;
    const json_t *p = json_object_get(model, "protocol");
    if (p && (!json_is_string(p) || mg_http_protocol_from_name(json_string_value(p), &c->protocol) != 0))
        fail(&R, "protocol", "unknown protocol%s%s%s; expected \"jsonl\", \"v2\", \"v1\" or \"mlflow\"",
             json_is_string(p) ? " '" : "", json_is_string(p) ? json_string_value(p) : "", json_is_string(p) ? "'" : "");
    long n;
    if (whole(&R, model, "concurrency", 1, MAX_CONCURRENCY, &n) == 1)
        c->concurrency = (size_t)n;
    if (whole(&R, model, "retries", 0, MAX_RETRIES, &n) == 1)
        c->retries = (unsigned)n;
    if (json_object_get(model, "headers"))
        c->headers = headers(&R, json_object_get(model, "headers"));
    shape(&R, model, c);
    service(&R, model, c);
}
