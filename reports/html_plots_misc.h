/*
 * html_plots_misc.h - the HTML report's plots other than the binary curves
 * (private to reports/html_plots*.c); see html_plots.h for the list.
 */
#ifndef MG_REPORTS_HTML_PLOTS_MISC_H
#define MG_REPORTS_HTML_PLOTS_MISC_H

#include "checks/plot_rows.h"
#include "checks/result.h"
#include "reports/html_doc.h"

/* The 2 x 2 matrix at p->threshold (score >= threshold is positive). */
void mg_html_plot_confusion_binary(mg_html *h, const mg_plot_rows *p);
/* Score histograms of the negative and positive rows (fractions of each class). */
void mg_html_plot_histograms(mg_html *h, const mg_plot_rows *p);
/* Predicted vs actual and residuals, from the kept sample: two figures. */
void mg_html_plot_regression(mg_html *h, const mg_plot_rows *p);
void mg_html_plot_confusion_multiclass(mg_html *h, const mg_plot_rows *p);
/* Per-slice metric bars, one figure per sliced metric check. */
int mg_html_has_slices(const mg_report *r);
void mg_html_plot_slices(mg_html *h, const mg_report *r);

#endif
