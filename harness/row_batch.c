#include "harness/row_batch.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

void mg_row_batch_init(mg_row_batch *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->cap = cap ? cap : 1;
    b->rows = mg_xcalloc(b->cap, sizeof *b->rows);
    b->ptrs = mg_xcalloc(b->cap, sizeof *b->ptrs);
    b->value_start = mg_xcalloc(b->cap, sizeof *b->value_start);
}

void mg_row_batch_free(mg_row_batch *b)
{
    free(b->rows);
    free(b->ptrs);
    free(b->values);
    free(b->value_start);
    free(b->text_at);
    free(b->text);
    memset(b, 0, sizeof *b);
}

static void grow_values(mg_row_batch *b, size_t need)
{
    if (need <= b->values_cap)
        return;
    size_t cap = b->values_cap ? b->values_cap : 64;
    while (cap < need)
        cap *= 2;
    b->values = mg_xrealloc(b->values, cap * sizeof *b->values);
    b->text_at = mg_xrealloc(b->text_at, cap * sizeof *b->text_at);
    b->values_cap = cap;
}

static void grow_text(mg_row_batch *b, size_t need)
{
    if (need <= b->text_cap)
        return;
    size_t cap = b->text_cap ? b->text_cap : 4096;
    while (cap < need)
        cap *= 2;
    b->text = mg_xrealloc(b->text, cap);
    b->text_cap = cap;
}

/* Texts are kept as offsets while rows are added (the arena may move as it
 * grows); the pointers are set once, when the rows are asked for. */
void mg_row_batch_push(mg_row_batch *b, const mg_row *row)
{
    size_t text_bytes = 0;
    for (size_t i = 0; i < row->nvalues; i++)
        text_bytes += row->values[i].len + 1;
    grow_values(b, b->nvalues + row->nvalues);
    grow_text(b, b->text_len + text_bytes);
    b->rows[b->n] = *row;
    b->value_start[b->n] = b->nvalues;
    for (size_t i = 0; i < row->nvalues; i++) {
        const mg_value *v = &row->values[i];
        b->values[b->nvalues] = *v;
        b->text_at[b->nvalues] = b->text_len;
        if (v->len)
            memcpy(b->text + b->text_len, v->text, v->len);
        b->text[b->text_len + v->len] = '\0';
        b->text_len += v->len + 1;
        b->nvalues++;
    }
    b->n++;
    b->sealed = 0;
}

size_t mg_row_batch_count(const mg_row_batch *b) { return b->n; }
int mg_row_batch_full(const mg_row_batch *b) { return b->n == b->cap; }

const mg_row *const *mg_row_batch_rows(mg_row_batch *b)
{
    if (!b->sealed) {
        for (size_t i = 0; i < b->nvalues; i++)
            b->values[i].text = b->text + b->text_at[i];
        for (size_t r = 0; r < b->n; r++) {
            if (b->values) /* NULL only while every row has no value */
                b->rows[r].values = b->values + b->value_start[r];
            b->ptrs[r] = &b->rows[r];
        }
        b->sealed = 1;
    }
    return b->ptrs;
}

void mg_row_batch_clear(mg_row_batch *b)
{
    b->n = 0;
    b->nvalues = 0;
    b->text_len = 0;
    b->sealed = 0;
}
