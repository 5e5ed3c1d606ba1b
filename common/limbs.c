/*
 * limbs.c - carrying, sign and state files of the exact accumulators' big
 * integers (see limbs.h).
 */
#include "common/limbs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state_json.h"

#define DIGIT_MASK UINT64_C(0xffffffff)

void mg_limbs_carry(int64_t *limb, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        int64_t low = (int64_t)((uint64_t)limb[i] & DIGIT_MASK);
        /* An exact division (limb - low is a multiple of 2^32): no shift of
         * a negative number. */
        limb[i + 1] += (limb[i] - low) / (INT64_C(1) << 32);
        limb[i] = low;
    }
}

int mg_limbs_magnitude(const int64_t *limb, size_t n, int64_t *abs)
{
    memcpy(abs, limb, n * sizeof *abs);
    mg_limbs_carry(abs, n);
    if (n == 0 || abs[n - 1] >= 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        abs[i] = -abs[i];
    mg_limbs_carry(abs, n);
    return 1;
}

json_t *mg_limbs_save(const int64_t *limb, size_t n, const char *key)
{
    int64_t tmp[MG_LIMBS_MAX];
    memcpy(tmp, limb, n * sizeof *tmp);
    mg_limbs_carry(tmp, n);
    size_t lo = 0, hi = n;
    while (hi > 0 && tmp[hi - 1] == 0)
        hi--;
    while (lo < hi && tmp[lo] == 0)
        lo++;
    uint64_t words[MG_LIMBS_MAX];
    for (size_t i = lo; i < hi; i++)
        words[i - lo] = (uint64_t)tmp[i];
    return json_pack("{s:o, s:o}", "at", mg_state_count(lo), key, mg_state_counts(words, hi - lo));
}

int mg_limbs_load(const json_t *o, const char *key, int64_t *limb, size_t n, int64_t top_bound, const char *what,
                  char *msg, size_t size)
{
    uint64_t at, *words = NULL;
    size_t nw = 0;
    char inner[200];
    memset(limb, 0, n * sizeof *limb);
    if (!json_is_object(o) || mg_state_get_count(o, "at", &at, inner, sizeof inner) != 0 ||
        mg_state_get_counts(o, key, &words, &nw, inner, sizeof inner) != 0) {
        free(words);
        snprintf(msg, size, "'%s': expected an object {\"at\", \"%s\"} of 32-bit digits", what, key);
        return -1;
    }
    int rc = 0;
    if (at > n || nw > n - at) {
        rc = -1;
        snprintf(msg, size, "'%s': %zu digits from %llu, expected at most %zu in all", what, nw,
                 (unsigned long long)at, n);
    }
    for (size_t i = 0; rc == 0 && i < nw; i++) {
        size_t k = (size_t)at + i;
        int64_t v = (int64_t)words[i];
        int ok = k + 1 < n ? words[i] <= DIGIT_MASK : v > -top_bound && v < top_bound;
        if (!ok) {
            rc = -1;
            snprintf(msg, size, "'%s': digit %zu is out of range", what, k);
        }
        limb[k] = v;
    }
    free(words);
    return rc;
}
