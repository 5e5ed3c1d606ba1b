/*
 * order.c - the `order` check: events whose time goes backwards within
 * their key (or within the whole file when data.key is not set) by more
 * than `allowed_lateness`.  Keeps the latest time per key: memory grows
 * with the number of distinct keys (32 bytes each), not with rows.
 *
 * An event whose time cannot be read (or that has none), or that has no
 * key, cannot be placed in order, so it is an offence too, never skipped in
 * silence; only a time the schema allows to be missing (required: false,
 * or nullable: true for null/empty) is skipped, and counted; a key the
 * schema allows to be missing groups its events under the missing key.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/data/data_shard.h"
#include "common/state_json.h"
#include "common/keytable.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "allowed_lateness", .kind = MG_OPT_DURATION, .def = MG_DEFAULT(0),
     .help = "how far an event's time may go back within its key and still be in order"},
    {.key = NULL},
};

/* In a shard (env->shard): an event with a readable time and key. */
typedef struct order_event {
    double time;
    unsigned long line;
    size_t key; /* index in order_state.keys */
} order_event;

/* In a shard: a key, in the order of its first event. */
typedef struct order_key {
    mg_key128 key;
    char *text;     /* as messages show it (60 bytes at most), while the examples were not full; else NULL */
    size_t nevents;
} order_key;

typedef struct order_state {
    mg_keytable latest; /* key -> latest time (value) and its line */
    double allowed;
    const mg_time_zone *zone;  /* of zone-less times (borrowed from the env) */
    const mg_field_spec *field; /* the time column's schema field, or NULL */
    const mg_field_spec *key_field; /* data.key's, or NULL */
    uint64_t late, unparsable, missing, skipped, missing_keys;
    int no_key_column;          /* data.key names a column the data lacks */
    double worst;
    unsigned long worst_line;
    /* In a shard only: every event, each key, and the quoted time of the
     * events seen while the examples were not full (a prefix of events):
     * what the merge needs to judge them against earlier shards. */
    mg_keytable key_index; /* key -> 1 + index in keys (line) */
    order_key *keys;
    size_t nkeys, keys_cap;
    order_event *events;
    size_t nevents, events_cap;
    char **time_texts;
    size_t ntime_texts, time_texts_cap;
} order_state;

static void order_begin(mg_check *c)
{
    order_state *s = mg_xcalloc(1, sizeof *s);
    mg_keytable_init(&s->latest);
    mg_keytable_init(&s->key_index);
    s->allowed = mg_check_opt_seconds(c, "allowed_lateness");
    /* The time column's schema field, if any, says its zone and whether it
     * may be missing; else data.time_zone applies. */
    const mg_check_env *env = c->env;
    s->field = mg_env_field(env, env->role_name[MG_ROLE_TIME]);
    s->key_field = mg_env_field(env, env->role_name[MG_ROLE_KEY]);
    s->zone = s->field && s->field->type == MG_TYPE_TIMESTAMP ? &s->field->time_zone : &env->time_zone;
    s->no_key_column = env->role_name[MG_ROLE_KEY] && env->role_column[MG_ROLE_KEY] < 0;
    c->state = s;
}

/* Reads the row's time into *t.  Returns 0, or -1 when the row has no
 * readable time (counted, and listed unless the schema allows it). */
static int row_time(mg_check *c, const mg_value *tv, unsigned long line, double *t)
{
    order_state *s = c->state;
    const char *name = c->env->role_name[MG_ROLE_TIME];
    char buf[96];
    const char *expected;
    if (mg_value_is_missing(tv)) {
        if (mg_missing_allowed(s->field, tv)) {
            s->skipped++;
            return -1;
        }
        s->missing++;
        mg_check_example(c, line, name, "found %s, expected a time (an event without one cannot be put in order)",
                         mg_value_quote(tv, buf, sizeof buf));
        return -1;
    }
    if (mg_value_as_timestamp(tv, s->zone, t, &expected) != 0) {
        s->unparsable++;
        mg_check_example(c, line, name, "found %s, expected %s", mg_value_quote(tv, buf, sizeof buf), expected);
        return -1;
    }
    return 0;
}

/* "found TIME, N s before the event at LINE for key 'K', expected ...": a
 * late event's message (key NULL: no data.key). */
static const char *late_message(const mg_check *c, const char *time_text, double lateness, uint64_t earlier_line,
                                const char *key, char *out, size_t size)
{
    const order_state *s = c->state;
    char earlier[512];
    mg_check_line_ref(c->env, (unsigned long)earlier_line, earlier, sizeof earlier);
    if (key)
        snprintf(out, size, "found %s, %.6g s before the event at %s for key '%.60s', expected at most %.6g s late",
                 time_text, lateness, earlier, key, s->allowed);
    else
        snprintf(out, size, "found %s, %.6g s before the event at %s, expected at most %.6g s late", time_text,
                 lateness, earlier, s->allowed);
    return out;
}

/* In a shard: keeps the event, and its quoted time (and its key as
 * messages show it) while an example of it would be kept. */
static void keep_event(mg_check *c, mg_key128 key, const char *key_text, double t, unsigned long line,
                       const char *time_text)
{
    order_state *s = c->state;
    int listed = c->result->nexamples < c->env->examples;
    int found;
    mg_key_entry *k = mg_keytable_upsert(&s->key_index, key, &found);
    if (!found) {
        s->keys = mg_xgrow(s->keys, &s->keys_cap, s->nkeys + 1, sizeof *s->keys);
        s->keys[s->nkeys] = (order_key){key, listed ? mg_xasprintf("%.60s", key_text) : NULL, 0};
        k->line = ++s->nkeys;
    }
    size_t ki = (size_t)k->line - 1;
    s->keys[ki].nevents++;
    s->events = mg_xgrow(s->events, &s->events_cap, s->nevents + 1, sizeof *s->events);
    s->events[s->nevents++] = (order_event){t, line ? line : 1, ki};
    if (listed) {
        s->time_texts = mg_xgrow(s->time_texts, &s->time_texts_cap, s->ntime_texts + 1, sizeof *s->time_texts);
        s->time_texts[s->ntime_texts++] = mg_xstrdup(time_text);
    }
}

static void order_row(mg_check *c, const mg_row *row)
{
    order_state *s = c->state;
    const mg_check_env *env = c->env;
    if (s->no_key_column)
        return;
    const mg_value *tv = &row->values[env->role_column[MG_ROLE_TIME]];
    double t;
    if (row_time(c, tv, row->line, &t) != 0)
        return;
    long kc = env->role_column[MG_ROLE_KEY];
    if (kc >= 0 && mg_value_is_missing(&row->values[kc]) && !mg_missing_allowed(s->key_field, &row->values[kc])) {
        /* Without its key the event cannot be compared with its entity's. */
        char buf[96];
        s->missing_keys++;
        mg_check_example(c, row->line, env->role_name[MG_ROLE_KEY],
                         "found %s, expected a key (an event without one cannot be put in order)",
                         mg_value_quote(&row->values[kc], buf, sizeof buf));
        return;
    }
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    if (kc >= 0)
        mg_key_hasher_add(&h, row->values[kc].text, row->values[kc].len);
    mg_key128 key = mg_key_hasher_done(&h);
    char buf[96];
    mg_value_quote(tv, buf, sizeof buf);
    if (env->shard)
        keep_event(c, key, kc >= 0 ? row->values[kc].text : "", t, row->line, buf);
    int found;
    mg_key_entry *e = mg_keytable_upsert(&s->latest, key, &found);
    if (!found || t >= e->value) {
        e->value = t;
        e->line = row->line ? row->line : 1;
        return;
    }
    double lateness = e->value - t;
    if (lateness <= s->allowed)
        return;
    s->late++;
    if (lateness > s->worst) {
        s->worst = lateness;
        s->worst_line = row->line;
    }
    char why[768];
    mg_check_example(c, row->line, env->role_name[MG_ROLE_TIME], "%s",
                     late_message(c, buf, lateness, e->line, kc >= 0 ? row->values[kc].text : NULL, why, sizeof why));
}

static void order_finish(mg_check *c)
{
    order_state *s = c->state;
    if (s->no_key_column) {
        /* Not per key as asked: no order is judged rather than another one. */
        c->result->status = MG_STATUS_ERROR;
        mg_result_set_message(c->result, "the key column '%s' (data.key) is not in '%s'",
                              c->env->role_name[MG_ROLE_KEY], c->env->data_path);
        return;
    }
    uint64_t unreadable = s->unparsable + s->missing + s->missing_keys;
    mg_check_judge(c, s->late + unreadable,
                   s->missing_keys ? "events out of order or without a readable time or key"
                   : unreadable    ? "events out of order or without a readable time"
                                   : "events out of order");
    mg_result_prop_number(c->result, "out_of_order", (double)s->late);
    mg_result_prop_number(c->result, "unparsable_times", (double)s->unparsable);
    mg_result_prop_number(c->result, "missing_times", (double)s->missing);
    mg_result_prop_number(c->result, "skipped_times", (double)s->skipped);
    mg_result_prop_number(c->result, "missing_keys", (double)s->missing_keys);
    mg_result_prop_number(c->result, "allowed_lateness_seconds", s->allowed);
    mg_result_prop_number(c->result, "worst_lateness_seconds", s->worst);
    if (s->worst_line) {
        /* With several data files, the line in its file (worst_file names it). */
        unsigned long local;
        const char *file = mg_check_line_file(c->env, s->worst_line, &local);
        mg_result_prop_number(c->result, "worst_line", (double)local);
        if (c->env->source && mg_source_nfiles(c->env->source) > 1)
            mg_result_prop_text(c->result, "worst_file", file);
    }
    mg_result_prop_number(c->result, "keys", (double)s->latest.count);
}

static void order_free(mg_check *c)
{
    order_state *s = c->state;
    if (s) {
        mg_keytable_free(&s->latest);
        mg_keytable_free(&s->key_index);
        for (size_t i = 0; i < s->nkeys; i++)
            free(s->keys[i].text);
        free(s->keys);
        free(s->events);
        for (size_t i = 0; i < s->ntime_texts; i++)
            free(s->time_texts[i]);
        free(s->time_texts);
    }
    free(s);
}

/*
 * A shard's state: its counts of unreadable events; each key (fingerprint,
 * number of events, and as messages show it while the examples were not
 * full); every event, grouped by key in data order (time, line: 16 bytes);
 * and the quoted time of the events up to text_until (the last line seen
 * while the examples were not full).  Late events are judged again by the
 * merge, against the earlier shards' latest time of their key.
 */
static json_t *order_save(const mg_check *c)
{
    const order_state *s = c->state;
    size_t nk = s->nkeys, n = s->nevents, nkey_texts = 0;
    uint64_t *hi = mg_xcalloc(nk + 1, sizeof *hi), *lo = mg_xcalloc(nk + 1, sizeof *lo);
    uint64_t *count = mg_xcalloc(nk + 1, sizeof *count);
    size_t *start = mg_xcalloc(nk + 1, sizeof *start);
    char **key_texts = mg_xcalloc(nk + 1, sizeof *key_texts);
    for (size_t k = 0; k < nk; k++) {
        hi[k] = s->keys[k].key.hi;
        lo[k] = s->keys[k].key.lo;
        count[k] = s->keys[k].nevents;
        start[k + 1] = start[k] + s->keys[k].nevents;
        if (s->keys[k].text) /* a prefix of the keys: texts were kept until the examples were full */
            key_texts[nkey_texts++] = s->keys[k].text;
    }
    double *time = mg_xcalloc(n + 1, sizeof *time);
    uint64_t *line = mg_xcalloc(n + 1, sizeof *line);
    char **time_texts = mg_xcalloc(n + 1, sizeof *time_texts);
    /* Events grouped by key, each key's in data order; the quoted times in
     * the same order (the events that have one are each key's first ones). */
    size_t *fill = mg_xcalloc(nk + 1, sizeof *fill);
    size_t *text_at = mg_xcalloc(n + 1, sizeof *text_at);
    for (size_t i = 0; i < n; i++) {
        const order_event *e = &s->events[i];
        size_t at = start[e->key] + fill[e->key]++;
        time[at] = e->time;
        line[at] = e->line;
        text_at[at] = i < s->ntime_texts ? i + 1 : 0;
    }
    size_t ntexts = 0;
    for (size_t at = 0; at < n; at++)
        if (text_at[at])
            time_texts[ntexts++] = s->time_texts[text_at[at] - 1];
    uint64_t text_until = s->ntime_texts ? s->events[s->ntime_texts - 1].line : 0;
    json_t *state = json_pack(
        "{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "shard", c->env->shard,
        "unparsable", mg_state_count(s->unparsable), "missing", mg_state_count(s->missing), "skipped",
        mg_state_count(s->skipped), "missing_keys", mg_state_count(s->missing_keys), "key_hi", mg_state_counts(hi, nk),
        "key_lo", mg_state_counts(lo, nk), "key_events", mg_state_counts(count, nk), "key_texts",
        mg_shard_texts_save(key_texts, nkey_texts), "time", mg_state_doubles(time, n), "line",
        mg_state_counts(line, n), "text_until", mg_state_count(text_until), "time_texts",
        mg_shard_texts_save(time_texts, ntexts), "events", mg_state_count(n));
    free(hi);
    free(lo);
    free(count);
    free(start);
    free(key_texts);
    free(time);
    free(line);
    free(time_texts);
    free(fill);
    free(text_at);
    return state;
}

/* A saved state's arrays, read for merging. */
typedef struct order_saved {
    uint64_t *hi, *lo, *count, *line;
    double *time;
    size_t nkeys, nevents;
    uint64_t text_until;
    mg_shard_texts key_texts, time_texts;
} order_saved;

static void order_saved_free(order_saved *d)
{
    free(d->hi);
    free(d->lo);
    free(d->count);
    free(d->line);
    free(d->time);
    mg_shard_texts_free(&d->key_texts);
    mg_shard_texts_free(&d->time_texts);
}

static int order_saved_read(const json_t *state, order_saved *d, char *msg, size_t size)
{
    size_t nlo, ncount, nline;
    if (!json_is_true(json_object_get(state, "shard")))
        return snprintf(msg, size, "the shard did not keep its events (a run without --shard)"), -1;
    if (mg_state_get_counts(state, "key_hi", &d->hi, &d->nkeys, msg, size) != 0 ||
        mg_state_get_counts(state, "key_lo", &d->lo, &nlo, msg, size) != 0 ||
        mg_state_get_counts(state, "key_events", &d->count, &ncount, msg, size) != 0 ||
        mg_state_get_doubles(state, "time", &d->time, &d->nevents, msg, size) != 0 ||
        mg_state_get_counts(state, "line", &d->line, &nline, msg, size) != 0 ||
        mg_state_get_count(state, "text_until", &d->text_until, msg, size) != 0 ||
        mg_shard_texts_get(state, "key_texts", &d->key_texts, msg, size) != 0 ||
        mg_shard_texts_get(state, "time_texts", &d->time_texts, msg, size) != 0)
        return -1;
    uint64_t total = 0;
    for (size_t k = 0; k < ncount; k++)
        total += d->count[k];
    if (nlo != d->nkeys || ncount != d->nkeys || nline != d->nevents || total != d->nevents ||
        d->key_texts.n > d->nkeys || d->time_texts.n > d->nevents)
        return snprintf(msg, size, "the lists of keys or of events differ in length"), -1;
    return 0;
}

/* The latest time of a key so far, and the line of the last event at it. */
typedef struct latest_time {
    int set;
    double time;
    uint64_t line;
} latest_time;

/*
 * Judges the events of one key of the next shard (first..end) as a single
 * run would: against the later of the earlier shards' latest time (before)
 * and the shard's own latest time so far.  An event the shard found late
 * against its own latest time gets its example written again when the
 * earlier time is later; one it found in order may now be late.  Returns
 * the key's latest time after the shard.
 */
static latest_time judge_key(mg_check *c, const order_saved *d, size_t first, size_t end, latest_time before,
                             const char *key, size_t *next_text)
{
    order_state *s = c->state;
    const char *time_name = c->env->role_name[MG_ROLE_TIME];
    latest_time own = {0, 0, 0};
    char why[768];
    for (size_t i = first; i < end; i++) {
        double t = d->time[i];
        const char *text = d->line[i] <= d->text_until ? d->time_texts.text[(*next_text)++] : NULL;
        /* As the shard judged it, then as a single run does. */
        int late_in_shard = own.set && t < own.time && own.time - t > s->allowed;
        int later_before = before.set && (!own.set || before.time > own.time);
        latest_time prior = later_before ? before : own;
        if (!own.set || t >= own.time)
            own = (latest_time){1, t, d->line[i]};
        if (!prior.set || t >= prior.time || prior.time - t <= s->allowed)
            continue;
        double lateness = prior.time - t;
        s->late++;
        /* Keys come one after the other: the earliest line wins a tie, as in data order. */
        if (lateness > s->worst || (lateness == s->worst && d->line[i] < s->worst_line)) {
            s->worst = lateness;
            s->worst_line = (unsigned long)d->line[i];
        }
        if (late_in_shard && !later_before)
            continue; /* the shard's example says it */
        if (!text) {
            /* After the shard's full examples: counted, never kept (and
             * a late example of the shard was not kept either). */
            if (!late_in_shard)
                mg_shard_example_count_only(c);
            continue;
        }
        late_message(c, text, lateness, prior.line, key, why, sizeof why);
        if (late_in_shard)
            mg_shard_example_rewrite(c, (unsigned long)d->line[i], time_name, "%s", why);
        else
            mg_check_example_merged(c, (unsigned long)d->line[i], time_name, "%s", why);
    }
    return before.set && (!own.set || before.time > own.time) ? before : own;
}

/* Merges the next shard: its counts, and its events judged again per key
 * against the earlier shards' latest time of the key. */
static int order_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    order_state *s = c->state;
    if (s->no_key_column)
        return 0; /* the shard could not run either: the same spec and data */
    order_saved d;
    memset(&d, 0, sizeof d);
    if (mg_shard_add_count(state, "unparsable", &s->unparsable, msg, size) != 0 ||
        mg_shard_add_count(state, "missing", &s->missing, msg, size) != 0 ||
        mg_shard_add_count(state, "skipped", &s->skipped, msg, size) != 0 ||
        mg_shard_add_count(state, "missing_keys", &s->missing_keys, msg, size) != 0 ||
        order_saved_read(state, &d, msg, size) != 0) {
        order_saved_free(&d);
        return -1;
    }
    int has_key = c->env->role_column[MG_ROLE_KEY] >= 0;
    size_t first = 0, next_text = 0;
    for (size_t k = 0; k < d.nkeys; k++) {
        int found;
        mg_key_entry *e = mg_keytable_upsert(&s->latest, (mg_key128){d.hi[k], d.lo[k]}, &found);
        latest_time before = {found, found ? e->value : 0, found ? e->line : 0};
        const char *key = !has_key ? NULL : k < d.key_texts.n ? d.key_texts.text[k] : "";
        size_t end = first + (size_t)d.count[k];
        latest_time after = judge_key(c, &d, first, end, before, key, &next_text);
        /* judge_key may have inserted examples, never keys: e is still valid. */
        e->value = after.time;
        e->line = after.line ? after.line : 1;
        first = end;
    }
    int ok = next_text == d.time_texts.n;
    order_saved_free(&d);
    if (!ok)
        return snprintf(msg, size, "'time_texts': expected one per event up to 'text_until'"), -1;
    return 0;
}

const mg_check_def mg_check_order = {
    .name = "order", .group = "data", .options = option_rows, .needs = MG_NEEDS_TIME, .implicit = MG_IMPLICIT_UNLISTED,
    .summary = "events whose time goes backwards within a key beyond allowed_lateness",
    .begin = order_begin, .row = order_row, .finish = order_finish, .free_state = order_free,
    .save = order_save, .merge = order_merge,
};
