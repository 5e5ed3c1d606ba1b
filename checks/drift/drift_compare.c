/*
 * drift_compare.c - the figures comparing two sides of a feature
 * (drift_side.h).
 *
 * Numbers.  When both sides hold their values exactly (reference data, or
 * a profile and current data within MG_QSKETCH_EXACT_MAX values), KS and
 * Wasserstein are scipy's ks_2samp (method 'auto') and wasserstein_distance
 * and the bins numpy's quantiles: every bound is 0.  When a side is a KLL
 * sketch with rank error e (the reference's e_r, the current side's e_c):
 *   - KS: D from the weighted CDFs differs from the full samples' D by at
 *     most e_r + e_c (each CDF is off by at most its rank error); the
 *     p-value is the asymptotic one at that D;
 *   - Wasserstein: off by at most (e_r (max_r - min_r) + e_c (max_c -
 *     min_c)) / sd_r (a CDF off by e only between its extremes);
 *   - PSI: each bin's share is off by at most 2e of its side (two ranks), so
 *     the exact PSI on the same bins lies in [psi_low, psi_high], each bin's
 *     term bounded over that box (the term (c - r) ln(c / r) is convex).
 * Texts.  Jensen-Shannon, chi-square and PSI on the union of the values (plus an
 * "other" bin for values a side's frequencies did not track), exact while the
 * frequencies are complete.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_side.h"
#include "checks/drift/sorted_copy.h"
#include "common/xmem.h"

/* A side as a sorted weighted sample; exact when every weight is 1. */
typedef struct sample {
    mg_wsample w;
    double *own_values;
    uint64_t *own_weights;
    int exact;
} sample;

static void sample_of(mg_dside *s, sample *out)
{
    memset(out, 0, sizeof *out);
    if (s->keep_values) {
        mg_sort_doubles(s->values, s->nvalues);
        out->w = (mg_wsample){.values = s->values, .weights = NULL, .m = s->nvalues, .n = s->nvalues};
        out->exact = 1;
        return;
    }
    const mg_qsketch *sk = mg_dside_sketch(s);
    size_t m = mg_qsketch_sorted(sk, &out->own_values, &out->own_weights);
    out->w = (mg_wsample){.values = out->own_values, .weights = out->own_weights, .m = m, .n = sk->n};
    out->exact = sk->exact;
}

static void sample_free(sample *s)
{
    free(s->own_values);
    free(s->own_weights);
}

static void bin_counts(const mg_dside *s, const double *edges, size_t nedges, double *counts)
{
    if (!s->keep_values) {
        mg_qsketch_bin_counts(mg_dside_sketch(s), edges, nedges, counts);
        return;
    }
    for (size_t i = 0; i <= nedges; i++)
        counts[i] = 0.0;
    for (size_t i = 0; i < s->nvalues; i++)
        counts[mg_bin_of(edges, nedges, s->values[i])] += 1.0;
}

static double psi_term(double r, double c)
{
    r = r <= 0.0 ? MG_PSI_EPSILON : r;
    c = c <= 0.0 ? MG_PSI_EPSILON : c;
    return (c - r) * log(c / r);
}

/* The PSI's range when each reference share may be off by dr and each
 * current one by dc (shares kept in [0, 1]). */
static void psi_range(const double *r, const double *c, size_t k, double dr, double dc, double *lo,
                      double *hi)
{
    *lo = *hi = 0.0;
    for (size_t i = 0; i < k; i++) {
        double r0 = fmax(0.0, r[i] - dr), r1 = fmin(1.0, r[i] + dr);
        double c0 = fmax(0.0, c[i] - dc), c1 = fmin(1.0, c[i] + dc);
        double top = fmax(fmax(psi_term(r0, c0), psi_term(r0, c1)), fmax(psi_term(r1, c0), psi_term(r1, c1)));
        double low = 0.0; /* the boxes overlap: the shares may be equal */
        if (c0 > r1)
            low = psi_term(r1, c0);
        else if (r0 > c1)
            low = psi_term(r0, c1);
        *hi += top;
        *lo += low;
    }
}

static int compare_psi(mg_dside *ref, mg_dside *cur, unsigned bins, const sample *rs, mg_dfigures *f,
                       mg_error *err)
{
    size_t nedges = 0;
    int rc = ref->keep_values ? mg_quantile_edges(rs->w.values, rs->w.m, bins, f->edges, &nedges, err)
                              : mg_qsketch_edges(mg_dside_sketch(ref), bins, f->edges, &nedges, err);
    if (rc < 0)
        return -1;
    f->nbins = nedges + 1;
    double rcount[MG_DRIFT_MAX_BINS], ccount[MG_DRIFT_MAX_BINS];
    bin_counts(ref, f->edges, nedges, rcount);
    bin_counts(cur, f->edges, nedges, ccount);
    if (mg_psi(rcount, ccount, f->nbins, &f->psi, err) < 0)
        return -1;
    double rt = 0.0, ct = 0.0;
    for (size_t i = 0; i < f->nbins; i++) {
        rt += rcount[i];
        ct += ccount[i];
    }
    for (size_t i = 0; i < f->nbins; i++) {
        f->ref_share[i] = rt > 0 ? rcount[i] / rt : 0.0;
        f->cur_share[i] = ct > 0 ? ccount[i] / ct : 0.0;
    }
    double dr = 2.0 * mg_dside_rank_error(ref), dc = 2.0 * mg_dside_rank_error(cur);
    if (dr == 0.0 && dc == 0.0)
        f->psi_low = f->psi_high = f->psi;
    else
        psi_range(f->ref_share, f->cur_share, f->nbins, dr, dc, &f->psi_low, &f->psi_high);
    return 0;
}

static int compare_numbers(mg_dside *ref, mg_dside *cur, unsigned bins, mg_dfigures *f, mg_error *err)
{
    sample rs, cs;
    sample_of(ref, &rs);
    sample_of(cur, &cs);
    int rc = -1;
    f->ref_mean = ref->moments.mean;
    f->ref_sd = sqrt(mg_moments_variance(&ref->moments));
    f->cur_mean = cur->moments.mean;
    f->cur_sd = sqrt(mg_moments_variance(&cur->moments));
    double er = mg_dside_rank_error(ref), ec = mg_dside_rank_error(cur), w;
    if (rs.exact && cs.exact) {
        mg_ks_result ks;
        if (mg_ks_2samp_sorted(rs.w.values, rs.w.m, cs.w.values, cs.w.m, MG_KS_AUTO, &ks, err) < 0 ||
            mg_wasserstein_sorted(rs.w.values, rs.w.m, cs.w.values, cs.w.m, &w, err) < 0)
            goto done;
        f->ks_statistic = ks.statistic;
        f->ks_p_value = ks.p_value;
        f->ks_exact = ks.exact;
        f->wasserstein = mg_wasserstein_normalised(w, f->ref_sd);
    } else {
        if (mg_ks_statistic_weighted(&rs.w, &cs.w, &f->ks_statistic, err) < 0 ||
            mg_wasserstein_weighted(&rs.w, &cs.w, &w, err) < 0)
            goto done;
        double n1 = (double)rs.w.n, n2 = (double)cs.w.n;
        f->ks_p_value = mg_kolmogorov_sf((uint64_t)llround(n1 * n2 / (n1 + n2)), f->ks_statistic);
        f->ks_bound = er + ec;
        f->wasserstein = mg_wasserstein_normalised(w, f->ref_sd);
        double wb = er * (ref->moments.max - ref->moments.min) + ec * (cur->moments.max - cur->moments.min);
        f->wasserstein_bound = f->ref_sd > 0 ? wb / f->ref_sd : (wb > 0 ? INFINITY : 0.0);
    }
    rc = compare_psi(ref, cur, bins, &rs, f, err);
done:
    sample_free(&rs);
    sample_free(&cs);
    return rc;
}

/* "EUR 41%, USD 30%, GBP 20%" for the three most frequent values. */
static void top_values(const mg_freq *fr, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t *order = mg_freq_order(fr);
    size_t used = 0;
    for (size_t i = 0; i < fr->nitems && i < 3 && used < size; i++) {
        const mg_freq_item *it = &fr->items[order[i]];
        int n = snprintf(buf + used, size - used, "%s%.40s %.3g%%", i ? ", " : "", it->text,
                         fr->total ? 100.0 * (double)it->count / (double)fr->total : 0.0);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    free(order);
}

static int compare_texts(const mg_dside *ref, const mg_dside *cur, mg_dfigures *f, mg_error *err)
{
    const mg_freq *rf = mg_dside_freq(ref), *cf = mg_dside_freq(cur);
    size_t k = rf->nitems + cf->nitems + 1, used = 0;
    double *rc = mg_xcalloc(k, sizeof *rc), *cc = mg_xcalloc(k, sizeof *cc);
    for (size_t i = 0; i < rf->nitems; i++, used++) {
        rc[used] = (double)rf->items[i].count;
        cc[used] = (double)mg_freq_count(cf, rf->items[i].text, rf->items[i].len);
    }
    for (size_t i = 0; i < cf->nitems; i++) {
        const mg_freq_item *it = &cf->items[i];
        if (mg_freq_count(rf, it->text, it->len) > 0)
            continue;
        cc[used++] = (double)it->count;
        f->unseen += it->count;
    }
    /* the values neither side tracked, as one "other" bin */
    rc[used] = (double)rf->untracked;
    cc[used++] = (double)cf->untracked;
    f->unseen_share = cf->total ? (double)f->unseen / (double)cf->total : 0.0;
    f->ref_freq_complete = mg_freq_is_exact(rf);
    mg_chi2_result chi;
    int rcode = -1;
    if (mg_jensen_shannon(rc, cc, used, &f->js, err) == 0 && mg_chi2_2xk(rc, cc, used, &chi, err) == 0 &&
        mg_psi(rc, cc, used, &f->psi, err) == 0) {
        f->psi_low = f->psi_high = f->psi;
        f->chi2 = chi.statistic;
        f->chi2_p = chi.p_value;
        f->chi2_dof = chi.dof;
        rcode = 0;
    }
    top_values(rf, f->top_ref, sizeof f->top_ref);
    top_values(cf, f->top_cur, sizeof f->top_cur);
    free(rc);
    free(cc);
    return rcode;
}

int mg_drift_compare(mg_dside *ref, mg_dside *cur, unsigned bins, mg_dfigures *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    out->is_number = ref->is_number;
    mg_dside_settle(ref);
    mg_dside_settle(cur);
    out->n_ref = mg_dside_count(ref);
    out->n_cur = mg_dside_count(cur);
    if (out->n_ref == 0)
        return mg_error_set(err, "the reference has no values");
    if (out->n_cur == 0)
        return mg_error_set(err, "the current data has no values");
    if (bins < 1 || bins > MG_DRIFT_MAX_BINS)
        return mg_error_set(err, "bins %u: expected 1 to %d", bins, MG_DRIFT_MAX_BINS);
    return ref->is_number ? compare_numbers(ref, cur, bins, out, err) : compare_texts(ref, cur, out, err);
}
