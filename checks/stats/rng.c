/*
 * rng.c - xoshiro256** seeded by splitmix64, and unbiased bounded
 * draws.  Portable: only unsigned 64-bit arithmetic.
 */
#include "checks/stats/stats.h"

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void mg_rng_seed(mg_rng *r, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++) {
        sm += 0x9E3779B97F4A7C15ULL;
        uint64_t z = sm;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        r->s[i] = z ^ (z >> 31);
    }
}

uint64_t mg_rng_next(mg_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t mg_rng_below(mg_rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t floor = (0 - n) % n; /* 2^64 mod n */
    for (;;) {
        uint64_t x = mg_rng_next(r);
        if (x >= floor)
            return x % n;
    }
}
