/*
 * cmd_shards.c - `mgate shards GATE.json N`: prints the work of each of N
 * shards of the gate's data (sources/shard_plan.h), the files and byte
 * ranges `mgate run --shard K/N` reads.  Nothing here judges data.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "harness/data_input.h"
#include "sources/shard_plan.h"

enum { SHARDS_CHECK, SHARDS_SET };

static const mg_option shards_options[] = {
    [SHARDS_CHECK] = {"check", 0, NULL, "read every byte range as its shard would, to find a CSV\n"
                                        "range that must be refused (a quoted line break)", 0, NULL, NULL, NULL},
    [SHARDS_SET] = CMD_SET_OPTION("change the spec before it is validated, as for\n"
                                  "'mgate run' (repeatable)"),
    {0},
};

const mg_cli cmd_shards_cli = {
    "shards", "GATE.json N", shards_options,
    "Prints how the gate's data splits into N shards (1 to 4096), shard 1\n"
    "to N: each shard's whole files and byte ranges, in data order (see\n"
    "docs/sharding.md).  Whole files when there are at least N of them, runs\n"
    "balanced by size; else byte ranges cut at record starts.  A CSV range\n"
    "is only known to be splittable when it is read: a quoted field holding\n"
    "a line break makes that shard refuse; --check reads every range to find\n"
    "such a refusal now.  Nothing is judged: 'mgate run GATE.json --shard K/N\n"
    "--state FILE' runs a shard, 'mgate merge' judges them all.\n",
};

const char cmd_shards_after[] =
    "exit status: 0 printed, 2 usage, spec or input error (with --check: a shard\n"
    "would refuse its range).\n";

static int parse_count(const char *text, size_t *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (!end || *end || end == text || text[0] == '-' || v == 0 || v > MG_SHARDS_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* Reads one byte range as its shard would; 0, or -1 with err (a refusal). */
static int read_range(const mg_spec *spec, const char *path, const mg_shard_piece *p, mg_error *err)
{
    mg_source_options so = {.format = spec->format, .delimiter = spec->delimiter, .limits = spec->limits};
    so.limits.max_rows = 0;
    mg_source *src = mg_source_open_range(path, &so, p->begin, p->end, err);
    if (!src)
        return -1;
    mg_row row;
    mg_source_status st;
    while ((st = mg_source_next(src, &row, err)) == MG_SOURCE_ROW || st == MG_SOURCE_BAD_ROW)
        ;
    char hex[65];
    int rc = st == MG_SOURCE_ERROR || mg_source_finish(src, hex, err) != 0 ? -1 : 0;
    mg_source_free(src);
    return rc;
}

static int print_plan(const mg_spec *spec, size_t nshards, int check)
{
    mg_data_files files;
    mg_error err = {{0}};
    if (mg_spec_data_files(spec, &files, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return MG_EXIT_USAGE;
    }
    int status = MG_EXIT_PASS;
    for (size_t k = 0; k < nshards && status == MG_EXIT_PASS; k++) {
        mg_shard_work w;
        if (mg_shard_plan(&files, spec->format, k, nshards, &w, &err) != 0) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            status = MG_EXIT_USAGE;
            break;
        }
        printf("shard %zu/%zu:%s\n", k + 1, nshards, w.n ? "" : " no rows");
        for (size_t i = 0; i < w.n; i++) {
            const mg_shard_piece *p = &w.pieces[i];
            if (p->whole)
                printf("  %s (whole, %" PRIu64 " bytes)\n", files.files[p->file].path, p->end);
            else
                printf("  %s bytes %" PRIu64 "-%" PRIu64 "\n", files.files[p->file].path, p->begin, p->end);
            if (check && !p->whole && read_range(spec, files.files[p->file].path, p, &err) != 0) {
                fprintf(stderr, "mgate: error: shard %zu/%zu: %s\n", k + 1, nshards, err.msg);
                status = MG_EXIT_USAGE;
            }
        }
        mg_shard_work_free(&w);
    }
    mg_data_files_free(&files);
    return status;
}

int cmd_shards(int argc, char **argv)
{
    mg_args args;
    if (mg_args_parse(&cmd_shards_cli, argc, argv, &args) != 0) {
        mg_args_free(&args);
        return MG_EXIT_USAGE;
    }
    size_t nshards = 0;
    if (args.noperands != 2 || parse_count(args.operands[1], &nshards) != 0) {
        if (args.noperands != 2)
            mg_cli_usage_error(&cmd_shards_cli, "expected GATE.json and N");
        else
            mg_cli_usage_error(&cmd_shards_cli, "'%s': expected a number of shards from 1 to %d", args.operands[1],
                               MG_SHARDS_MAX);
        mg_args_free(&args);
        return MG_EXIT_USAGE;
    }
    int check = mg_args_count(&args, SHARDS_CHECK) > 0;
    mg_spec *spec = cmd_load_spec(args.operands[0], &args, SHARDS_SET, 0);
    mg_args_free(&args);
    if (!spec)
        return MG_EXIT_USAGE;
    int status = print_plan(spec, nshards, check);
    mg_spec_free(spec);
    return status;
}
