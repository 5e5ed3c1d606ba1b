/*
 * run_threads.h - a run on several cores as in-process shards merged
 * exactly (run_threads.c).
 */
#ifndef MG_HARNESS_RUN_THREADS_H
#define MG_HARNESS_RUN_THREADS_H

#include "harness/runner.h"

/* Runs the gate as `threads` shards on as many threads and merges them
 * into report.  Returns 0 with *outcome set, or -1 when the run cannot be
 * split that way (the report untouched): then run it in one pass. */
int mg_run_split(const mg_spec *spec, unsigned threads, mg_report *report, mg_error *err, mg_run_outcome *outcome);

#endif
