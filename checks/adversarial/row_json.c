/*
 * row_json.c - rows of the adversarial and fixture checks as JSON: model
 * inputs as a user would write them in a fixture case (each value as
 * mg_value_json makes it), a row built back from a case's input, and a
 * row's id for examples.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"
#include "sources/value_json.h"

json_t *adv_row_input(const adv_feature *f, size_t nf, const mg_row *row)
{
    json_t *o = json_object();
    for (size_t i = 0; i < nf; i++) {
        if (f[i].column < 0 || (size_t)f[i].column >= row->nvalues)
            continue;
        json_t *v = mg_value_json(&row->values[f[i].column]);
        if (v)
            json_object_set_new(o, f[i].name, v);
    }
    return o;
}

int adv_json_row_init(adv_json_row *r, const json_t *obj, const char *const *columns,
                      size_t ncolumns, char *msg, size_t size)
{
    memset(r, 0, sizeof *r);
    r->ncolumns = ncolumns;
    r->values = mg_xcalloc(ncolumns ? ncolumns : 1, sizeof *r->values);
    r->owned = mg_xcalloc(ncolumns ? ncolumns : 1, sizeof *r->owned);
    for (size_t i = 0; i < ncolumns; i++) {
        r->values[i].kind = MG_VALUE_ABSENT;
        r->values[i].text = "";
    }
    r->row.nvalues = ncolumns;
    r->row.values = r->values;
    r->row.nfields_found = ncolumns;
    r->row.line = 1;
    if (!json_is_object(obj)) {
        snprintf(msg, size, "expected \"input\" to be an object of field values");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        size_t c = 0;
        while (c < ncolumns && strcmp(columns[c], key) != 0)
            c++;
        if (c == ncolumns)
            continue; /* not a model feature: unused by native models */
        mg_value *val = &r->values[c];
        if (json_is_null(v)) {
            val->kind = MG_VALUE_NULL;
        } else if (json_is_boolean(v)) {
            val->kind = MG_VALUE_BOOL;
            val->num = json_is_true(v);
            val->text = json_is_true(v) ? "true" : "false";
            val->len = strlen(val->text);
        } else if (json_is_number(v)) {
            val->kind = MG_VALUE_NUMBER;
            val->num = json_number_value(v);
            r->owned[c] = mg_xasprintf("%.17g", val->num);
            val->text = r->owned[c];
            val->len = strlen(val->text);
        } else if (json_is_string(v)) {
            val->kind = MG_VALUE_TEXT;
            val->text = json_string_value(v);
            val->len = json_string_length(v);
            val->quoted = 1;
        } else {
            snprintf(msg, size, "field '%s': expected a number, string, boolean or null", key);
            return -1;
        }
    }
    return 0;
}

void adv_json_row_free(adv_json_row *r)
{
    for (size_t i = 0; r->owned && i < r->ncolumns; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->values);
    memset(r, 0, sizeof *r);
}

const char *adv_row_id(const mg_check_env *env, const mg_row *row, char *buf, size_t size)
{
    long c = env->role_column[MG_ROLE_ID];
    if (c >= 0 && (size_t)c < row->nvalues && !mg_value_is_missing(&row->values[c]))
        snprintf(buf, size, "%.*s", (int)(row->values[c].len > 60 ? 60 : row->values[c].len),
                 row->values[c].text);
    else
        mg_check_line_ref(env, row->line, buf, size);
    return buf;
}

