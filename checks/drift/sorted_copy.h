/*
 * sorted_copy.h - private to checks/drift/: an ascending copy of a sample,
 * refusing NaN (which has no place in an order).
 */
#ifndef MG_CHECKS_DRIFT_SORTED_COPY_H
#define MG_CHECKS_DRIFT_SORTED_COPY_H

#include <stddef.h>

#include "common/error.h"
#include "common/sort_doubles.h"

/* Sets *out to a new array (caller frees; NULL when n is 0) holding x sorted
 * ascending.  Returns 0, or -1 with err naming the first NaN's position. */
int mg_sorted_copy(const double *x, size_t n, double **out, mg_error *err);

/* qsort comparator for doubles without NaN. */
int mg_double_cmp(const void *a, const void *b);

#endif
