/* cmd_run.c - `mgate run GATE.json` (being built). */
#include <stdio.h>

#include "harness/commands.h"

const char cmd_run_usage[] = "usage: mgate run GATE.json [--junit F] [--json F] [--summary F]\n";

int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mgate: error: 'run' is not available in this build\n");
    return MG_EXIT_USAGE;
}
