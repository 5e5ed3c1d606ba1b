/*
 * model.h - the scoring core: load a model, describe it, score rows.
 *
 * A library: it never prints and never exits.  Every function that can fail
 * returns a negative status (or NULL) and fills a caller-supplied mg_error
 * with `FILE[:LINE[:COL]]: what is wrong`.
 *
 * Ownership: mg_model_load / mg_binding_new return objects the caller frees
 * with mg_model_free / mg_binding_free (both accept NULL).  Getters return
 * borrowed pointers valid while the model lives.
 *
 * Scoring reads features straight from data rows (sources/row.h).  Features
 * are bound to the data's columns by name once per run (mg_binding_new), so
 * nothing is looked up by name per row.
 *
 * Process-wide state: the core needs no set-up by its caller and leaves no
 * process-wide setting changed.  Loading a PMML model initialises libxml2
 * once per process (pthread_once; a caller may still call xmlInitParser
 * itself, and xmlCleanupParser at exit) and, during its parse only, sets the
 * calling thread's libxml2 structured error handler, putting the caller's
 * back.  An external scorer is a child process, started by mg_model_load
 * and reaped by mg_model_free; while rows are exchanged with it SIGPIPE is
 * blocked in the calling thread only (never the process's handler).
 * A model is used by one thread at a time.
 */
#ifndef MG_SCORE_MODEL_H
#define MG_SCORE_MODEL_H

#include <stddef.h>

#include "common/error.h"
#include "sources/row.h"

typedef enum mg_model_format {
    MG_MODEL_AUTO = 0,  /* detect from content */
    MG_MODEL_XGBOOST,   /* Booster.save_model("x.json") */
    MG_MODEL_LINEAR,    /* {"type": "linear"|"logistic", ...} */
    MG_MODEL_PMML,      /* PMML 4.x */
    MG_MODEL_EXTERNAL,  /* a command speaking the JSON Lines scorer protocol */
    MG_MODEL_HTTP       /* a live HTTP scoring service (score/http.h) */
} mg_model_format;

typedef enum mg_model_task {
    MG_TASK_REGRESSION = 0,
    MG_TASK_BINARY,      /* one output: probability of the positive class */
    MG_TASK_MULTICLASS   /* noutputs class probabilities */
} mg_model_task;

typedef struct mg_model mg_model;
typedef struct mg_binding mg_binding;

/* How to load a model.  Either `path` (a model file) or `command` (an external
 * scorer: argv, NULL-terminated) is set. */
typedef struct mg_model_spec {
    const char *path;
    mg_model_format format;     /* MG_MODEL_AUTO to detect */
    const char *const *command; /* external scorer argv, NULL-terminated */
    double timeout_seconds;     /* external scorer: per-batch timeout; 0 = default (30 s) */
    size_t batch_size;          /* external scorer: rows per request; 0 = MG_EXTERNAL_BATCH_DEFAULT */
    const struct mg_http_config *http; /* an HTTP scoring service (score/http.h), or NULL */
} mg_model_spec;

/* Rows per request to an external scorer when its spec gives no batch_size. */
#define MG_EXTERNAL_BATCH_DEFAULT 256

mg_model *mg_model_load(const mg_model_spec *spec, mg_error *err);
void mg_model_free(mg_model *m);

mg_model_format mg_model_get_format(const mg_model *m);
/* The name of a format: "xgboost", "linear", "pmml", "external", "http"
 * ("auto" for MG_MODEL_AUTO).  Static storage. */
const char *mg_model_format_name(mg_model_format f);
/* The format a gate spec's model "format" names ("xgboost", "linear",
 * "pmml"); MG_MODEL_AUTO for NULL or any other name (the spec loader
 * refuses those). */
mg_model_format mg_model_format_parse(const char *name);
mg_model_task mg_model_get_task(const mg_model *m);
/* The objective / function as the model names it (e.g. "binary:logistic"). */
const char *mg_model_objective(const mg_model *m);
/* Number of outputs per row: 1 for regression and binary, K for multiclass. */
size_t mg_model_noutputs(const mg_model *m);
/* Class label of output k for multiclass models (e.g. "0", "setosa"); NULL otherwise. */
const char *mg_model_class_label(const mg_model *m, size_t k);
size_t mg_model_nfeatures(const mg_model *m);
/* Feature name i; NULL when the model does not name its features (then
 * features are bound by position: feature i is data column i, or "f<i>"). */
const char *mg_model_feature_name(const mg_model *m, size_t i);

/* Binds the model's features to data columns by name (or position when the
 * model has no names).  Fails naming every feature that has no column. */
mg_binding *mg_binding_new(const mg_model *m, const char *const *columns, size_t ncolumns,
                           mg_error *err);
/* Same, but feature i reads the column named names[i] (a mapping the user
 * wrote, e.g. a gate spec's model.features) whatever the model calls it.
 * names holds mg_model_nfeatures(m) strings; NULL means mg_binding_new. */
mg_binding *mg_binding_new_named(const mg_model *m, const char *const *columns, size_t ncolumns,
                                 const char *const *names, mg_error *err);
void mg_binding_free(mg_binding *b);

/* The index (into the columns given at binding) of the column feature i
 * reads, or -1. */
long mg_binding_column(const mg_binding *b, size_t i);
/* 1 when feature i was bound by position: the model names no features, no
 * mapping was given and no column is named f<i>, so it reads column i,
 * whatever that column holds.  The caller should show such a binding. */
int mg_binding_by_position(const mg_binding *b, size_t i);

/* mg_model_score_row's status when the model computed an output that is not
 * finite (NaN or an infinity): the row counts as unscorable, out holds the
 * raw outputs for diagnosis, and err says which output. */
#define MG_SCORE_NONFINITE (-2)

/*
 * Scores one row: writes mg_model_noutputs() values to out.  Never hands out
 * NaN or an infinity as a score: see MG_SCORE_NONFINITE.  Missing values
 * (absent, null, empty, NaN) follow the model's missing-value rules.  A value
 * the model cannot use (text in a numeric feature, for instance) makes the
 * row unscorable: returns -1 with err naming the feature and what was found.
 */
int mg_model_score_row(mg_model *m, const mg_binding *b, const mg_row *row, double *out,
                       mg_error *err);

/*
 * Scores n rows: out holds n * noutputs values, row-major.  ok[i] is set to 1
 * for a scored row and 0 for one that could not be scored, or whose outputs
 * were not finite; row_err, when not NULL, receives the message of the first failure.
 * Returns the number of rows scored, or -1 when the whole batch failed
 * (an external scorer crashed or timed out; err says so, with its stderr tail).
 */
long mg_model_score_batch(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n,
                          double *out, unsigned char *ok, mg_error *row_err, mg_error *err);

/*
 * Scoring from gathered features, for callers that have a row's numbers at
 * hand already (the runner types every schema field once) and score many
 * rows at a time.  mg_model_scores_features is 1 when the model can (xgboost),
 * 0 when it needs the rows themselves (linear, PMML, external scorers).
 *
 * mg_model_feature_value reads feature i of row exactly as scoring does:
 * 0 with *out set, 1 when missing (*out = NaN), -1 with err naming the
 * feature when the value is not a number (the row cannot be scored).
 *
 * mg_model_score_features scores n rows of features (n * nfeatures doubles,
 * row-major, NaN for a missing value), giving what mg_model_score_batch
 * gives for the same rows: out holds n * noutputs values, ok[i] is 0 for a
 * row whose outputs are not finite (row_err, when not NULL, gets the first
 * such message).  Returns the number of rows scored, or -1 with err when
 * the model cannot score features.
 */
int mg_model_scores_features(const mg_model *m);
int mg_model_feature_value(const mg_model *m, const mg_binding *b, const mg_row *row, size_t i,
                           double *out, mg_error *err);
long mg_model_score_features(mg_model *m, const double *features, size_t n, double *out,
                             unsigned char *ok, mg_error *row_err, mg_error *err);

#endif
