/*
 * drift_side.h - one side (reference or current) of a drift comparison for
 * one feature, and the figures that compare two sides.
 *
 * What a side keeps (memory):
 *   - number feature, reference given as data: every value (8 bytes each,
 *     both sides), because KS, Wasserstein and the quantile bins are then
 *     equal to scipy's / numpy's on the full samples;
 *   - number feature, reference given as a profile: the current side is a
 *     quantile sketch (exact up to MG_QSKETCH_EXACT_MAX values, then KLL)
 *     built over a tree of line blocks so that it does not depend on how
 *     the rows were split into shards (tree_sketch.h: a few KLL sketches of
 *     under 8 KiB per tree level), the reference side the profile's sketch
 *     (borrowed);
 *   - text feature: value frequencies (mg_freq, bounded by MG_FREQ_TRACK_MAX).
 * Every number side also keeps its moments (mean, sd, min, max): a side
 * filled value by value from exact sums (exact_moments.h), so that they do
 * not depend on the order of the values (a sharded run merges to the same
 * bits); -0.0 is counted as +0.0 everywhere, for the same reason.
 *
 * A library: nothing here prints or exits.
 */
#ifndef MG_CHECKS_DRIFT_SIDE_H
#define MG_CHECKS_DRIFT_SIDE_H

#include <stddef.h>
#include <stdint.h>

#include "checks/drift/exact_moments.h"
#include "checks/drift/sketch.h"
#include "checks/drift/tree_sketch.h"

typedef struct mg_dside {
    int is_number;
    mg_moments moments;     /* numbers: a profile's, or from exact (mg_dside_settle) */
    mg_xmoments exact;      /* numbers added value by value: their exact sums */
    double *values;         /* numbers kept exactly (keep_values), else NULL */
    size_t nvalues, cap;
    int keep_values;
    mg_tsketch own_tree;    /* numbers not kept exactly: the current side's values, by line */
    mg_qsketch own_sketch;  /* its sketch, made from own_tree by mg_dside_settle */
    const mg_qsketch *borrowed_sketch; /* a profile's sketch, used instead of own_sketch */
    mg_freq own_freq;
    const mg_freq *borrowed_freq; /* text: a profile's frequencies, instead of own_freq */
    uint64_t missing, wrong_type;
} mg_dside;

/* A side that keeps every number (keep_values 1) or sketches them. */
void mg_dside_init_number(mg_dside *s, int keep_values);
void mg_dside_init_text(mg_dside *s);
/* A side that borrows a profile's summaries (they must outlive the side). */
void mg_dside_from_profile_number(mg_dside *s, const mg_moments *m, const mg_qsketch *sk);
void mg_dside_from_profile_text(mg_dside *s, const mg_freq *f);
void mg_dside_free(mg_dside *s);
/* Adds a finite value of data line `line` (lines never decrease: the
 * sketch of a side not kept exactly is built over blocks of lines). */
void mg_dside_add_number_at(mg_dside *s, uint64_t line, double x);
/* The same, each value its own line (a side that is never sharded). */
void mg_dside_add_number(mg_dside *s, double x);
void mg_dside_add_text(mg_dside *s, const char *text, size_t len);
/* Sets a number side's moments from its exact sums and its sketch from
 * its tree (a profile's side keeps the profile's); once the values are
 * all in, before reading s->moments or the sketch. */
void mg_dside_settle(mg_dside *s);
/* The sketch (numbers not kept exactly) and the frequencies (text) in use.
 * (Sides live in a growing array: they hold no pointer to themselves.) */
const mg_qsketch *mg_dside_sketch(const mg_dside *s);
const mg_freq *mg_dside_freq(const mg_dside *s);
/* Values the side holds. */
uint64_t mg_dside_count(const mg_dside *s);
/* The side's normalised rank error: 0 when it holds the values exactly. */
double mg_dside_rank_error(const mg_dside *s);

/* Drift tests a feature can be judged by. */
typedef enum mg_dtest {
    MG_DTEST_PSI = 0,
    MG_DTEST_KS,
    MG_DTEST_WASSERSTEIN,
    MG_DTEST_JS,
    MG_DTEST_CHI2,
    MG_DTEST_UNSEEN,
    MG_DTEST_COUNT
} mg_dtest;

const char *mg_dtest_name(mg_dtest t);     /* "psi", "ks", ... as in the spec */
int mg_dtest_parse(const char *name, mg_dtest *t);
int mg_dtest_for_numbers(mg_dtest t);      /* psi, ks, wasserstein */

#define MG_DRIFT_MAX_BINS 100

/* The figures of one feature.  A bound is the largest difference between
 * the figure and the one the full samples would give (0: exact). */
typedef struct mg_dfigures {
    int is_number;
    uint64_t n_ref, n_cur;
    /* numbers */
    double psi, psi_low, psi_high; /* psi_low..psi_high: where the exact PSI on these bins lies */
    double ks_statistic, ks_p_value, ks_bound;
    int ks_exact;                  /* p-value by the exact method */
    double wasserstein, wasserstein_bound; /* normalised by the reference sd */
    double ref_mean, ref_sd, cur_mean, cur_sd;
    size_t nbins;                  /* bins (edges + 1) */
    double edges[MG_DRIFT_MAX_BINS];
    double ref_share[MG_DRIFT_MAX_BINS], cur_share[MG_DRIFT_MAX_BINS];
    /* text */
    double js, chi2, chi2_p;
    unsigned chi2_dof;
    uint64_t unseen;               /* current values the reference never had */
    double unseen_share;
    int ref_freq_complete;         /* the reference's frequencies hold every value */
    char top_ref[120], top_cur[120]; /* the most frequent values with their shares */
} mg_dfigures;

/* Compares two sides of the same kind.  Returns 0, or -1 with err (an empty
 * side, a statistic that cannot be computed). */
int mg_drift_compare(mg_dside *ref, mg_dside *cur, unsigned bins, mg_dfigures *out, mg_error *err);

/* The figure a test judges by, and whether it drifted against threshold
 * (figures above it for distances, p-values below it for tests). */
double mg_dfigure_of(const mg_dfigures *f, mg_dtest t);
int mg_drifted(const mg_dfigures *f, mg_dtest t, double threshold);

#endif
