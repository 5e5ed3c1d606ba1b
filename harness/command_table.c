/*
 * command_table.c - the one table of subcommands.  Adding a command: write
 * cmd_<name> and its usage text in harness/cmd_<name>.c, declare both in
 * commands.h, add a row here.  `mgate help` is printed from this table.
 */
#include <stdio.h>
#include <string.h>

#include "harness/commands.h"

static const char help_usage[] =
    "usage: mgate help [COMMAND]\n"
    "\n"
    "Lists the commands, or prints the full help of one.\n";

static const char version_usage[] =
    "usage: mgate version\n"
    "\n"
    "Prints mgate's version.\n";

const mg_command mg_commands[] = {
    {"init", cmd_init, "write a starter gate spec from a data file (and a model)", cmd_init_usage, NULL},
    {"run", cmd_run, "run a gate spec: data checks, metrics, adversarial checks", cmd_run_usage,
     cmd_run_help_checks},
    {"baseline", cmd_baseline, "write every metric of the gate's model as a baseline", cmd_baseline_usage, NULL},
    {"fixture", cmd_fixture, "add or update fixture cases (expected outputs of chosen inputs)", cmd_fixture_usage, NULL},
    {"profile", cmd_profile, "write the drift profile of a data file (docs/profile-format.md)", cmd_profile_usage, NULL},
    {"score", cmd_score, "score a CSV or JSON Lines file with a model", cmd_score_usage, NULL},
    {"help", cmd_help, "show help for mgate or one command", help_usage, NULL},
    {"version", cmd_version, "print the version", version_usage, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

void mg_command_print_help(const mg_command *c, FILE *out)
{
    fputs(c->usage, out);
    if (c->more_help)
        c->more_help(out);
}

const mg_command *mg_command_find(const char *name)
{
    for (const mg_command *c = mg_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int mg_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

int cmd_help(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: mgate help [COMMAND]\n");
        return MG_EXIT_USAGE;
    }
    if (argc == 2) {
        const mg_command *c = mg_command_find(argv[1]);
        if (!c) {
            fprintf(stderr, "mgate: error: '%s' is not a command; see 'mgate help'\n", argv[1]);
            return MG_EXIT_USAGE;
        }
        mg_command_print_help(c, stdout);
        return MG_EXIT_PASS;
    }
    printf("usage: mgate <command> [<args>]\n\n"
           "mgate gates the promotion of a model in CI: data checks, accuracy\n"
           "regressions and adversarial checks, reported as JUnit XML.\n\n"
           "commands:\n");
    for (const mg_command *c = mg_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\nexit status: 0 gate passed, 1 gate failed, 2 usage/spec/input error,\n"
           "3 internal error.  'mgate help COMMAND' for more.\n");
    return MG_EXIT_PASS;
}

int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: mgate version\n");
        return MG_EXIT_USAGE;
    }
    printf("mgate %s\n", MGATE_VERSION);
    return MG_EXIT_PASS;
}
