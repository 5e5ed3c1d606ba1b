/*
 * spec.c - loading a gate spec: reading the file (at most
 * MG_SPEC_MAX_BYTES), parsing it, applying --set and ${VAR}, validating the
 * top level and handing each section to its loader (spec_loader.h), and
 * freeing the result.
 */
#include "harness/spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "common/json_kind.h"
#include "common/xmem.h"
#include "harness/spec_loader.h"
#include "harness/spec_vars.h"

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return mg_xstrdup(".");
    if (slash == path)
        return mg_xstrdup("/");
    return mg_xstrndup(path, (size_t)(slash - path));
}

char *mg_spec_resolve(const mg_spec *spec, const char *rel)
{
    if (rel[0] == '/' || strcmp(spec->dir, ".") == 0)
        return mg_xstrdup(rel);
    return mg_xasprintf("%s/%s", spec->dir, rel);
}

static void add_error(mg_spec_errors *errs, char *msg)
{
    errs->msg[errs->count++] = msg;
    errs->total++;
}

/*
 * Reads the whole spec into a new NUL-terminated buffer.  A regular file's
 * size is known first, so the buffer is what it needs and an oversize spec
 * is refused unread; a pipe or FIFO grows the buffer as it is read, up to
 * the same maximum.
 */
static char *read_file(const char *path, size_t *len, mg_spec_errors *errs)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        add_error(errs, mg_xasprintf("%s: cannot open the gate spec: %s", path, strerror(errno)));
        return NULL;
    }
    struct stat st;
    int regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && (uintmax_t)st.st_size > MG_SPEC_MAX_BYTES) {
        fclose(fp);
        add_error(errs, mg_xasprintf("%s: the spec is %jd bytes, more than the %u MiB maximum", path,
                                     (intmax_t)st.st_size, MG_SPEC_MAX_BYTES >> 20));
        return NULL;
    }
    /* +1: a regular file that grew since fstat is still read to its end. */
    size_t cap = regular ? (size_t)st.st_size + 1 : 4096, n = 0;
    char *buf = mg_xmalloc(cap + 1);
    for (;;) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap || n > MG_SPEC_MAX_BYTES)
            break;
        cap = cap * 2 > MG_SPEC_MAX_BYTES + 1 ? MG_SPEC_MAX_BYTES + 1 : cap * 2;
        buf = mg_xrealloc(buf, cap + 1);
    }
    int bad = ferror(fp);
    int read_errno = errno;
    fclose(fp);
    if (bad || n > MG_SPEC_MAX_BYTES) {
        free(buf);
        if (bad)
            add_error(errs, mg_xasprintf("%s: cannot read the gate spec: %s", path, strerror(read_errno)));
        else
            add_error(errs, mg_xasprintf("%s: the spec is more than the %u MiB maximum", path,
                                         MG_SPEC_MAX_BYTES >> 20));
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void mg_limits_defaults(mg_limits *limits)
{
    memset(limits, 0, sizeof *limits);
    limits->max_field_bytes = 1u << 20;
    limits->max_row_bytes = 16u << 20;
    limits->max_columns = 10000;
    limits->min_rows = 1; /* a gate over no data must not pass */
}

/* Environment lookup for the expander; records each name used once. */
static const char *env_lookup(const char *name, void *ctx)
{
    mg_spec *s = ctx;
    for (size_t i = 0; i < s->nvariables; i++)
        if (strcmp(s->variables[i], name) == 0)
            return getenv(name);
    s->variables = mg_xrealloc(s->variables, (s->nvariables + 1) * sizeof *s->variables);
    s->variables[s->nvariables++] = mg_xstrdup(name);
    return getenv(name);
}

/* Expands ${NAME} in every string value under v (keys are left alone),
 * except in values given by --set (the shell has expanded those). */
static void expand_tree(loader *L, mg_spec *s, json_t *v)
{
    mg_json_path here = L->path;
    if (here.depth > MG_JSON_PATH_MAX)
        here.depth = MG_JSON_PATH_MAX;
    if (set_holding(L, &here))
        return;
    if (json_is_string(v) && mg_vars_present(json_string_value(v))) {
        char why[300];
        char *out = mg_vars_expand(json_string_value(v), env_lookup, s, why, sizeof why);
        if (!out)
            errorf(L, 0, "%s", why);
        else if (json_string_set(v, out) != 0)
            errorf(L, 0, "the expanded value is not valid UTF-8");
        free(out);
    } else if (json_is_object(v)) {
        const char *key;
        json_t *member;
        json_object_foreach(v, key, member) {
            push_key(L, key);
            expand_tree(L, s, member);
            pop(L);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            push_index(L, i);
            expand_tree(L, s, json_array_get(v, i));
            pop(L);
        }
    }
}

/* Parses and applies the --set arguments to s->root; keeps them in L for
 * error positions and in s->overrides for the reports.  Returns 0 or -1. */
static int apply_sets(loader *L, mg_spec *s, const char *const *args, size_t nargs, mg_spec_set *sets)
{
    int bad = 0;
    for (size_t i = 0; i < nargs; i++) {
        char why[300];
        if (mg_spec_set_parse(args[i], &sets[i], why, sizeof why) != 0 ||
            mg_spec_set_apply(s->root, &sets[i], why, sizeof why) != 0) {
            L->errs->total++;
            if (L->errs->count < MG_SPEC_MAX_ERRORS)
                L->errs->msg[L->errs->count++] = mg_xasprintf("--set %s: %s", args[i], why);
            bad = 1;
        }
    }
    s->overrides = mg_xcalloc(nargs + 1, sizeof *s->overrides);
    for (size_t i = 0; i < nargs; i++)
        s->overrides[i] = mg_xstrdup(args[i]);
    s->noverrides = nargs;
    L->sets = sets;
    L->nsets = nargs;
    return bad ? -1 : 0;
}

static void load_root(loader *L, mg_spec *s, const json_t *root);

mg_spec *mg_spec_load(const char *path, mg_spec_errors *errs)
{
    return mg_spec_load_with(path, NULL, 0, errs);
}

mg_spec *mg_spec_load_with(const char *path, const char *const *set_args, size_t nsets, mg_spec_errors *errs)
{
    memset(errs, 0, sizeof *errs);
    size_t len = 0;
    char *text = read_file(path, &len, errs);
    if (!text)
        return NULL;
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        errs->msg[errs->count++] = mg_xasprintf("%s:%d:%d: not valid JSON: %s", path,
                                                jerr.line < 1 ? 1 : jerr.line,
                                                jerr.column < 1 ? 1 : jerr.column, jerr.text);
        errs->total++;
        free(text);
        return NULL;
    }
    mg_spec *s = mg_xcalloc(1, sizeof *s);
    s->path = mg_xstrdup(path);
    s->dir = dir_of(path);
    s->root = root;
    s->examples = 5;
    s->annotations = 10;
    mg_limits_defaults(&s->limits);
    s->task = -1;
    loader L = {path, text, len, {0, {{0}}}, errs, NULL, 0};
    mg_spec_set *sets = mg_xcalloc(nsets + 1, sizeof *sets);
    if (json_is_object(root) && apply_sets(&L, s, set_args, nsets, sets) == 0)
        expand_tree(&L, s, root);
    if (errs->total == 0)
        load_root(&L, s, root);
    for (size_t i = 0; i < nsets; i++)
        mg_spec_set_free(&sets[i]);
    free(sets);
    free(text);
    if (errs->total > 0) {
        mg_spec_free(s);
        return NULL;
    }
    return s;
}

/* Validates the (expanded, --set) tree into s; errors go to L. */
static void load_root(loader *L, mg_spec *s, const json_t *root)
{
    const char *path = L->file;
    if (!json_is_object(root)) {
        errorf(L, 0, "expected the gate spec to be an object, found %s", mg_json_kind(root));
    } else {
        static const char *const keys[] = {"name", "description", "data", "schema", "limits", "checks",
                                           "reports", "model", "baseline_model", "baseline", NULL};
        check_keys(L, root, keys, "the gate spec");
        const char *name = NULL;
        get_string(L, root, "name", &name);
        s->name = mg_xstrdup(name ? name : path);
        const json_t *desc = json_object_get(root, "description");
        if (desc && !json_is_string(desc)) {
            push_key(L, "description");
            errorf(L, 0, "expected a string, found %s", mg_json_kind(desc));
            pop(L);
        }
        const json_t *data = json_object_get(root, "data");
        if (data)
            load_data(L, s, data);
        else
            errorf(L, 0, "missing \"data\": {\"path\": \"...\"} naming the data to check");
        if (json_object_get(root, "schema"))
            load_schema(L, s, json_object_get(root, "schema"));
        if (json_object_get(root, "limits"))
            load_limits(L, s, json_object_get(root, "limits"));
        if (json_object_get(root, "model"))
            load_model(L, s, json_object_get(root, "model"), "model", &s->model);
        if (json_object_get(root, "baseline_model"))
            load_model(L, s, json_object_get(root, "baseline_model"), "baseline_model", &s->baseline_model);
        if (json_object_get(root, "baseline"))
            load_baseline(L, s, json_object_get(root, "baseline"));
        load_checks(L, s, json_object_get(root, "checks"));
        resolve_task(L, s, json_object_get(root, "checks"));
        if (json_object_get(root, "reports"))
            load_reports(L, s, json_object_get(root, "reports"));
    }
}

void mg_spec_free(mg_spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfields; i++) {
        free(s->fields[i].name);
        for (size_t j = 0; j < s->fields[i].nvalues; j++)
            free(s->fields[i].values[j]);
        free(s->fields[i].values);
    }
    free(s->fields);
    for (size_t i = 0; i < s->nchecks; i++)
        free(s->checks[i].name);
    free(s->checks);
    for (int r = 0; r < MG_ROLE_COUNT; r++)
        free(s->roles[r]);
    model_ref_free(&s->model);
    model_ref_free(&s->baseline_model);
    free(s->path);
    free(s->dir);
    free(s->name);
    free(s->data_path);
    for (size_t i = 0; i < s->ndata_entries; i++)
        free(s->data_entries[i]);
    free(s->data_entries);
    free(s->junit_path);
    free(s->json_path);
    free(s->summary_path);
    free(s->html_path);
    free(s->junit_prefix);
    free(s->baseline_path);
    free(s->positive_label);
    for (size_t i = 0; i < s->noverrides; i++)
        free(s->overrides[i]);
    free(s->overrides);
    for (size_t i = 0; i < s->nvariables; i++)
        free(s->variables[i]);
    free(s->variables);
    json_decref(s->root);
    free(s);
}

void mg_spec_errors_free(mg_spec_errors *errs)
{
    for (size_t i = 0; i < errs->count; i++)
        free(errs->msg[i]);
    memset(errs, 0, sizeof *errs);
}
