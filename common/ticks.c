#include "common/ticks.h"

#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define MG_HAVE_TSC 1
#endif

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

mg_ticks mg_ticks_now(void)
{
#ifdef MG_HAVE_TSC
    return (mg_ticks)__rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (mg_ticks)ts.tv_sec * 1000000000u + (mg_ticks)ts.tv_nsec;
#endif
}

void mg_tick_clock_start(mg_tick_clock *c)
{
    c->s0 = monotonic_seconds();
    c->t0 = mg_ticks_now();
}

double mg_tick_clock_rate(const mg_tick_clock *c)
{
    mg_ticks t = mg_ticks_now();
    double s = monotonic_seconds() - c->s0;
    if (t <= c->t0 || !(s > 0))
        return 0;
    return s / (double)(t - c->t0);
}
