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
    long column;             /* when scoring from the data */
    const char *column_name;
    const char *data_path;
    size_t noutputs;
    int task;
    char *describe;
    const char **class_labels;
    size_t batch_size;
    mg_row *flat;            /* batch of rows by value, for mg_model_score_batch */
    unsigned char *ok;
    char **why;              /* per row of the batch: a message, or NULL */
};

static mg_model_format format_of(const char *name)
{
    if (!name)
        return MG_MODEL_AUTO;
    return strcmp(name, "xgboost") == 0 ? MG_MODEL_XGBOOST
           : strcmp(name, "linear") == 0 ? MG_MODEL_LINEAR : MG_MODEL_PMML;
}

static int load_model(mg_scoring *s, const mg_model_ref *ref, const char *what, const mg_source *src,
                      mg_error *err)
{
    mg_model_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.path = ref->path;
    ms.command = (const char *const *)ref->command;
    ms.timeout_seconds = ref->timeout_seconds;
    ms.batch_size = ref->batch_size;
    ms.format = format_of(ref->format);
    s->model = mg_model_load(&ms, err);
    if (!s->model)
        return -1;
    size_t ncols = mg_source_ncolumns(src);
    const char **cols = mg_xcalloc(ncols + 1, sizeof *cols);
    for (size_t i = 0; i < ncols; i++)
        cols[i] = mg_source_column(src, i);
    s->binding = mg_binding_new(s->model, cols, ncols, err);
    free(cols);
    if (!s->binding)
        return -1;
    s->noutputs = mg_model_noutputs(s->model);
    s->task = (int)mg_model_get_task(s->model);
    int external = mg_model_get_format(s->model) == MG_MODEL_EXTERNAL;
    s->batch_size = external ? (ref->batch_size ? ref->batch_size : 256) : 1;
    if (s->task == MG_TASK_MULTICLASS && mg_model_class_label(s->model, 0)) {
        s->class_labels = mg_xcalloc(s->noutputs + 1, sizeof *s->class_labels);
        for (size_t k = 0; k < s->noutputs; k++)
            s->class_labels[k] = mg_model_class_label(s->model, k);
    }
    s->describe = mg_xasprintf("%s '%s' (%s)", what, ref->path ? ref->path : ref->command[0],
                               mg_model_format_name(mg_model_get_format(s->model)));
    return 0;
}

mg_scoring *mg_scoring_new(const mg_model_ref *model, const char *column, const char *what,
                           const mg_spec *spec, const mg_source *src, mg_error *err)
{
    mg_scoring *s = mg_xcalloc(1, sizeof *s);
    s->column = -1;
    s->data_path = spec->data_path;
    s->task = -1;
    if (model && (model->path || model->command)) {
        if (load_model(s, model, what, src, err) != 0) {
            mg_scoring_free(s);
            return NULL;
        }
    } else if (column) {
        s->column_name = column;
        s->column = mg_source_column_index(src, column);
        if (s->column < 0) {
            mg_error_set(err, "%s: the %s column '%s' is not in the data", spec->data_path, what, column);
            mg_scoring_free(s);
            return NULL;
        }
        s->noutputs = 1;
        s->batch_size = 1;
        s->describe = mg_xasprintf("column '%s'", column);
    } else {
        mg_error_set(err, "%s: nothing to score with: give a \"model\" or data.prediction", spec->path);
        mg_scoring_free(s);
        return NULL;
    }
    s->flat = mg_xcalloc(s->batch_size, sizeof *s->flat);
    s->ok = mg_xcalloc(s->batch_size, 1);
    s->why = mg_xcalloc(s->batch_size, sizeof *s->why);
    return s;
}

static void clear_why(mg_scoring *s)
{
    for (size_t i = 0; s->why && i < s->batch_size; i++) {
        free(s->why[i]);
        s->why[i] = NULL;
    }
}

void mg_scoring_free(mg_scoring *s)
{
    if (!s)
        return;
    clear_why(s);
    free(s->why);
    free(s->flat);
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
size_t mg_scoring_batch_size(const mg_scoring *s) { return s->batch_size; }
const char *const *mg_scoring_class_labels(const mg_scoring *s) { return s->class_labels; }
mg_model *mg_scoring_model(const mg_scoring *s) { return s->model; }
const mg_binding *mg_scoring_binding(const mg_scoring *s) { return s->binding; }

void mg_scoring_score(mg_scoring *s, const mg_row *const *rows, size_t n, double *out, const char **why)
{
    clear_why(s);
    if (s->column >= 0) {
        for (size_t i = 0; i < n; i++) {
            const mg_value *v = &rows[i]->values[s->column];
            why[i] = NULL;
            if (mg_value_to_double(v, &out[i]) != 0 || !isfinite(out[i])) {
                s->why[i] = mg_xasprintf("%s:%lu: %s: found '%.40s', expected a finite number", s->data_path,
                                         rows[i]->line, s->column_name, v->text);
                why[i] = s->why[i];
            }
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        s->flat[i] = *rows[i];
    mg_error row_err = {{0}}, err = {{0}};
    long scored = mg_model_score_batch(s->model, s->binding, s->flat, n, out, s->ok, &row_err, &err);
    for (size_t i = 0; i < n; i++) {
        why[i] = NULL;
        if (scored < 0)
            s->why[i] = mg_xasprintf("%s", err.msg);
        else if (!s->ok[i])
            /* The library words the first failing row's reason; with batches
             * of one (native models) that is always this row's. */
            s->why[i] = n == 1 && row_err.msg[0] ? mg_xasprintf("%s:%lu: %s", s->data_path, rows[i]->line, row_err.msg)
                                                 : mg_xasprintf("%s:%lu: the model could not score this row",
                                                                s->data_path, rows[i]->line);
        why[i] = s->why[i];
    }
}
