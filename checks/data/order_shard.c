/*
 * order_shard.c - the `order` check in a sharded run (docs/sharding.md,
 * "State of the data checks").
 *
 * A single run judges each event against the latest time of its key so
 * far.  A shard sees only its own events: the merge judges them again
 * against the later of the earlier shards' latest time of the key (P) and
 * the shard's own latest time so far.  An event the shard found in order
 * may be late against P, and a late one may be later than the shard said
 * (another lateness, another "event at" line).  Which events P reaches
 * depends on P, which no shard knows, so a shard keeps every event's time
 * and line (16 bytes) grouped by key.
 *
 * The merge writes the examples of events that became late or whose
 * lateness changed, so a shard also keeps the quoted time of each event
 * whose example the merge might have to write, and no other: an event it
 * found late while its examples were not full (its example is kept), and
 * an event e it found in order that could be among its first examples for
 * some P.  Such an event becomes late when P > t(e) + allowed (every event
 * of its key with a smaller time then becomes late too, if the shard found
 * it in order); with r examples left to fill when it comes, its example
 * can only be kept if fewer than r earlier events of its key found in
 * order have a time <= t(e).  So a key keeps at most as many times as
 * examples are left (when times rise, its first few), whatever its length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/data/data_shard.h"
#include "checks/data/order_state.h"
#include "common/state_json.h"
#include "common/xmem.h"

/* Adds t to the key's smallest in-order times, keeping at most `cap`. */
static void note_in_order(order_key *k, double t, size_t cap)
{
    size_t at = k->nsmallest;
    while (at > 0 && k->smallest[at - 1] > t)
        at--;
    if (at >= cap)
        return;
    if (k->nsmallest < cap)
        k->smallest = mg_xgrow(k->smallest, &k->smallest_cap, ++k->nsmallest, sizeof *k->smallest);
    memmove(&k->smallest[at + 1], &k->smallest[at], (k->nsmallest - 1 - at) * sizeof *k->smallest);
    k->smallest[at] = t;
}

void mg_order_keep_event(mg_check *c, mg_key128 key, const char *key_text, double t, unsigned long line,
                         const mg_value *time_value, const mg_key_entry *latest)
{
    order_state *s = c->state;
    int found;
    mg_key_entry *ix = mg_keytable_upsert(&s->key_index, key, &found);
    if (!found) {
        s->keys = mg_xgrow(s->keys, &s->keys_cap, s->nkeys + 1, sizeof *s->keys);
        memset(&s->keys[s->nkeys], 0, sizeof s->keys[s->nkeys]);
        s->keys[s->nkeys].key = key;
        ix->line = ++s->nkeys;
    }
    size_t ki = (size_t)ix->line - 1;
    order_key *k = &s->keys[ki];
    k->nevents++;
    size_t keep = c->env->examples, held = c->result->nexamples;
    size_t left = held < keep ? keep - held : 0; /* examples the shard may still keep */
    int late = latest && t < latest->value && latest->value - t > s->allowed;
    int keep_text;
    if (late) {
        keep_text = left > 0; /* its example is kept: the merge may write it again */
    } else {
        keep_text = left > 0 && (k->nsmallest < left || k->smallest[left - 1] > t);
        if (left > 0)
            note_in_order(k, t, left);
    }
    size_t text = 0;
    if (keep_text) {
        s->time_texts = mg_xgrow(s->time_texts, &s->time_texts_cap, s->ntime_texts + 1, sizeof *s->time_texts);
        char buf[96];
        s->time_texts[s->ntime_texts++] = mg_xstrdup(mg_value_quote(time_value, buf, sizeof buf));
        text = s->ntime_texts;
        if (!k->text)
            k->text = mg_xasprintf("%.60s", key_text);
    }
    s->events = mg_xgrow(s->events, &s->events_cap, s->nevents + 1, sizeof *s->events);
    s->events[s->nevents++] = (order_event){t, line ? line : 1, ki, text};
}

void mg_order_shard_free(order_state *s)
{
    mg_keytable_free(&s->key_index);
    for (size_t i = 0; i < s->nkeys; i++) {
        free(s->keys[i].text);
        free(s->keys[i].smallest);
    }
    free(s->keys);
    free(s->events);
    for (size_t i = 0; i < s->ntime_texts; i++)
        free(s->time_texts[i]);
    free(s->time_texts);
}

/* The events as saved: grouped by key (in the order of the keys' first
 * events), each key's in data order, with the quoted times kept. */
typedef struct grouped {
    double *time;
    uint64_t *line, *text_at; /* text_at: the grouped index of each event with a quoted time */
    char **texts;
    size_t ntexts;
} grouped;

static void group_events(const order_state *s, grouped *g)
{
    size_t n = s->nevents;
    size_t *next = mg_xcalloc(s->nkeys + 1, sizeof *next);
    for (size_t k = 1; k < s->nkeys; k++)
        next[k] = next[k - 1] + s->keys[k - 1].nevents;
    g->time = mg_xcalloc(n + 1, sizeof *g->time);
    g->line = mg_xcalloc(n + 1, sizeof *g->line);
    size_t *text_of = mg_xcalloc(n + 1, sizeof *text_of);
    for (size_t i = 0; i < n; i++) {
        const order_event *e = &s->events[i];
        size_t at = next[e->key]++;
        g->time[at] = e->time;
        g->line[at] = e->line;
        text_of[at] = e->text;
    }
    g->text_at = mg_xcalloc(s->ntime_texts + 1, sizeof *g->text_at);
    g->texts = mg_xcalloc(s->ntime_texts + 1, sizeof *g->texts);
    g->ntexts = 0;
    for (size_t at = 0; at < n; at++)
        if (text_of[at]) {
            g->text_at[g->ntexts] = at;
            g->texts[g->ntexts++] = s->time_texts[text_of[at] - 1];
        }
    free(next);
    free(text_of);
}

/*
 * A shard's state: its counts of unreadable events; each key (fingerprint,
 * number of events, and as messages show it when one of its events keeps
 * its quoted time); every event grouped by key (time, line: 16 bytes); the
 * quoted times kept and the grouped index of their events.
 */
json_t *mg_order_save(const mg_check *c)
{
    const order_state *s = c->state;
    size_t nk = s->nkeys, n = s->nevents;
    uint64_t *hi = mg_xcalloc(nk + 1, sizeof *hi), *lo = mg_xcalloc(nk + 1, sizeof *lo);
    uint64_t *count = mg_xcalloc(nk + 1, sizeof *count);
    char **key_texts = mg_xcalloc(nk + 1, sizeof *key_texts);
    for (size_t k = 0; k < nk; k++) {
        hi[k] = s->keys[k].key.hi;
        lo[k] = s->keys[k].key.lo;
        count[k] = s->keys[k].nevents;
        key_texts[k] = s->keys[k].text ? s->keys[k].text : "";
    }
    grouped g;
    group_events(s, &g);
    json_t *state = json_pack(
        "{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "shard", c->env->shard, "unparsable",
        mg_state_count(s->unparsable), "missing", mg_state_count(s->missing), "skipped", mg_state_count(s->skipped),
        "missing_keys", mg_state_count(s->missing_keys), "key_hi", mg_state_counts(hi, nk), "key_lo",
        mg_state_counts(lo, nk), "key_events", mg_state_counts(count, nk), "key_texts",
        mg_shard_texts_save(key_texts, nk), "time", mg_state_doubles(g.time, n), "line", mg_state_counts(g.line, n),
        "text_events", mg_state_counts(g.text_at, g.ntexts), "time_texts", mg_shard_texts_save(g.texts, g.ntexts));
    free(hi);
    free(lo);
    free(count);
    free(key_texts);
    free(g.time);
    free(g.line);
    free(g.text_at);
    free(g.texts);
    return state;
}

/* A saved state's arrays, read for merging. */
typedef struct order_saved {
    uint64_t *hi, *lo, *count, *line, *text_at;
    double *time;
    size_t nkeys, nevents, ntexts;
    mg_shard_texts key_texts, time_texts;
} order_saved;

static void order_saved_free(order_saved *d)
{
    free(d->hi);
    free(d->lo);
    free(d->count);
    free(d->line);
    free(d->text_at);
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
        mg_state_get_counts(state, "text_events", &d->text_at, &d->ntexts, msg, size) != 0 ||
        mg_shard_texts_get(state, "key_texts", &d->key_texts, msg, size) != 0 ||
        mg_shard_texts_get(state, "time_texts", &d->time_texts, msg, size) != 0)
        return -1;
    uint64_t total = 0;
    for (size_t k = 0; k < ncount; k++)
        total += d->count[k];
    int ascending = 1;
    for (size_t i = 0; i < d->ntexts; i++)
        ascending &= d->text_at[i] < d->nevents && (i == 0 || d->text_at[i] > d->text_at[i - 1]);
    if (nlo != d->nkeys || ncount != d->nkeys || nline != d->nevents || total != d->nevents ||
        d->key_texts.n != d->nkeys || d->time_texts.n != d->ntexts || !ascending)
        return snprintf(msg, size, "the lists of keys, events or quoted times differ in length or order"), -1;
    /* Each key's events in data order: rising lines. */
    for (size_t k = 0, i = 0; k < d->nkeys; k++)
        for (size_t j = 0; j < d->count[k]; j++, i++)
            if (d->line[i] == 0 || (j > 0 && d->line[i] <= d->line[i - 1]))
                return snprintf(msg, size, "'line': expected rising line numbers within each key"), -1;
    return 0;
}

/* The latest time of a key so far, and the line of the last event at it. */
typedef struct latest_time {
    int set;
    double time;
    uint64_t line;
} latest_time;

/* The events first..end of one key of a saved shard, and where they stand. */
typedef struct key_events {
    const order_saved *d;
    size_t first, end;
    const char *key;   /* as messages show it; NULL without data.key */
    size_t *next_text; /* the next quoted time of d */
} key_events;

/*
 * Judges one key's events as a single run does: against the later of the
 * earlier shards' latest time (before) and the shard's own latest time so
 * far.  Writes the examples that change, counts the late events and the
 * worst.  Sets *after to the key's latest time after the shard.  0, or -1
 * with msg when the state lacks the quoted time of an example to write.
 */
static int judge_key(mg_check *c, const key_events *ke, latest_time before, latest_time *after, char *msg,
                     size_t size)
{
    order_state *s = c->state;
    const order_saved *d = ke->d;
    const char *time_name = c->env->role_name[MG_ROLE_TIME];
    latest_time own = {0, 0, 0};
    char why[768];
    for (size_t i = ke->first; i < ke->end; i++) {
        double t = d->time[i];
        unsigned long line = (unsigned long)d->line[i];
        const char *text = NULL;
        if (*ke->next_text < d->ntexts && d->text_at[*ke->next_text] == i)
            text = d->time_texts.text[(*ke->next_text)++];
        /* As the shard judged it, then as a single run does. */
        int late_in_shard = own.set && t < own.time && own.time - t > s->allowed;
        int later_before = before.set && (!own.set || before.time > own.time);
        latest_time prior = later_before ? before : own;
        if (!own.set || t >= own.time)
            own = (latest_time){1, t, line};
        if (!prior.set || t >= prior.time || prior.time - t <= s->allowed)
            continue;
        double lateness = prior.time - t;
        s->late++;
        /* Keys come one after the other: the earliest line wins a tie, as in data order. */
        if (lateness > s->worst || (lateness == s->worst && line < s->worst_line)) {
            s->worst = lateness;
            s->worst_line = line;
        }
        if (late_in_shard && !later_before)
            continue; /* the shard's example says it */
        if (!text) {
            /* The shard found it in order: counted; its example could
             * not be among the first (else the shard kept its time). */
            if (late_in_shard)
                continue;
            if (mg_check_example_would_keep(c, line))
                return snprintf(msg, size, "the state lacks the time of the event at line %lu", line), -1;
            mg_shard_example_count_only(c);
            continue;
        }
        mg_order_late_message(c, text, lateness, prior.line, ke->key, why, sizeof why);
        if (late_in_shard)
            mg_check_example_rewrite(c, line, time_name, "%s", why);
        else
            mg_check_example_merged(c, line, time_name, "%s", why);
    }
    *after = before.set && (!own.set || before.time > own.time) ? before : own;
    return 0;
}

/* Merges the next shard: its counts, and its events judged again per key
 * against the earlier shards' latest time of the key. */
int mg_order_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    order_state *s = c->state;
    if (s->no_key_column)
        return 0; /* the shard could not run either: the same spec and data */
    order_saved d;
    memset(&d, 0, sizeof d);
    int rc = mg_shard_add_count(state, "unparsable", &s->unparsable, msg, size) != 0 ||
                     mg_shard_add_count(state, "missing", &s->missing, msg, size) != 0 ||
                     mg_shard_add_count(state, "skipped", &s->skipped, msg, size) != 0 ||
                     mg_shard_add_count(state, "missing_keys", &s->missing_keys, msg, size) != 0 ||
                     order_saved_read(state, &d, msg, size) != 0
                 ? -1 : 0;
    int has_key = c->env->role_column[MG_ROLE_KEY] >= 0;
    size_t next_text = 0;
    key_events ke = {&d, 0, 0, NULL, &next_text};
    for (size_t k = 0; rc == 0 && k < d.nkeys; k++) {
        int found;
        mg_key_entry *e = mg_keytable_upsert(&s->latest, (mg_key128){d.hi[k], d.lo[k]}, &found);
        latest_time before = {found, found ? e->value : 0, found ? e->line : 0}, after = before;
        ke.end = ke.first + (size_t)d.count[k];
        ke.key = has_key ? d.key_texts.text[k] : NULL;
        rc = judge_key(c, &ke, before, &after, msg, size);
        /* judge_key adds examples, never keys: e is still valid. */
        e->value = after.time;
        e->line = after.line ? after.line : 1;
        ke.first = ke.end;
    }
    order_saved_free(&d);
    return rc;
}
