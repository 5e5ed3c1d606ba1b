/*
 * html_svg.h - plot frames, axes, lines and legends as SVG elements
 * (private to reports/html_*.c).  A frame maps data coordinates to the
 * drawing area of one <svg>; y grows upwards.
 */
#ifndef MG_REPORTS_HTML_SVG_H
#define MG_REPORTS_HTML_SVG_H

#include <stddef.h>

#include "reports/html_doc.h"

#define MG_SVG_BLUE "#0969da"   /* candidate, negatives */
#define MG_SVG_ORANGE "#bc4c00" /* champion, positives */
#define MG_SVG_GREY "#8c959f"
#define MG_SVG_RED "#cf222e"
#define MG_SVG_GREEN "#1a7f37"

typedef struct mg_frame {
    double x0, x1, y0, y1;           /* data range */
    double width, height;            /* of the svg */
    double left, right, top, bottom; /* margins */
} mg_frame;

double mg_frame_x(const mg_frame *f, double x);
double mg_frame_y(const mg_frame *f, double y);

/* <figure id=id><figcaption>caption</figcaption><svg ...><title>caption</title>;
 * close both with mg_svg_figure_end. */
void mg_svg_figure_begin(mg_html *h, const char *id, const char *caption, double width, double height);
void mg_svg_figure_end(mg_html *h);

/* The frame's box, ticks (nticks + 1 labels on each axis) and axis titles;
 * an empty ytitle leaves the y axis without tick labels (bar charts). */
void mg_svg_axes(mg_html *h, const mg_frame *f, int nticks, const char *xtitle, const char *ytitle);
/* A polyline through n points (x[i], y[i]), at most MG_PLOT_POINTS of them
 * drawn (mg_curve_thin); dash NULL for a solid line. */
void mg_svg_curve(mg_html *h, const mg_frame *f, const double *x, const double *y, size_t n, const char *color,
                  const char *dash);
void mg_svg_line(mg_html *h, const mg_frame *f, double xa, double ya, double xb, double yb, const char *color,
                 const char *dash);
/* Text at data coordinates (anchor "start", "middle", "end"). */
void mg_svg_text(mg_html *h, double px, double py, const char *anchor, const char *text);
typedef enum mg_corner { MG_CORNER_LOWER_RIGHT, MG_CORNER_UPPER_LEFT, MG_CORNER_LOWER_LEFT } mg_corner;
/* Legend entry `row` (0, 1, ...; row 0 nearest the corner) inside the frame. */
void mg_svg_legend(mg_html *h, const mg_frame *f, int row, mg_corner corner, const char *color, const char *text);
void mg_svg_rect(mg_html *h, double px, double py, double w, double hgt, const char *fill, const char *opacity);
void mg_svg_dot(mg_html *h, const mg_frame *f, double x, double y, double r, const char *color);

#endif
