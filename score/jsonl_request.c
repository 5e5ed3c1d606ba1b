/*
 * jsonl_request.c - the JSON Lines scorer protocol's request (see
 * jsonl_request.h).
 */
#include "score/jsonl_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmem.h"

/* Appends len bytes of s and a newline to *text. */
static void add_line(char **text, size_t *cap, size_t *used, const char *s, size_t len)
{
    *text = mg_xgrow(*text, cap, *used + len + 2, 1);
    memcpy(*text + *used, s, len);
    *used += len;
    (*text)[(*used)++] = '\n';
}

char *mg_jsonl_request(size_t n, const unsigned long *ids, json_t *const *features, size_t *len)
{
    size_t cap = 0, used = 0;
    char *text = NULL;
    char head[64];
    int hl = snprintf(head, sizeof head, "{\"batch\": %zu}", n);
    add_line(&text, &cap, &used, head, (size_t)hl);
    for (size_t r = 0; r < n; r++) {
        json_t *line = json_pack("{s:I, s:o}", "id", (json_int_t)ids[r], "features", features[r]);
        char *s = line ? json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        json_decref(line);
        if (!s) /* only out of memory */
            s = mg_xstrdup("{}");
        add_line(&text, &cap, &used, s, strlen(s));
        free(s);
    }
    text[used] = '\0';
    *len = used;
    return text;
}
