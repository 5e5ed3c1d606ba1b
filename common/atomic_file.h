/*
 * atomic_file.h - write a file so that readers see the old one or the new
 * one, never half of either: write to a temporary file in the same folder,
 * fsync, then rename over the target.
 */
#ifndef MG_COMMON_ATOMIC_FILE_H
#define MG_COMMON_ATOMIC_FILE_H

#include <stdio.h>

#include "common/error.h"

typedef struct mg_atomic_file {
    char *path;     /* the target */
    char *tmp_path; /* the temporary file beside it */
    FILE *fp;       /* open for writing on tmp_path (NULL when the caller writes by name) */
} mg_atomic_file;

/* Creates the temporary file (mode 0644) and opens it.  Returns 0 or -1. */
int mg_atomic_open(mg_atomic_file *af, const char *path, mg_error *err);
/* Flushes, checks for write errors, fsyncs, closes and renames into place.
 * On failure the temporary file is removed and the target left untouched. */
int mg_atomic_commit(mg_atomic_file *af, mg_error *err);
/* Gives up: closes and removes the temporary file.  Safe after commit. */
void mg_atomic_abort(mg_atomic_file *af);

#endif
