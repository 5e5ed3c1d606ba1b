/*
 * init_spec.h - the JSON of the starter spec `mgate init` writes, built
 * from a data profile (harness/init_profile.h) and the observed metrics.
 * The rules are documented in docs/init.md.
 *
 * Ownership: functions returning json_t* return a new reference; the caller
 * decrefs it.  Returned strings are malloc'd; the caller frees them.
 */
#ifndef MG_HARNESS_INIT_SPEC_H
#define MG_HARNESS_INIT_SPEC_H

#include <jansson.h>

#include "harness/init_profile.h"
#include "score/model.h"

#define MG_INIT_METRIC_MARGIN 0.02   /* floors: observed minus this; also the max_drop */
#define MG_INIT_ERROR_SHARE 0.05     /* ceilings: observed plus this share (plus 0.001); also max_increase */

/* The schema rule object of one column. */
json_t *mg_init_field_json(const mg_col_profile *c, const mg_col_rules *r, int is_label);

/* The floor written for a higher-is-better metric observed at v: v - 0.02,
 * rounded down to 3 decimals, not below 0 when the metric is within [0, 1]. */
double mg_init_metric_floor(double v, int bounded);

/* The ceiling written for a lower-is-better metric observed at v:
 * v * 1.05 + 0.001, rounded up to 4 significant digits. */
double mg_init_metric_ceiling(double v);

/* Appends the metric checks of the task to `checks`, one per main metric
 * found in `metrics` (an object name -> value).  Returns how many. */
size_t mg_init_add_metric_checks(json_t *checks, const json_t *metrics, mg_model_task task);

/* Epoch seconds as RFC 3339 UTC ("2026-01-01T00:00:00Z") into buf. */
void mg_init_rfc3339(double epoch, char *buf, size_t size);

/* target as a path relative to the folder from_dir; both absolute and
 * free of "." and ".." (as realpath gives them). */
char *mg_init_relative_path(const char *from_dir, const char *target);

#endif
