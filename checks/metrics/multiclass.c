/*
 * multiclass.c - multiclass metrics from per-class counters (O(K)
 * memory): accuracy, f1_macro, f1_weighted and log_loss.
 *
 * The predicted class is the first class of highest probability (numpy's
 * argmax).  f1_macro and f1_weighted follow sklearn's f1_score with the
 * default `labels`: the classes that occur as a label or as a prediction;
 * a 0/0 precision or recall is 0 (zero_division=0).
 */
#include <math.h>
#include <string.h>

#include "checks/metrics/internal.h"

void mg_metrics__multiclass_n(mg_metrics *acc, int label, const double *probs, uint64_t count)
{
    size_t best = 0;
    for (size_t j = 1; j < acc->k; j++)
        if (probs[j] > probs[best])
            best = j;
    if (acc->parts & MG_PART_LOGLOSS) {
        double sum = 0.0;
        for (size_t j = 0; j < acc->k; j++) {
            double q = probs[j] < MG_LOGLOSS_EPS ? MG_LOGLOSS_EPS : probs[j];
            if (q > 1.0 - MG_LOGLOSS_EPS)
                q = 1.0 - MG_LOGLOSS_EPS;
            sum += q;
        }
        double q = probs[label] < MG_LOGLOSS_EPS ? MG_LOGLOSS_EPS : probs[label];
        if (q > 1.0 - MG_LOGLOSS_EPS)
            q = 1.0 - MG_LOGLOSS_EPS;
        mg_exact_sum_add(&acc->logloss, (double)count * -log(q / sum));
    }
    acc->true_n[label] += count;
    acc->pred_n[best] += count;
    if (best == (size_t)label) {
        acc->hit[label] += count;
        acc->correct += count;
    }
    acc->n += count;
}

static double class_f1(const mg_metrics *acc, size_t c)
{
    double p = acc->pred_n[c] ? (double)acc->hit[c] / (double)acc->pred_n[c] : 0.0;
    double r = acc->true_n[c] ? (double)acc->hit[c] / (double)acc->true_n[c] : 0.0;
    return p + r == 0.0 ? 0.0 : 2.0 * p * r / (p + r);
}

int mg_metric__multiclass(mg_metrics *acc, const char *name, double *out, mg_error *err)
{
    if (strcmp(name, "accuracy") == 0) {
        *out = (double)acc->correct / (double)acc->n;
    } else if (strcmp(name, "f1_macro") == 0) {
        mg_ksum sum = {0, 0};
        size_t classes = 0;
        for (size_t c = 0; c < acc->k; c++) {
            if (!acc->true_n[c] && !acc->pred_n[c])
                continue;
            mg_ksum_add(&sum, class_f1(acc, c));
            classes++;
        }
        *out = mg_ksum_get(&sum) / (double)classes;
    } else if (strcmp(name, "f1_weighted") == 0) {
        mg_ksum sum = {0, 0};
        for (size_t c = 0; c < acc->k; c++)
            if (acc->true_n[c])
                mg_ksum_add(&sum, class_f1(acc, c) * (double)acc->true_n[c]);
        *out = mg_ksum_get(&sum) / (double)acc->n;
    } else if (strcmp(name, "log_loss") == 0) {
        *out = mg_exact_sum_value(&acc->logloss) / (double)acc->n;
    } else {
        return mg_error_set(err, "unknown multiclass metric '%s'", name);
    }
    return 0;
}
