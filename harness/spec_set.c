#include "harness/spec_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"

static int add_step(mg_spec_set *set, const char *key, size_t index, char *err, size_t errsize)
{
    if (set->path.depth >= MG_JSON_PATH_MAX) {
        snprintf(err, errsize, "the key path is more than %d steps deep", MG_JSON_PATH_MAX);
        return -1;
    }
    set->path.step[set->path.depth].key = key;
    set->path.step[set->path.depth].index = index;
    set->path.depth++;
    return 0;
}

/* Splits keys_buf ("a.b[2].c", modified in place) into path steps. */
static int parse_path(mg_spec_set *set, char *err, size_t errsize)
{
    char *p = set->keys_buf;
    for (;;) {
        char *key = p;
        p += strcspn(p, ".[");
        char sep = *p;
        if (p == key) {
            snprintf(err, errsize, "empty key in the key path; expected e.g. 'model.path' or 'checks[2].min'");
            return -1;
        }
        *p = '\0';
        if (add_step(set, key, 0, err, errsize) != 0)
            return -1;
        while (sep == '[') {
            char *end = NULL;
            unsigned long long n = strtoull(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || p[1] == '-' || p[1] == '+') {
                snprintf(err, errsize, "expected a list index like '[2]' after '%s'", key);
                return -1;
            }
            if (add_step(set, NULL, (size_t)n, err, errsize) != 0)
                return -1;
            p = end + 1;
            sep = *p;
            if (sep != '\0' && sep != '.' && sep != '[') {
                snprintf(err, errsize, "expected '.' or '=' after '[%llu]'", n);
                return -1;
            }
        }
        if (sep == '\0')
            return 0;
        p++; /* past '.' */
    }
}

int mg_spec_set_parse(const char *arg, mg_spec_set *set, char *err, size_t errsize)
{
    memset(set, 0, sizeof *set);
    set->arg = mg_xstrdup(arg);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        snprintf(err, errsize, "expected KEY.PATH=VALUE, e.g. --set model.path=build/model.json");
        return -1;
    }
    set->keys_buf = mg_xstrndup(arg, (size_t)(eq - arg));
    if (parse_path(set, err, errsize) != 0)
        return -1;
    const char *text = eq + 1;
    /* JSON when it parses as JSON (any value, not only arrays/objects). */
    set->value = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!set->value)
        set->value = json_string(text);
    if (!set->value) {
        snprintf(err, errsize, "the value is not valid UTF-8");
        return -1;
    }
    return 0;
}

void mg_spec_set_free(mg_spec_set *set)
{
    free(set->arg);
    free(set->keys_buf);
    json_decref(set->value);
    memset(set, 0, sizeof *set);
}

/* The top-level keys whose string value is short for {"path": value}. */
static int path_shorthand(const char *key)
{
    return !strcmp(key, "model") || !strcmp(key, "baseline_model") || !strcmp(key, "baseline");
}

/* "no element [5] in 'checks' (it has 3)" for step i of set. */
static void index_error(const json_t *node, const mg_spec_set *set, size_t i, char *err, size_t errsize)
{
    const char *list = i > 0 && set->path.step[i - 1].key ? set->path.step[i - 1].key : "the list";
    if (json_is_array(node))
        snprintf(err, errsize, "no element [%zu] in '%s' (it has %zu)", set->path.step[i].index, list,
                 json_array_size(node));
    else
        snprintf(err, errsize, "'%s' is %s, not a list", list, mg_json_kind(node));
}

/* The container for step i+1, made or converted as needed; NULL with err. */
static json_t *step_into(json_t *node, const mg_spec_set *set, size_t i, char *err, size_t errsize)
{
    const char *key = set->path.step[i].key;
    int next_is_key = set->path.step[i + 1].key != NULL;
    if (key) {
        if (!json_is_object(node)) {
            snprintf(err, errsize, "cannot set key '%s' in %s", key, mg_json_kind(node));
            return NULL;
        }
        json_t *child = json_object_get(node, key);
        if (!child && next_is_key) {
            child = json_object();
            json_object_set_new(node, key, child);
        } else if (json_is_string(child) && next_is_key && i == 0 && path_shorthand(key)) {
            /* "model": "m.json" is short for {"path": "m.json"}. */
            json_t *obj = json_pack("{sO}", "path", child);
            json_object_set_new(node, key, obj);
            child = obj;
        }
        if (!child)
            snprintf(err, errsize, "'%s' is not in the spec, so it has no element to set", key);
        return child;
    }
    size_t index = set->path.step[i].index;
    if (!json_is_array(node) || index >= json_array_size(node)) {
        index_error(node, set, i, err, errsize);
        return NULL;
    }
    return json_array_get(node, index);
}

int mg_spec_set_apply(json_t *root, const mg_spec_set *set, char *err, size_t errsize)
{
    json_t *node = root;
    size_t last = set->path.depth - 1;
    for (size_t i = 0; i < last; i++) {
        node = step_into(node, set, i, err, errsize);
        if (!node)
            return -1;
    }
    const char *key = set->path.step[last].key;
    if (key) {
        if (!json_is_object(node)) {
            snprintf(err, errsize, "cannot set key '%s' in %s", key, mg_json_kind(node));
            return -1;
        }
        json_object_set(node, key, set->value);
        return 0;
    }
    size_t index = set->path.step[last].index;
    if (!json_is_array(node) || index >= json_array_size(node)) {
        index_error(node, set, last, err, errsize);
        return -1;
    }
    json_array_set(node, index, set->value);
    return 0;
}
