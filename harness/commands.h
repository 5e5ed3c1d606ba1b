/*
 * commands.h - the subcommands of the mgate CLI.  Each handler takes the
 * arguments after the subcommand name (argv[0] is the subcommand) and returns
 * the process exit status (see mg_exit).  Handlers print; library code
 * does not.
 */
#ifndef MG_HARNESS_COMMANDS_H
#define MG_HARNESS_COMMANDS_H

#include <stdio.h>

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
    const char *summary;  /* one line for `mgate help` */
    const char *usage;    /* full help text for `mgate help CMD` / `CMD --help` */
    void (*more_help)(FILE *out); /* prints what follows usage from live tables, or NULL */
} mg_command;

/* Prints a command's full help: its usage text, then its generated part. */
void mg_command_print_help(const mg_command *c, FILE *out);
void cmd_run_help_checks(FILE *out);

int cmd_run(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_fixture(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

extern const char cmd_run_usage[];
extern const char cmd_score_usage[];
extern const char cmd_baseline_usage[];
extern const char cmd_fixture_usage[];
extern const char cmd_init_usage[];
extern const char cmd_profile_usage[];

/* The table, NULL-name terminated. */
extern const mg_command mg_commands[];
const mg_command *mg_command_find(const char *name);

/* True when argv has -h/--help. */
int mg_wants_help(int argc, char **argv);

#define MGATE_VERSION "0.1.0"

#endif
