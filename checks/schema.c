#include "checks/schema.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *mg_field_type_name(mg_field_type t)
{
    switch (t) {
    case MG_TYPE_ANY: return "any";
    case MG_TYPE_NUMBER: return "number";
    case MG_TYPE_INTEGER: return "integer";
    case MG_TYPE_STRING: return "string";
    case MG_TYPE_BOOLEAN: return "boolean";
    case MG_TYPE_TIMESTAMP: return "timestamp";
    }
    return "?";
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* "HH:MM" of an offset or a time_zone: *seconds east of UTC.  0 or -1. */
static int parse_hh_mm(const char *s, size_t len, int *seconds)
{
    int h, m;
    if (len != 5 || s[2] != ':' || digits(s, 2, &h) || digits(s + 3, 2, &m) || h > 23 || m > 59)
        return -1;
    *seconds = h * 3600 + m * 60;
    return 0;
}

/* "+HH:MM" or "-HH:MM".  0 or -1. */
static int parse_offset(const char *s, size_t len, int *seconds)
{
    if (len < 1 || (s[0] != '+' && s[0] != '-') || parse_hh_mm(s + 1, len - 1, seconds) != 0)
        return -1;
    if (s[0] == '-')
        *seconds = -*seconds;
    return 0;
}

/* The civil date and time at the start of s, "YYYY-MM-DD" and optionally
 * [Tt ]HH:MM:SS[.frac], as seconds since 1970-01-01T00:00 of the same
 * clock.  Sets *used to the characters read.  0 or -1. */
static int parse_civil(const char *s, size_t len, double *secs, size_t *used)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (len < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
        digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    size_t p = 10;
    double frac = 0;
    if (len > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ')) {
        if (len < 19 || s[13] != ':' || s[16] != ':' || digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
            digits(s + 17, 2, &se) || h > 23 || mi > 59 || se > 60)
            return -1;
        p = 19;
        if (p < len && s[p] == '.') {
            double scale = 0.1;
            size_t start = ++p;
            while (p < len && isdigit((unsigned char)s[p])) {
                frac += (s[p] - '0') * scale;
                scale /= 10;
                p++;
            }
            if (p == start)
                return -1;
        }
    }
    *secs = (double)days_from_civil(y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + se + frac;
    *used = p;
    return 0;
}

int mg_parse_timestamp(const char *s, size_t len, const mg_time_zone *tz, double *epoch)
{
    double civil;
    size_t p;
    if (parse_civil(s, len, &civil, &p) != 0)
        return -1;
    if (p == len) {
        /* No zone: a date, or a date and time, on an unknown clock. */
        if (!tz || !tz->set)
            return MG_TIME_NO_ZONE;
        *epoch = civil - tz->offset_seconds;
        return 0;
    }
    if (p == 10)
        return -1; /* a date followed by something that is not a time */
    int offset = 0;
    if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == len)
        offset = 0;
    else if (parse_offset(s + p, len - p, &offset) != 0)
        return -1;
    *epoch = civil - offset;
    return 0;
}

int mg_parse_rfc3339(const char *s, size_t len, double *epoch)
{
    return mg_parse_timestamp(s, len, NULL, epoch) == 0 ? 0 : -1;
}

int mg_time_zone_parse(const char *s, mg_time_zone *tz)
{
    int seconds = 0;
    if (strcmp(s, "UTC") != 0 && strcmp(s, "Z") != 0 && parse_offset(s, strlen(s), &seconds) != 0)
        return -1;
    tz->set = 1;
    tz->offset_seconds = seconds;
    return 0;
}

size_t mg_utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int text_is_integer(const char *s, size_t len, double *out)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    if (i == len)
        return -1;
    for (size_t j = i; j < len; j++)
        if (!isdigit((unsigned char)s[j]))
            return -1;
    if (len - i <= 15) {
        /* Exact in a double: no need for strtod. */
        double v = 0;
        for (size_t j = i; j < len; j++)
            v = v * 10 + (s[j] - '0');
        *out = s[0] == '-' ? -v : v;
        return 0;
    }
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end != s + len)
        return -1;
    *out = v;
    return 0;
}

static int text_is_boolean(const char *s, size_t len, double *out)
{
    static const char *const yes[] = {"true", "1", "yes", "t", "y"};
    static const char *const no[] = {"false", "0", "no", "f", "n"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strlen(yes[i]) == len && strncasecmp(s, yes[i], len) == 0) {
            *out = 1;
            return 0;
        }
        if (strlen(no[i]) == len && strncasecmp(s, no[i], len) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int mg_value_as_type(const mg_value *v, mg_field_type type, double *num, const char **expected)
{
    double d = 0;
    switch (type) {
    case MG_TYPE_ANY:
        *num = 0;
        return 0;
    case MG_TYPE_STRING:
        *expected = "a string";
        if (v->kind != MG_VALUE_TEXT)
            return -1;
        *num = 0;
        return 0;
    case MG_TYPE_NUMBER:
        *expected = "a finite number";
        if (v->kind == MG_VALUE_BOOL || mg_value_to_double(v, &d) != 0 || !isfinite(d))
            return -1;
        *num = d;
        return 0;
    case MG_TYPE_INTEGER:
        *expected = "an integer";
        if (v->kind == MG_VALUE_NUMBER) {
            if (!isfinite(v->num) || floor(v->num) != v->num)
                return -1;
            *num = v->num;
            return 0;
        }
        if (v->kind != MG_VALUE_TEXT || text_is_integer(v->text, v->len, &d) != 0)
            return -1;
        *num = d;
        return 0;
    case MG_TYPE_BOOLEAN:
        *expected = "a boolean (true/false, 1/0, yes/no)";
        if (v->kind == MG_VALUE_BOOL) {
            *num = v->num;
            return 0;
        }
        if (v->kind != MG_VALUE_TEXT || text_is_boolean(v->text, v->len, &d) != 0)
            return -1;
        *num = d;
        return 0;
    case MG_TYPE_TIMESTAMP:
        return mg_value_as_timestamp(v, NULL, num, expected);
    }
    return -1;
}

int mg_value_as_timestamp(const mg_value *v, const mg_time_zone *tz, double *epoch, const char **expected)
{
    int zoned = tz && tz->set;
    *expected = zoned ? "an RFC 3339 time, 'YYYY-MM-DD HH:MM:SS[.fff]' or 'YYYY-MM-DD' (in the "
                        "spec's time_zone), or epoch seconds"
                      : "an RFC 3339 time such as '2024-05-01T12:00:00Z', or epoch seconds";
    double d;
    if (v->kind == MG_VALUE_NUMBER) {
        if (!isfinite(v->num))
            return -1;
        *epoch = v->num;
        return 0;
    }
    if (v->kind != MG_VALUE_TEXT)
        return -1;
    int rc = mg_parse_timestamp(v->text, v->len, tz, &d);
    if (rc == 0 || (rc == -1 && mg_value_to_double(v, &d) == 0 && isfinite(d))) {
        *epoch = d;
        return 0;
    }
    if (rc == MG_TIME_NO_ZONE)
        *expected = "an RFC 3339 time with a timezone such as '2024-05-01T12:00:00Z', or epoch seconds "
                    "(add a timezone, or set \"time_zone\")";
    return -1;
}

int mg_value_as_field(const mg_value *v, const mg_field_spec *fs, double *num, const char **expected)
{
    if (fs->type == MG_TYPE_TIMESTAMP)
        return mg_value_as_timestamp(v, &fs->time_zone, num, expected);
    return mg_value_as_type(v, fs->type, num, expected);
}
