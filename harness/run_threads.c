/*
 * run_threads.c - `mgate run --threads N` on both (all) cores: the data is
 * split as N shards would split it (sources/shard_plan.h: whole files or
 * byte ranges at record starts), each read, typed, checked and scored by a
 * thread of its own with its own source, checks and model, and their
 * states are merged in data order exactly as `mgate merge` merges shards
 * (run_merge.c).  The merge is exact, so the report is the one a single
 * thread writes, timings aside.  The main thread meanwhile hashes the data
 * files, since no shard reads a split file whole.
 *
 * Used only where it gives the same report: regular files (not a pipe or
 * standard input), every check able to merge, a native model (an external
 * scorer or an HTTP service keeps one process and one request order), no
 * HTML report (its plots keep rows as read).  Otherwise, or when a shard
 * cannot be read that way (a CSV range holding a quoted line break, more
 * rows than max_rows), the caller runs the one-pass pipeline instead.
 */
#include "harness/run_threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/sha256.h"
#include "common/xmem.h"
#include "harness/data_input.h"
#include "harness/run_shard.h"

typedef struct shard_job {
    const mg_spec *spec;
    mg_shard_run run;
    int planned;
    int ok;
    pthread_t thread;
} shard_job;

static void *run_job(void *arg)
{
    shard_job *job = arg;
    mg_report *report = mg_report_new();
    mg_error err = {{0}};
    mg_run_mode mode = {.threads = 1, .shard = &job->run};
    job->ok = mg_run_gate_mode(job->spec, &mode, report, &err) == MG_RUN_JUDGED && job->run.state;
    mg_report_free(report);
    return NULL;
}

static int model_is_native(const mg_model_ref *m)
{
    return !m->command && !m->http;
}

/* Whether a run with these threads can be split (see the top). */
static int can_split(const mg_spec *spec, unsigned threads, const mg_data_files *files)
{
    if (threads < 2 || spec->html_path || !mg_spec_checks_merge(spec) || !model_is_native(&spec->model) ||
        !model_is_native(&spec->baseline_model))
        return 0;
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        if (strcmp(files->files[i].path, "-") == 0 || stat(files->files[i].path, &st) != 0 || !S_ISREG(st.st_mode))
            return 0;
    }
    return 1;
}

/* The data's SHA-256 as one run computes it: of the file, or of the files'
 * hashes (sources/data_files.h).  0, or -1 when a file cannot be read. */
static int hash_files(const mg_data_files *files, char hex[65])
{
    char (*each)[65] = mg_xcalloc(files->n, sizeof *each);
    int rc = 0;
    for (size_t i = 0; i < files->n && rc == 0; i++) {
        mg_error err = {{0}};
        rc = mg_sha256_file(files->files[i].path, each[i], &err);
    }
    if (rc == 0)
        mg_data_files_fingerprint((const char(*)[65])each, files->n, hex);
    free(each);
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int mg_run_split(const mg_spec *spec, unsigned threads, mg_report *report, mg_error *err, mg_run_outcome *outcome)
{
    double t0 = now_seconds();
    mg_data_files files;
    mg_error ferr = {{0}};
    if (mg_spec_data_files(spec, &files, &ferr) != 0)
        return -1;
    int split = can_split(spec, threads, &files);
    if (!split) {
        mg_data_files_free(&files);
        return -1;
    }
    shard_job *jobs = mg_xcalloc(threads, sizeof *jobs);
    int ok = 1;
    for (unsigned k = 0; k < threads && ok; k++) {
        jobs[k].spec = spec;
        ok = mg_shard_run_plan(spec, k, threads, NULL, &jobs[k].run, &ferr) == 0;
        jobs[k].planned = ok;
        if (ok && pthread_create(&jobs[k].thread, NULL, run_job, &jobs[k]) != 0)
            ok = jobs[k].planned = 0, mg_shard_run_free(&jobs[k].run);
    }
    mg_merge_input in;
    memset(&in, 0, sizeof in);
    int hashed = ok && hash_files(&files, in.data_sha256) == 0;
    for (unsigned k = 0; k < threads; k++)
        if (jobs[k].planned) {
            pthread_join(jobs[k].thread, NULL);
            ok = ok && jobs[k].ok;
        }
    uint64_t rows = 0;
    if (ok && hashed) {
        in.n = threads;
        in.states = mg_xcalloc(threads, sizeof *in.states);
        in.paths = mg_xcalloc(threads, sizeof *in.paths);
        for (unsigned k = 0; k < threads; k++) {
            in.states[k] = jobs[k].run.state;
            jobs[k].run.state = NULL;
            in.paths[k] = mg_xasprintf("(thread %u)", k + 1);
            rows += (uint64_t)json_integer_value(json_object_get(in.states[k], "rows"));
        }
        in.files = files;
        memset(&files, 0, sizeof files);
    }
    for (unsigned k = 0; k < threads; k++)
        if (jobs[k].planned)
            mg_shard_run_free(&jobs[k].run);
    free(jobs);
    mg_data_files_free(&files);
    /* One run stops at max_rows and judges the rows before: only it can.
     * It reports max_rows once it has read that many rows, even when none
     * follows (sources/source.c), so the limits merge refuses from there. */
    if (!ok || !hashed || (spec->limits.max_rows && rows >= spec->limits.max_rows)) {
        mg_merge_input_free(&in);
        return -1;
    }
    mg_run_mode mode = {.threads = 1, .merge = &in};
    *outcome = mg_run_gate_mode(spec, &mode, report, err);
    report->facts.seconds = now_seconds() - t0; /* the shards' time too */
    mg_merge_input_free(&in);
    return 0;
}
