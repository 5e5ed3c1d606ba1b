/*
 * http_transport.h - HTTP exchanges with libcurl for the HTTP scorers:
 * several requests in flight at once (curl multi), each bounded by a
 * timeout, connection errors and 503 retried a bounded number of times.
 * Private to score/ (and its unit tests).
 *
 * The transport never interprets a body: it reports, per request, either a
 * response (status and body) or why none came (`error`).
 */
#ifndef MG_SCORE_HTTP_TRANSPORT_H
#define MG_SCORE_HTTP_TRANSPORT_H

#include <stddef.h>

/* Largest response body kept; a longer one is an error. */
#define MG_HTTP_MAX_RESPONSE (64u << 20)

typedef struct mg_http_request {
    /* in */
    const char *url;
    const char *body;     /* POST body, or NULL for a GET */
    size_t body_len;
    /* out */
    long status;          /* HTTP status of the last attempt, 0 when none arrived */
    char *response;       /* malloc'd body (NUL-terminated), or NULL */
    size_t response_len;
    char error[256];      /* "" when a response arrived; else why none did */
    int timed_out;        /* 1: the last attempt ran out of time */
    int connection_lost;  /* 1: refused, reset or closed without an answer */
    int refused;          /* 1: no connection could be made at all */
    unsigned attempts;
    /* private */
    void *easy_;
    double retry_at_;
} mg_http_request;

typedef struct mg_http_transport mg_http_transport;

/* headers: "Name: value" lines, NULL-terminated, or NULL (copied).
 * timeout: seconds per attempt; concurrency: requests in flight (>= 1);
 * retries: extra attempts after a connection error or a 503. */
mg_http_transport *mg_http_transport_new(const char *const *headers, double timeout,
                                         size_t concurrency, unsigned retries);
void mg_http_transport_free(mg_http_transport *t);

/* Runs the n requests to completion, at most `concurrency` at once.  Every
 * request ends with either status > 0 and a response, or error set. */
void mg_http_transport_run(mg_http_transport *t, mg_http_request *reqs, size_t n);

/* Frees what a request received (response) so it can be reused. */
void mg_http_request_clear(mg_http_request *r);

/* Counts since the transport was made. */
void mg_http_transport_counts(const mg_http_transport *t, unsigned long *requests,
                              unsigned long *retries, unsigned long *failed);

/* One GET of url with the given timeout; 0 with *status, or -1 with why
 * (no response).  For readiness probes. */
int mg_http_probe(const char *url, double timeout, long *status, char *why, size_t whysize);

#endif
