/*
 * main.c - the mgate front end: dispatch to a subcommand from the table.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

#include "harness/commands.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mgate <command> [<args>]; see 'mgate help'\n");
        return MG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    else if (strcmp(name, "--version") == 0)
        name = "version";
    const mg_command *cmd = mg_command_find(name);
    if (!cmd) {
        mg_command_unknown(argv[1]);
        return MG_EXIT_USAGE;
    }
    if (mg_wants_help(argc - 1, argv + 1)) {
        mg_command_print_help(cmd, stdout);
        return MG_EXIT_PASS;
    }
    /* Initialise libxml2 once: its cleanup below only runs after this. */
    xmlInitParser();
    int rc = cmd->run(argc - 1, argv + 1);
    /* libxml2 keeps encoding tables for the process; free them so leak
     * checkers see a clean exit. */
    xmlCleanupParser();
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "mgate: error: writing output failed\n");
        return MG_EXIT_INTERNAL;
    }
    return rc;
}
