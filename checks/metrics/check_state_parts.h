/*
 * check_state_parts.h - pieces of the metric checks' states for sharded
 * runs (checks/check.h, save and merge) that several of them keep.
 */
#ifndef MG_CHECKS_METRICS_CHECK_STATE_PARTS_H
#define MG_CHECKS_METRICS_CHECK_STATE_PARTS_H

#include <jansson.h>

#include "checks/check.h"
#include "checks/metrics/metrics.h"

/* The part of the metric and all_metrics checks' states they share: the
 * unusable rows, the labels that could not be read and the accumulator;
 * for a check that could not run (problem set: a merge begun from the same
 * spec has it too), only {"problem": true}.  merge returns 0, 1 when the
 * check could not run (nothing more to merge), or -1 with msg. */
json_t *mg_metric_state_save(const char *problem, uint64_t unusable, const mg_label_sample *labels,
                             const mg_metrics *acc);
int mg_metric_state_merge(const char *problem, uint64_t *unusable, mg_label_sample *labels, mg_metrics *acc,
                          const json_t *state, char *msg, size_t size);

/* The labels a check could not read (in order of appearance, the first
 * MG_LABEL_SAMPLE_MAX distinct ones) as a JSON list, and a later shard's
 * list added after s's own, as one run would have met them.  merge returns
 * 0, or -1 with msg. */
json_t *mg_metric_labels_save(const mg_label_sample *s);
int mg_metric_labels_merge(mg_label_sample *s, const json_t *list, char *msg, size_t size);

/* Adds the count `key` of state to *into: 0, or -1 with msg. */
int mg_metric_add_count(const json_t *state, const char *key, uint64_t *into, char *msg, size_t size);

#endif
