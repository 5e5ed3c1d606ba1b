/*
 * spec_set.h - `--set KEY.PATH=VALUE`: one change to the parsed gate spec,
 * made before the spec is validated (docs/overrides.md).
 *
 * KEY.PATH is object keys joined by '.', with `[N]` for an element of a
 * list (`checks[2].min`).  VALUE is parsed as JSON when it is valid JSON
 * (3, true, null, [..], {..}, "quoted"), else taken as a string.
 */
#ifndef MG_HARNESS_SPEC_SET_H
#define MG_HARNESS_SPEC_SET_H

#include <jansson.h>
#include <stddef.h>

#include "common/json_locate.h"

typedef struct mg_spec_set {
    char *arg;           /* "model.path=build/m.json", as given */
    mg_json_path path;   /* keys point into keys_buf */
    char *keys_buf;      /* private: the path's keys, NUL-separated */
    json_t *value;       /* new reference */
} mg_spec_set;

/*
 * Parses one --set argument into set.  Returns 0, or -1 with a reason in
 * err (a missing '=', an empty key, a bad `[N]`, a path deeper than
 * MG_JSON_PATH_MAX).  Free with mg_spec_set_free either way.
 */
int mg_spec_set_parse(const char *arg, mg_spec_set *set, char *err, size_t errsize);
void mg_spec_set_free(mg_spec_set *set);

/*
 * Puts set's value at its path in root (an object).  Missing objects on the
 * way are created; a "model", "baseline_model" or "baseline" given as a
 * path string becomes {"path": string} when a key is set in it (so
 * `model.path` and `model.format` work either way); a list index must
 * exist.  Returns 0, or -1 with a reason in err.
 */
int mg_spec_set_apply(json_t *root, const mg_spec_set *set, char *err, size_t errsize);

#endif
