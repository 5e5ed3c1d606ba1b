/*
 * scoring.h - turns data rows into scores for the checks that need them.
 *
 * Scores come from the spec's model (native formats score row by row;
 * an external scorer gets rows in batches of model.batch_size, so rows are
 * copied until their batch is scored), or from the data's prediction column.
 * Scored rows are handed on in input order through a callback.
 */
#ifndef MG_HARNESS_SCORING_H
#define MG_HARNESS_SCORING_H

#include "common/error.h"
#include "harness/spec.h"
#include "sources/source.h"

typedef struct mg_scoring mg_scoring;

/* Called once per row: scores (noutputs values) or NULL with why. */
typedef void (*mg_scored_fn)(void *ctx, const mg_row *row, const double *scores, const char *why);

/* Sets up scoring for spec over src.  NULL with err when the model cannot
 * be loaded or bound, or the prediction column is not in the data. */
mg_scoring *mg_scoring_new(const mg_spec *spec, const mg_source *src, mg_error *err);
void mg_scoring_free(mg_scoring *s);

size_t mg_scoring_noutputs(const mg_scoring *s);
int mg_scoring_task(const mg_scoring *s);        /* an mg_model_task, or -1 when unknown */
const char *mg_scoring_describe(const mg_scoring *s); /* "model 'x.json' (xgboost)" */
/* Multiclass models: the class label of each output (NULL-terminated,
 * borrowed), or NULL when the model names none. */
const char *const *mg_scoring_class_labels(const mg_scoring *s);

/* The loaded model and its binding to the data's columns (NULL when scores
 * come from a column).  Borrowed. */
struct mg_model *mg_scoring_model(const mg_scoring *s);
const struct mg_binding *mg_scoring_binding(const mg_scoring *s);

/* Scores a row (or queues it for its batch) and emits what is ready. */
void mg_scoring_push(mg_scoring *s, const mg_row *row, mg_scored_fn emit, void *ctx);
/* Scores and emits the rows still queued. */
void mg_scoring_flush(mg_scoring *s, mg_scored_fn emit, void *ctx);

#endif
