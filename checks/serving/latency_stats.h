/*
 * latency_stats.h - the figures and the judgement of the latency check
 * (checks/serving/latency.c), apart from any clock or model so that unit
 * tests can hold them to known inputs.  Nothing here prints or exits.
 *
 * Percentiles are nearest-rank: the p-th percentile of n recorded times is
 * the smallest recorded time t such that at least p% of the times are <= t,
 * that is the value at 1-based rank ceil(p / 100 * n) of the times sorted
 * ascending (rank 1 for p = 0).  It is always one of the recorded times:
 * nothing is interpolated.
 */
#ifndef MG_CHECKS_SERVING_LATENCY_STATS_H
#define MG_CHECKS_SERVING_LATENCY_STATS_H

#include <stddef.h>

/* The nearest-rank p-th percentile (0 <= p <= 100) of n > 0 values sorted
 * ascending; NAN when n is 0. */
double mg_lat_percentile(const double *sorted, size_t n, double p);

/* The median of n values (sorts them in place): the middle one for odd n,
 * the mean of the two middle ones for even n; NAN when n is 0. */
double mg_lat_median(double *v, size_t n);

/* What one run of calls measured. */
typedef struct mg_lat_summary {
    size_t calls;       /* timed calls */
    double p50, p95, p99, max; /* milliseconds per call, nearest-rank */
    double rows_per_s;  /* rows scored / total time of the calls */
} mg_lat_summary;

/* Summarises n > 0 call times in milliseconds (sorted in place), each call
 * of rows_per_call rows. */
void mg_lat_summarise(double *ms, size_t n, size_t rows_per_call, mg_lat_summary *out);

/* The median of each figure over n runs (the gate judges by it, so one
 * run hit by machine noise does not decide).  calls is the median too. */
void mg_lat_median_summary(const mg_lat_summary *runs, size_t n, mg_lat_summary *out);

/* The bounds of a latency gate; NAN where the spec gives none. */
typedef struct mg_lat_bounds {
    double max_p50_ms, max_p95_ms, max_p99_ms;
    double min_rows_per_s;
    double max_p99_increase; /* relative: 0.2 lets p99 grow by 20% over the champion's */
} mg_lat_bounds;

/* A bounds struct with every bound unset (NAN). */
mg_lat_bounds mg_lat_bounds_none(void);

/* (candidate - champion) / champion; +inf when the champion's p99 is 0 and
 * the candidate's is not, 0 when both are 0. */
double mg_lat_increase(double candidate_p99, double champion_p99);

/*
 * Judges the candidate's single-row figures `one` and its throughput
 * `rows_per_s` against b; champion_p99 (NAN without a champion) for
 * max_p99_increase.  Returns the number of bounds broken (0: passes) and
 * writes into why "p99 12.3 ms > max_p99_ms 10; ..." for those broken, or
 * "within max_p99_ms 50, ..." naming the bounds met when none is.
 */
int mg_lat_judge(const mg_lat_bounds *b, const mg_lat_summary *one, double rows_per_s, double champion_p99,
                 char *why, size_t size);

/* "p99 12.3 ms" or, with a champion (champion_p99 not NAN),
 * "p99 12.3 ms (champion 10.1 ms, +22%)": the line the reports show. */
void mg_lat_p99_text(double p99, double champion_p99, char *buf, size_t size);

/* A time in milliseconds for people: 3 significant digits ("12.3",
 * "0.0042", "1530"). */
void mg_lat_ms_text(double ms, char *buf, size_t size);
/* Rows per second for people: whole rows from 100 up ("1234567"), else 3
 * significant digits ("12.5"). */
void mg_lat_rows_text(double rows_per_s, char *buf, size_t size);

#endif
