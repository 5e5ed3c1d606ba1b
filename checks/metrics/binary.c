/*
 * binary.c - binary metrics that need O(1) memory: the confusion
 * matrix at the threshold and what follows from it, log loss, Brier score
 * and expected calibration error.
 */
#include <math.h>
#include <string.h>

#include "checks/metrics/internal.h"

/* Per-row log loss exactly as sklearn 1.2 computes it for a 1-D y_pred:
 * clip to [eps, 1-eps], expand to [1-q, q], divide by the row sum, -log. */
static double binary_logloss(int label, double score)
{
    double q = score < MG_LOGLOSS_EPS ? MG_LOGLOSS_EPS : score;
    if (q > 1.0 - MG_LOGLOSS_EPS)
        q = 1.0 - MG_LOGLOSS_EPS;
    double neg = 1.0 - q;
    double sum = neg + q;
    return -log((label ? q : neg) / sum);
}

void mg_metrics__binary_n(mg_metrics *acc, int label, double score, uint64_t count)
{
    int predicted = score >= acc->threshold;
    if (label && predicted)
        acc->tp += count;
    else if (label)
        acc->fn += count;
    else if (predicted)
        acc->fp += count;
    else
        acc->tn += count;
    double w = (double)count;
    if (acc->parts & MG_PART_LOGLOSS)
        mg_exact_sum_add(&acc->logloss, w * binary_logloss(label, score));
    if (acc->parts & MG_PART_BRIER) {
        double d = (double)label - score;
        mg_exact_sum_add(&acc->brier, w * (d * d));
    }
    if (score < 0.0 || score > 1.0) {
        acc->out_of_range += count;
    } else if (acc->parts & MG_PART_ECE) {
        double fb = floor(score * (double)acc->ece_bins);
        unsigned b = fb >= (double)acc->ece_bins ? acc->ece_bins - 1 : (unsigned)fb;
        acc->ece_n[b] += count;
        if (label)
            acc->ece_pos[b] += count;
        mg_exact_sum_add(&acc->ece_score[b], w * score);
    }
    acc->n += count;
}

/* a / b, or 0 when b is 0 (zero_division=0). */
static double ratio0(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static int need_probabilities(const mg_metrics *acc, const char *name, mg_error *err)
{
    if (acc->out_of_range)
        return mg_error_set(err, "'%s' needs probabilities in [0,1] but %llu of %llu scores are outside",
                            name, (unsigned long long)acc->out_of_range,
                            (unsigned long long)acc->n);
    return 0;
}

static double ece_value(const mg_metrics *acc)
{
    mg_ksum total = {0, 0};
    for (unsigned b = 0; b < acc->ece_bins; b++) {
        if (!acc->ece_n[b])
            continue;
        double nb = (double)acc->ece_n[b];
        double gap = fabs((double)acc->ece_pos[b] / nb - mg_exact_sum_value(&acc->ece_score[b]) / nb);
        mg_ksum_add(&total, nb / (double)acc->n * gap);
    }
    return mg_ksum_get(&total);
}

int mg_metric__binary(mg_metrics *acc, const char *name, double *out, mg_error *err)
{
    double n = (double)acc->n;
    if (mg_rank__is_rank_metric(name)) {
        if (!acc->keep_rows)
            return mg_error_set(err, "'%s' needs every row's score but this accumulator keeps none",
                                name);
        if (!acc->pos_sorted) {
            mg_sort_doubles(acc->pos, acc->npos);
            acc->pos_sorted = 1;
        }
        if (!acc->neg_sorted) {
            mg_sort_doubles(acc->neg, acc->nneg);
            acc->neg_sorted = 1;
        }
        /* Merge from the top: both arrays ascending, walk from their ends. */
        mg_rank_sweep r;
        memset(&r, 0, sizeof r);
        size_t i = acc->npos, j = acc->nneg;
        while (i > 0 || j > 0) {
            double v;
            if (i == 0)
                v = acc->neg[j - 1];
            else if (j == 0)
                v = acc->pos[i - 1];
            else
                v = acc->pos[i - 1] > acc->neg[j - 1] ? acc->pos[i - 1] : acc->neg[j - 1];
            uint64_t gp = 0, gn = 0;
            while (i > 0 && acc->pos[i - 1] == v) {
                gp++;
                i--;
            }
            while (j > 0 && acc->neg[j - 1] == v) {
                gn++;
                j--;
            }
            mg_rank_group(&r, gp, gn);
        }
        return mg_rank__finish(&r, name, out, err);
    }
    if (strcmp(name, "accuracy") == 0) {
        *out = (double)(acc->tp + acc->tn) / n;
    } else if (strcmp(name, "balanced_accuracy") == 0) {
        /* Mean recall over the classes that have labelled rows. */
        double sum = 0.0;
        int classes = 0;
        if (acc->tp + acc->fn) {
            sum += (double)acc->tp / (double)(acc->tp + acc->fn);
            classes++;
        }
        if (acc->tn + acc->fp) {
            sum += (double)acc->tn / (double)(acc->tn + acc->fp);
            classes++;
        }
        *out = sum / classes;
    } else if (strcmp(name, "precision") == 0) {
        *out = ratio0(acc->tp, acc->tp + acc->fp);
    } else if (strcmp(name, "recall") == 0) {
        *out = ratio0(acc->tp, acc->tp + acc->fn);
    } else if (strcmp(name, "f1") == 0) {
        double p = ratio0(acc->tp, acc->tp + acc->fp);
        double r = ratio0(acc->tp, acc->tp + acc->fn);
        *out = p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
    } else if (strcmp(name, "log_loss") == 0) {
        *out = mg_exact_sum_value(&acc->logloss) / n;
    } else if (strcmp(name, "brier") == 0) {
        if (need_probabilities(acc, name, err) < 0)
            return -1;
        *out = mg_exact_sum_value(&acc->brier) / n;
    } else if (strcmp(name, "ece") == 0) {
        if (need_probabilities(acc, name, err) < 0)
            return -1;
        *out = ece_value(acc);
    } else {
        return mg_error_set(err, "unknown binary metric '%s'", name);
    }
    return 0;
}
