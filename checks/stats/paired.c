/*
 * paired.c - the paired store: every row's identity, label and both
 * models' scores, kept for McNemar and the bootstrap.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/stats/internal.h"
#include "common/xmem.h"

mg_paired *mg_paired_new(mg_model_task task, const mg_metrics_options *opts, mg_error *err)
{
    /* Validate the options the same way the accumulator does. */
    mg_metrics *probe = mg_metrics_new(task, opts, err);
    if (!probe)
        return NULL;
    mg_metrics_free(probe);
    mg_paired *p = mg_xcalloc(1, sizeof *p);
    p->task = task;
    if (opts)
        p->opts = *opts;
    else
        mg_metrics_options_init(&p->opts);
    p->opts.class_names = NULL;
    p->opts.keep_rows = 0;
    p->k = task == MG_TASK_MULTICLASS ? p->opts.nclasses : 1;
    return p;
}

void mg_paired_free(mg_paired *p)
{
    if (!p)
        return;
    free(p->id);
    free(p->bad_why_copy);
    free(p->label8);
    free(p->label32);
    free(p->target);
    free(p->champ);
    free(p->chall);
    free(p);
}

static int reject(mg_paired *p, const char *why)
{
    p->bad++;
    if (p->bad == 1) {
        p->first_bad = p->calls;
        p->bad_why = why;
    }
    return -1;
}

void mg_paired__grow(mg_paired *p)
{
    if (p->n < p->cap)
        return;
    size_t cap = p->cap ? p->cap * 2 : 64;
    if (p->task == MG_TASK_BINARY)
        p->label8 = mg_xrealloc(p->label8, cap * sizeof *p->label8);
    else if (p->task == MG_TASK_MULTICLASS)
        p->label32 = mg_xrealloc(p->label32, cap * sizeof *p->label32);
    else
        p->target = mg_xrealloc(p->target, cap * sizeof *p->target);
    p->id = mg_xrealloc(p->id, cap * sizeof *p->id);
    p->champ = mg_xrealloc(p->champ, cap * p->k * sizeof *p->champ);
    p->chall = mg_xrealloc(p->chall, cap * p->k * sizeof *p->chall);
    p->cap = cap;
}

static const char *bad_value(double v, const char *nan_why, const char *inf_why)
{
    if (isnan(v))
        return nan_why;
    if (!isfinite(v))
        return inf_why;
    return NULL;
}

int mg_paired_add_binary(mg_paired *p, uint64_t id, int label, double champion, double challenger)
{
    p->calls++;
    if (p->task != MG_TASK_BINARY)
        return reject(p, "a binary row was given to a non-binary store");
    if (label != 0 && label != 1)
        return reject(p, "label is not 0 or 1");
    const char *why = bad_value(champion, "champion score is NaN", "champion score is infinite");
    if (!why)
        why = bad_value(challenger, "challenger score is NaN", "challenger score is infinite");
    if (why)
        return reject(p, why);
    mg_paired__grow(p);
    p->id[p->n] = id;
    p->label8[p->n] = (uint8_t)label;
    p->champ[p->n] = champion + 0.0;
    p->chall[p->n] = challenger + 0.0;
    p->n++;
    return 0;
}

int mg_paired_add_multiclass(mg_paired *p, uint64_t id, int label, const double *champion,
                             const double *challenger)
{
    p->calls++;
    if (p->task != MG_TASK_MULTICLASS)
        return reject(p, "a multiclass row was given to a non-multiclass store");
    if (label < 0 || (size_t)label >= p->k)
        return reject(p, "label is not a class number");
    for (size_t j = 0; j < p->k; j++) {
        const char *why = bad_value(champion[j], "champion probability is NaN",
                                    "champion probability is infinite");
        if (!why)
            why = bad_value(challenger[j], "challenger probability is NaN",
                            "challenger probability is infinite");
        if (why)
            return reject(p, why);
    }
    mg_paired__grow(p);
    p->id[p->n] = id;
    p->label32[p->n] = (uint32_t)label;
    memcpy(p->champ + p->n * p->k, champion, p->k * sizeof *champion);
    memcpy(p->chall + p->n * p->k, challenger, p->k * sizeof *challenger);
    p->n++;
    return 0;
}

int mg_paired_add_regression(mg_paired *p, uint64_t id, double target, double champion, double challenger)
{
    p->calls++;
    if (p->task != MG_TASK_REGRESSION)
        return reject(p, "a regression row was given to a non-regression store");
    const char *why = bad_value(target, "target is NaN", "target is infinite");
    if (!why)
        why = bad_value(champion, "champion prediction is NaN", "champion prediction is infinite");
    if (!why)
        why = bad_value(challenger, "challenger prediction is NaN",
                        "challenger prediction is infinite");
    if (why)
        return reject(p, why);
    mg_paired__grow(p);
    p->id[p->n] = id;
    p->target[p->n] = target;
    p->champ[p->n] = champion;
    p->chall[p->n] = challenger;
    p->n++;
    return 0;
}

size_t mg_paired_rows(const mg_paired *p)
{
    return p->n;
}

size_t mg_paired_row_bytes(const mg_paired *p)
{
    size_t label = p->task == MG_TASK_BINARY ? 1 : p->task == MG_TASK_MULTICLASS ? 4 : 8;
    return p->cap * (label + sizeof *p->id + 2 * p->k * sizeof(double));
}

int mg_paired__check(const mg_paired *p, mg_error *err)
{
    if (p->bad)
        return mg_error_set(err, "%llu of %llu paired rows rejected (first: row %llu: %s)",
                            (unsigned long long)p->bad, (unsigned long long)p->calls,
                            (unsigned long long)p->first_bad, p->bad_why);
    if (p->n == 0)
        return mg_error_set(err, "no paired rows: nothing to compare");
    return 0;
}
