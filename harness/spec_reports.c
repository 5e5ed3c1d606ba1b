/*
 * spec_reports.c - the gate spec's "reports" section (report paths, examples
 * per check, the JUnit prefix, annotations) and its "baseline" file.
 */
#include "harness/spec_loader.h"

#include <string.h>

#include "common/json_kind.h"
#include "common/xmem.h"

void load_reports(loader *L, mg_spec *s, const json_t *reports)
{
    static const char *const keys[] = {"junit", "json", "summary", "html", "examples", "junit_prefix",
                                       "annotations", NULL};
    if (!enter_object(L, "reports", reports, "an object", keys))
        return;
    const char *p = NULL;
    if (get_string(L, reports, "junit", &p) == 1)
        s->junit_path = resolve_member(L, s, "junit", p);
    p = NULL;
    if (get_string(L, reports, "json", &p) == 1)
        s->json_path = resolve_member(L, s, "json", p);
    p = NULL;
    if (get_string(L, reports, "summary", &p) == 1)
        s->summary_path = resolve_member(L, s, "summary", p);
    p = NULL;
    if (get_string(L, reports, "html", &p) == 1)
        s->html_path = resolve_member(L, s, "html", p);
    uint64_t ex;
    if (get_count(L, reports, "examples", &ex) == 1)
        s->examples = ex > 1000 ? 1000 : (size_t)ex;
    /* junit_prefix "" is allowed: it gives the bare "mgate.GROUP" classnames. */
    const json_t *prefix = json_object_get(reports, "junit_prefix");
    p = NULL;
    if (json_is_string(prefix) && json_string_length(prefix) == 0)
        s->junit_prefix = mg_xstrdup("");
    else if (get_string(L, reports, "junit_prefix", &p) == 1)
        s->junit_prefix = mg_xstrdup(p);
    if (get_count(L, reports, "annotations", &ex) == 1)
        s->annotations = ex > 1000 ? 1000 : (size_t)ex;
    pop(L);
}

void load_baseline(loader *L, mg_spec *s, const json_t *b)
{
    static const char *const keys[] = {"path", "on_mismatch", NULL};
    push_key(L, "baseline");
    if (json_is_string(b)) {
        s->baseline_path = resolve_member(L, s, NULL, json_string_value(b));
    } else if (json_is_object(b)) {
        check_keys(L, b, keys, "baseline");
        const char *p = NULL;
        if (get_string(L, b, "path", &p) == 1)
            s->baseline_path = resolve_member(L, s, "path", p);
        else if (!json_object_get(b, "path"))
            errorf(L, 0, "missing \"path\": the baseline file written by 'mgate baseline'");
        const char *m = NULL;
        if (get_string(L, b, "on_mismatch", &m) == 1) {
            if (strcmp(m, "warn") == 0)
                s->baseline_mismatch_warns = 1;
            else if (strcmp(m, "error") != 0) {
                push_key(L, "on_mismatch");
                errorf(L, 0, "expected \"error\" or \"warn\", found '%s'", m);
                pop(L);
            }
        }
    } else {
        errorf(L, 0, "expected a baseline path or {\"path\": ..., \"on_mismatch\": \"error\"|\"warn\"}, found %s",
               mg_json_kind(b));
    }
    pop(L);
}
