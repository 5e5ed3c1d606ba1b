/*
 * result.h - what a check found: the model every report writer reads.
 *
 * A run produces one mg_report: the run's facts and a list of results, one
 * per JUnit testcase.  Results are grouped into suites by `group` ("data",
 * "metrics", "adversarial", "fixtures", "serving", "gate").  Within a group `name` is
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

/* Where an example points, for annotations: a line of a file. */
typedef struct mg_example_pos {
    char *file;         /* as written in the example; NULL when it names no line */
    unsigned long line; /* 1-based */
    /* The data line it comes from as mgate numbers them (sources/data_files.h:
     * the file in the high bits), 0 when none: orders examples merged from
     * the shards of a sharded run (checks/check_state.c). */
    unsigned long data_line;
} mg_example_pos;

/* A histogram of figures a check measured (the latency check's call
 * times), drawn by the HTML report and listed in the JSON report.  The bins
 * cut [lo, hi] into nbins equal parts; a value outside counts in the end
 * bin on its side. */
#define MG_HIST_SERIES_MAX 2
typedef struct mg_histogram {
    char *x_title;       /* "milliseconds per one-row call" */
    double lo, hi;
    size_t nbins;
    size_t nseries;
    char *series_name[MG_HIST_SERIES_MAX]; /* "candidate", "champion" */
    uint64_t *counts[MG_HIST_SERIES_MAX];  /* nbins each */
} mg_histogram;

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
    mg_example_pos *example_pos; /* per example: where it points (file NULL: nowhere) */
    uint64_t examples_total; /* how many there were in all (>= nexamples) */
    mg_histogram *histogram; /* NULL for most checks; owned */
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
    /* HTTP scoring service of the model: "URL: N requests, R retries, F
     * failed" (docs/serving.md); NULL for other models. */
    char *model_service;
    /* The spec changes of this run (docs/overrides.md): the --set
     * arguments as given and the ${NAME} environment variables the spec
     * used; both empty for a spec run as written. */
    char **overrides;
    size_t noverrides;
    char **variables;
    size_t nvariables;
    char *started_at;  /* UTC "YYYY-MM-DDTHH:MM:SS" */
    double seconds;    /* whole run */
    char *hostname;
    char *junit_prefix; /* JUnit classname prefix (reports.junit_prefix); NULL: gate_name */
} mg_run_facts;

struct mg_plot_rows;

typedef struct mg_report {
    mg_run_facts facts;
    mg_result **results;
    size_t nresults, results_cap;
    /* Rows kept for the HTML report's plots (checks/plot_rows.h); NULL
     * unless the run was asked for an HTML report and scored rows.  Owned. */
    struct mg_plot_rows *plots;
} mg_report;

mg_report *mg_report_new(void);
void mg_report_free(mg_report *r);

/* Appends a new result (owned by the report) and returns it for filling. */
mg_result *mg_report_add(mg_report *r, const char *group, const char *name, const char *check);

/* Frees every result and the plots' rows, keeping the facts: for a run
 * whose results cannot stand (its data changed while being read).  Results
 * held by a caller are invalid afterwards. */
void mg_report_drop_results(mg_report *r);

void mg_result_set_message(mg_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg_result_prop_number(mg_result *res, const char *key, double value);
void mg_result_prop_text(mg_result *res, const char *key, const char *value);
/* Adds an example if fewer than `keep` are held; always counts it. */
void mg_result_example(mg_result *res, size_t keep, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, for an example that points at line `line` of `file` (its text
 * still starts "FILE:LINE: "); file NULL or line 0 means it points nowhere. */
void mg_result_example_at(mg_result *res, size_t keep, const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
const mg_prop *mg_result_prop(const mg_result *res, const char *key);
/* Gives the result a histogram of nbins (> 0) bins over [lo, hi] (replacing
 * any it had) and returns it, owned by the result. */
mg_histogram *mg_result_histogram(mg_result *res, const char *x_title, double lo, double hi, size_t nbins);
/* Adds a series of n values to h (ignored past MG_HIST_SERIES_MAX; NaN
 * values are left out). */
void mg_histogram_add(mg_histogram *h, const char *name, const double *v, size_t n);

/* Counts over the whole report. */
size_t mg_report_count(const mg_report *r, mg_status s);
/* The overall verdict: FAIL if any result failed, ERROR if any errored (and
 * none failed... errors count as not passing), PASS otherwise. */
mg_status mg_report_verdict(const mg_report *r);

#endif
