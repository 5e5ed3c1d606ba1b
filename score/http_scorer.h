/*
 * http_scorer.h - the state of an HTTP model, shared by http_model.c (start,
 * describe, free) and http_score.c (scoring).  Private to score/.
 */
#ifndef MG_SCORE_HTTP_SCORER_H
#define MG_SCORE_HTTP_SCORER_H

#include "score/http_proto.h"
#include "score/http_service.h"
#include "score/http_transport.h"
#include "score/model_internal.h"

typedef struct http_scorer {
    char *url;                   /* with the port filled in */
    const mg_http_proto *proto;
    mg_http_shape shape;
    size_t batch_size;           /* rows per request */
    mg_http_transport *transport;
    mg_http_service *service;    /* NULL when mgate did not start it */
    char *down;                  /* why the service stopped answering, or NULL */
} http_scorer;

/* The model's score_batch (mg_model_ops): see http_model.c's header. */
long mg_http_score_batch(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n, double *out,
                         unsigned char *ok, mg_error *row_err, mg_error *err);

#endif
