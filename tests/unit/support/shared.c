#include "tests/unit/support/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *shared_root(void)
{
    const char *env = getenv("MGATE_SHARED");
    return env && *env ? env : "../shared";
}

const char *tu_shared(const char *sub)
{
    static char slots[16][1024];
    static unsigned next;
    char *buf = slots[next++ % 16];
    snprintf(buf, sizeof slots[0], "%s/%s", shared_root(), sub);
    return buf;
}

int tu_shared_missing(const char *test, const char *sub, const char *why)
{
    if (access(tu_shared(sub), R_OK) == 0)
        return 0;
    printf("skip: %s needs %s (%s); not found (clone the shared corpora beside the repo, or set MGATE_SHARED)\n",
           test, tu_shared(sub), why);
    fflush(stdout);
    return 1;
}
