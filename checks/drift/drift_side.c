/*
 * drift_side.c - a side of a drift comparison (what it keeps: drift_side.h)
 * and the drift tests' names.  The comparison itself: drift_compare.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_side.h"
#include "common/xmem.h"

void mg_dside_init_number(mg_dside *s, int keep_values)
{
    memset(s, 0, sizeof *s);
    s->is_number = 1;
    s->keep_values = keep_values;
    mg_moments_init(&s->moments);
    mg_xmoments_init(&s->exact);
    if (!keep_values) {
        mg_qsketch_init(&s->own_sketch, MG_QSKETCH_K);
        mg_tsketch_init(&s->own_tree);
    }
}

void mg_dside_init_text(mg_dside *s)
{
    memset(s, 0, sizeof *s);
    mg_freq_init(&s->own_freq);
}

void mg_dside_from_profile_number(mg_dside *s, const mg_moments *m, const mg_qsketch *sk)
{
    memset(s, 0, sizeof *s);
    s->is_number = 1;
    s->moments = *m;
    s->borrowed_sketch = sk;
}

void mg_dside_from_profile_text(mg_dside *s, const mg_freq *f)
{
    memset(s, 0, sizeof *s);
    s->borrowed_freq = f;
}

void mg_dside_free(mg_dside *s)
{
    free(s->values);
    if (!s->borrowed_sketch) {
        mg_qsketch_free(&s->own_sketch);
        mg_tsketch_free(&s->own_tree);
    }
    if (!s->borrowed_freq)
        mg_freq_free(&s->own_freq);
    memset(s, 0, sizeof *s);
}

void mg_dside_add_number(mg_dside *s, double x)
{
    mg_dside_add_number_at(s, s->exact.count, x);
}

void mg_dside_add_number_at(mg_dside *s, uint64_t line, double x)
{
    if (x == 0.0)
        x = 0.0; /* -0.0: which zero came first must not matter (min, max, sorted edges) */
    mg_xmoments_add(&s->exact, x);
    if (s->keep_values) {
        s->values = mg_xgrow(s->values, &s->cap, s->nvalues + 1, sizeof *s->values);
        s->values[s->nvalues++] = x;
    } else {
        mg_tsketch_add(&s->own_tree, line, x);
    }
}

void mg_dside_add_text(mg_dside *s, const char *text, size_t len)
{
    mg_freq_add(&s->own_freq, text, len, 1);
}

void mg_dside_settle(mg_dside *s)
{
    if (!s->is_number || s->borrowed_sketch)
        return;
    mg_xmoments_get(&s->exact, &s->moments);
    if (!s->keep_values) {
        mg_qsketch_free(&s->own_sketch);
        mg_tsketch_result(&s->own_tree, &s->own_sketch);
    }
}

const mg_qsketch *mg_dside_sketch(const mg_dside *s)
{
    return s->borrowed_sketch ? s->borrowed_sketch : &s->own_sketch;
}

const mg_freq *mg_dside_freq(const mg_dside *s)
{
    return s->borrowed_freq ? s->borrowed_freq : &s->own_freq;
}

uint64_t mg_dside_count(const mg_dside *s)
{
    if (!s->is_number)
        return mg_dside_freq(s)->total;
    if (s->keep_values)
        return s->nvalues;
    return s->borrowed_sketch ? s->borrowed_sketch->n : s->own_tree.n;
}

double mg_dside_rank_error(const mg_dside *s)
{
    return s->is_number && !s->keep_values ? mg_qsketch_rank_error(mg_dside_sketch(s)) : 0.0;
}

static const char *const test_names[MG_DTEST_COUNT] = {
    [MG_DTEST_PSI] = "psi",       [MG_DTEST_KS] = "ks",     [MG_DTEST_WASSERSTEIN] = "wasserstein",
    [MG_DTEST_JS] = "jensen_shannon", [MG_DTEST_CHI2] = "chi2", [MG_DTEST_UNSEEN] = "unseen",
};

const char *mg_dtest_name(mg_dtest t)
{
    return t < MG_DTEST_COUNT ? test_names[t] : "?";
}

int mg_dtest_parse(const char *name, mg_dtest *t)
{
    for (int i = 0; i < MG_DTEST_COUNT; i++)
        if (strcmp(name, test_names[i]) == 0) {
            *t = (mg_dtest)i;
            return 0;
        }
    return -1;
}

int mg_dtest_for_numbers(mg_dtest t)
{
    return t == MG_DTEST_PSI || t == MG_DTEST_KS || t == MG_DTEST_WASSERSTEIN;
}

double mg_dfigure_of(const mg_dfigures *f, mg_dtest t)
{
    switch (t) {
    case MG_DTEST_PSI: return f->psi;
    case MG_DTEST_KS: return f->ks_p_value;
    case MG_DTEST_WASSERSTEIN: return f->wasserstein;
    case MG_DTEST_JS: return f->js;
    case MG_DTEST_CHI2: return f->chi2_p;
    case MG_DTEST_UNSEEN: return f->unseen_share;
    default: return NAN;
    }
}

int mg_drifted(const mg_dfigures *f, mg_dtest t, double threshold)
{
    double x = mg_dfigure_of(f, t);
    /* KS and chi-square are tests: a p-value below the threshold drifts */
    if (t == MG_DTEST_KS || t == MG_DTEST_CHI2)
        return x < threshold;
    return x > threshold;
}
