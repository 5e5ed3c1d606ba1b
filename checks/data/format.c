/*
 * format.c - the `format` check: records that could not be parsed (a
 * malformed JSON line, an unterminated CSV quote), CSV records whose number
 * of fields differs from the header, and a header that names a column
 * twice.  Always run: malformed data never passes silently, even when the
 * spec does not list this check.
 */
#include <stdlib.h>

#include "checks/check.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

typedef struct format_state {
    uint64_t malformed, ragged;
} format_state;

static void format_begin(mg_check *c)
{
    format_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    /* A header naming a column twice: every check would read only the first. */
    const mg_source *src = c->env->source;
    size_t n = mg_source_ncolumns(src);
    for (size_t i = 1; i < n; i++) {
        long first = mg_source_column_index(src, mg_source_column(src, i));
        if (first >= 0 && (size_t)first < i) {
            s->malformed++;
            mg_check_example(c, 1, mg_source_column(src, i),
                             "found the column name again (columns %ld and %zu), expected unique names", first + 1, i + 1);
        }
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
    mg_check_judge(c, s->malformed + s->ragged, "malformed rows");
    mg_result_prop_number(c->result, "unparsable", (double)s->malformed);
    mg_result_prop_number(c->result, "wrong_field_count", (double)s->ragged);
}

static void format_free(mg_check *c)
{
    free(c->state);
}

const mg_check_def mg_check_format = {
    .name = "format", .group = "data", .options = option_rows, .implicit = MG_IMPLICIT_ALWAYS,
    .summary = "rows that cannot be parsed, or CSV rows with the wrong number of fields",
    .begin = format_begin, .row = format_row, .problem = format_problem, .finish = format_finish,
    .free_state = format_free,
};
