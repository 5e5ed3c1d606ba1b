/*
 * http_score.c - scoring a batch of rows through an HTTP service: rows to
 * JSON values, values to requests of batch_size rows (the protocol's
 * mapping), requests through the transport (concurrency in flight),
 * answers back to rows, in the rows' order whatever order they came in.
 * The failure rules are in http_model.c's header and docs/serving.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "score/http_scorer.h"

/* One row's feature values as JSON: numbers, null when missing (NaN
 * included), strings for other text.  Returns 0, or -1 with err for a value
 * JSON cannot carry (an infinity, text that is not UTF-8) or, when the
 * protocol carries numbers only, text: such a row is unscorable, never sent
 * as something else. */
static int row_cells(const mg_model *m, const mg_binding *b, const mg_row *row, int numbers_only,
                     json_t **cells, mg_error *err)
{
    for (size_t i = 0; i < m->nfeatures; i++) {
        const mg_value *v = mg_binding_value(b, row, i);
        const char *name = m->feature_names[i];
        double d;
        int rc = 0;
        cells[i] = NULL;
        if (mg_value_is_missing(v) || (mg_value_to_double(v, &d) == 0 && isnan(d)))
            cells[i] = json_null();
        else if (mg_value_to_double(v, &d) == 0 && isfinite(d))
            cells[i] = json_real(d);
        else if (mg_value_to_double(v, &d) == 0)
            rc = mg_error_set(err, "feature '%s': %s cannot be sent in JSON", name, d > 0 ? "Infinity" : "-Infinity");
        else if (numbers_only)
            rc = mg_error_set(err, "feature '%s': expected a number, found '%.40s'", name, v->text ? v->text : "");
        else if ((cells[i] = json_stringn(v->text, v->len)) == NULL)
            rc = mg_error_set(err, "feature '%s': the value is not UTF-8 text, so it cannot be sent in JSON", name);
        if (rc != 0) {
            for (size_t k = 0; k < i; k++)
                json_decref(cells[k]);
            return -1;
        }
    }
    return 0;
}

typedef struct chunk {
    size_t first, count; /* positions in the list of rows sent */
} chunk;

typedef struct batch_state {
    mg_model *m;
    http_scorer *h;
    size_t *sent;          /* index (into the caller's rows) of each row sent */
    unsigned long *ids;    /* their data rows */
    double *out;
    unsigned char *ok;
    mg_error *row_err;
    long scored;
} batch_state;

static void row_refused(mg_error *row_err, const char *fmt, const char *a, long status, const char *b)
{
    if (row_err && !row_err->msg[0])
        mg_error_set(row_err, fmt, a, status, b);
}

/* Takes one request's outcome.  0, or -1 with err (the call fails). */
static int take_answer(batch_state *st, const chunk *c, const mg_http_request *r, size_t i, size_t nreq,
                       mg_error *err)
{
    http_scorer *h = st->h;
    char line[200];
    const char *again = r->attempts > 1 ? " after " : "";
    char tries[32] = "";
    if (r->attempts > 1)
        snprintf(tries, sizeof tries, "%u attempts", r->attempts);
    if (r->error[0]) {
        mg_error_set(err, "HTTP scorer '%s': %s%s%s (request %zu of %zu)", h->url, r->error, again, tries, i + 1, nreq);
        /* Nobody listening, or no answer in time: later calls would only
         * wait again.  A dropped connection may be this request's fault. */
        if ((r->refused || r->timed_out) && !h->down)
            h->down = mg_xasprintf("%s%s%s", r->error, again, tries);
        return -1;
    }
    mg_http_first_line(r->response, r->response_len, line, sizeof line);
    if (r->status >= 400 && r->status < 500) {
        /* The service refused these rows: they are unscorable, the call goes on. */
        row_refused(st->row_err, "HTTP scorer: '%s' answered HTTP %ld: %s", h->url, r->status, line);
        return 0;
    }
    if (r->status < 200 || r->status >= 300)
        return mg_error_set(err, "HTTP scorer '%s': HTTP %ld%s%s%s%s (request %zu of %zu)", h->url, r->status,
                            line[0] ? ": " : "", line, again, tries, i + 1, nreq);
    size_t no = st->m->noutputs;
    double *o = mg_xcalloc(c->count * no, sizeof *o);
    unsigned char *ok = mg_xcalloc(c->count, 1);
    mg_error perr = {{0}};
    long got = h->proto->parse(&h->shape, r->response, r->response_len, st->ids + c->first, c->count, o, ok,
                               st->row_err, &perr);
    if (got < 0) {
        mg_error_set(err, "HTTP scorer '%s': malformed response: %s (request %zu of %zu)", h->url, perr.msg, i + 1,
                     nreq);
    } else {
        for (size_t k = 0; k < c->count; k++) {
            size_t row = st->sent[c->first + k];
            st->ok[row] = ok[k];
            memcpy(st->out + row * no, o + k * no, no * sizeof *o);
        }
        st->scored += got;
    }
    free(o);
    free(ok);
    return got < 0 ? -1 : 0;
}

/* Sends the rows in st->sent (their cells), batch_size a request. */
static int send_rows(batch_state *st, json_t **cells, size_t nsent, mg_error *err)
{
    http_scorer *h = st->h;
    size_t nf = st->m->nfeatures;
    size_t nreq = (nsent + h->batch_size - 1) / h->batch_size;
    chunk *chunks = mg_xcalloc(nreq ? nreq : 1, sizeof *chunks);
    mg_http_request *reqs = mg_xcalloc(nreq ? nreq : 1, sizeof *reqs);
    char **bodies = mg_xcalloc(nreq ? nreq : 1, sizeof *bodies);
    for (size_t i = 0; i < nreq; i++) {
        chunks[i].first = i * h->batch_size;
        chunks[i].count = nsent - chunks[i].first < h->batch_size ? nsent - chunks[i].first : h->batch_size;
        bodies[i] = h->proto->build(&h->shape, cells + chunks[i].first * nf, st->ids + chunks[i].first,
                                    chunks[i].count, &reqs[i].body_len);
        reqs[i].url = h->url;
        reqs[i].body = bodies[i];
    }
    mg_http_transport_run(h->transport, reqs, nreq);
    int rc = 0;
    for (size_t i = 0; i < nreq; i++) {
        /* Every answer is looked at; the first failure (in row order) is the one reported. */
        mg_error e;
        if (take_answer(st, &chunks[i], &reqs[i], i, nreq, &e) != 0 && rc == 0) {
            memcpy(err->msg, e.msg, sizeof e.msg);
            rc = -1;
        }
        mg_http_request_clear(&reqs[i]);
        free(bodies[i]);
    }
    free(bodies);
    free(reqs);
    free(chunks);
    return rc;
}

long mg_http_score_batch(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n, double *out,
                         unsigned char *ok, mg_error *row_err, mg_error *err)
{
    http_scorer *h = m->impl;
    if (h->down)
        return mg_error_set(err, "HTTP scorer '%s' is not answering (earlier: %s)", h->url, h->down);
    size_t nf = m->nfeatures;
    batch_state st = {m, h, mg_xcalloc(n ? n : 1, sizeof(size_t)), mg_xcalloc(n ? n : 1, sizeof(unsigned long)),
                      out, ok, row_err, 0};
    json_t **cells = mg_xcalloc(n * nf + 1, sizeof *cells);
    size_t nsent = 0;
    for (size_t r = 0; r < n; r++) {
        ok[r] = 0;
        for (size_t k = 0; k < m->noutputs; k++)
            out[r * m->noutputs + k] = NAN;
        mg_error e;
        if (row_cells(m, b, &rows[r], h->proto->numbers_only, cells + nsent * nf, &e) != 0) {
            if (row_err && !row_err->msg[0])
                memcpy(row_err->msg, e.msg, sizeof e.msg);
            continue;
        }
        st.sent[nsent] = r;
        st.ids[nsent++] = rows[r].index;
    }
    int rc = nsent ? send_rows(&st, cells, nsent, err) : 0;
    for (size_t i = 0; i < nsent * nf; i++)
        json_decref(cells[i]);
    free(cells);
    free(st.sent);
    free(st.ids);
    return rc == 0 ? st.scored : -1;
}
