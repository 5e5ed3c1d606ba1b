/*
 * shard_plan.c - splitting a data set's files among N shards (see
 * shard_plan.h for the rules).
 */
#include "sources/shard_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sha256.h"
#include "common/xmem.h"
#include "sources/source_impl.h"

/* A cut in the data set: file and offset in it. */
typedef struct cut {
    size_t file;
    uint64_t at;
} cut;

/* The first offset >= from in path that starts a record: just after a
 * '\n', and not before min_start (the end of a CSV header).  size when
 * there is none before the end.  -1 with err when it cannot be read. */
static int next_record_start(const char *path, uint64_t size, uint64_t from, uint64_t min_start, uint64_t *out,
                             mg_error *err)
{
    if (from <= min_start || from >= size) {
        *out = from <= min_start ? min_start : size;
        return 0;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp || fseeko(fp, (off_t)(from - 1), SEEK_SET) != 0) {
        int e = errno;
        if (fp)
            fclose(fp);
        return mg_error_set(err, "'%s': cannot read the data to split it: %s", path, strerror(e));
    }
    char buf[8192];
    uint64_t pos = from - 1;
    *out = size;
    for (;;) {
        size_t got = fread(buf, 1, sizeof buf, fp);
        if (got == 0)
            break;
        char *nl = memchr(buf, '\n', got);
        if (nl) {
            uint64_t after = pos + (uint64_t)(nl - buf) + 1;
            *out = after < size ? after : size;
            break;
        }
        pos += got;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad)
        return mg_error_set(err, "'%s': read error while splitting the data", path);
    return 0;
}

/* Where a CSV file's first data record starts: after its first line. */
static int data_start(const char *path, uint64_t size, mg_format format, uint64_t *out, mg_error *err)
{
    mg_format f = format ? format : mg_format_from_path(path);
    *out = 0;
    if (f != MG_FORMAT_CSV || size == 0)
        return 0;
    return next_record_start(path, size, 1, 0, out, err);
}

static void add_piece(mg_shard_work *w, size_t *cap, size_t file, uint64_t begin, uint64_t end, uint64_t size)
{
    if (end <= begin && size > 0)
        return;
    w->pieces = mg_xgrow(w->pieces, cap, w->n + 1, sizeof *w->pieces);
    mg_shard_piece *p = &w->pieces[w->n++];
    p->file = file;
    p->begin = begin;
    p->end = end;
    p->whole = begin == 0 && end == size;
}

/* k/N of total, as integers: no overflow for any realistic size. */
static uint64_t share(uint64_t total, size_t k, size_t nshards)
{
    return total / nshards * k + total % nshards * k / nshards;
}

/* Whole files: shard k takes the run [bound[k], bound[k+1]), where bound[k]
 * is the file boundary whose running total of bytes is nearest to k/N of
 * all (the earlier one on a tie), kept so that every shard has a file. */
static void plan_by_file(const mg_data_files *files, size_t shard, size_t nshards, mg_shard_work *out)
{
    uint64_t *before = mg_xcalloc(files->n + 1, sizeof *before); /* bytes before file i */
    for (size_t i = 0; i < files->n; i++)
        before[i + 1] = before[i] + files->files[i].size;
    size_t lo = 0, hi = files->n; /* this shard's run */
    size_t prev = 0, i = 0;
    for (size_t k = 1; k <= shard + 1 && k < nshards; k++) {
        uint64_t target = share(before[files->n], k, nshards);
        while (i < files->n && before[i] < target)
            i++;
        size_t b = i > 0 && target - before[i - 1] <= before[i] - target ? i - 1 : i;
        if (b < prev + 1)
            b = prev + 1;
        if (b > files->n - (nshards - k))
            b = files->n - (nshards - k);
        if (k == shard)
            lo = b;
        if (k == shard + 1)
            hi = b;
        prev = b;
    }
    free(before);
    size_t cap = 0;
    for (size_t f = lo; f < hi; f++)
        add_piece(out, &cap, f, 0, files->files[f].size, files->files[f].size);
}

/* The k-th cut (0 < k < N) of the bytes, moved to a record start. */
static int byte_cut(const mg_data_files *files, mg_format format, size_t k, size_t nshards, uint64_t total,
                    cut *out, mg_error *err)
{
    uint64_t target = share(total, k, nshards);
    size_t f = 0;
    while (f + 1 < files->n && target >= files->files[f].size) {
        target -= files->files[f].size;
        f++;
    }
    const mg_data_file *df = &files->files[f];
    uint64_t start;
    if (data_start(df->path, df->size, format, &start, err) != 0)
        return -1;
    out->file = f;
    if (target == 0) {
        out->at = 0;
        return 0;
    }
    return next_record_start(df->path, df->size, target, start, &out->at, err);
}

int mg_shard_plan(const mg_data_files *files, mg_format format, size_t shard, size_t nshards,
                  mg_shard_work *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    if (!files || files->n == 0)
        return mg_error_set(err, "no data files to split into shards");
    if (nshards == 0 || nshards > MG_SHARDS_MAX)
        return mg_error_set(err, "%zu shards: expected 1 to %d", nshards, MG_SHARDS_MAX);
    if (shard >= nshards)
        return mg_error_set(err, "shard %zu of %zu: expected 1 to %zu", shard + 1, nshards, nshards);
    for (size_t i = 0; i < files->n; i++)
        if (strcmp(files->files[i].path, "-") == 0)
            return mg_error_set(err, "standard input cannot be split into shards: name the data files");
    if (files->n >= nshards) {
        plan_by_file(files, shard, nshards, out);
        return 0;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < files->n; i++)
        total += files->files[i].size;
    cut from = {0, 0}, to = {files->n - 1, files->files[files->n - 1].size};
    if (shard > 0 && byte_cut(files, format, shard, nshards, total, &from, err) != 0)
        return -1;
    if (shard + 1 < nshards && byte_cut(files, format, shard + 1, nshards, total, &to, err) != 0)
        return -1;
    size_t cap = 0;
    for (size_t f = from.file; f <= to.file; f++) {
        uint64_t size = files->files[f].size;
        uint64_t begin = f == from.file ? from.at : 0;
        uint64_t end = f == to.file ? to.at : size;
        /* A file whose range is empty or the header alone gives no rows, but
         * a whole empty file is kept: its header still takes part. */
        uint64_t start = 0;
        if (begin > 0 || end < size) {
            if (data_start(files->files[f].path, size, format, &start, err) != 0) {
                mg_shard_work_free(out);
                return -1;
            }
            if (end <= start || end <= begin)
                continue;
        }
        add_piece(out, &cap, f, begin, end, size);
    }
    return 0;
}

void mg_shard_work_free(mg_shard_work *work)
{
    if (!work)
        return;
    free(work->pieces);
    memset(work, 0, sizeof *work);
}

/* Lines before offset in path, for the line number where a range starts. */
static int count_lines(FILE *fp, const char *path, uint64_t offset, unsigned long *lines, mg_error *err)
{
    char buf[65536];
    *lines = 0;
    if (fseeko(fp, 0, SEEK_SET) != 0)
        return mg_error_set(err, "'%s': cannot seek in the data: %s", path, strerror(errno));
    for (uint64_t left = offset; left > 0;) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        size_t got = fread(buf, 1, want, fp);
        if (got == 0)
            return mg_error_set(err, "'%s': the file ends before byte %llu of its shard", path,
                                (unsigned long long)offset);
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + got - p))) != NULL; p++)
            (*lines)++;
        left -= got;
    }
    return 0;
}

mg_source *mg_source_open_range(const char *path, const mg_source_options *opts, uint64_t begin, uint64_t end,
                                mg_error *err)
{
    mg_source *src = mg_source_open(path, opts, err);
    if (!src)
        return NULL;
    if (begin == 0 && end == (uint64_t)src->at_open.st_size)
        return src;
    if (!src->regular || strcmp(path, "-") == 0 || begin > end || end > (uint64_t)src->at_open.st_size) {
        mg_error_set(err, "'%s': cannot read bytes %llu to %llu of it", path, (unsigned long long)begin,
                     (unsigned long long)end);
        mg_source_free(src);
        return NULL;
    }
    /* A CSV range from the start: its rows start after the header, read already. */
    if (begin == 0 && src->format == MG_FORMAT_CSV &&
        next_record_start(path, (uint64_t)src->at_open.st_size, 1, 0, &begin, err) != 0) {
        mg_source_free(src);
        return NULL;
    }
    if (begin > end)
        begin = end;
    unsigned long lines = 0;
    /* The header (or JSONL column discovery) was read; what was read ahead
     * is dropped and reading starts again at begin. */
    free(src->ahead.buf);
    memset(&src->ahead, 0, sizeof src->ahead);
    int rc = count_lines(src->fp, path, begin, &lines, err);
    if (rc == 0 && fseeko(src->fp, (off_t)begin, SEEK_SET) != 0)
        rc = mg_error_set(err, "'%s': cannot seek in the data: %s", path, strerror(errno));
    if (rc != 0) {
        mg_source_free(src);
        return NULL;
    }
    src->ranged = 1;
    src->range_begin = begin;
    src->range_end = end;
    src->input_eof = 0;
    src->bytes_read = 0;
    mg_sha256_discard(&src->hash);
    mg_sha256_init(&src->hash);
    if (src->format == MG_FORMAT_CSV)
        mg_csv_restart(src, lines + 1);
    else
        mg_jsonl_restart(src, lines + 1);
    return src;
}
