/*
 * drift_state.c - what a shard of a drift check saves, and how `mgate
 * merge` adds it to a fresh check (drift_engine.h, mg_dengine_save and
 * mg_dengine_merge; docs/sharding.md, "State of the drift checks").
 *
 * Only the current side travels: the reference (a profile or reference
 * data) is read again when the merging check begins.  Per feature:
 *   - number: missing and wrong-type counts, the exact sums of the values
 *     and of their squares (exact_moments.h: order-free, so the merged mean
 *     and sd are the one run's bits), and the values: every one when the
 *     reference is data (sorted at compare time, they give the same figures
 *     whatever the split); against a profile, the tree sketch
 *     (tree_sketch.h: every value up to MG_QSKETCH_EXACT_MAX, the shard's
 *     two edge blocks of 128 lines raw and the KLL sketches of the tree nodes
 *     between), which merges into the one run's sketch bit for bit.
 *   - text: the frequencies in first-seen order (merged in data order, the
 *     first-seen order of one run), with their `untracked` count.  A shard
 *     that overflowed MG_FREQ_TRACK_MAX distinct values merged after
 *     another shard is refused: which of its untracked values one run
 *     would have tracked is lost.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_engine.h"
#include "common/state_json.h"
#include "common/xmem.h"

/* mg_state_doubles, also for no values (it copies from v: never NULL). */
static json_t *doubles_state(const double *v, size_t n)
{
    static const double none;
    return mg_state_doubles(n ? v : &none, n);
}

/* Text values as 8-byte words of their bytes end to end (the last one
 * padded with zeros), their lengths and their counts. */
static json_t *freq_save(const mg_freq *f)
{
    size_t bytes = 0;
    for (size_t i = 0; i < f->nitems; i++)
        bytes += f->items[i].len;
    size_t nwords = (bytes + 7) / 8;
    uint64_t *words = mg_xcalloc(nwords + 1, sizeof *words);
    uint64_t *lengths = mg_xmalloc((f->nitems + 1) * sizeof *lengths);
    uint64_t *counts = mg_xmalloc((f->nitems + 1) * sizeof *counts);
    size_t at = 0;
    for (size_t i = 0; i < f->nitems; i++) {
        const mg_freq_item *it = &f->items[i];
        for (size_t b = 0; b < it->len; b++, at++)
            words[at / 8] |= (uint64_t)(unsigned char)it->text[b] << (8 * (at % 8));
        lengths[i] = it->len;
        counts[i] = it->count;
    }
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "total", mg_state_count(f->total), "untracked",
                          mg_state_count(f->untracked), "bytes", mg_state_counts(words, nwords), "lengths",
                          mg_state_counts(lengths, f->nitems), "counts", mg_state_counts(counts, f->nitems));
    free(words);
    free(lengths);
    free(counts);
    return o;
}

static json_t *side_save(const mg_dside *s)
{
    json_t *o = json_pack("{s:s, s:o, s:o}", "kind", s->is_number ? "number" : "text", "missing",
                          mg_state_count(s->missing), "wrong_type", mg_state_count(s->wrong_type));
    if (!s->is_number) {
        json_object_set_new(o, "frequencies", freq_save(&s->own_freq));
        return o;
    }
    json_object_set_new(o, "moments", mg_xmoments_save(&s->exact));
    if (s->keep_values)
        json_object_set_new(o, "values", doubles_state(s->values, s->nvalues));
    else
        json_object_set_new(o, "sketch", mg_tsketch_save(&s->own_tree));
    return o;
}

json_t *mg_dengine_save(const mg_dengine *e)
{
    json_t *features = json_array();
    for (size_t i = 0; i < e->n && !e->broken; i++) {
        json_t *f = side_save(&e->feat[i].cur);
        json_object_set_new(f, "name", json_string(e->feat[i].name));
        json_array_append_new(features, f);
    }
    return json_pack("{s:b, s:o}", "broken", e->broken, "features", features);
}

static int merge_numbers(mg_dside *s, const json_t *j, const char *feature, char *msg, size_t size)
{
    mg_xmoments add;
    if (mg_xmoments_load(json_object_get(j, "moments"), &add, msg, size) != 0)
        return -1;
    if (!s->keep_values) {
        mg_tsketch t;
        if (mg_tsketch_load(json_object_get(j, "sketch"), &t, msg, size) != 0)
            return -1;
        if (t.n != add.count) {
            mg_tsketch_free(&t);
            return snprintf(msg, size, "feature '%s': a sketch of %llu values but moments of %llu", feature,
                            (unsigned long long)t.n, (unsigned long long)add.count),
                   -1;
        }
        mg_tsketch_merge(&s->own_tree, &t);
        mg_xmoments_merge(&s->exact, &add);
        return 0;
    }
    double *values;
    size_t n;
    if (mg_state_get_doubles(j, "values", &values, &n, msg, size) != 0)
        return -1;
    int rc = 0;
    if (n != add.count) {
        rc = -1;
        snprintf(msg, size, "feature '%s': %zu values but moments of %llu", feature, n,
                 (unsigned long long)add.count);
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!isfinite(values[i]) || (values[i] == 0.0 && signbit(values[i]))) {
            rc = -1;
            snprintf(msg, size, "feature '%s': value %zu is not a finite number as a side keeps it", feature, i + 1);
        }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        s->values = mg_xgrow(s->values, &s->cap, s->nvalues + 1, sizeof *s->values);
        s->values[s->nvalues++] = values[i];
    }
    if (rc == 0)
        mg_xmoments_merge(&s->exact, &add);
    free(values);
    return rc;
}

/* Adds n values (bytes end to end in words, 8 a word) with their lengths and counts to f. */
static void add_texts(mg_freq *f, const uint64_t *words, size_t nwords, const uint64_t *lengths,
                      const uint64_t *counts, size_t n)
{
    char *text = mg_xmalloc(nwords * 8 + 1);
    for (size_t b = 0; b < nwords * 8; b++)
        text[b] = (char)(words[b / 8] >> (8 * (b % 8)));
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        mg_freq_add(f, text + at, (size_t)lengths[i], counts[i]);
        at += (size_t)lengths[i];
    }
    free(text);
}

/* Whether saved frequencies hold together: every length within the bytes
 * (padded to a word), every count at least 1, the counts and untracked
 * adding up to the total. */
static int frequencies_ok(const uint64_t *lengths, const uint64_t *counts, size_t n, size_t nwords,
                          uint64_t untracked, uint64_t total)
{
    uint64_t left = (uint64_t)nwords * 8, sum = untracked;
    if (untracked > total)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (lengths[i] > left || counts[i] == 0 || counts[i] > total - sum)
            return 0;
        left -= lengths[i];
        sum += counts[i];
    }
    return sum == total && left < 8;
}

/* Adds a saved frequency table to the side's, its values in their first-seen order. */
static int merge_texts(mg_dside *s, const json_t *j, const char *feature, const char *check, char *msg, size_t size)
{
    const json_t *fj = json_object_get(j, "frequencies");
    uint64_t total, untracked, *words = NULL, *lengths = NULL, *counts = NULL;
    size_t nwords = 0, nlen = 0, ncount = 0;
    mg_freq *f = &s->own_freq;
    if (!json_is_object(fj))
        return snprintf(msg, size, "feature '%s': 'frequencies': expected an object", feature), -1;
    int rc = mg_state_get_count(fj, "total", &total, msg, size) != 0 ||
                     mg_state_get_count(fj, "untracked", &untracked, msg, size) != 0 ||
                     mg_state_get_counts(fj, "bytes", &words, &nwords, msg, size) != 0 ||
                     mg_state_get_counts(fj, "lengths", &lengths, &nlen, msg, size) != 0 ||
                     mg_state_get_counts(fj, "counts", &counts, &ncount, msg, size) != 0
                 ? -1 : 0;
    if (rc == 0 && (nlen != ncount || !frequencies_ok(lengths, counts, nlen, nwords, untracked, total))) {
        rc = -1;
        snprintf(msg, size, "feature '%s': 'frequencies': the lengths, counts, bytes and total disagree", feature);
    } else if (rc == 0 && untracked > 0 && f->nitems > 0) {
        rc = -1;
        snprintf(msg, size, "check '%s', feature '%s': a shard saw more than %d distinct values, so which of its "
                 "values one run would have counted is lost: shards cannot be merged exactly; run this gate "
                 "unsharded", check, feature, MG_FREQ_TRACK_MAX);
    }
    if (rc == 0) {
        add_texts(f, words, nwords, lengths, counts, nlen);
        f->total += untracked;
        f->untracked += untracked;
    }
    free(words);
    free(lengths);
    free(counts);
    return rc;
}

static int merge_side(mg_dside *s, const json_t *j, const char *feature, const char *check, char *msg, size_t size)
{
    const char *kind = json_string_value(json_object_get(j, "kind"));
    uint64_t missing, wrong;
    if (!kind || strcmp(kind, s->is_number ? "number" : "text") != 0)
        return snprintf(msg, size, "feature '%s': expected a %s feature", feature, s->is_number ? "number" : "text"),
               -1;
    if (mg_state_get_count(j, "missing", &missing, msg, size) != 0 ||
        mg_state_get_count(j, "wrong_type", &wrong, msg, size) != 0)
        return -1;
    int rc = s->is_number ? merge_numbers(s, j, feature, msg, size) : merge_texts(s, j, feature, check, msg, size);
    if (rc == 0) {
        s->missing += missing;
        s->wrong_type += wrong;
    }
    return rc;
}

int mg_dengine_merge(mg_dengine *e, const char *check, const json_t *state, char *msg, size_t size)
{
    const json_t *features = json_object_get(state, "features");
    const json_t *broken = json_object_get(state, "broken");
    if (!json_is_array(features) || !json_is_boolean(broken))
        return snprintf(msg, size, "expected {\"broken\", \"features\"}"), -1;
    /* A reference that cannot be used is reported by finish, as in one run:
     * the shard (reading the same reference) gathered nothing. */
    if (e->broken || json_is_true(broken))
        return 0;
    if (json_array_size(features) != e->n)
        return snprintf(msg, size, "%zu features, expected %zu", json_array_size(features), e->n), -1;
    for (size_t i = 0; i < e->n; i++) {
        const json_t *f = json_array_get(features, i);
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name || strcmp(name, e->feat[i].name) != 0)
            return snprintf(msg, size, "feature %zu is '%s', expected '%s'", i + 1, name ? name : "?",
                            e->feat[i].name),
                   -1;
        if (merge_side(&e->feat[i].cur, f, name, check, msg, size) != 0)
            return -1;
    }
    return 0;
}
