#include "common/strbuf.h"

#include <string.h>

#include "common/xmem.h"

void mg_strbuf_addn(mg_strbuf *b, const char *s, size_t n)
{
    b->s = mg_xgrow(b->s, &b->cap, b->len + n + 1, 1);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void mg_strbuf_add(mg_strbuf *b, const char *s)
{
    mg_strbuf_addn(b, s, strlen(s));
}

void mg_strbuf_addc(mg_strbuf *b, char c)
{
    mg_strbuf_addn(b, &c, 1);
}
