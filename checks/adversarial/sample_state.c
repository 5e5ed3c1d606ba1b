/*
 * sample_state.c - the state of a sampling check in a sharded run
 * (checks/check.h, save and merge): its sample of rows, each written with
 * everything finish needs to rebuild it exactly (every value's kind, text,
 * number and quoting, the row's line), so that the merged sample scores as
 * the single run's does.  A row's key is not written: merging computes it
 * again from the seed and the line.
 *
 * A value is {"kind": "number", "text": "12.5", "num": 12.5}: "num" when the
 * value's number is not 0, "quoted": true when set; text that is not UTF-8
 * (CSV holds any bytes) or holds a NUL byte is {"base64": ...}
 * (mg_state_bytes).  The common case of CSV data, UTF-8 text that is none of
 * these, is the JSON string alone ("12.5"): a third of the size.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/state_json.h"
#include "common/xmem.h"
#include "sources/source.h"

/* Indexed by mg_value_kind. */
static const char *const kind_names[] = {"absent", "null", "text", "number", "bool", "other"};
#define NKINDS (sizeof kind_names / sizeof *kind_names)

static json_t *value_save(const mg_value *v)
{
    int has_num = v->num != 0.0 || signbit(v->num); /* -0 kept too: bit for bit */
    json_t *text = v->len ? mg_state_bytes(v->text, v->len) : NULL;
    if (v->kind == MG_VALUE_TEXT && json_is_string(text) && !has_num && !v->quoted)
        return text;
    json_t *o = json_pack("{s:s}", "kind", (size_t)v->kind < NKINDS ? kind_names[v->kind] : "absent");
    if (text)
        json_object_set_new(o, "text", text);
    if (has_num)
        json_object_set_new(o, "num", mg_state_real(v->num));
    if (v->quoted)
        json_object_set_new(o, "quoted", json_true());
    return o;
}

static json_t *row_save(const mg_row *row)
{
    json_t *values = json_array();
    for (size_t i = 0; i < row->nvalues; i++)
        json_array_append_new(values, value_save(&row->values[i]));
    return json_pack("{s:o, s:o, s:o, s:o}", "line", mg_state_count(row->line), "fields",
                     mg_state_count(row->nfields_found), "bytes", mg_state_count(row->bytes), "values", values);
}

static int by_line(const void *a, const void *b)
{
    unsigned long x = (*(const mg_row *const *)a)->line, y = (*(const mg_row *const *)b)->line;
    return (x > y) - (x < y);
}

json_t *adv_sample_save(const adv_sample *s)
{
    /* In data order, so a shard's state reads (and diffs) well. */
    const mg_row **rows = mg_xcalloc(s->n ? s->n : 1, sizeof *rows);
    for (size_t i = 0; i < s->n; i++)
        rows[i] = s->rows[i];
    qsort(rows, s->n, sizeof *rows, by_line);
    json_t *list = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(list, row_save(rows[i]));
    free(rows);
    return json_pack("{s:o}", "sample", list);
}

/* Reads a saved value into v; its text borrows from o or is *owned.
 * Returns 0, or -1 with msg. */
static int value_load(const json_t *o, mg_value *v, char **owned, char *msg, size_t size)
{
    if (json_is_string(o)) {
        *v = (mg_value){.kind = MG_VALUE_TEXT, .text = json_string_value(o), .len = json_string_length(o)};
        return 0;
    }
    const char *kind = json_string_value(json_object_get(o, "kind"));
    size_t k = 0;
    while (kind && k < NKINDS && strcmp(kind_names[k], kind) != 0)
        k++;
    if (!kind || k == NKINDS)
        return snprintf(msg, size, "'kind': expected absent, null, text, number, bool or other"), -1;
    *v = (mg_value){.kind = (mg_value_kind)k, .text = ""};
    if (json_object_get(o, "text")) {
        if (!(*owned = mg_state_get_bytes(o, "text", &v->len, msg, size)))
            return -1;
        v->text = *owned;
    }
    if (json_object_get(o, "num") && mg_state_get_real(o, "num", &v->num, msg, size) != 0)
        return -1;
    const json_t *quoted = json_object_get(o, "quoted");
    if (quoted && !json_is_boolean(quoted))
        return snprintf(msg, size, "'quoted': expected true or false"), -1;
    v->quoted = json_is_true(quoted);
    return 0;
}

/* Rebuilds a saved row (its values and their text in values/owned, which
 * the caller frees) and offers it to the sample.  0, or -1 with msg. */
static int row_merge(adv_sample *s, const json_t *saved, size_t ncolumns, mg_value *values, char **owned,
                     char *msg, size_t size)
{
    uint64_t line, fields, bytes;
    if (mg_state_get_count(saved, "line", &line, msg, size) != 0 ||
        mg_state_get_count(saved, "fields", &fields, msg, size) != 0 ||
        mg_state_get_count(saved, "bytes", &bytes, msg, size) != 0)
        return -1;
    const json_t *list = json_object_get(saved, "values");
    if (!json_is_array(list) || json_array_size(list) != ncolumns)
        return snprintf(msg, size, "'values': expected a list of %zu values (one per column)", ncolumns), -1;
    char what[256];
    for (size_t i = 0; i < ncolumns; i++)
        if (value_load(json_array_get(list, i), &values[i], &owned[i], what, sizeof what) != 0)
            return snprintf(msg, size, "value %zu: %s", i + 1, what), -1;
    mg_row row = {.nvalues = ncolumns, .values = values, .nfields_found = (size_t)fields,
                  .line = (unsigned long)line, .bytes = (size_t)bytes};
    adv_sample_offer(s, &row);
    return 0;
}

int adv_sample_merge(adv_sample *s, const json_t *state, size_t ncolumns, char *msg, size_t size)
{
    const json_t *list = json_object_get(state, "sample");
    if (!json_is_array(list))
        return snprintf(msg, size, "'sample': expected a list of rows"), -1;
    mg_value *values = mg_xcalloc(ncolumns ? ncolumns : 1, sizeof *values);
    char **owned = mg_xcalloc(ncolumns ? ncolumns : 1, sizeof *owned);
    int rc = 0;
    char what[300];
    for (size_t r = 0; r < json_array_size(list) && rc == 0; r++) {
        if (row_merge(s, json_array_get(list, r), ncolumns, values, owned, what, sizeof what) != 0) {
            snprintf(msg, size, "'sample' row %zu: %s", r + 1, what);
            rc = -1;
        }
        for (size_t i = 0; i < ncolumns; i++) {
            free(owned[i]);
            owned[i] = NULL;
        }
    }
    free(values);
    free(owned);
    return rc;
}

/* ------------------------------------------------------------------ */

json_t *adv_save(const mg_check *c)
{
    const adv_state *s = c->state;
    return adv_sample_save(&s->sample);
}

int adv_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    adv_state *s = c->state;
    /* Every row has one value per column of the data, as when read. */
    size_t ncolumns = c->env->source ? mg_source_ncolumns(c->env->source) : 0;
    if (!c->env->source) {
        const json_t *first = json_array_get(json_object_get(state, "sample"), 0);
        ncolumns = json_array_size(json_object_get(first, "values"));
    }
    /* A row too short for the model's columns would be read past its end. */
    size_t nf = c->env->model && c->env->binding ? mg_model_nfeatures(c->env->model) : 0;
    for (size_t i = 0; i < nf; i++) {
        long col = mg_binding_column(c->env->binding, i);
        if (col >= 0 && (size_t)col >= ncolumns)
            return snprintf(msg, size, "'sample': rows of %zu values, but the model reads column %ld", ncolumns,
                            col + 1),
                   -1;
    }
    return adv_sample_merge(&s->sample, state, ncolumns, msg, size);
}
