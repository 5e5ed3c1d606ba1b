/*
 * model_rows.c - fuzz_model_file (see support.h): load a fuzzed model file
 * and score a fixed set of rows with it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "fuzz/support.h"

/* Models with more features or outputs are loaded and described but not
 * scored: the rows would cost more than the finding is worth. */
#define MAX_SCORED_FEATURES 4096
#define MAX_SCORED_OUTPUTS 4096
#define NROWS 8

/* The values a row can hold: numbers, missing values of each kind, text a
 * model cannot use, and extremes.  Feature i of row r gets value (r + i). */
static const mg_value sample_values[] = {
    {MG_VALUE_NUMBER, "0.5", 3, 0.5, 0},
    {MG_VALUE_ABSENT, "", 0, 0, 0},
    {MG_VALUE_TEXT, "-7.25", 5, 0, 0},
    {MG_VALUE_NULL, "", 0, 0, 0},
    {MG_VALUE_TEXT, "1e308", 5, 0, 0},
    {MG_VALUE_TEXT, "", 0, 0, 0},
    {MG_VALUE_NUMBER, "-1e+300", 7, -1e300, 0},
    {MG_VALUE_BOOL, "true", 4, 1, 0},
    {MG_VALUE_TEXT, "nan", 3, 0, 0},
    {MG_VALUE_TEXT, "0", 1, 0, 0},
    {MG_VALUE_TEXT, "-inf", 4, 0, 0},
    {MG_VALUE_NUMBER, "3", 1, 3, 0},
    {MG_VALUE_TEXT, "abc", 3, 0, 0},
    {MG_VALUE_OTHER, "[1]", 3, 0, 0},
};
#define NSAMPLES (sizeof sample_values / sizeof *sample_values)

static void describe(const mg_model *m)
{
    if (!mg_model_format_name(mg_model_get_format(m)))
        fuzz_fail("a loaded model without a format name");
    mg_model_task task = mg_model_get_task(m);
    if (task > MG_TASK_MULTICLASS)
        fuzz_fail("task %d out of range", (int)task);
    size_t k = mg_model_noutputs(m);
    if (k == 0 || (task != MG_TASK_MULTICLASS && k != 1))
        fuzz_fail("%zu outputs for task %d", k, (int)task);
    (void)mg_model_objective(m);
    if (task == MG_TASK_MULTICLASS)
        for (size_t i = 0; i < k && i < MAX_SCORED_OUTPUTS; i++)
            (void)mg_model_class_label(m, i);
    for (size_t i = 0; i < mg_model_nfeatures(m) && i < MAX_SCORED_FEATURES; i++)
        (void)mg_model_feature_name(m, i);
}

/* Column i is named after feature i (or f<i> when the model names none). */
static char **feature_columns(const mg_model *m, size_t n)
{
    char **cols = mg_xcalloc(n ? n : 1, sizeof *cols);
    for (size_t i = 0; i < n; i++) {
        const char *name = mg_model_feature_name(m, i);
        cols[i] = name ? mg_xstrdup(name) : mg_xasprintf("f%zu", i);
    }
    return cols;
}

static void check_outputs(const double *out, size_t k, size_t r)
{
    for (size_t j = 0; j < k; j++)
        if (!isfinite(out[j]))
            fuzz_fail("row %zu: output %zu is %g but the score was accepted", r, j, out[j]);
}

static void score_rows(mg_model *m, const mg_binding *b, size_t nfeatures, size_t k)
{
    mg_value *values = mg_xcalloc(NROWS * (nfeatures ? nfeatures : 1), sizeof *values);
    mg_row rows[NROWS];
    double *single = mg_xcalloc(NROWS * k, sizeof *single);
    double *batch = mg_xcalloc(NROWS * k, sizeof *batch);
    int rc[NROWS];
    for (size_t r = 0; r < NROWS; r++) {
        for (size_t i = 0; i < nfeatures; i++)
            values[r * nfeatures + i] = sample_values[(r + i) % NSAMPLES];
        rows[r] = (mg_row){.nvalues = nfeatures, .values = values + r * nfeatures, .line = r + 2, .index = r};
        mg_error err = {{0}};
        rc[r] = mg_model_score_row(m, b, &rows[r], single + r * k, &err);
        if (rc[r] == 0)
            check_outputs(single + r * k, k, r);
        else if (!err.msg[0])
            fuzz_fail("row %zu: refused (%d) without a message", r, rc[r]);
    }
    unsigned char ok[NROWS];
    mg_error row_err = {{0}}, err = {{0}};
    long scored = mg_model_score_batch(m, b, rows, NROWS, batch, ok, &row_err, &err);
    if (scored < 0)
        fuzz_fail("a batch of a file model failed: %s", err.msg);
    long expected = 0;
    for (size_t r = 0; r < NROWS; r++) {
        expected += rc[r] == 0;
        if (ok[r] != (rc[r] == 0))
            fuzz_fail("row %zu: scored %d alone, %d in a batch", r, rc[r] == 0, ok[r]);
        if (ok[r] && memcmp(single + r * k, batch + r * k, k * sizeof *batch) != 0)
            fuzz_fail("row %zu: output %g alone, %g in a batch", r, single[r * k], batch[r * k]);
    }
    if (scored != expected)
        fuzz_fail("batch scored %ld rows, single rows %ld", scored, expected);
    free(single);
    free(batch);
    free(values);
}

void fuzz_model_file(const char *name, mg_model_format format, const uint8_t *data, size_t size)
{
    mg_model_spec spec = {0};
    spec.path = fuzz_write_file(name, data, size);
    spec.format = format;
    mg_error err = {{0}};
    mg_model *m = mg_model_load(&spec, &err);
    if (!m) {
        if (!err.msg[0])
            fuzz_fail("a model refused without a message");
        return;
    }
    if (mg_model_get_format(m) != format)
        fuzz_fail("asked for format %d, loaded %d", (int)format, (int)mg_model_get_format(m));
    describe(m);
    size_t n = mg_model_nfeatures(m), k = mg_model_noutputs(m);
    if (n <= MAX_SCORED_FEATURES && k <= MAX_SCORED_OUTPUTS) {
        char **cols = feature_columns(m, n);
        mg_binding *b = mg_binding_new(m, (const char *const *)cols, n, &err);
        if (!b)
            fuzz_fail("features not bound to columns named after them: %s", err.msg);
        score_rows(m, b, n, k);
        mg_binding_free(b);
        for (size_t i = 0; i < n; i++)
            free(cols[i]);
        free(cols);
    }
    mg_model_free(m);
}
