/*
 * missing.c - the `missing` check: a required field absent, empty or
 * null.  A nullable required field only has to be present.  Counts rows
 * with at least one missing required field.
 */
#include <stdlib.h>

#include "checks/check.h"
#include "checks/data/data_shard.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

typedef struct missing_state {
    uint64_t offending_rows;
    uint64_t *per_field; /* missing cells per schema field */
} missing_state;

static void missing_begin(mg_check *c)
{
    missing_state *s = mg_xcalloc(1, sizeof *s);
    s->per_field = mg_xcalloc(c->env->nfields, sizeof *s->per_field);
    c->state = s;
}

static void missing_row(mg_check *c, const mg_row *row)
{
    missing_state *s = c->state;
    const mg_check_env *env = c->env;
    int offended = 0;
    for (size_t f = 0; f < env->nfields; f++) {
        const mg_field_spec *fs = &env->fields[f];
        if (!fs->required)
            continue;
        mg_typed_state ts = env->typed[f].state;
        if (ts == MG_TYPED_OK || ts == MG_TYPED_WRONG)
            continue;
        long col = env->field_column[f];
        const mg_value *v = col >= 0 ? &row->values[col] : NULL;
        int missing = !v || v->kind == MG_VALUE_ABSENT || !fs->nullable;
        if (!missing)
            continue;
        s->per_field[f]++;
        offended = 1;
        char buf[96];
        mg_check_example(c, row->line, fs->name, "found %s, expected a value (required%s)",
                         v ? mg_value_quote(v, buf, sizeof buf) : "no such column",
                         fs->nullable ? ", nullable" : "");
    }
    s->offending_rows += offended;
}

static void missing_finish(mg_check *c)
{
    missing_state *s = c->state;
    const mg_check_env *env = c->env;
    mg_check_judge(c, s->offending_rows, "rows with a missing required field");
    for (size_t f = 0; f < env->nfields; f++)
        if (s->per_field[f]) {
            char key[160];
            snprintf(key, sizeof key, "missing.%s", env->fields[f].name);
            mg_result_prop_number(c->result, key, (double)s->per_field[f]);
        }
    /* A required column that is not in the data at all is the likeliest
     * cause: say so first. */
    for (size_t f = 0; f < env->nfields; f++)
        if (env->fields[f].required && env->field_column[f] < 0 && c->result->status == MG_STATUS_FAIL) {
            char *old = c->result->message;
            c->result->message = NULL;
            mg_result_set_message(c->result, "required column '%s' is not in the data; %s",
                                  env->fields[f].name, old);
            free(old);
            break;
        }
}

static void missing_free(mg_check *c)
{
    missing_state *s = c->state;
    if (s)
        free(s->per_field);
    free(s);
}

/* A shard's state: its offending rows and per-field counts (sums). */
static json_t *missing_save(const mg_check *c)
{
    const missing_state *s = c->state;
    return mg_shard_field_counts_save(s->offending_rows, s->per_field, c->env->nfields);
}

static int missing_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    missing_state *s = c->state;
    return mg_shard_field_counts_merge(state, &s->offending_rows, s->per_field, c->env->nfields, msg, size);
}

const mg_check_def mg_check_missing = {
    .name = "missing", .group = "data", .options = option_rows, .needs = MG_NEEDS_SCHEMA, .implicit = MG_IMPLICIT_UNLISTED,
    .summary = "required fields that are absent, empty or null",
    .begin = missing_begin, .row = missing_row, .finish = missing_finish, .free_state = missing_free,
    .save = missing_save, .merge = missing_merge,
};
