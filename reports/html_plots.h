/*
 * html_plots.h - the HTML report's plots, inline SVG computed from the rows
 * the run kept (checks/plot_rows.h) and from the report's slice results
 * (private to reports/).  Each plot is one <figure> holding one <svg>.
 *
 *   binary:      ROC and precision-recall curves (candidate and champion,
 *                AUC / AP in the legend), reliability diagram with ECE,
 *                confusion matrix at the decision threshold, score
 *                histograms per class
 *   regression:  predicted vs actual and residuals, on the kept sample
 *   multiclass:  confusion matrix
 *   any task:    per-slice metric bars with their bounds
 *
 * Curves are drawn from at most MG_PLOT_POINTS points (mg_curve_thin);
 * the AUC, AP and ECE shown are computed on the unthinned points.
 */
#ifndef MG_REPORTS_HTML_PLOTS_H
#define MG_REPORTS_HTML_PLOTS_H

#include "checks/result.h"
#include "reports/html_doc.h"

#define MG_PLOT_POINTS 512

/* Writes the "Plots" section (nothing when there is nothing to plot). */
void mg_html_plots(mg_html *h, const mg_report *r);

#endif
