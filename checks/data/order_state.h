/*
 * order_state.h - the `order` check's state, shared by the check
 * (order.c) and its sharded save and merge (order_shard.c).  Private to
 * those two files.
 */
#ifndef MG_CHECKS_DATA_ORDER_STATE_H
#define MG_CHECKS_DATA_ORDER_STATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/check.h"
#include "common/keytable.h"

/* In a shard (env->shard): an event with a readable time and key. */
typedef struct order_event {
    double time;
    unsigned long line;
    size_t key;  /* index in order_state.keys */
    size_t text; /* 1 + index of its quoted time in order_state.time_texts, or 0 */
} order_event;

/* In a shard: a key, in the order of its first event. */
typedef struct order_key {
    mg_key128 key;
    char *text;       /* as messages show it (60 bytes at most) once one of its events keeps its time; else NULL */
    size_t nevents;
    /* The smallest times of its events the shard found in order, while its
     * examples were not full: at most as many as examples were left. */
    double *smallest;
    size_t nsmallest, smallest_cap;
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
    /* In a shard only (order_shard.c): every event, each key, and the
     * quoted time of the events whose example the merge may have to write. */
    mg_keytable key_index; /* key -> 1 + index in keys (line) */
    order_key *keys;
    size_t nkeys, keys_cap;
    order_event *events;
    size_t nevents, events_cap;
    char **time_texts;
    size_t ntime_texts, time_texts_cap;
} order_state;

/* "found TIME, N s before the event at LINE for key 'K', expected ...": a
 * late event's message (key NULL: no data.key).  Returns out. */
const char *mg_order_late_message(const mg_check *c, const char *time_text, double lateness, uint64_t earlier_line,
                                  const char *key, char *out, size_t size);

/* In a shard: keeps the event (before the check judges it against latest,
 * the key's latest time in the shard, NULL for the key's first event). */
void mg_order_keep_event(mg_check *c, mg_key128 key, const char *key_text, double t, unsigned long line,
                         const mg_value *time_value, const mg_key_entry *latest);
void mg_order_shard_free(order_state *s);
json_t *mg_order_save(const mg_check *c);
int mg_order_merge(mg_check *c, const json_t *state, char *msg, size_t size);

#endif
