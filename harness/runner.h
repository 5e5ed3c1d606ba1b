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

/* Runs the gate; the report's facts and results are filled either way. */
mg_run_outcome mg_run_gate(const mg_spec *spec, mg_report *report, mg_error *err);

#endif
