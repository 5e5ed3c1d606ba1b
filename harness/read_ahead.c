#include "harness/read_ahead.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

/* Rows per chunk, and chunks in the ring: a copied row of the issue 11
 * workload takes about 1.5 KB (33 values of 40 bytes, their text and
 * offsets), so 4 x 1024 rows are about 6 MB. */
#define CHUNK_ROWS 1024
#define RING 4

struct mg_read_ahead {
    mg_source *src;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled_cv, free_cv;
    mg_chunk ring[RING];
    size_t filled;  /* chunks read and not yet taken, from `next` on */
    size_t next;    /* the ring slot the runner takes next */
    size_t taken;   /* chunks taken and not yet handed back */
};

static void chunk_clear(mg_chunk *c)
{
    mg_row_batch_clear(&c->rows);
    for (size_t i = 0; i < c->nproblems; i++) {
        free(c->problems[i].field);
        free(c->problems[i].message);
    }
    c->nproblems = 0;
    c->end = c->error = 0;
}

static void add_problem(mg_chunk *c, const mg_source_problem_info *p)
{
    if (c->nproblems == c->problems_cap) {
        c->problems_cap = c->problems_cap ? 2 * c->problems_cap : 16;
        c->problems = mg_xrealloc(c->problems, c->problems_cap * sizeof *c->problems);
    }
    mg_chunk_problem *cp = &c->problems[c->nproblems++];
    cp->before = mg_row_batch_count(&c->rows);
    cp->info = *p;
    cp->field = p->field ? mg_xstrdup(p->field) : NULL;
    cp->message = p->message ? mg_xstrdup(p->message) : NULL;
    cp->info.field = cp->field;
    cp->info.message = cp->message;
}

/* Reads up to CHUNK_ROWS rows (and the bad records among them) into c. */
static void fill(mg_read_ahead *ra, mg_chunk *c)
{
    mg_row row;
    while (!mg_row_batch_full(&c->rows)) {
        mg_source_status st = mg_source_next(ra->src, &row, &c->err);
        if (st == MG_SOURCE_END) {
            c->end = 1;
            break;
        }
        if (st == MG_SOURCE_ERROR) {
            c->error = 1;
            break;
        }
        if (st == MG_SOURCE_BAD_ROW)
            add_problem(c, mg_source_problem(ra->src));
        else
            mg_row_batch_push(&c->rows, &row);
    }
    c->bytes_read = mg_source_bytes_read(ra->src);
}

static void *reader_main(void *arg)
{
    mg_read_ahead *ra = arg;
    size_t slot = 0;
    for (;;) {
        pthread_mutex_lock(&ra->lock);
        while (ra->filled + ra->taken == RING)
            pthread_cond_wait(&ra->free_cv, &ra->lock);
        pthread_mutex_unlock(&ra->lock);
        mg_chunk *c = &ra->ring[slot];
        chunk_clear(c);
        fill(ra, c);
        int last = c->end || c->error;
        pthread_mutex_lock(&ra->lock);
        ra->filled++;
        pthread_cond_signal(&ra->filled_cv);
        pthread_mutex_unlock(&ra->lock);
        if (last)
            return NULL;
        slot = (slot + 1) % RING;
    }
}

mg_read_ahead *mg_read_ahead_start(mg_source *src, mg_error *err)
{
    mg_read_ahead *ra = mg_xcalloc(1, sizeof *ra);
    ra->src = src;
    for (size_t i = 0; i < RING; i++)
        mg_row_batch_init(&ra->ring[i].rows, CHUNK_ROWS);
    pthread_mutex_init(&ra->lock, NULL);
    pthread_cond_init(&ra->filled_cv, NULL);
    pthread_cond_init(&ra->free_cv, NULL);
    int rc = pthread_create(&ra->thread, NULL, reader_main, ra);
    if (rc != 0) {
        mg_error_set(err, "cannot start the reader thread: %s", strerror(rc));
        ra->thread = pthread_self();
        mg_read_ahead_stop(ra);
        return NULL;
    }
    return ra;
}

mg_chunk *mg_read_ahead_next(mg_read_ahead *ra)
{
    pthread_mutex_lock(&ra->lock);
    while (ra->filled == 0)
        pthread_cond_wait(&ra->filled_cv, &ra->lock);
    mg_chunk *c = &ra->ring[ra->next];
    ra->next = (ra->next + 1) % RING;
    ra->filled--;
    ra->taken++;
    pthread_mutex_unlock(&ra->lock);
    return c;
}

void mg_read_ahead_done(mg_read_ahead *ra, mg_chunk *c)
{
    (void)c;
    pthread_mutex_lock(&ra->lock);
    ra->taken--;
    pthread_cond_signal(&ra->free_cv);
    pthread_mutex_unlock(&ra->lock);
}

int mg_read_ahead_drain(mg_read_ahead *ra, const mg_row_sink *sink, mg_error *err)
{
    for (;;) {
        mg_chunk *c = mg_read_ahead_next(ra);
        const mg_row *const *rows = mg_row_batch_rows(&c->rows);
        size_t n = mg_row_batch_count(&c->rows), k = 0;
        for (size_t r = 0; r <= n; r++) {
            while (k < c->nproblems && c->problems[k].before == r)
                sink->problem(sink->ctx, &c->problems[k++].info);
            if (r < n)
                sink->row(sink->ctx, rows[r], c->bytes_read);
        }
        int end = c->end, error = c->error;
        if (error)
            *err = c->err;
        mg_read_ahead_done(ra, c);
        if (end || error)
            return error ? -1 : 0;
    }
}

void mg_read_ahead_stop(mg_read_ahead *ra)
{
    if (!ra)
        return;
    if (!pthread_equal(ra->thread, pthread_self()))
        pthread_join(ra->thread, NULL);
    for (size_t i = 0; i < RING; i++) {
        chunk_clear(&ra->ring[i]);
        free(ra->ring[i].problems);
        mg_row_batch_free(&ra->ring[i].rows);
    }
    pthread_mutex_destroy(&ra->lock);
    pthread_cond_destroy(&ra->filled_cv);
    pthread_cond_destroy(&ra->free_cv);
    free(ra);
}
