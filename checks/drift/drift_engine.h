/*
 * drift_engine.h - what the drift checks (drift, prediction_drift,
 * label_drift) share: the reference (data or profile, from the check's
 * "reference" option), a list of compared features each with two sides
 * (drift_side.h), and the verdict with its properties and examples.
 *
 * Reference data is read in a pass of its own when the check begins (before
 * the current data's pass), opened as the current data is (format,
 * delimiter, limits, JSON Lines columns); a profile is read whole (it is
 * small).  What each side keeps: drift_side.h.
 */
#ifndef MG_CHECKS_DRIFT_ENGINE_H
#define MG_CHECKS_DRIFT_ENGINE_H

#include "checks/check.h"
#include "checks/drift/drift_side.h"
#include "checks/drift/profile.h"

typedef struct mg_dfeat {
    char *name;
    mg_dtest test;
    double threshold;
    unsigned bins;
    long ref_column;   /* reference data: the column, or -1 */
    mg_dside ref, cur;
    mg_dfigures fig;
    int computed, drifted;
} mg_dfeat;

typedef struct mg_dengine {
    mg_dfeat *feat;
    size_t n, cap;
    char *ref_path;        /* resolved against the spec's folder */
    int from_profile;
    mg_dprofile *profile;  /* when from_profile and read */
    int broken;            /* the reference could not be used: err says why */
    mg_error err;
} mg_dengine;

/* The check's "reference": a data file name, or {"profile": FILE}.  For a
 * check's validate: 0, or -1 with msg. */
int mg_drift_validate_reference(const json_t *options, char *msg, size_t size);
/* The default threshold of a test and its reason (docs/drift.md). */
double mg_dtest_default_threshold(mg_dtest t);

/* Resolves the reference and, for a profile, reads it (a failure sets
 * broken and err).  In a shard of a sharded run (env->shard) the checks
 * read no reference, neither a profile nor reference data: a shard saves
 * the current side only (mg_dengine_save), and the merge, which begins
 * afresh, reads the reference once and judges it as one run would. */
void mg_dengine_open(mg_dengine *e, const mg_check *c);
/* Adds a feature (name copied); both sides are set up by the caller. */
mg_dfeat *mg_dengine_add(mg_dengine *e, const char *name, mg_dtest test, double threshold, unsigned bins);

/* Reads the reference data, calling on_row for each row (the source gives
 * the column names).  A malformed row or unreadable file sets broken with
 * "FILE:LINE: ..." and stops. */
typedef void (*mg_dengine_row_fn)(void *ctx, const mg_source *src, const mg_row *row);
typedef void (*mg_dengine_header_fn)(void *ctx, const mg_source *src);
void mg_dengine_read_data(mg_dengine *e, const mg_check *c, mg_dengine_header_fn on_header,
                          mg_dengine_row_fn on_row, void *ctx);

/* Computes every feature's figures and fills the result: status, message,
 * per-feature properties, drifted features as examples.  max_share < 0:
 * any drifted feature fails; else the share of drifted features may reach it. */
void mg_dengine_judge(mg_dengine *e, mg_check *c, double max_share);
void mg_dengine_free(mg_dengine *e);

/* Sharded runs (drift_state.c): the current sides gathered from a shard's
 * rows as a new JSON object, and adding one such state (shards in data
 * order) to an engine that has begun; the merged engine judges exactly as
 * one run over all the rows would.  merge returns 0, or -1 with msg (a
 * state of another shape, or one that cannot be merged exactly: it names
 * the check and the feature). */
json_t *mg_dengine_save(const mg_dengine *e);
int mg_dengine_merge(mg_dengine *e, const char *check, const json_t *state, char *msg, size_t size);

/* A compared feature's properties, and for a drifted one its example and
 * histogram (drift_report.c). */
void mg_drift_report_feature(mg_check *c, const mg_dfeat *f);

#endif
