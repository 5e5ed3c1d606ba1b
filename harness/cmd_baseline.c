/*
 * cmd_baseline.c - `mgate baseline GATE.json [-o FILE]`: computes every
 * metric that applies to the model's task on the gate's data and writes them
 * as a baseline, with the facts that make them reproducible, to be committed
 * when a model is promoted.  A gate that names the baseline then gates on
 * drops from it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_file.h"
#include "common/sha256.h"
#include "common/version.h"
#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "harness/runner.h"
#include "harness/spec.h"
#include "score/http.h"

enum { BASELINE_OUTPUT, BASELINE_SET };

static const mg_option baseline_options[] = {
    [BASELINE_OUTPUT] = {"output", 'o', "FILE", "the baseline to write (default: the spec's \"baseline\")", 0,
                         "a file name", "baseline.json", NULL},
    [BASELINE_SET] = CMD_SET_OPTION("change the spec before it is validated, as for\n"
                                    "'mgate run' (repeatable)"),
    {0},
};

const mg_cli cmd_baseline_cli = {
    "baseline", "GATE.json", baseline_options,
    "Scores the gate's data with its model (or reads data.prediction) and\n"
    "writes every metric of the task to FILE (default: the spec's \"baseline\")\n"
    "as {\"metrics\": {...}, \"facts\": {...}}.  The existing FILE is not read\n"
    "for the run: it may be absent or computed on other data.\n"
    "Facts: data and model sha256, rows, task, mgate version.  When FILE exists,\n"
    "the metrics that change are printed before it is replaced.  --set and\n"
    "${NAME} in the spec work as for 'mgate run'; the facts record them.\n",
};

const char cmd_baseline_after[] = "exit status: 0 written, 2 usage, spec or input error, 3 internal error.\n";

static void print_changes(const char *path, const json_t *metrics)
{
    json_t *old = json_load_file(path, 0, NULL);
    const json_t *om = old ? json_object_get(old, "metrics") : NULL;
    if (!json_is_object(om)) {
        json_decref(old);
        return;
    }
    printf("replacing %s:\n", path);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)metrics, key, v) {
        const json_t *o = json_object_get(om, key);
        if (!json_is_number(o))
            printf("  %-20s (new) %.6g\n", key, json_number_value(v));
        else if (json_number_value(o) != json_number_value(v))
            printf("  %-20s %.6g -> %.6g\n", key, json_number_value(o), json_number_value(v));
    }
    json_decref(old);
}

static json_t *baseline_json(const mg_spec *spec, const mg_report *r, const mg_result *all)
{
    json_t *metrics = json_object();
    json_t *confusion = json_object();
    for (size_t i = 0; i < all->nprops; i++) {
        const mg_prop *p = &all->props[i];
        if (!p->is_number)
            continue;
        if (strncmp(p->key, "metric.", 7) == 0)
            json_object_set_new(metrics, p->key + 7, json_real(p->number));
        else if (strncmp(p->key, "confusion.", 10) == 0)
            json_object_set_new(confusion, p->key + 10, json_integer((json_int_t)p->number));
    }
    json_t *facts = json_object();
    json_object_set_new(facts, "gate", json_string(spec->name));
    json_object_set_new(facts, "data_path", json_string(spec->data_path));
    json_object_set_new(facts, "data_sha256", json_string(r->facts.data_sha256 ? r->facts.data_sha256 : ""));
    json_object_set_new(facts, "rows", json_integer((json_int_t)r->facts.rows_read));
    const mg_prop *n = mg_result_prop(all, "n");
    json_object_set_new(facts, "rows_scored", json_integer(n ? (json_int_t)n->number : 0));
    const mg_prop *task = mg_result_prop(all, "task");
    json_object_set_new(facts, "task", json_string(task && !task->is_number ? task->text : ""));
    if (spec->model.path) {
        char hex[65];
        json_object_set_new(facts, "model_path", json_string(spec->model.path));
        if (mg_sha256_file(spec->model.path, hex, NULL) == 0)
            json_object_set_new(facts, "model_sha256", json_string(hex));
    } else if (spec->model.command) {
        json_t *argv = json_array();
        for (size_t i = 0; spec->model.command[i]; i++)
            json_array_append_new(argv, json_string(spec->model.command[i]));
        json_object_set_new(facts, "model_command", argv);
    } else if (spec->model.http) {
        json_object_set_new(facts, "model_url", json_string(spec->model.http->url));
    } else {
        json_object_set_new(facts, "prediction_column", json_string(spec->roles[MG_ROLE_PREDICTION]));
    }
    /* Baseline metrics involve no randomness; the seed is recorded for the
     * procedures that do (bootstrap intervals) as null here. */
    json_object_set_new(facts, "seed", json_null());
    json_object_set_new(facts, "mgate_version", json_string(MGATE_VERSION));
    if (spec->noverrides > 0) {
        json_t *sets = json_array();
        for (size_t i = 0; i < spec->noverrides; i++)
            json_array_append_new(sets, json_string(spec->overrides[i]));
        json_object_set_new(facts, "overrides", sets);
    }
    if (spec->nvariables > 0) {
        json_t *vars = json_array();
        for (size_t i = 0; i < spec->nvariables; i++)
            json_array_append_new(vars, json_string(spec->variables[i]));
        json_object_set_new(facts, "variables", vars);
    }
    json_object_set_new(facts, "created_at", json_string(r->facts.started_at));
    json_t *root = json_object();
    json_object_set_new(root, "metrics", metrics);
    if (json_object_size(confusion))
        json_object_set_new(root, "confusion", confusion);
    else
        json_decref(confusion);
    json_object_set_new(root, "facts", facts);
    return root;
}

/* Writes the baseline atomically: a failed write leaves the old file.
 * Returns 0, or -1 after printing why. */
static int write_baseline(const char *out, const json_t *root)
{
    mg_error err = {{0}};
    mg_atomic_file af;
    if (mg_atomic_open(&af, out, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    if (json_dumpf(root, af.fp, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) != 0 ||
        fputc('\n', af.fp) == EOF) {
        mg_atomic_abort(&af);
        fprintf(stderr, "mgate: error: '%s': writing failed\n", out);
        return -1;
    }
    if (mg_atomic_commit(&af, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

int cmd_baseline(int argc, char **argv)
{
    mg_args args;
    if (mg_args_parse(&cmd_baseline_cli, argc, argv, &args) != 0 || cmd_one_spec(&cmd_baseline_cli, &args) != 0) {
        mg_args_free(&args);
        return MG_EXIT_USAGE;
    }
    const char *spec_path = args.operands[0], *out = mg_args_value(&args, BASELINE_OUTPUT);
    mg_spec *spec = cmd_load_spec(spec_path, &args, BASELINE_SET, 0);
    mg_args_free(&args);
    if (!spec)
        return MG_EXIT_USAGE;
    int status = MG_EXIT_USAGE;
    char *default_out = NULL;
    mg_report *r = NULL;
    json_t *root = NULL;
    if (!spec->roles[MG_ROLE_LABEL] || (!spec->model.path && !spec->model.command && !spec->model.http && !spec->roles[MG_ROLE_PREDICTION])) {
        fprintf(stderr, "mgate: error: %s: a baseline needs data.label and a model (or data.prediction)\n", spec_path);
        goto out;
    }
    if (!out && !spec->baseline_path) {
        fprintf(stderr, "mgate: error: %s names no \"baseline\" to write; give the file with '-o baseline.json'\n",
                spec_path);
        goto out;
    }
    /* The baseline being written is never read: it may not exist yet, or
     * hold figures from other data (which is why it is being rewritten). */
    if (!out)
        out = default_out = spec->baseline_path;
    else
        free(spec->baseline_path);
    spec->baseline_path = NULL;
    mg_spec_only_check(spec, "all_metrics");
    r = mg_report_new();
    mg_error err = {{0}};
    if (mg_run_gate(spec, r, &err) != MG_RUN_JUDGED) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        goto out;
    }
    const mg_result *all = NULL;
    for (size_t i = 0; i < r->nresults; i++)
        if (strcmp(r->results[i]->check, "all_metrics") == 0)
            all = r->results[i];
    if (!all || all->status != MG_STATUS_PASS) {
        fprintf(stderr, "mgate: error: no metrics computed: %s\n", all && all->message ? all->message : "no rows");
        for (size_t j = 0; all && j < all->nexamples; j++)
            fprintf(stderr, "  %s\n", all->examples[j]);
        goto out;
    }
    const mg_prop *bad = mg_result_prop(all, "unusable_rows");
    if (bad && bad->number > 0)
        fprintf(stderr, "mgate: warning: %.0f rows had no usable label or score and are not in the baseline (%s)\n",
                bad->number, all->message);
    root = baseline_json(spec, r, all);
    print_changes(out, json_object_get(root, "metrics"));
    if (write_baseline(out, root) != 0) {
        status = MG_EXIT_INTERNAL;
        goto out;
    }
    printf("baseline: %zu metrics on %llu rows written to %s\n",
           json_object_size(json_object_get(root, "metrics")), (unsigned long long)r->facts.rows_read, out);
    status = MG_EXIT_PASS;
out:
    json_decref(root);
    mg_report_free(r);
    free(default_out);
    mg_spec_free(spec);
    return status;
}
