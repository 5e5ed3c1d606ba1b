/*
 * run_pass.h - the stages of one pass over the data (runner.c), shared by
 * `mgate run`, a sharded run (run_shard.c) and the merge of shards
 * (run_merge.c).  Private to harness/.
 */
#ifndef MG_HARNESS_RUN_PASS_H
#define MG_HARNESS_RUN_PASS_H

#include <jansson.h>

#include "checks/check.h"
#include "common/error.h"
#include "harness/run_check.h"
#include "harness/run_progress.h"
#include "harness/score_stage.h"
#include "harness/spec.h"

struct mg_shard_run;
struct mg_merge_input;

/* Everything one pass over the data holds, shared by its stages. */
typedef struct mg_pass {
    const mg_spec *spec;
    mg_report *report;
    mg_error *err;
    const char **cols;   /* JSONL column list, or NULL */
    mg_source *src;
    mg_source_options so; /* how the data was opened: checks open reference data alike */
    long *field_column;  /* per schema field: source column, or -1 */
    mg_typed *typed;     /* per schema field, for the current row */
    mg_check_env env;
    mg_score_stage stage;
    int scoring;         /* some check needs scores */
    json_t *baseline;
    mg_running_check *rc;   /* per spec check */
    uint64_t records;    /* records read, bad ones included */
    uint64_t rows;       /* good rows read */
    unsigned threads;    /* --threads: more than 1 reads on a thread of its own */
    mg_progress progress;
    struct mg_shard_run *shard;        /* a shard: read only its work, save the states (run_shard.c) */
    const struct mg_merge_input *merge; /* a merge: no data, the shards' states (run_merge.c) */
    int too_many_rows;   /* reading stopped at data.limits.max_rows */
    char *read_error;    /* why reading stopped early, when it did (a shard saves it) */
} mg_pass;

/* Makes check c the spec's check cs over env, with its result added to
 * report (before begin). */
void mg_check_init(mg_check *c, const mg_check_spec *cs, const mg_check_env *env, mg_report *report);

/* Each returns 0, or -1 with the input error in the report. */
int mg_pass_open(mg_pass *p);                /* the data source (p->shard: that work only) */
int mg_pass_prepare_scoring(mg_pass *p);     /* the model(s), when a check needs scores */
int mg_pass_load_baseline(mg_pass *p, char **baseline_sha);
void mg_pass_bind(mg_pass *p);               /* schema fields and roles to columns, the env */
void mg_pass_begin_checks(mg_pass *p);       /* a result per check, and begin */
void mg_pass_read_rows(mg_pass *p);          /* the one pass: read, type, check, score */
/* Finishes every check unless unjudgeable, frees their state, and sets
 * each result's time. */
void mg_pass_finish_each(mg_pass *p, int unjudgeable, mg_tick_clock *tick_clock);
void mg_pass_free(mg_pass *p);

#endif
