/*
 * row_json.c - rows of the adversarial and fixture checks as JSON: values
 * and model inputs as a user would write them in a fixture case, a case
 * line, a row built back from a case's input, and a row's id for examples.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

static json_t *text_json(const char *t, size_t len)
{
    json_t *s = json_stringn(t, len);
    if (s)
        return s;
    /* Not valid UTF-8 (or holds NUL): keep the bytes visible. */
    char *buf = mg_xmalloc(len * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (ch >= 0x20 && ch < 0x7f)
            buf[o++] = (char)ch;
        else
            o += (size_t)snprintf(buf + o, 5, "\\x%02x", ch);
    }
    buf[o] = '\0';
    s = json_string(buf);
    free(buf);
    return s ? s : json_string("");
}

/* Whole numbers as JSON integers, others as reals. */
static json_t *number_json(double x)
{
    if (x == floor(x) && fabs(x) < 9007199254740992.0 && !(x == 0 && signbit(x)))
        return json_integer((json_int_t)x);
    return json_real(x);
}

json_t *adv_value_json(const mg_value *v)
{
    double d;
    switch (v->kind) {
    case MG_VALUE_ABSENT:
        return NULL;
    case MG_VALUE_NULL:
        return json_null();
    case MG_VALUE_BOOL:
        return json_boolean(v->num != 0);
    case MG_VALUE_NUMBER:
        if (isfinite(v->num))
            return number_json(v->num);
        return text_json(v->text, v->len); /* JSON has no NaN/Inf: as text */
    case MG_VALUE_TEXT:
        if (v->len && mg_value_to_double(v, &d) == 0 && isfinite(d))
            return number_json(d);
        return text_json(v->text, v->len);
    default:
        return text_json(v->text, v->len);
    }
}

json_t *adv_row_input(const adv_feature *f, size_t nf, const mg_row *row)
{
    json_t *o = json_object();
    for (size_t i = 0; i < nf; i++) {
        if (f[i].column < 0 || (size_t)f[i].column >= row->nvalues)
            continue;
        json_t *v = adv_value_json(&row->values[f[i].column]);
        if (v)
            json_object_set_new(o, f[i].name, v);
    }
    return o;
}

char *adv_case_line(const char *id, json_t *input, json_t *expect, const char *tag,
                    const char *note)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set(o, "input", input);
    if (expect)
        json_object_set(o, "expect", expect);
    if (tag)
        json_object_set_new(o, "tags", json_pack("[s]", tag));
    if (note)
        json_object_set_new(o, "note", text_json(note, strlen(note)));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(o);
    return s ? s : mg_xstrdup("{}");
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
        snprintf(buf, size, "line %lu", row->line);
    return buf;
}

