/*
 * score_stage.h - the runner's score stage: rows wait here for their batch
 * to be scored (candidate and champion on the same rows), then every check
 * that wants scores gets each row with them, in row order.
 *
 * With a worker (mg_score_stage_init's `threads` above 1, and a model that
 * scores in batches), a full batch is scored on the worker thread while the
 * runner fills the next one; the checks still get the rows of each batch,
 * in order, on the runner's thread, before the batch after it is scored.
 */
#ifndef MG_HARNESS_SCORE_STAGE_H
#define MG_HARNESS_SCORE_STAGE_H

#include <pthread.h>

#include "checks/plot_rows.h"
#include "harness/row_batch.h"
#include "harness/run_check.h"
#include "harness/scoring.h"

/* One batch: its rows and their scores.  Private. */
typedef struct mg_score_batch {
    mg_row_batch queue;         /* copies, when batch > 1 */
    size_t queued;
    size_t base;                /* its first slot in the scorers */
    double *out, *champion_out;
    const char **why, **champion_why;
} mg_score_batch;

typedef struct mg_score_stage {
    mg_scoring *candidate, *champion;
    mg_running_check *checks;   /* the run's checks (borrowed) */
    size_t nchecks;
    mg_plot_rows *plots;        /* NULL unless an HTML report wants plots */
    const mg_check_env *env;    /* for the plots */
    /* private */
    size_t batch;               /* rows per batch: the larger of the two */
    const mg_row *one;          /* batch == 1: the row, borrowed till the next read */
    mg_score_batch half[2];     /* the batch being filled (cur) and the one scoring */
    int cur;
    int async;                  /* a worker thread scores */
    int in_flight;              /* half[!cur] is handed to the worker */
    int work, done, stop;       /* worker hand-off, under lock */
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t cv;
} mg_score_stage;

/* Sets up scoring for the spec on a zeroed stage, with a worker thread when
 * threads > 1; 0, or -1 with err (free the stage either way). */
int mg_score_stage_init(mg_score_stage *st, const mg_spec *spec, const mg_source *src, unsigned threads,
                        mg_error *err);
/* Queues a row (copied when it must outlive the next read) with its typed
 * schema fields (read now, not kept: see mg_scoring_gather); scores the
 * batch when it is full. */
void mg_score_stage_push(mg_score_stage *st, const mg_row *row, const mg_typed *typed);
/* Scores what is queued, and hands every scored row to the checks. */
void mg_score_stage_flush(mg_score_stage *st);
/* Frees what the stage holds (a zeroed stage too), scorers included. */
void mg_score_stage_free(mg_score_stage *st);

/* What the transport of an HTTP model did, as the report's model_service
 * fact (retries are reported, never hidden); nothing for other models. */
void mg_score_stage_note_service(const mg_score_stage *st, mg_report *report);

#endif
