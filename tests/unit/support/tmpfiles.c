#include "tmpfiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static char paths[32][512];
static int next_slot;

static void cleanup(void)
{
    if (!dir[0])
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

const char *tu_dir(void)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/mgate-unit-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            exit(1);
        }
        atexit(cleanup);
    }
    return dir;
}

const char *tu_write_len(const char *name, const char *content, size_t len)
{
    char *path = paths[next_slot++ % 32];
    snprintf(path, 512, "%s/%s", tu_dir(), name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(content, 1, len, fp) != len || fclose(fp) != 0) {
        perror(path);
        exit(1);
    }
    return path;
}

const char *tu_write(const char *name, const char *content)
{
    return tu_write_len(name, content, strlen(content));
}
