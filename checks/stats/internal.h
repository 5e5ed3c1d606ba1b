/*
 * internal.h - private to checks/stats/: the paired store's layout.
 */
#ifndef MG_CHECKS_STATS_INTERNAL_H
#define MG_CHECKS_STATS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "checks/metrics/metrics.h"
#include "checks/stats/stats.h"

struct mg_paired {
    mg_model_task task;
    mg_metrics_options opts; /* class_names dropped (not needed) */
    size_t k;                /* values per score: 1, or nclasses */
    size_t n, cap;           /* rows taken, capacity in rows */
    uint64_t *id;            /* each row's identity: its resampling weights derive from it */
    uint8_t *label8;         /* binary labels */
    uint32_t *label32;       /* multiclass labels */
    double *target;          /* regression targets */
    double *champ, *chall;   /* n * k scores each */
    uint64_t calls, bad, first_bad;
    const char *bad_why;     /* static text, or bad_why_copy */
    char *bad_why_copy;      /* owned: the reason read from a shard's state */
};

/* Makes room for one more row. */
void mg_paired__grow(mg_paired *p);

/* The error for a poisoned or empty store; 0 when fine. */
int mg_paired__check(const mg_paired *p, mg_error *err);

#endif
