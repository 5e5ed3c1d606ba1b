#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mg_error_set(mg_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void mg_error_prefix(mg_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[MG_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[MG_ERROR_MAX];
    memcpy(old, err->msg, sizeof old);
    /* Truncation is acceptable: the message stays NUL-terminated. */
    size_t n = strlen(prefix);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t room = sizeof err->msg - n - 2;
    size_t olen = strnlen(old, room - 1);
    memcpy(err->msg + n + 2, old, olen);
    err->msg[n + 2 + olen] = '\0';
}
