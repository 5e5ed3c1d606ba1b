/*
 * plot_rows.h - what the run keeps for the HTML report's plots, fed by the
 * runner with every scored row when the spec asks for an HTML report.
 *
 * Memory, by task:
 *   - binary: every usable row's score, label and (with a champion) the
 *     champion's score: 9 bytes a row, 17 with a champion, up to twice that
 *     while the arrays grow by doubling.  The curves need them all to equal
 *     sklearn's points (one point per distinct score).
 *   - regression: a uniform sample (reservoir, seeded) of MG_PLOT_SAMPLE
 *     (target, prediction) pairs: fixed memory.
 *   - multiclass: the K x K confusion matrix: fixed memory.
 * The report owns it (mg_report.plots) and frees it with the report.
 */
#ifndef MG_CHECKS_PLOT_ROWS_H
#define MG_CHECKS_PLOT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "checks/check.h"

#define MG_PLOT_SAMPLE 2000

typedef struct mg_plot_rows {
    int task;               /* an mg_model_task */
    size_t k;               /* outputs per row (classes for multiclass) */
    char **class_names;     /* multiclass: k names (owned), NULL without */
    char *score_source;     /* "column 'score'", "model 'm.json'" (owned) */
    char *champion_source;  /* NULL without a champion (owned) */
    double threshold;       /* binary decision threshold for the confusion matrix */
    uint64_t unusable;      /* rows without a usable label or score */
    /* binary: all usable rows; champion[i] is NaN when the champion could
     * not score row i */
    double *score, *champion;
    unsigned char *label;
    size_t n, cap;
    /* regression: the sample, and how many rows it was drawn from */
    double *target, *prediction;
    size_t nsample;
    uint64_t seen, rng;
    /* multiclass: confusion[true * k + predicted] */
    uint64_t *confusion;
} mg_plot_rows;

/* A new collector for the run described by env (outputs, class labels,
 * sources; all copied) and task (an mg_model_task: a prediction column
 * leaves env->score_task unset).  threshold: binary decision threshold. */
mg_plot_rows *mg_plot_rows_new(const mg_check_env *env, int task, double threshold);
void mg_plot_rows_free(mg_plot_rows *p); /* NULL is fine */

/* Takes one scored row; rows without a usable label or score are counted
 * in p->unusable and otherwise ignored (the metric checks report them). */
void mg_plot_rows_add(mg_plot_rows *p, const mg_check_env *env, const mg_row *row, const mg_scored *sc);

#endif
