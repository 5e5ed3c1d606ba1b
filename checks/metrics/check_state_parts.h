/*
 * check_state_parts.h - pieces of the metric checks' states for sharded
 * runs (checks/check.h, save and merge) that several of them keep.
 */
#ifndef MG_CHECKS_METRICS_CHECK_STATE_PARTS_H
#define MG_CHECKS_METRICS_CHECK_STATE_PARTS_H

#include <jansson.h>

#include "checks/check.h"

/* The labels a check could not read (in order of appearance, the first
 * MG_LABEL_SAMPLE_MAX distinct ones) as a JSON list, and a later shard's
 * list added after s's own, as one run would have met them.  merge returns
 * 0, or -1 with msg. */
json_t *mg_metric_labels_save(const mg_label_sample *s);
int mg_metric_labels_merge(mg_label_sample *s, const json_t *list, char *msg, size_t size);

/* Adds the count `key` of state to *into: 0, or -1 with msg. */
int mg_metric_add_count(const json_t *state, const char *key, uint64_t *into, char *msg, size_t size);

#endif
