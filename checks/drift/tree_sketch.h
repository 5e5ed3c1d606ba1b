/*
 * tree_sketch.h - private to checks/drift/: the quantile sketch of the
 * current side of a number feature compared with a profile, built so that
 * it depends only on the values and their data lines, never on how the
 * rows were split into shards: one run and any merge of shards (in data
 * order) give the same sketch, bit for bit.
 *
 * While there are at most MG_QSKETCH_EXACT_MAX values, every value is kept
 * and the sketch is exact (as an mg_qsketch).  Past that it is the KLL
 * sketch (sketch.h, same k, same capacities and rank error) of a fixed
 * binary tree over blocks of MG_TSKETCH_BLOCK_LINES data lines: a block's
 * sketch holds its values, compacted as KLL compacts; a node's sketch is
 * its two children's merged and compacted, with the compaction offsets
 * drawn from a generator seeded with the node's place in the tree (a node
 * with one empty child is its other child).  A block is summarised once
 * no more values can arrive in it; the first block (an earlier shard may
 * hold its beginning) and the last (a later shard may hold its end) stay
 * raw values until the end, and the complete blocks between them are kept
 * as the largest tree nodes they fill (at most two per tree level).
 *
 * Memory: the exact values (8 bytes each, up to 10000), two raw blocks
 * (8 bytes a value, at most 2 x 128) and about two KLL sketches (at most
 * 3k items, under 8 KiB, usually much less) per level of the tree over the
 * blocks seen (log2(lines / 128)).
 *
 * A library: nothing here prints or exits.
 */
#ifndef MG_CHECKS_DRIFT_TREE_SKETCH_H
#define MG_CHECKS_DRIFT_TREE_SKETCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/drift/sketch.h"

#define MG_TSKETCH_BLOCK_BITS 7
#define MG_TSKETCH_BLOCK_LINES (1u << MG_TSKETCH_BLOCK_BITS)

/* A complete tree node: blocks index 2^level .. (index + 1) 2^level - 1. */
typedef struct mg_tnode {
    unsigned level;
    uint64_t index;
    mg_qsketch sketch;
} mg_tnode;

typedef struct mg_tsketch {
    uint64_t n;                 /* values added */
    double *exact;              /* every value while n <= MG_QSKETCH_EXACT_MAX, else NULL */
    size_t exact_cap;
    uint64_t first_block, last_block; /* blocks of the first and the last value */
    double *first;              /* the first block's values when it is not the last block */
    size_t nfirst, first_cap;
    double *last;               /* the last block's values */
    size_t nlast, last_cap;
    mg_tnode *node;             /* the blocks between, as the largest nodes they fill, in order */
    size_t nnodes, node_cap;
} mg_tsketch;

void mg_tsketch_init(mg_tsketch *t);
void mg_tsketch_free(mg_tsketch *t);
/* Adds a finite value of data line `line` (lines never decrease). */
void mg_tsketch_add(mg_tsketch *t, uint64_t line, double x);
/* Adds `from` (the values of later lines) to `into`; from is emptied. */
void mg_tsketch_merge(mg_tsketch *into, mg_tsketch *from);
/* The sketch of every value added: exact up to MG_QSKETCH_EXACT_MAX, else
 * the tree's root.  *out is a new sketch (free with mg_qsketch_free); t is
 * left as it was. */
void mg_tsketch_result(const mg_tsketch *t, mg_qsketch *out);

/* For a shard's state: a new JSON object, and back (0, or -1 with msg). */
json_t *mg_tsketch_save(const mg_tsketch *t);
int mg_tsketch_load(const json_t *j, mg_tsketch *t, char *msg, size_t size);

#endif
