/*
 * drift_stats.h - the statistics that compare a current sample with a
 * reference one, each equal to the scipy function named at its declaration
 * (tests/unit/test_drift_stats.c holds them to scipy 1.10's outputs, written by
 * tests/reference/drift/gen_drift_reference.py).
 *
 * A library: nothing here prints or exits; failures return -1 with err.
 * Inputs are borrowed and never changed; functions that need sorted data
 * sort their own copies (memory: 8 bytes per value of both samples).
 * NaN is refused with an error (it has no place in an order); infinities are
 * ordinary values for the rank statistics (KS) and make distances infinite.
 */
#ifndef MG_CHECKS_DRIFT_STATS_H
#define MG_CHECKS_DRIFT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* ------------------------------------------------------------------ */
/* Two-sample Kolmogorov-Smirnov                                        */

typedef enum mg_ks_method {
    MG_KS_AUTO = 0, /* scipy's method='auto': exact when both samples have at most
                     * MG_KS_EXACT_MAX values, else asymptotic */
    MG_KS_EXACT,    /* exact whatever the sizes (slow for large ones) */
    MG_KS_ASYMP     /* asymptotic */
} mg_ks_method;

/* scipy's MAX_AUTO_N: method 'auto' is exact up to this many values per sample. */
#define MG_KS_EXACT_MAX 10000

typedef struct mg_ks_result {
    double statistic; /* D = sup |F_ref - F_cur|; with the exact method it is
                       * h / lcm(n1, n2), the lattice value the exact count uses,
                       * as scipy returns it */
    double p_value;   /* two-sided, in [0, 1] */
    int exact;        /* 1 when the exact method gave p_value */
    size_t n1, n2;    /* the sample sizes */
} mg_ks_result;

/*
 * scipy.stats.ks_2samp(a, b, alternative='two-sided', method=...).
 * Exact method: the share of lattice paths from (0,0) to (n1,n2) that leave
 * the band |x/n1 - y/n2| < D (Hodges 1958, with Viehmann's 2021 recursion for
 * 1 - p); for n1 == n2 the alternating binomial sum in Horner form.  When that
 * share cannot be computed as a probability the asymptotic one is used, as
 * scipy does (then exact = 0).  Asymptotic method: the one-sample two-sided
 * Kolmogorov distribution for round(n1 n2 / (n1 + n2)) values at D
 * (scipy.stats.kstwo.sf, see mg_kolmogorov_sf).
 * Returns 0, or -1 with err for an empty sample or a NaN.
 */
int mg_ks_2samp(const double *a, size_t n1, const double *b, size_t n2, mg_ks_method method,
                mg_ks_result *out, mg_error *err);

/* The same on samples already sorted ascending (no copy is made). */
int mg_ks_2samp_sorted(const double *a, size_t n1, const double *b, size_t n2,
                       mg_ks_method method, mg_ks_result *out, mg_error *err);

/*
 * P(D_n >= d) for the one-sample two-sided Kolmogorov-Smirnov statistic of n
 * values (scipy.stats.kstwo.sf(d, n)).  Chooses the method per region as
 * Simard and L'Ecuyer (2011) and scipy do: closed forms near d = 1/(2n) and
 * d = 1, twice the one-sided Smirnov tail where the two-sided correction is
 * below double precision, the Durbin matrix (Marsaglia, Tsang and Wang 2003)
 * for small n d^2 and the Pelz-Good expansion for large n.  Where scipy uses
 * Pomeranz's recursion (n <= 140, 0.754693 < n d^2 <= 4) this uses the Durbin
 * matrix: both are exact, so they agree to rounding.  n >= 1.
 */
double mg_kolmogorov_sf(uint64_t n, double d);

/* P(D_n^+ >= d), the one-sided Smirnov tail (scipy.special.smirnov(n, d)):
 * the Birnbaum-Tingey sum, each term a binomial probability in Loader's
 * (2000) saddle-point form (plain double precision suffices); above 10^6 values the
 * approximation exp(-(6nd+1)^2 / 18n), as scipy. */
double mg_smirnov_sf(uint64_t n, double d);

/* ------------------------------------------------------------------ */
/* Wasserstein-1                                                        */

/*
 * scipy.stats.wasserstein_distance(a, b) (unweighted): the area between the
 * two empirical CDFs, sum over consecutive distinct values of
 * |F_a - F_b| * gap.  Returns 0 with *out, or -1 with err (empty sample, NaN).
 */
int mg_wasserstein(const double *a, size_t n1, const double *b, size_t n2, double *out,
                   mg_error *err);
int mg_wasserstein_sorted(const double *a, size_t n1, const double *b, size_t n2, double *out,
                          mg_error *err);

/*
 * The normalised Wasserstein distance: W1 / sd, where sd is the reference's
 * population standard deviation (numpy.std, ddof 0).  It reads "how many
 * reference standard deviations the distribution moved" and is unit-free.
 * A constant reference (sd == 0) gives 0 when w1 == 0 and +infinity
 * otherwise: any change of a constant column is a drift.
 */
double mg_wasserstein_normalised(double w1, double reference_sd);

/* ------------------------------------------------------------------ */
/* Binned statistics                                                    */

/* The base of the Jensen-Shannon distance: 2, so that it lies in [0, 1]. */
#define MG_JS_BASE 2.0

/*
 * scipy.spatial.distance.jensenshannon(p, q, base=MG_JS_BASE): p and q are
 * counts (or weights) per bin, each normalised to sum 1 here.  A tiny negative
 * divergence from rounding is taken as 0 (scipy would return NaN).  Returns 0
 * with *out, or -1 with err when a count is negative or not finite, or a
 * side sums to 0.
 */
int mg_jensen_shannon(const double *p, const double *q, size_t k, double *out, mg_error *err);

typedef struct mg_chi2_result {
    double statistic; /* Pearson's chi-square, with Yates' correction when dof == 1 */
    double p_value;
    unsigned dof;     /* (kept columns - 1) */
    size_t columns;   /* columns kept: those with a non-zero total */
    int corrected;    /* 1 when Yates' correction was applied */
} mg_chi2_result;

/*
 * scipy.stats.chi2_contingency([ref, cur], correction=True) on a 2 x k table
 * of counts, after dropping the columns that are 0 in both rows (scipy
 * refuses a table with a zero expected count; a category neither sample has
 * says nothing).  Expected counts are row total * column total / total.
 * With one degree of freedom each |observed - expected| is reduced by
 * min(0.5, |observed - expected|) (Yates), as scipy.  dof 0 (one kept
 * column) gives statistic 0, p 1.  p from the chi-square survival function
 * (GSL's gsl_cdf_chisq_Q).  Returns 0, or -1 with err when a row sums to 0 or
 * a count is negative or not finite.
 */
int mg_chi2_2xk(const double *ref, const double *cur, size_t k, mg_chi2_result *out,
                mg_error *err);

/* The proportion an empty bin counts as in the PSI (a 0 would make it infinite). */
#define MG_PSI_EPSILON 1e-4

/*
 * Population stability index on k bins: sum (c_i - r_i) ln(c_i / r_i), where
 * r_i and c_i are the reference's and the current sample's proportions in bin
 * i; a proportion of exactly 0 is replaced by MG_PSI_EPSILON (the others are
 * not renormalised).  Returns 0 with *out, or -1 with err as
 * mg_jensen_shannon.
 */
int mg_psi(const double *ref, const double *cur, size_t k, double *out, mg_error *err);

/*
 * Bin edges at the reference's quantiles 1/bins, ..., (bins-1)/bins of an
 * ascending sample, computed as numpy.quantile(method='linear'), with repeated
 * edges dropped (numpy.unique): *nedges <= bins - 1 edges into `edges`.  Bin
 * i holds the values x with edges[i-1] < x <= edges[i] (the first bin has no
 * lower edge, the last no upper one), as numpy.searchsorted(edges, x, 'left').
 * Returns 0, or -1 with err for an empty sample, a NaN or bins < 1.
 */
int mg_quantile_edges(const double *sorted, size_t n, unsigned bins, double *edges,
                      size_t *nedges, mg_error *err);

/* The bin of x for those edges (0 .. nedges); NaN has no bin: returns nedges + 1. */
size_t mg_bin_of(const double *edges, size_t nedges, double x);

/* The linear-interpolation quantile q in [0, 1] of an ascending sample of n >= 1 values
 * (numpy.quantile's default method, same rounding). */
double mg_quantile_linear(const double *sorted, size_t n, double q);

#endif
