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
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "common/keytable.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "by", .kind = MG_OPT_STRINGS, .when_absent = "data.id, else data.key and data.time",
     .help = "the column (or list of columns) that identifies a row"},
    {.key = NULL},
};

typedef struct dup_state {
    mg_keytable seen;
    long *cols;
    const char **names;
    const mg_field_spec **fields; /* each column's schema field, or NULL */
    size_t ncols;
    uint64_t dups, no_identity;
    char *problem; /* set when the check cannot run */
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
    mg_key_entry *e = mg_keytable_upsert(&s->seen, mg_key_hasher_done(&h), &found);
    if (!found) {
        e->line = row->line ? row->line : 1;
        return;
    }
    s->dups++;
    char first[512];
    mg_check_example(c, row->line, s->names[0], "found %s again, first seen at %s%s",
                     mg_value_quote(&row->values[s->cols[0]], buf, sizeof buf),
                     mg_check_line_ref(c->env, e->line, first, sizeof first), s->ncols > 1 ? " (same key and time)" : "");
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
    free(s);
}

const mg_check_def mg_check_duplicates = {
    .name = "duplicates", .group = "data", .options = option_rows, .implicit = MG_IMPLICIT_UNLISTED,
    .implicit_needs = MG_NEEDS_ROW_IDENTITY,
    .summary = "rows whose id (or key and time, or 'by' columns) was seen before",
    .begin = dup_begin, .row = dup_row, .finish = dup_finish, .free_state = dup_free,
};
