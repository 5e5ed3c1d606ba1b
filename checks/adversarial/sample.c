/*
 * sample.c - the seeded sample of rows of the adversarial and serving
 * checks (adv_common.h): the rows with the smallest seeded hashes of their
 * data line, kept in a max-heap of owned copies while rows are offered, so
 * the sample does not depend on the order rows come in and the samples of
 * shards merge exactly (sample_state.c).
 */
#include "checks/adversarial/adv_common.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

void adv_sample_init(adv_sample *s, size_t cap, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->cap = cap;
    s->seed = seed;
    s->rows = mg_xcalloc(cap ? cap : 1, sizeof *s->rows);
    s->keys = mg_xcalloc(cap ? cap : 1, sizeof *s->keys);
}

/* Hashes the seed, the line and a tag as little-endian bytes, so every
 * machine computes the same keys. */
static mg_key128 row_hash(uint64_t seed, unsigned long line, const char *tag)
{
    unsigned char bytes[16];
    for (int b = 0; b < 8; b++) {
        bytes[b] = (unsigned char)(seed >> (8 * b));
        bytes[8 + b] = (unsigned char)((uint64_t)line >> (8 * b));
    }
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, bytes, sizeof bytes);
    mg_key_hasher_add(&h, tag, strlen(tag));
    return mg_key_hasher_done(&h);
}

mg_key128 adv_sample_key(uint64_t seed, unsigned long line)
{
    return row_hash(seed, line, "sample");
}

uint64_t adv_row_seed(uint64_t seed, unsigned long line)
{
    return row_hash(seed, line, "variants").lo;
}

/* Whether (ka, la) comes before (kb, lb): the smaller key, then (a tie no
 * real data meets) the smaller line. */
static int key_before(mg_key128 ka, unsigned long la, mg_key128 kb, unsigned long lb)
{
    if (ka.hi != kb.hi)
        return ka.hi < kb.hi;
    if (ka.lo != kb.lo)
        return ka.lo < kb.lo;
    return la < lb;
}

static int slot_before(const adv_sample *s, size_t a, size_t b)
{
    return key_before(s->keys[a], s->rows[a]->line, s->keys[b], s->rows[b]->line);
}

static void slot_swap(adv_sample *s, size_t a, size_t b)
{
    mg_row *r = s->rows[a];
    s->rows[a] = s->rows[b];
    s->rows[b] = r;
    mg_key128 k = s->keys[a];
    s->keys[a] = s->keys[b];
    s->keys[b] = k;
}

/* The max-heap: the slot with the largest key (the first to go) at 0. */
static void sift_up(adv_sample *s, size_t i)
{
    while (i > 0 && slot_before(s, (i - 1) / 2, i)) {
        slot_swap(s, (i - 1) / 2, i);
        i = (i - 1) / 2;
    }
}

static void sift_down(adv_sample *s, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, top = i;
        if (l < s->n && slot_before(s, top, l))
            top = l;
        if (r < s->n && slot_before(s, top, r))
            top = r;
        if (top == i)
            return;
        slot_swap(s, i, top);
        i = top;
    }
}

void adv_sample_offer(adv_sample *s, const mg_row *row)
{
    if (s->cap == 0)
        return;
    mg_key128 key = adv_sample_key(s->seed, row->line);
    if (s->n < s->cap) {
        s->rows[s->n] = mg_row_dup(row);
        s->keys[s->n] = key;
        sift_up(s, s->n++);
        return;
    }
    if (!key_before(key, row->line, s->keys[0], s->rows[0]->line))
        return;
    mg_row_free(s->rows[0]);
    s->rows[0] = mg_row_dup(row);
    s->keys[0] = key;
    sift_down(s, 0);
}

typedef struct keyed_row {
    mg_key128 key;
    mg_row *row;
} keyed_row;

static int by_line(const void *a, const void *b)
{
    unsigned long x = ((const keyed_row *)a)->row->line, y = ((const keyed_row *)b)->row->line;
    return (x > y) - (x < y);
}

void adv_sample_sort(adv_sample *s)
{
    keyed_row *kr = mg_xcalloc(s->n ? s->n : 1, sizeof *kr);
    for (size_t i = 0; i < s->n; i++)
        kr[i] = (keyed_row){s->keys[i], s->rows[i]};
    qsort(kr, s->n, sizeof *kr, by_line);
    for (size_t i = 0; i < s->n; i++) {
        s->keys[i] = kr[i].key;
        s->rows[i] = kr[i].row;
        s->rows[i]->index = i;
    }
    free(kr);
}

void adv_sample_free(adv_sample *s)
{
    for (size_t i = 0; i < s->n; i++)
        mg_row_free(s->rows[i]);
    free(s->rows);
    free(s->keys);
    memset(s, 0, sizeof *s);
}
