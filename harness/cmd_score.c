/* cmd_score.c - `mgate score MODEL DATA [-o OUT]` (placeholder until the scoring core lands). */
#include <stdio.h>

#include "harness/commands.h"

const char cmd_score_usage[] = "usage: mgate score MODEL DATA [-o OUT]\n";

int cmd_score(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mgate: error: 'score' is not available in this build\n");
    return MG_EXIT_USAGE;
}
