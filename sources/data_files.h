/*
 * data_files.h - the files of one data set: `data.path` as one path, a
 * glob, or a list of them, resolved to the files read in order as one data
 * set, and the line numbers that say which of those files a row came from.
 *
 * Order: the entries in the order given; the files a glob matches sorted by
 * byte value (strcmp, whatever the locale), so every machine and every
 * shard sees the same order.  A file named twice (by two entries, or as the
 * same file under two names) is an error: it would be counted twice.  A
 * glob that matches nothing is an error naming the pattern.
 *
 * Lines: a row of the k-th file (0-based) at that file's line L carries the
 * line mg_line_encode(k, L); for the first file (and a single file) that is
 * L itself, so a one-file data set reads exactly as before.  Encoded lines
 * keep data order when compared; mg_line_file / mg_line_local take them
 * apart to print "FILE:LINE".
 */
#ifndef MG_SOURCES_DATA_FILES_H
#define MG_SOURCES_DATA_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Lines per file up to 2^40, files up to 2^23: unsigned long must be 64 bits. */
#define MG_LINE_FILE_SHIFT 40
_Static_assert(sizeof(unsigned long) >= 8, "encoded data lines need a 64-bit unsigned long");

static inline unsigned long mg_line_encode(size_t file, unsigned long line)
{
    return ((unsigned long)file << MG_LINE_FILE_SHIFT) | line;
}
static inline size_t mg_line_file(unsigned long line) { return (size_t)(line >> MG_LINE_FILE_SHIFT); }
static inline unsigned long mg_line_local(unsigned long line)
{
    return line & ((1UL << MG_LINE_FILE_SHIFT) - 1);
}

typedef struct mg_data_file {
    char *path;
    uint64_t size;   /* bytes at resolution (0 for standard input) */
} mg_data_file;

typedef struct mg_data_files {
    mg_data_file *files;
    size_t n;
} mg_data_files;

/* The most files one data set may have (the line encoding's limit). */
#define MG_DATA_FILES_MAX ((size_t)1 << 23)

/* True when entry holds a glob character (*, ? or [). */
int mg_data_is_pattern(const char *entry);

/* Resolves entries (paths or glob patterns, already resolved against the
 * spec's folder; "-" is standard input and must be alone) into out.
 * Returns 0, or -1 with err naming the entry: a pattern that matches
 * nothing, a file named twice, a folder, a file that cannot be examined. */
int mg_data_files_resolve(const char *const *entries, size_t nentries, mg_data_files *out, mg_error *err);
void mg_data_files_free(mg_data_files *files);

/* The data set's fingerprint from its files' SHA-256 (64 hex digits each,
 * in reading order): one file's own hash; for several, the SHA-256 of the
 * text made of each file's hex hash and a '\n', in order.  Path-independent:
 * the same files under other names give the same fingerprint. */
void mg_data_files_fingerprint(const char (*file_hex)[65], size_t n, char hex[65]);

#endif
