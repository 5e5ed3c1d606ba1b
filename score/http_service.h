/*
 * http_service.h - a scoring service mgate starts itself ("start" in the
 * spec), waits for, and always stops.  Private to score/.
 *
 * The service runs in its own process group, so stopping it stops what it
 * started too (workers, a shell's children).  It is stopped when the model
 * is freed, when mgate is interrupted (SIGINT, SIGTERM, SIGHUP: the group is
 * killed, then mgate dies of the signal as it would have), and, as far as
 * Linux allows, when mgate itself dies (the leader gets SIGKILL then).
 */
#ifndef MG_SCORE_HTTP_SERVICE_H
#define MG_SCORE_HTTP_SERVICE_H

#include "common/error.h"

typedef struct mg_http_service mg_http_service;

/* A free TCP port on 127.0.0.1 (bound, read, released: another program
 * could take it in between, which start then reports).  >0, or -1 with err. */
int mg_http_free_port(mg_error *err);

/*
 * Starts argv (NULL-terminated, run directly, no shell) in a new process
 * group with PORT=port in its environment when port > 0, its stdout sent to
 * mgate's stderr, then GETs ready_url every 50 ms until it answers 2xx (or
 * any status when ready_any is set) within timeout seconds.  On failure the
 * service is stopped and err says why (exit status, or the last probe's
 * error).  Returns NULL with err.
 */
mg_http_service *mg_http_service_start(const char *const *argv, int port, const char *ready_url,
                                       int ready_any, double timeout, mg_error *err);

/* Stops the group (SIGTERM, then SIGKILL after a grace period), reaps the
 * leader, frees s.  NULL is fine. */
void mg_http_service_stop(mg_http_service *s);

#endif
