/*
 * tmpfiles.h - scratch files for unit tests.  Files live in one temporary
 * folder per test process, removed at exit.
 */
#ifndef MG_TESTS_TMPFILES_H
#define MG_TESTS_TMPFILES_H

#include <stddef.h>

/* Writes content to NAME in the scratch folder; returns its path (static
 * storage per call slot: copy it if you need it past 32 further calls). */
const char *tu_write(const char *name, const char *content);
/* Same, with an explicit length (content may hold NUL bytes). */
const char *tu_write_len(const char *name, const char *content, size_t len);
/* The scratch folder. */
const char *tu_dir(void);

#endif
