/*
 * rank.c - ROC AUC and average precision from tie groups of equal
 * score (the rows are sorted by common/sort_doubles.c).
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
