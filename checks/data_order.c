/*
 * data_order.c - the `order` check: events whose time goes backwards within
 * their key (or within the whole file when data.key is not set) by more
 * than `allowed_lateness`.  Keeps the latest time per key: memory grows
 * with the number of distinct keys (32 bytes each), not with rows.
 */
#include <math.h>
#include <stdlib.h>

#include "checks/check.h"
#include "checks/data_checks.h"
#include "common/keytable.h"
#include "common/xmem.h"

typedef struct order_state {
    mg_keytable latest; /* key -> latest time (value) and its line */
    double allowed;
    uint64_t late;
    double worst;
    unsigned long worst_line;
} order_state;

static void order_begin(mg_check *c)
{
    order_state *s = mg_xcalloc(1, sizeof *s);
    mg_keytable_init(&s->latest);
    const json_t *al = json_object_get(c->options, "allowed_lateness");
    if (al)
        mg_parse_duration(al, &s->allowed); /* validated by the spec loader */
    c->state = s;
}

static void order_row(mg_check *c, const mg_row *row)
{
    order_state *s = c->state;
    const mg_check_env *env = c->env;
    const mg_value *tv = &row->values[env->role_column[MG_ROLE_TIME]];
    double t;
    const char *expected;
    if (mg_value_is_missing(tv) || mg_value_as_type(tv, MG_TYPE_TIMESTAMP, &t, &expected) != 0)
        return; /* unreadable times are the types/missing checks' concern */
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    long kc = env->role_column[MG_ROLE_KEY];
    if (kc >= 0)
        mg_key_hasher_add(&h, row->values[kc].text, row->values[kc].len);
    int found;
    mg_key_entry *e = mg_keytable_upsert(&s->latest, mg_key_hasher_done(&h), &found);
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
    char buf[96];
    if (kc >= 0)
        mg_check_example(c, row->line, env->role_name[MG_ROLE_TIME],
                         "found %s, %.6g s before the event at line %llu for key '%.60s', expected at most %.6g s late",
                         mg_value_quote(tv, buf, sizeof buf), lateness,
                         (unsigned long long)e->line, row->values[kc].text, s->allowed);
    else
        mg_check_example(c, row->line, env->role_name[MG_ROLE_TIME],
                         "found %s, %.6g s before the event at line %llu, expected at most %.6g s late",
                         mg_value_quote(tv, buf, sizeof buf), lateness,
                         (unsigned long long)e->line, s->allowed);
}

static void order_finish(mg_check *c)
{
    order_state *s = c->state;
    mg_check_judge(c, s->late, "events out of order");
    mg_result_prop_number(c->result, "allowed_lateness_seconds", s->allowed);
    mg_result_prop_number(c->result, "worst_lateness_seconds", s->worst);
    if (s->worst_line)
        mg_result_prop_number(c->result, "worst_line", (double)s->worst_line);
    mg_result_prop_number(c->result, "keys", (double)s->latest.count);
}

static void order_free(mg_check *c)
{
    order_state *s = c->state;
    if (s)
        mg_keytable_free(&s->latest);
    free(s);
}

static const mg_opt_def order_options[] = {{"allowed_lateness", MG_OPT_DURATION}, {NULL, 0}};

const mg_check_def mg_check_order = {
    "order", "data",
    "events whose time goes backwards within a key beyond allowed_lateness",
    order_options, MG_NEEDS_TIME,
    NULL, order_begin, order_row, NULL, NULL, order_finish, order_free,
};
