/*
 * exact_moments.h - private to checks/drift/: the moments of a drift side
 * (count, mean, sum of squared deviations, min, max) computed from EXACT
 * sums, so that they depend only on the multiset of values, not on the
 * order they arrive in: a run over all the data and a merge of its shards
 * (any split, any number) give the same bits.
 *
 * The sum of the values and the sum of their squares are kept exactly as
 * big integers (in units of 2^-1074 and 2^-2148, the smallest double and
 * its square), in 32-bit digits held by signed 64-bit limbs whose carries
 * are propagated every 2^28 values (common/limbs.h, as common/exact_sum.h
 * keeps its sums; these also need the square of the sum, so they keep the
 * digits themselves); a square is formed exactly from the
 * 53-bit significand.  The moments are then computed once from the two
 * sums: mean = S1 / n, m2 = (n S2 - S1^2) / n, each rounded once or twice
 * (never worse than Welford's recurrence, and exactly 0 for a constant
 * column).  Cost: no division per value; memory 1.6 KiB per side.
 *
 * -0.0 is counted as +0.0 (callers canonicalise it: min and max must not
 * depend on which zero came first).  Only finite values are added.
 */
#ifndef MG_CHECKS_DRIFT_EXACT_MOMENTS_H
#define MG_CHECKS_DRIFT_EXACT_MOMENTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/drift/sketch.h"

/* Digits of the sum (bits up to 2^(2046 + 53 + 64) over the unit) and of the sum of squares. */
#define MG_XSUM_LIMBS 70
#define MG_XSQ_LIMBS 136

typedef struct mg_xmoments {
    uint64_t count;
    double min, max;          /* meaningful when count > 0 */
    int64_t sum[MG_XSUM_LIMBS]; /* digit i: 2^(32 i) units; private */
    int64_t sq[MG_XSQ_LIMBS];   /* private */
    uint32_t pending;           /* values since the last carry propagation; private */
} mg_xmoments;

void mg_xmoments_init(mg_xmoments *x);
/* Adds a finite value (not -0.0: see above). */
void mg_xmoments_add(mg_xmoments *x, double v);
/* Adds what `from` holds to `into`: the result equals adding from's values to into. */
void mg_xmoments_merge(mg_xmoments *into, const mg_xmoments *from);
/* The moments (mg_moments) of the values added. */
void mg_xmoments_get(const mg_xmoments *x, mg_moments *out);

/* The accumulator as a new JSON object for a shard's state, and back:
 * 0, or -1 with msg naming what is wrong. */
json_t *mg_xmoments_save(const mg_xmoments *x);
int mg_xmoments_load(const json_t *j, mg_xmoments *x, char *msg, size_t size);

#endif
