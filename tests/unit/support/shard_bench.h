/*
 * shard_bench.h - unit tests of checks' sharded states (save and merge,
 * checks/check.h) that drive the check definitions directly.  Failures
 * fail the calling test.
 */
#ifndef MG_TESTS_SHARD_BENCH_H
#define MG_TESTS_SHARD_BENCH_H

#include <jansson.h>

#include "checks/check.h"
#include "harness/spec.h"

/* The most parts tu_compare_all_splits cuts the records into. */
#define TU_MAX_PARTS 3

/* The spec, its open data and what the checks see of it. */
typedef struct tu_bench {
    mg_spec *spec;
    mg_source *src;
    const char **cols;
    long *field_column;
    mg_typed *typed;
    mg_check_env env;       /* a single run's and a merge's */
    mg_check_env shard_env; /* a shard's: env with env.shard set */
    size_t nrecords;
} tu_bench;

/* One instance of a check, with its own result and record count. */
typedef struct tu_instance {
    mg_check check;
    mg_report *report;
} tu_instance;

/* Writes data (as data_name) and the spec, loads the spec, opens the data. */
tu_bench tu_bench_new(const char *data_name, const char *data, const char *spec_text);
void tu_bench_free(tu_bench *b);

/* A fresh instance of check cs seeing env, begun. */
void tu_instance_begin(tu_instance *in, const mg_check_spec *cs, const mg_check_env *env);
void tu_instance_free(tu_instance *in);

/* One pass over the data: every record to single (when not NULL), record
 * i to parts[p] where p is the number of cuts cut[0..nparts-1) at or below
 * i (parts may be NULL).  Returns the number of records. */
size_t tu_bench_feed(tu_bench *b, tu_instance *single, tu_instance *parts, const size_t *cut, size_t nparts);

/* Status, message, every property (bit for bit) and every example (text,
 * place, total) equal; else fails naming the result and the split. */
void tu_assert_same_result(const mg_result *a, const mg_result *b, const char *split);

/* For every check of the spec, and every cut of its records into 2 and
 * into 3 contiguous parts (some empty): each part's state saved, through
 * json_dumps/json_loads, merged in order into a fresh instance, finished:
 * equal to the single run. */
void tu_compare_all_splits(const char *data_name, const char *data, const char *spec_text);

/* The single run of the check named `name`, finished (free it). */
tu_instance tu_run_single(tu_bench *b, const char *name);
/* A numeric property of an instance's result; fails when absent. */
double tu_instance_prop(const tu_instance *in, const char *key);

/* Feeds the 2 parts of check `name` cut at `cut` (seeing part_env) and
 * merges their states into a fresh instance: what the last merge returned,
 * with msg. */
int tu_merge_two_parts(tu_bench *b, const char *name, size_t cut, const mg_check_env *part_env, char *msg,
                       size_t size);

#endif
