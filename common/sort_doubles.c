/*
 * sort_doubles.c - the one in-place sort of doubles (see sort_doubles.h):
 * the rank metrics' tie groups, the bootstrap's differences and the drift
 * sketches' compactions all sort with it.
 */
#include "common/sort_doubles.h"

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(double *a, size_t start, size_t n)
{
    size_t root = start;
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && a[child] < a[child + 1])
            child++;
        if (!(a[root] < a[child]))
            return;
        swap_d(&a[root], &a[child]);
        root = child;
    }
}

static void heap_sort(double *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_d(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

static void insertion_sort(double *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

/* Introsort: quicksort with median-of-three and a three-way partition (so
 * heavy ties cost nothing), heapsort when the depth budget runs out. */
static void intro_sort(double *a, size_t n, unsigned depth)
{
    while (n > 24) {
        if (depth == 0) {
            heap_sort(a, n);
            return;
        }
        depth--;
        double x = a[0], y = a[n / 2], z = a[n - 1];
        double pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        /* Dutch flag: [0,lt) < pivot, [lt,i) == pivot, (gt,n) > pivot. */
        size_t lt = 0, i = 0, gt = n;
        while (i < gt) {
            if (a[i] < pivot)
                swap_d(&a[lt++], &a[i++]);
            else if (a[i] > pivot)
                swap_d(&a[i], &a[--gt]);
            else
                i++;
        }
        /* Recurse on the smaller side, loop on the larger. */
        if (lt < n - gt) {
            intro_sort(a, lt, depth);
            a += gt;
            n -= gt;
        } else {
            intro_sort(a + gt, n - gt, depth);
            n = lt;
        }
    }
    insertion_sort(a, n);
}

void mg_sort_doubles(double *a, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    intro_sort(a, n, depth);
}
