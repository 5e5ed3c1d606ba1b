/*
 * json_locate.h - where a value sits in a JSON text.
 *
 * jansson reports positions for syntax errors only; a loaded tree forgets
 * where its nodes came from.  To point at a misspelt key or a bad value in a
 * gate spec, we walk the original text again along the value's path, letting
 * jansson parse every key and every skipped value (JSON_DISABLE_EOF_CHECK
 * tells how many bytes each took); this file only steps over whitespace and
 * the ':' and ',' separators between them.
 */
#ifndef MG_COMMON_JSON_LOCATE_H
#define MG_COMMON_JSON_LOCATE_H

#include <stddef.h>

#define MG_JSON_PATH_MAX 8

/* A path from the root: each step is an object key or an array index. */
typedef struct mg_json_path {
    size_t depth;
    struct {
        const char *key; /* NULL for an array step */
        size_t index;
    } step[MG_JSON_PATH_MAX];
} mg_json_path;

/*
 * Finds the 1-based line and column (in bytes) of the value at `path` in
 * text, or of its key when `at_key` is set and the last step is a key.
 * Returns 0, or -1 when the path cannot be followed (then line/col are those
 * of the deepest value reached).
 */
int mg_json_locate(const char *text, size_t len, const mg_json_path *path, int at_key,
                   int *line, int *col);

/* Renders the path as `checks[2].max_rate` into buf. */
void mg_json_path_format(const mg_json_path *path, char *buf, size_t size);

#endif
