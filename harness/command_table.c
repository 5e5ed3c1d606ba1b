/*
 * command_table.c - the one table of subcommands.  Adding a command: write
 * cmd_<name>, its option table (an mg_cli, harness/options.h) and help text
 * in harness/cmd_<name>.c, declare them in commands.h, add a row here.
 * `mgate help` and every command's help are printed from these tables.
 */
#include <stdio.h>
#include <string.h>

#include "common/suggest.h"
#include "common/version.h"
#include "harness/commands.h"

static const mg_option no_options[] = {{0}};

static const mg_cli help_cli = {"help", "[COMMAND]", no_options,
                                "Lists the commands, or prints the full help of one.\n"};
static const mg_cli version_cli = {"version", "", no_options, "Prints mgate's version.\n"};

static const mg_cli *const init_clis[] = {&cmd_init_cli, NULL};
static const mg_cli *const run_clis[] = {&cmd_run_cli, NULL};
static const mg_cli *const baseline_clis[] = {&cmd_baseline_cli, NULL};
static const mg_cli *const fixture_clis[] = {&cmd_fixture_add_cli, &cmd_fixture_update_cli, NULL};
static const mg_cli *const profile_clis[] = {&cmd_profile_cli, NULL};
static const mg_cli *const score_clis[] = {&cmd_score_cli, NULL};
static const mg_cli *const shards_clis[] = {&cmd_shards_cli, NULL};
static const mg_cli *const merge_clis[] = {&cmd_merge_cli, NULL};
static const mg_cli *const help_clis[] = {&help_cli, NULL};
static const mg_cli *const version_clis[] = {&version_cli, NULL};

const mg_command mg_commands[] = {
    {"init", cmd_init, "write a starter gate spec from a data file (and a model)", init_clis, NULL,
     cmd_init_after, NULL},
    {"run", cmd_run, "run a gate spec: data checks, metrics, adversarial checks", run_clis, NULL, cmd_run_after,
     cmd_run_help_checks},
    {"baseline", cmd_baseline, "write every metric of the gate's model as a baseline", baseline_clis, NULL,
     cmd_baseline_after, NULL},
    {"fixture", cmd_fixture, "add or update fixture cases (expected outputs of chosen inputs)", fixture_clis,
     cmd_fixture_about, cmd_fixture_after, NULL},
    {"profile", cmd_profile, "write the drift profile of a data file (docs/profile-format.md)", profile_clis,
     NULL, cmd_profile_after, NULL},
    {"score", cmd_score, "score a CSV or JSON Lines file with a model", score_clis, NULL, cmd_score_after, NULL},
    {"shards", cmd_shards, "list each shard's files and byte ranges (for run --shard K/N)", shards_clis, NULL,
     cmd_shards_after, NULL},
    {"merge", cmd_merge, "judge a sharded run: merge the states of 'run --shard'", merge_clis, NULL,
     cmd_merge_after, NULL},
    {"help", cmd_help, "show help for mgate or one command", help_clis, NULL, NULL, NULL},
    {"version", cmd_version, "print the version", version_clis, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

void mg_command_print_help(const mg_command *c, FILE *out)
{
    size_t nclis = 0;
    for (const mg_cli *const *l = c->clis; *l; l++)
        mg_cli_print_synopsis(*l, nclis++ ? "       " : "usage: ", out);
    if (c->about)
        fprintf(out, "\n%s", c->about);
    for (const mg_cli *const *l = c->clis; *l; l++) {
        if ((*l)->about)
            fprintf(out, "\n%s", (*l)->about);
        if (nclis > 1)
            fprintf(out, "\noptions of 'mgate %s':\n", (*l)->path);
        else
            fprintf(out, "\noptions:\n");
        mg_cli_print_options(*l, out);
    }
    if (c->after)
        fprintf(out, "\n%s", c->after);
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

void mg_command_unknown(const char *name)
{
    const char *names[sizeof mg_commands / sizeof *mg_commands];
    size_t n = 0;
    for (const mg_command *c = mg_commands; c->name; c++)
        names[n++] = c->name;
    names[n] = NULL;
    const char *near = mg_suggest(name, names);
    if (near)
        fprintf(stderr, "mgate: error: '%s' is not a command (did you mean '%s'?); see 'mgate help'\n", name, near);
    else
        fprintf(stderr, "mgate: error: '%s' is not a command; see 'mgate help'\n", name);
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
    mg_args a;
    int rc = mg_args_parse(&help_cli, argc, argv, &a);
    if (rc == 0 && a.noperands > 1) {
        mg_cli_usage_error(&help_cli, "one command at a time");
        rc = -1;
    }
    const mg_command *c = rc == 0 && a.noperands == 1 ? mg_command_find(a.operands[0]) : NULL;
    if (rc == 0 && a.noperands == 1 && !c) {
        mg_command_unknown(a.operands[0]);
        rc = -1;
    }
    mg_args_free(&a);
    if (rc != 0)
        return MG_EXIT_USAGE;
    if (c) {
        mg_command_print_help(c, stdout);
        return MG_EXIT_PASS;
    }
    printf("usage: mgate <command> [<args>]\n\n"
           "mgate gates the promotion of a model in CI: data checks, accuracy\n"
           "regressions and adversarial checks, reported as JUnit XML.\n\n"
           "commands:\n");
    for (c = mg_commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\nexit status: 0 gate passed, 1 gate failed, 2 usage/spec/input error,\n"
           "3 internal error.  'mgate help COMMAND' for more.\n");
    return MG_EXIT_PASS;
}

int cmd_version(int argc, char **argv)
{
    mg_args a;
    int rc = mg_args_parse(&version_cli, argc, argv, &a);
    if (rc == 0 && a.noperands > 0) {
        mg_cli_usage_error(&version_cli, "unexpected argument '%s'", a.operands[0]);
        rc = -1;
    }
    mg_args_free(&a);
    if (rc != 0)
        return MG_EXIT_USAGE;
    printf("mgate %s\n", MGATE_VERSION);
    return MG_EXIT_PASS;
}
