/*
 * html_plots_misc.c - confusion matrices, score histograms, regression
 * scatter plots and per-slice bars for the HTML report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"
#include "reports/html_plots_misc.h"
#include "reports/html_svg.h"

#define HIST_BINS 20
#define MATRIX_MAX 30  /* classes drawn in a multiclass matrix */
#define SLICES_MAX 40  /* slices drawn per sliced check */

/* A k x k matrix of counts, rows the true class; shading by row share. */
static void matrix(mg_html *h, const char *id, const char *caption, size_t k, const char *const *names,
                   const uint64_t *count)
{
    double cell = k <= 2 ? 80 : k <= 10 ? 40 : 24, left = 70, top = 30;
    double width = left + cell * (double)k + 20, height = top + cell * (double)k + 40;
    width = width < 280 ? 280 : width;
    mg_svg_figure_begin(h, id, caption, width, height);
    mg_frame f = {0, 1, 0, 1, width, height, left, 20, top, 40};
    for (size_t t = 0; t < k; t++) {
        uint64_t row = 0;
        for (size_t q = 0; q < k; q++)
            row += count[t * k + q];
        mg_svg_text(h, left - 6, top + cell * ((double)t + 0.5) + 4, "end", names[t]);
        for (size_t q = 0; q < k; q++) {
            double share = row ? (double)count[t * k + q] / (double)row : 0;
            char op[40], num[40];
            mg_html_num(0.05 + 0.6 * share, op);
            mg_svg_rect(h, left + cell * (double)q, top + cell * (double)t, cell - 2, cell - 2,
                        t == q ? MG_SVG_BLUE : MG_SVG_RED, op);
            if (cell >= 40)
                mg_svg_text(h, left + cell * ((double)q + 0.5), top + cell * ((double)t + 0.5) + 4, "middle",
                            mg_html_num((double)count[t * k + q], num));
        }
    }
    for (size_t q = 0; q < k; q++)
        mg_svg_text(h, left + cell * ((double)q + 0.5), top - 6, "middle", names[q]);
    mg_svg_text(h, left + cell * (double)k / 2, height - 14, "middle", "columns: predicted, rows: true class");
    (void)f;
    mg_svg_figure_end(h);
}

void mg_html_plot_confusion_binary(mg_html *h, const mg_plot_rows *p)
{
    uint64_t count[4] = {0}; /* tn fp / fn tp */
    for (size_t i = 0; i < p->n; i++)
        count[p->label[i] * 2 + (p->score[i] >= p->threshold)]++;
    static const char *const names[] = {"0", "1"};
    char caption[120], num[40];
    snprintf(caption, sizeof caption, "Confusion matrix at threshold %s", mg_html_num(p->threshold, num));
    matrix(h, "plot-confusion", caption, 2, names, count);
}

void mg_html_plot_confusion_multiclass(mg_html *h, const mg_plot_rows *p)
{
    size_t k = p->k < MATRIX_MAX ? p->k : MATRIX_MAX;
    char **names = mg_xcalloc(k, sizeof *names);
    uint64_t *count = mg_xcalloc(k * k, sizeof *count);
    for (size_t t = 0; t < k; t++) {
        names[t] = mg_xstrdup(p->class_names ? p->class_names[t] : "");
        if (!p->class_names) {
            free(names[t]);
            names[t] = mg_xcalloc(24, 1);
            snprintf(names[t], 24, "%zu", t);
        }
        for (size_t q = 0; q < k; q++)
            count[t * k + q] = p->confusion[t * p->k + q];
    }
    char caption[120];
    snprintf(caption, sizeof caption, "Confusion matrix (argmax)%s", k < p->k ? ", first 30 classes" : "");
    matrix(h, "plot-confusion", caption, k, (const char *const *)names, count);
    for (size_t t = 0; t < k; t++)
        free(names[t]);
    free(names);
    free(count);
}

void mg_html_plot_histograms(mg_html *h, const mg_plot_rows *p)
{
    double lo = 0, hi = 1;
    for (size_t i = 0; i < p->n; i++) {
        lo = p->score[i] < lo ? p->score[i] : lo;
        hi = p->score[i] > hi ? p->score[i] : hi;
    }
    double frac[2][HIST_BINS] = {{0}}, total[2] = {0}, top = 0;
    for (size_t i = 0; i < p->n; i++) {
        int b = (int)((p->score[i] - lo) / (hi - lo) * HIST_BINS);
        b = b >= HIST_BINS ? HIST_BINS - 1 : b;
        frac[p->label[i]][b]++;
        total[p->label[i]]++;
    }
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < HIST_BINS; b++) {
            frac[c][b] = total[c] ? frac[c][b] / total[c] : 0;
            top = frac[c][b] > top ? frac[c][b] : top;
        }
    top = top > 0 ? ceil(top * 20) / 20 : 1; /* a multiple of 0.05: round ticks */
    mg_frame f = {lo, hi, 0, top, 330, 300, 42, 12, 10, 36};
    mg_svg_figure_begin(h, "plot-histogram", "Score histograms per class", f.width, f.height);
    mg_svg_axes(h, &f, 5, "score", "share of the class's rows");
    static const char *const color[2] = {MG_SVG_BLUE, MG_SVG_ORANGE};
    for (int c = 0; c < 2; c++)
        for (int b = 0; b < HIST_BINS; b++) {
            double x0 = lo + (hi - lo) * b / HIST_BINS, x1 = lo + (hi - lo) * (b + 1) / HIST_BINS;
            double px = mg_frame_x(&f, x0), py = mg_frame_y(&f, frac[c][b]);
            mg_svg_rect(h, px, py, mg_frame_x(&f, x1) - px - 1, mg_frame_y(&f, 0) - py, color[c], "0.5");
        }
    char text[80];
    snprintf(text, sizeof text, "label 0 (%.0f rows)", total[0]);
    mg_svg_legend(h, &f, 1, MG_CORNER_UPPER_LEFT, "#0969da", text);
    snprintf(text, sizeof text, "label 1 (%.0f rows)", total[1]);
    mg_svg_legend(h, &f, 0, MG_CORNER_UPPER_LEFT, "#bc4c00", text);
    mg_svg_figure_end(h);
}

static void range(const double *v, size_t n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        *lo = v[i] < *lo ? v[i] : *lo;
        *hi = v[i] > *hi ? v[i] : *hi;
    }
}

void mg_html_plot_regression(mg_html *h, const mg_plot_rows *p)
{
    double lo, hi, plo, phi, rlo = INFINITY, rhi = -INFINITY;
    range(p->target, p->nsample, &lo, &hi);
    range(p->prediction, p->nsample, &plo, &phi);
    lo = plo < lo ? plo : lo;
    hi = phi > hi ? phi : hi;
    for (size_t i = 0; i < p->nsample; i++) {
        double r = p->target[i] - p->prediction[i];
        rlo = r < rlo ? r : rlo;
        rhi = r > rhi ? r : rhi;
    }
    char caption[160];
    snprintf(caption, sizeof caption, "Predicted vs actual (%zu of %llu rows, uniform sample)", p->nsample,
             (unsigned long long)p->seen);
    mg_frame f = {lo, hi, lo, hi, 360, 320, 60, 12, 10, 36};
    mg_svg_figure_begin(h, "plot-predicted-actual", caption, f.width, f.height);
    mg_svg_axes(h, &f, 4, "actual", "predicted");
    mg_svg_line(h, &f, lo, lo, hi, hi, MG_SVG_GREY, "4 4");
    for (size_t i = 0; i < p->nsample; i++)
        mg_svg_dot(h, &f, p->target[i], p->prediction[i], 2, MG_SVG_BLUE);
    mg_svg_figure_end(h);

    snprintf(caption, sizeof caption, "Residuals, actual - predicted (%zu of %llu rows)", p->nsample,
             (unsigned long long)p->seen);
    double span = fabs(rlo) > fabs(rhi) ? fabs(rlo) : fabs(rhi);
    mg_frame g = {plo, phi, -span, span, 360, 320, 60, 12, 10, 36};
    mg_svg_figure_begin(h, "plot-residuals", caption, g.width, g.height);
    mg_svg_axes(h, &g, 4, "predicted", "residual");
    mg_svg_line(h, &g, plo, 0, phi, 0, MG_SVG_GREY, "4 4");
    for (size_t i = 0; i < p->nsample; i++)
        mg_svg_dot(h, &g, p->prediction[i], p->target[i] - p->prediction[i], 2, MG_SVG_BLUE);
    mg_svg_figure_end(h);
}

static int is_slice(const mg_result *res)
{
    return strcmp(res->check, "metric_slice") == 0 && mg_result_prop(res, "slice");
}

int mg_html_has_slices(const mg_report *r)
{
    for (size_t i = 0; i < r->nresults; i++)
        if (is_slice(r->results[i]))
            return 1;
    return 0;
}

static double num_prop(const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    return p && p->is_number ? p->number : NAN;
}

/* The parent check's name: the slice result's name up to " [". */
static size_t parent_len(const mg_result *res)
{
    const char *b = strstr(res->name, " [");
    return b ? (size_t)(b - res->name) : strlen(res->name);
}

static void slice_bars(mg_html *h, const mg_report *r, size_t first, size_t figure)
{
    const mg_result *head = r->results[first];
    size_t plen = parent_len(head), n = 0;
    double lo = 0, hi = 0, bmin = num_prop(head, "min"), bmax = num_prop(head, "max");
    const mg_result *rows[SLICES_MAX];
    for (size_t i = first; i < r->nresults && n < SLICES_MAX; i++) {
        const mg_result *res = r->results[i];
        if (!is_slice(res) || parent_len(res) != plen || strncmp(res->name, head->name, plen) != 0)
            continue;
        rows[n++] = res;
        double v = num_prop(res, "value");
        hi = isfinite(v) && v > hi ? v : hi;
        lo = isfinite(v) && v < lo ? v : lo;
    }
    hi = isfinite(bmax) && bmax > hi ? bmax : hi;
    hi = isfinite(bmin) && bmin > hi ? bmin : hi;
    char id[40], caption[300];
    snprintf(id, sizeof id, "plot-slices-%zu", figure);
    snprintf(caption, sizeof caption, "%.*s by %s", (int)plen, head->name, mg_result_prop(head, "slice_by")->text);
    mg_frame f = {lo, hi > lo ? hi : lo + 1, 0, 1, 420, 50 + 18.0 * (double)n, 120, 20, 10, 36};
    mg_svg_figure_begin(h, id, caption, f.width, f.height);
    mg_svg_axes(h, &f, 4, "value", "");
    for (size_t i = 0; i < n; i++) {
        double v = num_prop(rows[i], "value"), y = f.top + 18.0 * (double)i + 3;
        const char *color = rows[i]->status == MG_STATUS_FAIL ? MG_SVG_RED
                            : rows[i]->status == MG_STATUS_PASS ? MG_SVG_GREEN : MG_SVG_GREY;
        if (isfinite(v))
            mg_svg_rect(h, mg_frame_x(&f, 0 > lo ? 0 : lo), y, mg_frame_x(&f, v) - mg_frame_x(&f, 0 > lo ? 0 : lo),
                        12, color, "0.8");
        mg_svg_text(h, f.left - 4, y + 10, "end", mg_result_prop(rows[i], "slice")->text);
    }
    if (isfinite(bmin))
        mg_svg_line(h, &f, bmin, 0, bmin, 1, MG_SVG_RED, "4 3");
    if (isfinite(bmax))
        mg_svg_line(h, &f, bmax, 0, bmax, 1, MG_SVG_RED, "4 3");
    mg_svg_figure_end(h);
}

void mg_html_plot_slices(mg_html *h, const mg_report *r)
{
    size_t figure = 0;
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        if (!is_slice(res))
            continue;
        /* A new parent check: the first of its slices. */
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = is_slice(r->results[j]) && parent_len(r->results[j]) == parent_len(res) &&
                   strncmp(r->results[j]->name, res->name, parent_len(res)) == 0;
        if (!seen)
            slice_bars(h, r, i, figure++);
    }
}
