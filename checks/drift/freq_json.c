/*
 * freq_json.c - value frequencies to and from their profile JSON
 * (docs/profile-format.md, "values").
 */
#include <inttypes.h>
#include <stdlib.h>

#include "checks/drift/sketch.h"
#include "common/json_kind.h"

json_t *mg_freq_to_json(const mg_freq *f)
{
    size_t *order = mg_freq_order(f);
    json_t *counts = json_array();
    uint64_t left_out = f->untracked;
    /* complete frequencies are written in full (so shards merge exactly);
     * overflowed ones only their most frequent values */
    size_t limit = f->untracked == 0 ? f->nitems : MG_FREQ_WRITE_MAX;
    for (size_t i = 0; i < f->nitems; i++) {
        const mg_freq_item *it = &f->items[order[i]];
        /* JSON strings are UTF-8: a value that is not joins the others */
        json_t *text = json_array_size(counts) < limit
                           ? json_stringn(it->text, it->len) : NULL;
        if (!text) {
            left_out += it->count;
            continue;
        }
        json_t *pair = json_array();
        json_array_append_new(pair, text);
        json_array_append_new(pair, json_integer((json_int_t)it->count));
        json_array_append_new(counts, pair);
    }
    free(order);
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer((json_int_t)f->total));
    json_object_set_new(o, "untracked", json_integer((json_int_t)left_out));
    json_object_set_new(o, "counts", counts);
    return o;
}

/* One [text, count] pair at the reader's path. */
static int read_pair(mg_profile_reader *r, const json_t *pair, mg_freq *f, uint64_t *sum)
{
    const json_t *text = json_array_get(pair, 0), *count = json_array_get(pair, 1);
    if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_string(text) ||
        !json_is_integer(count) || json_integer_value(count) < 1)
        return mg_preader_fail(r, 0, "expected a [text, count >= 1] pair, found %s",
                               json_is_array(pair) ? "another array" : mg_json_kind(pair));
    const char *s = json_string_value(text);
    size_t len = json_string_length(text);
    if (mg_freq_count(f, s, len) > 0)
        return mg_preader_fail(r, 0, "the value '%s' is listed twice", s);
    uint64_t c = (uint64_t)json_integer_value(count);
    mg_freq_add(f, s, len, c);
    *sum += c;
    return 0;
}

int mg_freq_from_json(mg_profile_reader *r, const json_t *j, mg_freq *f)
{
    static const char *const keys[] = {"total", "untracked", "counts", NULL};
    mg_freq_init(f);
    uint64_t total, untracked, sum = 0;
    if (mg_preader_keys(r, j, keys) < 0 || mg_preader_count(r, j, "total", &total) < 0 ||
        mg_preader_count(r, j, "untracked", &untracked) < 0)
        goto fail;
    const json_t *counts = mg_preader_enter(r, j, "counts", JSON_ARRAY);
    if (!counts)
        goto fail;
    if (json_array_size(counts) > MG_FREQ_TRACK_MAX) {
        mg_preader_fail(r, 0, "expected at most %d values, found %zu", MG_FREQ_TRACK_MAX,
                        json_array_size(counts));
        mg_preader_pop(r);
        goto fail;
    }
    size_t i;
    const json_t *pair;
    json_array_foreach(counts, i, pair) {
        mg_preader_push_index(r, i);
        int rc = read_pair(r, pair, f, &sum);
        mg_preader_pop(r);
        if (rc < 0) {
            mg_preader_pop(r);
            goto fail;
        }
    }
    mg_preader_pop(r);
    if (sum + untracked != total || sum + untracked < sum) {
        mg_preader_push_key(r, "total");
        mg_preader_fail(r, 0, "total %" PRIu64 " is not the counts' sum %" PRIu64
                              " plus untracked %" PRIu64, total, sum, untracked);
        mg_preader_pop(r);
        goto fail;
    }
    f->untracked = untracked;
    f->total = total;
    return 0;
fail:
    mg_freq_free(f);
    return -1;
}
