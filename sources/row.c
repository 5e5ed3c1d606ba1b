#include "sources/row.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

/*
 * Exact fast path for plain decimals ("-12.375"): with at most 15
 * significant digits the digits form an integer that is exact in a double,
 * and 10^k for k <= 22 is exact too, so one division gives the correctly
 * rounded result (Clinger's fast path), the same double strtod returns.
 * Anything else (exponents, more digits, inf/nan) goes to strtod.
 */
static int fast_decimal(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s, *end = s + len;
    int neg = 0;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    /* Digits before the point, then after it.  Leading zeros are not
     * significant: a digit counts once the mantissa is non-zero.  mant may
     * wrap past 15 digits; such input is refused below, before it is used. */
    uint64_t mant = 0;
    int digits = 0;
    const char *first = p;
    for (; p < end && (unsigned char)(*p - '0') < 10; p++) {
        mant = mant * 10 + (uint64_t)(*p - '0');
        digits += mant != 0;
    }
    int any = p != first, frac = 0;
    if (p < end && *p == '.') {
        const char *point = ++p;
        for (; p < end && (unsigned char)(*p - '0') < 10; p++) {
            mant = mant * 10 + (uint64_t)(*p - '0');
            digits += mant != 0;
        }
        frac = (int)(p - point) > 99 ? 99 : (int)(p - point);
        any |= p != point;
    }
    if (p != end || !any || digits > 15 || frac > 22)
        return -1;
    double d = (double)mant / pow10[frac];
    *out = neg ? -d : d;
    return 0;
}

/* isspace() in the C locale (mgate never sets another), without the call. */
static int is_c_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

int mg_value_to_double(const mg_value *v, double *out)
{
    if (v->kind == MG_VALUE_NUMBER || v->kind == MG_VALUE_BOOL) {
        *out = v->num;
        return 0;
    }
    if (v->kind != MG_VALUE_TEXT || v->len == 0)
        return -1;
    const char *s = v->text;
    const char *end = s + v->len;
    while (s < end && is_c_space((unsigned char)*s))
        s++;
    if (s == end)
        return -1;
    /* strtod accepts hex floats; data files never mean those. */
    if (fast_decimal(s, (size_t)(end - s), out) == 0)
        return 0;
    const char *digits = (*s == '+' || *s == '-') ? s + 1 : s;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
        return -1;
    char *stop;
    errno = 0;
    double d = strtod(s, &stop);
    if (stop == s)
        return -1;
    while (stop < end && is_c_space((unsigned char)*stop))
        stop++;
    if (stop != end)
        return -1;
    *out = d; /* ERANGE overflow gives ±HUGE_VAL: an out-of-range value, still a number */
    return 0;
}

mg_row *mg_row_dup(const mg_row *row)
{
    /* One block: the row, its values, then every text. */
    size_t text_bytes = 0;
    for (size_t i = 0; i < row->nvalues; i++)
        text_bytes += row->values[i].len + 1;
    size_t head = sizeof(mg_row) + row->nvalues * sizeof(mg_value);
    char *block = mg_xmalloc(head + text_bytes);
    mg_row *copy = (mg_row *)block;
    mg_value *values = (mg_value *)(block + sizeof(mg_row));
    char *text = block + head;
    *copy = *row;
    for (size_t i = 0; i < row->nvalues; i++) {
        values[i] = row->values[i];
        memcpy(text, row->values[i].text ? row->values[i].text : "", row->values[i].len);
        text[row->values[i].len] = '\0';
        values[i].text = text;
        text += row->values[i].len + 1;
    }
    copy->values = values;
    return copy;
}

void mg_row_free(mg_row *row)
{
    free(row);
}
