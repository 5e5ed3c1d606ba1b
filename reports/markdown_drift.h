/*
 * markdown_drift.h - the Markdown summary's drift tables (private to
 * reports/markdown*.c).
 */
#ifndef MG_REPORTS_MARKDOWN_DRIFT_H
#define MG_REPORTS_MARKDOWN_DRIFT_H

#include <stddef.h>

#include "checks/result.h"
#include "common/strbuf.h"

/* Inline text from data, escaped for a Markdown table cell (markdown.c);
 * max > 0 truncates to that many bytes. */
void mg_md_inline(mg_strbuf *m, const char *raw, size_t max);

/* For each result of the drift suite, a table of its features, drifted
 * features first: the test, its figure and threshold, and the other figures. */
void mg_md_drift(mg_strbuf *m, const mg_report *r);

#endif
