/*
 * binned.c - statistics on two rows of counts over the same bins: the
 * Jensen-Shannon distance, the chi-square test of the 2 x k table and the
 * population stability index (see drift_stats.h for each one's rules).
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

#include "checks/drift/drift_stats.h"
#include "common/xmem.h"

/* Sums a row of counts; -1 with err when one is negative or not finite, or
 * they sum to 0. */
static int row_total(const double *c, size_t k, const char *what, const char *side,
                     double *total, mg_error *err)
{
    double s = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (!(c[i] >= 0.0) || isinf(c[i]))
            return mg_error_set(err, "%s: the %s count of bin %zu is %g, expected a finite "
                                     "number >= 0", what, side, i + 1, c[i]);
        s += c[i];
    }
    if (!(s > 0.0))
        return mg_error_set(err, "%s: the %s counts sum to 0: nothing to compare", what, side);
    *total = s;
    return 0;
}

/* x ln(x / y) with scipy.special.rel_entr's conventions (x, y >= 0). */
static double rel_entr(double x, double y)
{
    if (x == 0.0)
        return 0.0;
    if (y == 0.0)
        return INFINITY;
    return x * log(x / y);
}

int mg_jensen_shannon(const double *p, const double *q, size_t k, double *out, mg_error *err)
{
    const char *what = "Jensen-Shannon distance";
    double sp, sq;
    if (row_total(p, k, what, "reference", &sp, err) < 0 ||
        row_total(q, k, what, "current", &sq, err) < 0)
        return -1;
    double left = 0.0, right = 0.0;
    for (size_t i = 0; i < k; i++) {
        double pi = p[i] / sp, qi = q[i] / sq, mi = (pi + qi) / 2.0;
        left += rel_entr(pi, mi);
        right += rel_entr(qi, mi);
    }
    double js = (left + right) / log(MG_JS_BASE);
    *out = js > 0.0 ? sqrt(js / 2.0) : 0.0;
    return 0;
}

int mg_psi(const double *ref, const double *cur, size_t k, double *out, mg_error *err)
{
    const char *what = "population stability index";
    double sr, sc;
    if (row_total(ref, k, what, "reference", &sr, err) < 0 ||
        row_total(cur, k, what, "current", &sc, err) < 0)
        return -1;
    double psi = 0.0;
    for (size_t i = 0; i < k; i++) {
        double r = ref[i] / sr, c = cur[i] / sc;
        if (r == 0.0)
            r = MG_PSI_EPSILON;
        if (c == 0.0)
            c = MG_PSI_EPSILON;
        psi += (c - r) * log(c / r);
    }
    *out = psi;
    return 0;
}

int mg_chi2_2xk(const double *ref, const double *cur, size_t k, mg_chi2_result *out,
                mg_error *err)
{
    const char *what = "chi-square test";
    double sr, sc;
    if (row_total(ref, k, what, "reference", &sr, err) < 0 ||
        row_total(cur, k, what, "current", &sc, err) < 0)
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < k; i++)
        kept += ref[i] + cur[i] > 0.0;
    out->columns = kept;
    out->dof = kept > 1 ? (unsigned)(kept - 1) : 0;
    out->corrected = out->dof == 1;
    out->statistic = 0.0;
    out->p_value = 1.0;
    if (out->dof == 0)
        return 0;
    double total = sr + sc, stat = 0.0;
    for (size_t i = 0; i < k; i++) {
        double col = ref[i] + cur[i];
        if (col == 0.0)
            continue;
        const double obs[2] = {ref[i], cur[i]}, rows[2] = {sr, sc};
        for (int r = 0; r < 2; r++) {
            double expected = rows[r] * col / total;
            double diff = obs[r] - expected;
            if (out->corrected) /* Yates: move each count up to 0.5 towards its expectation */
                diff = diff > 0.0 ? diff - fmin(0.5, diff) : diff + fmin(0.5, -diff);
            stat += diff * diff / expected;
        }
    }
    out->statistic = stat;
    /* GSL's default handler aborts the process on a range error (an
     * underflowing tail); we want the value it returns instead. */
    gsl_set_error_handler_off();
    out->p_value = gsl_cdf_chisq_Q(stat, (double)out->dof);
    return 0;
}
