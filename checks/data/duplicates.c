/*
 * duplicates.c - the `duplicates` check: rows whose identity was seen
 * before.  Identity is the `by` columns when given, else data.id, else
 * data.key + data.time.  Keeps a 128-bit fingerprint and the first line of
 * each identity: 32 bytes per distinct row identity.
 *
 * A row missing part of its identity cannot be told apart from others, so
 * it is an offence (missing_identity), unless the schema lets that column
 * be missing (then the missing value is part of the identity).
 */
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
    {.key = "by", .kind = MG_OPT_STRINGS, .when_absent = "data.id, else data.key and data.time",
     .help = "the column (or list of columns) that identifies a row"},
    {.key = NULL},
};

/* In a shard: a duplicate of the shard's examples, whose "first seen at"
 * the merge corrects when the first occurrence is in an earlier shard. */
typedef struct dup_repeat {
    unsigned long line, first_line;
    char *value; /* quoted */
} dup_repeat;

typedef struct dup_state {
    mg_keytable seen;
    long *cols;
    const char **names;
    const mg_field_spec **fields; /* each column's schema field, or NULL */
    size_t ncols;
    uint64_t dups, no_identity;
    char *problem; /* set when the check cannot run */
    /* In a shard only (env->shard): the identities in the order they were
     * first seen, the quoted value of those first seen while the examples
     * were not full (a prefix: an identity's first occurrence may be a
     * duplicate of an earlier shard's row, listed by the merge), and the
     * duplicates among the examples. */
    mg_key_entry *first_seen; /* key and first line; value unused */
    size_t nfirst_seen, first_seen_cap;
    char **texts;
    size_t ntexts, texts_cap;
    dup_repeat *repeats;
    size_t nrepeats;
} dup_state;

static void add_col(dup_state *s, const mg_check_env *env, const char *name)
{
    long col = mg_source_column_index(env->source, name);
    if (col < 0 && !s->problem)
        s->problem = mg_xasprintf("column '%s' named for duplicates is not in the data", name);
    s->cols[s->ncols] = col;
    s->fields[s->ncols] = mg_env_field(env, name);
    s->names[s->ncols++] = name;
}

static void dup_begin(mg_check *c)
{
    dup_state *s = mg_xcalloc(1, sizeof *s);
    mg_keytable_init(&s->seen);
    const mg_check_env *env = c->env;
    const json_t *by = json_object_get(c->options, "by");
    size_t n = by ? (json_is_array(by) ? json_array_size(by) : 1) : 2;
    s->cols = mg_xcalloc(n, sizeof *s->cols);
    s->names = mg_xcalloc(n, sizeof *s->names);
    s->fields = mg_xcalloc(n, sizeof *s->fields);
    if (json_is_string(by)) {
        add_col(s, env, json_string_value(by));
    } else if (json_is_array(by)) {
        for (size_t i = 0; i < json_array_size(by); i++)
            add_col(s, env, json_string_value(json_array_get(by, i)));
    } else if (env->role_name[MG_ROLE_ID]) {
        add_col(s, env, env->role_name[MG_ROLE_ID]);
    } else if (env->role_name[MG_ROLE_KEY] && env->role_name[MG_ROLE_TIME]) {
        add_col(s, env, env->role_name[MG_ROLE_KEY]);
        add_col(s, env, env->role_name[MG_ROLE_TIME]);
    } else {
        s->problem = mg_xstrdup("no identity to compare: set 'by', data.id, or data.key and data.time");
    }
    c->state = s;
}

/* "found VALUE again, first seen at LINE": the duplicate's message. */
static const char *dup_message(const mg_check *c, const char *value, uint64_t first_line, char *out, size_t size)
{
    const dup_state *s = c->state;
    char first[512];
    snprintf(out, size, "found %s again, first seen at %s%s", value,
             mg_check_line_ref(c->env, (unsigned long)first_line, first, sizeof first),
             s->ncols > 1 ? " (same key and time)" : "");
    return out;
}

/* In a shard: keeps a new identity, with its quoted value when listed. */
static void keep_identity(dup_state *s, mg_key128 key, uint64_t line, const char *value)
{
    s->first_seen = mg_xgrow(s->first_seen, &s->first_seen_cap, s->nfirst_seen + 1, sizeof *s->first_seen);
    s->first_seen[s->nfirst_seen++] = (mg_key_entry){key, 0, line};
    if (!value)
        return;
    s->texts = mg_xgrow(s->texts, &s->texts_cap, s->ntexts + 1, sizeof *s->texts);
    s->texts[s->ntexts++] = mg_xstrdup(value);
}

static void dup_row(mg_check *c, const mg_row *row)
{
    dup_state *s = c->state;
    if (s->problem)
        return;
    char buf[96];
    for (size_t i = 0; i < s->ncols; i++) {
        const mg_value *v = &row->values[s->cols[i]];
        if (mg_value_is_missing(v) && !mg_missing_allowed(s->fields[i], v)) {
            s->no_identity++;
            mg_check_example(c, row->line, s->names[i],
                             "found %s, expected a value (a row without it cannot be checked for duplicates)",
                             mg_value_quote(v, buf, sizeof buf));
            return;
        }
    }
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    for (size_t i = 0; i < s->ncols; i++) {
        const mg_value *v = &row->values[s->cols[i]];
        /* Absent and null differ from the text "null" and from "". */
        unsigned char kind = (unsigned char)v->kind;
        mg_key_hasher_add(&h, &kind, 1);
        mg_key_hasher_add(&h, v->text, v->len);
    }
    int found;
    mg_key128 key = mg_key_hasher_done(&h);
    mg_key_entry *e = mg_keytable_upsert(&s->seen, key, &found);
    /* A shard keeps what its merge may have to write: the values of the rows
     * whose example would still be kept. */
    int keep = c->env->shard && c->result->nexamples < c->env->examples;
    if (found || keep)
        mg_value_quote(&row->values[s->cols[0]], buf, sizeof buf);
    if (!found) {
        e->line = row->line ? row->line : 1;
        if (c->env->shard)
            keep_identity(s, key, e->line, keep ? buf : NULL);
        return;
    }
    s->dups++;
    if (keep) {
        s->repeats = mg_xrealloc(s->repeats, (s->nrepeats + 1) * sizeof *s->repeats);
        s->repeats[s->nrepeats++] = (dup_repeat){row->line, (unsigned long)e->line, mg_xstrdup(buf)};
    }
    char why[768];
    mg_check_example(c, row->line, s->names[0], "%s", dup_message(c, buf, e->line, why, sizeof why));
}

static void dup_finish(mg_check *c)
{
    dup_state *s = c->state;
    if (s->problem) {
        c->result->status = MG_STATUS_ERROR;
        mg_result_set_message(c->result, "%s", s->problem);
        return;
    }
    mg_check_judge(c, s->dups + s->no_identity,
                   s->no_identity ? "duplicate rows or rows without an identity" : "duplicate rows");
    mg_result_prop_number(c->result, "duplicate_rows", (double)s->dups);
    mg_result_prop_number(c->result, "missing_identity", (double)s->no_identity);
    mg_result_prop_number(c->result, "distinct", (double)s->seen.count);
}

static void dup_free(mg_check *c)
{
    dup_state *s = c->state;
    if (!s)
        return;
    mg_keytable_free(&s->seen);
    free(s->cols);
    free(s->names);
    free(s->fields);
    free(s->problem);
    free(s->first_seen);
    for (size_t i = 0; i < s->ntexts; i++)
        free(s->texts[i]);
    free(s->texts);
    for (size_t i = 0; i < s->nrepeats; i++)
        free(s->repeats[i].value);
    free(s->repeats);
    free(s);
}

/*
 * A shard's state: its counts; every identity it saw (fingerprint and first
 * line, 24 bytes each), in line order, with the quoted value of those first
 * seen while its examples were not full; and its duplicates among the
 * examples (line, first line, quoted value).
 */
static json_t *dup_save(const mg_check *c)
{
    const dup_state *s = c->state;
    size_t n = s->nfirst_seen;
    uint64_t *hi = mg_xcalloc(n + 1, sizeof *hi), *lo = mg_xcalloc(n + 1, sizeof *lo);
    uint64_t *line = mg_xcalloc(n + 1, sizeof *line);
    for (size_t i = 0; i < n; i++) {
        hi[i] = s->first_seen[i].key.hi;
        lo[i] = s->first_seen[i].key.lo;
        line[i] = s->first_seen[i].line;
    }
    uint64_t *rep_line = mg_xcalloc(s->nrepeats + 1, sizeof *rep_line);
    uint64_t *rep_first = mg_xcalloc(s->nrepeats + 1, sizeof *rep_first);
    char **rep_value = mg_xcalloc(s->nrepeats + 1, sizeof *rep_value);
    for (size_t i = 0; i < s->nrepeats; i++) {
        rep_line[i] = s->repeats[i].line;
        rep_first[i] = s->repeats[i].first_line;
        rep_value[i] = s->repeats[i].value;
    }
    json_t *state = json_pack("{s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "shard", c->env->shard,
                              "duplicate_rows", mg_state_count(s->dups), "missing_identity",
                              mg_state_count(s->no_identity), "key_hi", mg_state_counts(hi, n), "key_lo",
                              mg_state_counts(lo, n), "key_line", mg_state_counts(line, n), "key_values",
                              mg_shard_texts_save(s->texts, s->ntexts), "repeat_line",
                              mg_state_counts(rep_line, s->nrepeats), "repeat_first_line",
                              mg_state_counts(rep_first, s->nrepeats), "repeat_values",
                              mg_shard_texts_save(rep_value, s->nrepeats));
    free(hi);
    free(lo);
    free(line);
    free(rep_line);
    free(rep_first);
    free(rep_value);
    return state;
}

/* A saved state's arrays, read for merging. */
typedef struct dup_saved {
    uint64_t *hi, *lo, *line, *rep_line, *rep_first;
    size_t n, nrep;
    mg_shard_texts values, rep_values;
} dup_saved;

static void dup_saved_free(dup_saved *d)
{
    free(d->hi);
    free(d->lo);
    free(d->line);
    free(d->rep_line);
    free(d->rep_first);
    mg_shard_texts_free(&d->values);
    mg_shard_texts_free(&d->rep_values);
}

static int dup_saved_read(const json_t *state, dup_saved *d, char *msg, size_t size)
{
    size_t nlo, nline, nfirst;
    if (!json_is_true(json_object_get(state, "shard")))
        return snprintf(msg, size, "the shard did not keep the values of its identities (a run without --shard)"), -1;
    if (mg_state_get_counts(state, "key_hi", &d->hi, &d->n, msg, size) != 0 ||
        mg_state_get_counts(state, "key_lo", &d->lo, &nlo, msg, size) != 0 ||
        mg_state_get_counts(state, "key_line", &d->line, &nline, msg, size) != 0 ||
        mg_state_get_counts(state, "repeat_line", &d->rep_line, &d->nrep, msg, size) != 0 ||
        mg_state_get_counts(state, "repeat_first_line", &d->rep_first, &nfirst, msg, size) != 0 ||
        mg_shard_texts_get(state, "key_values", &d->values, msg, size) != 0 ||
        mg_shard_texts_get(state, "repeat_values", &d->rep_values, msg, size) != 0)
        return -1;
    if (nlo != d->n || nline != d->n || d->values.n > d->n || nfirst != d->nrep || d->rep_values.n != d->nrep)
        return snprintf(msg, size, "the lists of identities or of duplicates differ in length"), -1;
    for (size_t i = 0; i < d->n; i++)
        if (d->line[i] == 0 || (i > 0 && d->line[i] <= d->line[i - 1]))
            return snprintf(msg, size, "'key_line': expected rising line numbers"), -1;
    return 0;
}

/* A shard's identity whose first line in the shard (first) was seen in an
 * earlier shard at line earlier. */
typedef struct dup_moved {
    uint64_t first, earlier;
} dup_moved;

/*
 * Merges the next shard: its identities already seen in earlier shards are
 * duplicates at their first line in this shard (the shard could not know),
 * and its duplicates of those identities were first seen earlier than it
 * said: their examples are written again.
 */
static int dup_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    dup_state *s = c->state;
    if (s->problem)
        return 0; /* the shard could not run either: the same spec and data */
    dup_saved d;
    memset(&d, 0, sizeof d);
    if (mg_shard_add_count(state, "duplicate_rows", &s->dups, msg, size) != 0 ||
        mg_shard_add_count(state, "missing_identity", &s->no_identity, msg, size) != 0 ||
        dup_saved_read(state, &d, msg, size) != 0) {
        dup_saved_free(&d);
        return -1;
    }
    dup_moved *moved = mg_xcalloc(d.n + 1, sizeof *moved);
    size_t nmoved = 0;
    char why[768];
    for (size_t i = 0; i < d.n; i++) {
        int found;
        mg_key_entry *e = mg_keytable_upsert(&s->seen, (mg_key128){d.hi[i], d.lo[i]}, &found);
        if (!found) {
            e->line = d.line[i];
            continue;
        }
        s->dups++;
        moved[nmoved++] = (dup_moved){d.line[i], e->line};
        if (i < d.values.n)
            mg_check_example_merged(c, (unsigned long)d.line[i], s->names[0], "%s",
                                    dup_message(c, d.values.text[i], e->line, why, sizeof why));
        else
            mg_shard_example_count_only(c); /* after the shard's full examples */
    }
    /* moved is in the order of first lines: look each duplicate up. */
    for (size_t r = 0; r < d.nrep; r++) {
        size_t lo = 0, hi = nmoved;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (moved[mid].first < d.rep_first[r])
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < nmoved && moved[lo].first == d.rep_first[r])
            mg_check_example_rewrite(c, (unsigned long)d.rep_line[r], s->names[0], "%s",
                                     dup_message(c, d.rep_values.text[r], moved[lo].earlier, why, sizeof why));
    }
    free(moved);
    dup_saved_free(&d);
    return 0;
}

const mg_check_def mg_check_duplicates = {
    .name = "duplicates", .group = "data", .options = option_rows, .implicit = MG_IMPLICIT_UNLISTED,
    .implicit_needs = MG_NEEDS_ROW_IDENTITY,
    .summary = "rows whose id (or key and time, or 'by' columns) was seen before",
    .begin = dup_begin, .row = dup_row, .finish = dup_finish, .free_state = dup_free,
    .save = dup_save, .merge = dup_merge,
};
