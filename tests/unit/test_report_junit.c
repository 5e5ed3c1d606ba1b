/* Unit tests for reports/junit.c and its helpers reports/xml_text.c and
 * reports/num_text.c: the JUnit file is parsed back with libxml2, checked
 * with XPath and validated against Jenkins' junit-10.xsd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/version.h"
#include "reports/num_text.h"
#include "reports/writers.h"
#include "reports/xml_text.h"
#include "tests/unit/report_fixture.h"
#include "tests/unit/support/shared.h"

/* In the shared folder (../shared from the repo root, where the tests run;
 * CI clones shared/ beside the repo).  A test that validates against a
 * schema is skipped, saying so, when the schema is absent. */
#define JUNIT_XSD "junit/junit-10.xsd"
#define STRICT_XSD "junit/ant-junit-strict.xsd"
#define XSD_WHY "the JUnit XML schemas Jenkins and Ant read reports with"

/* ---- helpers ------------------------------------------------------------- */

/* Writes r as JUnit into a fresh folder and parses it back; *dir_out gets
 * the folder (free + remove_tree). */
static xmlDocPtr write_and_parse(const mg_report *r, char **dir_out)
{
    char *dir = make_temp_dir();
    assert_non_null(dir);
    char *path = mg_xasprintf("%s/mgate.xml", dir);
    mg_error err = {{0}};
    int rc = mg_write_junit(r, path, &err);
    if (rc != 0)
        fail_msg("mg_write_junit: %s", err.msg);
    /* No recovery, no network: a file that is not well-formed fails here. */
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    free(path);
    *dir_out = dir;
    return doc;
}

static void done(xmlDocPtr doc, char *dir)
{
    xmlFreeDoc(doc);
    remove_tree(dir);
    free(dir);
}

/* The string value of an XPath expression (a new string; "" if none). */
static char *xp_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    char *full = mg_xasprintf("string(%s)", expr);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST full, ctx);
    free(full);
    assert_non_null(obj);
    char *s = mg_xstrdup(obj->stringval ? (const char *)obj->stringval : "");
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return s;
}

static double xp_number(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(obj);
    double v = xmlXPathCastToNumber(obj);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return v;
}

static void assert_xp(xmlDocPtr doc, const char *expr, const char *want)
{
    char *got = xp_string(doc, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', expected '%s'", expr, got, want);
    free(got);
}

static void assert_xp_count(xmlDocPtr doc, const char *expr, double want)
{
    char *e = mg_xasprintf("count(%s)", expr);
    double got = xp_number(doc, e);
    if (got != want)
        fail_msg("%s: got %g, expected %g", e, got, want);
    free(e);
}

#if LIBXML_VERSION >= 21200
static void quiet_error(void *ctx, const xmlError *e)
#else
static void quiet_error(void *ctx, xmlErrorPtr e)
#endif
{
    (void)ctx;
    (void)e;
}

/* 0 when doc is valid against the schema at xsd_path; the reasons are
 * printed unless quiet. */
static int validate_q(xmlDocPtr doc, const char *xsd_path, int quiet);

static int validate(xmlDocPtr doc, const char *xsd_path)
{
    return validate_q(doc, xsd_path, 0);
}

static int validate_q(xmlDocPtr doc, const char *xsd, int quiet)
{
    const char *xsd_path = tu_shared(xsd);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd_path);
    assert_non_null(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!schema)
        fail_msg("cannot read the schema '%s' (run the tests from the repo root, "
                 "with shared/ beside the repo)", xsd_path);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (quiet)
        xmlSchemaSetValidStructuredErrors(vc, quiet_error, NULL);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    return rc;
}

/* Valid against the strict Ant schema once <testsuites> loses the
 * attributes and the testcases their <system-out>, which that schema
 * forbids (and readers use). */
static void assert_strict_but_root_attributes(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    while (root->properties)
        xmlRemoveProp(root->properties);
    for (xmlNodePtr suite = root->children; suite; suite = suite->next)
        for (xmlNodePtr tc = suite->children; tc; tc = tc->next) {
            if (tc->type != XML_ELEMENT_NODE || !xmlStrEqual(tc->name, BAD_CAST "testcase"))
                continue;
            for (xmlNodePtr c = tc->children, next; c; c = next) {
                next = c->next;
                if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "system-out")) {
                    xmlUnlinkNode(c);
                    xmlFreeNode(c);
                }
            }
        }
    assert_int_equal(validate(doc, STRICT_XSD), 0);
}

/* ---- xml_text ------------------------------------------------------------ */

static void test_xml_text_keeps_valid_utf8(void **state)
{
    (void)state;
    /* ASCII, 2-, 3- and 4-byte characters, tab, LF, CR, U+FFFD, U+10FFFF. */
    const char *s = "a\tb\nc\r\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD \xF4\x8F\xBF\xBF";
    char *out = mg_text_clean(s, MG_TEXT_XML);
    assert_string_equal(out, s);
    free(out);
    out = mg_text_clean(NULL, MG_TEXT_XML);
    assert_string_equal(out, "");
    free(out);
}

static void test_xml_text_replaces_forbidden_characters(void **state)
{
    (void)state;
    /* C0 controls (not tab/LF/CR) and U+FFFE/U+FFFF are not XML 1.0 characters;
     * DEL and C1 controls are. */
    char *out = mg_text_clean("a\x01" "b\x1f" "c\xEF\xBF\xBE" "d\xEF\xBF\xBF" "e\x7f\xC2\x85", MG_TEXT_XML);
    assert_string_equal(out, "a" FFFD "b" FFFD "c" FFFD "d" FFFD "e\x7f\xC2\x85");
    free(out);
    /* Without MG_TEXT_XML (JSON) control characters stay. */
    out = mg_text_clean("a\x01" "b", 0);
    assert_string_equal(out, "a\x01" "b");
    free(out);
}

static void test_xml_text_replaces_invalid_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"\x80x", FFFD "x"},                    /* lone continuation byte */
        {"\xC3", FFFD},                         /* truncated at the end */
        {"\xE2\x82x", FFFD "x"},                /* truncated 3-byte: one U+FFFD for the subpart */
        {"\xC0\x80", FFFD FFFD},                /* overlong NUL */
        {"\xE0\x80\x80", FFFD FFFD FFFD},       /* overlong 3-byte */
        {"\xED\xA0\x80", FFFD FFFD FFFD},       /* encoded lone surrogate U+D800 */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD}, /* over U+10FFFF */
        {"\xF5\xFF", FFFD FFFD},                /* never valid bytes */
        {"\xF0\x9F\x98", FFFD},                 /* truncated 4-byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = mg_text_clean(cases[i].in, MG_TEXT_XML);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("case %zu: wrong replacement", i);
        free(out);
    }
}

static void test_xml_text_one_line_and_truncate(void **state)
{
    (void)state;
    char *out = mg_text_clean("a\r\nb\nc\td\re", MG_TEXT_ONE_LINE);
    assert_string_equal(out, "a b c d e");
    free(out);
    /* Cutting never splits a character: "é" is 2 bytes. */
    char s[] = "ab\xC3\xA9\xC3\xA9\xC3\xA9";
    assert_int_equal(mg_text_truncate(s, 6), 1);
    assert_string_equal(s, "ab...");
    char t[] = "short";
    assert_int_equal(mg_text_truncate(t, 5), 0);
    assert_string_equal(t, "short");
}

/* ---- num_text ------------------------------------------------------------ */

static void test_num_text_shortest_exact(void **state)
{
    (void)state;
    char buf[MG_NUM_BUF];
    assert_string_equal(mg_num_text(0.1, buf), "0.1");
    assert_string_equal(mg_num_text(1000, buf), "1000");
    assert_string_equal(mg_num_text(0.003, buf), "0.003");
    const double hard[] = {1.0 / 3, 0.1 + 0.2, 1e-300, -2.2250738585072014e-308, 9007199254740993.0,
                           123456.789e10, 5e-324, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) {
        mg_num_text(hard[i], buf);
        assert_true(strtod(buf, NULL) == hard[i]);
    }
    assert_string_equal(mg_num_text(NAN, buf), "nan");
    assert_string_equal(mg_num_text(INFINITY, buf), "inf");
    assert_string_equal(mg_num_text(-INFINITY, buf), "-inf");
}

static void test_num_text_seconds(void **state)
{
    (void)state;
    char buf[MG_NUM_BUF];
    assert_string_equal(mg_seconds_text(1.23456, buf), "1.235");
    assert_string_equal(mg_seconds_text(0, buf), "0.000");
    assert_string_equal(mg_seconds_text(-1, buf), "0.000");
    assert_string_equal(mg_seconds_text(NAN, buf), "0.000");
    assert_string_equal(mg_seconds_text(1e300, buf), "1000000000000.000");
}

/* ---- the JUnit file ------------------------------------------------------ */

static void test_report_junit_validates_against_xsd(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JUNIT_XSD, XSD_WHY);
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_int_equal(validate(doc, JUNIT_XSD), 0);
    done(doc, dir);
    mg_report_free(r);
}

static void test_report_junit_empty_report_validates(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JUNIT_XSD, XSD_WHY);
    mg_report *r = mg_report_new(); /* no facts at all, no results */
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_int_equal(validate(doc, JUNIT_XSD), 0);
    assert_xp(doc, "/testsuites/@tests", "0");
    assert_xp_count(doc, "//testsuite", 0);
    done(doc, dir);
    mg_report_free(r);
}

/* Missing or malformed facts still give a file both schemas accept: the
 * timestamp falls back to the time of writing, the hostname to localhost. */
static void test_report_junit_missing_facts_get_fallbacks(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JUNIT_XSD, XSD_WHY);
    TU_NEEDS_SHARED(STRICT_XSD, XSD_WHY);
    mg_report *r = mg_report_new();
    r->facts.started_at = mg_xstrdup("2026-02-30T10:00:00"); /* no such day */
    r->facts.hostname = mg_xstrdup("  ");
    mg_report_add(r, "data", "a", "missing")->status = MG_STATUS_FAIL;
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_int_equal(validate(doc, JUNIT_XSD), 0);
    char *ts = xp_string(doc, "//testsuite/@timestamp");
    assert_string_not_equal(ts, "2026-02-30T10:00:00");
    regex_t re;
    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$",
                             REG_EXTENDED | REG_NOSUB), 0);
    assert_int_equal(regexec(&re, ts, 0, NULL, 0), 0);
    regfree(&re);
    free(ts);
    assert_xp(doc, "//testsuite/@hostname", "localhost");
    assert_xp(doc, "/testsuites/@name", "mgate");
    assert_xp(doc, "//failure/@message", "check failed");
    assert_xp(doc, "//property[@name='model_path']/@value", ""); /* absent, not empty */
    assert_xp_count(doc, "//property[@name='model_path']", 0);
    assert_strict_but_root_attributes(doc);
    done(doc, dir);
    mg_report_free(r);
}

/* The strict Ant schema forbids attributes on <testsuites>, which the brief
 * wants and readers use; everything else must satisfy it. */
static void test_report_junit_strict_schema_but_root_attributes(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(STRICT_XSD, XSD_WHY);
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_int_not_equal(validate_q(doc, STRICT_XSD, 1), 0);
    assert_strict_but_root_attributes(doc);
    done(doc, dir);
    mg_report_free(r);
}

static void test_report_junit_counts_and_suites(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    /* Totals come from the report. */
    char want[32];
    snprintf(want, sizeof want, "%zu", r->nresults);
    assert_xp(doc, "/testsuites/@tests", want);
    snprintf(want, sizeof want, "%zu", mg_report_count(r, MG_STATUS_FAIL));
    assert_xp(doc, "/testsuites/@failures", want);
    snprintf(want, sizeof want, "%zu", mg_report_count(r, MG_STATUS_ERROR));
    assert_xp(doc, "/testsuites/@errors", want);
    assert_xp(doc, "/testsuites/@name", "demo");
    assert_xp(doc, "/testsuites/@time", "1.500");
    /* One suite per group, in first-appearance order, ids from 0. */
    assert_xp_count(doc, "/testsuites/testsuite", 4);
    /* Suite names (and so classnames) carry the gate's name: issue 10. */
    assert_xp(doc, "/testsuites/testsuite[1]/@name", "demo.mgate.data");
    assert_xp(doc, "/testsuites/testsuite[2]/@name", "demo.mgate.metrics");
    assert_xp(doc, "/testsuites/testsuite[3]/@name", "demo.mgate.adversarial");
    assert_xp(doc, "/testsuites/testsuite[4]/@name", "demo.mgate.fixtures");
    assert_xp(doc, "/testsuites/testsuite[3]/@id", "2");
    /* Each suite's counts agree with its testcases. */
    for (int s = 1; s <= 4; s++) {
        char e1[160], e2[160];
        static const char *const pairs[][2] = {{"tests", "testcase"},
                                               {"failures", "testcase[failure]"},
                                               {"errors", "testcase[error]"},
                                               {"skipped", "testcase[skipped]"}};
        for (int k = 0; k < 4; k++) {
            snprintf(e1, sizeof e1, "number(/testsuites/testsuite[%d]/@%s)", s, pairs[k][0]);
            snprintf(e2, sizeof e2, "count(/testsuites/testsuite[%d]/%s)", s, pairs[k][1]);
            assert_true(xp_number(doc, e1) == xp_number(doc, e2));
        }
    }
    assert_xp(doc, "/testsuites/testsuite[1]/@tests", "3");
    assert_xp(doc, "/testsuites/testsuite[1]/@failures", "2");
    /* Suite time is the sum of its cases: 0.0012 + 0.25 + 0.001. */
    assert_xp(doc, "/testsuites/testsuite[1]/@time", "0.252");
    assert_xp(doc, "/testsuites/testsuite[1]/@timestamp", "2026-11-23T10:00:00");
    assert_xp(doc, "/testsuites/testsuite[1]/@hostname", "ci-runner-1");
    /* Cases: classname is the suite, the status element matches. */
    assert_xp_count(doc, "//testcase", 7);
    assert_xp_count(doc, "//testcase[@classname != ../@name]", 0);
    assert_xp(doc, "//testcase[@name='range_income']/failure/@type", "range");
    assert_xp(doc, "//testcase[@name='range_income']/failure/@message",
              "3 values of 'income' out of range [0, 1e6]");
    assert_xp(doc, "//testcase[@name='range_income']/@time", "0.250");
    assert_xp_count(doc, "//testcase[@name='auc']/error[@type='metric']", 1);
    assert_xp(doc, "//testcase[@name='flip_rate']/skipped/@message", "no numeric features to perturb");
    /* A passed case holds only its output. */
    assert_xp_count(doc, "//testcase[@name='accuracy']/*", 1);
    assert_xp_count(doc, "//testcase[@name='accuracy']/system-out", 1);
    done(doc, dir);
    mg_report_free(r);
}

/* Issue 10: the classname carries the gate's name, so the reports of
 * several gates read in one CI run never collide; reports.junit_prefix
 * replaces it, and "" gives the bare "mgate.GROUP". */
static void test_report_junit_classname_has_gate_name(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_xp(doc, "//testcase[@name='range_income']/@classname", "demo.mgate.data");
    assert_xp(doc, "//testcase[@name='accuracy']/@classname", "demo.mgate.metrics");
    assert_xp_count(doc, "//testcase[not(starts-with(@classname, 'demo.mgate.'))]", 0);
    done(doc, dir);

    r->facts.junit_prefix = mg_xstrdup("team-a/fraud\nv2");
    doc = write_and_parse(r, &dir);
    assert_xp(doc, "//testcase[@name='range_income']/@classname", "team-a/fraud v2.mgate.data");
    assert_xp(doc, "/testsuites/testsuite[2]/@name", "team-a/fraud v2.mgate.metrics");
    done(doc, dir);

    free(r->facts.junit_prefix);
    r->facts.junit_prefix = mg_xstrdup("");
    doc = write_and_parse(r, &dir);
    assert_xp(doc, "//testcase[@name='range_income']/@classname", "mgate.data");
    done(doc, dir);
    mg_report_free(r);
}

/* Issue 10: every testcase, passed ones too, has its own <system-out>: a
 * one-line "status: message", then its figures as key=value lines. */
static void test_report_junit_every_case_has_its_figures(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_xp_count(doc, "//testcase[not(system-out)]", 0);
    assert_xp(doc, "//testcase[@name='accuracy']/system-out", "passed\nvalue=0.93\nbound=0.9\nbound_option=min\ndecision_threshold=0.3\n");
    assert_xp(doc, "//testcase[@name='missing_age']/system-out",
              "passed\ncount=0\nrate=0\nmax_rate=0.01\nrows=1000\n");
    assert_xp(doc, "//testcase[@name='range_income']/system-out",
              "failed: 3 values of 'income' out of range [0, 1e6]\ncount=3\nrate=0.003\nbound=0.001\nbound_option=max_rate\n");
    assert_xp(doc, "//testcase[@name='flip_rate']/system-out", "skipped: no numeric features to perturb\n");
    /* The summary stays on one line whatever the message holds. */
    assert_xp(doc, "substring-before(//testcase[@name='nasty']/system-out, '\n')", "failed: " NASTY_ONE_LINE);
    /* Schema validity of these cases: test_report_junit_validates_against_xsd. */
    done(doc, dir);
    mg_report_free(r);
}

static void test_report_junit_failure_text_has_examples(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    char *body = xp_string(doc, "//testcase[@name='range_income']/failure");
    /* Message, then one example per line, then the rest counted. */
    assert_non_null(strstr(body, "3 values of 'income' out of range [0, 1e6]\n"
                                 "eval.csv:14: income: found -5, expected >= 0\n"
                                 "eval.csv:20: income: found \"1e9\", expected a number\n"
                                 "... and 1 more\n"));
    /* The figures follow, key=value. */
    assert_non_null(strstr(body, "\ncount=3\n"));
    assert_non_null(strstr(body, "\nrate=0.003\n"));
    assert_null(strstr(body, "eval.csv:31"));
    free(body);
    done(doc, dir);
    mg_report_free(r);
}

static void test_report_junit_properties_hold_facts_and_figures(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    const char *p1 = "/testsuites/testsuite[1]/properties/property";
    char e[200];
    snprintf(e, sizeof e, "%s[@name='gate_name']/@value", p1);
    assert_xp(doc, e, "demo");
    snprintf(e, sizeof e, "%s[@name='data_sha256']/@value", p1);
    assert_xp(doc, e, r->facts.data_sha256);
    snprintf(e, sizeof e, "%s[@name='rows_read']/@value", p1);
    assert_xp(doc, e, "1000");
    snprintf(e, sizeof e, "%s[@name='model_path']/@value", p1);
    assert_xp(doc, e, "fixtures/demo/model.json");
    snprintf(e, sizeof e, "%s[@name='model_sha256']/@value", p1);
    assert_xp(doc, e, r->facts.model_sha256);
    snprintf(e, sizeof e, "%s[@name='baseline_model_path']/@value", p1);
    assert_xp(doc, e, "fixtures/demo/champion.json");
    snprintf(e, sizeof e, "%s[@name='baseline_model_sha256']/@value", p1);
    assert_xp(doc, e, r->facts.baseline_model_sha256);
    snprintf(e, sizeof e, "%s[@name='run_id']/@value", p1);
    assert_xp(doc, e, r->facts.run_id);
    /* Every suite carries the run id: a suite copied from another run shows. */
    assert_xp_count(doc, "//testsuite/properties/property[@name='run_id']", 4);
    snprintf(e, sizeof e, "%s[@name='mgate_version']/@value", p1);
    assert_xp(doc, e, MGATE_VERSION);
    /* Per-case figures as NAME.KEY, numbers exact and C-locale. */
    snprintf(e, sizeof e, "%s[@name='range_income.rate']/@value", p1);
    char *v = xp_string(doc, e);
    assert_true(strtod(v, NULL) == 0.003);
    free(v);
    assert_xp(doc, "//property[@name='accuracy.value']/@value", "0.93");
    assert_xp(doc, "//property[@name='nasty.found']/@value", "<&>" FFFD);
    /* Figures of one suite's cases are not in another suite. */
    assert_xp_count(doc, "/testsuites/testsuite[2]/properties/property[@name='range_income.rate']", 0);
    /* The suite's system-out lists them per case. */
    char *out = xp_string(doc, "/testsuites/testsuite[2]/system-out");
    assert_non_null(strstr(out, "accuracy: passed\n  value=0.93\n  bound=0.9\n  bound_option=min\n"
                                "  decision_threshold=0.3\n"));
    assert_xp(doc, "//property[@name='accuracy.decision_threshold']/@value", "0.3");
    free(out);
    done(doc, dir);
    mg_report_free(r);
}

static void test_report_junit_nasty_text_round_trips(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    /* The attribute is the cleaned message on one line; ]]>, quotes and
     * <&> come back as they were. */
    assert_xp(doc, "//testcase[@name='nasty']/failure/@message", NASTY_ONE_LINE);
    char *body = xp_string(doc, "//testcase[@name='nasty']/failure");
    assert_non_null(strstr(body, "<&> | pipe\nsecond line\n"));
    assert_non_null(strstr(body, "found \"]]>\" and ```code```\n"));
    free(body);
    done(doc, dir);
    mg_report_free(r);
}

static void test_report_junit_long_message_is_cut_in_attribute_only(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JUNIT_XSD, XSD_WHY);
    mg_report *r = mg_report_new();
    mg_result *res = mg_report_add(r, "data", "long", "missing");
    res->status = MG_STATUS_FAIL;
    size_t n = 100000;
    char *msg = mg_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        msg[i] = i % 2 ? '\xA9' : '\xC3'; /* "é" over and over */
    msg[n] = '\0';
    mg_result_set_message(res, "%s", msg);
    free(msg);
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_int_equal(validate(doc, JUNIT_XSD), 0);
    char *attr = xp_string(doc, "//failure/@message");
    assert_true(strlen(attr) <= 1024);
    assert_true(strlen(attr) > 1000);
    assert_non_null(strstr(attr, "\xC3\xA9..."));
    free(attr);
    char *body = xp_string(doc, "//failure");
    assert_true(strlen(body) >= n);
    free(body);
    done(doc, dir);
    mg_report_free(r);
}

/* True when no two testcases share classname and name. */
static int cases_unique(xmlDocPtr doc)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST "//testcase", ctx);
    assert_non_null(obj);
    int n = obj->nodesetval ? obj->nodesetval->nodeNr : 0;
    char **keys = mg_xcalloc((size_t)n + 1, sizeof *keys);
    int unique = 1;
    for (int i = 0; i < n; i++) {
        xmlNodePtr node = obj->nodesetval->nodeTab[i];
        xmlChar *c = xmlGetProp(node, BAD_CAST "classname");
        xmlChar *nm = xmlGetProp(node, BAD_CAST "name");
        keys[i] = mg_xasprintf("%s|%s", c ? (char *)c : "", nm ? (char *)nm : "");
        xmlFree(c);
        xmlFree(nm);
        for (int k = 0; k < i; k++)
            unique &= strcmp(keys[k], keys[i]) != 0;
    }
    for (int i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return unique;
}

static void test_report_junit_duplicate_names_get_suffix(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JUNIT_XSD, XSD_WHY);
    mg_report *r = mg_report_new();
    mg_report_add(r, "data", "dup", "missing");
    mg_report_add(r, "data", "dup", "missing");
    mg_report_add(r, "data", "dup (2)", "missing");
    mg_report_add(r, "metrics", "dup", "metric"); /* other classname: no clash */
    /* Names that differ only in invalid bytes clash once cleaned. */
    mg_report_add(r, "data", "x\xff", "missing");
    mg_report_add(r, "data", "x\xfe", "missing");
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    assert_int_equal(validate(doc, JUNIT_XSD), 0);
    assert_xp_count(doc, "//testcase", 6);
    /* No two cases share classname and name. */
    assert_true(cases_unique(doc));
    assert_xp(doc, "//testsuite[@name='mgate.data']/testcase[1]/@name", "dup");
    assert_xp(doc, "//testsuite[@name='mgate.data']/testcase[2]/@name", "dup (2)");
    assert_xp(doc, "//testsuite[@name='mgate.metrics']/testcase[1]/@name", "dup");
    assert_xp(doc, "//testsuite[@name='mgate.data']/testcase[5]/@name", "x" FFFD " (2)");
    done(doc, dir);
    mg_report_free(r);
}

static int all_times_plain(xmlDocPtr doc)
{
    regex_t re;
    assert_int_equal(regcomp(&re, "^[0-9]+\\.[0-9]{3}$", REG_EXTENDED | REG_NOSUB), 0);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST "//@time", ctx);
    int ok = obj && obj->nodesetval && obj->nodesetval->nodeNr > 0;
    for (int i = 0; ok && i < obj->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
        ok = v && regexec(&re, (const char *)v, 0, NULL, 0) == 0;
        xmlFree(v);
    }
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    regfree(&re);
    return ok;
}

static void test_report_junit_numbers_are_c_locale(void **state)
{
    (void)state;
    TU_NEEDS_SHARED(JUNIT_XSD, XSD_WHY);
    int comma = enter_comma_locale();
    mg_report *r = fixture_report();
    char *dir;
    xmlDocPtr doc = write_and_parse(r, &dir);
    setlocale(LC_ALL, "C");
    assert_true(all_times_plain(doc));
    assert_xp(doc, "//property[@name='accuracy.value']/@value", "0.93");
    assert_xp(doc, "//testcase[@name='range_income']/@time", "0.250");
    assert_int_equal(validate(doc, JUNIT_XSD), 0);
    done(doc, dir);
    mg_report_free(r);
    if (!comma)
        print_message("note: no de_DE/fr_FR locale installed; checked in the C locale only\n");
}

/* ---- atomic writing ------------------------------------------------------ */

static void test_report_junit_keeps_old_file_when_folder_unwritable(void **state)
{
    (void)state;
    assert_writer_keeps_old_file(mg_write_junit, ".xml");
}

static void test_report_junit_replaces_old_file(void **state)
{
    (void)state;
    mg_report *r = fixture_report();
    char *dir = make_temp_dir();
    char *path = mg_xasprintf("%s/mgate.xml", dir);
    write_text(path, "old");
    mg_error err = {{0}};
    assert_int_equal(mg_write_junit(r, path, &err), 0);
    char *text = slurp(path);
    assert_non_null(strstr(text, "<testsuites"));
    free(text);
    assert_int_equal(count_entries(dir, ".tmp."), 0);
    free(path);
    remove_tree(dir);
    free(dir);
    mg_report_free(r);
}

static int teardown_libxml(void **state)
{
    (void)state;
    xmlCleanupParser();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_text_keeps_valid_utf8),
        cmocka_unit_test(test_xml_text_replaces_forbidden_characters),
        cmocka_unit_test(test_xml_text_replaces_invalid_utf8),
        cmocka_unit_test(test_xml_text_one_line_and_truncate),
        cmocka_unit_test(test_num_text_shortest_exact),
        cmocka_unit_test(test_num_text_seconds),
        cmocka_unit_test(test_report_junit_validates_against_xsd),
        cmocka_unit_test(test_report_junit_empty_report_validates),
        cmocka_unit_test(test_report_junit_missing_facts_get_fallbacks),
        cmocka_unit_test(test_report_junit_strict_schema_but_root_attributes),
        cmocka_unit_test(test_report_junit_counts_and_suites),
        cmocka_unit_test(test_report_junit_classname_has_gate_name),
        cmocka_unit_test(test_report_junit_every_case_has_its_figures),
        cmocka_unit_test(test_report_junit_failure_text_has_examples),
        cmocka_unit_test(test_report_junit_properties_hold_facts_and_figures),
        cmocka_unit_test(test_report_junit_nasty_text_round_trips),
        cmocka_unit_test(test_report_junit_long_message_is_cut_in_attribute_only),
        cmocka_unit_test(test_report_junit_duplicate_names_get_suffix),
        cmocka_unit_test(test_report_junit_numbers_are_c_locale),
        cmocka_unit_test(test_report_junit_keeps_old_file_when_folder_unwritable),
        cmocka_unit_test(test_report_junit_replaces_old_file),
    };
    return cmocka_run_group_tests_name("report_junit", tests, NULL, teardown_libxml);
}
