/*
 * mcnemar.c - McNemar's test from the discordant counts (see stats.h
 * for the exact / chi-square rule), and on a paired store.
 */
#include <math.h>

#include "checks/stats/internal.h"

void mg_mcnemar_test(uint64_t b, uint64_t c, mg_mcnemar *out)
{
    uint64_t n = b + c;
    uint64_t m = b < c ? b : c;
    out->b = b;
    out->c = c;
    if (n < MG_MCNEMAR_EXACT_BELOW) {
        /* 2 * P(X <= m), X ~ Binomial(n, 1/2); every term is exact in a
         * double for n < 25 (C(24,12) < 2^53). */
        double coef = 1.0, cdf = 0.0;
        for (uint64_t k = 0; k <= m; k++) {
            cdf += coef;
            coef = coef * (double)(n - k) / (double)(k + 1);
        }
        double p = 2.0 * cdf / ldexp(1.0, (int)n);
        out->exact = 1;
        out->statistic = (double)m;
        out->p_value = p > 1.0 ? 1.0 : p;
        return;
    }
    double d = b > c ? (double)(b - c) : (double)(c - b);
    d = d - 1.0 > 0.0 ? d - 1.0 : 0.0;
    out->exact = 0;
    out->statistic = d * d / (double)n;
    out->p_value = erfc(sqrt(out->statistic / 2.0)); /* chi-square sf, 1 df */
}

/* Whether row i's prediction by the model with scores s is right. */
static int row_right(const mg_paired *p, const double *s, size_t i)
{
    if (p->task == MG_TASK_BINARY)
        return (s[i] >= p->opts.threshold) == (p->label8[i] != 0);
    const double *row = s + i * p->k;
    size_t best = 0;
    for (size_t j = 1; j < p->k; j++)
        if (row[j] > row[best])
            best = j;
    return best == p->label32[i];
}

int mg_paired_mcnemar(const mg_paired *p, mg_mcnemar *out, mg_error *err)
{
    if (p->task == MG_TASK_REGRESSION)
        return mg_error_set(err, "McNemar's test compares accuracies: it needs a binary or "
                                 "multiclass task, not regression");
    if (mg_paired__check(p, err) < 0)
        return -1;
    uint64_t b = 0, c = 0;
    for (size_t i = 0; i < p->n; i++) {
        int r1 = row_right(p, p->champ, i);
        int r2 = row_right(p, p->chall, i);
        b += r1 && !r2;
        c += !r1 && r2;
    }
    mg_mcnemar_test(b, c, out);
    return 0;
}
