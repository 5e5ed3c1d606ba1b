/*
 * bench_metrics - throughput and memory of the binary metrics.
 *
 *   bench_metrics [ROWS] [--values]
 *
 * Generates ROWS (default 1,000,000) binary rows from the project's PRNG
 * (xoshiro256**, seed 1): score = floor(u * 1000) / 1000 (heavy ties),
 * label = 1 when a second uniform is below the score (calibrated).  Feeds
 * them to an accumulator, computes every binary metric, and prints rows/s,
 * the bytes per row kept for the rank metrics and the peak RSS.  With
 * --values it also prints `value NAME %.17g` lines, which
 * fixtures/metrics/generate_reference.py --bench ROWS reproduces with
 * sklearn on the same rows (bench/parts/30-metrics.sh compares them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "checks/metrics/metrics.h"
#include "checks/stats/stats.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double uniform(mg_rng *r)
{
    return (double)(mg_rng_next(r) >> 11) * 0x1p-53;
}

int main(int argc, char **argv)
{
    size_t rows = 1000000;
    int values = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--values") == 0)
            values = 1;
        else
            rows = strtoul(argv[i], NULL, 10);
    }
    if (rows == 0) {
        fprintf(stderr, "bench_metrics: error: ROWS must be a positive number\n");
        return 2;
    }

    /* Generate first, so the timing covers only the metrics. */
    int *label = malloc(rows * sizeof *label);
    double *score = malloc(rows * sizeof *score);
    if (!label || !score) {
        fprintf(stderr, "bench_metrics: error: out of memory for %zu rows\n", rows);
        return 3;
    }
    mg_rng r;
    mg_rng_seed(&r, 1);
    for (size_t i = 0; i < rows; i++) {
        double s = (double)(long)(uniform(&r) * 1000.0) / 1000.0;
        label[i] = uniform(&r) < s;
        score[i] = s;
    }

    mg_error err = {{0}};
    double t0 = now();
    mg_metrics *acc = mg_metrics_new(MG_TASK_BINARY, NULL, &err);
    for (size_t i = 0; i < rows; i++)
        mg_metrics_add_binary(acc, label[i], score[i]);
    double t_add = now() - t0;
    int failed = 0;
    double t1 = now();
    for (size_t i = 0; i < mg_metric_count(); i++) {
        const mg_metric_info *m = mg_metric_at(i);
        if (m->task != MG_TASK_BINARY)
            continue;
        double v;
        if (mg_metrics_value(acc, m->name, &v, &err) < 0) {
            fprintf(stderr, "bench_metrics: error: %s\n", err.msg);
            failed = 1;
            continue;
        }
        if (values)
            printf("value %s %.17g\n", m->name, v);
    }
    double t_compute = now() - t1;
    double total = now() - t0;
    size_t kept = mg_metrics_row_bytes(acc);
    mg_metrics_free(acc);

    /* The paired bootstrap on a tenth of the rows, 100 resamples. */
    size_t prow = rows / 10 ? rows / 10 : 1;
    mg_paired *p = mg_paired_new(MG_TASK_BINARY, NULL, &err);
    for (size_t i = 0; i < prow; i++) {
        double s2 = score[i] + 0.05 * (uniform(&r) - 0.5);
        mg_paired_add_binary(p, i, label[i], score[i], s2 < 0 ? 0 : s2 > 1 ? 1 : s2);
    }
    mg_bootstrap_options bo;
    mg_bootstrap_options_init(&bo);
    bo.resamples = 100;
    mg_bootstrap_result br;
    double t2 = now();
    int brc_auc = mg_paired_bootstrap(p, "roc_auc", &bo, &br, &err);
    double t_boot_auc = now() - t2;
    t2 = now();
    int brc_acc = mg_paired_bootstrap(p, "accuracy", &bo, &br, &err);
    double t_boot_acc = now() - t2;
    size_t paired_bytes = mg_paired_row_bytes(p);
    mg_paired_free(p);

    /* Issue 11's significance workload: roc_auc, 1000 resamples on half the
     * rows (500,000 of the default million). */
    size_t srow = rows / 2 ? rows / 2 : 1;
    p = mg_paired_new(MG_TASK_BINARY, NULL, &err);
    for (size_t i = 0; i < srow; i++) {
        double s2 = score[i] + 0.05 * (uniform(&r) - 0.5);
        mg_paired_add_binary(p, i, label[i], score[i], s2 < 0 ? 0 : s2 > 1 ? 1 : s2);
    }
    bo.resamples = 1000;
    t2 = now();
    int brc_sig = mg_paired_bootstrap(p, "roc_auc", &bo, &br, &err);
    double t_sig = now() - t2;
    mg_paired_free(p);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("metrics: %zu binary rows, all 10 binary metrics\n", rows);
    printf("metrics: add %.3f s (%.1f M rows/s), compute %.3f s, total %.3f s (%.2f M rows/s)\n",
           t_add, rows / t_add / 1e6, t_compute, total, rows / total / 1e6);
    printf("metrics: rank metrics keep %.2f bytes/row (%zu bytes, capacity included)\n",
           (double)kept / (double)rows, kept);
    printf("metrics: bootstrap %zu paired rows x 100 resamples: roc_auc %.3f s%s, accuracy %.3f s%s, "
           "%.2f bytes/row held\n",
           prow, t_boot_auc, brc_auc < 0 ? " (failed)" : "", t_boot_acc,
           brc_acc < 0 ? " (failed)" : "", (double)paired_bytes / (double)prow);
    printf("metrics: significance: roc_auc bootstrap, %zu paired rows x 1000 resamples: %.3f s%s, "
           "interval [%.6f, %.6f]\n", srow, t_sig, brc_sig < 0 ? " (failed)" : "", br.lower, br.upper);
    printf("metrics: peak RSS %.1f MB (includes the %zu-row input arrays, %.1f MB)\n",
           ru.ru_maxrss / 1024.0, rows, rows * (sizeof *label + sizeof *score) / 1048576.0);
    free(label);
    free(score);
    return failed || brc_auc < 0 || brc_acc < 0;
}
