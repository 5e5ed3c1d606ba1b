#include "harness/scoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "score/model.h"

struct mg_scoring {
    mg_model *model;
    mg_binding *binding;
    long prediction_column;  /* when scoring from the data */
    const char *prediction_name;
    const char *data_path;
    size_t noutputs;
    int task;
    char *describe;
    const char **class_labels;
    /* External scorers: queued row copies and their outputs. */
    size_t batch_size;
    mg_row **queue;
    size_t queued;
    double *out;
    unsigned char *ok;
};

mg_scoring *mg_scoring_new(const mg_spec *spec, const mg_source *src, mg_error *err)
{
    mg_scoring *s = mg_xcalloc(1, sizeof *s);
    s->prediction_column = -1;
    s->data_path = spec->data_path;
    s->task = -1;
    if (spec->model.path || spec->model.command) {
        mg_model_spec ms;
        memset(&ms, 0, sizeof ms);
        ms.path = spec->model.path;
        ms.command = (const char *const *)spec->model.command;
        ms.timeout_seconds = spec->model.timeout_seconds;
        ms.batch_size = spec->model.batch_size;
        if (spec->model.format)
            ms.format = strcmp(spec->model.format, "xgboost") == 0 ? MG_MODEL_XGBOOST
                        : strcmp(spec->model.format, "linear") == 0 ? MG_MODEL_LINEAR
                                                                    : MG_MODEL_PMML;
        s->model = mg_model_load(&ms, err);
        if (!s->model) {
            free(s);
            return NULL;
        }
        size_t ncols = mg_source_ncolumns(src);
        const char **cols = mg_xcalloc(ncols + 1, sizeof *cols);
        for (size_t i = 0; i < ncols; i++)
            cols[i] = mg_source_column(src, i);
        s->binding = mg_binding_new(s->model, cols, ncols, err);
        free(cols);
        if (!s->binding) {
            mg_scoring_free(s);
            return NULL;
        }
        s->noutputs = mg_model_noutputs(s->model);
        s->task = (int)mg_model_get_task(s->model);
        int external = mg_model_get_format(s->model) == MG_MODEL_EXTERNAL;
        s->batch_size = external ? (spec->model.batch_size ? spec->model.batch_size : 256) : 1;
        if (s->task == MG_TASK_MULTICLASS && mg_model_class_label(s->model, 0)) {
            s->class_labels = mg_xcalloc(s->noutputs + 1, sizeof *s->class_labels);
            for (size_t k = 0; k < s->noutputs; k++)
                s->class_labels[k] = mg_model_class_label(s->model, k);
        }
        s->describe = mg_xasprintf("model '%s' (%s)",
                                   spec->model.path ? spec->model.path : spec->model.command[0],
                                   mg_model_format_name(mg_model_get_format(s->model)));
    } else if (spec->roles[MG_ROLE_PREDICTION]) {
        s->prediction_name = spec->roles[MG_ROLE_PREDICTION];
        s->prediction_column = mg_source_column_index(src, s->prediction_name);
        if (s->prediction_column < 0) {
            mg_error_set(err, "%s: the prediction column '%s' (data.prediction) is not in the data",
                         spec->data_path, s->prediction_name);
            free(s);
            return NULL;
        }
        s->noutputs = 1;
        s->batch_size = 1;
        s->describe = mg_xasprintf("column '%s'", s->prediction_name);
    } else {
        mg_error_set(err, "%s: nothing to score with: give a \"model\" or data.prediction", spec->path);
        free(s);
        return NULL;
    }
    s->queue = mg_xcalloc(s->batch_size, sizeof *s->queue);
    s->out = mg_xcalloc(s->batch_size * s->noutputs, sizeof *s->out);
    s->ok = mg_xcalloc(s->batch_size, 1);
    return s;
}

void mg_scoring_free(mg_scoring *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->queued; i++)
        mg_row_free(s->queue[i]);
    free(s->queue);
    free(s->out);
    free(s->ok);
    free(s->describe);
    free(s->class_labels);
    mg_binding_free(s->binding);
    mg_model_free(s->model);
    free(s);
}

size_t mg_scoring_noutputs(const mg_scoring *s) { return s->noutputs; }
int mg_scoring_task(const mg_scoring *s) { return s->task; }
const char *mg_scoring_describe(const mg_scoring *s) { return s->describe; }
mg_model *mg_scoring_model(const mg_scoring *s) { return s->model; }
const mg_binding *mg_scoring_binding(const mg_scoring *s) { return s->binding; }
const char *const *mg_scoring_class_labels(const mg_scoring *s) { return s->class_labels; }

static void score_from_column(mg_scoring *s, const mg_row *row, mg_scored_fn emit, void *ctx)
{
    const mg_value *v = &row->values[s->prediction_column];
    double d;
    if (mg_value_to_double(v, &d) != 0 || !isfinite(d)) {
        char why[300];
        snprintf(why, sizeof why, "%s:%lu: %s: found '%.40s', expected a finite number",
                 s->data_path, row->line, s->prediction_name, v->text);
        emit(ctx, row, NULL, why);
        return;
    }
    emit(ctx, row, &d, NULL);
}

/* Scores rows[0..n) and emits them. */
static void score_batch(mg_scoring *s, const mg_row *const *rows, size_t n, mg_scored_fn emit, void *ctx)
{
    /* mg_model_score_batch takes an array of rows by value. */
    mg_row *flat = mg_xcalloc(n, sizeof *flat);
    for (size_t i = 0; i < n; i++)
        flat[i] = *rows[i];
    mg_error row_err = {{0}}, err = {{0}};
    long scored = mg_model_score_batch(s->model, s->binding, flat, n, s->out, s->ok, &row_err, &err);
    for (size_t i = 0; i < n; i++) {
        if (scored < 0) {
            emit(ctx, rows[i], NULL, err.msg);
        } else if (!s->ok[i]) {
            char why[MG_ERROR_MAX + 64];
            snprintf(why, sizeof why, "%s:%lu: cannot be scored", s->data_path, rows[i]->line);
            /* The library reports the first failing row's reason; say it
             * for that row and the generic reason for the rest. */
            emit(ctx, rows[i], NULL, row_err.msg[0] ? row_err.msg : why);
        } else {
            emit(ctx, rows[i], s->out + i * s->noutputs, NULL);
        }
    }
    free(flat);
}

void mg_scoring_push(mg_scoring *s, const mg_row *row, mg_scored_fn emit, void *ctx)
{
    if (s->prediction_column >= 0) {
        score_from_column(s, row, emit, ctx);
        return;
    }
    if (s->batch_size == 1) {
        const mg_row *one = row;
        score_batch(s, &one, 1, emit, ctx);
        return;
    }
    s->queue[s->queued++] = mg_row_dup(row);
    if (s->queued == s->batch_size)
        mg_scoring_flush(s, emit, ctx);
}

void mg_scoring_flush(mg_scoring *s, mg_scored_fn emit, void *ctx)
{
    if (s->queued == 0)
        return;
    score_batch(s, (const mg_row *const *)s->queue, s->queued, emit, ctx);
    for (size_t i = 0; i < s->queued; i++)
        mg_row_free(s->queue[i]);
    s->queued = 0;
}
