/*
 * http_model.c - an HTTP scoring service as an mg_model: start the service
 * (optional), learn the model's shape, score batches through the protocol
 * mapping (http_proto_*.c) and the transport (http_transport.c).
 *
 * Failures (docs/serving.md, "Errors"):
 *   - a row the protocol cannot carry (text in a numeric tensor) or the
 *     service refuses (jsonl {"error"}), and every row of a request the
 *     service answers 4xx: those rows are unscorable, the call goes on;
 *   - no answer (refused, closed, timed out; after the retries), 5xx, or a
 *     malformed 2xx body: the call fails (-1) with the URL and the reason.
 *     After a refused connection or a timeout, the service counts as down:
 *     later calls fail at once with the same reason instead of waiting out
 *     the timeout again.
 */
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "score/http.h"
#include "score/http_proto.h"
#include "score/http_scorer.h"
#include "score/http_service.h"
#include "score/model_internal.h"


static void scorer_free(void *impl)
{
    http_scorer *h = impl;
    if (!h)
        return;
    mg_http_transport_free(h->transport);
    mg_http_service_stop(h->service);
    free(h->url);
    free(h->down);
    free(h);
}

/* s with every {PORT} replaced by port (a new string). */
static char *with_port(const char *s, int port)
{
    size_t pl = strlen(MG_HTTP_PORT_PLACEHOLDER);
    char num[16];
    snprintf(num, sizeof num, "%d", port);
    char *out = mg_xstrdup("");
    const char *p;
    while ((p = strstr(s, MG_HTTP_PORT_PLACEHOLDER)) != NULL) {
        char *next = mg_xasprintf("%s%.*s%s", out, (int)(p - s), s, num);
        free(out);
        out = next;
        s = p + pl;
    }
    char *next = mg_xasprintf("%s%s", out, s);
    free(out);
    return next;
}

/* The readiness URL: `ready` when it is a URL, else url with its path
 * replaced by `ready` (and no query).  A new string, or NULL with err. */
static char *ready_url(const char *url, const char *ready, mg_error *err)
{
    if (strstr(ready, "://"))
        return mg_xstrdup(ready);
    CURLU *u = curl_url();
    char *got = NULL, *out = NULL;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_set(u, CURLUPART_PATH, ready, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_set(u, CURLUPART_QUERY, NULL, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_get(u, CURLUPART_URL, &got, 0);
    if (rc == CURLUE_OK)
        out = mg_xstrdup(got);
    else
        mg_error_set(err, "HTTP scorer '%s': cannot make the readiness URL from '%s': %s", url, ready,
                     curl_url_strerror(rc));
    curl_free(got);
    curl_url_cleanup(u);
    return out;
}

/* Checks that url is an http(s) URL.  0, or -1 with err. */
static int check_url(const char *url, mg_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL;
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
    int bad = rc != CURLUE_OK || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0);
    if (bad)
        mg_error_set(err, "HTTP scorer '%s': not an http:// or https:// URL%s%s", url,
                     rc != CURLUE_OK ? ": " : "", rc != CURLUE_OK ? curl_url_strerror(rc) : "");
    curl_free(scheme);
    curl_url_cleanup(u);
    return bad ? -1 : 0;
}

static int needs_port(const mg_http_config *c)
{
    int any = strstr(c->url, MG_HTTP_PORT_PLACEHOLDER) || (c->ready && strstr(c->ready, MG_HTTP_PORT_PLACEHOLDER));
    for (size_t i = 0; c->start && c->start[i]; i++)
        any |= strstr(c->start[i], MG_HTTP_PORT_PLACEHOLDER) != NULL;
    return any;
}

/* Starts the configured service with {PORT} filled in; sets h->url. */
static int start_service(http_scorer *h, const mg_http_config *c, double start_timeout, mg_error *err)
{
    int port = 0;
    if (needs_port(c) && (port = mg_http_free_port(err)) < 0)
        return -1;
    h->url = port ? with_port(c->url, port) : mg_xstrdup(c->url);
    if (check_url(h->url, err) != 0)
        return -1;
    if (!c->start)
        return 0;
    size_t n = 0;
    while (c->start[n])
        n++;
    char **argv = mg_xcalloc(n + 1, sizeof *argv);
    for (size_t i = 0; i < n; i++)
        argv[i] = port ? with_port(c->start[i], port) : mg_xstrdup(c->start[i]);
    char *ready = c->ready ? (port ? with_port(c->ready, port) : mg_xstrdup(c->ready)) : NULL;
    char *probe = ready ? ready_url(h->url, ready, err) : mg_xstrdup(h->url);
    int rc = -1;
    if (probe) {
        h->service = mg_http_service_start((const char *const *)argv, port, probe, ready == NULL, start_timeout, err);
        rc = h->service ? 0 : -1;
    }
    for (size_t i = 0; i < n; i++)
        free(argv[i]);
    free(argv);
    free(ready);
    free(probe);
    return rc;
}

static char **copy_list(char *const *list, size_t *n)
{
    size_t k = 0;
    while (list && list[k])
        k++;
    char **out = mg_xcalloc(k + 1, sizeof *out);
    for (size_t i = 0; i < k; i++)
        out[i] = mg_xstrdup(list[i]);
    *n = k;
    return out;
}

/* The model's features, task and classes: from the config, or (jsonl) from
 * the service's description.  0, or -1 with err. */
static int learn_shape(mg_model *m, http_scorer *h, const mg_http_config *c, mg_error *err)
{
    char **features = NULL, **classes = NULL, *objective = NULL;
    int task = c->task;
    if (c->protocol == MG_HTTP_JSONL) {
        mg_http_request get;
        memset(&get, 0, sizeof get);
        get.url = h->url;
        mg_http_transport_run(h->transport, &get, 1);
        char line[160];
        int rc = 0;
        if (get.error[0])
            rc = mg_error_set(err, "HTTP scorer '%s': GET (the description): %s", h->url, get.error);
        else if (get.status < 200 || get.status >= 300)
            rc = mg_error_set(err, "HTTP scorer '%s': GET (the description): HTTP %ld: %s", h->url, get.status,
                              mg_http_first_line(get.response, get.response_len, line, sizeof line));
        else if (mg_http_jsonl_describe(get.response, &features, &task, &classes, &objective, err) != 0)
            mg_error_prefix(err, "HTTP scorer '%s'", h->url);
        mg_http_request_clear(&get);
        if (rc != 0 || !features)
            return -1;
    } else {
        size_t n;
        features = copy_list(c->features, &n);
        classes = c->classes ? copy_list(c->classes, &n) : NULL;
        objective = mg_xasprintf("%s service", mg_http_protocol_name(c->protocol));
    }
    m->task = (mg_model_task)task;
    m->objective = objective;
    m->feature_names = copy_list(features, &m->nfeatures);
    m->noutputs = 1;
    if (classes) {
        m->class_labels = copy_list(classes, &m->noutputs);
        for (size_t i = 0; classes[i]; i++)
            free(classes[i]);
        free(classes);
    }
    for (size_t i = 0; features[i]; i++)
        free(features[i]);
    free(features);
    h->shape = (mg_http_shape){m->nfeatures, (const char *const *)m->feature_names, m->task, m->noutputs};
    return 0;
}

static const mg_model_ops http_ops = {scorer_free, NULL, mg_http_score_batch, NULL};

mg_model *mg_http_model_start(const mg_model_spec *spec, mg_error *err)
{
    const mg_http_config *c = spec->http;
    if (!c->url)
        return mg_error_set(err, "HTTP scorer: no url given"), NULL;
    if (c->protocol != MG_HTTP_JSONL && (!c->features || !c->features[0] || c->task < 0))
        return mg_error_set(err, "HTTP scorer '%s': the %s protocol does not describe the model: give its "
                                 "\"features\" and \"task\"", c->url, mg_http_protocol_name(c->protocol)), NULL;
    http_scorer *h = mg_xcalloc(1, sizeof *h);
    mg_model *m = mg_model_alloc(&http_ops, MG_MODEL_HTTP);
    m->impl = h;
    h->proto = mg_http_proto_get(c->protocol);
    h->batch_size = spec->batch_size ? spec->batch_size : MG_HTTP_DEFAULT_BATCH;
    double timeout = spec->timeout_seconds > 0 ? spec->timeout_seconds : 30.0;
    h->transport = mg_http_transport_new((const char *const *)c->headers, timeout,
                                         c->concurrency ? c->concurrency : 1, c->retries);
    if (!h->transport) {
        mg_error_set(err, "HTTP scorer '%s': libcurl cannot be set up", c->url);
        mg_model_free(m);
        return NULL;
    }
    if (start_service(h, c, c->start_timeout > 0 ? c->start_timeout : 30.0, err) != 0 ||
        learn_shape(m, h, c, err) != 0) {
        mg_model_free(m);
        return NULL;
    }
    return m;
}

int mg_http_model_stats(const mg_model *m, mg_http_stats *st)
{
    if (!m || m->format != MG_MODEL_HTTP)
        return -1;
    const http_scorer *h = m->impl;
    mg_http_transport_counts(h->transport, &st->requests, &st->retries, &st->failed);
    return 0;
}

const char *mg_http_model_url(const mg_model *m)
{
    return m && m->format == MG_MODEL_HTTP ? ((const http_scorer *)m->impl)->url : NULL;
}

void mg_http_config_free(mg_http_config *c)
{
    if (!c)
        return;
    char **lists[] = {c->headers, c->features, c->classes, c->start};
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++) {
        for (size_t i = 0; lists[l] && lists[l][i]; i++)
            free(lists[l][i]);
        free(lists[l]);
    }
    free(c->url);
    free(c->ready);
    free(c);
}

size_t mg_http_rows_per_call(const mg_http_config *c, size_t batch_size)
{
    size_t b = batch_size ? batch_size : MG_HTTP_DEFAULT_BATCH;
    return b * (c->concurrency ? c->concurrency : 1);
}
