/*
 * limits.c - the `limits` check: abnormally large input.
 *
 * Two kinds of offence:
 *  - offending rows: a record with a field over max_field_bytes, a record
 *    over max_row_bytes (the source skipped both) or a record with more
 *    fields than max_columns.  A record counts once however many limits it
 *    breaks.  These are the check's `count`, and `rate` is count / rows
 *    read (records included), so the rate never exceeds 1; max_count and
 *    max_rate judge them.
 *  - whole-input offences: a header with more columns than max_columns, a
 *    file over max_file_bytes, rows past max_rows, fewer readable rows than
 *    min_rows (default 1: a gate over no data must not pass).  Part of the
 *    data was not read (or there is too little of it), which no tolerance
 *    excuses: any of them fails the check.
 * `inputs` reports both kinds together.
 */
#include <stdlib.h>

#include "checks/check.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

typedef struct limits_state {
    uint64_t bad_rows;      /* records over a limit, each once */
    uint64_t whole_input;   /* offences of the input as a whole */
    unsigned long last_bad_line; /* the last record counted, not to count it twice */
    uint64_t fields_too_big, rows_too_big, rows_too_many, columns_too_many, file_too_big;
    uint64_t largest; /* largest oversize seen, bytes */
    uint64_t good_rows;
} limits_state;

static void count_bad_row(limits_state *s, unsigned long line)
{
    if (s->bad_rows > 0 && line == s->last_bad_line)
        return;
    s->bad_rows++;
    s->last_bad_line = line;
}

static void limits_begin(mg_check *c)
{
    limits_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    const mg_limits *lim = c->env->limits;
    size_t header = mg_source_header_columns(c->env->source);
    if (lim->max_columns && header > lim->max_columns) {
        s->whole_input++;
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
        count_bad_row(s, row->line);
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
    if (p->size > s->largest)
        s->largest = p->size;
    switch (p->kind) {
    case MG_PROBLEM_FIELD_TOO_BIG: s->fields_too_big++; count_bad_row(s, p->line); break;
    case MG_PROBLEM_ROW_TOO_BIG: s->rows_too_big++; count_bad_row(s, p->line); break;
    case MG_PROBLEM_TOO_MANY_ROWS: s->rows_too_many++; s->whole_input++; break;
    default: s->file_too_big++; s->whole_input++; break;
    }
    mg_check_example(c, p->line, p->field, "%s", p->message);
}

static void limits_finish(mg_check *c)
{
    limits_state *s = c->state;
    uint64_t min_rows = c->env->limits->min_rows;
    if (min_rows && s->good_rows < min_rows) {
        s->whole_input++;
        mg_result_example(c->result, c->env->examples, "%s: found %llu readable rows, expected at least %llu (min_rows)",
                          c->env->data_path, (unsigned long long)s->good_rows, (unsigned long long)min_rows);
    }
    mg_check_judge(c, s->bad_rows, "rows outside the size limits");
    mg_result *res = c->result;
    uint64_t inputs = s->bad_rows + s->whole_input;
    if (s->whole_input) {
        res->status = MG_STATUS_FAIL;
        mg_result_set_message(res, "%llu inputs outside the size limits: %llu for the whole input (always "
                                   "fails) and %llu rows (rate %.4g of %llu rows)",
                              (unsigned long long)inputs, (unsigned long long)s->whole_input,
                              (unsigned long long)s->bad_rows, c->rows ? (double)s->bad_rows / (double)c->rows : 0.0,
                              (unsigned long long)c->rows);
    }
    mg_result_prop_number(res, "inputs", (double)inputs);
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

const mg_check_def mg_check_limits = {
    .name = "limits", .group = "data", .options = option_rows, .implicit = MG_IMPLICIT_ALWAYS,
    .summary = "fields, rows, columns or files over the spec's size limits",
    .begin = limits_begin, .row = limits_row, .problem = limits_problem, .finish = limits_finish,
    .free_state = limits_free,
};
