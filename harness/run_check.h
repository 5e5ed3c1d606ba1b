/*
 * run_check.h - a check as the runner drives it: the check, the time its
 * handlers took, and whether it could start.  Shared by the runner's
 * stages (runner.c, score_stage.c).
 */
#ifndef MG_HARNESS_RUN_CHECK_H
#define MG_HARNESS_RUN_CHECK_H

#include "checks/check.h"
#include "common/ticks.h"

typedef struct mg_running_check {
    mg_check check;
    mg_ticks ticks; /* time spent in this check's handlers, summed per call */
    int skip;       /* could not start: result already says why */
} mg_running_check;

/* Charges the ticks since *since to rc and moves *since to now: the calls
 * of one row are timed as a chain, one clock read per call. */
static inline void mg_running_check_charge(mg_running_check *rc, mg_ticks *since)
{
    mg_ticks now = mg_ticks_now();
    if (now > *since)
        rc->ticks += now - *since;
    *since = now;
}

#endif
