/*
 * tree_sketch.c - a quantile sketch that does not depend on how the rows
 * were split into shards (see tree_sketch.h for the tree and its rules).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/tree_sketch.h"
#include "common/sort_doubles.h"
#include "common/state_json.h"
#include "common/xmem.h"

#define LAST_BLOCK ((UINT64_C(1) << (64 - MG_TSKETCH_BLOCK_BITS)) - 1)

void mg_tsketch_init(mg_tsketch *t)
{
    memset(t, 0, sizeof *t);
}

void mg_tsketch_free(mg_tsketch *t)
{
    free(t->exact);
    free(t->first);
    free(t->last);
    for (size_t i = 0; i < t->nnodes; i++)
        mg_qsketch_free(&t->node[i].sketch);
    free(t->node);
    memset(t, 0, sizeof *t);
}

/* The seed of a node's compactions: its place in the tree (splitmix64). */
static uint64_t node_seed(unsigned level, uint64_t index)
{
    uint64_t z = index * 64 + level + UINT64_C(0x6d67617465);
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void push(double **v, size_t *n, size_t *cap, double x)
{
    *v = mg_xgrow(*v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = x;
}

static void append_node(mg_tsketch *t, unsigned level, uint64_t index, mg_qsketch *sk)
{
    t->node = mg_xgrow(t->node, &t->node_cap, t->nnodes + 1, sizeof *t->node);
    t->node[t->nnodes++] = (mg_tnode){.level = level, .index = index, .sketch = *sk};
}

/* A complete block's values as a leaf node. */
static void add_leaf(mg_tsketch *t, uint64_t block, const double *v, size_t n)
{
    mg_qsketch sk;
    mg_qsketch_init(&sk, MG_QSKETCH_K);
    double *sorted = mg_xmalloc((n ? n : 1) * sizeof *sorted);
    memcpy(sorted, v, n * sizeof *sorted);
    mg_sort_doubles(sorted, n); /* every level of a node's sketch stays sorted */
    for (size_t i = 0; i < n; i++)
        mg_qsketch_add_item(&sk, 0, sorted[i]);
    free(sorted);
    sk.n = n;
    mg_qsketch_seal(&sk, node_seed(0, block));
    append_node(t, 0, block, &sk);
}

/* into becomes the sketch of node (level, index), from is freed. */
static void combine(mg_qsketch *into, mg_qsketch *from, unsigned level, uint64_t index)
{
    mg_qsketch_absorb(into, from);
    mg_qsketch_free(from);
    mg_qsketch_seal(into, node_seed(level, index));
}

/* Whether every block of node (level, index) lies in [lo, hi]. */
static int node_within(unsigned level, uint64_t index, uint64_t lo, uint64_t hi)
{
    if (level > 64 - MG_TSKETCH_BLOCK_BITS || lo > hi)
        return 0;
    uint64_t start = index << level, end = start + ((UINT64_C(1) << level) - 1);
    return start >= lo && end <= hi;
}

static void remove_node(mg_tsketch *t, size_t i)
{
    memmove(&t->node[i], &t->node[i + 1], (t->nnodes - i - 1) * sizeof *t->node);
    t->nnodes--;
}

/* Turns the nodes of the complete blocks [lo, hi] into the largest nodes
 * they fill, lowest level first: a node whose parent lies in the range
 * joins its sibling, or, when the sibling holds no value, becomes the
 * parent as it is. */
static void settle_nodes(mg_tsketch *t, uint64_t lo, uint64_t hi)
{
    for (;;) {
        size_t at = t->nnodes;
        for (size_t i = 0; i < t->nnodes; i++)
            if (node_within(t->node[i].level + 1, t->node[i].index >> 1, lo, hi) &&
                (at == t->nnodes || t->node[i].level < t->node[at].level))
                at = i;
        if (at == t->nnodes)
            return;
        unsigned level = t->node[at].level;
        uint64_t index = t->node[at].index, parent = index >> 1;
        if (!(index & 1) && at + 1 < t->nnodes && t->node[at + 1].level == level &&
            t->node[at + 1].index == (index | 1)) {
            combine(&t->node[at].sketch, &t->node[at + 1].sketch, level + 1, parent);
            remove_node(t, at + 1);
        } else if ((index & 1) && at > 0 && t->node[at - 1].level == level && t->node[at - 1].index == index - 1) {
            combine(&t->node[at - 1].sketch, &t->node[at].sketch, level + 1, parent);
            remove_node(t, at);
            at--;
        }
        t->node[at].level = level + 1;
        t->node[at].index = parent;
    }
}

/* No more values can arrive in the last block: it becomes the first block
 * (raw, an earlier shard may hold its beginning) when it is the first one,
 * else a leaf node. */
static void close_last(mg_tsketch *t)
{
    if (t->last_block == t->first_block && t->nfirst == 0) {
        double *v = t->first;
        size_t cap = t->first_cap;
        t->first = t->last;
        t->first_cap = t->last_cap;
        t->nfirst = t->nlast;
        t->last = v;
        t->last_cap = cap;
    } else {
        add_leaf(t, t->last_block, t->last, t->nlast);
    }
    t->nlast = 0;
}

/* The next values are of block b, after the last one. */
static void advance(mg_tsketch *t, uint64_t b)
{
    close_last(t);
    t->last_block = b;
    settle_nodes(t, t->first_block + 1, b - 1);
}

static void count_values(mg_tsketch *t, uint64_t more, const double *v, size_t nv)
{
    if (t->n + more <= MG_QSKETCH_EXACT_MAX) {
        size_t n = (size_t)t->n;
        for (size_t i = 0; i < nv; i++)
            push(&t->exact, &n, &t->exact_cap, v[i]);
    } else {
        free(t->exact);
        t->exact = NULL;
        t->exact_cap = 0;
    }
    t->n += more;
}

void mg_tsketch_add(mg_tsketch *t, uint64_t line, double x)
{
    uint64_t b = line >> MG_TSKETCH_BLOCK_BITS;
    if (t->n == 0)
        t->first_block = t->last_block = b;
    else if (b > t->last_block)
        advance(t, b);
    push(&t->last, &t->nlast, &t->last_cap, x);
    count_values(t, 1, &x, 1);
}

void mg_tsketch_merge(mg_tsketch *into, mg_tsketch *from)
{
    if (from->n == 0)
        return;
    if (into->n == 0) {
        mg_tsketch_free(into);
        *into = *from;
        mg_tsketch_init(from);
        return;
    }
    count_values(into, from->n, from->exact, from->exact ? (size_t)from->n : 0);
    int one_block = from->nfirst == 0; /* from's values of its first block are in `last` */
    const double *head = one_block ? from->last : from->first;
    size_t nhead = one_block ? from->nlast : from->nfirst;
    /* from's first block continues into's last one, or starts after it */
    if (from->first_block > into->last_block)
        advance(into, from->first_block);
    for (size_t i = 0; i < nhead; i++)
        push(&into->last, &into->nlast, &into->last_cap, head[i]);
    if (!one_block) {
        close_last(into);
        for (size_t i = 0; i < from->nnodes; i++)
            append_node(into, from->node[i].level, from->node[i].index, &from->node[i].sketch);
        from->nnodes = 0;
        free(into->last);
        into->last = from->last;
        into->nlast = from->nlast;
        into->last_cap = from->last_cap;
        into->last_block = from->last_block;
        from->last = NULL;
        from->nlast = from->last_cap = 0;
        settle_nodes(into, into->first_block + 1, into->last_block - 1);
    }
    mg_tsketch_free(from);
}

void mg_tsketch_result(const mg_tsketch *t, mg_qsketch *out)
{
    mg_qsketch_init(out, MG_QSKETCH_K);
    if (t->n <= MG_QSKETCH_EXACT_MAX) {
        for (uint64_t i = 0; i < t->n; i++)
            mg_qsketch_add(out, t->exact[i]);
        return;
    }
    /* every block is complete now: fold copies of the nodes up to the root */
    mg_tsketch all;
    mg_tsketch_init(&all);
    if (t->nfirst)
        add_leaf(&all, t->first_block, t->first, t->nfirst);
    for (size_t i = 0; i < t->nnodes; i++) {
        const mg_qsketch *s = &t->node[i].sketch;
        mg_qsketch copy;
        mg_qsketch_init(&copy, s->k);
        for (size_t h = 0; h < s->nlevels; h++)
            for (size_t j = 0; j < s->len[h]; j++)
                mg_qsketch_add_item(&copy, h, s->level[h][j]);
        copy.n = s->n;
        copy.exact = 0;
        append_node(&all, t->node[i].level, t->node[i].index, &copy);
    }
    if (t->nlast)
        add_leaf(&all, t->last_block, t->last, t->nlast);
    settle_nodes(&all, 0, LAST_BLOCK);
    mg_qsketch_free(out);
    *out = all.node[0].sketch;
    all.nnodes = 0;
    mg_tsketch_free(&all);
}

/* mg_state_doubles, also for no values (it copies from v: never NULL). */
static json_t *doubles_state(const double *v, size_t n)
{
    static const double none;
    return mg_state_doubles(n ? v : &none, n);
}

/* A node's sketch: its items level after level, and how many per level. */
static json_t *node_save(const mg_tnode *nd)
{
    const mg_qsketch *s = &nd->sketch;
    size_t total = 0;
    for (size_t h = 0; h < s->nlevels; h++)
        total += s->len[h];
    double *items = mg_xmalloc((total + 1) * sizeof *items);
    uint64_t *lengths = mg_xmalloc((s->nlevels + 1) * sizeof *lengths);
    size_t at = 0;
    for (size_t h = 0; h < s->nlevels; h++) {
        if (s->len[h]) /* an empty level may have no array */
            memcpy(items + at, s->level[h], s->len[h] * sizeof *items);
        at += s->len[h];
        lengths[h] = s->len[h];
    }
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "level", mg_state_count(nd->level), "index",
                          mg_state_count(nd->index), "n", mg_state_count(s->n), "lengths",
                          mg_state_counts(lengths, s->nlevels), "items", doubles_state(items, total));
    free(items);
    free(lengths);
    return o;
}

json_t *mg_tsketch_save(const mg_tsketch *t)
{
    json_t *nodes = json_array();
    for (size_t i = 0; i < t->nnodes; i++)
        json_array_append_new(nodes, node_save(&t->node[i]));
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "n", mg_state_count(t->n), "first_block",
                          mg_state_count(t->first_block), "last_block", mg_state_count(t->last_block), "first",
                          doubles_state(t->first, t->nfirst), "last", doubles_state(t->last, t->nlast),
                          "nodes", nodes);
    if (t->exact || t->n == 0)
        json_object_set_new(o, "exact", doubles_state(t->exact, (size_t)t->n));
    return o;
}

/* Values as a side keeps them: finite, and no -0.0. */
static int values_ok(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]) || (v[i] == 0.0 && signbit(v[i])))
            return 0;
    return 1;
}

/* Reads node i; 0, or -1 with msg. */
static int node_load(const json_t *j, mg_tnode *nd, char *msg, size_t size)
{
    uint64_t level, index, n, *lengths = NULL;
    double *items = NULL;
    size_t nlevels = 0, nitems = 0;
    mg_qsketch_init(&nd->sketch, MG_QSKETCH_K);
    if (mg_state_get_count(j, "level", &level, msg, size) != 0 || mg_state_get_count(j, "index", &index, msg, size) != 0 ||
        mg_state_get_count(j, "n", &n, msg, size) != 0 ||
        mg_state_get_counts(j, "lengths", &lengths, &nlevels, msg, size) != 0 ||
        mg_state_get_doubles(j, "items", &items, &nitems, msg, size) != 0) {
        free(lengths);
        return -1;
    }
    uint64_t weight = 0, sum = 0;
    int rc = level <= 64 - MG_TSKETCH_BLOCK_BITS && nlevels <= 64 && values_ok(items, nitems) ? 0 : -1;
    for (size_t h = 0; rc == 0 && h < nlevels; h++) {
        for (uint64_t i = 1; i < lengths[h] && sum + i < nitems; i++)
            if (items[sum + i] < items[sum + i - 1])
                rc = -1; /* every level of a tree node is sorted */
        sum += lengths[h];
        weight += lengths[h] << h;
        if (sum > nitems)
            rc = -1;
    }
    if (rc == 0 && (sum != nitems || weight != n || n == 0))
        rc = -1;
    size_t at = 0;
    for (size_t h = 0; rc == 0 && h < nlevels; h++)
        for (uint64_t i = 0; i < lengths[h]; i++)
            mg_qsketch_add_item(&nd->sketch, h, items[at++]);
    nd->level = (unsigned)level;
    nd->index = index;
    nd->sketch.n = n;
    nd->sketch.exact = 0;
    free(lengths);
    free(items);
    if (rc != 0)
        snprintf(msg, size, "a tree node's sketch: its levels, items and count disagree, or a level is not sorted");
    return rc;
}

int mg_tsketch_load(const json_t *j, mg_tsketch *t, char *msg, size_t size)
{
    mg_tsketch_init(t);
    const json_t *nodes = json_object_get(j, "nodes");
    size_t nexact = 0;
    if (!json_is_object(j) || !json_is_array(nodes))
        return snprintf(msg, size, "sketch: expected an object with \"nodes\""), -1;
    if (mg_state_get_count(j, "n", &t->n, msg, size) != 0 ||
        mg_state_get_count(j, "first_block", &t->first_block, msg, size) != 0 ||
        mg_state_get_count(j, "last_block", &t->last_block, msg, size) != 0 ||
        mg_state_get_doubles(j, "first", &t->first, &t->nfirst, msg, size) != 0 ||
        mg_state_get_doubles(j, "last", &t->last, &t->nlast, msg, size) != 0 ||
        (t->n <= MG_QSKETCH_EXACT_MAX && mg_state_get_doubles(j, "exact", &t->exact, &nexact, msg, size) != 0))
        goto bad;
    t->first_cap = t->nfirst;
    t->last_cap = t->nlast;
    t->exact_cap = nexact;
    uint64_t count = t->nfirst + t->nlast;
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        mg_tnode nd;
        if (node_load(json_array_get(nodes, i), &nd, msg, size) != 0) {
            mg_qsketch_free(&nd.sketch);
            goto bad;
        }
        append_node(t, nd.level, nd.index, &nd.sketch);
        count += nd.sketch.n;
        /* in order, strictly between the first and the last block */
        uint64_t start = nd.index << nd.level, end = start + ((UINT64_C(1) << nd.level) - 1);
        uint64_t prev_end = i ? (t->node[i - 1].index << t->node[i - 1].level) +
                                    ((UINT64_C(1) << t->node[i - 1].level) - 1) : t->first_block;
        if ((nd.index >> (64 - MG_TSKETCH_BLOCK_BITS - nd.level)) != 0 || start <= prev_end || end >= t->last_block) {
            snprintf(msg, size, "sketch: tree node %zu is out of order", i + 1);
            goto bad;
        }
    }
    if (t->n > 0 && (t->nlast == 0 || count != t->n || t->last_block < t->first_block ||
                     (t->nfirst > 0) != (t->last_block > t->first_block) ||
                     (t->n <= MG_QSKETCH_EXACT_MAX && nexact != t->n))) {
        snprintf(msg, size, "sketch: its blocks, nodes and counts disagree");
        goto bad;
    }
    if (!values_ok(t->first, t->nfirst) || !values_ok(t->last, t->nlast) || !values_ok(t->exact, nexact)) {
        snprintf(msg, size, "sketch: a value is not a finite number as a side keeps it");
        goto bad;
    }
    return 0;
bad:
    mg_tsketch_free(t);
    return -1;
}
