/*
 * freq.c - value frequencies of a text column (see sketch.h): exact counts
 * per distinct value up to MG_FREQ_TRACK_MAX values, then the rest counted
 * together.
 */
#include <stdlib.h>
#include <string.h>

#include "checks/drift/sketch.h"
#include "common/xmem.h"

void mg_freq_init(mg_freq *f)
{
    memset(f, 0, sizeof *f);
    mg_keytable_init(&f->index);
}

void mg_freq_free(mg_freq *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nitems; i++)
        free(f->items[i].text);
    free(f->items);
    mg_keytable_free(&f->index);
    memset(f, 0, sizeof *f);
}

static mg_key128 fingerprint(const char *text, size_t len)
{
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, text, len);
    return mg_key_hasher_done(&h);
}

void mg_freq_add(mg_freq *f, const char *text, size_t len, uint64_t count)
{
    f->total += count;
    mg_key128 key = fingerprint(text, len);
    const mg_key_entry *seen = mg_keytable_find(&f->index, key);
    if (seen) {
        f->items[seen->line - 1].count += count;
        return;
    }
    if (f->nitems >= MG_FREQ_TRACK_MAX) {
        f->untracked += count;
        return;
    }
    int found;
    mg_key_entry *e = mg_keytable_upsert(&f->index, key, &found);
    e->line = f->nitems + 1;
    f->items = mg_xgrow(f->items, &f->alloc, f->nitems + 1, sizeof *f->items);
    mg_freq_item *it = &f->items[f->nitems++];
    it->text = mg_xmalloc(len + 1);
    memcpy(it->text, text, len);
    it->text[len] = '\0';
    it->len = len;
    it->count = count;
}

void mg_freq_merge(mg_freq *into, const mg_freq *from)
{
    for (size_t i = 0; i < from->nitems; i++)
        mg_freq_add(into, from->items[i].text, from->items[i].len, from->items[i].count);
    into->total += from->untracked;
    into->untracked += from->untracked;
}

uint64_t mg_freq_count(const mg_freq *f, const char *text, size_t len)
{
    const mg_key_entry *e = mg_keytable_find(&f->index, fingerprint(text, len));
    return e ? f->items[e->line - 1].count : 0;
}

int mg_freq_is_exact(const mg_freq *f)
{
    return f->untracked == 0;
}

/* Compares two item pointers: count descending, then text bytes. */
static int by_count_then_text(const void *a, const void *b)
{
    const mg_freq_item *x = *(const mg_freq_item *const *)a;
    const mg_freq_item *y = *(const mg_freq_item *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

size_t *mg_freq_order(const mg_freq *f)
{
    size_t n = f->nitems ? f->nitems : 1;
    const mg_freq_item **ptr = mg_xmalloc(n * sizeof *ptr);
    for (size_t i = 0; i < f->nitems; i++)
        ptr[i] = &f->items[i];
    qsort(ptr, f->nitems, sizeof *ptr, by_count_then_text);
    size_t *pos = mg_xmalloc(n * sizeof *pos);
    for (size_t i = 0; i < f->nitems; i++)
        pos[i] = (size_t)(ptr[i] - f->items);
    free(ptr);
    return pos;
}
