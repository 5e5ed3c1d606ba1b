#include "common/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
    /* Held until the rename: marks the file as being written (see
     * mg_atomic_clean_stale).  Best effort: a file system without flock
     * still gets its report. */
    flock(fd, LOCK_EX);
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
    /* A second descriptor keeps the flock through the rename: a cleaner
     * must not take the file for stale between close and rename. */
    int lock_fd = af->fp ? dup(fileno(af->fp)) : -1;
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
    if (failed)
        unlink(af->tmp_path);
    if (lock_fd >= 0)
        close(lock_fd);
    if (failed) {
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

/* True when name is "<base>.tmp." and six letters or digits (mkstemp's). */
static int is_temp_name(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0)
        return 0;
    const char *x = name + n + 5;
    for (int i = 0; i < 6; i++) {
        char ch = x[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return 0;
    }
    return x[6] == '\0';
}

static int before_time(const struct timespec *t, const struct timespec *limit)
{
    return t->tv_sec < limit->tv_sec || (t->tv_sec == limit->tv_sec && t->tv_nsec < limit->tv_nsec);
}

/* Removes one candidate when it is stale; 1 removed, 0 kept, -1 with errno. */
static int remove_if_stale(int dir_fd, const char *name, const struct timespec *before)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ELOOP ? 0 : -1;
    struct stat st;
    int rc = 0;
    /* The lock is taken before the age is read, and held while unlinking:
     * a writer that still lives holds it, so its file is never touched. */
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        before_time(&st.st_mtim, before)) {
        if (unlinkat(dir_fd, name, 0) == 0)
            rc = 1;
        else if (errno != ENOENT)
            rc = -1;
    }
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int mg_atomic_clean_stale(const char *path, const struct timespec *before, mg_error *err)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? mg_xstrndup(path, (size_t)(slash - path) + (slash == path)) : mg_xstrdup(".");
    const char *base = slash ? slash + 1 : path;
    int removed = 0, failed = 0;
    DIR *d = *base ? opendir(dir) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!is_temp_name(e->d_name, base))
                continue;
            int rc = remove_if_stale(dirfd(d), e->d_name, before);
            if (rc > 0) {
                removed++;
            } else if (rc < 0 && !failed) {
                failed = 1;
                mg_error_set(err, "'%s/%s': cannot remove a stale temporary report file: %s", dir, e->d_name,
                             strerror(errno));
            }
        }
        closedir(d);
    }
    free(dir);
    return failed ? -1 : removed;
}
