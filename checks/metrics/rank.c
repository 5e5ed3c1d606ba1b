/*
 * rank.c - ROC AUC and average precision from tie groups of equal
 * score, and the in-place sort that produces the groups.
 *
 * roc_auc equals sklearn's roc_auc_score: the trapezoid area under the ROC
 * curve whose points are the distinct scores, which is the Mann-Whitney
 * statistic with tied (positive, negative) pairs counted one half.  It is
 * computed exactly in integers (u2 = twice the count) and divided once.
 *
 * average_precision equals sklearn's average_precision_score: the step sum
 * over distinct scores, high to low, of (R_k - R_{k-1}) * P_k where P_k and
 * R_k are precision and recall when everything scoring >= the k-th distinct
 * score is predicted positive (a tie group enters as one step).
 */
#include <string.h>

#include "checks/metrics/internal.h"

int mg_rank__is_rank_metric(const char *name)
{
    return strcmp(name, "roc_auc") == 0 || strcmp(name, "average_precision") == 0;
}

int mg_rank__finish(const mg_rank_sweep *r, const char *name, double *out, mg_error *err)
{
    uint64_t pos = r->tp, neg = r->fp;
    if (strcmp(name, "roc_auc") == 0) {
        if (pos == 0 || neg == 0)
            return mg_error_set(err, "'roc_auc' is undefined when only one class is present "
                                     "(%llu rows, all labelled %d)",
                                (unsigned long long)(pos + neg), pos ? 1 : 0);
        *out = (double)r->u2 / (2.0 * (double)pos * (double)neg);
        return 0;
    }
    if (strcmp(name, "average_precision") == 0) {
        if (pos == 0)
            return mg_error_set(err, "'average_precision' is undefined with no positive rows "
                                     "(%llu rows, all labelled 0)",
                                (unsigned long long)neg);
        *out = mg_ksum_get(&r->ap) / (double)pos;
        return 0;
    }
    return mg_error_set(err, "'%s' is not a rank metric", name);
}

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

void mg_rank__sort_doubles(double *a, size_t n)
{
    unsigned depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    intro_sort(a, n, depth);
}
