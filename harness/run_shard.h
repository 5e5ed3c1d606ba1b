/*
 * run_shard.h - sharded runs: `mgate run --shard K/N --state FILE` reads
 * one shard's part of the data and saves every check's state
 * (run_shard.c); `mgate merge` reads the states of all N shards and judges
 * the gate as one run over all the data would (run_merge.c).  The state
 * file's format: docs/sharding.md, "State files".
 */
#ifndef MG_HARNESS_RUN_SHARD_H
#define MG_HARNESS_RUN_SHARD_H

#include <jansson.h>

#include "checks/result.h"
#include "common/error.h"
#include "harness/spec.h"
#include "sources/shard_plan.h"

#define MG_STATE_FORMAT "mgate-shard-state"
#define MG_STATE_VERSION 1

typedef struct mg_shard_run {
    size_t shard, nshards;  /* 0-based here; 1-based on the command line */
    const char *state_path; /* NULL: the state is kept in `state` (run_threads.c) */
    json_t *state;          /* the state, when state_path is NULL; owned */
    mg_data_files files;
    mg_shard_work work;
} mg_shard_run;

typedef struct mg_merge_input {
    size_t n;               /* shards */
    json_t **states;        /* by shard, 0 to n-1 */
    char **paths;           /* each state's file, as given */
    mg_data_files files;    /* the data set's, as the shards read it */
    char data_sha256[65];   /* the data's SHA-256 when known otherwise (run_threads.c), else empty */
} mg_merge_input;

struct mg_pass;

/* Plans shard `shard` of `nshards` of the spec's data.  0, or -1 with err
 * (a spec a shard cannot run: a check that cannot be merged, max_rows). */
int mg_shard_run_plan(const mg_spec *spec, size_t shard, size_t nshards, const char *state_path, mg_shard_run *out,
                      mg_error *err);
void mg_shard_run_free(mg_shard_run *run);

/* Loads and checks the states (same format version, mgate, spec, data,
 * shard count; every shard once).  0, or -1 with err naming the file. */
int mg_merge_load(const mg_spec *spec, const char *const *paths, size_t n, mg_merge_input *out, mg_error *err);
/* The same for states already read: states[i] (borrowed; out keeps its own
 * references) came from paths[i], which the messages name. */
int mg_merge_take(const mg_spec *spec, json_t *const *states, const char *const *paths, size_t n, mg_merge_input *out,
                  mg_error *err);
void mg_merge_input_free(mg_merge_input *in);

/* Whether every check of the spec can run sharded (checks/check.h). */
int mg_spec_checks_merge(const mg_spec *spec);

/* The spec's fingerprint in a state: the SHA-256 of its parsed JSON (after
 * --set), keys sorted, compact. */
void mg_state_spec_sha256(const mg_spec *spec, char hex[65]);

/* For the runner (runner.c). */
mg_source *mg_run_shard_open(const mg_spec *spec, const mg_shard_run *run, const mg_source_options *so,
                             mg_error *err);
int mg_run_shard_save(struct mg_pass *p, mg_shard_run *run);
mg_source *mg_run_merge_source(const mg_spec *spec, const mg_merge_input *in, const mg_source_options *so,
                               mg_error *err);
int mg_run_merge_states(struct mg_pass *p, const mg_merge_input *in, char data_sha256[65]);
/* The failed data/read testcase of a read that stopped early. */
void mg_run_read_failed(mg_report *report, const char *msg);

#endif
