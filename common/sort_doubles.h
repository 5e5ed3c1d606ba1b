/*
 * sort_doubles.h - sorting doubles in place, ascending, with the
 * comparison inlined (several times qsort's speed on the hot paths).
 */
#ifndef MG_COMMON_SORT_DOUBLES_H
#define MG_COMMON_SORT_DOUBLES_H

#include <stddef.h>

/* Sorts a[0..n) ascending in place: introsort (quicksort with a three-way
 * partition so heavy ties cost nothing, heapsort past 2 log2(n) levels so
 * no input is quadratic, insertion sort for short runs).  No NaN allowed. */
void mg_sort_doubles(double *a, size_t n);

#endif
