/*
 * cmd_common.h - what the commands that load a gate spec share: the
 * `--set KEY.PATH=VALUE` option row (docs/overrides.md), loading the spec
 * with those values, and printing its errors.
 */
#ifndef MG_HARNESS_CMD_COMMON_H
#define MG_HARNESS_CMD_COMMON_H

#include <stddef.h>

#include "harness/options.h"
#include "harness/runner.h"
#include "harness/spec.h"

/* The check of a --set value: 0 for KEY.PATH=VALUE, else -1 after printing
 * a usage error.  The spec loader checks the key path and the value. */
int cmd_check_set(const char *option, const char *value);
/* --annotations VALUE: 0, or -1 (after saying why) unless github or none. */
int cmd_check_annotations(const char *option, const char *value);

/* The --set row of an option table, with its help text. */
#define CMD_SET_OPTION(help_text)                                                                  \
    {                                                                                              \
        "set", 0, "KEY.PATH=VALUE", help_text, MG_OPT_REPEAT, "KEY.PATH=VALUE",                    \
            "model.path=build/model.json", cmd_check_set                                           \
    }

/* 0 when the command line holds exactly one operand (the gate spec), else
 * -1 after printing a usage error. */
int cmd_one_spec(const mg_cli *cli, const mg_args *a);

/* Prints every message of errs as "mgate: error: ...", then "... and N
 * more errors in 'SPEC'" when the loader found more than it kept.  With
 * annotate, each message is also a GitHub annotation on stdout. */
void cmd_print_spec_errors(const char *spec_path, const mg_spec_errors *errs, int annotate);

/* Loads spec_path with the --set values of option row set_row of a.
 * Returns the spec (free with mg_spec_free), or NULL after printing its
 * errors (cmd_print_spec_errors). */
mg_spec *cmd_load_spec(const char *spec_path, const mg_args *a, size_t set_row, int annotate);

/* Where `mgate run` and `mgate merge` write, and how they print. */
typedef struct cmd_outputs {
    const char *junit, *json, *summary; /* NULL: not written (the HTML path is the spec's) */
    int quiet;
    int annotations;                    /* print GitHub workflow commands */
} cmd_outputs;

/* Prints the results and the verdict, writes the reports (cmd_verdict.c),
 * and returns the exit status: 0 passed, 1 failed, 2 could not run, 3 a
 * pass whose reports could not be written. */
int cmd_report_outcome(const mg_spec *spec, mg_report *report, mg_run_outcome outcome, const mg_error *err,
                       const cmd_outputs *out);

#endif
