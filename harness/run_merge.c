/*
 * run_merge.c - `mgate merge`: the states of all N shards of a sharded run
 * (run_shard.c), checked to belong together, merged check by check in data
 * order (checks/check_state.h) and finished as one run over all the data.
 * No data is read: the checks' environment is bound to the columns the
 * shards read, and the model is loaded for the checks that score rows of
 * their own at finish.
 */
#include "harness/run_shard.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check_state.h"
#include "common/state_json.h"
#include "common/version.h"
#include "common/xmem.h"
#include "harness/run_pass.h"
#include "sources/data_files.h"

void mg_merge_input_free(mg_merge_input *in)
{
    for (size_t i = 0; in->states && i < in->n; i++) {
        json_decref(in->states[i]);
        free(in->paths[i]);
    }
    free(in->states);
    free(in->paths);
    mg_data_files_free(&in->files);
    memset(in, 0, sizeof *in);
}

/* The envelope of one state: its format, versions and spec.  0, or -1. */
static int check_envelope(const mg_spec *spec, const char *path, const json_t *root, mg_error *err)
{
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, MG_STATE_FORMAT) != 0)
        return mg_error_set(err, "'%s': not an mgate shard state (no \"format\": \"%s\")", path, MG_STATE_FORMAT);
    json_int_t version = json_integer_value(json_object_get(root, "version"));
    if (version != MG_STATE_VERSION)
        return mg_error_set(err, "'%s': state format version %lld, this mgate reads version %d", path,
                            (long long)version, MG_STATE_VERSION);
    const char *mgate = json_string_value(json_object_get(root, "mgate_version"));
    if (!mgate || strcmp(mgate, MGATE_VERSION) != 0)
        return mg_error_set(err, "'%s': written by mgate %s, this is mgate %s: run every shard and the merge with "
                                 "the same mgate",
                            path, mgate ? mgate : "(unknown)", MGATE_VERSION);
    char sha[65];
    mg_state_spec_sha256(spec, sha);
    const char *theirs = json_string_value(json_object_get(root, "spec_sha256"));
    if (!theirs || strcmp(theirs, sha) != 0)
        return mg_error_set(err, "'%s': written for another spec (or other --set changes) than '%s'", path,
                            spec->path);
    const json_t *checks = json_object_get(root, "checks");
    if (!json_is_array(checks) || json_array_size(checks) != spec->nchecks)
        return mg_error_set(err, "'%s': its checks are not the spec's", path);
    return 0;
}

/* The data set as the first state names it; every other must name the same. */
static int check_data(const mg_spec *spec, mg_merge_input *in, size_t k, mg_error *err)
{
    const json_t *data = json_object_get(in->states[k], "data");
    const json_t *files = json_object_get(data, "files");
    if (!json_is_array(files) || json_array_size(files) == 0)
        return mg_error_set(err, "'%s': no data files in the state", in->paths[k]);
    if (k > 0) {
        const json_t *first = json_object_get(json_object_get(in->states[0], "data"), "files");
        const json_t *cols = json_object_get(data, "columns");
        if (!json_equal(files, first) ||
            !json_equal(cols, json_object_get(json_object_get(in->states[0], "data"), "columns")))
            return mg_error_set(err, "'%s': read another data set than '%s' (other files, sizes or columns)",
                                in->paths[k], in->paths[0]);
        return 0;
    }
    in->files.n = json_array_size(files);
    in->files.files = mg_xcalloc(in->files.n, sizeof *in->files.files);
    char msg[256];
    for (size_t i = 0; i < in->files.n; i++) {
        const json_t *f = json_array_get(files, i);
        const char *path = mg_state_get_string(f, "path", msg, sizeof msg);
        if (!path || mg_state_get_count(f, "size", &in->files.files[i].size, msg, sizeof msg) != 0)
            return mg_error_set(err, "'%s': data file %zu: %s", in->paths[0], i + 1, msg);
        in->files.files[i].path = mg_spec_resolve(spec, path); /* saved relative to the spec's folder */
    }
    return 0;
}

/* Reads one state file; NULL with err when it is not complete JSON. */
static json_t *read_state(const char *path, mg_error *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        mg_error_set(err, "'%s': cannot read the state (truncated or not a state file?): %s at line %d, column %d",
                     path, jerr.text, jerr.line, jerr.column);
    return root;
}

int mg_merge_take(const mg_spec *spec, json_t *const *states, const char *const *paths, size_t n, mg_merge_input *out,
                  mg_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nshards = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (check_envelope(spec, paths[i], states[i], err) != 0) {
            rc = -1;
            break;
        }
        uint64_t k = (uint64_t)json_integer_value(json_object_get(states[i], "shard"));
        uint64_t total = (uint64_t)json_integer_value(json_object_get(states[i], "shards"));
        if (total == 0 || k == 0 || k > total)
            rc = mg_error_set(err, "'%s': no valid shard number", paths[i]);
        else if (i == 0)
            nshards = (size_t)total;
        else if (total != nshards)
            rc = mg_error_set(err, "'%s': shard %" PRIu64 " of %" PRIu64 ", but '%s' is a shard of %zu", paths[i],
                              k, total, paths[0], nshards);
    }
    if (rc == 0) {
        out->n = nshards;
        out->states = mg_xcalloc(nshards + 1, sizeof *out->states);
        out->paths = mg_xcalloc(nshards + 1, sizeof *out->paths);
        for (size_t i = 0; i < n && rc == 0; i++) {
            size_t k = (size_t)json_integer_value(json_object_get(states[i], "shard")) - 1;
            if (out->states[k]) {
                rc = mg_error_set(err, "'%s' and '%s' are both shard %zu of %zu", out->paths[k], paths[i], k + 1,
                                  nshards);
                break;
            }
            out->states[k] = json_incref(states[i]);
            out->paths[k] = mg_xstrdup(paths[i]);
        }
        for (size_t k = 0; k < nshards && rc == 0; k++)
            if (!out->states[k])
                rc = mg_error_set(err, "shard %zu of %zu is missing: give the state of every shard", k + 1, nshards);
        for (size_t k = 0; k < nshards && rc == 0; k++)
            rc = check_data(spec, out, k, err);
    }
    if (rc != 0)
        mg_merge_input_free(out);
    return rc;
}

int mg_merge_load(const mg_spec *spec, const char *const *paths, size_t n, mg_merge_input *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    json_t **byfile = mg_xcalloc(n + 1, sizeof *byfile);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!(byfile[i] = read_state(paths[i], err)))
            rc = -1;
    if (rc == 0)
        rc = mg_merge_take(spec, byfile, paths, n, out, err);
    for (size_t i = 0; i < n; i++)
        json_decref(byfile[i]);
    free(byfile);
    return rc;
}

mg_source *mg_run_merge_source(const mg_spec *spec, const mg_merge_input *in, const mg_source_options *so,
                               mg_error *err)
{
    const json_t *data = json_object_get(in->states[0], "data");
    const json_t *cols = json_object_get(data, "columns");
    size_t n = json_array_size(cols);
    const char **names = mg_xcalloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = json_string_value(json_array_get(cols, i));
    const char *format = json_string_value(json_object_get(data, "format"));
    mg_source_options opts = *so;
    opts.format = format && strcmp(format, "jsonl") == 0 ? MG_FORMAT_JSONL : MG_FORMAT_CSV;
    mg_source *src = mg_source_open_header(&in->files, in->files.n == 1 ? in->files.files[0].path : spec->data_path,
                                           &opts, names, n,
                                           (size_t)json_integer_value(json_object_get(data, "header_columns")), err);
    free(names);
    return src;
}

/* The data's SHA-256 when every file was read whole by some shard (as one
 * run computes it); empty when a file was split into byte ranges. */
static void data_fingerprint(const mg_merge_input *in, char data_sha256[65])
{
    char (*hex)[65] = mg_xcalloc(in->files.n + 1, sizeof *hex);
    size_t known = 0;
    for (size_t k = 0; k < in->n; k++) {
        const json_t *pieces = json_object_get(json_object_get(in->states[k], "data"), "pieces");
        size_t i;
        const json_t *piece;
        json_array_foreach(pieces, i, piece) {
            size_t f = (size_t)json_integer_value(json_object_get(piece, "file"));
            const char *sha = json_string_value(json_object_get(piece, "sha256"));
            if (json_is_true(json_object_get(piece, "whole")) && f < in->files.n && sha && strlen(sha) == 64 &&
                !hex[f][0]) {
                memcpy(hex[f], sha, 65);
                known++;
            }
        }
    }
    data_sha256[0] = '\0';
    if (in->data_sha256[0])
        memcpy(data_sha256, in->data_sha256, 65);
    else if (known == in->files.n)
        mg_data_files_fingerprint((const char(*)[65])hex, in->files.n, data_sha256);
    free(hex);
}

int mg_run_merge_states(mg_pass *p, const mg_merge_input *in, char data_sha256[65])
{
    char msg[512];
    for (size_t k = 0; k < in->n; k++) {
        const json_t *st = in->states[k];
        uint64_t records = 0, rows = 0;
        if (mg_state_get_count(st, "records", &records, msg, sizeof msg) != 0 ||
            mg_state_get_count(st, "rows", &rows, msg, sizeof msg) != 0)
            return mg_error_set(p->err, "'%s': %s", in->paths[k], msg);
        const json_t *checks = json_object_get(st, "checks");
        for (size_t i = 0; i < p->spec->nchecks; i++) {
            mg_check *c = &p->rc[i].check;
            if (p->rc[i].skip)
                continue;
            c->rows = p->records;
            if (mg_check_state_merge(c, json_array_get(checks, i), msg, sizeof msg) != 0)
                return mg_error_set(p->err, "'%s': check '%s': %s", in->paths[k], c->name, msg);
        }
        p->records += records;
        p->rows += rows;
    }
    /* One run stops reading at max_rows and judges those rows; the shards
     * read every row, so that verdict cannot be rebuilt: say so. */
    if (p->spec->limits.max_rows && p->rows > p->spec->limits.max_rows)
        return mg_error_set(p->err, "the shards read %llu rows, more than data.limits.max_rows (%llu): the data set "
                                    "is over its limit",
                            (unsigned long long)p->rows, (unsigned long long)p->spec->limits.max_rows);
    p->report->facts.rows_read = p->rows;
    data_fingerprint(in, data_sha256);
    return 0;
}
