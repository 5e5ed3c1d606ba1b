/*
 * suggest.h - "did you mean" for misspelt names.
 */
#ifndef MG_COMMON_SUGGEST_H
#define MG_COMMON_SUGGEST_H

#include <stddef.h>

/* Returns the candidate closest to `word` by edit distance when it is close
 * enough to be a likely typo (at most 2 edits, and fewer than half the
 * word's length), else NULL.  candidates is NULL-terminated; the result is
 * borrowed from it. */
const char *mg_suggest(const char *word, const char *const *candidates);

/* Edit (Levenshtein) distance between two strings, capped at 64-byte words. */
size_t mg_edit_distance(const char *a, const char *b);

#endif
