/*
 * run_shard.c - one shard of a sharded run (`mgate run --shard K/N --state
 * FILE`): plans the shard's part of the data (sources/shard_plan.h), and
 * after the runner read it through every check, saves each check's state
 * (checks/check_state.h) with what `mgate merge` needs to trust it: the
 * format and its version, mgate's version, the spec's and the data's
 * identity, and which shard of how many.
 */
#include "harness/run_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_state.h"
#include "common/atomic_file.h"
#include "common/sha256.h"
#include "common/state_json.h"
#include "common/version.h"
#include "common/xmem.h"
#include "harness/data_input.h"
#include "harness/run_pass.h"

void mg_state_spec_sha256(const mg_spec *spec, char hex[65])
{
    char *text = json_dumps(spec->root, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    mg_sha256 h;
    mg_sha256_init(&h);
    mg_sha256_update(&h, text ? text : "", text ? strlen(text) : 0);
    mg_sha256_final_hex(&h, hex);
    free(text);
}

void mg_run_read_failed(mg_report *report, const char *msg)
{
    mg_result *res = mg_report_add(report, "data", "read", "input");
    res->status = MG_STATUS_FAIL;
    mg_result_set_message(res, "%s", msg);
}

/* A check merges when it saves its state, or has none: it reads no row. */
static int check_merges(const mg_check_def *def)
{
    return def->save || (!def->row && !def->scored && !def->problem);
}

int mg_spec_checks_merge(const mg_spec *spec)
{
    for (size_t i = 0; i < spec->nchecks; i++)
        if (!check_merges(spec->checks[i].def))
            return 0;
    return 1;
}

int mg_shard_run_plan(const mg_spec *spec, size_t shard, size_t nshards, const char *state_path, mg_shard_run *out,
                      mg_error *err)
{
    memset(out, 0, sizeof *out);
    out->shard = shard;
    out->nshards = nshards;
    out->state_path = state_path;
    for (size_t i = 0; i < spec->nchecks; i++)
        if (!check_merges(spec->checks[i].def))
            return mg_error_set(err, "check '%s' (%s) cannot run sharded yet: its state does not merge; run the "
                                     "gate without --shard",
                                spec->checks[i].name, spec->checks[i].def->name);
    if (mg_spec_data_files(spec, &out->files, err) != 0)
        return -1;
    if (mg_shard_plan(&out->files, spec->format, shard, nshards, &out->work, err) != 0) {
        mg_data_files_free(&out->files);
        return -1;
    }
    return 0;
}

void mg_shard_run_free(mg_shard_run *run)
{
    json_decref(run->state);
    run->state = NULL;
    mg_shard_work_free(&run->work);
    mg_data_files_free(&run->files);
}

mg_source *mg_run_shard_open(const mg_spec *spec, const mg_shard_run *run, const mg_source_options *so,
                             mg_error *err)
{
    return mg_source_open_shard(&run->files, &run->work, spec->data_path, so, err);
}

/* A data file's path as the spec names it: relative to the spec's folder
 * when it is under it, so shards whose checkouts sit in different folders
 * (CI agents) name the same files alike. */
static const char *spec_relative(const mg_spec *spec, const char *path)
{
    size_t n = strlen(spec->dir);
    if (strcmp(spec->dir, ".") != 0 && strncmp(path, spec->dir, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static json_t *save_data(const mg_pass *p, const mg_shard_run *run)
{
    json_t *files = json_array();
    for (size_t i = 0; i < run->files.n; i++)
        json_array_append_new(files, json_pack("{s:s, s:o}", "path", spec_relative(p->spec, run->files.files[i].path),
                                               "size", mg_state_count(run->files.files[i].size)));
    json_t *pieces = json_array();
    for (size_t i = 0; i < run->work.n; i++) {
        const mg_shard_piece *w = &run->work.pieces[i];
        const char *sha = mg_source_piece_sha256(p->src, i);
        json_array_append_new(pieces, json_pack("{s:o, s:o, s:o, s:b, s:s}", "file", mg_state_count(w->file),
                                                "begin", mg_state_count(w->begin), "end", mg_state_count(w->end),
                                                "whole", w->whole, "sha256", sha ? sha : ""));
    }
    json_t *columns = json_array();
    for (size_t i = 0; i < mg_source_ncolumns(p->src); i++)
        json_array_append_new(columns, json_string(mg_source_column(p->src, i)));
    return json_pack("{s:o, s:o, s:s, s:o, s:o}", "files", files, "pieces", pieces, "format",
                     mg_source_format(p->src) == MG_FORMAT_JSONL ? "jsonl" : "csv", "columns", columns,
                     "header_columns", mg_state_count(mg_source_header_columns(p->src)));
}

int mg_run_shard_save(mg_pass *p, mg_shard_run *run)
{
    if (p->read_error)
        return mg_error_set(p->err, "%s; shard %zu/%zu wrote no state", p->read_error, run->shard + 1,
                            run->nshards);
    if (p->too_many_rows)
        return mg_error_set(p->err, "shard %zu/%zu alone has more rows than data.limits.max_rows (%llu): the data "
                                    "set is over its limit; shard %zu/%zu wrote no state",
                            run->shard + 1, run->nshards, (unsigned long long)p->spec->limits.max_rows,
                            run->shard + 1, run->nshards);
    char hex[65];
    if (mg_source_finish(p->src, hex, p->err) != 0)
        return -1;
    p->report->facts.rows_read = p->rows;
    char spec_sha[65];
    mg_state_spec_sha256(p->spec, spec_sha);
    json_t *checks = json_array();
    for (size_t i = 0; i < p->spec->nchecks; i++)
        json_array_append_new(checks, p->rc[i].skip /* not begun: nothing to save */
                                          ? json_pack("{s:s, s:b}", "check", p->rc[i].check.name, "skipped", 1)
                                          : mg_check_state_save(&p->rc[i].check));
    json_t *root = json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "format", MG_STATE_FORMAT,
                             "version", MG_STATE_VERSION, "mgate_version", MGATE_VERSION, "spec_sha256", spec_sha,
                             "shard", mg_state_count(run->shard + 1), "shards", mg_state_count(run->nshards),
                             "records", mg_state_count(p->records), "rows", mg_state_count(p->rows), "data",
                             save_data(p, run), "checks", checks);
    if (!run->state_path) { /* kept for a merge in this process */
        json_decref(run->state);
        run->state = root;
        return 0;
    }
    mg_atomic_file af;
    int rc = -1;
    if (mg_atomic_open(&af, run->state_path, p->err) == 0) {
        if (json_dumpf(root, af.fp, JSON_COMPACT) != 0 || fputc('\n', af.fp) == EOF) {
            mg_atomic_abort(&af);
            mg_error_set(p->err, "'%s': cannot write the state", run->state_path);
        } else {
            rc = mg_atomic_commit(&af, p->err);
        }
    }
    json_decref(root);
    return rc;
}
