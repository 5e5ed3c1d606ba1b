/*
 * regression.c - regression metrics in O(1) memory: rmse, mae, r2,
 * mape and max_error, as sklearn's mean_squared_error(squared=False),
 * mean_absolute_error, r2_score, mean_absolute_percentage_error and
 * max_error.
 *
 * r2's total sum of squares comes from Welford's running mean and M2 (no
 * cancellation when the targets sit far from zero).  mape divides by
 * max(|target|, eps) with eps = float64 machine epsilon, as sklearn does, so
 * a zero target with a non-zero prediction gives a huge but finite term.
 */
#include <math.h>
#include <string.h>

#include "checks/metrics/internal.h"

void mg_metrics__regression_n(mg_metrics *acc, double y, double p, uint64_t count)
{
    double w = (double)count;
    double e = y - p;
    double ae = fabs(e);
    mg_ksum_add(&acc->sq, w * (e * e));
    mg_ksum_add(&acc->abs, w * ae);
    double ay = fabs(y);
    mg_ksum_add(&acc->ape, w * (fabs(p - y) / (ay > MG_LOGLOSS_EPS ? ay : MG_LOGLOSS_EPS)));
    if (ae > acc->max_err)
        acc->max_err = ae;
    /* Weighted Welford update over the targets. */
    double wsum = acc->wsum + w;
    double delta = y - acc->mean;
    acc->mean += delta * (w / wsum);
    acc->m2 += w * delta * (y - acc->mean);
    acc->wsum = wsum;
    acc->n += count;
}

int mg_metric__regression(mg_metrics *acc, const char *name, double *out, mg_error *err)
{
    double n = (double)acc->n;
    if (strcmp(name, "rmse") == 0) {
        *out = sqrt(mg_ksum_get(&acc->sq) / n);
    } else if (strcmp(name, "mae") == 0) {
        *out = mg_ksum_get(&acc->abs) / n;
    } else if (strcmp(name, "mape") == 0) {
        *out = mg_ksum_get(&acc->ape) / n;
    } else if (strcmp(name, "max_error") == 0) {
        *out = acc->max_err;
    } else if (strcmp(name, "r2") == 0) {
        if (acc->n < 2)
            return mg_error_set(err, "'r2' is undefined with fewer than two rows (got %llu)",
                                (unsigned long long)acc->n);
        double ss_res = mg_ksum_get(&acc->sq);
        double ss_tot = acc->m2;
        /* sklearn's force_finite: constant targets give 1 if perfect, else 0. */
        if (ss_tot == 0.0)
            *out = ss_res == 0.0 ? 1.0 : 0.0;
        else
            *out = 1.0 - ss_res / ss_tot;
    } else {
        return mg_error_set(err, "unknown regression metric '%s'", name);
    }
    return 0;
}
