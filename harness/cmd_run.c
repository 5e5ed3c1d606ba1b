/*
 * cmd_run.c - `mgate run GATE.json`: load the spec, run the gate, print a
 * summary, write the reports, and exit 0 (passed), 1 (failed), 2 (nothing
 * could be judged) or 3 (internal error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/atomic_file.h"
#include "common/mkdirs.h"
#include "common/xmem.h"
#include "checks/registry_help.h"
#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "harness/run_shard.h"
#include "harness/runner.h"
#include "harness/spec.h"
#include "reports/annotations.h"
#include "reports/writers.h"

/* --threads VALUE: 0, or -1 (after saying why) unless a whole number from 1 to 256. */
static int check_threads(const char *option, const char *value)
{
    char *end = NULL;
    long n = strtol(value, &end, 10);
    if (*value && *end == '\0' && n >= 1 && n <= 256)
        return 0;
    fprintf(stderr, "mgate: error: '%s' expects a whole number from 1 to 256, found '%s'\n", option, value);
    return -1;
}

/* --shard K/N: 0 and *k (0-based), *n, or -1 unless 1 <= K <= N <= MG_SHARDS_MAX. */
static int parse_shard(const char *value, size_t *k, size_t *n)
{
    unsigned long long kk = 0, nn = 0;
    int used = 0;
    if (sscanf(value, "%llu/%llu%n", &kk, &nn, &used) != 2 || value[used] != '\0' || value[0] == '-' ||
        strchr(value, ' ') || kk < 1 || kk > nn || nn > MG_SHARDS_MAX)
        return -1;
    *k = (size_t)kk - 1;
    *n = (size_t)nn;
    return 0;
}

static int check_shard(const char *option, const char *value)
{
    size_t k, n;
    if (parse_shard(value, &k, &n) == 0)
        return 0;
    fprintf(stderr, "mgate: error: '%s' expects K/N with 1 <= K <= N <= %d (shard K of N, e.g. 2/4), found '%s'\n",
            option, MG_SHARDS_MAX, value);
    return -1;
}

enum { RUN_JUNIT, RUN_JSON, RUN_SUMMARY, RUN_HTML, RUN_QUIET, RUN_SET, RUN_ANNOTATIONS, RUN_THREADS, RUN_SHARD,
       RUN_STATE };

static const mg_option run_options[] = {
    [RUN_JUNIT] = {"junit", 0, "FILE", "JUnit XML report (for Jenkins, GitHub Actions, GitLab)", MG_OPT_NONEMPTY,
                   "a file name", "reports/mgate.xml", NULL},
    [RUN_JSON] = {"json", 0, "FILE", "JSON report (for machines)", MG_OPT_NONEMPTY, "a file name",
                  "reports/mgate.json", NULL},
    [RUN_SUMMARY] = {"summary", 0, "FILE", "Markdown summary (for people)", MG_OPT_NONEMPTY, "a file name",
                     "reports/mgate.md", NULL},
    [RUN_HTML] = {"html", 0, "FILE", "self-contained HTML report with plots (for people)", MG_OPT_NONEMPTY,
                  "a file name", "reports/mgate.html", NULL},
    [RUN_QUIET] = {"quiet", 'q', NULL, "print only failures, errors and the verdict", 0, NULL, NULL, NULL},
    [RUN_SET] = CMD_SET_OPTION("change the spec before it is validated, e.g.\n"
                               "--set model.path=build/model.json (repeatable; VALUE is\n"
                               "JSON when it parses, else a string; paths are relative\n"
                               "to the current folder).  ${NAME} and ${NAME:-default}\n"
                               "in the spec's strings come from the environment"),
    [RUN_ANNOTATIONS] = {"annotations", 0, "github|none",
                         "print GitHub workflow commands\n"
                         "(::error file=F,line=L::...) for failures, spec errors\n"
                         "and the verdict; the default is github when\n"
                         "$GITHUB_ACTIONS is \"true\", else none",
                         0, "a value", "github", cmd_check_annotations},
    [RUN_THREADS] = {"threads", 0, "N",
                     "threads to use (default: 1); more splits data files\n"
                     "as N shards would and reads, checks and scores each\n"
                     "part on a thread of its own, merging exactly (more\n"
                     "memory: see docs/commands.md); a pipe, an external or\n"
                     "HTTP model or an HTML report read on one thread and\n"
                     "score on another.  The reports are the same, timings\n"
                     "aside, for any N",
                     0, "a value", "2", check_threads},
    [RUN_SHARD] = {"shard", 0, "K/N",
                   "run shard K of N (1 to N) of the data: its files or\n"
                   "byte ranges as 'mgate shards' prints them; writes the\n"
                   "checks' state (--state) instead of reports and judges\n"
                   "nothing: 'mgate merge' judges all N states",
                   0, "a value", "2/4", check_shard},
    [RUN_STATE] = {"state", 0, "FILE", "the shard's state file (with --shard)", MG_OPT_NONEMPTY, "a file name",
                   "state-2.json", NULL},
    {0},
};

const mg_cli cmd_run_cli = {
    "run", "GATE.json", run_options,
    "Runs the gate spec GATE.json: reads its data once, runs every check, and\n"
    "writes the reports.  Report paths given here override the spec's\n"
    "\"reports\" section.  When $GITHUB_STEP_SUMMARY is set, the Markdown\n"
    "summary is appended to it.\n",
};

const char cmd_run_after[] = "exit status: 0 gate passed, 1 gate failed, 2 usage/spec/input error,\n"
                             "3 internal error.\n";

/* The check types and their options, from the registry: `mgate help run`. */
void cmd_run_help_checks(FILE *out)
{
    mg_check_help_text(out);
}

typedef struct run_args {
    const char *spec;
    const char *junit, *json, *summary, *html;
    int quiet;
    int annotations; /* print GitHub workflow commands */
    unsigned threads; /* --threads N; 0: the default */
    const char *shard, *state; /* --shard K/N, --state FILE */
} run_args;

/* Fills a from the command line (parsed into args).  Returns 0, or -1 after
 * printing a usage error. */
static int parse_args(int argc, char **argv, mg_args *args, run_args *a)
{
    memset(a, 0, sizeof *a);
    if (mg_args_parse(&cmd_run_cli, argc, argv, args) != 0 || cmd_one_spec(&cmd_run_cli, args) != 0)
        return -1;
    a->spec = args->operands[0];
    a->junit = mg_args_value(args, RUN_JUNIT);
    a->json = mg_args_value(args, RUN_JSON);
    a->summary = mg_args_value(args, RUN_SUMMARY);
    a->html = mg_args_value(args, RUN_HTML);
    a->quiet = mg_args_count(args, RUN_QUIET) > 0;
    const char *threads = mg_args_value(args, RUN_THREADS);
    a->threads = threads ? (unsigned)strtol(threads, NULL, 10) : 0;
    a->shard = mg_args_value(args, RUN_SHARD);
    a->state = mg_args_value(args, RUN_STATE);
    if ((a->shard != NULL) != (a->state != NULL)) {
        fprintf(stderr, "mgate: error: --shard and --state go together: a shard writes its state, not reports "
                        "(see 'mgate help run')\n");
        return -1;
    }
    if (a->shard && (a->junit || a->json || a->summary || a->html)) {
        fprintf(stderr, "mgate: error: a shard writes no reports (it judges part of the data): give --junit, "
                        "--json, --summary and --html to 'mgate merge'\n");
        return -1;
    }
    const char *annotations = mg_args_value(args, RUN_ANNOTATIONS);
    const char *gha = getenv("GITHUB_ACTIONS");
    a->annotations = annotations ? strcmp(annotations, "github") == 0 : gha && strcmp(gha, "true") == 0;
    return 0;
}

/* Removes the temporary files a killed earlier run left beside the reports
 * this run will write (only those no live writer holds, last written before
 * this run started; see mg_atomic_clean_stale).  A failure is a warning:
 * the reports can still be written. */
static void clean_stale_reports(const char *const paths[4], const struct timespec *started)
{
    for (size_t i = 0; i < 4; i++) {
        mg_error err = {{0}};
        if (paths[i] && mg_atomic_clean_stale(paths[i], started, &err) < 0)
            fprintf(stderr, "mgate: warning: %s\n", err.msg);
    }
}

/* `mgate run --shard K/N --state FILE`: 0 when the state was written, else 2. */
static int run_shard(const mg_spec *spec, const run_args *a)
{
    size_t k = 0, n = 1;
    parse_shard(a->shard, &k, &n);
    mg_shard_run plan;
    mg_error err = {{0}};
    if (mg_shard_run_plan(spec, k, n, a->state, &plan, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return MG_EXIT_USAGE;
    }
    mg_report *report = mg_report_new();
    mg_run_mode mode = {.threads = a->threads ? a->threads : mg_run_default_threads(), .shard = &plan};
    mg_run_outcome outcome = mg_run_gate_mode(spec, &mode, report, &err);
    int status = MG_EXIT_PASS;
    if (outcome != MG_RUN_JUDGED) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        status = MG_EXIT_USAGE;
    } else if (!a->quiet) {
        printf("shard %zu/%zu of gate '%s' on '%s': %llu rows, state written to %s\n", k + 1, n, spec->name,
               spec->data_path, (unsigned long long)report->facts.rows_read, a->state);
    }
    mg_report_free(report);
    mg_shard_run_free(&plan);
    return status;
}

int cmd_run(int argc, char **argv)
{
    struct timespec started;
    clock_gettime(CLOCK_REALTIME, &started);
    run_args a;
    mg_args args;
    mg_spec *spec = parse_args(argc, argv, &args, &a) == 0 ? cmd_load_spec(a.spec, &args, RUN_SET, a.annotations)
                                                           : NULL;
    mg_args_free(&args);
    if (!spec)
        return MG_EXIT_USAGE;
    if (a.shard) {
        int status = run_shard(spec, &a);
        mg_spec_free(spec);
        return status;
    }
    const char *junit = a.junit ? a.junit : spec->junit_path;
    const char *json = a.json ? a.json : spec->json_path;
    const char *summary = a.summary ? a.summary : spec->summary_path;
    if (a.html) { /* the runner keeps the plots' rows when html_path is set */
        free(spec->html_path);
        spec->html_path = mg_xstrdup(a.html);
    }
    const char *const report_paths[4] = {junit, json, summary, spec->html_path};
    clean_stale_reports(report_paths, &started);

    mg_report *report = mg_report_new();
    mg_error err = {{0}};
    mg_run_outcome outcome = mg_run_gate_threads(spec, a.threads ? a.threads : mg_run_default_threads(), report, &err);
    cmd_outputs out = {junit, json, summary, a.quiet, a.annotations};
    int status = cmd_report_outcome(spec, report, outcome, &err, &out);
    mg_report_free(report);
    mg_spec_free(spec);
    return status;
}
