#include "sources/value_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/xmem.h"

json_t *mg_text_json(const char *t, size_t len)
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

json_t *mg_value_json(const mg_value *v)
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
        return mg_text_json(v->text, v->len); /* JSON has no NaN/Inf: as text */
    case MG_VALUE_TEXT:
        if (v->len && mg_value_to_double(v, &d) == 0 && isfinite(d))
            return number_json(d);
        return mg_text_json(v->text, v->len);
    default:
        return mg_text_json(v->text, v->len);
    }
}

