/*
 * qsketch_json.c - a quantile sketch to and from its profile JSON
 * (docs/profile-format.md, "quantiles").
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/sketch.h"
#include "checks/drift/sorted_copy.h"
#include "common/json_kind.h"
#include "common/xmem.h"

#define MAX_LEVELS 64
#define MIN_K 8
#define MAX_K 65535

static json_t *numbers_json(const double *x, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_real(x[i]));
    return a;
}

json_t *mg_qsketch_to_json(const mg_qsketch *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "k", json_integer(s->k));
    json_object_set_new(o, "n", json_integer((json_int_t)s->n));
    json_object_set_new(o, "exact", json_boolean(s->exact));
    if (s->exact) {
        /* sorted, so equal data give equal files whatever the row order */
        size_t n = s->nlevels ? s->len[0] : 0;
        double *v = mg_xmalloc((n ? n : 1) * sizeof *v);
        if (n)
            memcpy(v, s->level[0], n * sizeof *v);
        qsort(v, n, sizeof *v, mg_double_cmp);
        json_object_set_new(o, "values", numbers_json(v, n));
        free(v);
        return o;
    }
    json_t *levels = json_array();
    for (size_t h = 0; h < s->nlevels; h++) {
        double *v = mg_xmalloc((s->len[h] ? s->len[h] : 1) * sizeof *v);
        if (s->len[h])
            memcpy(v, s->level[h], s->len[h] * sizeof *v);
        qsort(v, s->len[h], sizeof *v, mg_double_cmp);
        json_array_append_new(levels, numbers_json(v, s->len[h]));
        free(v);
    }
    json_object_set_new(o, "levels", levels);
    char state[17];
    snprintf(state, sizeof state, "%016" PRIx64, s->rng);
    json_object_set_new(o, "state", json_string(state));
    return o;
}

/* Appends the finite numbers of array a (at the reader's path) to level h. */
static int read_level(mg_profile_reader *r, const json_t *a, mg_qsketch *s, size_t h)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v) {
        if (!json_is_number(v) || !isfinite(json_number_value(v))) {
            mg_preader_push_index(r, i);
            mg_preader_fail(r, 0, "expected a finite number");
            mg_preader_pop(r);
            return -1;
        }
        mg_qsketch_add_item(s, h, json_number_value(v));
    }
    return 0;
}

/* The exact form: "values", n of them. */
static int read_exact(mg_profile_reader *r, const json_t *j, mg_qsketch *s, uint64_t n)
{
    if (n > MG_QSKETCH_EXACT_MAX)
        return mg_preader_fail(r, 0, "an exact sketch holds at most %d values, this one %" PRIu64,
                               MG_QSKETCH_EXACT_MAX, n);
    const json_t *values = mg_preader_enter(r, j, "values", JSON_ARRAY);
    if (!values)
        return -1;
    int rc = -1;
    if (json_array_size(values) != n) {
        mg_preader_fail(r, 0, "expected n = %" PRIu64 " values, found %zu", n,
                        json_array_size(values));
        goto out;
    }
    rc = read_level(r, values, s, 0);
out:
    mg_preader_pop(r);
    return rc;
}

/* The KLL form: "levels" whose weights (2^h per item of level h) sum to n. */
static int read_kll(mg_profile_reader *r, const json_t *j, mg_qsketch *s, uint64_t n)
{
    if (n <= MG_QSKETCH_EXACT_MAX)
        return mg_preader_fail(r, 0, "a sketch of %" PRIu64 " values must be exact "
                                     "(\"exact\": true with \"values\")", n);
    const json_t *state = mg_preader_enter(r, j, "state", JSON_STRING);
    if (!state)
        return -1;
    const char *hex = json_string_value(state);
    char *end;
    s->rng = strtoull(hex, &end, 16);
    if (strlen(hex) != 16 || *end) {
        mg_preader_fail(r, 0, "expected 16 hexadecimal digits, found '%s'", hex);
        mg_preader_pop(r);
        return -1;
    }
    mg_preader_pop(r);
    const json_t *levels = mg_preader_enter(r, j, "levels", JSON_ARRAY);
    if (!levels)
        return -1;
    int rc = -1;
    uint64_t weight = 0;
    size_t h;
    const json_t *lv;
    if (json_array_size(levels) > MAX_LEVELS) {
        mg_preader_fail(r, 0, "expected at most %d levels, found %zu", MAX_LEVELS,
                        json_array_size(levels));
        goto out;
    }
    json_array_foreach(levels, h, lv) {
        mg_preader_push_index(r, h);
        if (!json_is_array(lv)) {
            mg_preader_fail(r, 0, "expected an array of numbers, found %s", mg_json_kind(lv));
            mg_preader_pop(r);
            goto out;
        }
        if (read_level(r, lv, s, h) < 0) {
            mg_preader_pop(r);
            goto out;
        }
        mg_preader_pop(r);
        uint64_t add = (uint64_t)json_array_size(lv) << h;
        if (h >= 63 || add >> h != json_array_size(lv) || weight + add < weight)
            weight = UINT64_MAX;
        else
            weight += add;
    }
    if (weight != n) {
        mg_preader_fail(r, 0, "the levels' weights (2^h per item of level h) sum to %" PRIu64
                              ", not n = %" PRIu64, weight, n);
        goto out;
    }
    rc = 0;
out:
    mg_preader_pop(r);
    return rc;
}

int mg_qsketch_from_json(mg_profile_reader *r, const json_t *j, mg_qsketch *s)
{
    static const char *const keys[] = {"k", "n", "exact", "values", "levels", "state", NULL};
    mg_qsketch_init(s, MG_QSKETCH_K);
    uint64_t k, n;
    if (mg_preader_keys(r, j, keys) < 0 || mg_preader_count(r, j, "k", &k) < 0 ||
        mg_preader_count(r, j, "n", &n) < 0)
        return -1;
    if (k < MIN_K || k > MAX_K) {
        mg_preader_push_key(r, "k");
        mg_preader_fail(r, 0, "expected k between %d and %d, found %" PRIu64, MIN_K, MAX_K, k);
        mg_preader_pop(r);
        return -1;
    }
    s->k = (unsigned)k;
    const json_t *exact = mg_preader_enter(r, j, "exact", JSON_TRUE);
    if (!exact)
        return -1;
    mg_preader_pop(r);
    s->exact = json_is_true(exact);
    int rc = s->exact ? read_exact(r, j, s, n) : read_kll(r, j, s, n);
    if (rc < 0) {
        mg_qsketch_free(s);
        return -1;
    }
    s->n = n;
    return 0;
}
