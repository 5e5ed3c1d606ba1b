/*
 * moments.c - count, mean, squared deviations, min and max, mergeable (see
 * sketch.h).
 */
#include "checks/drift/sketch.h"

void mg_moments_init(mg_moments *m)
{
    m->count = 0;
    m->mean = m->m2 = m->min = m->max = 0.0;
}

void mg_moments_add(mg_moments *m, double x)
{
    m->count++;
    if (m->count == 1) {
        m->mean = m->min = m->max = x;
        m->m2 = 0.0;
        return;
    }
    double delta = x - m->mean;
    m->mean += delta / (double)m->count;
    m->m2 += delta * (x - m->mean); /* Welford */
    if (x < m->min)
        m->min = x;
    if (x > m->max)
        m->max = x;
}

void mg_moments_merge(mg_moments *into, const mg_moments *from)
{
    if (from->count == 0)
        return;
    if (into->count == 0) {
        *into = *from;
        return;
    }
    double na = (double)into->count, nb = (double)from->count, n = na + nb;
    double delta = from->mean - into->mean;
    /* Chan, Golub and LeVeque: combine the two groups' deviations */
    into->mean += delta * (nb / n);
    into->m2 += from->m2 + delta * delta * (na * nb / n);
    into->count += from->count;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

double mg_moments_variance(const mg_moments *m)
{
    return m->count ? m->m2 / (double)m->count : 0.0;
}
