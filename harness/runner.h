/*
 * runner.h - runs a loaded gate spec: reads the data once, feeds every row
 * to every data check, and fills a report.
 */
#ifndef MG_HARNESS_RUNNER_H
#define MG_HARNESS_RUNNER_H

#include "checks/result.h"
#include "common/error.h"
#include "harness/spec.h"

typedef enum mg_run_outcome {
    MG_RUN_JUDGED = 0,   /* the checks ran; the report says pass or fail */
    MG_RUN_INPUT_ERROR   /* nothing could be judged (e.g. unreadable data); the
                            report holds one error testcase saying why */
} mg_run_outcome;

/* Runs the gate; the report's facts and results are filled either way.
 * Uses mg_run_default_threads() threads. */
mg_run_outcome mg_run_gate(const mg_spec *spec, mg_report *report, mg_error *err);
/* Same with `threads` threads (`mgate run --threads N`): 1 does everything
 * on the calling thread; more reads and splits the data on a thread of its
 * own.  The report is the same, timings aside, for any count. */
mg_run_outcome mg_run_gate_threads(const mg_spec *spec, unsigned threads, mg_report *report, mg_error *err);
/* How to run: threads (0: 1), and for a sharded run either the shard to
 * read (its states saved, no verdict: run_shard.h) or the shards' states to
 * merge (no data read, judged as one run over all the data). */
typedef struct mg_run_mode {
    unsigned threads;
    struct mg_shard_run *shard;
    const struct mg_merge_input *merge;
} mg_run_mode;
mg_run_outcome mg_run_gate_mode(const mg_spec *spec, const mg_run_mode *mode, mg_report *report, mg_error *err);

/* The thread count when none is given: 1 (why: runner.c). */
unsigned mg_run_default_threads(void);

#endif
