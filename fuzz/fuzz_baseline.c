/*
 * fuzz_baseline.c - baseline files, as a gate run reads them: the runner
 * loads the baseline, checks its recorded data fingerprint, and the metric
 * checks compare their values with its metrics (max_drop, max_increase,
 * relative).  The report is then written as JSON, JUnit and Markdown, so
 * whatever numbers a baseline brings reach every writer.
 *
 * The gate (a small binary data file with labels and scores, and the spec)
 * is written once; each input is the baseline file.
 */
#include <stdlib.h>

#include "checks/result.h"
#include "fuzz/support.h"
#include "harness/runner.h"
#include "harness/spec.h"
#include "reports/writers.h"

/* The data; its sha256 is what a matching baseline records (see the
 * committed seed in fuzz/corpus/fuzz_baseline). */
static const char data_csv[] =
    "id,label,score\n"
    "a,0,0.1\n"
    "b,1,0.8\n"
    "c,1,0.35\n"
    "d,0,0.4\n"
    "e,1,0.9\n"
    "f,0,0.05\n"
    "g,1,0.6\n"
    "h,0,0.7\n";

static const char gate_json[] =
    "{\"name\": \"fuzz-baseline\","
    " \"data\": {\"path\": \"data.csv\", \"id\": \"id\", \"label\": \"label\", \"prediction\": \"score\"},"
    " \"checks\": ["
    "  {\"check\": \"metric\", \"metric\": \"roc_auc\", \"min\": 0.5, \"max_drop\": 0.02},"
    "  {\"check\": \"metric\", \"metric\": \"log_loss\", \"max_increase\": 0.1, \"relative\": true},"
    "  {\"check\": \"metric\", \"metric\": \"recall\", \"max_drop\": 0.1, \"threshold\": 0.5},"
    "  {\"check\": \"metric\", \"metric\": \"brier\", \"max_increase\": 0.01}"
    " ],"
    " \"baseline\": \"baseline.json\"}";

static mg_spec *spec;

static const mg_spec *gate(void)
{
    if (spec)
        return spec;
    spec = fuzz_load_gate("data.csv", data_csv, gate_json);
    return spec;
}

static void write_reports(const mg_report *report)
{
    mg_error err = {{0}};
    const char *json = fuzz_path("report.json");
    const char *junit = fuzz_path("report.xml");
    const char *md = fuzz_path("summary.md");
    if (mg_write_json(report, json, &err) != 0 || mg_write_junit(report, junit, &err) != 0 ||
        mg_write_markdown(report, md, &err) != 0)
        fuzz_fail("a report could not be written: %s", err.msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const mg_spec *s = gate();
    fuzz_write_file("baseline.json", data, size);
    mg_report *report = mg_report_new();
    mg_error err = {{0}};
    mg_run_outcome outcome = mg_run_gate(s, report, &err);
    if (outcome == MG_RUN_INPUT_ERROR && !err.msg[0])
        fuzz_fail("the run stopped without a message");
    if (report->nresults == 0)
        fuzz_fail("a run with no result");
    for (size_t i = 0; i < report->nresults; i++)
        if (report->results[i]->status != MG_STATUS_PASS && !report->results[i]->message)
            fuzz_fail("result '%s' is %s without a message", report->results[i]->name,
                      mg_status_name(report->results[i]->status));
    write_reports(report);
    mg_report_free(report);
    return 0;
}
