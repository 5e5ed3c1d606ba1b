/*
 * xmem.h - allocation helpers.  Out of memory is not a condition mgate can
 * report usefully from deep inside a check, so these abort with a message
 * (exit status 3, internal error) instead of returning NULL.
 */
#ifndef MG_COMMON_XMEM_H
#define MG_COMMON_XMEM_H

#include <stddef.h>

void *mg_xmalloc(size_t n);
void *mg_xcalloc(size_t count, size_t size);
void *mg_xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `elem` bytes, doubling;
 * *cap is updated.  Returns the (possibly moved) array. */
void *mg_xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *mg_xstrdup(const char *s);
char *mg_xstrndup(const char *s, size_t n);
/* printf into a new string the caller frees. */
char *mg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
