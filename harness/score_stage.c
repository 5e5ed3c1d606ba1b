#include "harness/score_stage.h"

#include <stdlib.h>

#include "common/xmem.h"
#include "score/http.h"

static const mg_row *const *batch_rows(mg_score_stage *st, mg_score_batch *b)
{
    return st->batch == 1 ? &st->one : mg_row_batch_rows(&b->queue);
}

/* Scores batch b with both scorers (on the worker, or the runner's thread). */
static void score_batch(mg_score_stage *st, mg_score_batch *b)
{
    const mg_row *const *rows = batch_rows(st, b);
    mg_scoring_score_at(st->candidate, b->base, rows, b->queued, b->out, b->why);
    if (st->champion)
        mg_scoring_score_at(st->champion, b->base, rows, b->queued, b->champion_out, b->champion_why);
}

/* Hands the scored rows of b to the checks, in order, and empties it. */
static void deliver(mg_score_stage *st, mg_score_batch *b)
{
    const mg_row *const *rows = batch_rows(st, b);
    size_t k = mg_scoring_noutputs(st->candidate);
    size_t kc = st->champion ? mg_scoring_noutputs(st->champion) : 0;
    for (size_t r = 0; r < b->queued; r++) {
        mg_scored sc = {b->why[r] ? NULL : b->out + r * k, b->why[r], NULL, NULL};
        if (st->champion) {
            sc.champion = b->champion_why[r] ? NULL : b->champion_out + r * kc;
            sc.champion_why = b->champion_why[r];
        }
        mg_ticks t = mg_ticks_now();
        for (size_t i = 0; i < st->nchecks; i++) {
            mg_running_check *rc = &st->checks[i];
            if (!rc->skip && rc->check.def->scored) {
                rc->check.def->scored(&rc->check, rows[r], &sc);
                mg_running_check_charge(rc, &t);
            }
        }
        if (st->plots)
            mg_plot_rows_add(st->plots, st->env, rows[r], &sc);
    }
    mg_row_batch_clear(&b->queue);
    b->queued = 0;
}

static void *worker_main(void *arg)
{
    mg_score_stage *st = arg;
    pthread_mutex_lock(&st->lock);
    for (;;) {
        while (!st->work && !st->stop)
            pthread_cond_wait(&st->cv, &st->lock);
        if (st->stop)
            break;
        mg_score_batch *b = &st->half[!st->cur];
        pthread_mutex_unlock(&st->lock);
        score_batch(st, b);
        pthread_mutex_lock(&st->lock);
        st->work = 0;
        st->done = 1;
        pthread_cond_broadcast(&st->cv);
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

/* Waits for the batch on the worker, if any, and delivers it. */
static void finish_in_flight(mg_score_stage *st)
{
    if (!st->in_flight)
        return;
    pthread_mutex_lock(&st->lock);
    while (!st->done)
        pthread_cond_wait(&st->cv, &st->lock);
    st->done = 0;
    pthread_mutex_unlock(&st->lock);
    st->in_flight = 0;
    deliver(st, &st->half[!st->cur]);
}

/* The batch being filled is full: the one before it is delivered first (row
 * order), then this one goes to the worker and the other is filled. */
static void hand_over(mg_score_stage *st)
{
    finish_in_flight(st);
    mg_score_batch *b = &st->half[st->cur];
    batch_rows(st, b); /* sets the rows' pointers on this thread */
    pthread_mutex_lock(&st->lock);
    st->cur = !st->cur;
    st->work = 1;
    pthread_cond_broadcast(&st->cv);
    pthread_mutex_unlock(&st->lock);
    st->in_flight = 1;
}

void mg_score_stage_flush(mg_score_stage *st)
{
    finish_in_flight(st);
    mg_score_batch *b = &st->half[st->cur];
    if (b->queued == 0)
        return;
    score_batch(st, b);
    deliver(st, b);
}

void mg_score_stage_push(mg_score_stage *st, const mg_row *row, const mg_typed *typed)
{
    mg_score_batch *b = &st->half[st->cur];
    mg_scoring_gather(st->candidate, b->base + b->queued, row, typed);
    if (st->champion)
        mg_scoring_gather(st->champion, b->base + b->queued, row, typed);
    if (st->batch == 1)
        st->one = row; /* borrowed: scored before the next read */
    else
        mg_row_batch_push(&b->queue, row);
    b->queued++;
    if (b->queued < st->batch)
        return;
    if (st->async) {
        hand_over(st);
    } else {
        score_batch(st, b);
        deliver(st, b);
    }
}

void mg_score_stage_free(mg_score_stage *st)
{
    if (st->async) {
        pthread_mutex_lock(&st->lock);
        st->stop = 1;
        pthread_cond_broadcast(&st->cv);
        pthread_mutex_unlock(&st->lock);
        pthread_join(st->worker, NULL);
        pthread_mutex_destroy(&st->lock);
        pthread_cond_destroy(&st->cv);
        st->async = 0;
    }
    for (int h = 0; h < 2; h++) {
        mg_score_batch *b = &st->half[h];
        mg_row_batch_free(&b->queue);
        free(b->out);
        free(b->champion_out);
        free(b->why);
        free(b->champion_why);
    }
    mg_scoring_free(st->candidate);
    mg_scoring_free(st->champion);
}

static void batch_init(mg_score_stage *st, mg_score_batch *b, size_t base)
{
    b->base = base;
    mg_row_batch_init(&b->queue, st->batch);
    b->out = mg_xcalloc(st->batch * mg_scoring_noutputs(st->candidate), sizeof *b->out);
    b->why = mg_xcalloc(st->batch, sizeof *b->why);
    if (st->champion) {
        b->champion_out = mg_xcalloc(st->batch * mg_scoring_noutputs(st->champion), sizeof *b->champion_out);
        b->champion_why = mg_xcalloc(st->batch, sizeof *b->champion_why);
    }
}

int mg_score_stage_init(mg_score_stage *st, const mg_spec *spec, const mg_source *src, unsigned threads,
                        mg_error *err)
{
    st->candidate = mg_scoring_new(&spec->model, spec->roles[MG_ROLE_PREDICTION], "prediction", spec, src, err);
    if (!st->candidate)
        return -1;
    if (spec->baseline_model.path || spec->baseline_model.command || spec->baseline_model.http ||
        spec->roles[MG_ROLE_BASELINE_PREDICTION]) {
        st->champion = mg_scoring_new(&spec->baseline_model, spec->roles[MG_ROLE_BASELINE_PREDICTION],
                                      "baseline model", spec, src, err);
        if (!st->champion)
            return -1;
    }
    if (st->champion && mg_scoring_noutputs(st->champion) != mg_scoring_noutputs(st->candidate)) {
        mg_error_set(err, "the baseline model gives %zu outputs per row, the model %zu: they cannot be compared",
                     mg_scoring_noutputs(st->champion), mg_scoring_noutputs(st->candidate));
        return -1;
    }
    st->batch = mg_scoring_batch_size(st->candidate);
    if (st->champion && mg_scoring_batch_size(st->champion) > st->batch)
        st->batch = mg_scoring_batch_size(st->champion);
    /* A worker only pays for itself on batches; it needs a second batch. */
    int async = threads > 1 && st->batch > 1;
    mg_scoring_reserve(st->candidate, async ? 2 * st->batch : st->batch);
    if (st->champion)
        mg_scoring_reserve(st->champion, async ? 2 * st->batch : st->batch);
    batch_init(st, &st->half[0], 0);
    batch_init(st, &st->half[1], st->batch);
    if (async) {
        pthread_mutex_init(&st->lock, NULL);
        pthread_cond_init(&st->cv, NULL);
        if (pthread_create(&st->worker, NULL, worker_main, st) == 0) {
            st->async = 1;
        } else { /* no thread: score on this one */
            pthread_mutex_destroy(&st->lock);
            pthread_cond_destroy(&st->cv);
        }
    }
    return 0;
}

void mg_score_stage_note_service(const mg_score_stage *st, mg_report *report)
{
    mg_http_stats hs;
    mg_model *m = st->candidate ? mg_scoring_model(st->candidate) : NULL;
    if (m && mg_http_model_stats(m, &hs) == 0)
        report->facts.model_service = mg_xasprintf("%s: %lu requests, %lu retries, %lu failed", mg_http_model_url(m),
                                                   hs.requests, hs.retries, hs.failed);
}
