/*
 * types.c - the `types` check: a present value that is not of its
 * field's declared type.  Missing values are the `missing` check's concern
 * and are not counted here.  Counts rows with at least one bad value.
 */
#include <stdlib.h>

#include "checks/check.h"
#include "checks/data/data_shard.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

typedef struct types_state {
    uint64_t offending_rows;
    uint64_t *per_field;
} types_state;

static void types_begin(mg_check *c)
{
    types_state *s = mg_xcalloc(1, sizeof *s);
    s->per_field = mg_xcalloc(c->env->nfields, sizeof *s->per_field);
    c->state = s;
}

static void types_row(mg_check *c, const mg_row *row)
{
    types_state *s = c->state;
    const mg_check_env *env = c->env;
    int offended = 0;
    for (size_t f = 0; f < env->nfields; f++) {
        const mg_field_spec *fs = &env->fields[f];
        if (env->typed[f].state != MG_TYPED_WRONG)
            continue;
        const mg_value *v = &row->values[env->field_column[f]];
        const char *expected = env->typed[f].expected;
        s->per_field[f]++;
        offended = 1;
        char buf[96];
        mg_check_example(c, row->line, fs->name, "found %s, expected %s",
                         mg_value_quote(v, buf, sizeof buf), expected);
    }
    s->offending_rows += offended;
}

static void types_finish(mg_check *c)
{
    types_state *s = c->state;
    mg_check_judge(c, s->offending_rows, "rows with a value of the wrong type");
    for (size_t f = 0; f < c->env->nfields; f++)
        if (s->per_field[f]) {
            char key[160];
            snprintf(key, sizeof key, "wrong_type.%s", c->env->fields[f].name);
            mg_result_prop_number(c->result, key, (double)s->per_field[f]);
        }
}

static void types_free(mg_check *c)
{
    types_state *s = c->state;
    if (s)
        free(s->per_field);
    free(s);
}

/* A shard's state: its offending rows and per-field counts (sums). */
static json_t *types_save(const mg_check *c)
{
    const types_state *s = c->state;
    return mg_shard_field_counts_save(s->offending_rows, s->per_field, c->env->nfields);
}

static int types_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    types_state *s = c->state;
    return mg_shard_field_counts_merge(state, &s->offending_rows, s->per_field, c->env->nfields, msg, size);
}

const mg_check_def mg_check_types = {
    .name = "types", .group = "data", .options = option_rows, .needs = MG_NEEDS_SCHEMA, .implicit = MG_IMPLICIT_UNLISTED,
    .summary = "values that are not of their field's declared type",
    .begin = types_begin, .row = types_row, .finish = types_finish, .free_state = types_free,
    .save = types_save, .merge = types_merge,
};
