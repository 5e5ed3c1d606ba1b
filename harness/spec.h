/*
 * spec.h - the gate spec: a JSON file saying what data to read, what the
 * data must look like, which checks to run and where to write reports.
 * The format is documented in README.md ("The gate spec").
 *
 * mg_spec_load validates the whole file before anything runs: an unknown
 * key, a misspelt check name or a value of the wrong kind is reported as
 * `FILE:LINE:COL: what is wrong` (with "did you mean" when a known name is
 * close), never ignored.  Paths in the spec are relative to the spec file.
 */
#ifndef MG_HARNESS_SPEC_H
#define MG_HARNESS_SPEC_H

#include <jansson.h>

#include "checks/check.h"
#include "checks/schema.h"
#include "sources/source.h"

typedef struct mg_check_spec {
    const mg_check_def *def;
    char *name;              /* unique within its group */
    const json_t *options;   /* the check's object in the spec (borrowed from root) */
    int has_max_count, has_max_rate;
    uint64_t max_count;
    double max_rate;
    int implicit;            /* added by mgate (format, limits), not listed */
} mg_check_spec;

typedef struct mg_model_ref {
    char *path;              /* resolved against the spec folder; NULL if none */
    char *format;            /* "xgboost", "linear", "pmml" or NULL (detect) */
    char **command;          /* external scorer argv, NULL-terminated; NULL if none */
    struct mg_http_config *http; /* an HTTP service (harness/spec_model_http.c); NULL if none */
    double timeout_seconds;
    size_t batch_size;
    /* "features": the data column of each model feature, in the model's
     * order; NULL when the spec gives none (bind by the model's own names).
     * features_at / feature_at[i]: "FILE:LINE:COL: model.features[i]" of the
     * list and of each name, for errors found once the model and the data
     * are open. */
    char **features;
    size_t nfeatures;
    char *features_at;
    char **feature_at;
} mg_model_ref;

typedef struct mg_spec {
    char *path;              /* as given */
    char *dir;               /* folder of the spec file */
    json_t *root;            /* the parsed spec; check options point into it */
    char *name;
    char *data_path;         /* resolved; for a list, its entries joined by ", " (for display) */
    char **data_entries;     /* data.path's entries, resolved: files or glob patterns (data_files.h) */
    size_t ndata_entries;
    mg_format format;
    char delimiter;
    char *roles[MG_ROLE_COUNT]; /* column names, NULL when unset */
    mg_time_zone time_zone;  /* data.time_zone: of data.time and timestamp fields without their own */
    /* The task scores are judged as (an mg_model_task), or -1 when nothing
     * tells it: data.task, else all_metrics' "task", else inferred from the
     * metric checks listed (rmse => regression).  A model's own task is used
     * instead when the spec names one. */
    int task;
    int task_given;          /* 1: data.task set it explicitly */
    char *positive_label;    /* data.positive_label as text; NULL when unset */
    mg_field_spec *fields;
    size_t nfields;
    mg_limits limits;
    mg_check_spec *checks;
    size_t nchecks;
    size_t examples;         /* examples kept per check (default 5) */
    char *junit_path, *json_path, *summary_path; /* resolved, NULL when unset */
    char *html_path;         /* reports.html, resolved; NULL when unset.  When set
                                the run keeps what the HTML report's plots need */
    char *junit_prefix;      /* reports.junit_prefix: JUnit classname prefix; NULL: the gate's name */
    size_t annotations;      /* reports.annotations: GitHub annotations per check (default 10) */
    mg_model_ref model;      /* model.path/command; both NULL when none */
    mg_model_ref baseline_model; /* the champion, scored beside the model; NULL paths when none */
    char *baseline_path;     /* resolved; NULL when the spec names no baseline */
    int baseline_mismatch_warns; /* 1: other data sha256 is a warning, 0: an error */
    /* What this run changed (docs/overrides.md), for the reports: the
     * --set arguments as given, and the environment variables the spec
     * named with ${NAME}. */
    char **overrides;
    size_t noverrides;
    char **variables;
    size_t nvariables;
} mg_spec;

/* The largest spec mg_spec_load reads (README, "The gate spec"): a spec is
 * a page or two, so anything near this is the wrong file. */
#define MG_SPEC_MAX_BYTES (16u << 20)

/* Error list filled by the loader: at most MG_SPEC_MAX_ERRORS messages. */
#define MG_SPEC_MAX_ERRORS 20
typedef struct mg_spec_errors {
    char *msg[MG_SPEC_MAX_ERRORS];
    size_t count;   /* messages held */
    size_t total;   /* errors found (may exceed count) */
} mg_spec_errors;

/* Sets the default size limits of `mgate run` (README, "limits"), which
 * `mgate score` shares: max_field_bytes 1 MiB, max_row_bytes 16 MiB,
 * max_columns 10000, min_rows 1, the rest unlimited. */
void mg_limits_defaults(mg_limits *limits);

/* Loads and validates a spec.  Returns a spec the caller frees with
 * mg_spec_free, or NULL with errs filled (free with mg_spec_errors_free). */
mg_spec *mg_spec_load(const char *path, mg_spec_errors *errs);

/* mg_spec_load with `${NAME}` expanded from the environment (always) and
 * then each "KEY.PATH=VALUE" of set_args (nsets of them, from --set)
 * applied before validation.  An error inside a --set value names the
 * argument instead of a position.  Paths given by --set are relative to
 * the current folder, those from the file to the spec's folder. */
mg_spec *mg_spec_load_with(const char *path, const char *const *set_args, size_t nsets, mg_spec_errors *errs);
void mg_spec_free(mg_spec *spec);
void mg_spec_errors_free(mg_spec_errors *errs);

/* Replaces the spec's checks by the one check of the given type (used by
 * `mgate baseline`, which only computes metrics). */
void mg_spec_only_check(mg_spec *spec, const char *type);

/* Resolves a path from the spec against the spec's folder (absolute paths
 * are kept).  Returns a new string. */
char *mg_spec_resolve(const mg_spec *spec, const char *rel);

#endif
