/*
 * run_baseline.h - the runner's use of a baseline file (`mgate baseline`'s
 * output): loading its metrics, and checking it was computed on this data.
 */
#ifndef MG_HARNESS_RUN_BASELINE_H
#define MG_HARNESS_RUN_BASELINE_H

#include <jansson.h>

#include "common/error.h"
#include "harness/spec.h"

/* Loads spec->baseline_path.  Returns the parsed baseline (the caller
 * decrefs) or NULL with err.  The data fingerprint it records is checked by
 * mg_run_check_baseline_data once the data's own is known. */
json_t *mg_run_load_baseline(const mg_spec *spec, mg_error *err);

/* Was the baseline computed on this data?  sha is the data sha256 the
 * baseline records (NULL when it records none).  Returns 0, or -1 with err
 * when it was not and the spec makes that an error (else a warning on
 * stderr). */
int mg_run_check_baseline_data(const mg_spec *spec, const char *sha, const char *data_sha256, mg_error *err);

#endif
