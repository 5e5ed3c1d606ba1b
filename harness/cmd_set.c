#include "harness/cmd_set.h"

#include <stdio.h>
#include <string.h>

int cmd_take_set(int argc, char **argv, int *i, const char **sets, size_t *nsets)
{
    const char *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!value || !strchr(value, '=') || value[0] == '=') {
        fprintf(stderr, "mgate: error: '--set' needs KEY.PATH=VALUE, e.g. '--set model.path=build/model.json'\n");
        return -1;
    }
    sets[(*nsets)++] = value;
    *i += 1;
    return 0;
}
