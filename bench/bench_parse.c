/*
 * bench_parse - how fast rows come out of a data file.
 *
 *   bench_parse MODE FILE [--max-field-bytes N] [--max-row-bytes N]
 *
 * MODE libcsv: a bare libcsv parse of FILE in 64 KiB chunks with callbacks
 *   that only count (same libcsv options as the CSV source);
 * MODE source: mg_source_open + mg_source_next over every row, touching
 *   each value (any format mg_source_open reads).
 *
 * Prints one line per run:
 *   parse.MODE rows=N bad_rows=N bytes=N seconds=S rows_per_s=R mb_per_s=M peak_rss_mb=P
 * Peak RSS is this process's (getrusage), so run one mode per process.
 * Exit status 0, or 1 if the file cannot be read.
 */
#include <csv.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sources/source.h"

typedef struct counts {
    unsigned long fields;
    unsigned long rows;
} counts;

static void count_field(void *data, size_t len, void *ctx)
{
    (void)data;
    (void)len;
    ((counts *)ctx)->fields++;
}

static void count_row(int c, void *ctx)
{
    (void)c;
    ((counts *)ctx)->rows++;
}

static int keep_spaces(unsigned char c)
{
    (void)c;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_libcsv(const char *path, unsigned long *rows, unsigned long *bad, uint64_t *bytes)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        perror(path);
        return -1;
    }
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
    csv_set_space_func(&p, keep_spaces);
    csv_set_blk_size(&p, 16 * 1024);
    static unsigned char buf[64 * 1024];
    counts c = {0, 0};
    ssize_t n;
    *bad = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        *bytes += (uint64_t)n;
        if (csv_parse(&p, buf, (size_t)n, count_field, count_row, &c) != (size_t)n) {
            fprintf(stderr, "%s: %s\n", path, csv_strerror(csv_error(&p)));
            (*bad)++;
            break;
        }
    }
    csv_fini(&p, count_field, count_row, &c);
    csv_free(&p);
    close(fd);
    *rows = c.rows ? c.rows - 1 : 0; /* header excluded */
    return 0;
}

static int run_source(const char *path, const mg_limits *limits, unsigned long *rows,
                      unsigned long *bad, uint64_t *bytes)
{
    mg_source_options opts = {.limits = *limits};
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, &opts, &err);
    if (!src) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    mg_row row;
    mg_source_status st;
    size_t touched = 0;
    while ((st = mg_source_next(src, &row, &err)) != MG_SOURCE_END) {
        if (st == MG_SOURCE_ERROR) {
            fprintf(stderr, "%s\n", err.msg);
            break;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            (*bad)++;
            continue;
        }
        (*rows)++;
        for (size_t i = 0; i < row.nvalues; i++)
            touched += row.values[i].len + (size_t)row.values[i].quoted;
    }
    *bytes = mg_source_bytes_read(src);
    mg_source_free(src);
    if (touched == (size_t)-1)
        puts("");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "libcsv") != 0 && strcmp(argv[1], "source") != 0)) {
        fprintf(stderr, "usage: bench_parse libcsv|source FILE [--max-field-bytes N] "
                        "[--max-row-bytes N]\n");
        return 2;
    }
    mg_limits limits = {0};
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--max-field-bytes") == 0)
            limits.max_field_bytes = strtoull(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--max-row-bytes") == 0)
            limits.max_row_bytes = strtoull(argv[i + 1], NULL, 10);
    }
    unsigned long rows = 0, bad = 0;
    uint64_t bytes = 0;
    double t0 = now();
    int rc = strcmp(argv[1], "libcsv") == 0 ? run_libcsv(argv[2], &rows, &bad, &bytes)
                                            : run_source(argv[2], &limits, &rows, &bad, &bytes);
    double secs = now() - t0;
    if (rc != 0)
        return 1;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("parse.%s rows=%lu bad_rows=%lu bytes=%llu seconds=%.3f rows_per_s=%.0f "
           "mb_per_s=%.1f peak_rss_mb=%.1f\n",
           argv[1], rows, bad, (unsigned long long)bytes, secs, secs > 0 ? rows / secs : 0.0,
           secs > 0 ? (double)bytes / 1e6 / secs : 0.0, (double)ru.ru_maxrss / 1024.0);
    return 0;
}
