/*
 * gen_csv.c - writes the benchmark's CSV: ROWS rows x 30 columns of
 * realistic data (ids, keys, increasing RFC 3339 times, floats, ints,
 * categories, booleans, ~2% empty fields).  Deterministic.
 *   gen_csv ROWS OUT.csv
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t state = 0x9E3779B97F4A7C15ULL;

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

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_csv ROWS OUT.csv\n");
        return 2;
    }
    long rows = atol(argv[1]);
    FILE *fp = fopen(argv[2], "w");
    if (!fp) {
        perror(argv[2]);
        return 1;
    }
    static const char *cats[] = {"grocery", "fuel", "travel", "electronics", "restaurants", "online"};
    static const char *countries[] = {"DE", "FR", "GB", "US", "CH", "NL", "ES", "IT"};
    fputs("id,customer,event_time", fp);
    for (int i = 0; i < 10; i++)
        fprintf(fp, ",f%d", i);
    for (int i = 0; i < 8; i++)
        fprintf(fp, ",n%d", i);
    fputs(",category,country,channel,device,segment,flag_a,flag_b,flag_c,note,label\n", fp);
    time_t t0 = 1767225600; /* 2026-01-01 */
    for (long r = 0; r < rows; r++) {
        time_t t = t0 + r / 4;
        struct tm tm;
        gmtime_r(&t, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(fp, "%ld,C%06" PRIu64 ",%s", r + 1, next() % 200000, ts);
        for (int i = 0; i < 10; i++) {
            if (next() % 50 == 0)
                fputs(",", fp);
            else
                fprintf(fp, ",%.4f", uniform() * 1000);
        }
        for (int i = 0; i < 8; i++)
            fprintf(fp, ",%" PRIu64, next() % 100000);
        fprintf(fp, ",%s,%s,%s,%s,seg%" PRIu64 ",%s,%s,%s,%s,%d\n", cats[next() % 6], countries[next() % 8],
                next() % 2 ? "web" : "app", next() % 3 ? "mobile" : "desktop", next() % 20,
                next() % 2 ? "true" : "false", next() % 2 ? "true" : "false", next() % 2 ? "true" : "false",
                next() % 10 == 0 ? "\"free text, with a comma\"" : "", (int)(next() % 2));
    }
    if (fclose(fp) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
