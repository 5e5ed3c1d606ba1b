/*
 * bench_parse.c - parse speed of a CSV file:
 *   bench_parse libcsv FILE   a bare libcsv parse with no-op callbacks
 *   bench_parse source FILE   mgate's CSV row source (mg_source_next)
 * Prints one line: mode, rows, seconds, rows/s, MB/s, peak RSS.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sources/source.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void noop_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    (void)data;
}

static void count_row(int c, void *data)
{
    (void)c;
    ++*(unsigned long *)data;
}

static long bare_libcsv(const char *path, unsigned long *rows, double *bytes)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    struct csv_parser p;
    csv_init(&p, CSV_EMPTY_IS_NULL);
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        *bytes += (double)n;
        if (csv_parse(&p, buf, n, noop_field, count_row, rows) != n)
            return -1;
    }
    csv_fini(&p, noop_field, count_row, rows);
    csv_free(&p);
    fclose(fp);
    *rows -= 1; /* the header */
    return 0;
}

static long via_source(const char *path, unsigned long *rows, double *bytes)
{
    mg_error err = {{0}};
    mg_source_options o;
    memset(&o, 0, sizeof o);
    o.limits.max_field_bytes = 1 << 20;
    o.limits.max_row_bytes = 16 << 20;
    mg_source *s = mg_source_open(path, &o, &err);
    if (!s) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    mg_row row;
    mg_source_status st;
    while ((st = mg_source_next(s, &row, &err)) != MG_SOURCE_END && st != MG_SOURCE_ERROR)
        if (st == MG_SOURCE_ROW)
            ++*rows;
    *bytes = (double)mg_source_bytes_read(s);
    mg_source_free(s);
    return st == MG_SOURCE_ERROR ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "libcsv") && strcmp(argv[1], "source"))) {
        fprintf(stderr, "usage: bench_parse libcsv|source FILE\n");
        return 2;
    }
    unsigned long rows = 0;
    double bytes = 0;
    double t = now();
    long rc = strcmp(argv[1], "libcsv") == 0 ? bare_libcsv(argv[2], &rows, &bytes)
                                              : via_source(argv[2], &rows, &bytes);
    t = now() - t;
    if (rc != 0) {
        fprintf(stderr, "bench_parse: %s failed\n", argv[2]);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-22s %9lu rows  %7.2f s  %10.0f rows/s  %7.1f MB/s  peak RSS %6.1f MB\n",
           strcmp(argv[1], "libcsv") == 0 ? "bare libcsv parse" : "mgate CSV source", rows, t,
           rows / t, bytes / 1e6 / t, ru.ru_maxrss / 1024.0);
    return 0;
}
