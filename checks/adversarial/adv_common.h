/*
 * adv_common.h - private helpers of the adversarial and fixture checks
 * (checks/adversarial/; nothing outside checks/ includes it): a seeded sample of
 * rows that merges exactly across shards, the model's features and their columns, row variants with one value
 * replaced, guarded scoring (a NaN, an Inf or a dead scorer becomes a
 * finding, never a crash), and rows as JSON objects a user can paste into a
 * fixture case.
 *
 * Nothing here prints or exits.
 */
#ifndef MG_CHECKS_ADV_COMMON_H
#define MG_CHECKS_ADV_COMMON_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/adversarial/fixture_cases.h"
#include "checks/check.h"
#include "checks/stats/stats.h"
#include "common/error.h"
#include "common/keytable.h"
#include "score/model.h"
#include "sources/row.h"

/* ------------------------------------------------------------------ */
/* Options shared by the sampling checks, for their option tables        */

/* sample (default n) and seed: the options of every sampling check. */
#define ADV_OPT_SAMPLING(n)                                                                    \
    {.key = "sample", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(n),                              \
     .help = "rows drawn from the data (a seeded sample, the same for any sharding; at most 100000)"}, \
    {.key = "seed", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(0),                                \
     .help = "seed of everything random: the sample, the noise, the order"}
/* The decision threshold of the checks that look for flipped decisions. */
#define ADV_OPT_THRESHOLD                                                                      \
    {.key = "threshold", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.5),                        \
     .help = "binary decision threshold (multiclass: the argmax)"}
#define ADV_OPT_BOUNDS(what)                                                                   \
    {.key = "features", .kind = MG_OPT_OBJECT, .required = 1,                                  \
     .help = what ": feature -> {\"abs\": A, \"rel\": R, \"min\", \"max\"} or {\"values\": [...]}"}

/* ------------------------------------------------------------------ */
/* Seeded sample of rows: the rows with the smallest seeded hashes       */
/* (sample.c; its state for sharded runs: sample_state.c)                */
/*
 * A row's key is a 128-bit hash (common/keytable.h's fingerprint) of the
 * seed and the row's identity, its data line (row->line: unique in the data
 * set, the file's index in the high bits).  The sample is the `cap` rows
 * with the smallest keys: a uniform sample of the data for a given seed
 * that does not depend on the order the rows are seen in, so the samples of
 * shards merge exactly (keep the smallest keys of the union), whatever the
 * sharding.  Memory: the cap rows kept.
 */

typedef struct adv_sample {
    mg_row **rows;     /* owned copies (mg_row_dup), n of them: a max-heap by key while
                        * rows are offered, in data order after adv_sample_sort */
    mg_key128 *keys;   /* keys[i] is rows[i]'s */
    size_t n, cap;
    uint64_t seed;
} adv_sample;

/* cap 0 keeps nothing.  Free with adv_sample_free. */
void adv_sample_init(adv_sample *s, size_t cap, uint64_t seed);
/* The key of the row at data line `line` under a seed. */
mg_key128 adv_sample_key(uint64_t seed, unsigned long line);
/* Offers a row: kept (copied) while its key is among the cap smallest
 * offered. */
void adv_sample_offer(adv_sample *s, const mg_row *row);
/* Puts the kept rows in data order (by line) and numbers them 0, 1, ...
 * in that order (row->index: what a scorer sees as the row's id; a shard
 * does not know a row's number in the whole data).  No offers after it. */
void adv_sample_sort(adv_sample *s);
void adv_sample_free(adv_sample *s);
/* The seed of the random changes made to the row at data line `line`:
 * seeded per row, so a row's variants do not depend on the other rows. */
uint64_t adv_row_seed(uint64_t seed, unsigned long line);

/* The sample as a shard's state: {"sample": [row, ...]} in data order,
 * each row {"line", "fields", "bytes", "values": [...]} with every value's
 * kind, text (or "text_base64" when it is not UTF-8), "num" when not 0 and
 * "quoted" when set (sample_state.c).  New reference. */
json_t *adv_sample_save(const adv_sample *s);
/* Offers the rows of a saved sample (a later shard's) to s.  ncolumns is
 * the number of values a row must have.  Returns 0, or -1 with msg. */
int adv_sample_merge(adv_sample *s, const json_t *state, size_t ncolumns, char *msg, size_t size);

/* ------------------------------------------------------------------ */
/* The model's features                                                  */

typedef struct adv_feature {
    char *name;   /* the model's name, or "f<i>" */
    long column;  /* data column, -1 when the data has none */
} adv_feature;

/* The features of env->model with their data columns.  Returns an array of
 * *n entries the caller frees with adv_features_free. */
adv_feature *adv_features(const mg_check_env *env, size_t *n);
void adv_features_free(adv_feature *f, size_t n);
/* Index of the feature named `name`, or -1. */
long adv_feature_find(const adv_feature *f, size_t n, const char *name);

/* ------------------------------------------------------------------ */
/* Variants                                                              */

/* A row with some values replaced.  Values borrow their text from the base
 * row or from the caller (strings given to adv_variant_set must outlive the
 * variant) unless set with adv_variant_set_number, which owns its text. */
typedef struct adv_variant {
    mg_row row;
    mg_value *values;
    char (*numtext)[40]; /* printed numbers, one slot per column */
} adv_variant;

/* A copy of base (shallow: text is borrowed). */
void adv_variant_init(adv_variant *v, const mg_row *base);
/* Sets column col to the value (text borrowed). */
void adv_variant_set(adv_variant *v, size_t col, mg_value value);
/* Sets column col to a number (printed with %.17g, "NaN", "Infinity"). */
void adv_variant_set_number(adv_variant *v, size_t col, double x);
/* Restores column col to the base row's value. */
void adv_variant_reset(adv_variant *v, const mg_row *base, size_t col);
void adv_variant_free(adv_variant *v);

/* ------------------------------------------------------------------ */
/* Guarded scoring                                                       */

typedef enum adv_outcome {
    ADV_SCORED = 0,   /* every output finite */
    ADV_NONFINITE,    /* a NaN or an Inf came out: always a finding */
    ADV_REJECTED,     /* the model refused the row cleanly (msg says why) */
    ADV_BROKEN        /* the scorer crashed, hung or died (msg says so) */
} adv_outcome;

const char *adv_outcome_name(adv_outcome o); /* "score", "non-finite", "reject", "crash" */

/*
 * Scores one row into out (noutputs values).  A -1 from the model is a
 * clean rejection unless it is a batch-level failure of an external scorer
 * (it crashed, hung, died or broke the protocol), or `probe` (a row known
 * to score, may be NULL) no longer scores afterwards.
 * msg (size bytes) receives the model's message for REJECTED and BROKEN.
 */
adv_outcome adv_score(mg_model *m, const mg_binding *b, const mg_row *row, const mg_row *probe,
                      double *out, char *msg, size_t size);

/* The decision of a score vector: binary: score >= threshold (0/1);
 * multiclass: the argmax; regression: 0 (no decision). */
int adv_decision(int task, const double *scores, size_t n, double threshold);

/* ------------------------------------------------------------------ */
/* Rows as JSON                                                          */

/* The model features of row as a JSON object {"name": value, ...}
 * (absent values left out; each value as mg_value_json makes it).  New
 * reference. */
json_t *adv_row_input(const adv_feature *f, size_t nf, const mg_row *row);

/* A row built from a JSON object of field values, laid out in `columns`
 * (the row's values follow the columns; fields not named are absent).
 * Keeps references into obj: obj must outlive the row.  Returns 0, or -1
 * with msg when a field is not a column or its value is an object/array. */
typedef struct adv_json_row {
    mg_row row;
    mg_value *values;
    char **owned; /* printed numbers */
    size_t ncolumns;
} adv_json_row;

int adv_json_row_init(adv_json_row *r, const json_t *obj, const char *const *columns,
                      size_t ncolumns, char *msg, size_t size);
void adv_json_row_free(adv_json_row *r);

/* Id of a row for examples: the data.id value when the spec names one,
 * else "line N".  Writes into buf. */
const char *adv_row_id(const mg_check_env *env, const mg_row *row, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* State and handlers shared by the sampling checks                      */

typedef struct adv_state {
    adv_sample sample;
    uint64_t seed;
    adv_feature *f;   /* filled by adv_ready */
    size_t nf;
    void *own;        /* the check's own extra state (freed with free) */
    char *broke;      /* set when the scorer broke (crashed, hung, died) */
} adv_state;

/* begin: a sample of option `sample` rows, seeded with option `seed`
 * (their defaults come from the check's table: ADV_OPT_SAMPLING). */
void adv_begin(mg_check *c);
/* row: offers the row to the sample. */
void adv_row(mg_check *c, const mg_row *row);
void adv_free(mg_check *c);
/* save and merge (checks/check.h) of a sampling check: its state is the
 * sample (sample_state.c). */
json_t *adv_save(const mg_check *c);
int adv_merge(mg_check *c, const json_t *state, char *msg, size_t size);
/*
 * Start of finish: returns the state when the check can run (a model is
 * loaded and rows were sampled, sorted in data order, features known), or
 * NULL after setting the result (error without a model, skipped without
 * rows).  Records seed and rows_sampled as properties.
 */
adv_state *adv_ready(mg_check *c);

/*
 * Scores a sampled row before varying it.  Returns 1 when it scored
 * (finite), 0 when the row is to be skipped (the model refuses it), or -1
 * when the scorer broke: s->broke records why and an example names the
 * row; the caller stops and calls adv_end.
 */
int adv_score_base(mg_check *c, adv_state *s, const mg_row *row, double *out);
/* End of finish: a broken scorer fails the check, whatever was counted. */
void adv_end(mg_check *c);

/* Adds an example: "what" followed by a fixture line for the row (when
 * case_line is not NULL).  Past the check's examples it is only counted. */
void adv_example(mg_check *c, const mg_row *row, const char *case_line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void adv_example_v(mg_check *c, const mg_row *row, const char *case_line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* 1 (after counting the example) when the check keeps no more examples. */
int adv_examples_full(mg_check *c);

/* ------------------------------------------------------------------ */
/* The sample-score-perturb loop (trial_loop.c)                          */

/* A sampled row the model scores, handed to a check to vary. */
typedef struct adv_trial {
    mg_check *c;
    adv_state *s;
    const mg_row *row;    /* the sampled row */
    const double *base;   /* its scores, noutputs of them */
    size_t noutputs;
    adv_variant *v;       /* a copy of row to change; a fresh one for each row */
    double *out;          /* a variant's scores, after adv_trial_score */
    mg_rng *rng;          /* seeded for this row: adv_row_seed(seed, row->line) */
    char rid[80];         /* the row's id for examples (adv_row_id) */
    char why[MG_ERROR_MAX]; /* the model's message after adv_trial_score */
} adv_trial;

/*
 * Calls vary(t, ctx) for each sampled row, in data order, after scoring the
 * row itself (adv_score_base): a row the model refuses is skipped, and the
 * loop stops when the scorer breaks (s->broke) or vary returns non-zero.
 */
void adv_for_each_scored_row(mg_check *c, adv_state *s, int (*vary)(adv_trial *t, void *ctx), void *ctx);

/* Scores the variant t->v into t->out (t->why says why not); a broken
 * scorer is recorded in s->broke, which stops the loop after this row. */
adv_outcome adv_trial_score(adv_trial *t);

/* The largest change of any output from the row's own scores. */
double adv_trial_change(const adv_trial *t);

/* The fixture case an example offers: {"id": "KIND-ROWID[-SUFFIX]",
 * "input": the features of the row scored, "expect": ..., "tags": [tag],
 * "note": ...}. */
typedef struct adv_case_info {
    const char *kind;    /* the id's start: "invariance" */
    const char *suffix;  /* the id's end (a feature, a trial), or NULL */
    json_t *expect;      /* borrowed; NULL: none */
    const char *tag;
    const char *note;
} adv_case_info;

/* Adds the example "what" (printf format) about the sampled row `row`,
 * followed by the fixture case of `input` (the row as scored: a variant,
 * or row itself). */
void adv_example_case(mg_check *c, const adv_state *s, const mg_row *row, const mg_row *input,
                      const adv_case_info *ci, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ------------------------------------------------------------------ */
/* Per-feature bounds ("features": {"amount": {"rel": 0.1}, ...})        */

typedef struct adv_bound {
    long feature;      /* index into the features */
    double abs, rel;   /* numeric: |delta| <= abs + rel * |x| */
    int has_min, has_max;
    double min, max;   /* clamp for numeric values */
    const json_t *values; /* categorical: the values to swap among (borrowed) */
} adv_bound;

/* Validates the required "features" bounds of a check's options o: when
 * they are missing, msg says "missing \"features\": " and `example`.
 * Returns 0, or -1 with *key "features" and msg. */
int adv_bounds_required(const json_t *o, const char **key, char *msg, size_t size, const char *example);
/* Validates a features-bounds object: each member an object with "abs",
 * "rel" (numbers >= 0), "values" (a non-empty list), "min", "max".
 * Returns 0, or -1 with msg. */
int adv_bounds_validate(const json_t *obj, char *msg, size_t size);
/* Parses the bounds against the model's features.  Returns an array of *n
 * (free with free()), or NULL with msg naming an unknown feature. */
adv_bound *adv_bounds_parse(const json_t *obj, const adv_feature *f, size_t nf, size_t *n,
                            char *msg, size_t size);
/* The check's sampled state and its "features" bounds, ready for work; or
 * NULL when the check cannot go on (its result then says why). */
adv_bound *adv_ready_bounds(mg_check *c, adv_state **state, size_t *n);
/* Radius of numeric change allowed around x. */
double adv_bound_radius(const adv_bound *b, double x);
/* Clamps x into the bound's min/max. */
double adv_bound_clamp(const adv_bound *b, double x);
/* Writes a categorical value as an mg_value (text borrowed from the json). */
mg_value adv_json_as_value(const json_t *v, char *numbuf, size_t size);

/* Uniform double in [0, 1). */
double adv_uniform(mg_rng *r);
/*
 * Replaces the bound's feature in v by a seeded random change of the base
 * row's value: a number moves by up to the radius (clamped), a categorical
 * value becomes another of `values`.  catbuf (40 bytes) holds a printed
 * number for categorical numbers.  Returns 0, or -1 when the base value
 * cannot be perturbed (not a number and no values given).
 */
int adv_perturb(adv_variant *v, const mg_row *base, const adv_bound *b, long col, mg_rng *r,
                char *catbuf);
/* Judges count offences out of `tries` (rates are per try) with the check's
 * max_count/max_rate, like mg_check_judge; `unit` names the tries in the
 * message ("variants").  No tries at all is a skip, not a pass. */
void adv_judge(mg_check *c, uint64_t count, uint64_t tries, const char *what, const char *unit);

#endif
