/*
 * plot_rows.c - the rows kept for the HTML report's plots (see plot_rows.h
 * for what is kept and what it costs).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/plot_rows.h"
#include "common/xmem.h"

mg_plot_rows *mg_plot_rows_new(const mg_check_env *env, int task, double threshold)
{
    mg_plot_rows *p = mg_xcalloc(1, sizeof *p);
    p->task = task;
    p->k = env->nscores;
    p->threshold = threshold;
    p->rng = 0x6d67617465ULL; /* "mgate": the sample is the same every run */
    p->score_source = mg_xstrdup(env->score_source ? env->score_source : "");
    if (env->has_champion)
        p->champion_source = mg_xstrdup(env->champion_source ? env->champion_source : "");
    if (p->task == MG_TASK_MULTICLASS && p->k >= 2) {
        p->confusion = mg_xcalloc(p->k * p->k, sizeof *p->confusion);
        if (env->class_labels) {
            p->class_names = mg_xcalloc(p->k, sizeof *p->class_names);
            for (size_t i = 0; i < p->k; i++)
                p->class_names[i] = mg_xstrdup(env->class_labels[i] ? env->class_labels[i] : "");
        }
    }
    if (p->task == MG_TASK_REGRESSION) {
        p->target = mg_xcalloc(MG_PLOT_SAMPLE, sizeof *p->target);
        p->prediction = mg_xcalloc(MG_PLOT_SAMPLE, sizeof *p->prediction);
    }
    return p;
}

void mg_plot_rows_free(mg_plot_rows *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->class_names && i < p->k; i++)
        free(p->class_names[i]);
    free(p->class_names);
    free(p->score_source);
    free(p->champion_source);
    free(p->score);
    free(p->champion);
    free(p->label);
    free(p->target);
    free(p->prediction);
    free(p->confusion);
    free(p);
}

static void add_binary(mg_plot_rows *p, int y, double score, const double *champion)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 1024;
        p->score = mg_xrealloc(p->score, p->cap * sizeof *p->score);
        p->label = mg_xrealloc(p->label, p->cap * sizeof *p->label);
        if (p->champion_source)
            p->champion = mg_xrealloc(p->champion, p->cap * sizeof *p->champion);
    }
    p->score[p->n] = score;
    p->label[p->n] = (unsigned char)y;
    if (p->champion_source)
        p->champion[p->n] = champion && isfinite(champion[0]) ? champion[0] : NAN;
    p->n++;
}

/* splitmix64: a small seeded generator for the reservoir sample. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void add_regression(mg_plot_rows *p, double y, double pred)
{
    p->seen++;
    size_t slot = p->nsample;
    if (p->nsample == MG_PLOT_SAMPLE) {
        uint64_t r = next_random(&p->rng) % p->seen; /* Algorithm R */
        if (r >= MG_PLOT_SAMPLE)
            return;
        slot = (size_t)r;
    } else {
        p->nsample++;
    }
    p->target[slot] = y;
    p->prediction[slot] = pred;
}

static void add_multiclass(mg_plot_rows *p, long truth, const double *probs)
{
    size_t best = 0;
    for (size_t j = 1; j < p->k; j++)
        if (probs[j] > probs[best])
            best = j;
    p->confusion[(size_t)truth * p->k + best]++;
}

void mg_plot_rows_add(mg_plot_rows *p, const mg_check_env *env, const mg_row *row, const mg_scored *sc)
{
    long lc = env->role_column[MG_ROLE_LABEL];
    if (!sc->scores || lc < 0 || (size_t)lc >= row->nvalues) {
        p->unusable++;
        return;
    }
    const mg_value *lv = &row->values[lc];
    for (size_t j = 0; j < p->k; j++)
        if (!isfinite(sc->scores[j])) {
            p->unusable++;
            return;
        }
    if (p->task == MG_TASK_REGRESSION) {
        double y;
        if (mg_value_to_double(lv, &y) != 0 || !isfinite(y))
            p->unusable++;
        else
            add_regression(p, y, sc->scores[0]);
        return;
    }
    long c = mg_label_class(env, (mg_model_task)p->task, lv);
    if (c < 0 || (p->task == MG_TASK_MULTICLASS && (size_t)c >= p->k)) {
        p->unusable++;
        return;
    }
    if (p->task == MG_TASK_MULTICLASS && !p->confusion) {
        p->unusable++;
        return;
    }
    if (p->task == MG_TASK_BINARY)
        add_binary(p, (int)c, sc->scores[0], sc->champion);
    else
        add_multiclass(p, c, sc->scores);
}
