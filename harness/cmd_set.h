/*
 * cmd_set.h - the `--set KEY.PATH=VALUE` option shared by `mgate run`,
 * `baseline` and `fixture` (docs/overrides.md).
 */
#ifndef MG_HARNESS_CMD_SET_H
#define MG_HARNESS_CMD_SET_H

#include <stddef.h>

/*
 * Takes the value of the `--set` at argv[*i]: appends argv[*i + 1] to sets
 * (which has room for argc entries), advances *i past it, returns 0.
 * Returns -1 after printing a usage error when the value is missing or has
 * no '='.  The spec loader checks the key path and the value.
 */
int cmd_take_set(int argc, char **argv, int *i, const char **sets, size_t *nsets);

#endif
