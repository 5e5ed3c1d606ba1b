#include "reports/num_text.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Formats under the C locale for LC_NUMERIC (this thread only, through
 * uselocale), so neither the output nor strtod's reading depends on the
 * process locale.  Returns the previous locale, or (locale_t)0 when the C
 * locale object could not be made; then fix_point() repairs the text.
 */
static locale_t enter_c(locale_t *c)
{
    *c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    return *c ? uselocale(*c) : (locale_t)0;
}

static void leave_c(locale_t c, locale_t old)
{
    if (c) {
        uselocale(old);
        freelocale(c);
    }
}

/* Fallback when no C locale object: replace the locale's decimal point. */
static void fix_point(char *buf)
{
    const char *dp = localeconv()->decimal_point;
    size_t n = dp ? strlen(dp) : 0;
    if (n == 0 || strcmp(dp, ".") == 0)
        return;
    char *at = strstr(buf, dp);
    if (at) {
        *at = '.';
        memmove(at + 1, at + n, strlen(at + n) + 1);
    }
}

const char *mg_num_text(double x, char buf[MG_NUM_BUF])
{
    if (isnan(x)) {
        strcpy(buf, "nan");
        return buf;
    }
    if (isinf(x)) {
        strcpy(buf, x < 0 ? "-inf" : "inf");
        return buf;
    }
    locale_t c;
    locale_t old = enter_c(&c);
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, MG_NUM_BUF, "%.*g", prec, x);
        if (!c || strtod(buf, NULL) == x)
            break;
    }
    leave_c(c, old);
    if (!c) {
        snprintf(buf, MG_NUM_BUF, "%.17g", x);
        fix_point(buf);
    }
    return buf;
}

const char *mg_seconds_text(double s, char buf[MG_NUM_BUF])
{
    if (!(s > 0)) /* negative, zero or NaN */
        s = 0;
    if (s > 1e12)
        s = 1e12;
    locale_t c;
    locale_t old = enter_c(&c);
    snprintf(buf, MG_NUM_BUF, "%.3f", s);
    leave_c(c, old);
    if (!c)
        fix_point(buf);
    return buf;
}
