/*
 * version.h - mgate's version: printed by `mgate version` and recorded in
 * every report and baseline (the writers in reports/, harness/cmd_baseline.c).
 */
#ifndef MG_COMMON_VERSION_H
#define MG_COMMON_VERSION_H

#define MGATE_VERSION "0.1.0"

#endif
