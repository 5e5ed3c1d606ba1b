/*
 * data_files.c - resolving data.path entries (paths and glob patterns) to
 * the ordered list of files read as one data set.
 */
#include "sources/data_files.h"

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/sha256.h"
#include "common/xmem.h"

int mg_data_is_pattern(const char *entry)
{
    return strpbrk(entry, "*?[") != NULL;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct resolving {
    mg_data_files *out;
    size_t cap;
    dev_t *dev;      /* per file, to tell one file named twice */
    ino_t *ino;
    size_t *entry;   /* the entry that named it */
} resolving;

static int add_file(resolving *r, const char *path, size_t entry, mg_error *err)
{
    mg_data_files *out = r->out;
    struct stat st;
    int is_stdin = strcmp(path, "-") == 0;
    if (!is_stdin && stat(path, &st) != 0)
        return mg_error_set(err, "'%s': cannot open the data: %s", path, strerror(errno));
    if (!is_stdin && S_ISDIR(st.st_mode))
        return mg_error_set(err, "'%s': is a folder, expected a data file", path);
    if (out->n >= MG_DATA_FILES_MAX)
        return mg_error_set(err, "data.path names more than %zu files", MG_DATA_FILES_MAX);
    for (size_t i = 0; i < out->n && !is_stdin; i++)
        if (strcmp(out->files[i].path, path) == 0 ||
            (r->dev[i] == st.st_dev && r->ino[i] == st.st_ino && S_ISREG(st.st_mode)))
            return mg_error_set(err, "'%s': data.path names this file twice (entries %zu and %zu): its rows "
                                     "would be counted twice", path, r->entry[i] + 1, entry + 1);
    if (out->n == r->cap) {
        size_t cap = r->cap;
        out->files = mg_xgrow(out->files, &cap, out->n + 1, sizeof *out->files);
        r->dev = mg_xrealloc(r->dev, cap * sizeof *r->dev);
        r->ino = mg_xrealloc(r->ino, cap * sizeof *r->ino);
        r->entry = mg_xrealloc(r->entry, cap * sizeof *r->entry);
        r->cap = cap;
    }
    out->files[out->n].path = mg_xstrdup(path);
    out->files[out->n].size = is_stdin || !S_ISREG(st.st_mode) ? 0 : (uint64_t)st.st_size;
    r->dev[out->n] = is_stdin ? 0 : st.st_dev;
    r->ino[out->n] = is_stdin ? 0 : st.st_ino;
    r->entry[out->n] = entry;
    out->n++;
    return 0;
}

static int add_pattern(resolving *r, const char *pattern, size_t entry, mg_error *err)
{
    glob_t g;
    memset(&g, 0, sizeof g);
    int rc = glob(pattern, GLOB_NOSORT, NULL, &g);
    if (rc == GLOB_NOMATCH) {
        globfree(&g);
        return mg_error_set(err, "'%s': no file matches this data.path pattern", pattern);
    }
    if (rc != 0) {
        globfree(&g);
        return mg_error_set(err, "'%s': cannot expand this data.path pattern (%s)", pattern,
                            rc == GLOB_NOSPACE ? "out of memory" : "a folder could not be read");
    }
    /* glob's own sort follows the locale's collation: sort by bytes instead. */
    qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, by_bytes);
    int out = 0;
    for (size_t i = 0; i < g.gl_pathc && out == 0; i++)
        out = add_file(r, g.gl_pathv[i], entry, err);
    globfree(&g);
    return out;
}

int mg_data_files_resolve(const char *const *entries, size_t nentries, mg_data_files *out, mg_error *err)
{
    memset(out, 0, sizeof *out);
    if (nentries == 0)
        return mg_error_set(err, "data.path names no file");
    resolving r = {.out = out};
    int rc = 0;
    for (size_t i = 0; i < nentries && rc == 0; i++) {
        if (strcmp(entries[i], "-") == 0 && nentries > 1)
            rc = mg_error_set(err, "data.path: \"-\" (standard input) cannot be one of several entries");
        else if (strcmp(entries[i], "-") != 0 && mg_data_is_pattern(entries[i]))
            rc = add_pattern(&r, entries[i], i, err);
        else
            rc = add_file(&r, entries[i], i, err);
    }
    free(r.dev);
    free(r.ino);
    free(r.entry);
    if (rc != 0)
        mg_data_files_free(out);
    return rc;
}

void mg_data_files_free(mg_data_files *files)
{
    if (!files)
        return;
    for (size_t i = 0; i < files->n; i++)
        free(files->files[i].path);
    free(files->files);
    memset(files, 0, sizeof *files);
}

void mg_data_files_fingerprint(const char (*file_hex)[65], size_t n, char hex[65])
{
    if (n == 1) {
        memcpy(hex, file_hex[0], 65);
        return;
    }
    mg_sha256 h;
    mg_sha256_init(&h);
    for (size_t i = 0; i < n; i++) {
        mg_sha256_update(&h, file_hex[i], 64);
        mg_sha256_update(&h, "\n", 1);
    }
    mg_sha256_final_hex(&h, hex);
}
