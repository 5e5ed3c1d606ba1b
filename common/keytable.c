#include "common/keytable.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/xmem.h"

void mg_keytable_init(mg_keytable *t)
{
    memset(t, 0, sizeof *t);
}

void mg_keytable_free(mg_keytable *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static mg_key_entry *probe(mg_key_entry *slots, size_t cap, mg_key128 key)
{
    size_t i = (size_t)key.lo & (cap - 1);
    for (;;) {
        mg_key_entry *e = &slots[i];
        if (e->line == 0 || (e->key.hi == key.hi && e->key.lo == key.lo))
            return e;
        i = (i + 1) & (cap - 1);
    }
}

/* A zeroed slot array.  Large tables are asked for huge pages: lookups hit
 * random slots, and with 4 KiB pages most of them would miss the TLB. */
static mg_key_entry *slots_new(size_t cap)
{
    size_t bytes = cap * sizeof(mg_key_entry);
    const size_t huge = 2u << 20;
    if (bytes < 2 * huge)
        return mg_xcalloc(cap, sizeof(mg_key_entry));
    void *p = NULL;
    if (posix_memalign(&p, huge, bytes) != 0)
        return mg_xcalloc(cap, sizeof(mg_key_entry));
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE);
#endif
    memset(p, 0, bytes);
    return p;
}

static void grow(mg_keytable *t)
{
    size_t cap = t->cap ? t->cap * 2 : 16; /* small: most tables (column names) are */
    mg_key_entry *slots = slots_new(cap);
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].line != 0)
            *probe(slots, cap, t->slots[i].key) = t->slots[i];
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

mg_key_entry *mg_keytable_upsert(mg_keytable *t, mg_key128 key, int *found)
{
    /* Keep the load under 3/4: short probes, less memory than 1/2. */
    if ((t->count + 1) * 4 > t->cap * 3)
        grow(t);
    mg_key_entry *e = probe(t->slots, t->cap, key);
    *found = e->line != 0;
    if (!*found) {
        e->key = key;
        e->value = 0;
        t->count++;
    }
    return e;
}

const mg_key_entry *mg_keytable_find(const mg_keytable *t, mg_key128 key)
{
    if (t->cap == 0)
        return NULL;
    const mg_key_entry *e = probe(t->slots, t->cap, key);
    return e->line != 0 ? e : NULL;
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

void mg_key_hasher_init(mg_key_hasher *h)
{
    h->a = 0x9e3779b97f4a7c15ULL;
    h->b = 0x632be59bd9b4e019ULL;
}

static void absorb(mg_key_hasher *h, uint64_t w)
{
    h->a = mix(h->a ^ w) + 0x9e3779b97f4a7c15ULL;
    h->b = mix(h->b + (w * 0xbf58476d1ce4e5b9ULL)) ^ (h->b >> 29);
}

void mg_key_hasher_add(mg_key_hasher *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    absorb(h, (uint64_t)len);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        absorb(h, w);
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        absorb(h, w ^ ((uint64_t)len << 56));
    }
}

mg_key128 mg_key_hasher_done(const mg_key_hasher *h)
{
    mg_key128 k = {mix(h->a ^ (h->b << 1)), mix(h->b + h->a)};
    return k;
}
