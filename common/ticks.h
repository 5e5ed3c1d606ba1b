/*
 * ticks.h - a cheap clock for timing every call of every check.
 *
 * clock_gettime(CLOCK_MONOTONIC) costs about 250 ns per call on some virtual
 * machines; read around every check on every row it added 7% CPU to the
 * 1M-row benchmark (docs/junit-and-annotations.md).  mg_ticks_now reads the
 * CPU's time-stamp counter instead (about 30 ns there; +2%, within noise)
 * on x86; elsewhere it is CLOCK_MONOTONIC in nanoseconds.  Ticks become seconds
 * through an mg_tick_clock, which measures the tick rate against
 * CLOCK_MONOTONIC over the run itself.
 */
#ifndef MG_COMMON_TICKS_H
#define MG_COMMON_TICKS_H

#include <stdint.h>

typedef uint64_t mg_ticks;

/* The current tick count; only differences mean anything. */
mg_ticks mg_ticks_now(void);

/* Converts ticks to seconds by the rate seen between start and now. */
typedef struct mg_tick_clock {
    mg_ticks t0;   /* private */
    double s0;     /* private: CLOCK_MONOTONIC seconds at start */
} mg_tick_clock;

void mg_tick_clock_start(mg_tick_clock *c);
/* Seconds per tick measured since start (0 when no tick has passed). */
double mg_tick_clock_rate(const mg_tick_clock *c);

#endif
