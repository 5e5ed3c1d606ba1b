/*
 * latency_stats.c - nearest-rank percentiles, medians of runs and the
 * latency gate's judgement (latency_stats.h).
 */
#include "checks/serving/latency_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double mg_lat_percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double rank = ceil(p / 100.0 * (double)n); /* 1-based */
    if (rank < 1)
        rank = 1;
    if (rank > (double)n)
        rank = (double)n;
    return sorted[(size_t)rank - 1];
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double mg_lat_median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void mg_lat_summarise(double *ms, size_t n, size_t rows_per_call, mg_lat_summary *out)
{
    memset(out, 0, sizeof *out);
    out->calls = n;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += ms[i];
    qsort(ms, n, sizeof *ms, by_value);
    out->p50 = mg_lat_percentile(ms, n, 50);
    out->p95 = mg_lat_percentile(ms, n, 95);
    out->p99 = mg_lat_percentile(ms, n, 99);
    out->max = n ? ms[n - 1] : NAN;
    /* A clock too coarse to see the calls gives no throughput figure. */
    out->rows_per_s = total > 0 ? (double)(n * rows_per_call) / (total / 1000.0) : NAN;
}

void mg_lat_median_summary(const mg_lat_summary *runs, size_t n, mg_lat_summary *out)
{
    double *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        abort();
#define MEDIAN_OF(field)                    \
    do {                                    \
        for (size_t i = 0; i < n; i++)      \
            v[i] = (double)runs[i].field;   \
        out->field = mg_lat_median(v, n);   \
    } while (0)
    memset(out, 0, sizeof *out);
    MEDIAN_OF(p50);
    MEDIAN_OF(p95);
    MEDIAN_OF(p99);
    MEDIAN_OF(max);
    MEDIAN_OF(rows_per_s);
    for (size_t i = 0; i < n; i++)
        v[i] = (double)runs[i].calls;
    out->calls = (size_t)mg_lat_median(v, n);
#undef MEDIAN_OF
    free(v);
}

mg_lat_bounds mg_lat_bounds_none(void)
{
    mg_lat_bounds b = {NAN, NAN, NAN, NAN, NAN};
    return b;
}

double mg_lat_increase(double candidate_p99, double champion_p99)
{
    if (champion_p99 > 0)
        return (candidate_p99 - champion_p99) / champion_p99;
    return candidate_p99 > 0 ? INFINITY : 0;
}

void mg_lat_ms_text(double ms, char *buf, size_t size)
{
    snprintf(buf, size, "%.3g", ms);
}

void mg_lat_rows_text(double rows_per_s, char *buf, size_t size)
{
    snprintf(buf, size, rows_per_s >= 100 ? "%.0f" : "%.3g", rows_per_s);
}

void mg_lat_p99_text(double p99, double champion_p99, char *buf, size_t size)
{
    char a[32], b[32];
    mg_lat_ms_text(p99, a, sizeof a);
    if (isnan(champion_p99)) {
        snprintf(buf, size, "p99 %s ms", a);
        return;
    }
    mg_lat_ms_text(champion_p99, b, sizeof b);
    double inc = mg_lat_increase(p99, champion_p99);
    if (isinf(inc))
        snprintf(buf, size, "p99 %s ms (champion %s ms)", a, b);
    else
        snprintf(buf, size, "p99 %s ms (champion %s ms, %+.0f%%)", a, b, inc * 100);
}

/* Appends "; " or ", " and a clause to why. */
static void add_clause(char *why, size_t size, const char *sep, const char *clause)
{
    size_t len = strlen(why);
    if (len < size)
        snprintf(why + len, size - len, "%s%s", len ? sep : "", clause);
}

int mg_lat_judge(const mg_lat_bounds *b, const mg_lat_summary *one, double rows_per_s, double champion_p99,
                 char *why, size_t size)
{
    struct { const char *name, *option; double value, bound; int upper; const char *unit; } row[] = {
        {"p50", "max_p50_ms", one->p50, b->max_p50_ms, 1, " ms"},
        {"p95", "max_p95_ms", one->p95, b->max_p95_ms, 1, " ms"},
        {"p99", "max_p99_ms", one->p99, b->max_p99_ms, 1, " ms"},
        {"rows/s", "min_rows_per_s", rows_per_s, b->min_rows_per_s, 0, ""},
        {"p99 increase", "max_p99_increase", NAN, b->max_p99_increase, 1, ""},
    };
    size_t nrows = sizeof row / sizeof *row;
    row[nrows - 1].value = isnan(champion_p99) ? NAN : mg_lat_increase(one->p99, champion_p99);
    char broken[512] = "", met[512] = "";
    int nbroken = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (isnan(row[i].bound))
            continue;
        char clause[160], v[32], bound[32];
        if (i == 3)
            mg_lat_rows_text(row[i].value, v, sizeof v);
        else
            mg_lat_ms_text(row[i].value, v, sizeof v);
        snprintf(bound, sizeof bound, "%g", row[i].bound);
        /* An unmeasured figure (NAN) breaks its bound: never a pass on
         * what could not be computed. */
        int bad = isnan(row[i].value) || (row[i].upper ? row[i].value > row[i].bound : row[i].value < row[i].bound);
        if (!bad) {
            snprintf(clause, sizeof clause, "%s %s", row[i].option, bound);
            add_clause(met, sizeof met, ", ", clause);
            continue;
        }
        nbroken++;
        if (isnan(row[i].value))
            snprintf(clause, sizeof clause, "%s not measured (%s %s)", row[i].name, row[i].option, bound);
        else if (i == nrows - 1)
            snprintf(clause, sizeof clause, "p99 rose %+.0f%% over the champion's > %s %s", row[i].value * 100,
                     row[i].option, bound);
        else
            snprintf(clause, sizeof clause, "%s %s%s %s %s %s", row[i].name, v, row[i].unit, row[i].upper ? ">" : "<",
                     row[i].option, bound);
        add_clause(broken, sizeof broken, "; ", clause);
    }
    if (nbroken)
        snprintf(why, size, "%s", broken);
    else
        snprintf(why, size, "within %s", met);
    return nbroken;
}
