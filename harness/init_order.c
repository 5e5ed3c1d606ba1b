/*
 * init_order.c - the event order `mgate init` sees: late rows and the
 * worst lateness, for the whole file and per key, with the same notion of
 * "late" as the order check (earlier than the latest time seen before in
 * its scope).
 */
#include "harness/init_order.h"

#include <math.h>
#include <string.h>

static int value_time(const mg_profile *p, const mg_value *v, double *t)
{
    const char *expected;
    double n;
    if (mg_value_is_missing(v) || mg_value_as_type(v, MG_TYPE_TIMESTAMP, t, &expected) != 0)
        return -1;
    /* Outside the --time column only RFC 3339 text is a time. */
    if (p->order_time_col != p->time_col && mg_value_as_type(v, MG_TYPE_NUMBER, &n, &expected) == 0)
        return -1;
    return 0;
}

void mg_order_setup(mg_profile *p, const mg_row *first)
{
    p->order_time_col = p->time_col;
    for (size_t i = 0; p->order_time_col < 0 && i < p->ncols && i < first->nvalues; i++) {
        double t, n;
        const char *expected;
        const mg_value *v = &first->values[i];
        if (!mg_value_is_missing(v) && mg_value_as_type(v, MG_TYPE_TIMESTAMP, &t, &expected) == 0 &&
            mg_value_as_type(v, MG_TYPE_NUMBER, &n, &expected) != 0)
            p->order_time_col = (long)i;
    }
    p->time_lo = INFINITY;
    p->time_hi = -INFINITY;
    memset(p->scopes, 0, sizeof p->scopes);
    p->scopes[0].key_col = -1;
    p->nscopes = 1;
    for (size_t i = 0; p->order_time_col >= 0 && i < p->ncols && p->nscopes <= MG_INIT_MAX_KEY_SCOPES; i++) {
        if ((long)i == p->id_col || (long)i == p->order_time_col || !mg_name_is_id(p->cols[i].name))
            continue;
        mg_order_scope *s = &p->scopes[p->nscopes++];
        s->key_col = (long)i;
        mg_keytable_init(&s->keys);
    }
}

static void late(mg_order_scope *s, double by)
{
    s->late_rows++;
    if (by > s->worst_lateness)
        s->worst_lateness = by;
}

static void scope_observe(mg_order_scope *s, const mg_row *row, double t, uint64_t line)
{
    if (s->key_col < 0) {
        if (s->has_latest && t < s->latest)
            late(s, s->latest - t);
        else
            s->latest = t;
        s->has_latest = 1;
        return;
    }
    if (s->dropped || (size_t)s->key_col >= row->nvalues || mg_value_is_missing(&row->values[s->key_col]))
        return;
    if (s->keys.count >= MG_INIT_MAX_ID_KEYS) {
        mg_keytable_free(&s->keys);
        s->dropped = 1;
        return;
    }
    const mg_value *k = &row->values[s->key_col];
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, k->text, k->len);
    int found = 0;
    mg_key_entry *e = mg_keytable_upsert(&s->keys, mg_key_hasher_done(&h), &found);
    if (!found) {
        e->line = line;
        e->value = t;
    } else if (t < e->value) {
        late(s, e->value - t);
    } else {
        e->value = t;
    }
}

void mg_order_observe(mg_profile *p, const mg_row *row)
{
    double t;
    if (p->order_time_col < 0 || (size_t)p->order_time_col >= row->nvalues ||
        value_time(p, &row->values[p->order_time_col], &t) != 0)
        return;
    p->time_lo = fmin(p->time_lo, t);
    p->time_hi = fmax(p->time_hi, t);
    for (size_t i = 0; i < p->nscopes; i++)
        scope_observe(&p->scopes[i], row, t, p->rows + 1);
}

void mg_order_free(mg_profile *p)
{
    for (size_t i = 1; i < p->nscopes; i++)
        if (!p->scopes[i].dropped)
            mg_keytable_free(&p->scopes[i].keys);
    p->nscopes = 0;
}

static int scope_usable(const mg_profile *p, const mg_order_scope *s, long id_col)
{
    if (s->key_col < 0)
        return 1;
    /* A key that is (nearly) unique orders nothing. */
    return !s->dropped && s->key_col != id_col && s->keys.count * 2 <= p->rows;
}

void mg_order_pick(const mg_profile *p, long time_col, long id_col, mg_order_rule *out)
{
    memset(out, 0, sizeof *out);
    out->key_col = -1;
    if (time_col < 0 || time_col != p->order_time_col)
        return;
    uint64_t tolerated = (uint64_t)floor(MG_INIT_FLAW_SHARE * (double)p->rows);
    for (size_t i = 0; i < p->nscopes; i++) {
        const mg_order_scope *s = &p->scopes[i];
        if (scope_usable(p, s, id_col) && s->late_rows <= tolerated) {
            out->use = 1;
            out->key_col = s->key_col;
            out->max_count = s->late_rows;
            return;
        }
    }
    double span = p->time_hi - p->time_lo;
    for (size_t i = 0; i < p->nscopes; i++) {
        const mg_order_scope *s = &p->scopes[i];
        if (scope_usable(p, s, id_col) && s->worst_lateness <= MG_INIT_FLAW_SHARE * span) {
            out->use = 1;
            out->key_col = s->key_col;
            out->allowed_lateness = s->worst_lateness;
            return;
        }
    }
}
