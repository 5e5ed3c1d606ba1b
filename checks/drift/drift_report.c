/*
 * drift_report.c - one compared feature in a drift check's result: its
 * figures as properties "<feature>.<figure>", and for a drifted feature an
 * example (reference vs current summary) and a "<feature>.histogram"
 * property (JSON: bin labels and the two sides' shares) that the HTML
 * report draws.  With a sketched (KLL) side, each statistic's error bound is
 * a property and is named in the example.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "checks/drift/drift_engine.h"
#include "common/xmem.h"

/* Categories drawn for a drifted text feature: the most frequent of each side. */
#define HIST_TOP 6

static void prop(mg_result *res, const char *feature, const char *key, double x)
{
    char name[300];
    snprintf(name, sizeof name, "%s.%s", feature, key);
    mg_result_prop_number(res, name, x);
}

static void prop_text(mg_result *res, const char *feature, const char *key, const char *text)
{
    char name[300];
    snprintf(name, sizeof name, "%s.%s", feature, key);
    mg_result_prop_text(res, name, text);
}

static json_t *shares_json(const double *x, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(round(x[i] * 1e6) / 1e6));
    return a;
}

static void add_category(json_t *labels, json_t *ref, json_t *cur, const mg_freq *rf, const mg_freq *cf,
                         const mg_freq_item *it)
{
    for (size_t i = 0; i < json_array_size(labels); i++)
        if (strcmp(json_string_value(json_array_get(labels, i)), it->text) == 0)
            return;
    json_array_append_new(labels, json_stringn_nocheck(it->text, strnlen(it->text, it->len)));
    double r = rf->total ? (double)mg_freq_count(rf, it->text, it->len) / (double)rf->total : 0.0;
    double k = cf->total ? (double)mg_freq_count(cf, it->text, it->len) / (double)cf->total : 0.0;
    json_array_append_new(ref, json_real(round(r * 1e6) / 1e6));
    json_array_append_new(cur, json_real(round(k * 1e6) / 1e6));
}

static json_t *text_histogram(const mg_dfeat *f)
{
    const mg_freq *rf = mg_dside_freq(&f->ref), *cf = mg_dside_freq(&f->cur);
    json_t *labels = json_array(), *ref = json_array(), *cur = json_array();
    size_t *ro = mg_freq_order(rf), *co = mg_freq_order(cf);
    for (size_t i = 0; i < HIST_TOP && i < rf->nitems; i++)
        add_category(labels, ref, cur, rf, cf, &rf->items[ro[i]]);
    for (size_t i = 0; i < HIST_TOP && i < cf->nitems; i++)
        add_category(labels, ref, cur, rf, cf, &cf->items[co[i]]);
    free(ro);
    free(co);
    return json_pack("{s:o, s:o, s:o}", "labels", labels, "reference", ref, "current", cur);
}

static json_t *number_histogram(const mg_dfigures *g)
{
    json_t *edges = json_array();
    for (size_t i = 0; i + 1 < g->nbins; i++)
        json_array_append_new(edges, json_real(g->edges[i]));
    return json_pack("{s:o, s:o, s:o}", "edges", edges, "reference", shares_json(g->ref_share, g->nbins), "current",
                     shares_json(g->cur_share, g->nbins));
}

static void histogram_prop(mg_result *res, const mg_dfeat *f)
{
    json_t *h = f->fig.is_number ? number_histogram(&f->fig) : text_histogram(f);
    char *text = json_dumps(h, JSON_COMPACT | JSON_REAL_PRECISION(6));
    if (text)
        prop_text(res, f->name, "histogram", text);
    free(text);
    json_decref(h);
}

static void number_props(mg_result *res, const mg_dfeat *f)
{
    const mg_dfigures *g = &f->fig;
    prop(res, f->name, "psi", g->psi);
    prop(res, f->name, "ks_statistic", g->ks_statistic);
    prop(res, f->name, "ks_p_value", g->ks_p_value);
    prop_text(res, f->name, "ks_method", g->ks_exact ? "exact" : "asymptotic");
    prop(res, f->name, "wasserstein", g->wasserstein);
    prop(res, f->name, "reference_mean", g->ref_mean);
    prop(res, f->name, "reference_sd", g->ref_sd);
    prop(res, f->name, "current_mean", g->cur_mean);
    prop(res, f->name, "current_sd", g->cur_sd);
    prop(res, f->name, "bins", (double)g->nbins);
    double er = mg_dside_rank_error(&f->ref), ec = mg_dside_rank_error(&f->cur);
    if (er > 0 || ec > 0) {
        prop(res, f->name, "reference_rank_error", er);
        prop(res, f->name, "current_rank_error", ec);
        prop(res, f->name, "psi_low", g->psi_low);
        prop(res, f->name, "psi_high", g->psi_high);
        prop(res, f->name, "ks_statistic_bound", g->ks_bound);
        prop(res, f->name, "wasserstein_bound", g->wasserstein_bound);
    }
}

static void text_props(mg_result *res, const mg_dfeat *f)
{
    const mg_dfigures *g = &f->fig;
    prop(res, f->name, "jensen_shannon", g->js);
    prop(res, f->name, "chi2", g->chi2);
    prop(res, f->name, "chi2_p_value", g->chi2_p);
    prop(res, f->name, "chi2_dof", g->chi2_dof);
    prop(res, f->name, "psi", g->psi);
    prop(res, f->name, "unseen", (double)g->unseen);
    prop(res, f->name, "unseen_share", g->unseen_share);
    if (!g->ref_freq_complete)
        prop_text(res, f->name, "unseen_note",
                  "the reference's frequencies are not complete: unseen counts values it did not track");
}

static void number_example(mg_check *c, const mg_dfeat *f, const char *verdict)
{
    const mg_dfigures *g = &f->fig;
    char bounds[200] = "";
    double er = mg_dside_rank_error(&f->ref), ec = mg_dside_rank_error(&f->cur);
    if (er > 0 || ec > 0)
        snprintf(bounds, sizeof bounds, "; sketch rank error %.3g%% (reference) %.3g%% (current): psi in [%.4g, %.4g], "
                 "ks D +-%.3g, wasserstein +-%.3g", 100 * er, 100 * ec, g->psi_low, g->psi_high, g->ks_bound,
                 g->wasserstein_bound);
    mg_result_example(c->result, c->env->examples,
                      "%s: %s (psi %.4g, ks D %.4g p %.3g, wasserstein %.4g sd); reference mean %.6g sd %.6g (%llu "
                      "values), current mean %.6g sd %.6g (%llu values)%s",
                      f->name, verdict, g->psi, g->ks_statistic, g->ks_p_value, g->wasserstein, g->ref_mean, g->ref_sd,
                      (unsigned long long)g->n_ref, g->cur_mean, g->cur_sd, (unsigned long long)g->n_cur, bounds);
}

static void text_example(mg_check *c, const mg_dfeat *f, const char *verdict)
{
    const mg_dfigures *g = &f->fig;
    mg_result_example(c->result, c->env->examples,
                      "%s: %s (jensen_shannon %.4g, chi2 p %.3g, unseen %.4g%%); reference %s (%llu values), current "
                      "%s (%llu values)",
                      f->name, verdict, g->js, g->chi2_p, 100 * g->unseen_share, g->top_ref,
                      (unsigned long long)g->n_ref, g->top_cur, (unsigned long long)g->n_cur);
}

void mg_drift_report_feature(mg_check *c, const mg_dfeat *f)
{
    mg_result *res = c->result;
    const mg_dfigures *g = &f->fig;
    int pvalue = f->test == MG_DTEST_KS || f->test == MG_DTEST_CHI2;
    prop_text(res, f->name, "test", mg_dtest_name(f->test));
    prop(res, f->name, "threshold", f->threshold);
    prop(res, f->name, "drifted", f->drifted);
    prop(res, f->name, "reference_values", (double)g->n_ref);
    prop(res, f->name, "current_values", (double)g->n_cur);
    if (g->is_number)
        number_props(res, f);
    else
        text_props(res, f);
    if (!f->drifted)
        return;
    char verdict[160];
    snprintf(verdict, sizeof verdict, "drifted, %s%s %.4g %s %.4g", mg_dtest_name(f->test), pvalue ? " p-value" : "",
             mg_dfigure_of(g, f->test), pvalue ? "<" : ">", f->threshold);
    if (g->is_number)
        number_example(c, f, verdict);
    else
        text_example(c, f, verdict);
    histogram_prop(res, f);
}
