/*
 * writers.h - report writers.  Each writes the whole report atomically: to a
 * temporary file beside `path`, then rename, so a reader never sees half a
 * report and an old report is never lost to a failed write.  Each returns 0,
 * or -1 with err naming the path and the reason.
 */
#ifndef MG_REPORTS_WRITERS_H
#define MG_REPORTS_WRITERS_H

#include "checks/result.h"
#include "common/error.h"

/* JUnit XML via libxml2's xmlTextWriter, valid against junit-10.xsd. */
int mg_write_junit(const mg_report *r, const char *path, mg_error *err);
/* JSON report via jansson. */
int mg_write_json(const mg_report *r, const char *path, mg_error *err);
/* Markdown summary.  mg_append_markdown appends (for $GITHUB_STEP_SUMMARY). */
int mg_write_markdown(const mg_report *r, const char *path, mg_error *err);
int mg_append_markdown(const mg_report *r, const char *path, mg_error *err);

/* What the HTML report shows beyond the report's facts: the spec's baseline
 * files (each NULL when the spec names none); their sha256 is computed when
 * the report is written. */
typedef struct mg_html_inputs {
    const char *baseline_path;       /* the spec's "baseline" (metrics JSON) */
    const char *baseline_model_path; /* the spec's "baseline_model.path" */
} mg_html_inputs;

/* Self-contained HTML report (reports/html.c); in may be NULL. */
int mg_write_html(const mg_report *r, const mg_html_inputs *in, const char *path, mg_error *err);

#endif
