/*
 * html_histogram.h - a result's own histogram (mg_result.histogram: the
 * latency check's call times) as an SVG figure in the HTML report (private
 * to reports/html*.c).
 */
#ifndef MG_REPORTS_HTML_HISTOGRAM_H
#define MG_REPORTS_HTML_HISTOGRAM_H

#include "checks/result.h"
#include "reports/html_doc.h"

/* Writes res->histogram as a figure with id `id` (nothing when the result
 * has none): one bar series per model, as shares of its values, and dashed
 * lines at the result's p50_ms, p95_ms and p99_ms when it has them. */
void mg_html_result_histogram(mg_html *h, const mg_result *res, const char *id);

#endif
