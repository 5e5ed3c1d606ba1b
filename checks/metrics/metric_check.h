/*
 * metric_check.h - private to the `metric` check (metric.c): the
 * validation of its options, in metric_validate.c.
 */
#ifndef MG_CHECKS_METRICS_METRIC_CHECK_H
#define MG_CHECKS_METRICS_METRIC_CHECK_H

#include <jansson.h>
#include <stddef.h>

/* The check's validate handler (checks/check.h): 0, or -1 with *key set to
 * the offending option and msg saying why. */
int mg_metric_check_validate(const json_t *options, const char **key, char *msg, size_t size);

#endif
