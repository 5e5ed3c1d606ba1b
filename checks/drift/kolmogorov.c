/*
 * kolmogorov.c - the distribution of the one-sample Kolmogorov-Smirnov
 * statistic for n values, which the asymptotic two-sample test evaluates at
 * n = round(n1 n2 / (n1 + n2)).  The region rules are Simard and L'Ecuyer's
 * (2011), as scipy.stats.kstwo applies them (see drift_stats.h).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_stats.h"
#include "common/xmem.h"

#define SCALE_EXP 128 /* intermediate results are rescaled by 2^128 */
#define SMIRNOV_EXACT_MAX_N 1000000

static double clip01(double p)
{
    return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
}

/* ------------------------------------------------------------------ */
/* One-sided tail                                                       */

/* log(k!) - log(sqrt(2 pi k) (k/e)^k), the error of Stirling's formula:
 * directly from the exact factorial for small k, else its asymptotic series
 * (which is accurate to double precision from k = 16 on). */
static double stirling_error(double k)
{
    if (k <= 15.0) {
        double fact = 1.0;
        for (double i = 2.0; i <= k; i++)
            fact *= i; /* exact: 15! < 2^53 */
        return k == 0.0 ? 0.0 : log(fact) - (k + 0.5) * log(k) + k - 0.5 * log(2.0 * M_PI);
    }
    double k2 = k * k;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / 1188 / k2) / k2) / k2) / k2) /
           k;
}

/* x log(x / m) + m - x without cancellation when x is near m (Loader 2000). */
static double deviance_term(double x, double m)
{
    if (fabs(x - m) < 0.1 * (x + m)) {
        double v = (x - m) / (x + m), s = (x - m) * v, term = 2.0 * x * v;
        for (int j = 1; j < 1000; j++) {
            term *= v * v;
            double next = s + term / (2 * j + 1);
            if (next == s)
                break;
            s = next;
        }
        return s;
    }
    return x * log(x / m) + m - x;
}

/* C(n, j) p^j (1-p)^(n-j) for 0 < j < n, with n p = np and n (1-p) = nq given
 * separately (each exact to rounding): Loader's saddle-point form, accurate
 * to a few ulps where logs of the factors would cancel to 1e-10. */
static double binomial_pmf(double n, double j, double np, double nq)
{
    double lc = stirling_error(n) - stirling_error(j) - stirling_error(n - j) -
                deviance_term(j, np) - deviance_term(n - j, nq);
    return exp(lc) * sqrt(n / (2.0 * M_PI * j * (n - j)));
}

/* x * sum_{j=0}^{J} C(n,j) (x + j/n)^(j-1) (1 - x - j/n)^(n-j), every term
 * positive: term j is a binomial probability with p = x + j/n, divided by p.
 * Stops once a term, past the largest, no longer changes the sum. */
static double birnbaum_tingey_sum(uint64_t n, double x)
{
    double nd = (double)n, nx = nd * x;
    double sum = exp(nd * log1p(-x)) / x, peak = sum; /* j = 0: (1-x)^n / x */
    for (uint64_t j = 1; j < n; j++) {
        double jd = (double)j, nq = (nd - jd) - nx; /* n (1 - x - j/n) */
        if (nq <= 0.0)
            break;
        double np = jd + nx;                         /* n (x + j/n) */
        double term = binomial_pmf(nd, jd, np, nq) / (np / nd);
        sum += term;
        if (term > peak)
            peak = term;
        else if (term < sum * DBL_EPSILON * 1e-3)
            break;
    }
    return x * sum;
}

double mg_smirnov_sf(uint64_t n, double x)
{
    if (!(x >= 0.0 && x <= 1.0) || n == 0)
        return NAN;
    if (n == 1)
        return 1.0 - x;
    if (x == 0.0)
        return 1.0;
    if (x == 1.0)
        return 0.0;
    double nd = (double)n;
    if (nd * x <= 1.0) /* x <= 1/n: 1 - x (1 + x)^(n-1) */
        return clip01(1.0 - x * exp((nd - 1.0) * log1p(x)));
    if (-2.0 * nd * x * x < -708.3964185322641) /* below the smallest double */
        return 0.0;
    if (floor(nd * x) >= nd - 1.0)
        return clip01(exp(nd * log1p(-x)));
    if (n > SMIRNOV_EXACT_MAX_N) {
        double t = 6.0 * nd * x + 1.0;
        return clip01(exp(-t * t / 18.0 / nd));
    }
    return clip01(birnbaum_tingey_sum(n, x));
}

/* ------------------------------------------------------------------ */
/* Durbin's matrix                                                      */

/* c = a b for m x m matrices (c distinct from a and b). */
static void mat_mul(const double *a, const double *b, double *c, size_t m)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++) {
            double s = 0.0;
            for (size_t l = 0; l < m; l++)
                s += a[i * m + l] * b[l * m + j];
            c[i * m + j] = s;
        }
}

/* The m x m matrix of Marsaglia, Tsang and Wang for d = (k - h)/n. */
static void durbin_matrix(double *H, size_t m, double h)
{
    double fact[m + 1]; /* 1/j! */
    fact[0] = 1.0;
    for (size_t j = 1; j <= m; j++)
        fact[j] = fact[j - 1] / (double)j;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            H[i * m + j] = i + 1 >= j ? fact[i + 1 - j] : 0.0;
    for (size_t i = 0; i < m; i++) {
        H[i * m] -= pow(h, (double)(i + 1)) * fact[i + 1];
        H[(m - 1) * m + i] -= pow(h, (double)(m - i)) * fact[m - i];
    }
    if (2.0 * h - 1.0 > 0.0)
        H[(m - 1) * m] += pow(2.0 * h - 1.0, (double)m) * fact[m];
}

/* P(D_n < d) = n!/n^n (H^n)[k-1][k-1], with H^n by squaring and both the
 * matrices and the factorial ratio kept in range by powers of two. */
static double durbin_cdf(uint64_t n, double d)
{
    if (d >= 1.0)
        return 1.0;
    double nd = (double)n * d;
    if (nd <= 0.5)
        return 0.0;
    size_t k = (size_t)ceil(nd), m = 2 * k - 1;
    double h = (double)k - nd;
    double *H = mg_xmalloc(4 * m * m * sizeof *H);
    double *P = H + m * m, *T = P + m * m, *T2 = T + m * m;
    durbin_matrix(H, m, h);
    memset(P, 0, m * m * sizeof *P);
    for (size_t i = 0; i < m; i++)
        P[i * m + i] = 1.0;
    long exp_p = 0, exp_h = 0;
    for (uint64_t e = n; e > 0; e >>= 1) {
        if (e & 1) {
            mat_mul(P, H, T, m);
            memcpy(P, T, m * m * sizeof *P);
            exp_p += exp_h;
        }
        mat_mul(H, H, T2, m);
        memcpy(H, T2, m * m * sizeof *H);
        exp_h *= 2;
        if (fabs(H[(k - 1) * m + k - 1]) > ldexp(1.0, SCALE_EXP)) {
            for (size_t i = 0; i < m * m; i++)
                H[i] = ldexp(H[i], -SCALE_EXP);
            exp_h += SCALE_EXP;
        }
    }
    double p = P[(k - 1) * m + k - 1];
    free(H);
    for (uint64_t i = 1; i <= n; i++) {
        p = (double)i * p / (double)n;
        if (fabs(p) < ldexp(1.0, -SCALE_EXP)) {
            p = ldexp(p, SCALE_EXP);
            exp_p -= SCALE_EXP;
        }
    }
    return clip01(ldexp(p, (int)exp_p));
}

/* ------------------------------------------------------------------ */
/* Pelz-Good                                                            */

/* Pelz and Good's (1976) expansion of P(D_n <= x) in powers of 1/sqrt(n),
 * its K0..K3 terms written as theta-function sums that converge for small
 * z = x sqrt(n). */
static double pelz_good_cdf(uint64_t n, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    const double pi2 = M_PI * M_PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
    const double sqrt2pi = sqrt(2.0 * M_PI);
    double z = sqrt((double)n) * x;
    double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
    double qlog = -pi2 / 8.0 / z2;
    if (qlog < -708.0)
        return 0.0;
    double q = exp(qlog);
    double k1a = -z2, k1b = pi2 / 4.0;
    double k2a = 6.0 * z6 + 2.0 * z4, k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
    double k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
    double k3a = -30.0 * z6 - 90.0 * z6 * z2, k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
    double k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0, k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
    double K[4] = {0.0, 0.0, 0.0, 0.0};
    long maxk = (long)ceil(16.0 * z / M_PI);
    /* sum over odd m = 2k-1 of c_m q^(m^2), from the largest k down
     * (q^((2k+1)^2 - (2k-1)^2) = q^(8k)). */
    for (long k = maxk; k >= 1; k--) {
        double mm = (double)(2 * k - 1), m2 = mm * mm, m4 = m2 * m2, m6 = m4 * m2;
        double qk = pow(q, 8.0 * (double)k);
        double c[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                       k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; i++)
            K[i] = K[i] * qk + c[i];
    }
    double div[4] = {z, 6.0 * z4, 72.0 * z6 * z, 6480.0 * z6 * z4};
    for (int i = 0; i < 4; i++)
        K[i] = K[i] * q * sqrt2pi / div[i];
    /* The sums over all k of K2 and K3. */
    double q2 = exp(-pi2 / 2.0 / z2), s2 = 0.0, s3 = 0.0, r3z = sqrt(3.0) * z;
    for (long k = maxk; k >= 1; k--) {
        double kk = (double)k, k2 = kk * kk, qp = pow(q2, k2);
        s2 += k2 * qp;
        s3 += (r3z + kk * M_PI) * (r3z - kk * M_PI) * k2 * qp;
    }
    K[2] += s2 * pi2 * sqrt2pi / (-36.0 * z3);
    K[3] += s3 * pi2 * sqrt2pi / (216.0 * z6);
    double rn = sqrt((double)n), sum = 0.0, scale = 1.0;
    for (int i = 0; i < 4; i++) {
        sum += K[i] / scale;
        scale *= rn;
    }
    return sum;
}

/* ------------------------------------------------------------------ */
/* The two-sided tail                                                   */

/* n!/n^n (2t - 1)^n: P(D_n <= x) for 1/(2n) < x <= 1/n (Ruben and Gambino). */
static double ruben_gambino_low_cdf(uint64_t n, double t)
{
    if (n <= 140) {
        double p = 1.0;
        for (uint64_t i = 1; i <= n; i++)
            p *= (double)i / (double)n * (2.0 * t - 1.0);
        return p;
    }
    long double nl = (long double)n;
    long double lg = lgammal(nl + 1.0L) - nl * logl(nl);
    return (double)expl(lg + nl * logl(2.0L * (long double)t - 1.0L));
}

double mg_kolmogorov_sf(uint64_t n, double x)
{
    if (n == 0 || isnan(x))
        return NAN;
    if (x >= 1.0)
        return 0.0;
    if (x <= 0.0)
        return 1.0;
    double nd = (double)n, t = nd * x;
    if (t <= 1.0)
        return t <= 0.5 ? 1.0 : clip01(1.0 - ruben_gambino_low_cdf(n, t));
    if (t >= nd - 1.0)
        return clip01(2.0 * pow(1.0 - x, nd));
    if (x >= 0.5)
        return clip01(2.0 * mg_smirnov_sf(n, x));
    double nxx = t * x;
    if (n <= 140) {
        if (nxx <= 4.0) /* scipy: Durbin up to 0.754693, Pomeranz to 4 (both exact) */
            return clip01(1.0 - durbin_cdf(n, x));
        return clip01(2.0 * mg_smirnov_sf(n, x));
    }
    if (nxx >= 370.0)
        return 0.0;
    if (nxx >= 2.2)
        return clip01(2.0 * mg_smirnov_sf(n, x));
    double cdf = (n <= 100000 && nd * pow(x, 1.5) <= 1.4) ? durbin_cdf(n, x)
                                                          : pelz_good_cdf(n, x);
    return clip01(1.0 - cdf);
}
