/*
 * ranges.c - the `ranges` check: values outside a field's min/max,
 * not among its allowed values, or longer than max_length.  A value that
 * cannot be read as its field's type cannot be compared with min/max, so
 * it counts here as well as in `types`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/data/data_shard.h"
#include "common/keytable.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

/* A field's allowed values, looked up by fingerprint (common/keytable.h)
 * instead of a scan with strlen and memcmp.  A value whose fingerprint is
 * not in the table is not allowed; one whose fingerprint is there is
 * compared byte for byte with the value it stands for, so the answer is
 * exact (on a fingerprint collision the list is scanned). */
typedef struct allowed_values {
    mg_keytable table; /* entry.line: 1 + the index of the value in the schema's list */
    size_t *lens;
} allowed_values;

typedef struct ranges_state {
    uint64_t offending_rows;
    uint64_t *per_field;
    size_t *bounded;          /* the fields with any constraint, in schema order */
    size_t nbounded;
    allowed_values *allowed;  /* per field; empty tables for fields without values */
} ranges_state;

static mg_key128 value_key(const char *text, size_t len)
{
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, text, len);
    return mg_key_hasher_done(&h);
}

static void allowed_init(allowed_values *a, const mg_field_spec *fs)
{
    mg_keytable_init(&a->table);
    a->lens = mg_xcalloc(fs->nvalues, sizeof *a->lens);
    for (size_t i = 0; i < fs->nvalues; i++) {
        a->lens[i] = strlen(fs->values[i]);
        int found;
        mg_key_entry *e = mg_keytable_upsert(&a->table, value_key(fs->values[i], a->lens[i]), &found);
        if (!found)
            e->line = i + 1;
    }
}

static int in_values(const mg_field_spec *fs, const allowed_values *a, const mg_value *v)
{
    const mg_key_entry *e = mg_keytable_find(&a->table, value_key(v->text, v->len));
    if (!e)
        return 0;
    size_t i = (size_t)e->line - 1;
    if (a->lens[i] == v->len && memcmp(fs->values[i], v->text, v->len) == 0)
        return 1;
    for (i = 0; i < fs->nvalues; i++)
        if (a->lens[i] == v->len && memcmp(fs->values[i], v->text, v->len) == 0)
            return 1;
    return 0;
}

static void ranges_begin(mg_check *c)
{
    const mg_check_env *env = c->env;
    ranges_state *s = mg_xcalloc(1, sizeof *s);
    s->per_field = mg_xcalloc(env->nfields, sizeof *s->per_field);
    s->bounded = mg_xcalloc(env->nfields ? env->nfields : 1, sizeof *s->bounded);
    s->allowed = mg_xcalloc(env->nfields ? env->nfields : 1, sizeof *s->allowed);
    for (size_t f = 0; f < env->nfields; f++) {
        const mg_field_spec *fs = &env->fields[f];
        if (fs->has_min || fs->has_max || fs->nvalues || fs->has_max_length)
            s->bounded[s->nbounded++] = f;
        if (fs->nvalues)
            allowed_init(&s->allowed[f], fs);
    }
    c->state = s;
}

/* Describes the first range violation of v into why; returns 1 if any.
 * typed is the runner's reading of v as the field's type.  A value that
 * cannot be read as the field's type cannot be within min/max: it is a
 * violation here too (as well as a `types` offence), never a pass. */
static int violation(const mg_field_spec *fs, const allowed_values *allowed, const mg_value *v, const mg_typed *typed,
                     char *why, size_t size)
{
    char buf[96];
    if (fs->has_min || fs->has_max) {
        double num = typed->num;
        const char *expected = typed->expected;
        /* An untyped field with bounds is read as a number here. */
        int ok = fs->type == MG_TYPE_ANY ? mg_value_as_type(v, MG_TYPE_NUMBER, &num, &expected) == 0
                                         : typed->state == MG_TYPED_OK;
        if (!ok) {
            snprintf(why, size, "found %s, expected %s to compare with %s", mg_value_quote(v, buf, sizeof buf),
                     expected ? expected : "a value of the field's type",
                     fs->has_min && fs->has_max ? "min and max" : fs->has_min ? "min" : "max");
            return 1;
        }
        if (fs->has_min && num < fs->min) {
            snprintf(why, size, "found %s, expected at least %.17g", mg_value_quote(v, buf, sizeof buf), fs->min);
            return 1;
        }
        if (fs->has_max && num > fs->max) {
            snprintf(why, size, "found %s, expected at most %.17g", mg_value_quote(v, buf, sizeof buf), fs->max);
            return 1;
        }
    }
    if (fs->nvalues && !in_values(fs, allowed, v)) {
        snprintf(why, size, "found %s, expected one of the %zu allowed values ('%s'%s)",
                 mg_value_quote(v, buf, sizeof buf), fs->nvalues, fs->values[0],
                 fs->nvalues > 1 ? ", ..." : "");
        return 1;
    }
    if (fs->has_max_length && v->kind == MG_VALUE_TEXT) {
        size_t n = mg_utf8_length(v->text, v->len);
        if (n > fs->max_length) {
            snprintf(why, size, "found %zu characters, expected at most %zu", n, fs->max_length);
            return 1;
        }
    }
    return 0;
}

static void ranges_row(mg_check *c, const mg_row *row)
{
    ranges_state *s = c->state;
    const mg_check_env *env = c->env;
    int offended = 0;
    for (size_t b = 0; b < s->nbounded; b++) {
        size_t f = s->bounded[b];
        const mg_field_spec *fs = &env->fields[f];
        const mg_typed *t = &env->typed[f];
        /* Missing values are the missing check's; a value of the wrong type
         * is the types check's, and an offence here only against min/max. */
        if (t->state == MG_TYPED_NO_COLUMN || t->state == MG_TYPED_MISSING)
            continue;
        const mg_value *v = &row->values[env->field_column[f]];
        char why[512];
        if (!violation(fs, &s->allowed[f], v, t, why, sizeof why))
            continue;
        s->per_field[f]++;
        offended = 1;
        mg_check_example(c, row->line, fs->name, "%s", why);
    }
    s->offending_rows += offended;
}

static void ranges_finish(mg_check *c)
{
    ranges_state *s = c->state;
    mg_check_judge(c, s->offending_rows, "rows with a value out of range");
    for (size_t f = 0; f < c->env->nfields; f++)
        if (s->per_field[f]) {
            char key[160];
            snprintf(key, sizeof key, "out_of_range.%s", c->env->fields[f].name);
            mg_result_prop_number(c->result, key, (double)s->per_field[f]);
        }
}

static void ranges_free(mg_check *c)
{
    ranges_state *s = c->state;
    if (s) {
        for (size_t f = 0; f < c->env->nfields; f++) {
            mg_keytable_free(&s->allowed[f].table);
            free(s->allowed[f].lens);
        }
        free(s->allowed);
        free(s->bounded);
        free(s->per_field);
    }
    free(s);
}

/* A shard's state: its offending rows and per-field counts (sums). */
static json_t *ranges_save(const mg_check *c)
{
    const ranges_state *s = c->state;
    return mg_shard_field_counts_save(s->offending_rows, s->per_field, c->env->nfields);
}

static int ranges_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    ranges_state *s = c->state;
    return mg_shard_field_counts_merge(state, &s->offending_rows, s->per_field, c->env->nfields, msg, size);
}

const mg_check_def mg_check_ranges = {
    .name = "ranges", .group = "data", .options = option_rows, .needs = MG_NEEDS_SCHEMA, .implicit = MG_IMPLICIT_UNLISTED,
    .summary = "values outside min/max, not among the allowed values, or too long",
    .begin = ranges_begin, .row = ranges_row, .finish = ranges_finish, .free_state = ranges_free,
    .save = ranges_save, .merge = ranges_merge,
};
