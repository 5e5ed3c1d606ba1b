/*
 * gate_run.h - runs a gate spec file through the real loader and runner, for
 * unit tests of checks.  Failures to load or run fail the calling test.
 */
#ifndef MG_TESTS_GATE_RUN_H
#define MG_TESTS_GATE_RUN_H

#include "checks/result.h"
#include "harness/spec.h"

typedef struct tu_gate {
    mg_spec *spec;
    mg_report *report;
} tu_gate;

tu_gate tu_gate_run(const char *spec_path);
void tu_gate_free(tu_gate *g);
/* The first result whose name (by_check 0) or check type (by_check 1) is key. */
const mg_result *tu_result(const tu_gate *g, const char *key, int by_check);
/* A numeric property of a result. */
double tu_prop(const mg_result *res, const char *key);

#endif
