/*
 * data_shard.h - what the data checks share to save a shard's state and
 * merge it (checks/check.h, save and merge; docs/sharding.md, "State of the
 * data checks"): counts added from a saved state, lists of short texts, and
 * the examples the merge must place or correct itself.
 *
 * The framework merges the examples a shard added (in data-line order, the
 * first env->examples kept).  Two kinds of example need more:
 *  - an offence of the input as a whole that every shard sees alike (a
 *    header naming a column twice): the checks add it in finish, before
 *    every row's example (mg_check_example_first), so a single run and a
 *    merge add it once, first;
 *  - an example whose text only the merge can write (a duplicate's "first
 *    seen at", an event's lateness against an earlier shard's latest time):
 *    the merge writes the text of the shard's example for that line again
 *    (mg_check_example_rewrite).
 */
#ifndef MG_CHECKS_DATA_DATA_SHARD_H
#define MG_CHECKS_DATA_DATA_SHARD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/check.h"

/* Adds the count member `key` of a saved state to *into.  0, or -1 with msg. */
int mg_shard_add_count(const json_t *state, const char *key, uint64_t *into, char *msg, size_t size);
/* Adds the n counts of member `key` (mg_state_counts) to into[0..n); a list
 * of another length is refused (another schema).  0, or -1 with msg. */
int mg_shard_add_counts(const json_t *state, const char *key, uint64_t *into, size_t n, char *msg, size_t size);

/* The state of a check that counts offending rows and offences per schema
 * field (missing, types, ranges): {"offending_rows", "per_field"}, summed. */
json_t *mg_shard_field_counts_save(uint64_t offending_rows, const uint64_t *per_field, size_t nfields);
int mg_shard_field_counts_merge(const json_t *state, uint64_t *offending_rows, uint64_t *per_field, size_t nfields,
                                char *msg, size_t size);

/*
 * Short texts (quoted values of examples) in a state: one base64 string of
 * the texts, each ended by a NUL byte.  A text must hold no NUL byte (quoted
 * values escape control characters) and may hold any other byte (base64,
 * so bytes that are not UTF-8 read back as they were).
 */
typedef struct mg_shard_texts {
    char *bytes;  /* owned: the texts end to end */
    char **text;  /* text[i] points into bytes */
    size_t n;
} mg_shard_texts;

json_t *mg_shard_texts_save(char *const *text, size_t n);
/* Reads member `key` into *out (free with mg_shard_texts_free).  0, or -1 with msg. */
int mg_shard_texts_get(const json_t *state, const char *key, mg_shard_texts *out, char *msg, size_t size);
void mg_shard_texts_free(mg_shard_texts *t);

/* Counts an offence found by the merge that cannot be among the examples
 * kept: the shard it comes from already holds env->examples examples of
 * earlier lines (so the merge need not keep its text to write it). */
void mg_shard_example_count_only(mg_check *c);

#endif
