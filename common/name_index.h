/*
 * name_index.h - position of a name in a list (column names, model feature
 * names) in constant time, on the project's hash table (common/keytable.h).
 *
 * Finding a column or a duplicate name by comparing every pair is quadratic:
 * 100,000 columns took over ten seconds.  The index stores the 128-bit
 * fingerprint of each name with its position, so memory is 32 bytes a slot
 * whatever the names' length; two different names sharing a fingerprint is
 * astronomically unlikely (about n^2 / 2^129).
 *
 * The index does not keep the names: it borrows nothing and owns only its
 * table.  mg_name_index_free accepts a zeroed index.
 */
#ifndef MG_COMMON_NAME_INDEX_H
#define MG_COMMON_NAME_INDEX_H

#include <stddef.h>

#include "common/keytable.h"

typedef struct mg_name_index {
    mg_keytable table; /* private: fingerprint -> position + 1 (in `line`) */
} mg_name_index;

void mg_name_index_init(mg_name_index *ix);
void mg_name_index_free(mg_name_index *ix);

/* Records that `name` is at position `pos`.  Returns -1 when the name is
 * new, or the position it was first recorded at (which is kept: a repeated
 * name never replaces the first). */
long mg_name_index_add(mg_name_index *ix, const char *name, size_t pos);

/* The position `name` was first recorded at, or -1. */
long mg_name_index_find(const mg_name_index *ix, const char *name);

#endif
