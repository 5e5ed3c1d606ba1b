/*
 * spec_loader.h - private to the gate spec loader (harness/spec*.c): the
 * loader's state, its positioned errors and kind-checking getters, and the
 * section loaders, one file each:
 *   spec.c          reading the file, ${VAR} and --set, the top level, freeing
 *   spec_data.c     data, schema, limits
 *   spec_checks.c   checks (validated against the check table) and the task
 *   spec_model.c    model and baseline_model
 *   spec_reports.c  reports and baseline
 * Nothing here prints: errors go to the loader's mg_spec_errors.
 */
#ifndef MG_HARNESS_SPEC_LOADER_H
#define MG_HARNESS_SPEC_LOADER_H

#include <jansson.h>
#include <stdint.h>

#include "common/json_locate.h"
#include "harness/spec.h"
#include "harness/spec_set.h"

/* Loader state: the text (for positions), the current path, the errors. */
typedef struct loader {
    const char *file;
    const char *text;
    size_t len;
    mg_json_path path;
    mg_spec_errors *errs;
    const mg_spec_set *sets; /* --set changes made to the tree (docs/overrides.md) */
    size_t nsets;
} loader;

/* The path to the value being read: push a member or an element before
 * reading it, pop after. */
void push_key(loader *L, const char *key);
void push_index(loader *L, size_t index);
void pop(loader *L);

/* The --set whose value holds the path p (the last such, as it wins), or
 * NULL when p's value came from the spec file. */
const mg_spec_set *set_holding(const loader *L, const mg_json_path *p);

/* Reports an error at the current path (at its key when at_key): at its
 * FILE:LINE:COL, or naming the --set argument the value came from. */
void errorf(loader *L, int at_key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "FILE:LINE:COL: path" of the current path, for errors found after
 * loading.  Returns a new string. */
char *position_now(loader *L);

/* Every key of obj must be in allowed (NULL-terminated); reports the others
 * with a suggestion.  `what` names the object in the message. */
void check_keys(loader *L, const json_t *obj, const char *const *allowed, const char *what);

/* Enters the section `key` (pushes it) when its value v is an object, and
 * reports its keys that are not in `keys` (NULL: any key).  Otherwise
 * reports "expected <expected>, found <kind>" and returns 0, nothing pushed. */
int enter_object(loader *L, const char *key, const json_t *v, const char *expected, const char *const *keys);

/* Getters: each reports a wrong kind at the member and returns -1; 0 when
 * the member is absent (out untouched), 1 when present and valid. */
int get_string(loader *L, const json_t *obj, const char *key, const char **out); /* non-empty */
int get_number(loader *L, const json_t *obj, const char *key, double *out);
int get_count(loader *L, const json_t *obj, const char *key, uint64_t *out);
int get_bool(loader *L, const json_t *obj, const char *key, int *out);
/* "time_zone": "UTC", "Z" or a fixed offset; *tz is set only when valid. */
int get_time_zone(loader *L, const json_t *obj, mg_time_zone *tz);

/* The path held by member `key` (NULL: the current value) resolved: against
 * the current folder when --set gave it, else against the spec's folder.
 * Returns a new string. */
char *resolve_member(loader *L, const mg_spec *s, const char *key, const char *rel);

/* "binary", "multiclass", "regression" -> mg_model_task; -1 otherwise. */
int parse_task(const char *name);

/* The sections.  Each reads its value of the spec into s, errors to L. */
void load_data(loader *L, mg_spec *s, const json_t *data);
void load_schema(loader *L, mg_spec *s, const json_t *schema);
void load_limits(loader *L, mg_spec *s, const json_t *limits);
void load_checks(loader *L, mg_spec *s, const json_t *checks); /* NULL: the spec lists none */
/* spec->task from data.task or the listed checks; after load_checks. */
void resolve_task(loader *L, mg_spec *s, const json_t *checks);
/* `section` is "model" or "baseline_model". */
void load_model(loader *L, mg_spec *s, const json_t *model, const char *section, mg_model_ref *ref);
void model_ref_free(mg_model_ref *ref);
void load_reports(loader *L, mg_spec *s, const json_t *reports);
void load_baseline(loader *L, mg_spec *s, const json_t *baseline);

#endif
