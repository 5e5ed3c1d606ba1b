/*
 * http_transport.c - libcurl multi interface: up to `concurrency` requests
 * in flight, each attempt bounded by the timeout (connect included).
 *
 * Retries: only when no answer came because the connection failed (refused,
 * reset, closed before a response) or the service said 503 (unavailable,
 * try again).  Attempts are spaced 100 ms, 200 ms, 400 ms ... apart, without
 * blocking the other transfers.  A timeout is never retried: the service
 * may still be working on it, and a retry would double the wait.
 */
#include "score/http_transport.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/xmem.h"

struct mg_http_transport {
    CURLM *multi;
    struct curl_slist *headers;
    double timeout;
    size_t concurrency;
    unsigned retries;
    unsigned long requests, retried, failed;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

mg_http_transport *mg_http_transport_new(const char *const *headers, double timeout,
                                         size_t concurrency, unsigned retries)
{
    pthread_once(&curl_once, curl_init_once);
    mg_http_transport *t = mg_xcalloc(1, sizeof *t);
    t->multi = curl_multi_init();
    t->timeout = timeout > 0 ? timeout : 30.0;
    t->concurrency = concurrency ? concurrency : 1;
    t->retries = retries;
    int has_type = 0;
    for (size_t i = 0; headers && headers[i]; i++) {
        t->headers = curl_slist_append(t->headers, headers[i]);
        has_type |= strncasecmp(headers[i], "content-type:", 13) == 0;
    }
    if (!has_type)
        t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
    /* No "Expect: 100-continue" wait on large bodies (a 1 s stall against
     * servers that do not answer it). */
    t->headers = curl_slist_append(t->headers, "Expect:");
    if (!t->multi || !t->headers) {
        mg_http_transport_free(t);
        return NULL;
    }
    return t;
}

void mg_http_transport_free(mg_http_transport *t)
{
    if (!t)
        return;
    if (t->multi)
        curl_multi_cleanup(t->multi);
    curl_slist_free_all(t->headers);
    free(t);
}

void mg_http_request_clear(mg_http_request *r)
{
    free(r->response);
    r->response = NULL;
    r->response_len = 0;
    r->status = 0;
    r->error[0] = '\0';
    r->timed_out = r->connection_lost = r->refused = 0;
}

void mg_http_transport_counts(const mg_http_transport *t, unsigned long *requests,
                              unsigned long *retries, unsigned long *failed)
{
    *requests = t->requests;
    *retries = t->retried;
    *failed = t->failed;
}

/* Appends received bytes; refuses to grow past MG_HTTP_MAX_RESPONSE (curl
 * then ends the transfer with CURLE_WRITE_ERROR). */
static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    mg_http_request *r = user;
    size_t n = size * nmemb;
    if (r->response_len + n > MG_HTTP_MAX_RESPONSE)
        return 0;
    char *p = realloc(r->response, r->response_len + n + 1);
    if (!p)
        return 0;
    memcpy(p + r->response_len, data, n);
    r->response = p;
    r->response_len += n;
    r->response[r->response_len] = '\0';
    return n;
}

static CURL *easy_for(mg_http_transport *t, mg_http_request *r, double timeout,
                      struct curl_slist *headers)
{
    CURL *e = curl_easy_init();
    if (!e)
        return NULL;
    long ms = (long)(timeout * 1000.0);
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (headers)
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    if (r->body) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    (void)t;
    return e;
}

/* Connection-level failures: nothing was answered, a retry may succeed. */
static int is_connection_error(CURLcode c)
{
    return c == CURLE_COULDNT_CONNECT || c == CURLE_GOT_NOTHING || c == CURLE_SEND_ERROR ||
           c == CURLE_RECV_ERROR || c == CURLE_PARTIAL_FILE;
}

/* Records the outcome of one finished attempt.  Returns 1 when it should be
 * retried. */
static int finish_attempt(mg_http_transport *t, mg_http_request *r, CURL *e, CURLcode code)
{
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r->timed_out = code == CURLE_OPERATION_TIMEDOUT;
    r->connection_lost = is_connection_error(code);
    r->refused = code == CURLE_COULDNT_CONNECT;
    if (code == CURLE_OK) {
        r->status = status;
        r->error[0] = '\0';
    } else if (code == CURLE_WRITE_ERROR) {
        snprintf(r->error, sizeof r->error, "the response is longer than %u MB",
                 MG_HTTP_MAX_RESPONSE >> 20);
    } else if (r->timed_out) {
        snprintf(r->error, sizeof r->error, "no complete response within %.3g s", t->timeout);
    } else if (code == CURLE_GOT_NOTHING) {
        snprintf(r->error, sizeof r->error, "the connection was closed without a response");
    } else {
        snprintf(r->error, sizeof r->error, "%s", curl_easy_strerror(code));
    }
    int retry = (r->connection_lost || (code == CURLE_OK && status == 503)) &&
                r->attempts <= t->retries;
    if (retry) {
        free(r->response);
        r->response = NULL;
        r->response_len = 0;
        r->retry_at_ = now_s() + 0.1 * (double)(1u << (r->attempts - 1 < 8 ? r->attempts - 1 : 8));
        t->retried++;
    } else if (code != CURLE_OK || status >= 400) {
        t->failed++;
    }
    return retry;
}

/* Starts request r (an attempt).  0, or -1 when curl cannot (then r->error). */
static int start(mg_http_transport *t, mg_http_request *r)
{
    CURL *e = easy_for(t, r, t->timeout, t->headers);
    if (!e || curl_multi_add_handle(t->multi, e) != CURLM_OK) {
        if (e)
            curl_easy_cleanup(e);
        snprintf(r->error, sizeof r->error, "libcurl cannot start the request");
        t->failed++;
        return -1;
    }
    r->easy_ = e;
    r->attempts++;
    t->requests++;
    return 0;
}

void mg_http_transport_run(mg_http_transport *t, mg_http_request *reqs, size_t n)
{
    size_t next = 0, in_flight = 0, done = 0;
    /* Requests waiting for their retry time, by index (a request is either
     * unstarted, in flight, waiting or done). */
    unsigned char *waiting = mg_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        mg_http_request_clear(&reqs[i]);
        reqs[i].attempts = 0;
        reqs[i].easy_ = NULL;
    }
    while (done < n) {
        double now = now_s(), wake = 1.0;
        for (size_t i = 0; i < n && in_flight < t->concurrency; i++)
            if (waiting[i] && reqs[i].retry_at_ <= now) {
                waiting[i] = 0;
                if (start(t, &reqs[i]) == 0)
                    in_flight++;
                else
                    done++;
            }
        while (next < n && in_flight < t->concurrency) {
            if (start(t, &reqs[next++]) == 0)
                in_flight++;
            else
                done++;
        }
        for (size_t i = 0; i < n; i++)
            if (waiting[i] && reqs[i].retry_at_ - now < wake)
                wake = reqs[i].retry_at_ - now;
        int running = 0;
        curl_multi_perform(t->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(t->multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            CURL *e = msg->easy_handle;
            CURLcode code = msg->data.result;
            mg_http_request *r = NULL;
            curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
            curl_multi_remove_handle(t->multi, e);
            in_flight--;
            int retry = finish_attempt(t, r, e, code);
            curl_easy_cleanup(e);
            r->easy_ = NULL;
            if (retry)
                waiting[r - reqs] = 1;
            else
                done++;
        }
        if (done < n && in_flight > 0) {
            int ms = wake < 0 ? 0 : (int)(wake * 1000) + 1;
            curl_multi_poll(t->multi, NULL, 0, ms > 1000 ? 1000 : ms, NULL);
        } else if (done < n && wake > 0) {
            struct timespec ts = {0, (long)(wake * 1e9)};
            if (wake >= 1.0)
                ts = (struct timespec){1, 0};
            nanosleep(&ts, NULL);
        }
    }
    free(waiting);
}

int mg_http_probe(const char *url, double timeout, long *status, char *why, size_t whysize)
{
    pthread_once(&curl_once, curl_init_once);
    mg_http_request r;
    memset(&r, 0, sizeof r);
    r.url = url;
    mg_http_transport t = {0};
    t.timeout = timeout;
    CURL *e = easy_for(&t, &r, timeout, NULL);
    if (!e) {
        snprintf(why, whysize, "libcurl cannot start the request");
        return -1;
    }
    CURLcode code = curl_easy_perform(e);
    long st = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_cleanup(e);
    free(r.response);
    if (code != CURLE_OK) {
        snprintf(why, whysize, "%s", curl_easy_strerror(code));
        return -1;
    }
    *status = st;
    return 0;
}
