/*
 * gen_csv - writes a realistic evaluation CSV for the parse benchmarks.
 *
 *   gen_csv ROWS OUT.csv
 *
 * 30 columns: an id, a timestamp, 10 integer features, 12 float features,
 * 5 short categorical strings (a few quoted, some holding a comma), a
 * label and a score; about 3% of the feature fields are empty.  The
 * content is deterministic (fixed xorshift seed), so runs compare.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static int empty_field(void)
{
    return rng() % 100 < 3;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_csv ROWS OUT.csv\n");
        return 2;
    }
    long rows = strtol(argv[1], NULL, 10);
    FILE *fp = fopen(argv[2], "wb");
    if (!fp || rows < 0) {
        fprintf(stderr, "gen_csv: cannot write '%s'\n", argv[2]);
        return 2;
    }
    static char buf[1 << 20];
    setvbuf(fp, buf, _IOFBF, sizeof buf);
    static const char *cats[] = {"red", "green", "blue", "\"dark, grey\"", "yellow",
                                 "cyan", "\"a \"\"quoted\"\" one\"", "black"};
    fputs("id,ts", fp);
    for (int i = 0; i < 10; i++)
        fprintf(fp, ",int_%d", i);
    for (int i = 0; i < 12; i++)
        fprintf(fp, ",float_%d", i);
    for (int i = 0; i < 5; i++)
        fprintf(fp, ",cat_%d", i);
    fputs(",label,score\n", fp);
    for (long r = 0; r < rows; r++) {
        long t = 1700000000L + r * 7;
        long day = t / 86400, sec = t % 86400;
        fprintf(fp, "%ld,2023-%02ld-%02ldT%02ld:%02ld:%02ldZ", r, 1 + day % 12, 1 + day % 28,
                sec / 3600, sec / 60 % 60, sec % 60);
        for (int i = 0; i < 10; i++) {
            if (empty_field())
                fputc(',', fp);
            else
                fprintf(fp, ",%" PRId64, (int64_t)(rng() % 100000) - 5000);
        }
        for (int i = 0; i < 12; i++) {
            if (empty_field())
                fputc(',', fp);
            else
                fprintf(fp, ",%.6f", (double)(rng() % 10000000) / 1000.0 - 2000.0);
        }
        for (int i = 0; i < 5; i++) {
            if (empty_field())
                fputc(',', fp);
            else
                fprintf(fp, ",%s", cats[rng() % 8]);
        }
        fprintf(fp, ",%d,%.4f\n", (int)(rng() % 2), (double)(rng() % 10000) / 10000.0);
    }
    if (fclose(fp) != 0) {
        fprintf(stderr, "gen_csv: write error on '%s'\n", argv[2]);
        return 1;
    }
    return 0;
}
