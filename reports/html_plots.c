/*
 * html_plots.c - the binary classifier's curves (ROC, precision-recall,
 * reliability) and the Plots section's dispatch; the other plots are in
 * html_plots_misc.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/curves.h"
#include "checks/plot_rows.h"
#include "common/xmem.h"
#include "reports/html_plots.h"
#include "reports/html_plots_misc.h"
#include "reports/html_svg.h"

#define ECE_BINS 10

/* One model's rows: the candidate's, or the champion's where it scored. */
typedef struct model_rows {
    const char *name;
    const char *color;
    double *score;
    unsigned char *label;
    size_t n;
} model_rows;

static mg_frame unit_frame(void)
{
    mg_frame f = {0, 1, 0, 1, 330, 300, 42, 12, 10, 36};
    return f;
}

static void write_curve(mg_html *h, const mg_frame *f, const mg_curve *c, const char *color)
{
    mg_svg_curve(h, f, c->x, c->y, c->n, color, NULL);
}

/* The trapezoid area under the unthinned ROC points (= roc_auc). */
static double curve_auc(const mg_curve *c)
{
    double a = 0;
    for (size_t i = 1; i < c->n; i++)
        a += (c->x[i] - c->x[i - 1]) * (c->y[i] + c->y[i - 1]) / 2;
    return a;
}

/* sklearn's average precision from its PR points: -sum diff(recall) * precision[:-1]. */
static double curve_ap(const mg_curve *c)
{
    double ap = 0;
    for (size_t i = 0; i + 1 < c->n; i++)
        ap += (c->x[i] - c->x[i + 1]) * c->y[i];
    return ap;
}

/* ECE as the metric "ece" defines it (checks/metrics.h): bin of p =
 * min(floor(p * bins), bins - 1). */
static double rows_ece(const model_rows *m)
{
    double sum_p[ECE_BINS] = {0}, pos[ECE_BINS] = {0}, n[ECE_BINS] = {0}, ece = 0;
    for (size_t i = 0; i < m->n; i++) {
        int b = (int)floor(m->score[i] * ECE_BINS);
        b = b < 0 ? 0 : b >= ECE_BINS ? ECE_BINS - 1 : b;
        sum_p[b] += m->score[i];
        pos[b] += m->label[i];
        n[b]++;
    }
    for (int b = 0; b < ECE_BINS; b++)
        if (n[b] > 0)
            ece += n[b] / (double)m->n * fabs(pos[b] / n[b] - sum_p[b] / n[b]);
    return ece;
}

/* A curve plot: ROC or precision-recall, one curve per model with its
 * area in the legend. */
typedef struct curve_plot {
    const char *id, *title, *x_axis, *y_axis;
    int diagonal;       /* draw the chance line */
    mg_corner legend_at;
    int (*curve)(const double *score, const unsigned char *label, size_t n, mg_curve *out, mg_error *err);
    double (*area)(const mg_curve *c);
    const char *area_name, *cannot; /* "AUC"; why a curve cannot be drawn */
} curve_plot;

static void plot_curves(mg_html *h, const curve_plot *p, const model_rows *models, size_t nmodels)
{
    mg_frame f = unit_frame();
    mg_svg_figure_begin(h, p->id, p->title, f.width, f.height);
    mg_svg_axes(h, &f, 5, p->x_axis, p->y_axis);
    if (p->diagonal)
        mg_svg_line(h, &f, 0, 0, 1, 1, MG_SVG_GREY, "4 4");
    for (size_t m = 0; m < nmodels; m++) {
        mg_curve c;
        char text[120], num[40];
        if (p->curve(models[m].score, models[m].label, models[m].n, &c, NULL) != 0) {
            snprintf(text, sizeof text, "%s: %s", models[m].name, p->cannot);
        } else {
            write_curve(h, &f, &c, models[m].color);
            snprintf(text, sizeof text, "%s %s %s", models[m].name, p->area_name, mg_html_num(p->area(&c), num));
        }
        mg_svg_legend(h, &f, (int)(nmodels - 1 - m), p->legend_at, models[m].color, text);
        mg_curve_free(&c);
    }
    mg_svg_figure_end(h);
}

static const curve_plot roc_plot = {"plot-roc", "ROC curve", "false positive rate", "true positive rate", 1,
                                    MG_CORNER_LOWER_RIGHT, mg_curve_roc, curve_auc, "AUC", "needs both classes"};
static const curve_plot pr_plot = {"plot-pr", "Precision-recall curve", "recall", "precision", 0,
                                   MG_CORNER_LOWER_LEFT, mg_curve_pr, curve_ap, "AP", "no positive rows"};

static void plot_calibration(mg_html *h, const model_rows *models, size_t nmodels)
{
    mg_frame f = unit_frame();
    mg_svg_figure_begin(h, "plot-calibration", "Reliability diagram (10 bins)", f.width, f.height);
    mg_svg_axes(h, &f, 5, "mean predicted probability", "fraction of positives");
    mg_svg_line(h, &f, 0, 0, 1, 1, MG_SVG_GREY, "4 4");
    for (size_t m = 0; m < nmodels; m++) {
        mg_curve c;
        char text[120], num[40];
        if (mg_curve_calibration(models[m].score, models[m].label, models[m].n, ECE_BINS, &c, NULL) != 0) {
            snprintf(text, sizeof text, "%s: scores outside [0, 1]", models[m].name);
        } else {
            write_curve(h, &f, &c, models[m].color);
            for (size_t i = 0; i < c.n; i++)
                mg_svg_dot(h, &f, c.x[i], c.y[i], 3, models[m].color);
            snprintf(text, sizeof text, "%s ECE %s", models[m].name, mg_html_num(rows_ece(&models[m]), num));
        }
        mg_svg_legend(h, &f, (int)(nmodels - 1 - m), MG_CORNER_LOWER_RIGHT, models[m].color, text);
        mg_curve_free(&c);
    }
    mg_svg_figure_end(h);
}

/* The champion's rows: those it scored (its score is not NaN). */
static model_rows champion_rows(const mg_plot_rows *p)
{
    model_rows m = {"champion", MG_SVG_ORANGE, NULL, NULL, 0};
    m.score = mg_xcalloc(p->n + 1, sizeof *m.score);
    m.label = mg_xcalloc(p->n + 1, 1);
    for (size_t i = 0; i < p->n; i++)
        if (!isnan(p->champion[i])) {
            m.score[m.n] = p->champion[i];
            m.label[m.n++] = p->label[i];
        }
    return m;
}

static void plots_binary(mg_html *h, const mg_plot_rows *p)
{
    model_rows models[2] = {{"candidate", MG_SVG_BLUE, p->score, p->label, p->n}};
    size_t nmodels = 1;
    if (p->champion_source)
        models[nmodels++] = champion_rows(p);
    plot_curves(h, &roc_plot, models, nmodels);
    plot_curves(h, &pr_plot, models, nmodels);
    plot_calibration(h, models, nmodels);
    mg_html_plot_confusion_binary(h, p);
    mg_html_plot_histograms(h, p);
    if (nmodels == 2) {
        free(models[1].score);
        free(models[1].label);
    }
}

void mg_html_plots(mg_html *h, const mg_report *r)
{
    const mg_plot_rows *p = r->plots;
    int has_rows = p && (p->n || p->nsample || p->confusion);
    int slices = mg_html_has_slices(r);
    if (!has_rows && !slices)
        return;
    mg_html_elem(h, "h2", NULL, "Plots");
    if (p && p->unusable)
        mg_html_elem(h, "p", NULL, "rows without a usable label or score are left out of the plots");
    mg_html_open(h, "div");
    mg_html_attr(h, "class", "plots");
    if (p && p->task == MG_TASK_BINARY && p->n)
        plots_binary(h, p);
    else if (p && p->task == MG_TASK_REGRESSION && p->nsample)
        mg_html_plot_regression(h, p);
    else if (p && p->task == MG_TASK_MULTICLASS && p->confusion)
        mg_html_plot_confusion_multiclass(h, p);
    mg_html_plot_slices(h, r);
    mg_html_close(h);
}
