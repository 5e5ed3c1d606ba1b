/*
 * wasserstein.c - the first Wasserstein distance between two samples, as
 * scipy.stats.wasserstein_distance (unweighted), and its normalised form.
 */
#include <math.h>
#include <stdlib.h>

#include "checks/drift/drift_stats.h"
#include "checks/drift/sorted_copy.h"

int mg_wasserstein_sorted(const double *a, size_t n1, const double *b, size_t n2, double *out,
                          mg_error *err)
{
    if (n1 == 0 || n2 == 0)
        return mg_error_set(err, "the Wasserstein distance needs two non-empty samples "
                                 "(found %zu and %zu values)", n1, n2);
    /* Walk the pooled values in order; between a value v and the next one w
     * both CDFs are constant: (count <= v) / n. */
    size_t i = 0, j = 0;
    double sum = 0.0;
    double v = a[0] < b[0] ? a[0] : b[0];
    while (i < n1 || j < n2) {
        while (i < n1 && a[i] <= v)
            i++;
        while (j < n2 && b[j] <= v)
            j++;
        if (i == n1 && j == n2)
            break;
        double w = (j >= n2 || (i < n1 && a[i] < b[j])) ? a[i] : b[j];
        double gap = fabs((double)i / (double)n1 - (double)j / (double)n2);
        sum += gap * (w - v);
        v = w;
    }
    *out = sum;
    return 0;
}

int mg_wasserstein(const double *a, size_t n1, const double *b, size_t n2, double *out,
                   mg_error *err)
{
    double *sa = NULL, *sb = NULL;
    int rc = -1;
    if (mg_sorted_copy(a, n1, &sa, err) < 0 || mg_sorted_copy(b, n2, &sb, err) < 0)
        goto out;
    rc = mg_wasserstein_sorted(sa, n1, sb, n2, out, err);
out:
    free(sa);
    free(sb);
    return rc;
}

double mg_wasserstein_normalised(double w1, double reference_sd)
{
    if (reference_sd > 0.0)
        return w1 / reference_sd;
    return w1 == 0.0 ? 0.0 : INFINITY;
}
