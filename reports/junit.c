/*
 * junit.c - the JUnit XML report, written with libxml2's xmlTextWriter.
 *
 * Shape (valid against Jenkins xunit's junit-10.xsd; see
 * README.md, "Reports", for the reasons):
 *
 *   <testsuites name tests failures errors time>
 *     <testsuite name="GATE.mgate.GROUP" tests failures errors skipped time
 *                timestamp hostname id package="mgate">   one per group
 *       <properties>  run facts, then NAME.KEY for every figure of every case
 *       <testcase classname="GATE.mgate.GROUP" name time>
 *         <failure|error message type="CHECK">message, examples, figures</...>
 *         or <skipped message/>
 *         <system-out>  "status: message", then "key=value" lines</system-out>
 *       <system-out>  per case: "NAME: status" and "  key=value" lines
 *       <system-err/>
 *
 * GATE is the gate's name (or reports.junit_prefix), so the reports of
 * several gates read in one CI run never share a classname.  junit-10.xsd
 * has no <properties> inside <testcase>, so per-case figures are machine-
 * readable at suite level and readable in each case's <system-out>.  Apart
 * from the attributes of <testsuites> and the cases' <system-out> (which
 * the strict Ant schema forbids) the file also satisfies ant-junit-strict.xsd.
 */
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlversion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/atomic_file.h"
#include "common/xmem.h"
#include "common/strbuf.h"
#include "common/version.h"
#include "reports/num_text.h"
#include "reports/writers.h"
#include "reports/xml_text.h"

/* Longest message="" attribute, in bytes; the element's text has it all. */
#define MESSAGE_ATTR_MAX 1024

/* A writer with a sticky failure flag: after the first failed call the
 * others do nothing, and the caller checks once at the end. */
typedef struct jw {
    xmlTextWriterPtr w;
    int failed;
} jw;

static void el_start(jw *j, const char *name)
{
    if (!j->failed && xmlTextWriterStartElement(j->w, BAD_CAST name) < 0)
        j->failed = 1;
}

static void el_end(jw *j)
{
    if (!j->failed && xmlTextWriterEndElement(j->w) < 0)
        j->failed = 1;
}

/* value must already be clean (valid UTF-8, XML characters only). */
static void attr(jw *j, const char *name, const char *value)
{
    if (!j->failed && xmlTextWriterWriteAttribute(j->w, BAD_CAST name, BAD_CAST value) < 0)
        j->failed = 1;
}

static void attr_size(jw *j, const char *name, size_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", n);
    attr(j, name, buf);
}

static void attr_seconds(jw *j, const char *name, double s)
{
    char buf[MG_NUM_BUF];
    attr(j, name, mg_seconds_text(s, buf));
}

/* Cleans raw data text and writes it as an attribute. */
static void attr_text(jw *j, const char *name, const char *raw, int flags)
{
    char *clean = mg_text_clean(raw, MG_TEXT_XML | flags);
    attr(j, name, clean);
    free(clean);
}

static void text(jw *j, const char *clean)
{
    if (!j->failed && *clean && xmlTextWriterWriteString(j->w, BAD_CAST clean) < 0)
        j->failed = 1;
}

/* ---- what to write, worked out before writing ---------------------------- */

typedef struct suite {
    const char *group; /* raw, borrowed from the first result */
    char *name;        /* "PREFIX.mgate.GROUP" (or "mgate.GROUP"), clean */
    size_t tests, failures, errors, skipped;
    double seconds;
} suite;

typedef struct plan {
    suite *suites;
    size_t nsuites, cap;
    size_t *suite_of; /* result index -> suite index */
    char **classname; /* per result, clean */
    char **name;      /* per result, clean and unique with its classname */
    size_t *order;    /* result indexes in writing order: by suite, then as given */
} plan;

static void plan_free(plan *p, size_t nresults)
{
    for (size_t i = 0; i < p->nsuites; i++)
        free(p->suites[i].name);
    free(p->suites);
    for (size_t i = 0; i < nresults; i++) {
        free(p->classname[i]);
        free(p->name[i]);
    }
    free(p->classname);
    free(p->name);
    free(p->suite_of);
    free(p->order);
}

static int is_taken(const plan *p, size_t upto, const char *classname, const char *name)
{
    for (size_t k = 0; k < upto; k++) {
        size_t i = p->order[k];
        if (strcmp(p->name[i], name) == 0 && strcmp(p->classname[i], classname) == 0)
            return 1;
    }
    return 0;
}

static double finite_seconds(double s)
{
    return s > 0 && s < 1e12 ? s : 0; /* also drops NaN */
}

/* The classname prefix: reports.junit_prefix when set, else the gate's
 * name; "" gives the bare "mgate.GROUP".  Clean, one line; the caller frees. */
static char *class_prefix(const mg_run_facts *f)
{
    const char *raw = f->junit_prefix ? f->junit_prefix : f->gate_name ? f->gate_name : "";
    char *clean = mg_text_clean(raw, MG_TEXT_XML | MG_TEXT_ONE_LINE);
    if (*clean == '\0')
        return clean;
    char *dotted = mg_xasprintf("%s.", clean);
    free(clean);
    return dotted;
}

static void plan_make(plan *p, const mg_report *r)
{
    size_t n = r->nresults;
    memset(p, 0, sizeof *p);
    p->suite_of = mg_xcalloc(n, sizeof *p->suite_of);
    p->classname = mg_xcalloc(n, sizeof *p->classname);
    p->name = mg_xcalloc(n, sizeof *p->name);
    p->order = mg_xcalloc(n, sizeof *p->order);
    char *prefix = class_prefix(&r->facts);
    /* Suites in order of first appearance. */
    for (size_t i = 0; i < n; i++) {
        const mg_result *res = r->results[i];
        const char *g = res->group ? res->group : "";
        size_t s = 0;
        while (s < p->nsuites && strcmp(p->suites[s].group, g) != 0)
            s++;
        if (s == p->nsuites) {
            p->suites = mg_xgrow(p->suites, &p->cap, p->nsuites + 1, sizeof *p->suites);
            suite *su = &p->suites[p->nsuites++];
            memset(su, 0, sizeof *su);
            su->group = g;
            char *clean = mg_text_clean(g, MG_TEXT_XML | MG_TEXT_ONE_LINE);
            su->name = mg_xasprintf("%smgate.%s", prefix, clean);
            free(clean);
        }
        suite *su = &p->suites[s];
        p->suite_of[i] = s;
        su->tests++;
        su->failures += res->status == MG_STATUS_FAIL;
        su->errors += res->status == MG_STATUS_ERROR;
        su->skipped += res->status == MG_STATUS_SKIP;
        su->seconds += finite_seconds(res->seconds);
    }
    free(prefix);
    /* Writing order, and names made unique in that order: a repeated
     * classname+name would be read as a retry by some reporters. */
    size_t k = 0;
    for (size_t s = 0; s < p->nsuites; s++)
        for (size_t i = 0; i < n; i++)
            if (p->suite_of[i] == s)
                p->order[k++] = i;
    for (k = 0; k < n; k++) {
        size_t i = p->order[k];
        p->classname[i] = mg_xstrdup(p->suites[p->suite_of[i]].name);
        char *base = mg_text_clean(r->results[i]->name, MG_TEXT_XML | MG_TEXT_ONE_LINE);
        char *name = mg_xstrdup(base);
        for (unsigned long dup = 2; is_taken(p, k, p->classname[i], name); dup++) {
            free(name);
            name = mg_xasprintf("%s (%lu)", base, dup);
        }
        free(base);
        p->name[i] = name;
    }
}

/* ---- pieces of the document ---------------------------------------------- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* True when s is "YYYY-MM-DDTHH:MM:SS", a real date and time (what the
 * strict schema's timestamp type accepts). */
static int is_timestamp(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    if (!s || strlen(s) != sizeof shape - 1)
        return 0;
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    }
    int y, mo, d, h, mi, se;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6)
        return 0;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
        return 0;
    return d <= mdays[mo - 1] + (mo == 2 && leap(y));
}

/* The run's start, or the current UTC time when it is missing or malformed. */
static void timestamp(const mg_run_facts *f, char buf[32])
{
    if (is_timestamp(f->started_at)) {
        snprintf(buf, 32, "%s", f->started_at);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(buf, 32, "1970-01-01T00:00:00");
}

static void property(jw *j, const char *clean_name, const char *clean_value)
{
    el_start(j, "property");
    attr(j, "name", clean_name);
    attr(j, "value", clean_value);
    el_end(j);
}

static void property_text(jw *j, const char *name, const char *raw)
{
    if (!raw)
        return;
    char *clean = mg_text_clean(raw, MG_TEXT_XML);
    property(j, name, clean);
    free(clean);
}

/* A figure's value as clean text; the caller frees. */
static char *prop_value(const mg_prop *pr)
{
    if (pr->is_number) {
        char buf[MG_NUM_BUF];
        return mg_xstrdup(mg_num_text(pr->number, buf));
    }
    return mg_text_clean(pr->text, MG_TEXT_XML);
}

static void write_properties(jw *j, const mg_report *r, const plan *p, size_t s)
{
    const mg_run_facts *f = &r->facts;
    el_start(j, "properties");
    property(j, "mgate_version", MGATE_VERSION);
    property_text(j, "run_id", f->run_id);
    property_text(j, "started_at", f->started_at);
    property_text(j, "gate_name", f->gate_name);
    property_text(j, "spec_path", f->spec_path);
    property_text(j, "data_path", f->data_path);
    property_text(j, "data_sha256", f->data_sha256);
    char rows[32];
    snprintf(rows, sizeof rows, "%llu", (unsigned long long)f->rows_read);
    property(j, "rows_read", rows);
    property_text(j, "model_path", f->model_path);
    property_text(j, "model_sha256", f->model_sha256);
    property_text(j, "baseline_model_path", f->baseline_model_path);
    property_text(j, "baseline_model_sha256", f->baseline_model_sha256);
    if (f->model_binding)
        property_text(j, "model_binding", f->model_binding);
    if (f->baseline_model_binding)
        property_text(j, "baseline_model_binding", f->baseline_model_binding);
    if (f->model_service)
        property_text(j, "model_service", f->model_service);
    for (size_t k = 0; k < r->nresults; k++) {
        size_t i = p->order[k];
        if (p->suite_of[i] != s)
            continue;
        const mg_result *res = r->results[i];
        for (size_t q = 0; q < res->nprops; q++) {
            char *key = mg_text_clean(res->props[q].key, MG_TEXT_XML | MG_TEXT_ONE_LINE);
            char *name = mg_xasprintf("%s.%s", p->name[i], key);
            char *value = prop_value(&res->props[q]);
            property(j, name, value);
            free(value);
            free(name);
            free(key);
        }
    }
    el_end(j);
}

/* A growing string for element bodies. */
typedef mg_strbuf sbuf;

static void sb_add_clean(sbuf *b, const char *raw, int flags)
{
    char *clean = mg_text_clean(raw, MG_TEXT_XML | flags);
    mg_strbuf_add(b, clean);
    free(clean);
}

/* "key=value" lines for a case's figures, each after `indent`. */
static void sb_figures(sbuf *b, const mg_result *res, const char *indent)
{
    for (size_t q = 0; q < res->nprops; q++) {
        mg_strbuf_add(b, indent);
        sb_add_clean(b, res->props[q].key, MG_TEXT_ONE_LINE);
        mg_strbuf_add(b, "=");
        char *value = prop_value(&res->props[q]);
        mg_strbuf_add(b, value);
        free(value);
        mg_strbuf_add(b, "\n");
    }
}

/* <failure> or <error>: message attribute on one line; the text holds the
 * whole message, the examples and the figures. */
static void write_problem(jw *j, const mg_result *res, const char *element)
{
    el_start(j, element);
    char *msg;
    if (res->message && *res->message)
        msg = mg_text_clean(res->message, MG_TEXT_XML | MG_TEXT_ONE_LINE);
    else
        msg = mg_xasprintf("%s", res->status == MG_STATUS_FAIL ? "check failed" : "check could not run");
    mg_text_truncate(msg, MESSAGE_ATTR_MAX);
    attr(j, "message", msg);
    free(msg);
    attr_text(j, "type", res->check && *res->check ? res->check : "mgate", MG_TEXT_ONE_LINE);

    sbuf b = {0};
    if (res->message && *res->message) {
        sb_add_clean(&b, res->message, 0);
        mg_strbuf_add(&b, "\n");
    }
    for (size_t e = 0; e < res->nexamples; e++) {
        sb_add_clean(&b, res->examples[e], 0);
        mg_strbuf_add(&b, "\n");
    }
    if (res->examples_total > res->nexamples) {
        char more[64];
        snprintf(more, sizeof more, "... and %llu more\n",
                 (unsigned long long)(res->examples_total - res->nexamples));
        mg_strbuf_add(&b, more);
    }
    if (res->nprops > 0) {
        if (b.len > 0)
            mg_strbuf_add(&b, "\n");
        sb_figures(&b, res, "");
    }
    if (b.s)
        text(j, b.s);
    free(b.s);
    el_end(j);
}

/* The case's own <system-out>, passed cases included: "status: message"
 * on one line, then its figures as "key=value" lines. */
static void write_case_output(jw *j, const mg_result *res)
{
    sbuf b = {0};
    mg_strbuf_add(&b, mg_status_name(res->status));
    if (res->message && *res->message) {
        mg_strbuf_add(&b, ": ");
        sb_add_clean(&b, res->message, MG_TEXT_ONE_LINE);
    }
    mg_strbuf_add(&b, "\n");
    sb_figures(&b, res, "");
    el_start(j, "system-out");
    text(j, b.s);
    el_end(j);
    free(b.s);
}

static void write_case(jw *j, const mg_result *res, const plan *p, size_t i)
{
    el_start(j, "testcase");
    attr(j, "classname", p->classname[i]);
    attr(j, "name", p->name[i]);
    attr_seconds(j, "time", res->seconds);
    switch (res->status) {
    case MG_STATUS_FAIL:
        write_problem(j, res, "failure");
        break;
    case MG_STATUS_ERROR:
        write_problem(j, res, "error");
        break;
    case MG_STATUS_SKIP:
        el_start(j, "skipped");
        if (res->message && *res->message) {
            char *msg = mg_text_clean(res->message, MG_TEXT_XML | MG_TEXT_ONE_LINE);
            mg_text_truncate(msg, MESSAGE_ATTR_MAX);
            attr(j, "message", msg);
            free(msg);
        }
        el_end(j);
        break;
    case MG_STATUS_PASS:
        break;
    }
    write_case_output(j, res);
    el_end(j);
}

/* The suite's <system-out>: each case's figures, readable on the case page
 * (Jenkins shows the suite's output for cases that have none). */
static void write_system_out(jw *j, const mg_report *r, const plan *p, size_t s)
{
    sbuf b = {0};
    for (size_t k = 0; k < r->nresults; k++) {
        size_t i = p->order[k];
        const mg_result *res = r->results[i];
        if (p->suite_of[i] != s || res->nprops == 0)
            continue;
        mg_strbuf_add(&b, p->name[i]);
        mg_strbuf_add(&b, ": ");
        mg_strbuf_add(&b, mg_status_name(res->status));
        mg_strbuf_add(&b, "\n");
        sb_figures(&b, res, "  ");
    }
    el_start(j, "system-out");
    if (b.s)
        text(j, b.s);
    el_end(j);
    free(b.s);
    el_start(j, "system-err");
    el_end(j);
}

static void write_suite(jw *j, const mg_report *r, const plan *p, size_t s, const char *ts,
                        const char *host)
{
    const suite *su = &p->suites[s];
    el_start(j, "testsuite");
    attr(j, "name", su->name);
    attr_size(j, "tests", su->tests);
    attr_size(j, "failures", su->failures);
    attr_size(j, "errors", su->errors);
    attr_size(j, "skipped", su->skipped);
    attr_seconds(j, "time", su->seconds);
    attr(j, "timestamp", ts);
    attr(j, "hostname", host);
    attr_size(j, "id", s);
    attr(j, "package", "mgate");
    write_properties(j, r, p, s);
    for (size_t k = 0; k < r->nresults; k++) {
        size_t i = p->order[k];
        if (p->suite_of[i] == s)
            write_case(j, r->results[i], p, i);
    }
    write_system_out(j, r, p, s);
    el_end(j);
}

/* The hostname for the suites: clean, one line, "localhost" when blank (the
 * strict schema wants a non-empty token). */
static char *host_name(const mg_run_facts *f)
{
    char *h = mg_text_clean(f->hostname, MG_TEXT_XML | MG_TEXT_ONE_LINE);
    if (h[strspn(h, " ")] == '\0') {
        free(h);
        h = mg_xstrdup("localhost");
    }
    return h;
}

static void write_doc(jw *j, const mg_report *r)
{
    plan p;
    plan_make(&p, r);
    char ts[32];
    timestamp(&r->facts, ts);
    char *host = host_name(&r->facts);

    if (!j->failed && xmlTextWriterSetIndent(j->w, 1) < 0)
        j->failed = 1;
    if (!j->failed && xmlTextWriterSetIndentString(j->w, BAD_CAST "  ") < 0)
        j->failed = 1;
    if (!j->failed && xmlTextWriterStartDocument(j->w, "1.0", "UTF-8", NULL) < 0)
        j->failed = 1;
    el_start(j, "testsuites");
    attr_text(j, "name", r->facts.gate_name ? r->facts.gate_name : "mgate", MG_TEXT_ONE_LINE);
    attr_size(j, "tests", r->nresults);
    attr_size(j, "failures", mg_report_count(r, MG_STATUS_FAIL));
    attr_size(j, "errors", mg_report_count(r, MG_STATUS_ERROR));
    double total = r->facts.seconds;
    if (!(total > 0 && total < 1e12)) {
        total = 0;
        for (size_t s = 0; s < p.nsuites; s++)
            total += p.suites[s].seconds;
    }
    attr_seconds(j, "time", total);
    for (size_t s = 0; s < p.nsuites; s++)
        write_suite(j, r, &p, s, ts, host);
    el_end(j);
    if (!j->failed && xmlTextWriterEndDocument(j->w) < 0)
        j->failed = 1;
    free(host);
    plan_free(&p, r->nresults);
}

/* ---- libxml2's own error messages go into mg_error, never to stderr ------ */

typedef struct xml_errors {
    char first[256];
} xml_errors;

#if LIBXML_VERSION >= 21200
static void on_xml_error(void *ctx, const xmlError *e)
#else
static void on_xml_error(void *ctx, xmlErrorPtr e)
#endif
{
    xml_errors *xe = ctx;
    if (xe->first[0] || !e || !e->message)
        return;
    snprintf(xe->first, sizeof xe->first, "%s", e->message);
    xe->first[strcspn(xe->first, "\n")] = '\0';
}

static void on_generic_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

/*
 * Writes the report as JUnit XML to path, atomically.  Returns 0, or -1
 * with err set ("'PATH': ..."); on failure an existing file at path is left
 * as it was.
 */
int mg_write_junit(const mg_report *r, const char *path, mg_error *err)
{
    if (!r || !path)
        return mg_error_set(err, "junit report: no report or no path given");
    mg_atomic_file af;
    if (mg_atomic_open(&af, path, err) < 0)
        return -1;

    xml_errors xe = {{0}};
    xmlStructuredErrorFunc old_structured = xmlStructuredError;
    void *old_structured_ctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&xe, on_xml_error);
    xmlSetGenericErrorFunc(NULL, on_generic_error);

    jw j = {NULL, 0};
    xmlOutputBufferPtr out = xmlOutputBufferCreateFile(af.fp, NULL);
    if (out)
        j.w = xmlNewTextWriter(out); /* owns out from here on */
    if (!j.w) {
        if (out)
            xmlOutputBufferClose(out);
        j.failed = 1;
    } else {
        write_doc(&j, r);
        xmlFreeTextWriter(j.w); /* flushes into af.fp; does not close it */
    }

    xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);

    if (j.failed) {
        mg_atomic_abort(&af);
        return mg_error_set(err, "'%s': cannot write the JUnit report: %s", path,
                            xe.first[0] ? xe.first : "libxml2 writer failed");
    }
    return mg_atomic_commit(&af, err);
}
