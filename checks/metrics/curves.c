/*
 * curves.c - ROC, precision-recall and calibration curve points as
 * scikit-learn 1.2 computes them, and their thinning for drawing.  See
 * curves.h for the definitions; the parity test is
 * tests/unit/test_metric_curves.c against fixtures/metrics/curves_reference.json.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/curves.h"
#include "common/xmem.h"

void mg_curve_free(mg_curve *c)
{
    if (!c)
        return;
    free(c->x);
    free(c->y);
    free(c->t);
    memset(c, 0, sizeof *c);
}

static void curve_alloc(mg_curve *c, size_t n)
{
    c->x = mg_xcalloc(n + 1, sizeof *c->x);
    c->y = mg_xcalloc(n + 1, sizeof *c->y);
    c->t = mg_xcalloc(n + 1, sizeof *c->t);
    c->n = 0;
}

typedef struct scored_row {
    double score;
    unsigned char label;
} scored_row;

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const scored_row *)a)->score, y = ((const scored_row *)b)->score;
    return x > y ? -1 : x < y ? 1 : 0;
}

/* sklearn's _binary_clf_curve: for each distinct score, high to low, the
 * positives (tps) and negatives (fps) scoring >= it.  Returns the number of
 * distinct scores; the three arrays are new (caller frees). */
static size_t clf_steps(const double *score, const unsigned char *label, size_t n, uint64_t **tps_out,
                        uint64_t **fps_out, double **thr_out)
{
    scored_row *rows = mg_xcalloc(n + 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        rows[i].score = score[i];
        rows[i].label = label[i] ? 1 : 0;
    }
    qsort(rows, n, sizeof *rows, by_score_desc);
    uint64_t *tps = mg_xcalloc(n + 1, sizeof *tps), *fps = mg_xcalloc(n + 1, sizeof *fps);
    double *thr = mg_xcalloc(n + 1, sizeof *thr);
    size_t m = 0;
    uint64_t tp = 0, fp = 0;
    for (size_t i = 0; i < n; i++) {
        tp += rows[i].label;
        fp += !rows[i].label;
        if (i + 1 == n || rows[i + 1].score != rows[i].score) {
            tps[m] = tp;
            fps[m] = fp;
            thr[m] = rows[i].score;
            m++;
        }
    }
    free(rows);
    *tps_out = tps;
    *fps_out = fps;
    *thr_out = thr;
    return m;
}

/* numpy's diff(v, 2)[j - 1] != 0: point j is not on the line between its
 * neighbours (counts are exact integers, so no rounding). */
static int bends(const uint64_t *v, size_t j)
{
    return v[j + 1] + v[j - 1] != 2 * v[j];
}

int mg_curve_roc(const double *score, const unsigned char *label, size_t n, mg_curve *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    uint64_t *tps, *fps;
    double *thr;
    size_t m = clf_steps(score, label, n, &tps, &fps, &thr);
    if (m == 0 || tps[m - 1] == 0 || fps[m - 1] == 0) {
        free(tps);
        free(fps);
        free(thr);
        return mg_error_set(err, "a ROC curve needs rows of both classes");
    }
    double pos = (double)tps[m - 1], neg = (double)fps[m - 1];
    curve_alloc(out, m + 1);
    out->x[0] = 0;
    out->y[0] = 0;
    out->t[0] = thr[0] + 1; /* sklearn 1.2: thresholds[0] + 1 */
    out->n = 1;
    for (size_t j = 0; j < m; j++) {
        if (m > 2 && j > 0 && j + 1 < m && !bends(fps, j) && !bends(tps, j))
            continue;
        out->x[out->n] = (double)fps[j] / neg;
        out->y[out->n] = (double)tps[j] / pos;
        out->t[out->n] = thr[j];
        out->n++;
    }
    free(tps);
    free(fps);
    free(thr);
    return 0;
}

int mg_curve_pr(const double *score, const unsigned char *label, size_t n, mg_curve *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    uint64_t *tps, *fps;
    double *thr;
    size_t m = clf_steps(score, label, n, &tps, &fps, &thr);
    if (m == 0 || tps[m - 1] == 0) {
        free(tps);
        free(fps);
        free(thr);
        return mg_error_set(err, "a precision-recall curve needs a positive row");
    }
    /* sklearn 1.2 keeps every distinct score, lowest first, then appends
     * (recall 0, precision 1). */
    curve_alloc(out, m + 1);
    for (size_t j = m; j-- > 0;) {
        out->x[out->n] = (double)tps[j] / (double)tps[m - 1];
        out->y[out->n] = (double)tps[j] / (double)(tps[j] + fps[j]);
        out->t[out->n] = thr[j];
        out->n++;
    }
    out->x[out->n] = 0;
    out->y[out->n] = 1;
    out->t[out->n] = NAN;
    out->n++;
    free(tps);
    free(fps);
    free(thr);
    return 0;
}

int mg_curve_calibration(const double *score, const unsigned char *label, size_t n, unsigned bins,
                         mg_curve *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    if (bins < 1)
        return mg_error_set(err, "a calibration curve needs at least one bin");
    for (size_t i = 0; i < n; i++)
        if (!(score[i] >= 0 && score[i] <= 1))
            return mg_error_set(err, "a calibration curve needs scores in [0, 1], found %g", score[i]);
    double step = 1.0 / bins; /* numpy linspace(0, 1, bins + 1): edge i = i * step */
    double *sum = mg_xcalloc(bins, sizeof *sum);
    uint64_t *pos = mg_xcalloc(bins, sizeof *pos), *total = mg_xcalloc(bins, sizeof *total);
    for (size_t i = 0; i < n; i++) {
        unsigned b = 0; /* interior edges strictly below the score */
        while (b + 1 < bins && (double)(b + 1) * step < score[i])
            b++;
        sum[b] += score[i];
        pos[b] += label[i] ? 1 : 0;
        total[b]++;
    }
    curve_alloc(out, bins);
    for (unsigned b = 0; b < bins; b++) {
        if (!total[b])
            continue;
        out->x[out->n] = sum[b] / (double)total[b];
        out->y[out->n] = (double)pos[b] / (double)total[b];
        out->t[out->n] = (double)total[b];
        out->n++;
    }
    free(sum);
    free(pos);
    free(total);
    return 0;
}

size_t mg_curve_thin(const double *x, const double *y, size_t n, size_t max, size_t *keep)
{
    if (max < 3)
        max = 3;
    if (n <= max) {
        for (size_t i = 0; i < n; i++)
            keep[i] = i;
        return n;
    }
    double total = 0;
    for (size_t i = 1; i < n; i++)
        total += hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
    size_t k = 0, slices = max - 2, last_slice = 0;
    keep[k++] = 0;
    double along = 0;
    for (size_t i = 1; i + 1 < n && total > 0; i++) {
        along += hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
        size_t s = (size_t)(along / total * (double)slices);
        if (s >= slices)
            s = slices - 1;
        if (s != last_slice) {
            keep[k++] = i;
            last_slice = s;
        }
    }
    keep[k++] = n - 1;
    return k;
}
