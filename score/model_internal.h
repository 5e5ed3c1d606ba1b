/*
 * model_internal.h - what the format back ends (xgboost.c, linear.c,
 * pmml_*.c, external.c) share with the dispatcher (model.c).  Private to
 * score/: nothing outside this folder includes it.
 *
 * A back end fills an mg_model made by mg_model_alloc: its ops table, task,
 * outputs, feature names and its private `impl`.  model.c frees the common
 * fields; ops->free frees impl.
 */
#ifndef MG_SCORE_MODEL_INTERNAL_H
#define MG_SCORE_MODEL_INTERNAL_H

#include <jansson.h>

#include "score/model.h"

typedef struct mg_model_ops {
    /* Frees m->impl (the dispatcher frees the rest). */
    void (*free_impl)(void *impl);
    /* Scores one row into out[noutputs]; -1 with err (no file prefix) when
     * the row cannot be scored. */
    int (*score_row)(mg_model *m, const mg_binding *b, const mg_row *row, double *out,
                     mg_error *err);
    /* Optional: whole-batch scoring (external scorers).  Same contract as
     * mg_model_score_batch.  NULL means "score_row in a loop". */
    long (*score_batch)(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n,
                        double *out, unsigned char *ok, mg_error *row_err, mg_error *err);
    /* Optional: scores n rows of gathered features (n * nfeatures doubles,
     * row-major, NaN = missing) into out; cannot fail per row.  NULL: the
     * model needs the rows themselves (mg_model_scores_features says 0). */
    void (*score_features)(mg_model *m, const double *features, size_t n, double *out);
} mg_model_ops;

struct mg_model {
    const mg_model_ops *ops;
    mg_model_format format;
    mg_model_task task;
    char *objective;       /* owned */
    size_t noutputs;
    char **class_labels;   /* owned, noutputs entries, or NULL */
    size_t nfeatures;
    char **feature_names;  /* owned, nfeatures entries, or NULL (bind by position) */
    void *impl;            /* back end state, freed by ops->free_impl */
};

struct mg_binding {
    size_t nfeatures;
    long *column; /* data column of feature i */
    unsigned char *by_position; /* 1: feature i took column i (no name to go by) */
};

/* A zeroed model with the given ops and format. */
mg_model *mg_model_alloc(const mg_model_ops *ops, mg_model_format format);

/* The value of feature i in row (an ABSENT value when the row is short). */
const mg_value *mg_binding_value(const mg_binding *b, const mg_row *row, size_t i);

/*
 * Reads feature i of row as a number.  Returns 0 with *out set, 1 when the
 * value is missing (absent, null, empty, NaN; *out = NaN), or -1 with err
 * naming the feature when the value is not a number.
 */
int mg_feature_number(const mg_model *m, const mg_binding *b, const mg_row *row, size_t i,
                      double *out, mg_error *err);

/* Back ends.  `path` is only used in messages.  Each returns NULL with err. */
mg_model *mg_xgb_from_json(json_t *root, const char *path, mg_error *err);
mg_model *mg_linear_from_json(json_t *root, const char *path, mg_error *err);
mg_model *mg_pmml_load(const char *path, mg_error *err);
mg_model *mg_external_start(const mg_model_spec *spec, mg_error *err);
mg_model *mg_http_model_start(const mg_model_spec *spec, mg_error *err); /* score/http_model.c */

#endif
