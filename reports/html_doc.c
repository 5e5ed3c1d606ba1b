/*
 * html_doc.c - the escaping element writer of the HTML report (see html_doc.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html_doc.h"
#include "reports/xml_text.h"

int mg_html_begin(mg_html *h, FILE *fp)
{
    h->failed = 0;
    xmlOutputBufferPtr out = xmlOutputBufferCreateFile(fp, NULL);
    h->w = out ? xmlNewTextWriter(out) : NULL; /* owns out from here on */
    if (!h->w) {
        if (out)
            xmlOutputBufferClose(out);
        h->failed = 1;
        return -1;
    }
    mg_html_raw(h, "<!DOCTYPE html>\n");
    return h->failed ? -1 : 0;
}

int mg_html_end(mg_html *h)
{
    if (h->w) {
        if (xmlTextWriterFlush(h->w) < 0)
            h->failed = 1;
        xmlFreeTextWriter(h->w);
        h->w = NULL;
    }
    return h->failed ? -1 : 0;
}

void mg_html_open(mg_html *h, const char *tag)
{
    if (!h->failed && xmlTextWriterStartElement(h->w, BAD_CAST tag) < 0)
        h->failed = 1;
}

void mg_html_close(mg_html *h)
{
    if (!h->failed && xmlTextWriterFullEndElement(h->w) < 0)
        h->failed = 1;
}

void mg_html_attr(mg_html *h, const char *name, const char *raw_value)
{
    if (h->failed)
        return;
    char *clean = mg_text_clean(raw_value, MG_TEXT_XML | MG_TEXT_ONE_LINE);
    if (xmlTextWriterWriteAttribute(h->w, BAD_CAST name, BAD_CAST clean) < 0)
        h->failed = 1;
    free(clean);
}

void mg_html_attrf(mg_html *h, const char *name, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mg_html_attr(h, name, buf);
}

void mg_html_text(mg_html *h, const char *raw)
{
    if (h->failed || !raw)
        return;
    char *clean = mg_text_clean(raw, MG_TEXT_XML);
    if (xmlTextWriterWriteString(h->w, BAD_CAST clean) < 0)
        h->failed = 1;
    free(clean);
}

void mg_html_textf(mg_html *h, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mg_html_text(h, buf);
}

void mg_html_elem(mg_html *h, const char *tag, const char *cls, const char *raw_text)
{
    mg_html_open(h, tag);
    if (cls)
        mg_html_attr(h, "class", cls);
    mg_html_text(h, raw_text ? raw_text : "");
    mg_html_close(h);
}

void mg_html_raw(mg_html *h, const char *markup)
{
    if (!h->failed && xmlTextWriterWriteRaw(h->w, BAD_CAST markup) < 0)
        h->failed = 1;
}

/* printf follows LC_NUMERIC: put the decimal point back to '.'. */
static const char *c_locale(char *buf)
{
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
    return buf;
}

const char *mg_html_num(double x, char buf[40])
{
    if (!isfinite(x))
        return strcpy(buf, isnan(x) ? "nan" : x < 0 ? "-inf" : "inf");
    if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, 40, "%.0f", x);
    else
        snprintf(buf, 40, "%.4g", x);
    return c_locale(buf);
}

const char *mg_html_coord(double x, char buf[40])
{
    snprintf(buf, 40, "%.1f", isfinite(x) ? x : 0.0);
    return c_locale(buf);
}

const char *mg_html_tick(double x, char buf[40])
{
    if (fabs(x) < 1e-12)
        x = 0; /* no "-0" or "1e-17" from rounding */
    snprintf(buf, 40, "%.3g", x);
    return c_locale(buf);
}
