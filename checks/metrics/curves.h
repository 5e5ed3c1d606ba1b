/*
 * curves.h - the points of a binary classifier's ROC, precision-recall
 * and reliability (calibration) curves, equal to scikit-learn 1.2's
 * roc_curve (drop_intermediate=True), precision_recall_curve and
 * calibration_curve (strategy "uniform") on the same rows, and a thinning
 * rule that keeps a curve's shape in at most a given number of points.
 *
 * A library: nothing here prints or exits.  Each function fills a caller's
 * mg_curve, which the caller frees with mg_curve_free; the arrays are owned
 * by the curve.  Inputs: n rows of score (finite) and label (0 or 1).
 * Memory: the sort takes one (double, label) pair per row (16 bytes) for
 * the call's duration; the curve holds three doubles per distinct score.
 */
#ifndef MG_CHECKS_METRIC_CURVES_H
#define MG_CHECKS_METRIC_CURVES_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct mg_curve {
    double *x;  /* ROC: fpr; PR: recall; calibration: mean predicted probability */
    double *y;  /* ROC: tpr; PR: precision; calibration: fraction of positives */
    double *t;  /* ROC, PR: threshold (PR's last point has none: NaN);
                   calibration: rows in the bin */
    size_t n;   /* points */
} mg_curve;

void mg_curve_free(mg_curve *c);

/*
 * sklearn.metrics.roc_curve(label, score): points at every distinct score,
 * high to low, less the ones on a straight line between their neighbours
 * (drop_intermediate), after a first point (0, 0) whose threshold is the
 * highest score + 1.  Needs both classes: -1 with err otherwise.
 */
int mg_curve_roc(const double *score, const unsigned char *label, size_t n, mg_curve *out, mg_error *err);

/*
 * sklearn.metrics.precision_recall_curve(label, score) as of 1.2: one point
 * per distinct score, from the lowest to the highest (recall falling), then
 * the point (recall 0, precision 1), which has no threshold.
 * Needs a positive row: -1 with err otherwise.
 */
int mg_curve_pr(const double *score, const unsigned char *label, size_t n, mg_curve *out, mg_error *err);

/*
 * sklearn.calibration.calibration_curve(label, score, n_bins=bins): bin
 * edges i / bins as numpy's linspace computes them, a score goes to the
 * first bin whose upper edge is >= it (numpy searchsorted, side "left");
 * one point per non-empty bin.  Scores must be in [0, 1]: -1 with err.
 */
int mg_curve_calibration(const double *score, const unsigned char *label, size_t n, unsigned bins,
                         mg_curve *out, mg_error *err);

/*
 * Thinning for drawing: chooses at most max (>= 3) of the n points of the
 * polyline (x[i], y[i]) in a unit square and writes their indices, in
 * order, to keep[]; returns how many.  The rule: the first and the last
 * point are always kept; between them, the curve's length is cut into
 * max - 2 equal slices and the first point of each slice is kept.  So
 * points are spread evenly along the curve (not along x), a corner costs
 * at most one slice of length, and n <= max keeps every point.
 */
size_t mg_curve_thin(const double *x, const double *y, size_t n, size_t max, size_t *keep);

#endif
