/*
 * mkdirs.h - create the folders leading to a file, as `mkdir -p $(dirname F)`.
 */
#ifndef MG_COMMON_MKDIRS_H
#define MG_COMMON_MKDIRS_H

#include "common/error.h"

/* Creates every missing folder above `path` (mode 0777 & ~umask).  Returns 0,
 * or -1 with err naming the folder that could not be made. */
int mg_mkdirs_for(const char *path, mg_error *err);

#endif
