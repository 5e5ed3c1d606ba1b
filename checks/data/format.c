/*
 * format.c - the `format` check: records that could not be parsed (a
 * malformed JSON line, an unterminated CSV quote), CSV records whose number
 * of fields differs from the header, and a header that names a column
 * twice.  Always run: malformed data never passes silently, even when the
 * spec does not list this check.
 */
#include <stdlib.h>

#include "checks/check.h"
#include "checks/data/data_shard.h"
#include "common/state_json.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

typedef struct format_state {
    uint64_t malformed, ragged; /* records the source could not parse; CSV records of another width */
    uint64_t header_repeats;    /* names the header repeats (found by every shard alike: not saved) */
} format_state;

static void format_begin(mg_check *c)
{
    format_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    const mg_source *src = c->env->source;
    size_t n = src ? mg_source_ncolumns(src) : 0;
    for (size_t i = 1; i < n; i++) {
        long first = mg_source_column_index(src, mg_source_column(src, i));
        s->header_repeats += first >= 0 && (size_t)first < i;
    }
}

/* A header naming a column twice: every check would read only the first.
 * Listed in finish, before the rows' examples (the header comes first), so
 * that the shards of a sharded run, which all read the header, do not list
 * it once each. */
static void list_header_repeats(mg_check *c)
{
    const mg_source *src = c->env->source;
    size_t n = mg_source_ncolumns(src), listed = 0;
    for (size_t i = 1; i < n; i++) {
        long first = mg_source_column_index(src, mg_source_column(src, i));
        if (first >= 0 && (size_t)first < i)
            mg_check_example_first(c, listed++, 1, mg_source_column(src, i),
                                   "found the column name again (columns %ld and %zu), expected unique names",
                                   first + 1, i + 1);
    }
}

static void format_row(mg_check *c, const mg_row *row)
{
    format_state *s = c->state;
    if (mg_source_format(c->env->source) != MG_FORMAT_CSV)
        return;
    size_t want = mg_source_header_columns(c->env->source);
    if (row->nfields_found == want)
        return;
    s->ragged++;
    mg_check_example(c, row->line, NULL, "found %zu fields, expected %zu as in the header",
                     row->nfields_found, want);
}

static void format_problem(mg_check *c, const mg_source_problem_info *p)
{
    format_state *s = c->state;
    if (p->kind != MG_PROBLEM_MALFORMED)
        return;
    s->malformed++;
    if (p->column)
        mg_check_example(c, p->line, p->field, "column %lu: %s", p->column, p->message);
    else
        mg_check_example(c, p->line, p->field, "%s", p->message);
}

static void format_finish(mg_check *c)
{
    format_state *s = c->state;
    if (s->header_repeats)
        list_header_repeats(c);
    mg_check_judge(c, s->header_repeats + s->malformed + s->ragged, "malformed rows");
    mg_result_prop_number(c->result, "unparsable", (double)(s->header_repeats + s->malformed));
    mg_result_prop_number(c->result, "wrong_field_count", (double)s->ragged);
}

static void format_free(mg_check *c)
{
    free(c->state);
}

/* A shard's state: the counts of its records (sums). */
static json_t *format_save(const mg_check *c)
{
    const format_state *s = c->state;
    return json_pack("{s:o, s:o}", "malformed", mg_state_count(s->malformed), "ragged", mg_state_count(s->ragged));
}

static int format_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    format_state *s = c->state;
    if (mg_shard_add_count(state, "malformed", &s->malformed, msg, size) != 0)
        return -1;
    return mg_shard_add_count(state, "ragged", &s->ragged, msg, size);
}

const mg_check_def mg_check_format = {
    .name = "format", .group = "data", .options = option_rows, .implicit = MG_IMPLICIT_ALWAYS,
    .summary = "rows that cannot be parsed, or CSV rows with the wrong number of fields",
    .begin = format_begin, .row = format_row, .problem = format_problem, .finish = format_finish,
    .free_state = format_free, .save = format_save, .merge = format_merge,
};
