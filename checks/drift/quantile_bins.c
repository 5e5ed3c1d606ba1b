/*
 * quantile_bins.c - bins cut at the reference's quantiles, with numpy's
 * linear-interpolation quantile (same arithmetic, so the edges are the
 * same doubles numpy.quantile gives).
 */
#include <math.h>

#include "checks/drift/drift_stats.h"

double mg_quantile_linear(const double *sorted, size_t n, double q)
{
    double virtual_index = (double)(n - 1) * q;
    double below = floor(virtual_index);
    size_t lo = (size_t)below;
    if (lo >= n - 1)
        return sorted[n - 1];
    double t = virtual_index - below, a = sorted[lo], b = sorted[lo + 1];
    double diff = b - a;
    /* numpy's _lerp: from the nearer end, which keeps the result monotone
     * and exact at both ends */
    return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

int mg_quantile_edges(const double *sorted, size_t n, unsigned bins, double *edges,
                      size_t *nedges, mg_error *err)
{
    *nedges = 0;
    if (n == 0)
        return mg_error_set(err, "cannot cut quantile bins from an empty reference sample");
    if (bins < 1)
        return mg_error_set(err, "the number of bins is %u, expected at least 1", bins);
    if (isnan(sorted[0]) || isnan(sorted[n - 1]))
        return mg_error_set(err, "cannot cut quantile bins from a sample holding NaN");
    double step = 1.0 / (double)bins; /* numpy.linspace(0, 1, bins + 1) = i * step */
    for (unsigned i = 1; i < bins; i++) {
        double e = mg_quantile_linear(sorted, n, (double)i * step);
        if (*nedges == 0 || e != edges[*nedges - 1])
            edges[(*nedges)++] = e;
    }
    return 0;
}

size_t mg_bin_of(const double *edges, size_t nedges, double x)
{
    if (isnan(x))
        return nedges + 1;
    /* the number of edges < x (binary search: edges ascend) */
    size_t lo = 0, hi = nedges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (edges[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
