/*
 * order.c - the `order` check: events whose time goes backwards within
 * their key (or within the whole file when data.key is not set) by more
 * than `allowed_lateness`.  Keeps the latest time per key: memory grows
 * with the number of distinct keys (32 bytes each), not with rows (but in
 * a shard of a sharded run, which keeps its events: order_shard.c).
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
#include "checks/data/order_state.h"
#include "common/keytable.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "allowed_lateness", .kind = MG_OPT_DURATION, .def = MG_DEFAULT(0),
     .help = "how far an event's time may go back within its key and still be in order"},
    {.key = NULL},
};

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

const char *mg_order_late_message(const mg_check *c, const char *time_text, double lateness, uint64_t earlier_line,
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
    int found;
    mg_key_entry *e = mg_keytable_upsert(&s->latest, key, &found);
    if (env->shard)
        mg_order_keep_event(c, key, kc >= 0 ? row->values[kc].text : "", t, row->line, tv, found ? e : NULL);
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
    char buf[96], why[768];
    const char *key_text = kc >= 0 ? row->values[kc].text : NULL;
    mg_check_example(c, row->line, env->role_name[MG_ROLE_TIME], "%s",
                     mg_order_late_message(c, mg_value_quote(tv, buf, sizeof buf), lateness, e->line, key_text, why,
                                           sizeof why));
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
        mg_order_shard_free(s);
    }
    free(s);
}

const mg_check_def mg_check_order = {
    .name = "order", .group = "data", .options = option_rows, .needs = MG_NEEDS_TIME, .implicit = MG_IMPLICIT_UNLISTED,
    .summary = "events whose time goes backwards within a key beyond allowed_lateness",
    .begin = order_begin, .row = order_row, .finish = order_finish, .free_state = order_free,
    .save = mg_order_save, .merge = mg_order_merge,
};
