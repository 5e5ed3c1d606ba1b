#include "common/mkdirs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xmem.h"

int mg_mkdirs_for(const char *path, mg_error *err)
{
    char *dir = mg_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            mg_error_set(err, "'%s': cannot create the folder '%s': %s", path, dir, strerror(e));
            free(dir);
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(dir);
    return 0;
}
