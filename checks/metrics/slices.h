/*
 * slices.h - a metric per slice of the data: per value of a
 * categorical column, or per bin of a numeric one.  Used by the metric
 * check; each slice becomes a testcase of its own.
 */
#ifndef MG_CHECKS_METRIC_SLICES_H
#define MG_CHECKS_METRIC_SLICES_H

#include "checks/check.h"
#include "checks/metrics/metrics.h"

typedef struct mg_slices mg_slices;

/* Reads the check's slice options (slice_by, slice_bins, min_slice_size,
 * slice_min, slice_max, max_slices).  Returns NULL when the check has no slice_by, or
 * NULL with *problem set (caller frees) when the column is not in the data. */
mg_slices *mg_slices_new(const mg_check *c, mg_model_task task, const mg_metrics_options *o, char **problem);
void mg_slices_free(mg_slices *s);

/* The accumulator of the row's slice (created on first use), or NULL when
 * there are too many slices or a binned column's value is not a number
 * (both counted, and reported as an error result).  A missing value is the
 * slice "(missing)". */
mg_metrics *mg_slices_for_row(mg_slices *s, const mg_row *row);

/* Computes the metric per slice and adds one result per slice to the
 * report, judged against the slice bounds; returns how many failed.  When
 * the column had more distinct values than max_slices, adds instead one
 * error result naming the column, the count and the option. */
size_t mg_slices_report(mg_slices *s, const mg_check *c, const char *metric);

/* Sharded runs: the slices' state (each slice's accumulator, the values
 * past max_slices by fingerprint, the rows whose binned value is not a
 * number), and a shard's state added to s (shards in data order).  merge
 * returns 0, or -1 with msg. */
json_t *mg_slices_save(const mg_slices *s);
int mg_slices_merge(mg_slices *s, const json_t *state, char *msg, size_t size);

#endif
