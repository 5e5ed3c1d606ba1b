/*
 * fixture_cases.h - fixture cases: reading the JSON Lines case files, scoring a
 * case with a model, comparing with its expectation, and recording the
 * model's current output as a new expectation.  Shared by the `fixtures`
 * check and `mgate fixture add|update`.
 *
 * A case is one line:
 *   {"id": "big-amount", "input": {"amount": 1e6, "currency": "EUR"},
 *    "expect": {"label": 1, "score": 0.93, "tolerance": 1e-6},
 *    "tags": ["edge"], "note": "why the case exists / ticket"}
 * "expect" may instead be {"reject": true} (the model must refuse the row),
 * or be left out (the case must score, to a finite value).
 * Blank lines and lines starting with '#' are skipped.
 *
 * Nothing here prints or exits.
 */
#ifndef MG_CHECKS_ADV_CASES_H
#define MG_CHECKS_ADV_CASES_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"
#include "score/model.h"

typedef struct adv_case {
    char *file;          /* the case file */
    unsigned long line;  /* 1-based */
    char *raw;           /* the line as read (no newline) */
    json_t *obj;         /* the parsed case; NULL for a blank/comment line */
    const char *id;      /* borrowed from obj */
} adv_case;

typedef struct adv_cases {
    adv_case *c;         /* every line of every file, in order */
    size_t n, cap;
    char **files;        /* the files read, sorted */
    size_t nfiles;
} adv_cases;

/*
 * The case files of `path`: the file itself, or every *.jsonl file in the
 * folder (sorted by name).  Fills *files (caller frees each and the array)
 * and *n.  Returns 0 (a missing folder or file gives 0 files when
 * missing_ok), or -1 with err.
 */
int adv_case_files(const char *path, int missing_ok, char ***files, size_t *n, mg_error *err);

/* Reads every case of every file.  Returns 0, or -1 with err as
 * `FILE:LINE:COL: what is wrong` (bad JSON, no id, a duplicate id, no input
 * object, a bad expect).  Free with adv_cases_free (also after -1). */
int adv_cases_load(adv_cases *cs, const char *path, mg_error *err);
void adv_cases_free(adv_cases *cs);

/* A model bound to columns named after its own features, to score inputs
 * given as JSON objects. */
typedef struct adv_case_model {
    mg_model *model;          /* borrowed */
    mg_binding *binding;      /* owned */
    char **columns;           /* feature names */
    size_t ncolumns;
} adv_case_model;

/* Case inputs name the model's features: by `names` (the spec's
 * model.features, mg_model_nfeatures(m) of them) when not NULL, else as the
 * model names them, else f0, f1, ... */
int adv_case_model_init(adv_case_model *cm, mg_model *m, const char *const *names, mg_error *err);
void adv_case_model_free(adv_case_model *cm);

typedef struct adv_case_result {
    int scored;        /* 1: out holds the outputs; 0: rejected or broken */
    int broken;        /* the scorer crashed / timed out */
    int finite;        /* every output finite */
    double out[64];    /* first outputs (models with more are cut to 64) */
    size_t k;
    char why[512];     /* the model's message when not scored */
} adv_case_result;

/* Scores an input object.  Always fills r (never fails: a bad input is a
 * rejection with why). */
void adv_case_score(const adv_case_model *cm, const json_t *input, adv_case_result *r);

/*
 * Compares a result with the case's expectation.  Returns 0 when it
 * matches, 1 with diff filled ("score 0.81, expected 0.93 ± 1e-06").
 * default_tol applies when the case gives no tolerance; threshold decides
 * binary labels.
 */
int adv_case_compare(const adv_case_model *cm, const json_t *expect, const adv_case_result *r,
                     double default_tol, double threshold, char *diff, size_t size);

/* The model's current output as an expectation: {"label", "score",
 * "tolerance"} or {"reject": true}.  New reference. */
json_t *adv_case_expect_now(const adv_case_model *cm, const adv_case_result *r, double tol,
                            double threshold);

/* Prints a fixture-case line for row (compact JSON, keys sorted):
 * {"id": id, "input": {...}, "tags": [tag], "note": note}, with "expect"
 * when expect is not NULL (borrowed).  Returns a string the caller frees. */
char *adv_case_line(const char *id, json_t *input, json_t *expect, const char *tag,
                    const char *note);

/* The case path of a `fixtures` check's options ("path", default "cases"),
 * resolved against the spec folder.  Returns a new string. */
char *adv_fixtures_path(const json_t *options, const char *spec_dir);

#endif
