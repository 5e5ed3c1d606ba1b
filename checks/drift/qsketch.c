/*
 * qsketch.c - the quantile sketch of a number column: exact while small, then
 * KLL (see sketch.h for the rules and the error bound).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_stats.h"
#include "checks/drift/sketch.h"
#include "checks/drift/sorted_copy.h"
#include "common/xmem.h"

#define MIN_LEVEL_CAP 8
#define RNG_SEED UINT64_C(0x6d67617465) /* any fixed value: runs are repeatable */

/* splitmix64 (Steele, Lea and Flood 2014): one 64-bit output per call. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void mg_qsketch_init(mg_qsketch *s, unsigned k)
{
    memset(s, 0, sizeof *s);
    s->k = k ? k : MG_QSKETCH_K;
    s->exact = 1;
    s->rng = RNG_SEED;
}

void mg_qsketch_free(mg_qsketch *s)
{
    if (!s)
        return;
    for (size_t h = 0; h < s->nlevels; h++)
        free(s->level[h]);
    free(s->level);
    free(s->len);
    free(s->cap);
    free(s->limit);
    s->level = NULL;
    s->len = s->cap = s->limit = NULL;
    s->retained = s->capacity = 0;
    s->nlevels = 0;
}

/* Level h may hold k (2/3)^(levels above it) items, at least 8: the
 * capacities change only when a level is added. */
static void set_limits(mg_qsketch *s)
{
    double c = (double)s->k;
    s->capacity = 0;
    for (size_t h = s->nlevels; h-- > 0;) {
        double up = ceil(c);
        s->limit[h] = up < MIN_LEVEL_CAP ? MIN_LEVEL_CAP : (size_t)up;
        s->capacity += s->limit[h];
        c *= 2.0 / 3.0;
    }
}

static void add_level(mg_qsketch *s)
{
    size_t h = s->nlevels++;
    s->level = mg_xrealloc(s->level, s->nlevels * sizeof *s->level);
    s->len = mg_xrealloc(s->len, s->nlevels * sizeof *s->len);
    s->cap = mg_xrealloc(s->cap, s->nlevels * sizeof *s->cap);
    s->limit = mg_xrealloc(s->limit, s->nlevels * sizeof *s->limit);
    s->level[h] = NULL;
    s->len[h] = s->cap[h] = 0;
    set_limits(s);
}

/* Makes room in level h (adding levels up to it) for `more` items. */
static void level_reserve(mg_qsketch *s, size_t h, size_t more)
{
    while (h >= s->nlevels)
        add_level(s);
    s->level[h] = mg_xgrow(s->level[h], &s->cap[h], s->len[h] + more, sizeof(double));
}

static void level_push(mg_qsketch *s, size_t h, double x)
{
    /* the common case (every value added goes here) without a call */
    if (h >= s->nlevels || s->len[h] == s->cap[h])
        level_reserve(s, h, 1);
    s->level[h][s->len[h]++] = x;
    s->retained++;
}

static int is_sorted(const double *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (a[i] < a[i - 1])
            return 0;
    return 1;
}

/* Sorts level h and promotes every other item (from a random offset) to
 * level h + 1; with an odd count the largest item stays behind.  The
 * promoted run is merged into level h + 1, which so stays sorted when it was
 * (always, but after mg_qsketch_add_item or a merge): only level 0 then
 * needs a sort at its compaction, the others a check. */
static void compact(mg_qsketch *s, size_t h)
{
    size_t n = s->len[h], even = n & ~(size_t)1, m = even / 2;
    if (!is_sorted(s->level[h], n))
        mg_sort_doubles(s->level[h], n);
    size_t offset = (size_t)(next_random(&s->rng) >> 63);
    level_reserve(s, h + 1, m); /* may move the level arrays, not level h's items */
    double *items = s->level[h], *up = s->level[h + 1];
    /* merge from the back: up[0..old) and items[offset + 2j], j < m */
    size_t old = s->len[h + 1], out = old + m, j = m;
    while (j > 0) {
        double x = items[offset + 2 * (j - 1)];
        if (old > 0 && up[old - 1] > x)
            up[--out] = up[--old];
        else
            up[--out] = x, j--;
    }
    s->len[h + 1] += m;
    if (n > even)
        items[0] = items[n - 1];
    s->len[h] = n - even;
    s->retained -= m;
}

/* Lazily, as Apache DataSketches do: only once the sketch holds as many
 * items as all its levels' capacities together, compacts the lowest level
 * at or over its own capacity (one exists then), until there is room.  A
 * level may fill past its capacity while others have room, which keeps
 * more items, and so more accuracy, than compacting each level as soon as it
 * is full. */
static void compress(mg_qsketch *s)
{
    while (s->retained >= s->capacity) {
        size_t h = 0;
        while (h + 1 < s->nlevels && s->len[h] < s->limit[h])
            h++;
        compact(s, h);
    }
}

void mg_qsketch_add_item(mg_qsketch *s, size_t h, double x)
{
    level_push(s, h, x);
}

void mg_qsketch_absorb(mg_qsketch *into, const mg_qsketch *from)
{
    for (size_t h = 0; h < from->nlevels; h++) {
        size_t m = from->len[h];
        if (m == 0)
            continue;
        level_reserve(into, h, m);
        double *a = into->level[h];
        const double *b = from->level[h];
        size_t i = into->len[h], j = m, out = i + m;
        /* merge from the back: the level stays sorted, no sort at its compaction */
        while (j > 0) {
            if (i > 0 && a[i - 1] > b[j - 1])
                a[--out] = a[--i];
            else
                a[--out] = b[--j];
        }
        into->len[h] += m;
        into->retained += m;
    }
    into->n += from->n;
}

void mg_qsketch_seal(mg_qsketch *s, uint64_t seed)
{
    s->exact = 0;
    s->rng = seed;
    if (s->retained > 0)
        compress(s);
}

void mg_qsketch_add(mg_qsketch *s, double x)
{
    level_push(s, 0, x);
    s->n++;
    if (s->exact) {
        if (s->n <= MG_QSKETCH_EXACT_MAX)
            return;
        s->exact = 0;
    }
    if (s->retained >= s->capacity)
        compress(s);
}

int mg_qsketch_merge(mg_qsketch *into, const mg_qsketch *from, mg_error *err)
{
    if (into->k != from->k)
        return mg_error_set(err, "cannot merge quantile sketches with k %u and %u", into->k,
                            from->k);
    for (size_t h = 0; h < from->nlevels; h++)
        for (size_t i = 0; i < from->len[h]; i++)
            level_push(into, h, from->level[h][i]);
    into->n += from->n;
    into->rng ^= from->rng;
    if (into->exact && from->exact && into->n <= MG_QSKETCH_EXACT_MAX)
        return 0;
    into->exact = 0;
    compress(into);
    return 0;
}

double mg_qsketch_rank_error(const mg_qsketch *s)
{
    return s->exact ? 0.0 : 2.446 / pow((double)s->k, 0.9433);
}

typedef struct weighted {
    double value;
    uint64_t weight;
} weighted;

static int weighted_cmp(const void *a, const void *b)
{
    return mg_double_cmp(&((const weighted *)a)->value, &((const weighted *)b)->value);
}

size_t mg_qsketch_sorted(const mg_qsketch *s, double **values, uint64_t **weights)
{
    size_t total = 0;
    for (size_t h = 0; h < s->nlevels; h++)
        total += s->len[h];
    weighted *w = mg_xmalloc((total ? total : 1) * sizeof *w);
    size_t at = 0;
    for (size_t h = 0; h < s->nlevels; h++)
        for (size_t i = 0; i < s->len[h]; i++)
            w[at++] = (weighted){s->level[h][i], UINT64_C(1) << h};
    qsort(w, total, sizeof *w, weighted_cmp);
    *values = mg_xmalloc((total ? total : 1) * sizeof **values);
    *weights = mg_xmalloc((total ? total : 1) * sizeof **weights);
    for (size_t i = 0; i < total; i++) {
        (*values)[i] = w[i].value;
        (*weights)[i] = w[i].weight;
    }
    free(w);
    return total;
}

uint64_t mg_qsketch_rank(const mg_qsketch *s, double x)
{
    uint64_t r = 0;
    for (size_t h = 0; h < s->nlevels; h++)
        for (size_t i = 0; i < s->len[h]; i++)
            r += (s->level[h][i] <= x) << h;
    return r;
}

double mg_qsketch_quantile(const mg_qsketch *s, double q)
{
    if (s->n == 0)
        return NAN;
    double *v;
    uint64_t *w;
    size_t m = mg_qsketch_sorted(s, &v, &w);
    double out;
    if (s->exact) {
        out = mg_quantile_linear(v, m, q);
    } else {
        double target = q * (double)s->n, cum = 0.0;
        size_t i = 0;
        while (i + 1 < m && (cum += (double)w[i]) < target)
            i++;
        out = v[i];
    }
    free(v);
    free(w);
    return out;
}

int mg_qsketch_edges(const mg_qsketch *s, unsigned bins, double *edges, size_t *nedges,
                     mg_error *err)
{
    *nedges = 0;
    if (s->n == 0)
        return mg_error_set(err, "cannot cut quantile bins from an empty sketch");
    if (bins < 1)
        return mg_error_set(err, "the number of bins is %u, expected at least 1", bins);
    double *v;
    uint64_t *w;
    size_t m = mg_qsketch_sorted(s, &v, &w);
    int rc = 0;
    if (s->exact) {
        rc = mg_quantile_edges(v, m, bins, edges, nedges, err);
    } else {
        double step = 1.0 / (double)bins, cum = 0.0;
        size_t i = 0;
        for (unsigned b = 1; b < bins; b++) {
            double target = (double)b * step * (double)s->n;
            /* the smallest item whose cumulative weight reaches the target */
            while (i + 1 < m && cum + (double)w[i] < target)
                cum += (double)w[i++];
            if (*nedges == 0 || v[i] != edges[*nedges - 1])
                edges[(*nedges)++] = v[i];
        }
    }
    free(v);
    free(w);
    return rc;
}

void mg_qsketch_bin_counts(const mg_qsketch *s, const double *edges, size_t nedges,
                           double *counts)
{
    for (size_t b = 0; b <= nedges; b++)
        counts[b] = 0.0;
    for (size_t h = 0; h < s->nlevels; h++)
        for (size_t i = 0; i < s->len[h]; i++)
            counts[mg_bin_of(edges, nedges, s->level[h][i])] += ldexp(1.0, (int)h);
}
