/*
 * scoring.h - turns data rows into scores for the checks that need them.
 *
 * A scorer reads scores from a model (native formats, or an external scorer
 * fed in batches) or from a column of the data.  The runner scores rows in
 * batches of mg_scoring_batch_size() (1 unless an external scorer wants
 * more), candidate and champion on the same rows, and hands the checks each
 * row with both.
 */
#ifndef MG_HARNESS_SCORING_H
#define MG_HARNESS_SCORING_H

#include "checks/check.h"
#include "common/error.h"
#include "harness/spec.h"
#include "sources/source.h"

typedef struct mg_scoring mg_scoring;

/* A scorer from `model` (when it names a path or command) or else from the
 * data column `column`.  `what` names it in messages ("model", "baseline
 * model").  NULL with err when the model cannot be loaded or bound, or the
 * column is not in the data.  Binding follows the model's model.features
 * when given; a model without feature names binds by position, refused when
 * a feature would read the spec's id, label, time or key column. */
mg_scoring *mg_scoring_new(const mg_model_ref *model, const char *column, const char *what,
                           const mg_spec *spec, const mg_source *src, mg_error *err);
void mg_scoring_free(mg_scoring *s);

size_t mg_scoring_noutputs(const mg_scoring *s);
int mg_scoring_task(const mg_scoring *s);             /* an mg_model_task, or -1 when unknown */
const char *mg_scoring_describe(const mg_scoring *s); /* "model 'x.json' (xgboost)" */
size_t mg_scoring_batch_size(const mg_scoring *s);
/* Multiclass models: the class label of each output (NULL-terminated,
 * borrowed), or NULL when the model names none. */
const char *const *mg_scoring_class_labels(const mg_scoring *s);
/* The loaded model and its binding to the data's columns (NULL when scores
 * come from a column).  Borrowed. */
struct mg_model *mg_scoring_model(const mg_scoring *s);
const struct mg_binding *mg_scoring_binding(const mg_scoring *s);
/* When the model's features were bound by position (it names none and the
 * spec gives no model.features): the binding, "f0 -> age, f1 -> income",
 * to show as a warning.  NULL otherwise.  Borrowed. */
const char *mg_scoring_binding_note(const mg_scoring *s);

/* Makes room for batches of n rows (the runner scores candidate and
 * champion on the same rows, in the larger of their batch sizes). */
void mg_scoring_reserve(mg_scoring *s, size_t n);

/* Called for each row as it is queued for scoring, slot being its place in
 * the batch (0, 1, ...): a model that scores gathered features reads the
 * row's features now, taking the numbers the runner typed (typed: per schema
 * field, as mg_check_env's) where a feature's column is a number or integer
 * field.  Does nothing for other scorers. */
void mg_scoring_gather(mg_scoring *s, size_t slot, const mg_row *row, const mg_typed *typed);

/* Scores n rows (n <= batch size), gathered into slots 0 .. n-1 when the
 * scorer gathers: out gets n * noutputs values; why[i] is
 * NULL for a scored row, else why it could not be scored (valid until the
 * next call). */
void mg_scoring_score(mg_scoring *s, const mg_row *const *rows, size_t n, double *out, const char **why);
/* Same for rows gathered into slots base .. base+n-1 (room reserved with
 * mg_scoring_reserve).  Batches in different slots may be filled (gathered)
 * on one thread while another scores: scoring touches only its slots and
 * the model's own scratch, and must not run on two threads at once. */
void mg_scoring_score_at(mg_scoring *s, size_t base, const mg_row *const *rows, size_t n, double *out,
                         const char **why);

#endif
