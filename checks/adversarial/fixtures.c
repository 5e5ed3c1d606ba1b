/*
 * fixtures.c - the `fixtures` check: scores every fixture case (JSON
 * Lines, see checks/adversarial/fixture_cases.h) with the gate's model and fails on any
 * case whose output differs from its expectation, with a diff per case.
 * Cases are written by hand or with `mgate fixture add|update`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/fixture_cases.h"
#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "path", .kind = MG_OPT_STRING, .required = 1,
     .help = "a case file, or a folder of *.jsonl case files, relative to the spec"},
    {.key = "tolerance", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(1e-6),
     .help = "the default allowed difference of a score"},
    {.key = "threshold", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.5),
     .help = "binary decision threshold for an expected label"},
    {.key = NULL},
};

static int fx_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "path";
    if (!json_is_string(json_object_get(o, "path"))) {
        if (!json_object_get(o, "path")) {
            snprintf(msg, size, "missing \"path\": a case file or folder of *.jsonl cases, e.g. \"cases/\"");
            return -1;
        }
    }
    const json_t *t = json_object_get(o, "tolerance");
    if (json_is_number(t) && !(json_number_value(t) >= 0)) {
        *key = "tolerance";
        snprintf(msg, size, "expected a number >= 0");
        return -1;
    }
    return 0;
}

/* The case path of a fixtures check, resolved against the spec folder.
 * Returns a new string. */
char *adv_fixtures_path(const json_t *options, const char *spec_dir)
{
    const char *p = json_string_value(json_object_get(options, "path"));
    if (!p)
        p = "cases";
    if (p[0] == '/' || !spec_dir || !spec_dir[0])
        return mg_xstrdup(p);
    return mg_xasprintf("%s/%s", spec_dir, p);
}

static void fx_finish(mg_check *c)
{
    mg_result *res = c->result;
    if (!c->env->model) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "fixture cases need a model to score them (the gate has only a prediction column)");
        return;
    }
    char *path = adv_fixtures_path(c->options, c->env->spec_dir);
    double tol = mg_check_opt_number(c, "tolerance");
    double threshold = mg_check_opt_number(c, "threshold");
    adv_cases cs;
    mg_error err = {{0}};
    adv_case_model cm;
    memset(&cm, 0, sizeof cm);
    if (adv_cases_load(&cs, path, &err) != 0 || adv_case_model_init(&cm, c->env->model, c->env->feature_columns, &err) != 0) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s", err.msg);
        adv_cases_free(&cs);
        free(path);
        return;
    }
    uint64_t ncases = 0, bad = 0;
    char diff[1024];
    for (size_t i = 0; i < cs.n; i++) {
        const adv_case *k = &cs.c[i];
        if (!k->obj)
            continue;
        ncases++;
        adv_case_result r;
        adv_case_score(&cm, json_object_get(k->obj, "input"), &r);
        if (adv_case_compare(&cm, json_object_get(k->obj, "expect"), &r, tol, threshold, diff, sizeof diff) == 0)
            continue;
        bad++;
        if (res->nexamples < c->env->examples)
            mg_result_example_at(res, c->env->examples, k->file, k->line, "%s:%lu: case '%s': %s", k->file, k->line,
                                 k->id, diff);
        else
            res->examples_total++;
    }
    adv_judge(c, bad, ncases, "fixture cases that differ from their expectation", "cases");
    mg_result_prop_number(res, "cases", (double)ncases);
    mg_result_prop_number(res, "files", (double)cs.nfiles);
    mg_result_prop_number(res, "tolerance", tol);
    mg_result_prop_text(res, "path", path);
    if (ncases == 0) {
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "no fixture cases in '%s'; add some with 'mgate fixture add'", path);
    }
    adv_case_model_free(&cm);
    adv_cases_free(&cs);
    free(path);
}

/* Sharded runs: the check reads no data rows (its cases are scored at
 * finish, by the merge, which loads the model), so a shard has nothing to
 * keep: its state is an empty object. */
static json_t *fx_save(const mg_check *c)
{
    (void)c;
    return json_object();
}

static int fx_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    (void)c;
    if (!json_is_object(state) || json_object_size(state) != 0)
        return snprintf(msg, size, "expected an empty object (the fixtures check keeps no state)"), -1;
    return 0;
}

const mg_check_def mg_check_fixtures = {
    .name = "fixtures", .group = "fixtures", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "every fixture case (JSON Lines) scores as it expects, with a diff per case",
    .validate = fx_validate, .finish = fx_finish, .save = fx_save, .merge = fx_merge,
};
