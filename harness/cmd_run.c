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
#include "harness/runner.h"
#include "harness/spec.h"
#include "reports/annotations.h"
#include "reports/writers.h"

/* --annotations VALUE: 0 or -1 (after saying why) when VALUE is neither. */
static int check_annotations(const char *option, const char *value)
{
    if (strcmp(value, "github") == 0 || strcmp(value, "none") == 0)
        return 0;
    fprintf(stderr, "mgate: error: '%s' expects 'github' or 'none', found '%s'\n", option, value);
    return -1;
}

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

enum { RUN_JUNIT, RUN_JSON, RUN_SUMMARY, RUN_HTML, RUN_QUIET, RUN_SET, RUN_ANNOTATIONS, RUN_THREADS };

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
                         0, "a value", "github", check_annotations},
    [RUN_THREADS] = {"threads", 0, "N",
                     "threads to use (default: 1);\n"
                     "1 reads, checks and scores on one; more reads and\n"
                     "splits the data on a thread of its own and scores on\n"
                     "another.  The reports are the same, timings aside,\n"
                     "for any N",
                     0, "a value", "2", check_threads},
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
    const char *annotations = mg_args_value(args, RUN_ANNOTATIONS);
    const char *gha = getenv("GITHUB_ACTIONS");
    a->annotations = annotations ? strcmp(annotations, "github") == 0 : gha && strcmp(gha, "true") == 0;
    return 0;
}

/* One line per result; --quiet keeps only failures and errors.  An input
 * error (the gate could not run) is left out: it was printed on stderr. */
static void print_results(const mg_report *r, int quiet)
{
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        if (quiet && (res->status == MG_STATUS_PASS || res->status == MG_STATUS_SKIP))
            continue;
        if (res->status == MG_STATUS_ERROR && strcmp(res->group, "gate") == 0 && strcmp(res->check, "input") == 0)
            continue;
        const char *tag = res->status == MG_STATUS_PASS ? "PASS"
                          : res->status == MG_STATUS_FAIL ? "FAIL"
                          : res->status == MG_STATUS_ERROR ? "ERROR" : "SKIP";
        printf("%-5s %s/%s: %s\n", tag, res->group, res->name, res->message ? res->message : "");
        if (res->status == MG_STATUS_PASS)
            continue;
        for (size_t j = 0; j < res->nexamples; j++)
            printf("        %s\n", res->examples[j]);
        if (res->examples_total > res->nexamples)
            printf("        ... and %llu more\n",
                   (unsigned long long)(res->examples_total - res->nexamples));
    }
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

/* Writes every requested report; returns 0 or -1 (after printing why). */
static int write_reports(const mg_report *r, const mg_spec *spec, const char *junit, const char *json,
                         const char *summary)
{
    int failed = 0;
    mg_error err = {{0}};
    const char *html = spec->html_path;
    const char *paths[] = {junit, json, summary, html};
    for (size_t i = 0; i < 4; i++)
        if (paths[i] && mg_mkdirs_for(paths[i], &err) != 0) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            return -1;
        }
    if (junit && mg_write_junit(r, junit, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        failed = 1;
    }
    if (json && mg_write_json(r, json, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        failed = 1;
    }
    if (summary && mg_write_markdown(r, summary, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        failed = 1;
    }
    mg_html_inputs in = {spec->baseline_path, spec->baseline_model.path};
    if (html && mg_write_html(r, &in, html, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        failed = 1;
    }
    const char *gh = getenv("GITHUB_STEP_SUMMARY");
    if (gh && *gh && mg_append_markdown(r, gh, &err) != 0) {
        fprintf(stderr, "mgate: warning: cannot append to $GITHUB_STEP_SUMMARY: %s\n", err.msg);
    }
    return failed ? -1 : 0;
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
    if (outcome == MG_RUN_INPUT_ERROR)
        fprintf(stderr, "mgate: error: %s\n", err.msg);
    if (report->facts.model_binding)
        fprintf(stderr, "mgate: warning: the model names no features: bound by position: %s; check it, or name "
                        "the columns with \"model\": {\"features\": [...]}\n", report->facts.model_binding);
    if (report->facts.baseline_model_binding)
        fprintf(stderr, "mgate: warning: the baseline model names no features: bound by position: %s; check it, or "
                        "name the columns with \"baseline_model\": {\"features\": [...]}\n",
                report->facts.baseline_model_binding);

    if (!a.quiet || outcome != MG_RUN_JUDGED)
        printf("gate '%s' on '%s' (%llu rows)\n", spec->name, spec->data_path,
               (unsigned long long)report->facts.rows_read);
    print_results(report, a.quiet);
    if (a.annotations)
        mg_annotate_results(stdout, report, spec->annotations, getenv("GITHUB_WORKSPACE"));
    int wrote = write_reports(report, spec, junit, json, summary);

    int status;
    mg_status verdict = mg_report_verdict(report);
    if (outcome == MG_RUN_INPUT_ERROR)
        status = MG_EXIT_USAGE;
    else if (verdict != MG_STATUS_PASS)
        status = MG_EXIT_FAIL;
    else
        status = MG_EXIT_PASS;
    char verdict_line[160];
    snprintf(verdict_line, sizeof verdict_line, "%s: %zu passed, %zu failed, %zu errors",
             status == MG_EXIT_PASS ? "gate passed" : status == MG_EXIT_FAIL ? "gate FAILED" : "gate could not run",
             mg_report_count(report, MG_STATUS_PASS), mg_report_count(report, MG_STATUS_FAIL),
             mg_report_count(report, MG_STATUS_ERROR));
    if (a.annotations)
        mg_annotate_notice(stdout, spec->name, verdict_line);
    printf("%s\n", verdict_line);
    if (junit && wrote == 0)
        printf("junit report: %s\n", junit);
    if (spec->html_path && wrote == 0)
        printf("html report: %s\n", spec->html_path);
    if (wrote != 0 && status == MG_EXIT_PASS)
        status = MG_EXIT_INTERNAL; /* a pass that leaves no report must not look green */
    mg_report_free(report);
    mg_spec_free(spec);
    return status;
}
