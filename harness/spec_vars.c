#include "harness/spec_vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/xmem.h"

static int name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

/*
 * Expands the reference starting at `ref` (which points at "${") into b.
 * Returns the number of bytes consumed, or 0 with err filled.
 */
static size_t expand_one(const char *ref, mg_var_lookup lookup, void *ctx, mg_strbuf *b, char *err,
                         size_t errsize)
{
    const char *p = ref + 2;
    const char *close = strchr(p, '}');
    if (!close) {
        snprintf(err, errsize, "unterminated '${' (write '$${' for a literal '${')");
        return 0;
    }
    size_t n = 0;
    while (name_char(p[n]))
        n++;
    if (n == 0 || !name_start(p[0]) || (p[n] != '}' && strncmp(p + n, ":-", 2) != 0)) {
        snprintf(err, errsize, "malformed reference '%.*s'; expected ${NAME} or ${NAME:-default} with NAME "
                 "a letter or '_' then letters, digits or '_'", (int)(close - ref + 1), ref);
        return 0;
    }
    char *name = mg_xstrndup(p, n);
    const char *value = lookup(name, ctx);
    if (p[n] == '}') {
        if (!value) {
            snprintf(err, errsize, "environment variable '%s' is not set (use ${%s:-default} to give a default)",
                     name, name);
            free(name);
            return 0;
        }
        mg_strbuf_add(b, value);
    } else if (value && *value) {
        mg_strbuf_add(b, value);
    } else {
        const char *def = p + n + 2;
        mg_strbuf_addn(b, def, (size_t)(close - def));
    }
    free(name);
    return (size_t)(close - ref + 1);
}

char *mg_vars_expand(const char *in, mg_var_lookup lookup, void *ctx, char *err, size_t errsize)
{
    mg_strbuf b = {0};
    mg_strbuf_add(&b, "");
    const char *p = in;
    while (*p) {
        if (strncmp(p, "$${", 3) == 0) {
            mg_strbuf_add(&b, "${");
            p += 3;
        } else if (strncmp(p, "${", 2) == 0) {
            size_t used = expand_one(p, lookup, ctx, &b, err, errsize);
            if (used == 0) {
                free(b.s);
                return NULL;
            }
            p += used;
        } else {
            mg_strbuf_addc(&b, *p++);
        }
    }
    return b.s;
}

int mg_vars_present(const char *in)
{
    return strstr(in, "${") != NULL;
}
