/*
 * cmd_merge.c - `mgate merge GATE.json STATE...`: judges a sharded run.
 * Reads the state every shard wrote (`mgate run --shard K/N --state F`),
 * checks that they belong together, merges them and writes the reports,
 * with the exit status of `mgate run` (run_merge.c does the merging).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/atomic_file.h"
#include "common/xmem.h"
#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "harness/run_shard.h"
#include "harness/runner.h"

enum { MERGE_JUNIT, MERGE_JSON, MERGE_SUMMARY, MERGE_HTML, MERGE_QUIET, MERGE_SET, MERGE_ANNOTATIONS };

static const mg_option merge_options[] = {
    [MERGE_JUNIT] = {"junit", 0, "FILE", "JUnit XML report (for Jenkins, GitHub Actions, GitLab)", MG_OPT_NONEMPTY,
                     "a file name", "reports/mgate.xml", NULL},
    [MERGE_JSON] = {"json", 0, "FILE", "JSON report (for machines)", MG_OPT_NONEMPTY, "a file name",
                    "reports/mgate.json", NULL},
    [MERGE_SUMMARY] = {"summary", 0, "FILE", "Markdown summary (for people)", MG_OPT_NONEMPTY, "a file name",
                       "reports/mgate.md", NULL},
    [MERGE_HTML] = {"html", 0, "FILE", "self-contained HTML report (for people)", MG_OPT_NONEMPTY, "a file name",
                    "reports/mgate.html", NULL},
    [MERGE_QUIET] = {"quiet", 'q', NULL, "print only failures, errors and the verdict", 0, NULL, NULL, NULL},
    [MERGE_SET] = CMD_SET_OPTION("the same --set changes the shards were run with\n"
                                 "(repeatable); other changes are refused"),
    [MERGE_ANNOTATIONS] = {"annotations", 0, "github|none",
                           "print GitHub workflow commands for failures and the\n"
                           "verdict; the default is github when $GITHUB_ACTIONS\n"
                           "is \"true\", else none",
                           0, "a value", "github", cmd_check_annotations},
    {0},
};

const mg_cli cmd_merge_cli = {
    "merge", "GATE.json STATE...", merge_options,
    "Judges a sharded run: merges the states that 'mgate run GATE.json\n"
    "--shard K/N --state FILE' wrote for every K, and writes the reports of\n"
    "one run over all the data (see docs/sharding.md).  The states must come\n"
    "from the same mgate, spec (and --set changes) and data set, one per\n"
    "shard, none missing.  Report paths given here override the spec's.\n",
};

const char cmd_merge_after[] = "exit status: 0 gate passed, 1 gate failed, 2 usage/spec/state error (a state\n"
                               "missing, given twice, truncated, or from another spec, data set or\n"
                               "mgate), 3 internal error.\n";

int cmd_merge(int argc, char **argv)
{
    struct timespec started;
    clock_gettime(CLOCK_REALTIME, &started);
    mg_args args;
    if (mg_args_parse(&cmd_merge_cli, argc, argv, &args) != 0) {
        mg_args_free(&args);
        return MG_EXIT_USAGE;
    }
    if (args.noperands < 2) {
        fprintf(stderr, "mgate: error: %s\n", args.noperands ? "no state given: merge needs the state of every shard"
                                                             : "no gate spec given");
        mg_cli_print_synopsis(&cmd_merge_cli, "usage: ", stderr);
        mg_args_free(&args);
        return MG_EXIT_USAGE;
    }
    const char *annotations = mg_args_value(&args, MERGE_ANNOTATIONS);
    const char *gha = getenv("GITHUB_ACTIONS");
    cmd_outputs out = {mg_args_value(&args, MERGE_JUNIT), mg_args_value(&args, MERGE_JSON),
                       mg_args_value(&args, MERGE_SUMMARY), mg_args_count(&args, MERGE_QUIET) > 0,
                       annotations ? strcmp(annotations, "github") == 0 : gha && strcmp(gha, "true") == 0};
    const char *html = mg_args_value(&args, MERGE_HTML);
    mg_spec *spec = cmd_load_spec(args.operands[0], &args, MERGE_SET, out.annotations);
    if (!spec) {
        mg_args_free(&args);
        return MG_EXIT_USAGE;
    }
    if (!out.junit)
        out.junit = spec->junit_path;
    if (!out.json)
        out.json = spec->json_path;
    if (!out.summary)
        out.summary = spec->summary_path;
    if (html) {
        free(spec->html_path);
        spec->html_path = mg_xstrdup(html);
    }
    mg_error err = {{0}};
    mg_merge_input in;
    if (mg_merge_load(spec, (const char *const *)args.operands + 1, args.noperands - 1, &in, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        mg_args_free(&args);
        mg_spec_free(spec);
        return MG_EXIT_USAGE;
    }
    mg_args_free(&args);
    const char *paths[] = {out.junit, out.json, out.summary, spec->html_path};
    for (size_t i = 0; i < 4; i++)
        if (paths[i]) {
            mg_error cerr = {{0}};
            if (mg_atomic_clean_stale(paths[i], &started, &cerr) < 0)
                fprintf(stderr, "mgate: warning: %s\n", cerr.msg);
        }
    mg_report *report = mg_report_new();
    mg_run_mode mode = {.threads = 1, .merge = &in};
    mg_run_outcome outcome = mg_run_gate_mode(spec, &mode, report, &err);
    int status = cmd_report_outcome(spec, report, outcome, &err, &out);
    mg_report_free(report);
    mg_merge_input_free(&in);
    mg_spec_free(spec);
    return status;
}
