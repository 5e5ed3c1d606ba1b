/*
 * keytable.h - a hash table from 128-bit key fingerprints to a small payload.
 *
 * The duplicates and order checks must remember every id (or key) they have
 * seen.  Storing the values themselves would grow with their length; a
 * 128-bit fingerprint (two independent 64-bit hashes) makes a false match
 * astronomically unlikely (about n^2 / 2^129) at a fixed 32 bytes per entry.
 * Memory grows with the number of distinct keys, not with row width.
 */
#ifndef MG_COMMON_KEYTABLE_H
#define MG_COMMON_KEYTABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mg_key128 {
    uint64_t hi, lo;
} mg_key128;

typedef struct mg_key_entry {
    mg_key128 key;
    double value;   /* the caller's: e.g. the latest time seen */
    uint64_t line;  /* the caller's: e.g. the line it was first seen on; 0 = empty slot */
} mg_key_entry;

typedef struct mg_keytable {
    mg_key_entry *slots;
    size_t cap;   /* a power of two */
    size_t count;
} mg_keytable;

void mg_keytable_init(mg_keytable *t);
void mg_keytable_free(mg_keytable *t);

/* Finds the entry for key, inserting a zeroed one (line = 0) when absent;
 * *found tells which.  The pointer is valid until the next insert.  The
 * caller must set line to a non-zero value on a new entry. */
mg_key_entry *mg_keytable_upsert(mg_keytable *t, mg_key128 key, int *found);

/* The entry for key, or NULL when absent.  Never inserts.  The pointer is
 * valid until the next insert. */
const mg_key_entry *mg_keytable_find(const mg_keytable *t, mg_key128 key);

/* Incremental fingerprint of a sequence of byte strings. */
typedef struct mg_key_hasher {
    uint64_t a, b;
} mg_key_hasher;

void mg_key_hasher_init(mg_key_hasher *h);
/* Adds one part; parts are length-prefixed, so ("ab","c") != ("a","bc"). */
void mg_key_hasher_add(mg_key_hasher *h, const void *data, size_t len);
mg_key128 mg_key_hasher_done(const mg_key_hasher *h);

#endif
