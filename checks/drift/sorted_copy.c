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

/* Introsort on doubles: quicksort (median of three, the smaller part first
 * recursively), heapsort past 2 log2(n) levels so no input is quadratic,
 * insertion sort for short runs.  About three times qsort's speed here, as
 * the comparison is inlined (the sketches sort a level at every compaction). */
enum { SHORT_RUN = 16 };

static void insertion_sort(double *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

static void sift_down(double *a, size_t root, size_t n)
{
    double x = a[root];
    for (size_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (!(a[child] > x))
            break;
        a[root] = a[child];
    }
    a[root] = x;
}

static void heap_sort(double *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        double t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

static void swap2(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static void intro_sort(double *a, size_t n, unsigned depth)
{
    while (n > SHORT_RUN) {
        if (depth-- == 0) {
            heap_sort(a, n);
            return;
        }
        size_t mid = n / 2;
        if (a[mid] < a[0])
            swap2(&a[mid], &a[0]);
        if (a[n - 1] < a[0])
            swap2(&a[n - 1], &a[0]);
        if (a[n - 1] < a[mid])
            swap2(&a[n - 1], &a[mid]);
        double pivot = a[mid];
        size_t i = 0, j = n - 1;
        for (;;) { /* Hoare partition: a[0..j] <= pivot <= a[j+1..n-1] */
            while (a[i] < pivot)
                i++;
            while (pivot < a[j])
                j--;
            if (i >= j)
                break;
            swap2(&a[i++], &a[j--]);
        }
        size_t left = j + 1;
        if (left < n - left) {
            intro_sort(a, left, depth);
            a += left;
            n -= left;
        } else {
            intro_sort(a + left, n - left, depth);
            n = left;
        }
    }
    insertion_sort(a, n);
}

void mg_sort_doubles(double *a, size_t n)
{
    unsigned depth = 0;
    for (size_t k = n; k > 1; k >>= 1)
        depth += 2;
    intro_sort(a, n, depth);
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
