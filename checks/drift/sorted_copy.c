/*
 * sorted_copy.c - an ascending copy of a sample (see sorted_copy.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/sorted_copy.h"
#include "common/xmem.h"

int mg_double_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int mg_sorted_copy(const double *x, size_t n, double **out, mg_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i]))
            return mg_error_set(err, "value %zu of %zu is NaN, which has no place in an order",
                                i + 1, n);
    if (n == 0)
        return 0;
    double *s = mg_xmalloc(n * sizeof *s);
    memcpy(s, x, n * sizeof *s);
    mg_sort_doubles(s, n);
    *out = s;
    return 0;
}
