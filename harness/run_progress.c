#include "harness/run_progress.h"

#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void mg_progress_init(mg_progress *p, const char *path)
{
    struct stat st;
    p->on = isatty(STDERR_FILENO);
    p->shown = 0;
    p->next = now_seconds() + 2;
    p->file_bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

void mg_progress_tick(mg_progress *p, uint64_t done, uint64_t rows)
{
    double t = now_seconds();
    if (t < p->next)
        return;
    p->next = t + 2;
    p->shown = 1;
    if (p->file_bytes)
        fprintf(stderr, "\rmgate: %llu rows, %.0f%% of %.1f MB ", (unsigned long long)rows,
                100.0 * (double)done / (double)p->file_bytes, (double)p->file_bytes / 1e6);
    else
        fprintf(stderr, "\rmgate: %llu rows ", (unsigned long long)rows);
}

void mg_progress_done(mg_progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r%60s\r", "");
}
