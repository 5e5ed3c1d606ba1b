/*
 * exact_sum.h - an exact sum of doubles, rounded once when read.
 *
 * Floating sums depend on the order of their terms: a + b + c and a + c + b
 * may differ in the last bit.  A metric summed over the rows of one run and
 * the same metric merged from shard partials would then disagree.  This
 * accumulator keeps the sum as a fixed-point number wide enough for every
 * finite double (from 2^-1074, the smallest subnormal, to 2^1024, with room
 * for 2^64 terms), so adding is exact and commutative: any order of the
 * same terms, any split into partial sums merged later, gives the same
 * bits.  Reading rounds the exact value to the nearest double (ties to
 * even), the best a double can hold.
 *
 * Layout: 67 signed 64-bit limbs of 32 bits each (limb i weighs
 * 2^(32 i - 1074)); a double's 53-bit significand, shifted by its exponent,
 * lands in two adjacent limbs (32 bits in the lower, up to 53 in the upper),
 * and the carries between limbs are propagated every 512 adds (and before a
 * read or merge), so no limb overflows.  Infinities and NaN are
 * counted apart: the sum is NaN when a NaN or both infinities were added,
 * else the infinity added.  568 bytes; adding costs a few integer
 * operations.
 *
 * Zero-initialise (or mg_exact_sum_clear) before use.  Nothing to free.
 */
#ifndef MG_COMMON_EXACT_SUM_H
#define MG_COMMON_EXACT_SUM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MG_EXACT_SUM_LIMBS 67
/* Adds between carry propagations: a limb moves by less than 2^53 an add,
 * so 512 of them stay far below 2^63. */
#define MG_EXACT_SUM_SPAN 512u

typedef struct mg_exact_sum {
    int64_t limb[MG_EXACT_SUM_LIMBS]; /* private: the fixed-point value */
    uint32_t pending;                 /* private: adds since the carries were propagated */
    uint64_t pos_inf, neg_inf, nan;   /* non-finite terms */
} mg_exact_sum;

void mg_exact_sum_clear(mg_exact_sum *s);

/* Propagates the carries (private to the inline add below). */
void mg_exact_sum__carry(mg_exact_sum *s);
/* Counts a non-finite term (private to the inline add below). */
void mg_exact_sum__special(mg_exact_sum *s, double x);

/* Adds x exactly. */
static inline void mg_exact_sum_add(mg_exact_sum *s, double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    unsigned ex = (unsigned)(bits >> 52) & 0x7ff;
    if (ex == 0x7ff) {
        mg_exact_sum__special(s, x);
        return;
    }
    uint64_t m = bits & 0xfffffffffffffULL;
    if (ex) { /* normal: the hidden bit; the significand's lowest bit weighs 2^(ex - 1 - 1074) */
        m |= 1ULL << 52;
        ex--;
    }
    unsigned i = ex >> 5, sh = ex & 31;
    int64_t neg = -(int64_t)(bits >> 63); /* 0, or -1 for a negative x */
    /* m << sh (85 bits at most): its low 32 bits in limb i, the rest
     * (below 2^53) in limb i + 1, which has the headroom for it. */
    int64_t lo = (int64_t)((m << sh) & 0xffffffffULL);
    int64_t hi = (int64_t)(m >> (32 - sh));
    s->limb[i] += (lo ^ neg) - neg;
    s->limb[i + 1] += (hi ^ neg) - neg;
    if (++s->pending >= MG_EXACT_SUM_SPAN)
        mg_exact_sum__carry(s);
}

/* Adds another sum (exactly). */
void mg_exact_sum_merge(mg_exact_sum *s, const mg_exact_sum *other);

/* The sum rounded to the nearest double (ties to even); see above for
 * non-finite terms. */
double mg_exact_sum_value(const mg_exact_sum *s);

/* Writes the exact sum as non-overlapping doubles, largest first, whose
 * exact total is the sum (at most max of them; 48 always suffice).  Returns
 * how many were written; 0 for a zero sum.  Only for finite sums. */
size_t mg_exact_sum_expand(const mg_exact_sum *s, double *out, size_t max);

/* For state files (common/state_json.h): a JSON object holding the exact
 * value; mg_exact_sum_merge_json adds such an object v to s, after checking
 * it (0, or -1 with msg naming it as `what`). */
json_t *mg_exact_sum_save(const mg_exact_sum *s);
int mg_exact_sum_merge_json(mg_exact_sum *s, const json_t *v, const char *what, char *msg, size_t size);

#endif
