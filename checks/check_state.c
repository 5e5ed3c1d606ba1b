/*
 * check_state.c - what the framework saves and merges of every check in a
 * sharded run (checks/check.h, save and merge): the examples a check added
 * while reading its shard, and how many it found, around the check's own
 * state.  Shards are merged in data order, so a shard's examples come
 * after the earlier shards' ones; the first env->examples are kept.
 */
#include "checks/check_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/state_json.h"
#include "common/xmem.h"

json_t *mg_check_state_save(const mg_check *c)
{
    const mg_result *res = c->result;
    json_t *examples = json_array();
    for (size_t i = 0; i < res->nexamples; i++) {
        const mg_example_pos *pos = &res->example_pos[i];
        /* Texts quote data values, which need not be UTF-8. */
        json_t *e = json_pack("{s:o, s:o}", "text", mg_state_text(res->examples[i]), "data_line",
                              mg_state_count(pos->data_line));
        if (pos->file)
            json_object_set_new(e, "file", mg_state_text(pos->file));
        json_object_set_new(e, "line", mg_state_count(pos->line));
        json_array_append_new(examples, e);
    }
    json_t *saved = json_pack("{s:s, s:o, s:o}", "check", c->name, "examples", examples, "examples_total",
                              mg_state_count(res->examples_total));
    if (c->def->save)
        json_object_set_new(saved, "state", c->def->save(c));
    return saved;
}

/* Makes room for one more example at index at; returns its position. */
static mg_example_pos *open_slot(mg_result *res, size_t at)
{
    size_t cap = res->examples_cap;
    res->examples = mg_xgrow(res->examples, &res->examples_cap, res->nexamples + 1, sizeof *res->examples);
    if (res->examples_cap != cap)
        res->example_pos = mg_xrealloc(res->example_pos, res->examples_cap * sizeof *res->example_pos);
    memmove(&res->examples[at + 1], &res->examples[at], (res->nexamples - at) * sizeof *res->examples);
    memmove(&res->example_pos[at + 1], &res->example_pos[at], (res->nexamples - at) * sizeof *res->example_pos);
    res->nexamples++;
    return &res->example_pos[at];
}

/* Where an example of data line `data_line` goes among those held (in data
 * order): after every example of an earlier or the same line; an example
 * without a line (0) goes last. */
static size_t data_order_slot(const mg_result *res, unsigned long data_line)
{
    size_t at = res->nexamples;
    if (data_line)
        while (at > 0 && (res->example_pos[at - 1].data_line == 0 || res->example_pos[at - 1].data_line > data_line))
            at--;
    return at;
}

/* Puts an example (text owned from here) at index at, keeping the first
 * `keep`. */
static void place_example(mg_result *res, size_t keep, size_t at, char *text, const char *file, unsigned long line,
                          unsigned long data_line)
{
    if (at >= keep) {
        free(text);
        return;
    }
    mg_example_pos *pos = open_slot(res, at);
    res->examples[at] = text;
    pos->file = file ? mg_xstrdup(file) : NULL;
    pos->line = pos->file ? line : 0;
    pos->data_line = data_line;
    while (res->nexamples > keep) {
        res->nexamples--;
        free(res->examples[res->nexamples]);
        free(res->example_pos[res->nexamples].file);
    }
}

/* Puts an example (text owned from here) at its data line's place, keeping
 * the first `keep`; an example without a line goes last. */
static void insert_example(mg_result *res, size_t keep, char *text, const char *file, unsigned long line,
                           unsigned long data_line)
{
    place_example(res, keep, data_order_slot(res, data_line), text, file, line, data_line);
}

static int merge_examples(mg_check *c, const json_t *saved, char *msg, size_t size)
{
    mg_result *res = c->result;
    uint64_t total;
    if (mg_state_get_count(saved, "examples_total", &total, msg, size) != 0)
        return -1;
    const json_t *list = json_object_get(saved, "examples");
    if (!json_is_array(list))
        return snprintf(msg, size, "'examples': expected a list"), -1;
    size_t i;
    const json_t *e;
    json_array_foreach(list, i, e) {
        uint64_t line, data_line;
        char *text = mg_state_get_text(e, "text", msg, size);
        char *file = json_object_get(e, "file") ? mg_state_get_text(e, "file", msg, size) : NULL;
        if (!text || (json_object_get(e, "file") && !file) || mg_state_get_count(e, "line", &line, msg, size) != 0 ||
            mg_state_get_count(e, "data_line", &data_line, msg, size) != 0) {
            free(text);
            free(file);
            return -1;
        }
        /* A shard's own examples follow the earlier shards' in data order. */
        if (res->nexamples < c->env->examples)
            insert_example(res, c->env->examples, text, file, (unsigned long)line, (unsigned long)data_line);
        else
            free(text);
        free(file);
    }
    res->examples_total += total;
    return 0;
}

int mg_check_state_merge(mg_check *c, const json_t *saved, char *msg, size_t size)
{
    const char *name = json_string_value(json_object_get(saved, "check"));
    if (!name || strcmp(name, c->name) != 0)
        return snprintf(msg, size, "expected the state of check '%s', found %s%s%s", c->name, name ? "'" : "",
                        name ? name : "none", name ? "'" : ""),
               -1;
    if (merge_examples(c, saved, msg, size) != 0)
        return -1;
    if (!c->def->merge)
        return 0;
    const json_t *state = json_object_get(saved, "state");
    if (!state)
        return snprintf(msg, size, "'state': missing"), -1;
    return c->def->merge(c, state, msg, size);
}

void mg_check_example_merged(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
{
    mg_result *res = c->result;
    res->examples_total++;
    va_list ap;
    va_start(ap, fmt);
    const char *file;
    unsigned long local;
    char *text = mg_check_example_vtext(c, line, field, fmt, ap, &file, &local);
    va_end(ap);
    insert_example(res, c->env->examples, text, file, local, line);
}

void mg_check_example_first(mg_check *c, size_t at, unsigned long line, const char *field, const char *fmt, ...)
{
    mg_result *res = c->result;
    res->examples_total++;
    if (at > res->nexamples)
        at = res->nexamples;
    if (at >= c->env->examples)
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *file;
    unsigned long local;
    char *text = mg_check_example_vtext(c, line, field, fmt, ap, &file, &local);
    va_end(ap);
    place_example(res, c->env->examples, at, text, local > 0 ? file : NULL, local, line);
}

int mg_check_example_rewrite(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
{
    mg_result *res = c->result;
    size_t i = 0;
    while (i < res->nexamples && res->example_pos[i].data_line != line)
        i++;
    if (i == res->nexamples)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    const char *file;
    unsigned long local;
    char *text = mg_check_example_vtext(c, line, field, fmt, ap, &file, &local);
    va_end(ap);
    free(res->examples[i]);
    res->examples[i] = text;
    return 1;
}

int mg_check_example_would_keep(const mg_check *c, unsigned long line)
{
    return data_order_slot(c->result, line) < c->env->examples;
}
