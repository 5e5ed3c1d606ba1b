/*
 * gen_workload.c - writes the issue 11 workload: ROWS rows x 33 columns of
 * CSV (about 208 bytes a row), seeded and deterministic:
 *   id          1, 2, 3, ...
 *   event_time  RFC 3339 UTC, non-decreasing (0 to 2 s apart)
 *   f00..f09    floats with 4 decimals in [-10, 10)
 *   f10..f19    floats with 2 decimals in [0, 1000)
 *   i00..i05    integers (age 18-90, 0-20, 0-999, 0-99999, -50-50, 0-9)
 *   channel, country, category, merchant: categories of 3, 12, 20 and 50 values
 *   label       0/1, about 30% 1, a noisy function of the numeric columns
 * bench/workload/gate.json describes it; bench/workload/train_model.py
 * trains the committed model on a sample of it.
 *   gen_workload ROWS OUT.csv [SEED]
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t state;

static uint64_t next(void)
{
    /* splitmix64 */
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

/* A standard normal (Box-Muller). */
static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static const char *const channels[] = {"web", "app", "store"};
static const char *const countries[] = {"DE", "FR", "GB", "US", "CH", "NL", "ES", "IT", "PL", "SE", "AT", "BE"};
static const char *const categories[] = {"grocery", "fuel", "travel", "electronics", "restaurants", "online",
                                         "fashion", "pharmacy", "books", "games", "sports", "home", "garden",
                                         "toys", "music", "pets", "beauty", "auto", "office", "other"};

static void write_header(FILE *fp)
{
    fputs("id,event_time", fp);
    for (int i = 0; i < 20; i++)
        fprintf(fp, ",f%02d", i);
    for (int i = 0; i < 6; i++)
        fprintf(fp, ",i%02d", i);
    fputs(",channel,country,category,merchant,label\n", fp);
}

static void write_row(FILE *fp, long id, const char *ts)
{
    double f[20];
    long n[6];
    for (int i = 0; i < 10; i++)
        f[i] = round((uniform() * 20.0 - 10.0) * 1e4) / 1e4;
    for (int i = 10; i < 20; i++)
        f[i] = round(uniform() * 1e5) / 100.0;
    for (int i = 10; i < 20; i++)
        if (f[i] >= 1000.0)
            f[i] = 999.99;
    n[0] = 18 + (long)(next() % 73);
    n[1] = (long)(next() % 21);
    n[2] = (long)(next() % 1000);
    n[3] = (long)(next() % 100000);
    n[4] = (long)(next() % 101) - 50;
    n[5] = (long)(next() % 10);
    /* The label: a noisy, partly non-linear function of some columns, so a
     * tree model learns something (AUC about 0.85) and ~30% are positive. */
    double z = 0.35 * f[0] - 0.25 * f[1] + 0.04 * f[2] * f[3] + 0.8 * sin(f[4]) + 0.002 * (f[10] - 500.0) +
               0.03 * (double)(n[0] - 54) + 0.08 * (double)(n[1] - 10) - 1.6 + 1.2 * normal();
    int label = z > 0;
    fprintf(fp, "%ld,%s", id, ts);
    for (int i = 0; i < 10; i++)
        fprintf(fp, ",%.4f", f[i]);
    for (int i = 10; i < 20; i++)
        fprintf(fp, ",%.2f", f[i]);
    for (int i = 0; i < 6; i++)
        fprintf(fp, ",%ld", n[i]);
    fprintf(fp, ",%s,%s,%s,m%02d,%d\n", channels[next() % 3], countries[next() % 12], categories[next() % 20],
            (int)(next() % 50) + 1, label);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: gen_workload ROWS OUT.csv [SEED]\n");
        return 2;
    }
    long rows = atol(argv[1]);
    state = argc == 4 ? strtoull(argv[3], NULL, 10) : 20261101;
    FILE *fp = fopen(argv[2], "w");
    if (!fp) {
        perror(argv[2]);
        return 1;
    }
    write_header(fp);
    time_t t = 1767225600; /* 2026-01-01T00:00:00Z */
    time_t shown = -1;
    char ts[32] = "";
    for (long r = 0; r < rows; r++) {
        t += (time_t)(next() % 3);
        if (t != shown) {
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
            shown = t;
        }
        write_row(fp, r + 1, ts);
    }
    if (fclose(fp) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
