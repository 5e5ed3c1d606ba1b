/*
 * exact_sum.c - the exact sum's rounding and state (see exact_sum.h; the
 * big-integer limbs are common/limbs.h's).
 */
#include "common/exact_sum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/limbs.h"
#include "common/state_json.h"

#define TOP (MG_EXACT_SUM_LIMBS - 1)
_Static_assert(MG_EXACT_SUM_LIMBS <= MG_LIMBS_MAX, "the sum fits common/limbs.h");

void mg_exact_sum_clear(mg_exact_sum *s)
{
    memset(s, 0, sizeof *s);
}

void mg_exact_sum__carry(mg_exact_sum *s)
{
    mg_limbs_carry(s->limb, MG_EXACT_SUM_LIMBS);
    s->pending = 0;
}

void mg_exact_sum__special(mg_exact_sum *s, double x)
{
    if (isnan(x))
        s->nan++;
    else if (x > 0)
        s->pos_inf++;
    else
        s->neg_inf++;
}

void mg_exact_sum_merge(mg_exact_sum *s, const mg_exact_sum *other)
{
    int64_t b[MG_EXACT_SUM_LIMBS];
    memcpy(b, other->limb, sizeof b);
    mg_limbs_carry(b, MG_EXACT_SUM_LIMBS);
    mg_limbs_carry(s->limb, MG_EXACT_SUM_LIMBS);
    for (size_t i = 0; i < MG_EXACT_SUM_LIMBS; i++)
        s->limb[i] += b[i];
    s->pending = 2; /* limbs below 2^33: less than two adds' worth */
    s->pos_inf += other->pos_inf;
    s->neg_inf += other->neg_inf;
    s->nan += other->nan;
}

static unsigned bit_length(uint64_t x)
{
    unsigned n = 0;
    while (x) {
        n++;
        x >>= 1;
    }
    return n;
}

/* floor(V / 2^q) mod 2^64 of the non-negative, carried value V, q >= 0;
 * *sticky is set when a bit below q is set. */
static uint64_t window(const int64_t *limb, unsigned q, int *sticky)
{
    unsigned idx = q / 32, off = q % 32;
    uint64_t w = 0;
    for (unsigned j = 0; j < 3 && idx + j < MG_EXACT_SUM_LIMBS; j++) {
        uint64_t u = (uint64_t)limb[idx + j];
        int shift = (int)(32 * j) - (int)off;
        w += shift >= 0 ? (shift < 64 ? u << shift : 0) : u >> -shift;
    }
    *sticky = off && ((uint64_t)limb[idx] & ((1ULL << off) - 1)) != 0;
    for (unsigned j = 0; j < idx && !*sticky; j++)
        *sticky = limb[j] != 0;
    return w;
}

/* The non-negative, carried value rounded to the nearest double. */
static double round_magnitude(const int64_t *limb)
{
    int t = TOP;
    while (t >= 0 && limb[t] == 0)
        t--;
    if (t < 0)
        return 0.0;
    unsigned len = 32 * (unsigned)t + bit_length((uint64_t)limb[t]); /* V < 2^len */
    if (len <= 53) /* a multiple of 2^-1074 below 2^-1021: exact */
        return ldexp((double)((uint64_t)limb[0] + ((uint64_t)limb[1] << 32)), -1074);
    uint64_t w;
    int sticky = 0;
    if (len < 64)
        w = ((uint64_t)limb[0] + ((uint64_t)limb[1] << 32)) << (64 - len);
    else
        w = window(limb, len - 64, &sticky);
    /* w holds the top 64 bits: keep 53, round to nearest, ties to even. */
    uint64_t m = w >> 11, rest = w & 0x7ff;
    if (rest > 0x400 || (rest == 0x400 && (sticky || (m & 1))))
        m++;
    int e = (int)len - 53;
    if (m >> 53) {
        m >>= 1;
        e++;
    }
    return ldexp((double)m, e - 1074); /* infinity past the largest double */
}

double mg_exact_sum_value(const mg_exact_sum *s)
{
    if (s->nan || (s->pos_inf && s->neg_inf))
        return NAN;
    if (s->pos_inf)
        return INFINITY;
    if (s->neg_inf)
        return -INFINITY;
    int64_t abs[MG_EXACT_SUM_LIMBS];
    int negative = mg_limbs_magnitude(s->limb, MG_EXACT_SUM_LIMBS, abs);
    double v = round_magnitude(abs);
    return negative ? -v : v;
}

size_t mg_exact_sum_expand(const mg_exact_sum *s, double *out, size_t max)
{
    mg_exact_sum rest = *s;
    size_t n = 0;
    while (n < max) {
        double v = mg_exact_sum_value(&rest);
        if (v == 0.0 || !isfinite(v))
            break;
        out[n++] = v;
        mg_exact_sum_add(&rest, -v);
    }
    return n;
}

json_t *mg_exact_sum_save(const mg_exact_sum *s)
{
    json_t *o = mg_limbs_save(s->limb, MG_EXACT_SUM_LIMBS, "limbs");
    json_object_set_new(o, "inf", mg_state_count(s->pos_inf));
    json_object_set_new(o, "-inf", mg_state_count(s->neg_inf));
    json_object_set_new(o, "nan", mg_state_count(s->nan));
    return o;
}

int mg_exact_sum_merge_json(mg_exact_sum *s, const json_t *v, const char *what, char *msg, size_t size)
{
    mg_exact_sum add;
    mg_exact_sum_clear(&add);
    char inner[200];
    if (!json_is_object(v) || mg_state_get_count(v, "inf", &add.pos_inf, inner, sizeof inner) != 0 ||
        mg_state_get_count(v, "-inf", &add.neg_inf, inner, sizeof inner) != 0 ||
        mg_state_get_count(v, "nan", &add.nan, inner, sizeof inner) != 0) {
        snprintf(msg, size, "'%s': expected an exact sum {\"at\", \"limbs\", \"inf\", \"-inf\", \"nan\"}", what);
        return -1;
    }
    /* The top limb of a carried sum of at most 2^64 terms is far below 2^60. */
    if (mg_limbs_load(v, "limbs", add.limb, MG_EXACT_SUM_LIMBS, INT64_C(1) << 60, what, msg, size) != 0)
        return -1;
    mg_exact_sum_merge(s, &add);
    return 0;
}
