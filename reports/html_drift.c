/*
 * html_drift.c - the HTML report's drift section: for each drifted feature
 * of a drift-suite check, one small bar chart of the reference's and the
 * current data's shares per bin (numbers: the reference's quantile bins, the
 * edges in the caption; texts: the most frequent values), drawn from the
 * result's "<feature>.histogram" property (checks/drift/drift_report.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "reports/html_drift.h"
#include "reports/html_svg.h"

/* "amount: bins cut at 6.4, 10.9, ... (reference quantiles)" or the categories. */
static void caption_of(const char *check, const char *feature, const json_t *hist, char *buf, size_t size)
{
    const json_t *edges = json_object_get(hist, "edges"), *labels = json_object_get(hist, "labels");
    const json_t *list = edges ? edges : labels;
    int used = snprintf(buf, size, "%s / %s: reference (blue) vs current (orange), %s", check, feature,
                        edges ? "bins cut at the reference's quantiles" : "values");
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) {
        if (used < 0 || (size_t)used + 40 >= size)
            break;
        int k = json_is_string(v) ? snprintf(buf + used, size - (size_t)used, "%s %zu=%.24s", i ? "," : ":", i, json_string_value(v))
                                  : snprintf(buf + used, size - (size_t)used, "%s %.4g", i ? "," : ":", json_number_value(v));
        used += k > 0 ? k : 0;
    }
}

static void plot_feature(mg_html *h, const char *check, const char *feature, const json_t *hist, int id)
{
    const json_t *ref = json_object_get(hist, "reference"), *cur = json_object_get(hist, "current");
    size_t k = json_array_size(ref);
    if (k == 0 || json_array_size(cur) != k)
        return;
    double top = 0;
    for (size_t i = 0; i < k; i++) {
        double a = json_number_value(json_array_get(ref, i)), b = json_number_value(json_array_get(cur, i));
        top = a > top ? a : top;
        top = b > top ? b : top;
    }
    top = top > 0 ? ceil(top * 20) / 20 : 1; /* a multiple of 0.05: round ticks */
    char caption[700], htmlid[40];
    caption_of(check, feature, hist, caption, sizeof caption);
    snprintf(htmlid, sizeof htmlid, "plot-drift-%d", id);
    mg_frame f = {0, (double)k, 0, top, 330, 220, 50, 12, 10, 36};
    mg_svg_figure_begin(h, htmlid, caption, f.width, f.height);
    mg_svg_axes(h, &f, (int)(k < 10 ? k : 10), "bin", "share of values");
    for (size_t i = 0; i < k; i++) {
        double a = json_number_value(json_array_get(ref, i)), b = json_number_value(json_array_get(cur, i));
        double x0 = mg_frame_x(&f, (double)i), xm = mg_frame_x(&f, i + 0.5), x1 = mg_frame_x(&f, i + 1.0);
        mg_svg_rect(h, x0 + 1, mg_frame_y(&f, a), xm - x0 - 1, mg_frame_y(&f, 0) - mg_frame_y(&f, a), MG_SVG_BLUE, "0.7");
        mg_svg_rect(h, xm, mg_frame_y(&f, b), x1 - xm - 1, mg_frame_y(&f, 0) - mg_frame_y(&f, b), MG_SVG_ORANGE, "0.7");
    }
    mg_svg_legend(h, &f, 1, MG_CORNER_UPPER_LEFT, MG_SVG_BLUE, "reference");
    mg_svg_legend(h, &f, 0, MG_CORNER_UPPER_LEFT, MG_SVG_ORANGE, "current");
    mg_svg_figure_end(h);
}

void mg_html_drift_plots(mg_html *h, const mg_report *r)
{
    int heading = 0, id = 0;
    for (size_t k = 0; k < r->nresults; k++) {
        const mg_result *res = r->results[k];
        if (!res->group || strcmp(res->group, "drift") != 0)
            continue;
        for (size_t i = 0; i < res->nprops; i++) {
            const mg_prop *p = &res->props[i];
            size_t len = strlen(p->key);
            if (p->is_number || len < 11 || strcmp(p->key + len - 10, ".histogram") != 0)
                continue;
            json_t *hist = json_loads(p->text, 0, NULL);
            if (!hist)
                continue;
            if (!heading) {
                mg_html_elem(h, "h2", NULL, "Drifted features");
                heading = 1;
            }
            char feature[300];
            snprintf(feature, sizeof feature, "%.*s", (int)(len - 10), p->key);
            plot_feature(h, res->name, feature, hist, id++);
            json_decref(hist);
        }
    }
}
