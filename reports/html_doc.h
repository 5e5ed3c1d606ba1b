/*
 * html_doc.h - a small HTML/SVG element writer on libxml2's xmlTextWriter
 * (private to reports/html*.c).  Every text and attribute value goes through
 * mg_text_clean (valid UTF-8, no characters XML forbids) and is escaped by
 * libxml2, so data text can never become markup.  Elements are always
 * closed with an end tag (<td></td>, never <td/>), as HTML wants.
 *
 * The first failure sticks: later calls do nothing and mg_html_failed says
 * so, so callers write straight through and check once at the end.
 */
#ifndef MG_REPORTS_HTML_DOC_H
#define MG_REPORTS_HTML_DOC_H

#include <libxml/xmlwriter.h>
#include <stdio.h>

typedef struct mg_html {
    xmlTextWriterPtr w;
    int failed;
} mg_html;

/* Starts the document on fp (<!DOCTYPE html>); 0 or -1. */
int mg_html_begin(mg_html *h, FILE *fp);
/* Flushes and frees the writer (fp stays open); returns -1 when anything failed. */
int mg_html_end(mg_html *h);

void mg_html_open(mg_html *h, const char *tag);
void mg_html_close(mg_html *h);
void mg_html_attr(mg_html *h, const char *name, const char *raw_value);
void mg_html_attrf(mg_html *h, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void mg_html_text(mg_html *h, const char *raw);
void mg_html_textf(mg_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* <tag>text</tag>; class may be NULL. */
void mg_html_elem(mg_html *h, const char *tag, const char *cls, const char *raw_text);
/* Markup that is ours, never data (the doctype, void elements, the style). */
void mg_html_raw(mg_html *h, const char *markup);

/* A number for people: 4 significant digits ("0.8804", "3002", "1.2e-05"),
 * '.' as the decimal point whatever the locale, "nan"/"inf"/"-inf". */
const char *mg_html_num(double x, char buf[40]);
/* An axis tick label: 3 significant digits, locale-proof. */
const char *mg_html_tick(double x, char buf[40]);
/* A coordinate with one decimal, locale-proof. */
const char *mg_html_coord(double x, char buf[40]);

#endif
