/*
 * sketch_stats.c - KS and Wasserstein on weighted samples, and against a
 * reference kept in a quantile sketch (see sketch.h for the error bounds).
 */
#include <math.h>
#include <stdlib.h>

#include "checks/drift/sketch.h"

static uint64_t weight_at(const mg_wsample *s, size_t i)
{
    return s->weights ? s->weights[i] : 1;
}

/* Walks the pooled distinct values in order; at each one calls `step` with
 * the value, the next one (or the same at the end) and both CDFs there. */
typedef void (*cdf_step)(double v, double next, double fa, double fb, double *acc);

static int walk(const mg_wsample *a, const mg_wsample *b, cdf_step step, double *acc,
                mg_error *err)
{
    if (a->m == 0 || b->m == 0 || a->n == 0 || b->n == 0)
        return mg_error_set(err, "comparing distributions needs two non-empty samples");
    size_t i = 0, j = 0;
    uint64_t ca = 0, cb = 0;
    while (i < a->m || j < b->m) {
        double v = (j >= b->m || (i < a->m && a->values[i] <= b->values[j])) ? a->values[i]
                                                                            : b->values[j];
        while (i < a->m && a->values[i] <= v)
            ca += weight_at(a, i++);
        while (j < b->m && b->values[j] <= v)
            cb += weight_at(b, j++);
        double next = v;
        if (i < a->m || j < b->m)
            next = (j >= b->m || (i < a->m && a->values[i] < b->values[j])) ? a->values[i]
                                                                           : b->values[j];
        step(v, next, (double)ca / (double)a->n, (double)cb / (double)b->n, acc);
    }
    return 0;
}

static void ks_step(double v, double next, double fa, double fb, double *acc)
{
    (void)v;
    (void)next;
    double d = fabs(fa - fb);
    if (d > *acc)
        *acc = d;
}

static void area_step(double v, double next, double fa, double fb, double *acc)
{
    *acc += fabs(fa - fb) * (next - v);
}

int mg_ks_statistic_weighted(const mg_wsample *a, const mg_wsample *b, double *d, mg_error *err)
{
    *d = 0.0;
    return walk(a, b, ks_step, d, err);
}

int mg_wasserstein_weighted(const mg_wsample *a, const mg_wsample *b, double *w, mg_error *err)
{
    *w = 0.0;
    return walk(a, b, area_step, w, err);
}

/* The sketch as a weighted sample (arrays the caller frees). */
static mg_wsample sketch_sample(const mg_qsketch *s, double **v, uint64_t **w)
{
    size_t m = mg_qsketch_sorted(s, v, w);
    return (mg_wsample){*v, *w, m, s->n};
}

int mg_ks_sketch(const mg_qsketch *ref, const double *cur, size_t n, mg_ks_result *out,
                 double *bound, mg_error *err)
{
    double *v;
    uint64_t *w;
    mg_wsample r = sketch_sample(ref, &v, &w);
    int rc;
    if (ref->exact) {
        *bound = 0.0;
        rc = mg_ks_2samp_sorted(v, r.m, cur, n, MG_KS_AUTO, out, err);
    } else {
        mg_wsample c = {cur, NULL, n, n};
        *bound = mg_qsketch_rank_error(ref);
        rc = mg_ks_statistic_weighted(&r, &c, &out->statistic, err);
        if (rc == 0) {
            double big = (double)(r.n > n ? r.n : n), small = (double)(r.n > n ? n : r.n);
            out->p_value = mg_kolmogorov_sf((uint64_t)nearbyint(big * small / (big + small)),
                                            out->statistic);
            out->exact = 0;
            out->n1 = (size_t)r.n;
            out->n2 = n;
        }
    }
    free(v);
    free(w);
    return rc;
}

int mg_wasserstein_sketch(const mg_qsketch *ref, double ref_min, double ref_max,
                          const double *cur, size_t n, double *out, double *bound, mg_error *err)
{
    double *v;
    uint64_t *w;
    mg_wsample r = sketch_sample(ref, &v, &w);
    mg_wsample c = {cur, NULL, n, n};
    int rc = mg_wasserstein_weighted(&r, &c, out, err);
    *bound = ref->exact ? 0.0 : mg_qsketch_rank_error(ref) * (ref_max - ref_min);
    free(v);
    free(w);
    return rc;
}
