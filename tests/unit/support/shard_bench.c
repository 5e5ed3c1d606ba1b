/*
 * shard_bench.c - drives check definitions directly for unit tests of
 * sharded states (checks/check.h, save and merge): a real spec and the
 * real source, rows typed as the runner types them, one instance of a check
 * per part of the data, states saved, written as JSON text, read back and
 * merged into a fresh instance, and results compared in full.
 */
#include "shard_bench.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_state.h"
#include "common/error.h"
#include "harness/data_input.h"
#include "harness/run_pass.h"
#include "tmpfiles.h"

static void bench_open(tu_bench *b)
{
    mg_source_options so;
    memset(&so, 0, sizeof so);
    so.format = b->spec->format;
    so.delimiter = b->spec->delimiter;
    so.limits = b->spec->limits;
    if (strstr(b->spec->data_path, ".jsonl")) {
        free(b->cols);
        b->cols = mg_spec_jsonl_columns(b->spec, &so.ncolumns);
        so.columns = b->cols;
    }
    mg_error err = {{0}};
    mg_source_free(b->src);
    b->src = mg_spec_open_data(b->spec, &so, &err);
    if (!b->src)
        fail_msg("open: %s", err.msg);
    b->env.source = b->shard_env.source = b->src;
    b->env.data_path = b->shard_env.data_path = mg_source_path(b->src);
}

tu_bench tu_bench_new(const char *data_name, const char *data, const char *spec_text)
{
    tu_bench b;
    memset(&b, 0, sizeof b);
    tu_write(data_name, data);
    mg_spec_errors errs;
    b.spec = mg_spec_load(tu_write("gate.json", spec_text), &errs);
    if (!b.spec)
        fail_msg("spec: %s", errs.msg[0]);
    bench_open(&b);
    const mg_spec *spec = b.spec;
    b.field_column = calloc(spec->nfields + 1, sizeof *b.field_column);
    b.typed = calloc(spec->nfields + 1, sizeof *b.typed);
    for (size_t i = 0; i < spec->nfields; i++)
        b.field_column[i] = mg_source_column_index(b.src, spec->fields[i].name);
    mg_check_env *env = &b.env;
    env->data_path = mg_source_path(b.src);
    env->source = b.src;
    env->fields = spec->fields;
    env->nfields = spec->nfields;
    env->field_column = b.field_column;
    env->typed = b.typed;
    env->limits = &spec->limits;
    env->examples = spec->examples;
    env->time_zone = spec->time_zone;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        env->role_name[r] = spec->roles[r];
        env->role_column[r] = spec->roles[r] ? mg_source_column_index(b.src, spec->roles[r]) : -1;
    }
    b.shard_env = b.env;
    b.shard_env.shard = 1;
    return b;
}

void tu_bench_free(tu_bench *b)
{
    mg_source_free(b->src);
    mg_spec_free(b->spec);
    free(b->cols);
    free(b->field_column);
    free(b->typed);
}


void tu_instance_begin(tu_instance *in, const mg_check_spec *cs, const mg_check_env *env)
{
    memset(in, 0, sizeof *in);
    in->report = mg_report_new();
    mg_check *c = &in->check;
    mg_check_init(c, cs, env, in->report);
    if (c->def->begin)
        c->def->begin(c);
}

void tu_instance_free(tu_instance *in)
{
    if (in->check.def->free_state)
        in->check.def->free_state(&in->check);
    mg_report_free(in->report);
}

/* A record counts for the rates when it is a row or a bad record (as the runner). */
static int problem_is_record(const mg_source_problem_info *p)
{
    return p->kind == MG_PROBLEM_FIELD_TOO_BIG || p->kind == MG_PROBLEM_ROW_TOO_BIG || p->kind == MG_PROBLEM_MALFORMED;
}

/* One pass over the data: record i goes to instance part_of[i] (and every
 * record to single).  Returns the number of records. */
size_t tu_bench_feed(tu_bench *b, tu_instance *single, tu_instance *parts, const size_t *cut, size_t nparts)
{
    bench_open(b);
    size_t i = 0, part = 0;
    mg_row row;
    mg_error err = {{0}};
    for (;;) {
        mg_source_status st = mg_source_next(b->src, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR)
            fail_msg("read: %s", err.msg);
        while (part + 1 < nparts && i >= cut[part])
            part++;
        mg_check *to[2] = {single ? &single->check : NULL, parts ? &parts[part].check : NULL};
        const mg_source_problem_info *p = st == MG_SOURCE_BAD_ROW ? mg_source_problem(b->src) : NULL;
        if (!p)
            mg_type_row(b->spec, b->field_column, &row, b->typed);
        for (int k = 0; k < 2; k++) {
            mg_check *c = to[k];
            if (!c)
                continue;
            if (!p || problem_is_record(p))
                c->rows++;
            if (p && c->def->problem)
                c->def->problem(c, p);
            else if (!p && c->def->row)
                c->def->row(c, &row);
        }
        i++;
    }
    return i;
}

void tu_assert_same_result(const mg_result *a, const mg_result *b, const char *split)
{
    const char *name = a->name;
    if (a->status != b->status)
        fail_msg("%s %s: status %s, merged %s", name, split, mg_status_name(a->status), mg_status_name(b->status));
    if ((a->message == NULL) != (b->message == NULL) || (a->message && strcmp(a->message, b->message) != 0))
        fail_msg("%s %s: message '%s', merged '%s'", name, split, a->message, b->message);
    if (a->nprops != b->nprops)
        fail_msg("%s %s: %zu properties, merged %zu", name, split, a->nprops, b->nprops);
    for (size_t i = 0; i < a->nprops; i++) {
        const mg_prop *x = &a->props[i], *y = &b->props[i];
        if (strcmp(x->key, y->key) != 0 || x->is_number != y->is_number ||
            (x->is_number ? memcmp(&x->number, &y->number, sizeof x->number) != 0 : strcmp(x->text, y->text) != 0))
            fail_msg("%s %s: property %s = %.17g '%s', merged %s = %.17g '%s'", name, split, x->key, x->number,
                     x->text ? x->text : "", y->key, y->number, y->text ? y->text : "");
    }
    if (a->examples_total != b->examples_total)
        fail_msg("%s %s: %llu examples in all, merged %llu", name, split, (unsigned long long)a->examples_total,
                 (unsigned long long)b->examples_total);
    for (size_t i = 0; i < a->nexamples || i < b->nexamples; i++) {
        const char *x = i < a->nexamples ? a->examples[i] : "(none)";
        const char *y = i < b->nexamples ? b->examples[i] : "(none)";
        if (strcmp(x, y) != 0)
            fail_msg("%s %s: example %zu '%s', merged '%s'", name, split, i, x, y);
        const mg_example_pos *p = &a->example_pos[i], *q = &b->example_pos[i];
        if (p->line != q->line || p->data_line != q->data_line || (p->file == NULL) != (q->file == NULL) ||
            (p->file && strcmp(p->file, q->file) != 0))
            fail_msg("%s %s: example %zu points elsewhere once merged", name, split, i);
    }
}

/* A part's state as a shard writes it and `mgate merge` reads it back. */
static json_t *through_text(const mg_check *c)
{
    json_t *saved = mg_check_state_save(c);
    char *text = json_dumps(saved, JSON_COMPACT);
    json_decref(saved);
    json_error_t jerr;
    json_t *back = json_loads(text, 0, &jerr);
    free(text);
    if (!back)
        fail_msg("state does not read back: %s", jerr.text);
    return back;
}

/* Runs check cs over the records cut at cut[0..nparts-1) and compares the
 * merge with the single run. */
static void compare_split(tu_bench *b, const mg_check_spec *cs, const size_t *cut, size_t nparts)
{
    tu_instance single, parts[TU_MAX_PARTS], merged;
    tu_instance_begin(&single, cs, &b->env);
    for (size_t p = 0; p < nparts; p++)
        tu_instance_begin(&parts[p], cs, &b->shard_env);
    b->nrecords = tu_bench_feed(b, &single, parts, cut, nparts);
    if (single.check.def->finish)
        single.check.def->finish(&single.check);
    tu_instance_begin(&merged, cs, &b->env);
    char split[64] = "cut at";
    for (size_t p = 0; p + 1 < nparts; p++)
        snprintf(split + strlen(split), sizeof split - strlen(split), " %zu", cut[p]);
    for (size_t p = 0; p < nparts; p++) {
        json_t *state = through_text(&parts[p].check);
        char msg[512] = "";
        if (mg_check_state_merge(&merged.check, state, msg, sizeof msg) != 0)
            fail_msg("%s %s: merge: %s", cs->name, split, msg);
        json_decref(state);
        tu_instance_free(&parts[p]);
    }
    merged.check.rows = single.check.rows;
    if (merged.check.def->finish)
        merged.check.def->finish(&merged.check);
    tu_assert_same_result(single.check.result, merged.check.result, split);
    tu_instance_free(&single);
    tu_instance_free(&merged);
}

/* Every check of the spec, merged from every 2-part and 3-part split
 * (parts may be empty) of its records, equals the single run. */
void tu_compare_all_splits(const char *data_name, const char *data, const char *spec_text)
{
    tu_bench b = tu_bench_new(data_name, data, spec_text);
    size_t n = tu_bench_feed(&b, NULL, NULL, NULL, 0);
    for (size_t k = 0; k < b.spec->nchecks; k++) {
        const mg_check_spec *cs = &b.spec->checks[k];
        if (!cs->def->save)
            fail_msg("check '%s' has no save", cs->name);
        for (size_t i = 0; i <= n; i++) {
            size_t two[1] = {i};
            compare_split(&b, cs, two, 2);
            for (size_t j = i; j <= n; j++) {
                size_t three[2] = {i, j};
                compare_split(&b, cs, three, 3);
            }
        }
    }
    tu_bench_free(&b);
}

/* The single run of one check, for the figures the data was built for. */
tu_instance tu_run_single(tu_bench *b, const char *name)
{
    for (size_t k = 0; k < b->spec->nchecks; k++)
        if (strcmp(b->spec->checks[k].name, name) == 0) {
            tu_instance single;
            tu_instance_begin(&single, &b->spec->checks[k], &b->env);
            tu_bench_feed(b, &single, NULL, NULL, 0);
            single.check.def->finish(&single.check);
            return single;
        }
    fail_msg("no check '%s'", name);
    tu_instance none = {0};
    return none;
}

double tu_instance_prop(const tu_instance *in, const char *key)
{
    const mg_prop *p = mg_result_prop(in->check.result, key);
    if (!p || !p->is_number)
        fail_msg("no number '%s'", key);
    return p->number;
}

/* Merges the states of the parts of one 2-part split into a fresh
 * instance; returns what mg_check_state_merge returned for the last part
 * and its message. */
int tu_merge_two_parts(tu_bench *b, const char *name, size_t cut, const mg_check_env *part_env, char *msg, size_t size)
{
    const mg_check_spec *cs = NULL;
    for (size_t k = 0; k < b->spec->nchecks; k++)
        if (strcmp(b->spec->checks[k].name, name) == 0)
            cs = &b->spec->checks[k];
    tu_instance parts[2], merged;
    for (size_t p = 0; p < 2; p++)
        tu_instance_begin(&parts[p], cs, part_env);
    tu_bench_feed(b, NULL, parts, &cut, 2);
    tu_instance_begin(&merged, cs, &b->env);
    int rc = 0;
    for (size_t p = 0; p < 2; p++) {
        json_t *st = through_text(&parts[p].check);
        rc = mg_check_state_merge(&merged.check, st, msg, size);
        json_decref(st);
        tu_instance_free(&parts[p]);
    }
    tu_instance_free(&merged);
    return rc;
}
