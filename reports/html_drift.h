/*
 * html_drift.h - the HTML report's "Drifted features" section: a small
 * reference-vs-current histogram per drifted feature (private to reports/).
 */
#ifndef MG_REPORTS_HTML_DRIFT_H
#define MG_REPORTS_HTML_DRIFT_H

#include "checks/result.h"
#include "reports/html_doc.h"

/* Nothing when no drift check found a drifted feature. */
void mg_html_drift_plots(mg_html *h, const mg_report *r);

#endif
