/*
 * html_svg.c - SVG drawing helpers for the HTML report's plots.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/metrics/curves.h"
#include "common/strbuf.h"
#include "common/xmem.h"
#include "reports/html_plots.h"
#include "reports/html_svg.h"

double mg_frame_x(const mg_frame *f, double x)
{
    double span = f->x1 - f->x0;
    return f->left + (span > 0 ? (x - f->x0) / span : 0.5) * (f->width - f->left - f->right);
}

double mg_frame_y(const mg_frame *f, double y)
{
    double span = f->y1 - f->y0;
    return f->height - f->bottom - (span > 0 ? (y - f->y0) / span : 0.5) * (f->height - f->top - f->bottom);
}

static void attr_coord(mg_html *h, const char *name, double v)
{
    char buf[40];
    mg_html_attr(h, name, mg_html_coord(v, buf));
}

void mg_svg_figure_begin(mg_html *h, const char *id, const char *caption, double width, double height)
{
    char a[40], b[40];
    mg_html_open(h, "figure");
    mg_html_attr(h, "id", id);
    mg_html_elem(h, "figcaption", NULL, caption);
    mg_html_open(h, "svg");
    mg_html_attr(h, "xmlns", "http://www.w3.org/2000/svg");
    attr_coord(h, "width", width);
    attr_coord(h, "height", height);
    mg_html_attrf(h, "viewBox", "0 0 %s %s", mg_html_coord(width, a), mg_html_coord(height, b));
    mg_html_attr(h, "role", "img");
    mg_html_attr(h, "aria-label", caption);
    mg_html_elem(h, "title", NULL, caption);
}

void mg_svg_figure_end(mg_html *h)
{
    mg_html_close(h); /* svg */
    mg_html_close(h); /* figure */
}

void mg_svg_text(mg_html *h, double px, double py, const char *anchor, const char *text)
{
    mg_html_open(h, "text");
    attr_coord(h, "x", px);
    attr_coord(h, "y", py);
    if (anchor && strcmp(anchor, "start") != 0)
        mg_html_attr(h, "text-anchor", anchor);
    mg_html_text(h, text);
    mg_html_close(h);
}

void mg_svg_rect(mg_html *h, double px, double py, double w, double hgt, const char *fill, const char *opacity)
{
    mg_html_open(h, "rect");
    attr_coord(h, "x", px);
    attr_coord(h, "y", py);
    attr_coord(h, "width", w > 0 ? w : 0);
    attr_coord(h, "height", hgt > 0 ? hgt : 0);
    mg_html_attr(h, "fill", fill);
    if (opacity)
        mg_html_attr(h, "fill-opacity", opacity);
    mg_html_close(h);
}

void mg_svg_line(mg_html *h, const mg_frame *f, double xa, double ya, double xb, double yb, const char *color,
                 const char *dash)
{
    mg_html_open(h, "line");
    attr_coord(h, "x1", mg_frame_x(f, xa));
    attr_coord(h, "y1", mg_frame_y(f, ya));
    attr_coord(h, "x2", mg_frame_x(f, xb));
    attr_coord(h, "y2", mg_frame_y(f, yb));
    mg_html_attr(h, "stroke", color);
    if (dash)
        mg_html_attr(h, "stroke-dasharray", dash);
    mg_html_close(h);
}

void mg_svg_dot(mg_html *h, const mg_frame *f, double x, double y, double r, const char *color)
{
    mg_html_open(h, "circle");
    attr_coord(h, "cx", mg_frame_x(f, x));
    attr_coord(h, "cy", mg_frame_y(f, y));
    attr_coord(h, "r", r);
    mg_html_attr(h, "fill", color);
    mg_html_close(h);
}

void mg_svg_axes(mg_html *h, const mg_frame *f, int nticks, const char *xtitle, const char *ytitle)
{
    double l = f->left, t = f->top, w = f->width - f->left - f->right, hh = f->height - f->top - f->bottom;
    mg_html_open(h, "rect");
    attr_coord(h, "x", l);
    attr_coord(h, "y", t);
    attr_coord(h, "width", w);
    attr_coord(h, "height", hh);
    mg_html_attr(h, "fill", "none");
    mg_html_attr(h, "stroke", MG_SVG_GREY);
    mg_html_close(h);
    char num[40];
    for (int i = 0; i <= nticks; i++) {
        double fx = f->x0 + (f->x1 - f->x0) * i / nticks, fy = f->y0 + (f->y1 - f->y0) * i / nticks;
        mg_svg_text(h, mg_frame_x(f, fx), f->height - f->bottom + 14, "middle", mg_html_tick(fx, num));
        if (ytitle[0]) /* no y title: the caller labels the rows itself */
            mg_svg_text(h, f->left - 4, mg_frame_y(f, fy) + 4, "end", mg_html_tick(fy, num));
    }
    mg_svg_text(h, l + w / 2, f->height - 6, "middle", xtitle);
    mg_html_open(h, "text");
    mg_html_attrf(h, "transform", "translate(12 %s) rotate(-90)", mg_html_coord(t + hh / 2, num));
    mg_html_attr(h, "text-anchor", "middle");
    mg_html_text(h, ytitle);
    mg_html_close(h);
}

void mg_svg_curve(mg_html *h, const mg_frame *f, const double *x, const double *y, size_t n, const char *color,
                  const char *dash)
{
    if (n == 0)
        return;
    /* Thin in the frame's unit square, so both axes weigh the same. */
    double *ux = mg_xcalloc(n, sizeof *ux), *uy = mg_xcalloc(n, sizeof *uy);
    for (size_t i = 0; i < n; i++) {
        ux[i] = (mg_frame_x(f, x[i]) - f->left) / (f->width - f->left - f->right);
        uy[i] = (mg_frame_y(f, y[i]) - f->top) / (f->height - f->top - f->bottom);
    }
    size_t *keep = mg_xcalloc(n, sizeof *keep);
    size_t k = mg_curve_thin(ux, uy, n, MG_PLOT_POINTS, keep);
    mg_strbuf pts = {0};
    char a[40], b[40];
    for (size_t i = 0; i < k; i++) {
        mg_strbuf_add(&pts, i ? " " : "");
        mg_strbuf_add(&pts, mg_html_coord(mg_frame_x(f, x[keep[i]]), a));
        mg_strbuf_addc(&pts, ',');
        mg_strbuf_add(&pts, mg_html_coord(mg_frame_y(f, y[keep[i]]), b));
    }
    mg_html_open(h, "polyline");
    mg_html_attr(h, "points", pts.s ? pts.s : "");
    mg_html_attr(h, "fill", "none");
    mg_html_attr(h, "stroke", color);
    mg_html_attr(h, "stroke-width", "2");
    if (dash)
        mg_html_attr(h, "stroke-dasharray", dash);
    mg_html_attrf(h, "data-points", "%zu", k);
    mg_html_close(h);
    free(pts.s);
    free(keep);
    free(ux);
    free(uy);
}

void mg_svg_legend(mg_html *h, const mg_frame *f, int row, mg_corner corner, const char *color, const char *text)
{
    double x = corner == MG_CORNER_LOWER_RIGHT ? f->width - f->right - 175 : f->left + 8;
    double y = corner == MG_CORNER_UPPER_LEFT ? f->top + 14 + 15 * row : f->height - f->bottom - 8 - 15 * row;
    mg_svg_rect(h, x, y - 8, 14, 4, color, NULL);
    mg_svg_text(h, x + 18, y - 2, "start", text);
}
