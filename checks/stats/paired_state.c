/*
 * paired_state.c - the paired store's state for sharded runs (stats.h,
 * mg_paired_save / mg_paired_merge): every row's identity, label and both
 * models' scores, appended shard after shard.  The bootstrap weights a row
 * by its identity and sums exactly, so the merged store gives the single
 * run's interval.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/stats/internal.h"
#include "common/state_json.h"
#include "common/xmem.h"

/* Binary labels packed 64 to a word, bit i % 64 of word i / 64. */
static json_t *packed_labels(const uint8_t *label, size_t n)
{
    size_t words = (n + 63) / 64;
    uint64_t *w = mg_xcalloc(words ? words : 1, sizeof *w);
    for (size_t i = 0; i < n; i++)
        if (label[i])
            w[i / 64] |= 1ULL << (i % 64);
    json_t *v = mg_state_counts(w, words);
    free(w);
    return v;
}

json_t *mg_paired_save(const mg_paired *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "task", json_string(mg_metric_task_name(p->task)));
    json_object_set_new(o, "values", mg_state_count(p->k));
    json_object_set_new(o, "rows", mg_state_count(p->n));
    json_object_set_new(o, "calls", mg_state_count(p->calls));
    json_object_set_new(o, "bad", mg_state_count(p->bad));
    json_object_set_new(o, "first_bad", mg_state_count(p->first_bad));
    if (p->bad_why)
        json_object_set_new(o, "bad_why", json_string(p->bad_why));
    json_object_set_new(o, "ids", mg_state_counts(p->id, p->n));
    if (p->task == MG_TASK_BINARY) {
        json_object_set_new(o, "labels", packed_labels(p->label8, p->n));
    } else if (p->task == MG_TASK_MULTICLASS) {
        uint64_t *w = mg_xmalloc((p->n ? p->n : 1) * sizeof *w);
        for (size_t i = 0; i < p->n; i++)
            w[i] = p->label32[i];
        json_object_set_new(o, "labels", mg_state_counts(w, p->n));
        free(w);
    } else {
        json_object_set_new(o, "targets", mg_state_doubles(p->target, p->n));
    }
    json_object_set_new(o, "champion", mg_state_doubles(p->champ, p->n * p->k));
    json_object_set_new(o, "challenger", mg_state_doubles(p->chall, p->n * p->k));
    return o;
}

/* The arrays of a saved store, read and checked against its row count. */
typedef struct saved_rows {
    uint64_t rows;
    uint64_t *ids, *labels;
    double *targets, *champ, *chall;
} saved_rows;

static void saved_free(saved_rows *r)
{
    free(r->ids);
    free(r->labels);
    free(r->targets);
    free(r->champ);
    free(r->chall);
}

static int bad_length(const char *key, size_t want, size_t got, char *msg, size_t size)
{
    snprintf(msg, size, "'%s': expected %zu values, found %zu", key, want, got);
    return -1;
}

static int all_finite(const double *v, size_t n, const char *key, char *msg, size_t size)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return snprintf(msg, size, "'%s': value %zu is not finite", key, i), -1;
    return 0;
}

static int read_rows(const mg_paired *p, const json_t *o, saved_rows *r, char *msg, size_t size)
{
    size_t n, want;
    if (mg_state_get_count(o, "rows", &r->rows, msg, size) != 0)
        return -1;
    want = (size_t)r->rows;
    if (mg_state_get_counts(o, "ids", &r->ids, &n, msg, size) != 0)
        return -1;
    if (n != want)
        return bad_length("ids", want, n, msg, size);
    if (p->task == MG_TASK_REGRESSION) {
        if (mg_state_get_doubles(o, "targets", &r->targets, &n, msg, size) != 0)
            return -1;
        if (n != want)
            return bad_length("targets", want, n, msg, size);
        if (all_finite(r->targets, n, "targets", msg, size) != 0)
            return -1;
    } else {
        size_t words = p->task == MG_TASK_BINARY ? (want + 63) / 64 : want;
        if (mg_state_get_counts(o, "labels", &r->labels, &n, msg, size) != 0)
            return -1;
        if (n != words)
            return bad_length("labels", words, n, msg, size);
        for (size_t i = 0; p->task == MG_TASK_MULTICLASS && i < n; i++)
            if (r->labels[i] >= p->k)
                return snprintf(msg, size, "'labels': value %zu is not a class number", i), -1;
    }
    if (mg_state_get_doubles(o, "champion", &r->champ, &n, msg, size) != 0)
        return -1;
    if (n != want * p->k)
        return bad_length("champion", want * p->k, n, msg, size);
    if (mg_state_get_doubles(o, "challenger", &r->chall, &n, msg, size) != 0)
        return -1;
    if (n != want * p->k)
        return bad_length("challenger", want * p->k, n, msg, size);
    return all_finite(r->champ, n, "champion", msg, size) || all_finite(r->chall, n, "challenger", msg, size) ? -1 : 0;
}

/* Rejected rows: the first is the earliest shard's, numbered among all
 * the add calls before it. */
static int merge_rejected(mg_paired *p, const json_t *o, char *msg, size_t size)
{
    uint64_t calls, bad, first_bad;
    if (mg_state_get_count(o, "calls", &calls, msg, size) || mg_state_get_count(o, "bad", &bad, msg, size) ||
        mg_state_get_count(o, "first_bad", &first_bad, msg, size))
        return -1;
    if (bad && !p->bad) {
        const char *why = json_string_value(json_object_get(o, "bad_why"));
        p->first_bad = p->calls + first_bad;
        free(p->bad_why_copy);
        p->bad_why_copy = mg_xstrdup(why ? why : "rejected");
        p->bad_why = p->bad_why_copy;
    }
    p->bad += bad;
    p->calls += calls;
    return 0;
}

int mg_paired_merge(mg_paired *p, const json_t *state, char *msg, size_t size)
{
    const char *task = json_string_value(json_object_get(state, "task"));
    uint64_t k;
    if (!task || strcmp(task, mg_metric_task_name(p->task)) != 0)
        return snprintf(msg, size, "'task': expected \"%s\"", mg_metric_task_name(p->task)), -1;
    if (mg_state_get_count(state, "values", &k, msg, size) != 0)
        return -1;
    if (k != p->k)
        return snprintf(msg, size, "'values': expected %zu scores a row, found %llu", p->k, (unsigned long long)k), -1;
    saved_rows r = {0};
    if (read_rows(p, state, &r, msg, size) != 0 || merge_rejected(p, state, msg, size) != 0) {
        saved_free(&r);
        return -1;
    }
    for (size_t i = 0; i < (size_t)r.rows; i++) {
        mg_paired__grow(p);
        p->id[p->n] = r.ids[i];
        if (p->task == MG_TASK_BINARY)
            p->label8[p->n] = (uint8_t)((r.labels[i / 64] >> (i % 64)) & 1);
        else if (p->task == MG_TASK_MULTICLASS)
            p->label32[p->n] = (uint32_t)r.labels[i];
        else
            p->target[p->n] = r.targets[i];
        memcpy(p->champ + p->n * p->k, r.champ + i * p->k, p->k * sizeof *p->champ);
        memcpy(p->chall + p->n * p->k, r.chall + i * p->k, p->k * sizeof *p->chall);
        p->n++;
    }
    saved_free(&r);
    return 0;
}
