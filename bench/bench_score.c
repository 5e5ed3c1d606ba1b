/*
 * bench_score.c - scoring throughput of the xgboost back end.
 *
 *   bench_score MODEL.json [ROWS] [--write-data FILE]
 *
 * Generates ROWS (default 1,000,000) rows of 8 features in C (seeded
 * xorshift; values are float32-exact so every scorer sees the same numbers),
 * then times mg_model_score_row on every row (single-row) and
 * mg_model_score_batch on chunks of 1024 rows (batch).  Only the scoring
 * calls are timed, not building the rows.  Prints rows/s and the sum of the
 * predictions (a checksum to compare with other scorers).  --write-data
 * writes the rows as raw little-endian float32, row-major, for
 * bench/parts/20-score.sh to feed xgboost the same data.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "score/model.h"

#define NF 8
#define CHUNK 1024

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double uniform(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Roughly the training distribution of fixtures/models/bench (normal
 * features, a log-normal wide one, a small integer one), float32-exact. */
static void gen_row(float *x)
{
    for (int j = 0; j < NF; j++) {
        double u1 = uniform() + 1e-12, u2 = uniform();
        x[j] = (float)(sqrt(-2 * log(u1)) * cos(2 * M_PI * u2));
    }
    x[1] = (float)(exp(x[1]) * 1000.0);
    x[4] = (float)round(fabs(x[4]) * 5);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_score MODEL.json [ROWS] [--write-data FILE]\n");
        return 2;
    }
    size_t nrows = 1000000;
    const char *data_out = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--write-data") == 0 && i + 1 < argc)
            data_out = argv[++i];
        else
            nrows = (size_t)strtoull(argv[i], NULL, 10);
    }
    mg_error err = {{0}};
    mg_model_spec spec = {0};
    spec.path = argv[1];
    mg_model *m = mg_model_load(&spec, &err);
    if (!m) {
        fprintf(stderr, "bench_score: %s\n", err.msg);
        return 2;
    }
    if (mg_model_nfeatures(m) != NF) {
        fprintf(stderr, "bench_score: the model must have %d features\n", NF);
        return 2;
    }
    float *data = malloc(nrows * NF * sizeof *data);
    for (size_t r = 0; r < nrows; r++)
        gen_row(data + r * NF);
    if (data_out) {
        FILE *fp = fopen(data_out, "wb");
        if (!fp || fwrite(data, sizeof *data, nrows * NF, fp) != nrows * NF || fclose(fp) != 0) {
            fprintf(stderr, "bench_score: cannot write '%s'\n", data_out);
            return 2;
        }
    }
    const char *cols[NF];
    for (int j = 0; j < NF; j++)
        cols[j] = mg_model_feature_name(m, (size_t)j) ? mg_model_feature_name(m, (size_t)j) : "";
    mg_binding *b = mg_binding_new(m, cols, NF, &err);
    if (!b) {
        fprintf(stderr, "bench_score: %s\n", err.msg);
        return 2;
    }
    mg_value *vals = calloc(CHUNK * NF, sizeof *vals);
    mg_row *rows = calloc(CHUNK, sizeof *rows);
    double *out = calloc(CHUNK, sizeof *out);
    unsigned char *ok = calloc(CHUNK, 1);
    double t_single = 0, t_batch = 0, sum_single = 0, sum_batch = 0;
    for (size_t start = 0; start < nrows; start += CHUNK) {
        size_t n = nrows - start < CHUNK ? nrows - start : CHUNK;
        for (size_t r = 0; r < n; r++) {
            for (int j = 0; j < NF; j++)
                vals[r * NF + j] = (mg_value){MG_VALUE_NUMBER, "", 0,
                                              data[(start + r) * NF + j], 0};
            rows[r] = (mg_row){NF, vals + r * NF, NF, start + r + 2, start + r, 0};
        }
        double t0 = now_s();
        for (size_t r = 0; r < n; r++) {
            if (mg_model_score_row(m, b, &rows[r], &out[r], &err) != 0) {
                fprintf(stderr, "bench_score: %s\n", err.msg);
                return 1;
            }
        }
        t_single += now_s() - t0;
        for (size_t r = 0; r < n; r++)
            sum_single += out[r];
        t0 = now_s();
        long got = mg_model_score_batch(m, b, rows, n, out, ok, NULL, &err);
        t_batch += now_s() - t0;
        if (got != (long)n) {
            fprintf(stderr, "bench_score: batch scored %ld of %zu rows\n", got, n);
            return 1;
        }
        for (size_t r = 0; r < n; r++)
            sum_batch += out[r];
    }
    printf("mgate single-row: %zu rows in %.3f s = %.0f rows/s (checksum %.6f)\n", nrows,
           t_single, nrows / t_single, sum_single);
    printf("mgate batch-1024: %zu rows in %.3f s = %.0f rows/s (checksum %.6f)\n", nrows,
           t_batch, nrows / t_batch, sum_batch);
    free(vals);
    free(rows);
    free(out);
    free(ok);
    free(data);
    mg_binding_free(b);
    mg_model_free(m);
    return 0;
}
