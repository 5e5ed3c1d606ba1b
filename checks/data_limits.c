/*
 * data_limits.c - the `limits` check: abnormally large input.  Fields and
 * rows over their byte limits (the source skipped them), rows past
 * max_rows, a file over max_file_bytes, a header or record with more
 * columns than max_columns, and fewer readable rows than min_rows (default
 * 1: a gate over no data must not pass).  Each such event counts once.
 */
#include <stdlib.h>

#include "checks/check.h"
#include "checks/data_checks.h"
#include "common/xmem.h"

typedef struct limits_state {
    uint64_t events;
    uint64_t fields_too_big, rows_too_big, rows_too_many, columns_too_many, file_too_big;
    uint64_t largest; /* largest oversize seen, bytes */
    uint64_t good_rows;
} limits_state;

static void limits_begin(mg_check *c)
{
    limits_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    const mg_limits *lim = c->env->limits;
    size_t header = mg_source_header_columns(c->env->source);
    if (lim->max_columns && header > lim->max_columns) {
        s->events++;
        s->columns_too_many++;
        mg_check_example(c, 1, NULL, "found %zu columns in the header, expected at most %zu (max_columns)",
                         header, lim->max_columns);
    }
}

static void limits_row(mg_check *c, const mg_row *row)
{
    limits_state *s = c->state;
    s->good_rows++;
    size_t max = c->env->limits->max_columns;
    if (max && row->nfields_found > max) {
        s->events++;
        s->columns_too_many++;
        mg_check_example(c, row->line, NULL, "found %zu fields, expected at most %zu (max_columns)",
                         row->nfields_found, max);
    }
}

static void limits_problem(mg_check *c, const mg_source_problem_info *p)
{
    limits_state *s = c->state;
    if (p->kind == MG_PROBLEM_MALFORMED)
        return;
    s->events++;
    if (p->size > s->largest)
        s->largest = p->size;
    switch (p->kind) {
    case MG_PROBLEM_FIELD_TOO_BIG: s->fields_too_big++; break;
    case MG_PROBLEM_ROW_TOO_BIG: s->rows_too_big++; break;
    case MG_PROBLEM_TOO_MANY_ROWS: s->rows_too_many++; break;
    default: s->file_too_big++; break;
    }
    mg_check_example(c, p->line, p->field, "%s", p->message);
}

static void limits_finish(mg_check *c)
{
    limits_state *s = c->state;
    uint64_t min_rows = c->env->limits->min_rows;
    if (min_rows && s->good_rows < min_rows) {
        s->events++;
        mg_result_example(c->result, c->env->examples, "%s: found %llu readable rows, expected at least %llu (min_rows)",
                          c->env->data_path, (unsigned long long)s->good_rows, (unsigned long long)min_rows);
    }
    mg_check_judge(c, s->events, "inputs outside the size limits");
    mg_result *res = c->result;
    mg_result_prop_number(res, "fields_too_big", (double)s->fields_too_big);
    mg_result_prop_number(res, "rows_too_big", (double)s->rows_too_big);
    mg_result_prop_number(res, "rows_over_max_rows", (double)s->rows_too_many);
    mg_result_prop_number(res, "columns_over_max", (double)s->columns_too_many);
    mg_result_prop_number(res, "file_over_max_bytes", (double)s->file_too_big);
    mg_result_prop_number(res, "min_rows", (double)c->env->limits->min_rows);
    if (s->largest)
        mg_result_prop_number(res, "largest_bytes", (double)s->largest);
}

static void limits_free(mg_check *c)
{
    free(c->state);
}

static const mg_opt_def limits_options[] = {{NULL, 0}};

const mg_check_def mg_check_limits = {
    "limits", "data",
    "fields, rows, columns or files over the spec's size limits",
    limits_options, 0,
    NULL, limits_begin, limits_row, limits_problem, NULL, limits_finish, limits_free,
};
