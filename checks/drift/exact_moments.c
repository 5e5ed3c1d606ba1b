/*
 * exact_moments.c - moments from exact sums, independent of the values'
 * order (see exact_moments.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/exact_moments.h"
#include "common/limbs.h"
#include "common/state_json.h"

#define DIGIT_MASK UINT64_C(0xFFFFFFFF)
#define FRACTION_MASK ((UINT64_C(1) << 52) - 1)
/* Carries are propagated this often: a value adds under 3 x 2^32 to a
 * limb, so limbs stay under 2^62 in between. */
#define CARRY_EVERY (UINT32_C(1) << 28)
#define SUM_UNIT_EXP (-1074) /* the smallest double: the sum's unit */
#define SQ_UNIT_EXP (-2148)  /* its square: the sum of squares' unit */
#define PRODUCT_DIGITS (2 * MG_XSUM_LIMBS)
_Static_assert(MG_XSQ_LIMBS <= MG_LIMBS_MAX, "the sum of squares fits common/limbs.h");

void mg_xmoments_init(mg_xmoments *x)
{
    memset(x, 0, sizeof *x);
}

/* Adds (or subtracts) v < 2^54 times 2^p units: three 32-bit digits. */
static void add_at(int64_t *limb, uint64_t v, unsigned p, int negative)
{
    size_t i = p >> 5;
    unsigned r = p & 31;
    uint64_t low = (v << r) & DIGIT_MASK, rest = v >> (32 - r);
    int64_t d0 = (int64_t)low, d1 = (int64_t)(rest & DIGIT_MASK), d2 = (int64_t)(rest >> 32);
    if (negative) {
        limb[i] -= d0;
        limb[i + 1] -= d1;
        limb[i + 2] -= d2;
    } else {
        limb[i] += d0;
        limb[i + 1] += d1;
        limb[i + 2] += d2;
    }
}

void mg_xmoments_add(mg_xmoments *x, double v)
{
    if (x->count == 0) {
        x->min = x->max = v;
    } else {
        if (v < x->min)
            x->min = v;
        if (v > x->max)
            x->max = v;
    }
    x->count++;
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    unsigned biased = (unsigned)(u >> 52) & 0x7ff;
    uint64_t m = u & FRACTION_MASK;
    if (biased)
        m |= UINT64_C(1) << 52;
    if (m == 0)
        return;
    /* v = m 2^p units of 2^-1074; v^2 = m^2 2^(2p) units of 2^-2148 */
    unsigned p = biased ? biased - 1 : 0;
    add_at(x->sum, m, p, (int)(u >> 63));
    uint64_t hi = m >> 27, lo = m & ((UINT64_C(1) << 27) - 1);
    add_at(x->sq, hi * hi, 2 * p + 54, 0);
    add_at(x->sq, 2 * hi * lo, 2 * p + 27, 0);
    add_at(x->sq, lo * lo, 2 * p, 0);
    if (++x->pending >= CARRY_EVERY) {
        mg_limbs_carry(x->sum, MG_XSUM_LIMBS);
        mg_limbs_carry(x->sq, MG_XSQ_LIMBS);
        x->pending = 0;
    }
}

void mg_xmoments_merge(mg_xmoments *into, const mg_xmoments *from)
{
    if (from->count == 0)
        return;
    if (into->count == 0) {
        into->min = from->min;
        into->max = from->max;
    } else {
        if (from->min < into->min)
            into->min = from->min;
        if (from->max > into->max)
            into->max = from->max;
    }
    into->count += from->count;
    for (size_t i = 0; i < MG_XSUM_LIMBS; i++)
        into->sum[i] += from->sum[i];
    for (size_t i = 0; i < MG_XSQ_LIMBS; i++)
        into->sq[i] += from->sq[i];
    mg_limbs_carry(into->sum, MG_XSUM_LIMBS);
    mg_limbs_carry(into->sq, MG_XSQ_LIMBS);
    into->pending = 0;
}

/* The number's absolute value as digits < 2^32 in out[0..n); returns 1
 * when it is negative. */
static int magnitude(const int64_t *limb, size_t n, uint64_t *out)
{
    int64_t abs[MG_XSQ_LIMBS];
    int negative = mg_limbs_magnitude(limb, n, abs);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint64_t)abs[i];
    return negative;
}

static int bit_at(const uint64_t *d, size_t n, long pos)
{
    size_t i = (size_t)pos >> 5;
    return pos >= 0 && i < n ? (int)((d[i] >> (pos & 31)) & 1) : 0;
}

/* (the digits' number) 2^unit_exp / divisor: its top 64 bits (with a
 * sticky bit for those below) rounded once to a double, divided, scaled. */
static double digits_value(const uint64_t *d, size_t n, int unit_exp, double divisor)
{
    long top = (long)n * 32 - 1;
    while (top >= 0 && !bit_at(d, n, top))
        top--;
    if (top < 0)
        return 0.0;
    long low = top - 63; /* the window is bits low..top */
    uint64_t w = 0;
    for (long q = top; q >= low; q--)
        w = (w << 1) | (uint64_t)bit_at(d, n, q);
    for (long q = low - 1; q >= 0; q--)
        if (bit_at(d, n, q)) {
            w |= 1; /* sticky: (double)w then rounds as the whole number would */
            break;
        }
    return ldexp((double)w / divisor, (int)low + unit_exp);
}

/* r[0 .. na + nb) = a b, digits < 2^32. */
static void multiply(const uint64_t *a, size_t na, const uint64_t *b, size_t nb, uint64_t *r)
{
    memset(r, 0, (na + nb) * sizeof *r);
    for (size_t i = 0; i < na; i++) {
        uint64_t c = 0;
        if (a[i] == 0)
            continue;
        for (size_t j = 0; j < nb; j++) {
            uint64_t t = a[i] * b[j] + r[i + j] + c; /* < 2^64 */
            r[i + j] = t & DIGIT_MASK;
            c = t >> 32;
        }
        r[i + nb] = c;
    }
}

void mg_xmoments_get(const mg_xmoments *x, mg_moments *out)
{
    mg_moments_init(out);
    if (x->count == 0)
        return;
    out->count = x->count;
    out->min = x->min;
    out->max = x->max;
    double n = (double)x->count;
    uint64_t a[MG_XSUM_LIMBS], b[MG_XSQ_LIMBS];
    int negative = magnitude(x->sum, MG_XSUM_LIMBS, a);
    magnitude(x->sq, MG_XSQ_LIMBS, b);
    double mean = digits_value(a, MG_XSUM_LIMBS, SUM_UNIT_EXP, n);
    out->mean = negative ? -mean : mean;
    /* m2 = (n S2 - S1^2) / n, with n S2 - S1^2 exact (>= 0: Cauchy-Schwarz) */
    uint64_t count[2] = {x->count & DIGIT_MASK, x->count >> 32};
    uint64_t nb[MG_XSQ_LIMBS + 2], aa[PRODUCT_DIGITS], d[PRODUCT_DIGITS];
    multiply(b, MG_XSQ_LIMBS, count, 2, nb);
    multiply(a, MG_XSUM_LIMBS, a, MG_XSUM_LIMBS, aa);
    int64_t borrow = 0;
    for (size_t i = 0; i < PRODUCT_DIGITS; i++) {
        int64_t t = (int64_t)(i < MG_XSQ_LIMBS + 2 ? nb[i] : 0) - (int64_t)aa[i] - borrow;
        borrow = t < 0;
        d[i] = (uint64_t)(t + (borrow ? INT64_C(1) << 32 : 0));
    }
    out->m2 = borrow ? 0.0 : digits_value(d, PRODUCT_DIGITS, SQ_UNIT_EXP, n);
}

/* The top digit of a carried sum or sum of squares of up to 2^64 values is small. */
#define TOP_DIGIT_BOUND (INT64_C(1) << 40)

static int limbs_load(const json_t *j, const char *key, int64_t *limb, size_t n, char *msg, size_t size)
{
    return mg_limbs_load(json_object_get(j, key), "digits", limb, n, TOP_DIGIT_BOUND, key, msg, size);
}

json_t *mg_xmoments_save(const mg_xmoments *x)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "count", mg_state_count(x->count), "min", mg_state_real(x->min),
                     "max", mg_state_real(x->max), "sum", mg_limbs_save(x->sum, MG_XSUM_LIMBS, "digits"), "squares",
                     mg_limbs_save(x->sq, MG_XSQ_LIMBS, "digits"));
}

int mg_xmoments_load(const json_t *j, mg_xmoments *x, char *msg, size_t size)
{
    mg_xmoments_init(x);
    if (!json_is_object(j))
        return snprintf(msg, size, "moments: expected an object"), -1;
    if (mg_state_get_count(j, "count", &x->count, msg, size) != 0 || mg_state_get_real(j, "min", &x->min, msg, size) != 0 ||
        mg_state_get_real(j, "max", &x->max, msg, size) != 0 ||
        limbs_load(j, "sum", x->sum, MG_XSUM_LIMBS, msg, size) != 0 ||
        limbs_load(j, "squares", x->sq, MG_XSQ_LIMBS, msg, size) != 0)
        return -1;
    if (x->sq[MG_XSQ_LIMBS - 1] < 0 || (x->count > 0 && !(x->min <= x->max)))
        return snprintf(msg, size, "moments: a negative sum of squares or min above max"), -1;
    return 0;
}
