/*
 * sketch.h - the mergeable summaries a drift profile keeps per column:
 * moments of a number column, a quantile sketch of its values, and the value
 * frequencies of a text column.  Each one is filled value by value, merges
 * with another of its kind, and is written to and read from JSON
 * (docs/profile-format.md).
 *
 * A library: nothing here prints or exits.  Ownership: *_init sets up an
 * empty summary, *_free releases what it holds (a zeroed or freed summary is
 * fine); merge functions read their second argument and never keep it.
 */
#ifndef MG_CHECKS_DRIFT_SKETCH_H
#define MG_CHECKS_DRIFT_SKETCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/drift/drift_stats.h"
#include "checks/drift/profile_reader.h"
#include "common/keytable.h"

/* ------------------------------------------------------------------ */
/* Moments                                                              */

/* Count, mean, sum of squared deviations, min and max of finite numbers,
 * updated with Welford's recurrence and merged with Chan, Golub and
 * LeVeque's pairwise formula, so that no sum of squares of large values
 * cancels.  A merge equals the sequential result up to rounding, not bit for
 * bit: for the variance about 1e-16 |mean| / sd relative per value's
 * rounding (1e-15 for well-scaled data, 1e-9 for values 1e9 +- 0.3). */
typedef struct mg_moments {
    uint64_t count;
    double mean;
    double m2;       /* sum of (x - mean)^2; variance = m2 / count (population) */
    double min, max; /* meaningful when count > 0 */
} mg_moments;

void mg_moments_init(mg_moments *m);
void mg_moments_add(mg_moments *m, double x);
void mg_moments_merge(mg_moments *into, const mg_moments *from);
/* m2 / count (numpy.var, ddof 0); 0 for no values. */
double mg_moments_variance(const mg_moments *m);

/* ------------------------------------------------------------------ */
/* Quantile sketch                                                      */

/* Values kept exactly up to this many (KS's exact method then still applies
 * to a profiled column); from one more on the sketch is a KLL sketch. */
#define MG_QSKETCH_EXACT_MAX 10000
/* KLL's accuracy parameter: the top level holds k items. */
#define MG_QSKETCH_K 200

/*
 * The values of a number column: all of them while there are at most
 * MG_QSKETCH_EXACT_MAX, then a KLL sketch (Karnin, Lang and Liberty 2016)
 * with parameter k: levels of items where an item of level h stands for 2^h
 * values; once the sketch holds as many items as its levels' capacities
 * (k (2/3)^(depth below the top), at least 8) add up to, the lowest level at
 * or over its capacity is sorted and every other item, from an offset chosen
 * by a seeded generator, moves up one level.  The total weight always equals
 * the count.
 * Rank error: with k = 200 a rank (or a quantile's rank) is within
 * mg_qsketch_rank_error(200) = 1.65% of the count with 99% confidence (the
 * KLL bound as Apache DataSketches measure it for this capacity schedule,
 * 2.446 / k^0.9433); tests/unit/test_drift_profile.c checks it.  Memory:
 * at most about 3k items plus level slack (under 8 KiB for k = 200) once in
 * KLL mode; 8 bytes per value while exact.
 */
typedef struct mg_qsketch {
    unsigned k;
    uint64_t n;          /* values added */
    int exact;           /* 1 while every value is kept (in level 0, unsorted) */
    size_t nlevels;
    double **level;      /* level[h]: items of weight 2^h */
    size_t *len, *cap;   /* per level: items, allocated */
    size_t *limit;       /* per level: its capacity; private */
    size_t retained;     /* items held in all levels; private */
    size_t capacity;     /* the sum of the levels' capacities; private */
    uint64_t rng;        /* splitmix64 state: the compaction offsets; private */
} mg_qsketch;

void mg_qsketch_init(mg_qsketch *s, unsigned k);
void mg_qsketch_free(mg_qsketch *s);
/* Adds a finite value (the caller filters NaN and infinities). */
void mg_qsketch_add(mg_qsketch *s, double x);
/* Puts one item of weight 2^h in level h, leaving n alone and compacting
 * nothing: for readers rebuilding a stored sketch (they set n last). */
void mg_qsketch_add_item(mg_qsketch *s, size_t h, double x);
/* Adds from's items to into's levels and from's count to into's, without
 * compacting.  Every level of both must be sorted (a tree sketch's are:
 * tree_sketch.c); they stay sorted (merged, not appended). */
void mg_qsketch_absorb(mg_qsketch *into, const mg_qsketch *from);
/* Makes the sketch a KLL one and compacts it as mg_qsketch_add would once
 * past the exact size, drawing the compactions' offsets from a generator
 * seeded with `seed` (the result depends only on the items per level and
 * the seed: tree_sketch.c builds sketches that do not depend on the order
 * of the values with it). */
void mg_qsketch_seal(mg_qsketch *s, uint64_t seed);
/* Merges from into into; both must have the same k (else -1 with err).
 * Exact + exact stays exact while the total is at most MG_QSKETCH_EXACT_MAX. */
int mg_qsketch_merge(mg_qsketch *into, const mg_qsketch *from, mg_error *err);
/* The normalised rank error bound (99% confidence) of a KLL sketch with
 * parameter k; 0 for an exact sketch. */
double mg_qsketch_rank_error(const mg_qsketch *s);

/* The items with their weights, sorted by value (exact: weight 1 each).
 * *values and *weights are new arrays the caller frees; returns the count. */
size_t mg_qsketch_sorted(const mg_qsketch *s, double **values, uint64_t **weights);
/* The estimated number of values <= x. */
uint64_t mg_qsketch_rank(const mg_qsketch *s, double x);
/* The q-quantile (q in [0, 1]): exact sketches interpolate as
 * numpy.quantile (linear); KLL sketches return the smallest item whose
 * cumulative weight reaches q n.  NaN for an empty sketch. */
double mg_qsketch_quantile(const mg_qsketch *s, double q);

/*
 * Bin edges at the sketch's quantiles 1/bins .. (bins-1)/bins, repeated ones
 * dropped (at most bins - 1 into `edges`): for an exact sketch exactly
 * mg_quantile_edges of its values (numpy's), for a KLL sketch its estimated
 * quantiles, each within the rank error.  -1 with err for an empty sketch or
 * bins < 1.
 */
int mg_qsketch_edges(const mg_qsketch *s, unsigned bins, double *edges, size_t *nedges,
                     mg_error *err);
/* The values per bin of those edges (bins as mg_bin_of; counts has nedges +
 * 1 entries, overwritten): exact for an exact sketch; for a KLL sketch each
 * count is a difference of two estimated ranks, so within 2 x the rank error
 * x n of the truth. */
void mg_qsketch_bin_counts(const mg_qsketch *s, const double *edges, size_t nedges,
                           double *counts);

/* The sketch as a new JSON object (see docs/profile-format.md). */
json_t *mg_qsketch_to_json(const mg_qsketch *s);
/* Reads one written by mg_qsketch_to_json at the reader's current path into
 * a fresh sketch; -1 with the reader's positioned error. */
int mg_qsketch_from_json(mg_profile_reader *r, const json_t *j, mg_qsketch *s);

/* ------------------------------------------------------------------ */
/* Statistics against a sketched reference                              */

/* A sample as sorted values with weights: each value stands for weight[i]
 * values (NULL weights: 1 each); n is the sum of the weights. */
typedef struct mg_wsample {
    const double *values;
    const uint64_t *weights;
    size_t m;
    uint64_t n;
} mg_wsample;

/* sup |F_a - F_b| of the weighted empirical CDFs (with unit weights, exactly
 * the Kolmogorov-Smirnov statistic of mg_ks_2samp).  0, or -1 with err for an
 * empty sample. */
int mg_ks_statistic_weighted(const mg_wsample *a, const mg_wsample *b, double *d, mg_error *err);
/* The area between the weighted empirical CDFs (with unit weights,
 * mg_wasserstein).  0, or -1 with err for an empty sample. */
int mg_wasserstein_weighted(const mg_wsample *a, const mg_wsample *b, double *w, mg_error *err);

/*
 * The KS test of a current sample (sorted ascending, no NaN) against a
 * reference kept in a sketch.  An exact sketch holds the reference itself:
 * the result is mg_ks_2samp's (scipy's, exact method included) and *bound is
 * 0.  A KLL sketch gives D from its weighted CDF, within *bound = its rank
 * error of the D of the full reference, and the asymptotic p-value at that D.
 */
int mg_ks_sketch(const mg_qsketch *ref, const double *cur, size_t n, mg_ks_result *out,
                 double *bound, mg_error *err);
/*
 * The Wasserstein distance of a current sample (sorted) to a sketched
 * reference whose true minimum and maximum are ref_min and ref_max (the
 * column's moments): exact for an exact sketch (*bound 0), else within
 * *bound = rank error x (ref_max - ref_min) of the distance to the full
 * reference (the two reference CDFs differ by at most the rank error, and
 * only between the extremes).
 */
int mg_wasserstein_sketch(const mg_qsketch *ref, double ref_min, double ref_max,
                          const double *cur, size_t n, double *w, double *bound, mg_error *err);

/* ------------------------------------------------------------------ */
/* Text frequencies                                                     */

/* Distinct values counted per column, in first-seen order; a value first
 * seen once this many are tracked is counted in `untracked`. */
#define MG_FREQ_TRACK_MAX 4000
/* Values written to a profile for a column that overflowed (untracked > 0):
 * the most frequent tracked ones; the rest join `untracked`.  Complete
 * frequencies are written in full. */
#define MG_FREQ_WRITE_MAX 1000

/* Slots of mg_freq's cache of recently counted values (a power of two). */
#define MG_FREQ_RECENT 64

typedef struct mg_freq_item {
    char *text;     /* owned; may hold NUL bytes (len says how many) */
    size_t len;
    uint64_t count;
} mg_freq_item;

/*
 * Exact counts of every distinct value while there are at most
 * MG_FREQ_TRACK_MAX of them.  Past that, values already tracked keep exact
 * counts and new ones are counted together in `untracked`.  Written out,
 * complete frequencies stay whole; overflowed ones keep the MG_FREQ_WRITE_MAX
 * most frequent (ties by text), the rest joining `untracked`.  So a tracked
 * count is exact for the rows it was tracked in and total = sum of counts +
 * untracked always.  Memory: the texts plus
 * about 70 bytes per tracked value, plus 256 bytes of cache.
 */
typedef struct mg_freq {
    mg_freq_item *items;
    size_t nitems, alloc;
    uint64_t total;      /* values counted */
    uint64_t untracked;  /* values not in items */
    mg_keytable index;   /* fingerprint -> item position + 1; private */
    /* a direct-mapped cache in front of index: a cheap hash of the value ->
     * item position + 1 (0 empty), confirmed by comparing the text, so a
     * column of a few categories is counted without fingerprinting; private */
    uint32_t recent[MG_FREQ_RECENT];
} mg_freq;

void mg_freq_init(mg_freq *f);
void mg_freq_free(mg_freq *f);
/* Counts `count` more of a value. */
void mg_freq_add(mg_freq *f, const char *text, size_t len, uint64_t count);
void mg_freq_merge(mg_freq *into, const mg_freq *from);
/* The count of a value (0 when absent or untracked). */
uint64_t mg_freq_count(const mg_freq *f, const char *text, size_t len);
/* Whether every value is tracked (no `untracked` count). */
int mg_freq_is_exact(const mg_freq *f);
/* Item positions sorted by count descending, then text; caller frees. */
size_t *mg_freq_order(const mg_freq *f);

json_t *mg_freq_to_json(const mg_freq *f);
int mg_freq_from_json(mg_profile_reader *r, const json_t *j, mg_freq *f);

#endif
