/*
 * ks.c - the two-sample Kolmogorov-Smirnov test: the statistic from the two
 * sorted samples, the exact p-value by counting lattice paths, and the choice
 * between exact and asymptotic that scipy.stats.ks_2samp makes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_stats.h"
#include "checks/drift/sorted_copy.h"
#include "common/xmem.h"

/* sup |F1 - F2| over the pooled values, evaluated as scipy does: each CDF is
 * (count <= v) / n as a double, then the difference. */
static double ks_statistic(const double *a, size_t n1, const double *b, size_t n2)
{
    size_t i = 0, j = 0;
    double up = 0.0, down = 0.0;
    while (i < n1 || j < n2) {
        double v = (j >= n2 || (i < n1 && a[i] <= b[j])) ? a[i] : b[j];
        while (i < n1 && a[i] <= v)
            i++;
        while (j < n2 && b[j] <= v)
            j++;
        double diff = (double)i / (double)n1 - (double)j / (double)n2;
        if (diff > up)
            up = diff;
        if (-diff > down)
            down = -diff;
    }
    return down > up ? (down > 1.0 ? 1.0 : down) : up;
}

static uint64_t gcd_u64(uint64_t x, uint64_t y)
{
    while (y) {
        uint64_t t = x % y;
        x = y;
        y = t;
    }
    return x;
}

/* P(D_{n,n} >= h/n) = 2 sum_{k>=1} (-1)^(k-1) C(2n, n-kh) / C(2n, n), evaluated
 * from the innermost term outwards: each ratio C(2n, n-(k+1)h) / C(2n, n-kh)
 * is a product of h factors, so nothing overflows and nothing cancels badly. */
static double exact_equal_sizes(uint64_t n, uint64_t h)
{
    double acc = 0.0;
    for (int64_t k = (int64_t)(n / h); k >= 0; k--) {
        double ratio = 1.0;
        uint64_t kh = (uint64_t)k * h;
        for (uint64_t j = 0; j < h; j++) {
            if (kh + j >= n) { /* a factor (n - kh - j) of 0: the term vanishes */
                ratio = 0.0;
                break;
            }
            ratio = ratio * (double)(n - kh - j) / (double)(n + kh + j + 1);
        }
        acc = ratio * (1.0 - acc);
    }
    return 2.0 * acc;
}

/* The share of monotone lattice paths from (0,0) to (m,n) that touch
 * |x ng - y mg| >= h somewhere (m >= n, mg = m/g, ng = n/g).  Column by
 * column, B(i, j) = (i B(i-1, j) + j B(i, j-1)) / (i + j) inside the band and
 * 1 outside it, which is the share of paths to (i, j) that already left it
 * (Viehmann 2021); only the band's window of each column is computed.
 * Memory: n + 1 doubles. */
static double exact_unequal_sizes(uint64_t m, uint64_t n, uint64_t mg, uint64_t ng, uint64_t h)
{
    double *col = mg_xmalloc((n + 1) * sizeof *col);
    for (uint64_t j = 0; j <= n; j++)
        col[j] = 1.0;
    /* Column 0: inside while j mg < h. */
    uint64_t lo = 0, hi = (h - 1) / mg;
    if (hi > n)
        hi = n;
    for (uint64_t j = lo; j <= hi; j++)
        col[j] = 0.0;
    double p = 1.0;
    for (uint64_t i = 1; i <= m; i++) {
        int64_t below = (int64_t)(ng * i) - (int64_t)h; /* inside: j mg > below */
        uint64_t new_lo = below < 0 ? 0 : (uint64_t)below / mg + 1;
        uint64_t new_hi = (ng * i + h - 1) / mg;       /* inside: j mg < ng i + h */
        if (new_hi > n)
            new_hi = n;
        if (new_lo > new_hi) {
            p = 1.0; /* no path stays inside */
            goto out;
        }
        for (uint64_t j = lo; j < new_lo && j <= n; j++)
            col[j] = 1.0; /* left the band for good: the window only moves up */
        for (uint64_t j = new_lo; j <= new_hi; j++) {
            double left = col[j];                      /* B(i-1, j) */
            double down = j > 0 ? col[j - 1] : 0.0;    /* B(i, j-1) */
            col[j] = ((double)i * left + (double)j * down) / (double)(i + j);
        }
        lo = new_lo;
        hi = new_hi;
    }
    p = col[n];
out:
    free(col);
    return p;
}

/* scipy's _attempt_exact_2kssamp for two-sided: rounds D to the lattice
 * (h / lcm) and returns 0 with the exact p, or -1 when it is not a
 * probability (then *d is still the rounded statistic). */
static int exact_p_value(uint64_t n1, uint64_t n2, double *d, double *p)
{
    uint64_t g = gcd_u64(n1, n2);
    uint64_t lcm = (n1 / g) * n2;
    uint64_t h = (uint64_t)nearbyint(*d * (double)lcm); /* numpy.round: half to even */
    *d = (double)h / (double)lcm;
    if (h == 0) {
        *p = 1.0;
        return 0;
    }
    double prob;
    if (n1 == n2) {
        prob = exact_equal_sizes(n1, h);
    } else {
        uint64_t m = n1 > n2 ? n1 : n2, n = n1 > n2 ? n2 : n1;
        prob = exact_unequal_sizes(m, n, m / g, n / g, h);
    }
    if (!(prob >= 0.0 && prob <= 1.0))
        return -1;
    *p = prob;
    return 0;
}

int mg_ks_2samp_sorted(const double *a, size_t n1, const double *b, size_t n2,
                       mg_ks_method method, mg_ks_result *out, mg_error *err)
{
    if (n1 == 0 || n2 == 0)
        return mg_error_set(err, "the Kolmogorov-Smirnov test needs two non-empty samples "
                                 "(found %zu and %zu values)", n1, n2);
    if (isnan(a[0]) || isnan(a[n1 - 1]) || isnan(b[0]) || isnan(b[n2 - 1]))
        return mg_error_set(err, "the Kolmogorov-Smirnov test cannot order NaN values");
    double d = ks_statistic(a, n1, b, n2);
    int exact = method == MG_KS_EXACT ||
                (method == MG_KS_AUTO && n1 <= MG_KS_EXACT_MAX && n2 <= MG_KS_EXACT_MAX);
    double p = 1.0;
    if (exact && exact_p_value(n1, n2, &d, &p) < 0)
        exact = 0;
    if (!exact) {
        double big = (double)(n1 > n2 ? n1 : n2), small = (double)(n1 > n2 ? n2 : n1);
        double en = big * small / (big + small);
        p = mg_kolmogorov_sf((uint64_t)nearbyint(en), d);
    }
    out->statistic = d;
    out->p_value = p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
    out->exact = exact;
    out->n1 = n1;
    out->n2 = n2;
    return 0;
}

int mg_ks_2samp(const double *a, size_t n1, const double *b, size_t n2, mg_ks_method method,
                mg_ks_result *out, mg_error *err)
{
    double *sa = NULL, *sb = NULL;
    int rc = -1;
    if (mg_sorted_copy(a, n1, &sa, err) < 0 || mg_sorted_copy(b, n2, &sb, err) < 0)
        goto out;
    rc = mg_ks_2samp_sorted(sa, n1, sb, n2, method, out, err);
out:
    free(sa);
    free(sb);
    return rc;
}
