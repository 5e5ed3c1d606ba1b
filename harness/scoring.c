#include "harness/scoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/suggest.h"
#include "common/xmem.h"
#include "score/http.h"
#include "score/model.h"
#include "sources/data_files.h"

struct mg_scoring {
    mg_model *model;
    mg_binding *binding;
    long column;             /* when scoring from the data */
    const char *column_name;
    const char *data_path;
    const mg_source *src;    /* names the file of a line when there are several */
    size_t noutputs;
    int task;
    char *describe;
    const char **class_labels;
    char *binding_note;      /* "f0 -> age, ..." when bound by position, else NULL */
    size_t batch_size;       /* rows it prefers to score at a time */
    size_t cap;              /* rows the per-slot buffers below hold */
    mg_row *flat;            /* batch of rows by value, for mg_model_score_batch */
    unsigned char *ok;
    char **why;              /* per row of the batch: a message, or NULL */
    double *one_out;         /* noutputs: scratch to re-score one failed row */
    /* Models that score gathered features (mg_model_scores_features): */
    int gathers;
    long *feature_field;     /* per feature: the schema field typed from its column, or -1 */
    double *features;        /* batch_size * nfeatures, filled as rows are queued */
    char **gather_why;       /* per slot: why its features could not be read, or NULL */
};

/* Rows a native model scores at a time in a run: enough for its blocked
 * traversal (score/xgboost.c walks 64-row blocks) to keep a tree in cache
 * while many rows walk it, few enough that the copies stay small. */
#define NATIVE_BATCH 256

/* What the spec calls the model: its file, command or URL. */
static const char *model_name(const mg_model_ref *ref)
{
    return ref->path ? ref->path : ref->http ? ref->http->url : ref->command[0];
}

/* model.features: one data column per model feature.  0, or -1 with err at
 * the spec position of the list or of the name that is wrong. */
static int check_feature_columns(const mg_model_ref *ref, size_t nfeatures, const char *const *cols,
                                 const mg_spec *spec, const mg_source *src, mg_error *err)
{
    if (ref->nfeatures != nfeatures)
        return mg_error_set(err, "%s: %zu column%s named for the %zu features of '%s'", ref->features_at,
                            ref->nfeatures, ref->nfeatures == 1 ? "" : "s", nfeatures,
                            model_name(ref));
    for (size_t i = 0; i < ref->nfeatures; i++) {
        if (mg_source_column_index(src, ref->features[i]) >= 0)
            continue;
        const char *near = mg_suggest(ref->features[i], cols);
        return mg_error_set(err, "%s: '%s' is not a column of '%s'%s%s%s", ref->feature_at[i], ref->features[i],
                            spec->data_path, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    return 0;
}

/* The roles a feature bound by position must not read: a model fed the row
 * id or the label gives scores that mean nothing. */
static const mg_role refused_roles[] = {MG_ROLE_ID, MG_ROLE_LABEL, MG_ROLE_TIME, MG_ROLE_KEY};

/* The refused role whose column (by the spec) is named `column`, or MG_ROLE_COUNT. */
static mg_role role_of_column(const mg_spec *spec, const char *column)
{
    for (size_t r = 0; r < sizeof refused_roles / sizeof *refused_roles; r++)
        if (spec->roles[refused_roles[r]] && strcmp(spec->roles[refused_roles[r]], column) == 0)
            return refused_roles[r];
    return MG_ROLE_COUNT;
}

/*
 * A model without feature names binds by position.  Keeps the binding as
 * s->binding_note ("f0 -> age, f1 -> income") for the warning and the
 * reports; refuses it (-1 with err) when a feature would read the spec's
 * id, label, time or key column.
 */
static int check_positional(mg_scoring *s, const mg_model_ref *ref, const char *const *cols, const mg_spec *spec,
                            mg_error *err)
{
    size_t nf = mg_model_nfeatures(s->model);
    int positional = 0;
    for (size_t i = 0; i < nf; i++)
        positional |= mg_binding_by_position(s->binding, i);
    if (!positional)
        return 0;
    mg_strbuf note = {0}, refused = {0};
    for (size_t i = 0; i < nf; i++) {
        long c = mg_binding_column(s->binding, i);
        const char *col = c >= 0 ? cols[c] : "?";
        char *pair = mg_xasprintf("%sf%zu -> %s", i ? ", " : "", i, col);
        if (i < 50)
            mg_strbuf_add(&note, pair);
        free(pair);
        mg_role r = mg_binding_by_position(s->binding, i) ? role_of_column(spec, col) : MG_ROLE_COUNT;
        if (r != MG_ROLE_COUNT) {
            char *why = mg_xasprintf("%sf%zu would read the %s column '%s' (data.%s)", refused.s ? ", " : "", i,
                                     mg_role_name(r), col, mg_role_name(r));
            mg_strbuf_add(&refused, why);
            free(why);
        }
    }
    if (nf > 50) {
        char *more = mg_xasprintf(", ... (%zu more)", nf - 50);
        mg_strbuf_add(&note, more);
        free(more);
    }
    s->binding_note = note.s;
    int rc = 0;
    int champion = ref == &spec->baseline_model;
    if (refused.s)
        rc = mg_error_set(err, "%s: the %s '%s' names no features, so they bind by position, and %s; name the data "
                               "column of each of its %zu features, in order, with \"%s\": {\"features\": [...]} "
                               "(the binding: %s)",
                          spec->path, champion ? "baseline model" : "model", model_name(ref),
                          refused.s, nf, champion ? "baseline_model" : "model", note.s);
    free(refused.s);
    return rc;
}

/* For a model that scores gathered features: which schema field, typed by
 * the runner, holds each feature's number.  Only number and integer fields
 * qualify: their typed value is the double scoring would read from the text
 * (mg_value_to_double); other fields' features are read from the row. */
static void setup_gather(mg_scoring *s, const mg_spec *spec, const mg_source *src)
{
    size_t nf = mg_model_nfeatures(s->model);
    s->gathers = 1;
    s->feature_field = mg_xcalloc(nf + 1, sizeof *s->feature_field);
    for (size_t i = 0; i < nf; i++) {
        long col = mg_binding_column(s->binding, i);
        s->feature_field[i] = -1;
        for (size_t f = 0; f < spec->nfields && col >= 0; f++) {
            mg_field_type t = spec->fields[f].type;
            if ((t == MG_TYPE_NUMBER || t == MG_TYPE_INTEGER) &&
                mg_source_column_index(src, spec->fields[f].name) == col) {
                s->feature_field[i] = (long)f;
                break;
            }
        }
    }
}

static int load_model(mg_scoring *s, const mg_model_ref *ref, const char *what, const mg_spec *spec,
                      const mg_source *src, mg_error *err)
{
    mg_model_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.path = ref->path;
    ms.command = (const char *const *)ref->command;
    ms.timeout_seconds = ref->timeout_seconds;
    ms.batch_size = ref->batch_size;
    ms.format = mg_model_format_parse(ref->format);
    ms.http = ref->http;
    s->model = mg_model_load(&ms, err);
    if (!s->model)
        return -1;
    size_t ncols = mg_source_ncolumns(src);
    const char **cols = mg_xcalloc(ncols + 1, sizeof *cols);
    for (size_t i = 0; i < ncols; i++)
        cols[i] = mg_source_column(src, i);
    int rc = -1;
    if (ref->features && check_feature_columns(ref, mg_model_nfeatures(s->model), cols, spec, src, err) != 0)
        goto out;
    s->binding = mg_binding_new_named(s->model, cols, ncols, (const char *const *)ref->features, err);
    if (!s->binding || check_positional(s, ref, cols, spec, err) != 0)
        goto out;
    rc = 0;
out:
    free(cols);
    if (rc != 0)
        return -1;
    s->noutputs = mg_model_noutputs(s->model);
    s->task = (int)mg_model_get_task(s->model);
    int external = mg_model_get_format(s->model) == MG_MODEL_EXTERNAL;
    s->batch_size = external ? (ref->batch_size ? ref->batch_size : MG_EXTERNAL_BATCH_DEFAULT) : NATIVE_BATCH;
    if (ref->http) /* concurrency requests of batch_size rows in flight */
        s->batch_size = mg_http_rows_per_call(ref->http, ref->batch_size);
    if (mg_model_scores_features(s->model))
        setup_gather(s, spec, src);
    if (s->task == MG_TASK_MULTICLASS && mg_model_class_label(s->model, 0)) {
        s->class_labels = mg_xcalloc(s->noutputs + 1, sizeof *s->class_labels);
        for (size_t k = 0; k < s->noutputs; k++)
            s->class_labels[k] = mg_model_class_label(s->model, k);
    }
    s->describe = mg_xasprintf("%s '%s' (%s)", what, model_name(ref),
                               mg_model_format_name(mg_model_get_format(s->model)));
    return 0;
}

mg_scoring *mg_scoring_new(const mg_model_ref *model, const char *column, const char *what,
                           const mg_spec *spec, const mg_source *src, mg_error *err)
{
    mg_scoring *s = mg_xcalloc(1, sizeof *s);
    s->column = -1;
    s->data_path = spec->data_path;
    s->src = src;
    s->task = -1;
    if (model && (model->path || model->command || model->http)) {
        if (load_model(s, model, what, spec, src, err) != 0) {
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
    s->one_out = mg_xcalloc(s->noutputs ? s->noutputs : 1, sizeof *s->one_out);
    mg_scoring_reserve(s, s->batch_size);
    return s;
}

static void clear_why(mg_scoring *s)
{
    for (size_t i = 0; s->why && i < s->cap; i++) {
        free(s->why[i]);
        s->why[i] = NULL;
    }
}

static void free_slots(mg_scoring *s)
{
    clear_why(s);
    for (size_t i = 0; s->gather_why && i < s->cap; i++)
        free(s->gather_why[i]);
    free(s->gather_why);
    free(s->features);
    free(s->why);
    free(s->flat);
    free(s->ok);
}

void mg_scoring_reserve(mg_scoring *s, size_t n)
{
    if (n <= s->cap)
        return;
    free_slots(s);
    s->cap = n;
    s->flat = mg_xcalloc(n, sizeof *s->flat);
    s->ok = mg_xcalloc(n, 1);
    s->why = mg_xcalloc(n, sizeof *s->why);
    if (s->gathers) {
        size_t nf = mg_model_nfeatures(s->model);
        s->features = mg_xcalloc(n * (nf ? nf : 1), sizeof *s->features);
        s->gather_why = mg_xcalloc(n, sizeof *s->gather_why);
    }
}

void mg_scoring_free(mg_scoring *s)
{
    if (!s)
        return;
    free_slots(s);
    free(s->one_out);
    free(s->feature_field);
    free(s->describe);
    free(s->binding_note);
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
const char *mg_scoring_binding_note(const mg_scoring *s) { return s->binding_note; }

/* "FILE:LINE" of a data line, naming its file when there are several. */
static char *line_at(const mg_scoring *s, unsigned long line)
{
    if (mg_source_nfiles(s->src) < 2)
        return mg_xasprintf("%s:%lu", s->data_path, line);
    return mg_xasprintf("%s:%lu", mg_source_file(s->src, mg_line_file(line)), mg_line_local(line));
}

/* Why row could not be scored.  The batch call words only the first failing
 * row's reason (row_err, given for a batch of one); a native model scores
 * the row again alone for its own, so a batch reports what one row at a
 * time would.  An external scorer is not asked twice. */
static char *unscored_why(mg_scoring *s, const mg_row *row, const mg_error *row_err)
{
    mg_error e = {{0}};
    if (row_err && row_err->msg[0])
        e = *row_err;
    else if (mg_model_get_format(s->model) != MG_MODEL_EXTERNAL)
        mg_model_score_row(s->model, s->binding, row, s->one_out, &e);
    char *at = line_at(s, row->line);
    char *why = e.msg[0] ? mg_xasprintf("%s: %s", at, e.msg) : mg_xasprintf("%s: the model could not score this row", at);
    free(at);
    return why;
}

void mg_scoring_gather(mg_scoring *s, size_t slot, const mg_row *row, const mg_typed *typed)
{
    if (!s->gathers)
        return;
    size_t nf = mg_model_nfeatures(s->model);
    double *fv = s->features + slot * nf;
    free(s->gather_why[slot]);
    s->gather_why[slot] = NULL;
    for (size_t i = 0; i < nf; i++) {
        long f = s->feature_field[i];
        if (f >= 0 && typed[f].state == MG_TYPED_OK) {
            fv[i] = typed[f].num;
            continue;
        }
        if (f >= 0 && typed[f].state == MG_TYPED_MISSING) {
            fv[i] = NAN;
            continue;
        }
        mg_error e = {{0}};
        if (mg_model_feature_value(s->model, s->binding, row, i, &fv[i], &e) < 0) {
            char *at = line_at(s, row->line);
            s->gather_why[slot] = mg_xasprintf("%s: %s", at, e.msg);
            free(at);
            return;
        }
    }
}

/* The per-slot buffers of slots base .. base+n-1. */
typedef struct slots {
    char **why, **gather_why;
    unsigned char *ok;
    mg_row *flat;
    const double *features;
} slots;

static slots slots_at(mg_scoring *s, size_t base)
{
    slots sl = {s->why + base, s->gather_why ? s->gather_why + base : NULL, s->ok + base, s->flat + base, NULL};
    if (s->features)
        sl.features = s->features + base * mg_model_nfeatures(s->model);
    return sl;
}

static void clear_slots(mg_scoring *s, size_t base, size_t n)
{
    for (size_t i = base; i < base + n && i < s->cap; i++) {
        free(s->why[i]);
        s->why[i] = NULL;
    }
}

/* Scores the gathered features of the n queued rows. */
static void score_gathered(mg_scoring *s, slots sl, const mg_row *const *rows, size_t n, double *out,
                           const char **why)
{
    mg_error err = {{0}};
    long scored = mg_model_score_features(s->model, sl.features, n, out, sl.ok, NULL, &err);
    for (size_t i = 0; i < n; i++) {
        if (sl.gather_why[i]) {
            sl.why[i] = sl.gather_why[i]; /* handed over: freed with the slot's next reasons */
            sl.gather_why[i] = NULL;
        } else if (scored < 0) {
            sl.why[i] = mg_xasprintf("%s", err.msg);
        } else if (!sl.ok[i]) {
            sl.why[i] = unscored_why(s, rows[i], NULL);
        }
        why[i] = sl.why[i];
    }
}

void mg_scoring_score(mg_scoring *s, const mg_row *const *rows, size_t n, double *out, const char **why)
{
    mg_scoring_score_at(s, 0, rows, n, out, why);
}

void mg_scoring_score_at(mg_scoring *s, size_t base, const mg_row *const *rows, size_t n, double *out,
                         const char **why)
{
    clear_slots(s, base, n);
    slots sl = slots_at(s, base);
    if (s->column >= 0) {
        for (size_t i = 0; i < n; i++) {
            const mg_value *v = &rows[i]->values[s->column];
            why[i] = NULL;
            if (mg_value_to_double(v, &out[i]) != 0 || !isfinite(out[i])) {
                char *at = line_at(s, rows[i]->line);
                sl.why[i] = mg_xasprintf("%s: %s: found '%.40s', expected a finite number", at, s->column_name,
                                         v->text);
                free(at);
                why[i] = sl.why[i];
            }
        }
        return;
    }
    if (s->gathers) {
        score_gathered(s, sl, rows, n, out, why);
        return;
    }
    for (size_t i = 0; i < n; i++)
        sl.flat[i] = *rows[i];
    mg_error row_err = {{0}}, err = {{0}};
    long scored = mg_model_score_batch(s->model, s->binding, sl.flat, n, out, sl.ok, &row_err, &err);
    for (size_t i = 0; i < n; i++) {
        if (scored < 0)
            sl.why[i] = mg_xasprintf("%s", err.msg);
        else if (!sl.ok[i])
            sl.why[i] = unscored_why(s, rows[i], n == 1 ? &row_err : NULL);
        why[i] = sl.why[i];
    }
}
