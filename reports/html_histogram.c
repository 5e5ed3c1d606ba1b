/*
 * html_histogram.c - draws a result's histogram (html_histogram.h).
 */
#include "reports/html_histogram.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/html_svg.h"

static double prop_number(const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    return p && p->is_number ? p->number : NAN;
}

/* The largest share of any bin of any series (a multiple of 0.05). */
static double top_share(const mg_histogram *hist, const double *total)
{
    double top = 0;
    for (size_t s = 0; s < hist->nseries; s++)
        for (size_t b = 0; b < hist->nbins; b++)
            if (total[s] > 0)
                top = fmax(top, (double)hist->counts[s][b] / total[s]);
    return top > 0 ? ceil(top * 20) / 20 : 1;
}

void mg_html_result_histogram(mg_html *h, const mg_result *res, const char *id)
{
    const mg_histogram *hist = res->histogram;
    if (!hist || hist->nseries == 0)
        return;
    double total[MG_HIST_SERIES_MAX] = {0};
    for (size_t s = 0; s < hist->nseries; s++)
        for (size_t b = 0; b < hist->nbins; b++)
            total[s] += (double)hist->counts[s][b];
    double lo = hist->lo, hi = hist->hi > hist->lo ? hist->hi : hist->lo + 1e-9;
    mg_frame f = {lo, hi, 0, top_share(hist, total), 420, 300, 48, 30, 10, 36};
    char caption[300];
    snprintf(caption, sizeof caption, "%s / %s: %s", res->group, res->name, hist->x_title);
    mg_svg_figure_begin(h, id, caption, f.width, f.height);
    mg_svg_axes(h, &f, 4, hist->x_title, "share of the calls");
    static const char *const color[MG_HIST_SERIES_MAX] = {MG_SVG_BLUE, MG_SVG_ORANGE};
    double width = (hi - lo) / (double)hist->nbins;
    for (size_t s = 0; s < hist->nseries; s++)
        for (size_t b = 0; b < hist->nbins; b++) {
            double share = total[s] > 0 ? (double)hist->counts[s][b] / total[s] : 0;
            double px = mg_frame_x(&f, lo + width * (double)b), py = mg_frame_y(&f, share);
            mg_svg_rect(h, px, py, fmax(mg_frame_x(&f, lo + width * (double)(b + 1)) - px - 1, 1),
                        mg_frame_y(&f, 0) - py, color[s], "0.5");
        }
    static const char *const marks[] = {"p50_ms", "p95_ms", "p99_ms"};
    for (size_t k = 0; k < 3; k++) {
        double x = prop_number(res, marks[k]);
        if (!isfinite(x) || x < lo || x > hi)
            continue;
        mg_svg_line(h, &f, x, 0, x, f.y1, MG_SVG_RED, "4 3");
        char label[8];
        snprintf(label, sizeof label, "p%.2s", marks[k] + 1);
        mg_svg_text(h, mg_frame_x(&f, x) + 2, f.top + 10 + 12.0 * (double)k, "start", label);
    }
    for (size_t s = 0; s < hist->nseries; s++) {
        char text[120];
        snprintf(text, sizeof text, "%s (%.0f calls)", hist->series_name[s], total[s]);
        mg_svg_legend(h, &f, (int)(hist->nseries - 1 - s), MG_CORNER_UPPER_LEFT, color[s], text);
    }
    mg_svg_figure_end(h);
}
