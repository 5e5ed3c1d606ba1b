/*
 * metric_checks.h - registry rows of the accuracy checks.
 */
#ifndef MG_CHECKS_METRIC_CHECKS_H
#define MG_CHECKS_METRIC_CHECKS_H

#include "checks/check.h"

extern const mg_check_def mg_check_metric;
extern const mg_check_def mg_check_all_metrics;
extern const mg_check_def mg_check_champion;

#endif
