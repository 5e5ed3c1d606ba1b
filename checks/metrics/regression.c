/*
 * regression.c - regression metrics in O(1) memory: rmse, mae, r2,
 * mape and max_error, as sklearn's mean_squared_error(squared=False),
 * mean_absolute_error, r2_score, mean_absolute_percentage_error and
 * max_error.
 *
 * Every sum is exact (common/exact_sum.h), so a metric does not depend on
 * the order of the rows or on how they were split into shards.  r2's total
 * sum of squares is computed from the exact sums of the targets (S1) and of
 * their squares (S2, each square taken exactly as two doubles): n S2 - S1^2
 * is formed exactly and rounded once, so targets far from zero lose nothing
 * to cancellation.  mape divides by max(|target|, eps) with eps = float64
 * machine epsilon, as sklearn does, so a zero target with a non-zero
 * prediction gives a huge but finite term.
 */
#include <math.h>
#include <string.h>

#include "checks/metrics/internal.h"

/* Adds count * a * b exactly (as up to four doubles); count < 2^53. */
static void add_product(mg_exact_sum *sum, double a, double b, uint64_t count)
{
    double p = a * b, e = fma(a, b, -p); /* a b = p + e exactly */
    if (count == 1) {
        mg_exact_sum_add(sum, p);
        mg_exact_sum_add(sum, e);
        return;
    }
    double w = (double)count;
    double wp = w * p, we = w * e;
    mg_exact_sum_add(sum, wp);
    mg_exact_sum_add(sum, fma(w, p, -wp));
    mg_exact_sum_add(sum, we);
    mg_exact_sum_add(sum, fma(w, e, -we));
}

void mg_metrics__regression_n(mg_metrics *acc, double y, double p, uint64_t count)
{
    double w = (double)count;
    double e = y - p;
    double ae = fabs(e);
    if (acc->parts & MG_PART_SQ)
        mg_exact_sum_add(&acc->sq, w * (e * e));
    if (acc->parts & MG_PART_ABS)
        mg_exact_sum_add(&acc->abs, w * ae);
    if (acc->parts & MG_PART_APE) {
        double ay = fabs(y);
        mg_exact_sum_add(&acc->ape, w * (fabs(p - y) / (ay > MG_LOGLOSS_EPS ? ay : MG_LOGLOSS_EPS)));
    }
    if (ae > acc->max_err)
        acc->max_err = ae;
    if (acc->parts & MG_PART_TARGETS) {
        if (count == 1) {
            mg_exact_sum_add(&acc->ysum, y);
        } else {
            double wy = w * y;
            mg_exact_sum_add(&acc->ysum, wy);
            mg_exact_sum_add(&acc->ysum, fma(w, y, -wy));
        }
        add_product(&acc->ysq, y, y, count);
    }
    acc->n += count;
}

/* The targets' total sum of squares, sum (y - mean)^2 = (n S2 - S1^2) / n,
 * with n S2 - S1^2 formed exactly from the two exact sums and rounded once. */
static double total_squares(const mg_metrics *acc)
{
    double s1[64], s2[64];
    size_t n1 = mg_exact_sum_expand(&acc->ysum, s1, 64), n2 = mg_exact_sum_expand(&acc->ysq, s2, 64);
    mg_exact_sum d;
    mg_exact_sum_clear(&d);
    for (size_t k = 0; k < n2; k++)
        add_product(&d, s2[k], (double)acc->n, 1);
    for (size_t i = 0; i < n1; i++)
        for (size_t j = 0; j < n1; j++)
            add_product(&d, -s1[i], s1[j], 1);
    return mg_exact_sum_value(&d) / (double)acc->n;
}

int mg_metric__regression(mg_metrics *acc, const char *name, double *out, mg_error *err)
{
    double n = (double)acc->n;
    if (strcmp(name, "rmse") == 0) {
        *out = sqrt(mg_exact_sum_value(&acc->sq) / n);
    } else if (strcmp(name, "mae") == 0) {
        *out = mg_exact_sum_value(&acc->abs) / n;
    } else if (strcmp(name, "mape") == 0) {
        *out = mg_exact_sum_value(&acc->ape) / n;
    } else if (strcmp(name, "max_error") == 0) {
        *out = acc->max_err;
    } else if (strcmp(name, "r2") == 0) {
        if (acc->n < 2)
            return mg_error_set(err, "'r2' is undefined with fewer than two rows (got %llu)",
                                (unsigned long long)acc->n);
        double ss_res = mg_exact_sum_value(&acc->sq);
        double ss_tot = total_squares(acc);
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
