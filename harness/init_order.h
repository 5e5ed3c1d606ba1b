/*
 * init_order.h - how `mgate init` learns the event order of the data: the
 * whole file, and per value of each key column tried (columns named like
 * an id other than the id), following one time column (docs/init.md,
 * "Event order").
 *
 * Memory: one keytable per key column tried (at most
 * MG_INIT_MAX_KEY_SCOPES), 32 bytes a slot, about 43-85 bytes per distinct
 * key; a scope past MG_INIT_MAX_ID_KEYS keys is dropped and its table freed.
 */
#ifndef MG_HARNESS_INIT_ORDER_H
#define MG_HARNESS_INIT_ORDER_H

#include "harness/init_profile.h"

/* Picks the time column (the --time column, else the first column whose
 * first value is an RFC 3339 timestamp) and the key columns, from the
 * first row. */
void mg_order_setup(mg_profile *p, const mg_row *first);

/* Follows one row's time in every scope. */
void mg_order_observe(mg_profile *p, const mg_row *row);

/* Frees the scopes' tables. */
void mg_order_free(mg_profile *p);

/* The order check to write, if any. */
typedef struct mg_order_rule {
    int use;                  /* 0: the data is in no order init can tell */
    long key_col;             /* -1: the whole file; else the data.key column */
    uint64_t max_count;       /* late rows tolerated as flaws (0: none) */
    double allowed_lateness;  /* seconds (0: none) */
} mg_order_rule;

/* Judges the scopes for the time column time_col (see docs/init.md):
 * the first scope (whole file first) with at most the flaw share of late
 * rows gets max_count = its late rows; else the first whose worst lateness
 * is within 1% of the time span gets allowed_lateness = that lateness;
 * key scopes need at least two rows per key on average. */
void mg_order_pick(const mg_profile *p, long time_col, long id_col, mg_order_rule *out);

#endif
