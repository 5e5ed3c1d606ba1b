#include "common/atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmem.h"

int mg_atomic_open(mg_atomic_file *af, const char *path, mg_error *err)
{
    memset(af, 0, sizeof *af);
    af->path = mg_xstrdup(path);
    af->tmp_path = mg_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        int e = errno;
        mg_error_set(err, "'%s': cannot create a temporary file beside it: %s", path, strerror(e));
        free(af->path);
        free(af->tmp_path);
        memset(af, 0, sizeof *af);
        return -1;
    }
    /* mkstemp makes 0600; reports are for everyone to read. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    af->fp = fdopen(fd, "w");
    if (!af->fp) {
        close(fd);
        unlink(af->tmp_path);
        mg_error_set(err, "'%s': cannot open for writing", path);
        free(af->path);
        free(af->tmp_path);
        memset(af, 0, sizeof *af);
        return -1;
    }
    return 0;
}

int mg_atomic_commit(mg_atomic_file *af, mg_error *err)
{
    int failed = 0;
    int saved = 0;
    if (af->fp) {
        if (fflush(af->fp) != 0 || ferror(af->fp)) {
            failed = 1;
            saved = errno;
        } else if (fsync(fileno(af->fp)) != 0 && errno != EINVAL) {
            failed = 1;
            saved = errno;
        }
        if (fclose(af->fp) != 0 && !failed) {
            failed = 1;
            saved = errno;
        }
        af->fp = NULL;
    }
    if (!failed && rename(af->tmp_path, af->path) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        unlink(af->tmp_path);
        mg_error_set(err, "'%s': writing failed: %s", af->path, strerror(saved));
    }
    free(af->path);
    free(af->tmp_path);
    af->path = af->tmp_path = NULL;
    return failed ? -1 : 0;
}

void mg_atomic_abort(mg_atomic_file *af)
{
    if (af->fp)
        fclose(af->fp);
    if (af->tmp_path)
        unlink(af->tmp_path);
    free(af->path);
    free(af->tmp_path);
    memset(af, 0, sizeof *af);
}
