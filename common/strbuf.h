/*
 * strbuf.h - a growable NUL-terminated string.  Zero-initialise, append,
 * take `s` (the caller frees it).
 */
#ifndef MG_COMMON_STRBUF_H
#define MG_COMMON_STRBUF_H

#include <stddef.h>

typedef struct mg_strbuf {
    char *s;    /* NULL until something is appended */
    size_t len, cap;
} mg_strbuf;

void mg_strbuf_addn(mg_strbuf *b, const char *s, size_t n);
void mg_strbuf_add(mg_strbuf *b, const char *s);
void mg_strbuf_addc(mg_strbuf *b, char c);

#endif
