/*
 * fuzz_state.c - shard state files, as `mgate merge` reads them
 * (harness/run_merge.c, checks/check_state.c and every check's merge).
 *
 * The gate (a small data file with flaws every data check finds, labels and
 * scores for the metric checks) is written once, and shard 1 of 2 is run
 * for real to give a valid first state.  Each input is the second state:
 * the merge of the two either judges the gate (every result that does not
 * pass says why, and the reports are written) or refuses, saying why.
 * Seeds: the real shard 2 state (fuzz/corpus/fuzz_state, made by
 * fuzz/make-state-seeds.sh).
 *
 * The states go to mg_merge_take as parsed JSON (mgate merge's
 * mg_merge_load reads each file with json_load_file and hands them on):
 * shard 1's is read once, and an input is parsed from memory, so an
 * execution is spent on the merge rather than on files and re-parsing.
 */
#include <stdlib.h>

#include "checks/result.h"
#include "fuzz/support.h"
#include "harness/run_shard.h"
#include "harness/runner.h"
#include "harness/spec.h"
#include "reports/writers.h"

static const char data_csv[] =
    "id,key,t,x,label,score\n"
    "a,k1,2026-01-01T00:00:00Z,1.5,0,0.1\n"
    "b,k2,2026-01-01T00:01:00Z,,1,0.8\n"
    "c,k1,2026-01-01T00:02:00Z,99,1,0.35\n"
    "d,k1,2026-01-01T00:00:30Z,oops,0,0.4\n"
    "b,k2,2026-01-01T00:03:00Z,2,1,0.9\n"
    "f,k3,2026-01-01T00:04:00Z,3,0,0.05\n"
    "g,k2,2026-01-01T00:02:00Z,4,1,0.6\n"
    "h,k3,2026-01-01T00:05:00Z,5,0,0.7\n"
    "a,k1,2026-01-01T00:06:00Z,6,1,0.65\n";

/* The same gate as fuzz/make-state-seeds.sh writes. */
static const char gate_json[] =
    "{\"name\": \"fuzz-state\","
    " \"data\": {\"path\": \"data.csv\", \"id\": \"id\", \"key\": \"key\", \"time\": \"t\", \"label\": \"label\","
    "  \"prediction\": \"score\"},"
    " \"schema\": {\"id\": {\"type\": \"string\"}, \"x\": {\"type\": \"number\", \"min\": 0, \"max\": 50},"
    "  \"t\": {\"type\": \"timestamp\"}},"
    " \"checks\": [{\"check\": \"missing\"}, {\"check\": \"types\"}, {\"check\": \"ranges\"}, {\"check\": \"order\"},"
    "  {\"check\": \"duplicates\"}, {\"check\": \"metric\", \"metric\": \"roc_auc\", \"min\": 0.5},"
    "  {\"check\": \"metric\", \"metric\": \"log_loss\", \"max\": 1}, {\"check\": \"all_metrics\"}]}";

static mg_spec *spec;
static json_t *first;    /* shard 1's real state */
static json_t *envelope; /* shard 2's real state, its checks replaced by inputs */

static void free_states(void)
{
    json_decref(first);
    json_decref(envelope);
}

/* Runs shard `shard` (0-based) of 2 of the gate for real into `name`. */
static void run_shard(size_t shard, const char *name)
{
    mg_shard_run plan;
    mg_error err = {{0}};
    if (mg_shard_run_plan(spec, shard, 2, fuzz_path(name), &plan, &err) != 0)
        fuzz_fail("shard %zu/2 of the fuzz gate cannot be planned: %s", shard + 1, err.msg);
    mg_report *report = mg_report_new();
    mg_run_mode mode = {.threads = 1, .shard = &plan};
    if (mg_run_gate_mode(spec, &mode, report, &err) != MG_RUN_JUDGED)
        fuzz_fail("shard %zu/2 of the fuzz gate wrote no state: %s", shard + 1, err.msg);
    mg_report_free(report);
    mg_shard_run_free(&plan);
}


static const mg_spec *gate(void)
{
    if (spec)
        return spec;
    spec = fuzz_load_gate("data.csv", data_csv, gate_json);
    run_shard(0, "state-1.json");
    run_shard(1, "envelope.json");
    first = json_load_file(fuzz_path("state-1.json"), 0, NULL);
    envelope = json_load_file(fuzz_path("envelope.json"), 0, NULL);
    if (!first || !envelope)
        fuzz_fail("the shards' states do not read back");
    atexit(free_states);
    return spec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const mg_spec *s = gate();
    json_t *second;
    if (size > 0 && data[0] == '[') {
        json_t *checks = json_loadb((const char *)data, size, 0, NULL);
        if (!checks)
            return 0;
        /* A shallow copy: the merge reads states, never changes them. */
        second = json_copy(envelope);
        json_object_set_new(second, "checks", checks);
    } else {
        /* As mgate merge reads a state file (json_load_file, no flags). */
        second = json_loadb((const char *)data, size, 0, NULL);
        if (!second)
            return 0;
    }
    json_t *states[] = {first, second};
    const char *paths[] = {fuzz_path("state-1.json"), fuzz_path("state-2.json")};
    mg_merge_input in;
    mg_error err = {{0}};
    int rc = mg_merge_take(s, states, paths, 2, &in, &err);
    json_decref(second);
    if (rc != 0) {
        if (!err.msg[0])
            fuzz_fail("a state was refused without a message");
        return 0;
    }
    mg_report *report = mg_report_new();
    mg_run_mode mode = {.threads = 1, .merge = &in};
    mg_run_outcome outcome = mg_run_gate_mode(s, &mode, report, &err);
    if (outcome == MG_RUN_INPUT_ERROR && !err.msg[0])
        fuzz_fail("the merge stopped without a message");
    for (size_t i = 0; i < report->nresults; i++)
        if (report->results[i]->status != MG_STATUS_PASS && !report->results[i]->message)
            fuzz_fail("result '%s' is %s without a message", report->results[i]->name,
                      mg_status_name(report->results[i]->status));
    mg_error werr = {{0}};
    if (mg_write_json(report, fuzz_path("report.json"), &werr) != 0 ||
        mg_write_junit(report, fuzz_path("report.xml"), &werr) != 0)
        fuzz_fail("a report could not be written: %s", werr.msg);
    mg_report_free(report);
    mg_merge_input_free(&in);
    return 0;
}
