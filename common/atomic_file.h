/*
 * atomic_file.h - write a file so that readers see the old one or the new
 * one, never half of either: write to a temporary file in the same folder,
 * fsync, then rename over the target.
 *
 * The temporary file is "TARGET.tmp.XXXXXX" (mkstemp's six letters and
 * digits).  Its writer holds an exclusive flock on it from creation to the
 * rename, so a file of that name that nobody holds is left over from a
 * writer that died (kill -9, power loss): mg_atomic_clean_stale removes
 * those and never a file another live writer is filling.
 */
#ifndef MG_COMMON_ATOMIC_FILE_H
#define MG_COMMON_ATOMIC_FILE_H

#include <stdio.h>
#include <time.h>

#include "common/error.h"

typedef struct mg_atomic_file {
    char *path;     /* the target */
    char *tmp_path; /* the temporary file beside it */
    FILE *fp;       /* open for writing on tmp_path (NULL when the caller writes by name) */
} mg_atomic_file;

/* Creates the temporary file (mode 0644), locks and opens it.  Returns 0 or -1. */
int mg_atomic_open(mg_atomic_file *af, const char *path, mg_error *err);
/* Flushes, checks for write errors, fsyncs, closes and renames into place.
 * On failure the temporary file is removed and the target left untouched. */
int mg_atomic_commit(mg_atomic_file *af, mg_error *err);
/* Gives up: closes and removes the temporary file.  Safe after commit. */
void mg_atomic_abort(mg_atomic_file *af);

/*
 * Removes the temporary files a dead writer left beside `path`: entries
 * named exactly "BASENAME(path).tmp.XXXXXX" (six ASCII letters or digits)
 * that are regular files, were last modified before `before`, and whose
 * flock can be taken at once (a live writer holds it).  A missing folder
 * has nothing to clean.  Returns how many files were removed, or -1 with
 * err when one could not be removed (the others still are).
 */
int mg_atomic_clean_stale(const char *path, const struct timespec *before, mg_error *err);

#endif
