/*
 * commands.h - the subcommands of the mgate CLI.  Each handler takes the
 * arguments after the subcommand name (argv[0] is the subcommand) and returns
 * the process exit status (see mg_exit).  Handlers print; library code
 * does not.
 */
#ifndef MG_HARNESS_COMMANDS_H
#define MG_HARNESS_COMMANDS_H

#include <stdio.h>

#include "harness/options.h"

/* Exit statuses: "checks failed" is kept apart from "gate could not run". */
typedef enum mg_exit {
    MG_EXIT_PASS = 0,     /* every check passed */
    MG_EXIT_FAIL = 1,     /* at least one check failed: block promotion */
    MG_EXIT_USAGE = 2,    /* bad command line, spec or input: nothing could be judged */
    MG_EXIT_INTERNAL = 3  /* a bug or resource failure in mgate itself */
} mg_exit;

typedef struct mg_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;        /* one line for `mgate help` */
    const mg_cli *const *clis;  /* its command lines with their option tables: one, or one per
                                 * subcommand; NULL-terminated (harness/options.h) */
    const char *about;          /* what it does, after the synopsis, before each line's own
                                 * about and options; NULL when the one line's about says it */
    const char *after;          /* printed after the options (exit statuses), or NULL */
    void (*more_help)(FILE *out); /* prints what follows from live tables, or NULL */
} mg_command;

/* Prints a command's full help, for `mgate help CMD` and `mgate CMD
 * --help`: the synopsis of each command line, about, each line's about and
 * options (from its table), after, then more_help. */
void mg_command_print_help(const mg_command *c, FILE *out);
void cmd_run_help_checks(FILE *out);

int cmd_run(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_fixture(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_shards(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* Each command's lines and help text, defined beside its handler. */
extern const mg_cli cmd_run_cli, cmd_score_cli, cmd_baseline_cli, cmd_init_cli, cmd_profile_cli;
extern const mg_cli cmd_fixture_add_cli, cmd_fixture_update_cli;
extern const char cmd_fixture_about[];
extern const char cmd_run_after[], cmd_score_after[], cmd_baseline_after[], cmd_init_after[];
extern const char cmd_fixture_after[], cmd_profile_after[];
extern const mg_cli cmd_shards_cli;
extern const char cmd_shards_after[];
extern const mg_cli cmd_merge_cli;
extern const char cmd_merge_after[];

/* The table, NULL-name terminated. */
extern const mg_command mg_commands[];
const mg_command *mg_command_find(const char *name);
/* Prints "'NAME' is not a command" (with the closest command, when one is
 * close) on stderr. */
void mg_command_unknown(const char *name);

/* True when argv has -h/--help. */
int mg_wants_help(int argc, char **argv);

#endif
