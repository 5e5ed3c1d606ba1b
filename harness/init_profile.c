/*
 * init_profile.c - one-pass column profiles for `mgate init`, and the rules
 * that turn them into schema rules.  Values are read with the same type
 * recognisers the checks use (mg_value_as_type), so a type inferred here is
 * a type `mgate run` accepts for the same values.
 */
#include "harness/init_profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmem.h"
#include "harness/init_order.h"

static const mg_field_type cand_type[MG_CAND_COUNT] = {
    MG_TYPE_INTEGER, MG_TYPE_NUMBER, MG_TYPE_BOOLEAN, MG_TYPE_TIMESTAMP, MG_TYPE_STRING};

int mg_name_is_id(const char *name)
{
    size_t n = strlen(name);
    if (strcasecmp(name, "id") == 0)
        return 1;
    if (n < 3)
        return 0;
    const char *tail = name + n - 2;
    if ((tail[-1] == '_' || tail[-1] == '-' || tail[-1] == ' ') && strcasecmp(tail, "id") == 0)
        return 1;
    return tail[0] == 'I' && tail[1] == 'd' && tail[-1] >= 'a' && tail[-1] <= 'z';
}

mg_profile *mg_profile_new(const char *const *names, size_t n, long id_col, long time_col)
{
    mg_profile *p = mg_xcalloc(1, sizeof *p);
    p->cols = mg_xcalloc(n ? n : 1, sizeof *p->cols);
    p->ncols = n;
    p->time_col = (int)time_col;
    p->id_col = id_col;
    p->order_time_col = -2; /* decided on the first row */
    for (size_t i = 0; i < n; i++) {
        mg_col_profile *c = &p->cols[i];
        c->name = mg_xstrdup(names[i]);
        for (int k = 0; k < MG_CAND_COUNT; k++) {
            c->lo[k] = INFINITY;
            c->hi[k] = -INFINITY;
        }
        c->id_given = id_col == (long)i;
        c->id_tracked = id_col >= 0 ? c->id_given : (i == 0 || mg_name_is_id(names[i]));
        if (c->id_tracked)
            mg_keytable_init(&c->keys);
    }
    return p;
}

void mg_profile_free(mg_profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ncols; i++) {
        mg_col_profile *c = &p->cols[i];
        free(c->name);
        for (size_t k = 0; k < c->nvalues; k++)
            free(c->values[k].text);
        if (c->id_tracked)
            mg_keytable_free(&c->keys);
    }
    mg_order_free(p);
    free(p->cols);
    free(p);
}

static void id_drop(mg_col_profile *c)
{
    if (c->id_given || !c->id_tracked)
        return;
    mg_keytable_free(&c->keys);
    c->id_tracked = 0;
    c->id_dropped = 1;
}

/* Uniqueness: more than 10 times the flaw share of repeats (once 100
 * values are in), a fractional number, a timestamp or too many keys end an
 * auto candidate; the final test (mg_profile_pick_id) is the flaw share. */
static void id_observe(mg_col_profile *c, const mg_value *v, int fractional, int timestamp, uint64_t row)
{
    if (!c->id_tracked)
        return;
    if (!c->id_given && (fractional || timestamp || c->keys.count >= MG_INIT_MAX_ID_KEYS)) {
        id_drop(c);
        return;
    }
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, v->text, v->len);
    int found = 0;
    mg_key_entry *e = mg_keytable_upsert(&c->keys, mg_key_hasher_done(&h), &found);
    if (found)
        c->duplicates++;
    else
        e->line = row + 1;
    /* Early, only clear repeaters are dropped (a few repeats at the start
     * may still be within the flaw share at the end). */
    if (c->present >= 100 && (double)c->duplicates > 10 * MG_INIT_FLAW_SHARE * (double)c->present)
        id_drop(c);
}

static void values_observe(mg_col_profile *c, const mg_value *v)
{
    if (c->too_many_values)
        return;
    for (size_t k = 0; k < c->nvalues; k++)
        if (strlen(c->values[k].text) == v->len && memcmp(c->values[k].text, v->text, v->len) == 0) {
            c->values[k].count++;
            return;
        }
    if (c->nvalues == MG_INIT_MAX_VALUES || v->len > MG_INIT_VALUE_BYTES || memchr(v->text, 0, v->len)) {
        for (size_t k = 0; k < c->nvalues; k++)
            free(c->values[k].text);
        c->nvalues = 0;
        c->too_many_values = 1;
        return;
    }
    mg_seen_value *s = &c->values[c->nvalues++];
    const char *expected;
    s->text = mg_xstrndup(v->text, v->len);
    s->count = 1;
    s->is_text = v->kind == MG_VALUE_TEXT;
    s->is_int = mg_value_as_type(v, MG_TYPE_INTEGER, &s->num, &expected) == 0;
}

/* Inserts x into a sorted array of at most MG_INIT_EXTREMES, keeping the
 * ones that come first in the order (ascending when sign is 1). */
static void extremes_insert(double *a, size_t *n, double x, int sign)
{
    size_t i = *n;
    if (i == MG_INIT_EXTREMES) {
        if (sign * x >= sign * a[i - 1])
            return;
        i--;
    } else {
        (*n)++;
    }
    while (i > 0 && sign * a[i - 1] > sign * x) {
        a[i] = a[i - 1];
        i--;
    }
    a[i] = x;
}

static void extremes_observe(mg_extremes *e, double x)
{
    extremes_insert(e->low, &e->nlow, x, 1);
    extremes_insert(e->high, &e->nhigh, x, -1);
    e->negatives += x < 0;
}

static void value_observe(mg_profile *p, size_t i, const mg_value *v, uint64_t row)
{
    mg_col_profile *c = &p->cols[i];
    if (v->kind == MG_VALUE_ABSENT) {
        c->absent++;
        return;
    }
    if (mg_value_is_missing(v)) {
        c->empty++;
        return;
    }
    c->present++;
    double num[MG_CAND_COUNT];
    int ok[MG_CAND_COUNT];
    const char *expected;
    for (int k = 0; k < MG_CAND_COUNT; k++) {
        ok[k] = mg_value_as_type(v, cand_type[k], &num[k], &expected) == 0;
        /* Outside the --time column, numbers are numbers: only RFC 3339
         * text infers a timestamp. */
        if (k == MG_CAND_TIMESTAMP && ok[k] && ok[MG_CAND_NUMBER] && (long)i != p->time_col)
            ok[k] = 0;
        if (!ok[k]) {
            c->fails[k]++;
        } else if (k != MG_CAND_STRING) {
            c->lo[k] = fmin(c->lo[k], num[k]);
            c->hi[k] = fmax(c->hi[k], num[k]);
            if (k == MG_CAND_INTEGER || k == MG_CAND_NUMBER)
                extremes_observe(&c->ext[k], num[k]);
        }
    }
    if (v->kind == MG_VALUE_TEXT) {
        size_t len = mg_utf8_length(v->text, v->len);
        if (len > c->max_length)
            c->max_length = len;
    }
    values_observe(c, v);
    id_observe(c, v, ok[MG_CAND_NUMBER] && !ok[MG_CAND_INTEGER], ok[MG_CAND_TIMESTAMP] && !ok[MG_CAND_NUMBER], row);
}

void mg_profile_add_row(mg_profile *p, const mg_row *row)
{
    static const mg_value absent = {MG_VALUE_ABSENT, "", 0, 0, 0};
    if (p->order_time_col == -2)
        mg_order_setup(p, row);
    mg_order_observe(p, row);
    for (size_t i = 0; i < p->ncols; i++)
        value_observe(p, i, i < row->nvalues ? &row->values[i] : &absent, p->rows);
    p->rows++;
}

static uint64_t tolerated(uint64_t n)
{
    return (uint64_t)floor(MG_INIT_FLAW_SHARE * (double)n);
}

/* The candidate with the fewest failures (ties: the earlier one), when
 * within the flaw share; else string; else any. */
static mg_field_type pick_type(const mg_profile *p, size_t i, uint64_t *wrong)
{
    const mg_col_profile *c = &p->cols[i];
    *wrong = 0;
    if (c->present == 0)
        return MG_TYPE_ANY;
    int best = -1;
    for (int k = 0; k < MG_CAND_STRING; k++)
        if (c->fails[k] < c->present && (best < 0 || c->fails[k] < c->fails[best]))
            best = k;
    if (best >= 0 && c->fails[best] <= tolerated(c->present)) {
        *wrong = c->fails[best];
        if ((long)i == p->time_col && (best == MG_CAND_INTEGER || best == MG_CAND_NUMBER))
            return MG_TYPE_TIMESTAMP; /* epoch seconds */
        return cand_type[best];
    }
    if (c->fails[MG_CAND_STRING] <= tolerated(c->present)) {
        *wrong = c->fails[MG_CAND_STRING];
        return MG_TYPE_STRING;
    }
    return MG_TYPE_ANY;
}

static int cand_of(mg_field_type t)
{
    for (int k = 0; k < MG_CAND_COUNT; k++)
        if (cand_type[k] == t)
            return k;
    return -1;
}

/* Required unless more than the flaw share of rows lack the column;
 * nullable when more than the flaw share of values are null or empty.
 * What is left is counted by the missing check (its tolerance). */
static void pick_missing(const mg_profile *p, const mg_col_profile *c, mg_col_rules *r)
{
    uint64_t tol = tolerated(p->rows);
    r->required = c->absent <= tol;
    r->nullable = c->empty > tol;
    if (!r->required)
        r->missing_cells = 0;
    else
        r->missing_cells = c->absent + (r->nullable ? 0 : c->empty);
}

void mg_profile_rules(const mg_profile *p, size_t i, mg_col_rules *r)
{
    const mg_col_profile *c = &p->cols[i];
    memset(r, 0, sizeof *r);
    r->type = pick_type(p, i, &r->wrong_type_cells);
    pick_missing(p, c, r);
    int k = cand_of(r->type);
    if ((long)i == p->time_col && r->type == MG_TYPE_TIMESTAMP)
        k = MG_CAND_TIMESTAMP;
    if ((r->type == MG_TYPE_INTEGER || r->type == MG_TYPE_NUMBER || r->type == MG_TYPE_TIMESTAMP) &&
        c->lo[k] <= c->hi[k]) {
        double lo = c->lo[k], hi = c->hi[k];
        r->flaw_lo = lo;
        r->flaw_hi = hi;
        if (k == MG_CAND_INTEGER || k == MG_CAND_NUMBER)
            mg_flaw_range(&c->ext[k], c->lo[k], c->hi[k], tolerated(c->present), &lo, &hi, &r->out_of_range_cells);
        r->has_bounds = 1;
        mg_widen_bounds(lo, hi, r->type, &r->min, &r->max);
    }
    if (r->type == MG_TYPE_STRING && !c->too_many_values && c->nvalues > 0) {
        r->has_values = 1;
        for (size_t v = 0; v < c->nvalues; v++)
            if (c->values[v].is_text && mg_value_is_rare(c->values[v].count, c->present))
                r->out_of_range_cells += c->values[v].count;
        if (r->out_of_range_cells > tolerated(c->present))
            r->out_of_range_cells = 0; /* then rare values are kept (see values_json) */
    }
    else if (r->type == MG_TYPE_STRING && c->max_length > 0) {
        r->has_max_length = 1;
        r->max_length = c->max_length + (c->max_length + 3) / 4; /* a quarter more, at least 1 */
    }
}

long mg_profile_pick_id(const mg_profile *p)
{
    for (int named = 1; named >= 0; named--) {
        for (size_t i = 0; i < p->ncols; i++) {
            const mg_col_profile *c = &p->cols[i];
            if (c->id_given)
                return (long)i;
            if (!c->id_tracked || mg_name_is_id(c->name) != named)
                continue;
            mg_col_rules r;
            mg_profile_rules(p, i, &r);
            if ((r.type == MG_TYPE_INTEGER || r.type == MG_TYPE_STRING) && c->present > 1 &&
                c->duplicates <= tolerated(c->present))
                return (long)i;
        }
    }
    return -1;
}

long mg_profile_pick_time(const mg_profile *p)
{
    if (p->time_col >= 0)
        return p->time_col;
    for (size_t i = 0; i < p->ncols; i++) {
        mg_col_rules r;
        mg_profile_rules(p, i, &r);
        if (r.type == MG_TYPE_TIMESTAMP)
            return (long)i;
    }
    return -1;
}

int mg_value_is_rare(uint64_t count, uint64_t present)
{
    return (double)count < MG_INIT_RARE_SHARE * (double)present;
}

void mg_flaw_range(const mg_extremes *e, double lo, double hi, uint64_t tolerated, double *out_lo, double *out_hi,
                   uint64_t *excluded)
{
    size_t limit = tolerated < MG_INIT_EXTREMES ? (size_t)tolerated : MG_INIT_EXTREMES;
    size_t cut_low = 0, cut_high = 0;
    /* Low end: the largest cluster further below the next value than the
     * rest spans; or the few negatives of an otherwise non-negative column. */
    for (size_t m = 1; m <= limit && m < e->nlow; m++)
        if (e->low[m] - e->low[m - 1] > hi - e->low[m])
            cut_low = m;
    if (e->negatives > 0 && e->negatives <= limit && e->negatives < e->nlow && e->negatives > cut_low)
        cut_low = (size_t)e->negatives;
    double kept_lo = cut_low ? e->low[cut_low] : lo;
    for (size_t m = 1; m + cut_low <= limit && m < e->nhigh; m++)
        if (e->high[m - 1] - e->high[m] > e->high[m] - kept_lo)
            cut_high = m;
    *out_lo = kept_lo;
    *out_hi = cut_high ? e->high[cut_high] : hi;
    *excluded = cut_low + cut_high;
}

/* A round step near x: the power of ten at or below it. */
static double round_step(double x)
{
    return pow(10.0, floor(log10(x)));
}

void mg_widen_bounds(double lo, double hi, mg_field_type type, double *min, double *max)
{
    if (type != MG_TYPE_TIMESTAMP && lo >= 0 && hi <= 1) {
        *min = 0; /* a share or a probability */
        *max = 1;
        return;
    }
    double range = hi - lo;
    double margin = MG_INIT_WIDEN_SHARE * (range > 0 ? range : (fabs(hi) > 0 ? fabs(hi) : 1));
    /* At least a millionth of a millionth of the values' size, so that the
     * bounds written with 15 significant digits still cover the range. */
    if (margin < 1e-12 * fmax(fabs(lo), fabs(hi)))
        margin = 1e-12 * fmax(fabs(lo), fabs(hi));
    double step = round_step(margin);
    if (type == MG_TYPE_INTEGER && step < 1)
        step = 1;
    if (type == MG_TYPE_TIMESTAMP)
        step = 86400; /* whole days, UTC */
    double a = floor((lo - margin) / step) * step;
    double b = ceil((hi + margin) / step) * step;
    if (lo >= 0 && a < 0)
        a = 0;
    /* Rounding at the step never cuts into the observed range. */
    *min = a <= lo ? a : lo;
    *max = b >= hi ? b : hi;
}

void mg_lateness_text(double worst, char *buf, size_t size)
{
    if (worst <= 0)
        snprintf(buf, size, "0s");
    else if (worst < 3600)
        snprintf(buf, size, "%.0fm", ceil(worst / 60));
    else if (worst < 86400)
        snprintf(buf, size, "%.0fh", ceil(worst / 3600));
    else
        snprintf(buf, size, "%.0fd", ceil(worst / 86400));
}
