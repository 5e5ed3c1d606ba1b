/*
 * result.h - what a check found: the model every report writer reads.
 *
 * A run produces one mg_report: the run's facts and a list of results, one
 * per JUnit testcase.  Results are grouped into suites by `group` ("data",
 * "metrics", "adversarial", "fixtures", "gate").  Within a group `name` is
 * unique.  Everything is owned by the report: mg_report_free frees it all.
 */
#ifndef MG_CHECKS_RESULT_H
#define MG_CHECKS_RESULT_H

#include <stddef.h>
#include <stdint.h>

typedef enum mg_status {
    MG_STATUS_PASS = 0,
    MG_STATUS_FAIL,  /* the check ran and the data/model did not meet it */
    MG_STATUS_ERROR, /* the check could not run (e.g. the scorer crashed) */
    MG_STATUS_SKIP   /* not judged (e.g. nothing to check) */
} mg_status;

const char *mg_status_name(mg_status s); /* "passed", "failed", "error", "skipped" */

/* A named figure.  Numbers stay numbers in the JSON report. */
typedef struct mg_prop {
    char *key;
    int is_number;
    double number; /* when is_number */
    char *text;    /* when !is_number */
} mg_prop;

typedef struct mg_result {
    char *group;    /* suite name */
    char *name;     /* testcase name, unique within group */
    char *check;    /* check type, e.g. "missing", "metric" */
    mg_status status;
    char *message;  /* one line: why it failed / what it found; may be NULL on pass */
    double seconds; /* wall time spent in this check */
    mg_prop *props;
    size_t nprops, props_cap;
    char **examples; /* first offending rows, "file:line: field: found X, expected Y" */
    size_t nexamples, examples_cap;
    uint64_t examples_total; /* how many there were in all (>= nexamples) */
} mg_result;

/* Facts about the run, shown as suite properties and in the JSON report. */
typedef struct mg_run_facts {
    char *run_id;      /* 32 hex digits, random per run: tells the reports of one run apart */
    char *gate_name;
    char *spec_path;
    char *data_path;
    char *data_sha256; /* hex, or NULL if not computed */
    uint64_t rows_read;
    char *model_path;  /* NULL when no model file */
    char *model_sha256;          /* hex, NULL when no model file */
    char *baseline_model_path;   /* the champion's file, NULL when none */
    char *baseline_model_sha256; /* hex, NULL when no champion file */
    /* "f0 -> age, f1 -> income": set when the model's (or the baseline
     * model's) features were bound by position, a warning in every report;
     * NULL otherwise. */
    char *model_binding;
    char *baseline_model_binding;
    char *started_at;  /* UTC "YYYY-MM-DDTHH:MM:SS" */
    double seconds;    /* whole run */
    char *hostname;
} mg_run_facts;

typedef struct mg_report {
    mg_run_facts facts;
    mg_result **results;
    size_t nresults, results_cap;
} mg_report;

mg_report *mg_report_new(void);
void mg_report_free(mg_report *r);

/* Appends a new result (owned by the report) and returns it for filling. */
mg_result *mg_report_add(mg_report *r, const char *group, const char *name, const char *check);

/* Frees every result, keeping the facts: for a run whose results cannot
 * stand (its data changed while being read).  Results held by a caller
 * are invalid afterwards. */
void mg_report_drop_results(mg_report *r);

void mg_result_set_message(mg_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg_result_prop_number(mg_result *res, const char *key, double value);
void mg_result_prop_text(mg_result *res, const char *key, const char *value);
/* Adds an example if fewer than `keep` are held; always counts it. */
void mg_result_example(mg_result *res, size_t keep, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const mg_prop *mg_result_prop(const mg_result *res, const char *key);

/* Counts over the whole report. */
size_t mg_report_count(const mg_report *r, mg_status s);
/* The overall verdict: FAIL if any result failed, ERROR if any errored (and
 * none failed... errors count as not passing), PASS otherwise. */
mg_status mg_report_verdict(const mg_report *r);

#endif
