/*
 * model.c - the scoring core's front door: format detection, dispatch to the
 * back ends, feature binding, and the generic getters.
 */
#include "score/model.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/name_index.h"
#include "common/xmem.h"
#include "score/model_internal.h"

mg_model *mg_model_alloc(const mg_model_ops *ops, mg_model_format format)
{
    mg_model *m = mg_xcalloc(1, sizeof *m);
    m->ops = ops;
    m->format = format;
    return m;
}

/* Reads the first non-blank byte of a file (skipping a UTF-8 BOM): '{' means
 * JSON, '<' means XML.  Returns the byte, or -1 with err. */
static int first_byte(const char *path, mg_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return mg_error_set(err, "%s: cannot open model: %s", path, strerror(errno));
    int c;
    int pos = 0;
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    while ((c = getc(fp)) != EOF) {
        if (pos < 3 && c == bom[pos]) {
            pos++;
            continue;
        }
        pos = 3;
        if (!isspace(c))
            break;
    }
    fclose(fp);
    if (c == EOF)
        return mg_error_set(err, "%s: model file is empty", path);
    return c;
}

/* JSON models are parsed whole in memory: refuse absurd sizes up front. */
#define MG_MAX_JSON_MODEL_BYTES (1024L << 20)

static mg_model *load_json(const char *path, mg_model_format want, mg_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > MG_MAX_JSON_MODEL_BYTES) {
        mg_error_set(err, "%s: model file is over the %ld MB limit for JSON models", path,
                     MG_MAX_JSON_MODEL_BYTES >> 20);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        mg_error_set(err, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        mg_error_set(err, "%s: expected a JSON object at the top level", path);
        return NULL;
    }
    if (want == MG_MODEL_AUTO) {
        if (json_object_get(root, "learner"))
            want = MG_MODEL_XGBOOST;
        else if (json_object_get(root, "type"))
            want = MG_MODEL_LINEAR;
        else {
            json_decref(root);
            mg_error_set(err, "%s: unknown JSON model: expected a 'learner' key (xgboost) or a "
                              "'type' key (linear/logistic)", path);
            return NULL;
        }
    }
    mg_model *m = want == MG_MODEL_XGBOOST ? mg_xgb_from_json(root, path, err)
                                           : mg_linear_from_json(root, path, err);
    json_decref(root);
    return m;
}

mg_model *mg_model_load(const mg_model_spec *spec, mg_error *err)
{
    if (spec->http)
        return mg_http_model_start(spec, err);
    if (spec->command || spec->format == MG_MODEL_EXTERNAL) {
        if (!spec->command || !spec->command[0]) {
            mg_error_set(err, "external scorer: no command given");
            return NULL;
        }
        return mg_external_start(spec, err);
    }
    if (!spec->path) {
        mg_error_set(err, "model: neither a path nor a command given");
        return NULL;
    }
    switch (spec->format) {
    case MG_MODEL_XGBOOST:
    case MG_MODEL_LINEAR:
        return load_json(spec->path, spec->format, err);
    case MG_MODEL_PMML:
        return mg_pmml_load(spec->path, err);
    default:
        break;
    }
    int c = first_byte(spec->path, err);
    if (c < 0)
        return NULL;
    if (c == '{')
        return load_json(spec->path, MG_MODEL_AUTO, err);
    if (c == '<')
        return mg_pmml_load(spec->path, err);
    mg_error_set(err, "%s: unknown model format: expected JSON (xgboost, linear) or PMML XML",
                 spec->path);
    return NULL;
}

void mg_model_free(mg_model *m)
{
    if (!m)
        return;
    if (m->ops && m->ops->free_impl)
        m->ops->free_impl(m->impl);
    free(m->objective);
    if (m->class_labels)
        for (size_t k = 0; k < m->noutputs; k++)
            free(m->class_labels[k]);
    free(m->class_labels);
    if (m->feature_names)
        for (size_t i = 0; i < m->nfeatures; i++)
            free(m->feature_names[i]);
    free(m->feature_names);
    free(m);
}

mg_model_format mg_model_get_format(const mg_model *m) { return m->format; }

mg_model_task mg_model_get_task(const mg_model *m) { return m->task; }
const char *mg_model_objective(const mg_model *m) { return m->objective ? m->objective : ""; }
size_t mg_model_noutputs(const mg_model *m) { return m->noutputs; }

const char *mg_model_class_label(const mg_model *m, size_t k)
{
    if (m->task != MG_TASK_MULTICLASS || !m->class_labels || k >= m->noutputs)
        return NULL;
    return m->class_labels[k];
}

size_t mg_model_nfeatures(const mg_model *m) { return m->nfeatures; }

const char *mg_model_feature_name(const mg_model *m, size_t i)
{
    if (!m->feature_names || i >= m->nfeatures)
        return NULL;
    return m->feature_names[i];
}

/* The column named name, or -1.  The index matches fingerprints; the name
 * itself is confirmed, so a feature is never bound to another column. */
static long find_column(const mg_name_index *index, const char *const *columns, const char *name)
{
    long c = mg_name_index_find(index, name);
    return c >= 0 && strcmp(columns[c], name) == 0 ? c : -1;
}

/* The data column of feature i: by the caller's mapping (`mapped`, when not
 * NULL) or the model's name, or for a model without names a column named
 * f<i>, else column i (then *by_position is set). */
static long bind_feature(const mg_model *m, const mg_name_index *index, const char *const *columns,
                         size_t ncolumns, size_t i, const char *mapped, char posname[32], const char **name,
                         unsigned char *by_position)
{
    *name = mapped ? mapped : m->feature_names ? m->feature_names[i] : NULL;
    if (*name)
        return find_column(index, columns, *name);
    snprintf(posname, 32, "f%zu", i);
    *name = posname;
    long c = find_column(index, columns, posname);
    if (c < 0 && i < ncolumns) {
        *by_position = 1;
        return (long)i;
    }
    return c;
}

mg_binding *mg_binding_new(const mg_model *m, const char *const *columns, size_t ncolumns,
                           mg_error *err)
{
    return mg_binding_new_named(m, columns, ncolumns, NULL, err);
}

mg_binding *mg_binding_new_named(const mg_model *m, const char *const *columns, size_t ncolumns,
                                 const char *const *names, mg_error *err)
{
    mg_binding *b = mg_xcalloc(1, sizeof *b);
    b->nfeatures = m->nfeatures;
    b->column = mg_xcalloc(m->nfeatures ? m->nfeatures : 1, sizeof *b->column);
    b->by_position = mg_xcalloc(m->nfeatures ? m->nfeatures : 1, 1);
    /* One hash lookup per feature: comparing every feature with every column
     * would be quadratic on wide data. */
    mg_name_index index;
    mg_name_index_init(&index);
    for (size_t c = 0; c < ncolumns; c++)
        if (columns[c])
            mg_name_index_add(&index, columns[c], c);
    char missing[MG_ERROR_MAX] = "";
    size_t nmissing = 0, used = 0;
    for (size_t i = 0; i < m->nfeatures; i++) {
        char posname[32];
        const char *name;
        long c = bind_feature(m, &index, columns, ncolumns, i, names ? names[i] : NULL, posname, &name,
                              &b->by_position[i]);
        b->column[i] = c;
        if (c < 0) {
            nmissing++;
            if (used < sizeof missing - 64) {
                int w = snprintf(missing + used, sizeof missing - used, "%s'%s'",
                                 nmissing > 1 ? ", " : "", name);
                if (w > 0)
                    used += (size_t)w;
            }
        }
    }
    mg_name_index_free(&index);
    if (nmissing) {
        mg_error_set(err, "%zu model feature%s not found in the data: %s", nmissing,
                     nmissing > 1 ? "s" : "", missing);
        mg_binding_free(b);
        return NULL;
    }
    return b;
}

void mg_binding_free(mg_binding *b)
{
    if (!b)
        return;
    free(b->column);
    free(b->by_position);
    free(b);
}

long mg_binding_column(const mg_binding *b, size_t i)
{
    return i < b->nfeatures ? b->column[i] : -1;
}

int mg_binding_by_position(const mg_binding *b, size_t i)
{
    return i < b->nfeatures && b->by_position[i];
}

const mg_value *mg_binding_value(const mg_binding *b, const mg_row *row, size_t i)
{
    static const mg_value absent = {MG_VALUE_ABSENT, "", 0, 0.0, 0};
    long c = b->column[i];
    if (c < 0 || (size_t)c >= row->nvalues)
        return &absent;
    return &row->values[c];
}

int mg_feature_number(const mg_model *m, const mg_binding *b, const mg_row *row, size_t i,
                      double *out, mg_error *err)
{
    const mg_value *v = mg_binding_value(b, row, i);
    if (mg_value_is_missing(v)) {
        *out = NAN;
        return 1;
    }
    if (mg_value_to_double(v, out) != 0) {
        const char *name = mg_model_feature_name(m, i);
        char posname[32];
        if (!name) {
            snprintf(posname, sizeof posname, "f%zu", i);
            name = posname;
        }
        return mg_error_set(err, "feature '%s': expected a number, found '%.40s'", name,
                            v->text ? v->text : "");
    }
    if (isnan(*out))
        return 1;
    return 0;
}

/*
 * A model never hands out NaN or an infinity: an output that is not finite
 * (0 * Inf in a linear model, an overflowing softmax on a 1e308 input, an
 * external scorer's NaN) makes the row unscorable, with the reason.
 */
static int outputs_finite(const mg_model *m, const double *out, mg_error *err)
{
    for (size_t k = 0; k < m->noutputs; k++)
        if (!isfinite(out[k]))
            return mg_error_set(err, "the model's output %zu is %s, not a finite number; an input value is "
                                     "probably out of the range the model handles (NaN, infinite or huge)",
                                k, isnan(out[k]) ? "NaN" : "infinite");
    return 0;
}

static int score_row_raw(mg_model *m, const mg_binding *b, const mg_row *row, double *out, mg_error *err);

int mg_model_score_row(mg_model *m, const mg_binding *b, const mg_row *row, double *out,
                       mg_error *err)
{
    if (b->nfeatures != m->nfeatures)
        return mg_error_set(err, "binding does not belong to this model");
    if (score_row_raw(m, b, row, out, err) != 0)
        return -1;
    return outputs_finite(m, out, err) == 0 ? 0 : MG_SCORE_NONFINITE;
}

static int score_row_raw(mg_model *m, const mg_binding *b, const mg_row *row, double *out, mg_error *err)
{
    if (m->ops->score_row)
        return m->ops->score_row(m, b, row, out, err);
    /* Batch-only back ends score one row as a batch of one. */
    unsigned char ok = 0;
    mg_error row_err = {{0}};
    long r = m->ops->score_batch(m, b, row, 1, out, &ok, &row_err, err);
    if (r < 0)
        return -1;
    if (!ok) {
        if (err)
            memcpy(err->msg, row_err.msg, sizeof err->msg);
        return -1;
    }
    return 0;
}

long mg_model_score_batch(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n,
                          double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    if (b->nfeatures != m->nfeatures)
        return mg_error_set(err, "binding does not belong to this model");
    if (m->ops->score_batch) {
        long scored = m->ops->score_batch(m, b, rows, n, out, ok, row_err, err);
        if (scored < 0)
            return scored;
        int first = row_err ? row_err->msg[0] == '\0' : 0;
        for (size_t r = 0; r < n; r++) {
            mg_error e;
            if (!ok[r] || outputs_finite(m, out + r * m->noutputs, &e) == 0)
                continue;
            ok[r] = 0;
            scored--;
            if (first)
                memcpy(row_err->msg, e.msg, sizeof e.msg);
            first = 0;
        }
        return scored;
    }
    long scored = 0;
    int first = 1;
    for (size_t r = 0; r < n; r++) {
        double *o = out + r * m->noutputs;
        mg_error e;
        if (m->ops->score_row(m, b, &rows[r], o, &e) == 0 && outputs_finite(m, o, &e) == 0) {
            ok[r] = 1;
            scored++;
            continue;
        }
        ok[r] = 0;
        for (size_t k = 0; k < m->noutputs; k++)
            o[k] = NAN;
        if (first && row_err)
            memcpy(row_err->msg, e.msg, sizeof e.msg);
        first = 0;
    }
    return scored;
}

int mg_model_scores_features(const mg_model *m)
{
    return m->ops->score_features != NULL;
}

int mg_model_feature_value(const mg_model *m, const mg_binding *b, const mg_row *row, size_t i,
                           double *out, mg_error *err)
{
    return mg_feature_number(m, b, row, i, out, err);
}

long mg_model_score_features(mg_model *m, const double *features, size_t n, double *out,
                             unsigned char *ok, mg_error *row_err, mg_error *err)
{
    if (!m->ops->score_features)
        return mg_error_set(err, "a %s model cannot score gathered features", mg_model_format_name(m->format));
    m->ops->score_features(m, features, n, out);
    long scored = 0;
    int first = 1;
    for (size_t r = 0; r < n; r++) {
        mg_error e;
        ok[r] = outputs_finite(m, out + r * m->noutputs, &e) == 0;
        scored += ok[r];
        if (!ok[r] && first && row_err)
            memcpy(row_err->msg, e.msg, sizeof e.msg);
        first &= ok[r];
    }
    return scored;
}
