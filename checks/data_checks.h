/*
 * data_checks.h - the registry rows of the data-handling checks, each
 * defined in its own checks/data_<name>.c.
 */
#ifndef MG_CHECKS_DATA_CHECKS_H
#define MG_CHECKS_DATA_CHECKS_H

#include <stdio.h>

#include "checks/check.h"

extern const mg_check_def mg_check_missing;
extern const mg_check_def mg_check_types;
extern const mg_check_def mg_check_ranges;
extern const mg_check_def mg_check_limits;
extern const mg_check_def mg_check_format;
extern const mg_check_def mg_check_order;
extern const mg_check_def mg_check_duplicates;

#endif
