/*
 * cmd_verdict.c - the end of `mgate run` and `mgate merge`: warnings, one
 * line per result, GitHub annotations, the reports, the verdict line and
 * the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mkdirs.h"
#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "reports/annotations.h"
#include "reports/writers.h"

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

int cmd_report_outcome(const mg_spec *spec, mg_report *report, mg_run_outcome outcome, const mg_error *err,
                       const cmd_outputs *out)
{
    if (outcome == MG_RUN_INPUT_ERROR)
        fprintf(stderr, "mgate: error: %s\n", err->msg);
    if (report->facts.model_binding)
        fprintf(stderr, "mgate: warning: the model names no features: bound by position: %s; check it, or name "
                        "the columns with \"model\": {\"features\": [...]}\n", report->facts.model_binding);
    if (report->facts.baseline_model_binding)
        fprintf(stderr, "mgate: warning: the baseline model names no features: bound by position: %s; check it, or "
                        "name the columns with \"baseline_model\": {\"features\": [...]}\n",
                report->facts.baseline_model_binding);

    if (!out->quiet || outcome != MG_RUN_JUDGED)
        printf("gate '%s' on '%s' (%llu rows)\n", spec->name, spec->data_path,
               (unsigned long long)report->facts.rows_read);
    print_results(report, out->quiet);
    if (out->annotations)
        mg_annotate_results(stdout, report, spec->annotations, getenv("GITHUB_WORKSPACE"));
    int wrote = write_reports(report, spec, out->junit, out->json, out->summary);

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
    if (out->annotations)
        mg_annotate_notice(stdout, spec->name, verdict_line);
    printf("%s\n", verdict_line);
    if (out->junit && wrote == 0)
        printf("junit report: %s\n", out->junit);
    if (spec->html_path && wrote == 0)
        printf("html report: %s\n", spec->html_path);
    if (wrote != 0 && status == MG_EXIT_PASS)
        status = MG_EXIT_INTERNAL; /* a pass that leaves no report must not look green */
    return status;
}
