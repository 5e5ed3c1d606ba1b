/*
 * source_input.c - the one reader of a source's input: every byte is read
 * once, counted and hashed as it is read (so a pipe or a FIFO works and
 * data_sha256 is the fingerprint of exactly what was judged), bytes read
 * ahead are replayed instead of read again, and a regular file that changed
 * while it was read is told apart from one that did not.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmem.h"
#include "sources/source_impl.h"

int mg_source_input_open(mg_source *src, const char *path, mg_error *err)
{
    FILE *fp;
    if (strcmp(path, "-") == 0) {
        /* Standard input; a duplicate, so that closing the source leaves fd 0. */
        int fd = dup(STDIN_FILENO);
        fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
        if (!fp && fd >= 0)
            close(fd);
    } else {
        fp = fopen(path, "rb");
    }
    if (!fp)
        return mg_error_set(err, "'%s': cannot open the data: %s", path, strerror(errno));
    src->fp = fp;
    if (fstat(fileno(fp), &src->at_open) != 0)
        return mg_error_set(err, "'%s': cannot open the data: %s", path, strerror(errno));
    if (S_ISDIR(src->at_open.st_mode))
        return mg_error_set(err, "'%s': is a folder, expected a data file", path);
    src->regular = S_ISREG(src->at_open.st_mode);
    if (src->regular) {
        off_t at = ftello(fp);
        src->start_offset = at > 0 ? (uint64_t)at : 0;
    }
    mg_sha256_init(&src->hash);
    return 0;
}

/* Serves bytes read ahead; 0 when there are none left to replay. */
static size_t replay(read_ahead *a, char *buf, size_t n)
{
    size_t k = a->len - a->pos < n ? a->len - a->pos : n;
    memcpy(buf, a->buf + a->pos, k);
    a->pos += k;
    if (a->pos == a->len) {
        free(a->buf);
        memset(a, 0, sizeof *a);
    }
    return k;
}

static void keep_ahead(read_ahead *a, const char *buf, size_t n)
{
    if (n == 0)
        return; /* nothing to keep, and a->buf may still be NULL (memcpy to NULL is undefined) */
    if (a->overflow || a->len + n > MG_LOOKAHEAD_MAX) {
        a->overflow = 1;
        return;
    }
    a->buf = mg_xgrow(a->buf, &a->cap, a->len + n, 1);
    memcpy(a->buf + a->len, buf, n);
    a->len += n;
}

size_t mg_source_read(mg_source *src, char *buf, size_t n)
{
    read_ahead *a = &src->ahead;
    if (!a->recording && a->pos < a->len)
        return replay(a, buf, n);
    if (src->input_eof || n == 0)
        return 0;
    if (src->ranged && src->bytes_read + n > src->range_end - src->range_begin) {
        n = (size_t)(src->range_end - src->range_begin - src->bytes_read);
        if (n == 0) {
            src->input_eof = 1;
            return 0;
        }
    }
    size_t got = fread(buf, 1, n, src->fp);
    if (got < n)
        src->input_eof = 1; /* end of input or error: never read past it */
    src->bytes_read += got;
    mg_sha256_update(&src->hash, buf, got);
    if (a->recording)
        keep_ahead(a, buf, got);
    return got;
}

void mg_source_ahead_start(mg_source *src)
{
    src->ahead.recording = 1;
}

int mg_source_ahead_replay(mg_source *src)
{
    read_ahead *a = &src->ahead;
    a->recording = 0;
    a->pos = 0;
    return a->overflow ? -1 : 0;
}

void mg_source_input_close(mg_source *src)
{
    free(src->ahead.buf);
    memset(&src->ahead, 0, sizeof src->ahead);
    mg_sha256_discard(&src->hash);
    if (src->fp)
        fclose(src->fp);
    src->fp = NULL;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* For a regular file: what changed between open and now, or NULL. */
static const char *what_changed(const mg_source *src, uint64_t *now_size)
{
    struct stat now, named;
    const struct stat *o = &src->at_open;
    *now_size = (uint64_t)o->st_size;
    if (fstat(fileno(src->fp), &now) != 0)
        return "it can no longer be examined";
    *now_size = (uint64_t)now.st_size;
    if (now.st_size != o->st_size)
        return "its size changed";
    if (!same_time(&now.st_mtim, &o->st_mtim))
        return "it was modified";
    uint64_t expected = src->ranged ? src->range_end - src->range_begin : (uint64_t)o->st_size - src->start_offset;
    if (src->bytes_read != expected)
        return "the bytes read differ from its size";
    if (strcmp(src->path, "-") != 0 &&
        (stat(src->path, &named) != 0 || named.st_ino != o->st_ino || named.st_dev != o->st_dev))
        return "its path now names another file (replaced or removed)";
    return NULL;
}

int mg_source_finish(mg_source *src, char hex[65], mg_error *err)
{
    if (src->multi)
        return mg_multi_finish(src, hex, err);
    if (!src->hash.ctx)
        return mg_error_set(err, "'%s': the data was already finished", src->path);
    char *scratch = mg_xmalloc(MG_CHUNK);
    while (mg_source_read(src, scratch, MG_CHUNK) > 0)
        ;
    free(scratch);
    if (ferror(src->fp))
        return mg_error_set(err, "'%s': read error", src->path);
    if (src->regular) {
        uint64_t now_size;
        const char *why = what_changed(src, &now_size);
        if (why)
            return mg_error_set(err,
                                "'%s': data changed while being read (%s: %" PRIu64 " bytes at open, %" PRIu64
                                " now, %" PRIu64 " read); nothing was judged: run again on data that is not being written",
                                src->path, why, (uint64_t)src->at_open.st_size, now_size, src->bytes_read);
    }
    mg_sha256_final_hex(&src->hash, hex);
    return 0;
}
