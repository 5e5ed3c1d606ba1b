/*
 * bench_score_features.c - mgate's xgboost scoring on given features, on
 * one thread and on several, to set beside xgboost's own predict at the
 * same nthread (bench/parts/60-workload.sh).
 *
 *   bench_score_features MODEL.json FEATURES.f32 [THREADS...]
 *
 * FEATURES.f32 holds the rows as raw float32, row-major, one column per
 * model feature in the model's order (NaN for a missing value): what the
 * bench part gives xgboost's DMatrix.  The rows are read before timing, as
 * the runner has them typed before scoring.  Each thread scores its own
 * contiguous share of the rows with mg_model_score_features (the path
 * `mgate run` takes) in batches of 1024, on its own copy of the model
 * (a model keeps scratch buffers, so threads do not share one).  Prints,
 * for each thread count, the wall time of the scoring, rows/s and the sum
 * of the predictions, the checksum to compare with xgboost's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "score/model.h"

#define BATCH 1024
#define MAX_THREADS 16

typedef struct share {
    mg_model *model;
    const double *features;
    size_t nrows, nf;
    double *out;
    unsigned char *ok;
} share;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *score_share(void *arg)
{
    share *s = arg;
    mg_error err = {{0}};
    for (size_t start = 0; start < s->nrows; start += BATCH) {
        size_t n = s->nrows - start < BATCH ? s->nrows - start : BATCH;
        if (mg_model_score_features(s->model, s->features + start * s->nf, n, s->out + start, s->ok + start,
                                    NULL, &err) < 0) {
            fprintf(stderr, "bench_score_features: %s\n", err.msg);
            exit(1);
        }
    }
    return NULL;
}

/* The rows of path as doubles; *nrows set.  Exits on a bad file. */
static double *read_features(const char *path, size_t nf, size_t *nrows)
{
    FILE *fp = fopen(path, "rb");
    if (!fp || fseek(fp, 0, SEEK_END) != 0) {
        fprintf(stderr, "bench_score_features: cannot read '%s'\n", path);
        exit(2);
    }
    long bytes = ftell(fp);
    rewind(fp);
    if (bytes <= 0 || (size_t)bytes % (nf * sizeof(float)) != 0) {
        fprintf(stderr, "bench_score_features: '%s' is not rows of %zu float32 values\n", path, nf);
        exit(2);
    }
    size_t count = (size_t)bytes / sizeof(float);
    float *raw = malloc(count * sizeof *raw);
    double *features = malloc(count * sizeof *features);
    if (!raw || !features || fread(raw, sizeof *raw, count, fp) != count) {
        fprintf(stderr, "bench_score_features: cannot read '%s'\n", path);
        exit(2);
    }
    fclose(fp);
    for (size_t i = 0; i < count; i++)
        features[i] = raw[i];
    free(raw);
    *nrows = count / nf;
    return features;
}

/* Scores every row on nthreads threads; returns the wall time. */
static double score_all(mg_model **models, unsigned nthreads, const double *features, size_t nrows, size_t nf,
                        double *out, unsigned char *ok)
{
    share shares[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    size_t per = (nrows + nthreads - 1) / nthreads;
    double t0 = now_s();
    for (unsigned t = 0; t < nthreads; t++) {
        size_t first = per * t < nrows ? per * t : nrows;
        size_t last = first + per < nrows ? first + per : nrows;
        shares[t] = (share){models[t], features + first * nf, last - first, nf, out + first, ok + first};
        if (t > 0 && pthread_create(&tids[t], NULL, score_share, &shares[t]) != 0) {
            fprintf(stderr, "bench_score_features: cannot start a thread\n");
            exit(2);
        }
    }
    score_share(&shares[0]);
    for (unsigned t = 1; t < nthreads; t++)
        pthread_join(tids[t], NULL);
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_score_features MODEL.json FEATURES.f32 [THREADS...]\n");
        return 2;
    }
    unsigned counts[MAX_THREADS], ncounts = 0, most = 1;
    for (int a = 3; a < argc && ncounts < MAX_THREADS; a++) {
        unsigned n = (unsigned)strtoul(argv[a], NULL, 10);
        if (n < 1 || n > MAX_THREADS) {
            fprintf(stderr, "bench_score_features: threads must be 1 to %d\n", MAX_THREADS);
            return 2;
        }
        counts[ncounts++] = n;
        most = n > most ? n : most;
    }
    if (ncounts == 0)
        counts[ncounts++] = 1;
    mg_error err = {{0}};
    mg_model_spec spec = {0};
    spec.path = argv[1];
    mg_model *models[MAX_THREADS];
    for (unsigned t = 0; t < most; t++)
        if (!(models[t] = mg_model_load(&spec, &err)) || !mg_model_scores_features(models[t])) {
            fprintf(stderr, "bench_score_features: %s\n", models[t] ? "the model cannot score features" : err.msg);
            return 2;
        }
    size_t nf = mg_model_nfeatures(models[0]), nrows;
    double *features = read_features(argv[2], nf, &nrows);
    double *out = malloc(nrows * sizeof *out);
    unsigned char *ok = malloc(nrows);
    for (unsigned c = 0; c < ncounts; c++) {
        double seconds = score_all(models, counts[c], features, nrows, nf, out, ok);
        double sum = 0;
        for (size_t r = 0; r < nrows; r++)
            sum += out[r];
        char label[64];
        snprintf(label, sizeof label, "mgate scoring, %u thread%s", counts[c], counts[c] > 1 ? "s" : "");
        printf("%-34s %.2f s = %.0f rows/s, checksum %.6f\n", label, seconds, nrows / seconds, sum);
    }
    for (unsigned t = 0; t < most; t++)
        mg_model_free(models[t]);
    free(features);
    free(out);
    free(ok);
    return 0;
}
