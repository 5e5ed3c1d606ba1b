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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/data/data_shard.h"
#include "common/state_json.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {{.key = NULL}};

/* A file over max_file_bytes: listed in finish, once however many shards
 * of a sharded run opened it (each reads a byte range of the same file). */
typedef struct big_file {
    unsigned long line; /* its line 1, as a data line */
    char *message;
} big_file;

typedef struct limits_state {
    uint64_t bad_rows;      /* records over a limit, each once */
    unsigned long last_bad_line; /* the last record counted, not to count it twice */
    uint64_t fields_too_big, rows_too_big, rows_too_many, columns_too_many;
    uint64_t largest; /* largest oversize seen, bytes */
    uint64_t good_rows;
    int header_too_wide;    /* the header is over max_columns (every shard reads it: not saved) */
    big_file *big_files;    /* in data order */
    size_t nbig_files;
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
    size_t header = c->env->source ? mg_source_header_columns(c->env->source) : 0;
    s->header_too_wide = lim->max_columns && header > lim->max_columns;
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

/* Records a file over max_file_bytes, in data order, unless it is listed. */
static void add_big_file(limits_state *s, unsigned long line, const char *message)
{
    size_t at = s->nbig_files;
    while (at > 0 && s->big_files[at - 1].line >= line) {
        if (s->big_files[at - 1].line == line)
            return;
        at--;
    }
    s->big_files = mg_xrealloc(s->big_files, (s->nbig_files + 1) * sizeof *s->big_files);
    memmove(&s->big_files[at + 1], &s->big_files[at], (s->nbig_files - at) * sizeof *s->big_files);
    s->big_files[at] = (big_file){line, mg_xstrdup(message)};
    s->nbig_files++;
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
    case MG_PROBLEM_TOO_MANY_ROWS: s->rows_too_many++; break;
    default: add_big_file(s, p->line, p->message); return;
    }
    mg_check_example(c, p->line, p->field, "%s", p->message);
}

/* The offences of the input as a whole found before the rows, in data
 * order among the rows' examples: the header, then the files too big. */
static void list_input_offences(mg_check *c)
{
    limits_state *s = c->state;
    const mg_limits *lim = c->env->limits;
    if (s->header_too_wide)
        mg_check_example_first(c, 0, 1, NULL, "found %zu columns in the header, expected at most %zu (max_columns)",
                               mg_source_header_columns(c->env->source), lim->max_columns);
    for (size_t i = 0; i < s->nbig_files; i++)
        mg_check_example_merged(c, s->big_files[i].line, NULL, "%s", s->big_files[i].message);
}

static void limits_finish(mg_check *c)
{
    limits_state *s = c->state;
    list_input_offences(c);
    uint64_t whole_input = (uint64_t)s->header_too_wide + s->rows_too_many + s->nbig_files;
    uint64_t min_rows = c->env->limits->min_rows;
    if (min_rows && s->good_rows < min_rows) {
        whole_input++;
        mg_result_example(c->result, c->env->examples, "%s: found %llu readable rows, expected at least %llu (min_rows)",
                          c->env->data_path, (unsigned long long)s->good_rows, (unsigned long long)min_rows);
    }
    mg_check_judge(c, s->bad_rows, "rows outside the size limits");
    mg_result *res = c->result;
    uint64_t inputs = s->bad_rows + whole_input;
    if (whole_input) {
        res->status = MG_STATUS_FAIL;
        mg_result_set_message(res, "%llu inputs outside the size limits: %llu for the whole input (always "
                                   "fails) and %llu rows (rate %.4g of %llu rows)",
                              (unsigned long long)inputs, (unsigned long long)whole_input,
                              (unsigned long long)s->bad_rows, c->rows ? (double)s->bad_rows / (double)c->rows : 0.0,
                              (unsigned long long)c->rows);
    }
    mg_result_prop_number(res, "inputs", (double)inputs);
    mg_result_prop_number(res, "fields_too_big", (double)s->fields_too_big);
    mg_result_prop_number(res, "rows_too_big", (double)s->rows_too_big);
    mg_result_prop_number(res, "rows_over_max_rows", (double)s->rows_too_many);
    mg_result_prop_number(res, "columns_over_max", (double)(s->columns_too_many + (uint64_t)s->header_too_wide));
    mg_result_prop_number(res, "file_over_max_bytes", (double)s->nbig_files);
    mg_result_prop_number(res, "min_rows", (double)c->env->limits->min_rows);
    if (s->largest)
        mg_result_prop_number(res, "largest_bytes", (double)s->largest);
}

static void limits_free(mg_check *c)
{
    limits_state *s = c->state;
    if (s) {
        for (size_t i = 0; i < s->nbig_files; i++)
            free(s->big_files[i].message);
        free(s->big_files);
    }
    free(s);
}

/* The counts a shard saves, summed by the merge. */
static const struct {
    const char *key;
    size_t offset;
} limits_sums[] = {
    {"bad_rows", offsetof(limits_state, bad_rows)},         {"fields_too_big", offsetof(limits_state, fields_too_big)},
    {"rows_too_big", offsetof(limits_state, rows_too_big)}, {"rows_too_many", offsetof(limits_state, rows_too_many)},
    {"columns_too_many", offsetof(limits_state, columns_too_many)}, {"good_rows", offsetof(limits_state, good_rows)},
};
#define NSUMS (sizeof limits_sums / sizeof limits_sums[0])

static uint64_t *sum_at(limits_state *s, size_t i)
{
    return (uint64_t *)((char *)s + limits_sums[i].offset);
}

/* A shard's state: its counts, its largest oversize and the files too big
 * it opened (line, message). */
static json_t *limits_save(const mg_check *c)
{
    limits_state *s = c->state;
    json_t *state = json_object();
    for (size_t i = 0; i < NSUMS; i++)
        json_object_set_new(state, limits_sums[i].key, mg_state_count(*sum_at(s, i)));
    json_object_set_new(state, "largest", mg_state_count(s->largest));
    uint64_t *lines = mg_xcalloc(s->nbig_files + 1, sizeof *lines);
    char **messages = mg_xcalloc(s->nbig_files + 1, sizeof *messages);
    for (size_t i = 0; i < s->nbig_files; i++) {
        lines[i] = s->big_files[i].line;
        messages[i] = s->big_files[i].message;
    }
    json_object_set_new(state, "big_file_lines", mg_state_counts(lines, s->nbig_files));
    json_object_set_new(state, "big_file_messages", mg_shard_texts_save(messages, s->nbig_files));
    free(lines);
    free(messages);
    return state;
}

/* A single run stops reading at max_rows rows, and every check judges those
 * rows only; shards cannot know the rows before them, so a sharded run is
 * exact only when the data has fewer rows than max_rows: then no shard and
 * no single run reaches it.  Otherwise the merge refuses. */
static int check_max_rows(const mg_check *c, char *msg, size_t size)
{
    const limits_state *s = c->state;
    uint64_t max = c->env->limits->max_rows;
    if (!max || (s->rows_too_many == 0 && s->good_rows < max))
        return 0;
    return snprintf(msg, size, "the shards read %s%llu rows, and limits.max_rows is %llu: a single run stops "
                               "reading at max_rows rows, which shards cannot do; run the gate unsharded or raise "
                               "limits.max_rows", s->rows_too_many ? "more than " : "",
                    (unsigned long long)s->good_rows, (unsigned long long)max), -1;
}

static int limits_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    limits_state *s = c->state;
    for (size_t i = 0; i < NSUMS; i++)
        if (mg_shard_add_count(state, limits_sums[i].key, sum_at(s, i), msg, size) != 0)
            return -1;
    uint64_t largest, *lines;
    size_t nlines;
    mg_shard_texts messages;
    if (mg_state_get_count(state, "largest", &largest, msg, size) != 0 ||
        mg_state_get_counts(state, "big_file_lines", &lines, &nlines, msg, size) != 0)
        return -1;
    if (mg_shard_texts_get(state, "big_file_messages", &messages, msg, size) != 0) {
        free(lines);
        return -1;
    }
    int ok = messages.n == nlines;
    for (size_t i = 0; ok && i < nlines; i++)
        add_big_file(s, (unsigned long)lines[i], messages.text[i]);
    free(lines);
    mg_shard_texts_free(&messages);
    if (!ok)
        return snprintf(msg, size, "'big_file_messages': expected one per line of 'big_file_lines'"), -1;
    if (largest > s->largest)
        s->largest = largest;
    return check_max_rows(c, msg, size);
}

const mg_check_def mg_check_limits = {
    .name = "limits", .group = "data", .options = option_rows, .implicit = MG_IMPLICIT_ALWAYS,
    .summary = "fields, rows, columns or files over the spec's size limits",
    .begin = limits_begin, .row = limits_row, .problem = limits_problem, .finish = limits_finish,
    .free_state = limits_free, .save = limits_save, .merge = limits_merge,
};
