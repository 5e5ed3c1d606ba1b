/*
 * xgboost.c - scores XGBoost JSON models (Booster.save_model("model.json"), the
 * 1.x and 2.x layouts): gbtree boosters with numerical splits.
 *
 * Trees are validated once at load (xgboost_load.c: shapes, child indices, proper tree from
 * the root) and laid out in one flat array of 16-byte nodes with absolute
 * child indices, so scoring is a tight loop without pointer chasing.
 *
 * Arithmetic follows xgboost's CPU predictor so that predictions equal
 * Booster.predict: features are converted to float32; a split goes left when
 * `x < split_condition` in float32, a missing value (absent, null, empty,
 * NaN) follows default_left; per output group the margin is a float32 sum
 * that starts at the base margin and adds each tree's leaf in tree order;
 * sigmoid and softmax are evaluated in float32 as xgboost does.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common/xmem.h"
#include "score/xgboost_model.h"

static void xgb_free(void *impl)
{
    xgb_model *x = impl;
    if (!x)
        return;
    free(x->nodes);
    free(x->roots);
    free(x->groups);
    free(x->fvec);
    free(x->margin);
    free(x->block_fv);
    free(x->block_margin);
    free(x);
}

static float xgb_sigmoid(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

/* Same steps as xgboost's common::Softmax: float exps, double sum. */
static void xgb_softmax(float *v, size_t k)
{
    float wmax = v[0];
    for (size_t i = 1; i < k; i++)
        wmax = fmaxf(v[i], wmax);
    double wsum = 0.0;
    for (size_t i = 0; i < k; i++) {
        v[i] = expf(v[i] - wmax);
        wsum += v[i];
    }
    for (size_t i = 0; i < k; i++)
        v[i] /= (float)wsum;
}

/* Reads row's features into fv as float32 (NaN = missing).  Returns 0 or -1
 * with err when a value is not a number. */
static int xgb_fill(mg_model *m, const mg_binding *b, const mg_row *row, float *fv,
                    mg_error *err)
{
    for (size_t i = 0; i < m->nfeatures; i++) {
        double d;
        if (mg_feature_number(m, b, row, i, &d, err) < 0)
            return -1;
        fv[i] = (float)d;
    }
    return 0;
}

/* One step down from internal node n: left when v < split (in float32), or
 * when v is missing (NaN) and the node's default is left.  Written without
 * branches so the compiler can use conditional moves. */
static inline int32_t xgb_step(const xgb_node *n, const float *fv)
{
    float v = fv[n->feature & ~XGB_DEFAULT_LEFT];
    int left = (v < n->value) | (isnan(v) & (int)(n->feature >> 31));
    return left ? n->left : n->right;
}

static inline int32_t xgb_leaf(const xgb_node *nodes, int32_t i, const float *fv)
{
    while (nodes[i].left >= 0)
        i = xgb_step(&nodes[i], fv);
    return i;
}

/* Turns margins (ngroups floats) into outputs, as xgboost's PredTransform. */
static void xgb_transform_out(const xgb_model *x, float *margin, double *out)
{
    switch (x->transform) {
    case XGB_SIGMOID:
        out[0] = xgb_sigmoid(margin[0]);
        break;
    case XGB_SOFTMAX:
        xgb_softmax(margin, x->ngroups);
        for (size_t g = 0; g < x->ngroups; g++)
            out[g] = margin[g];
        break;
    default:
        for (size_t g = 0; g < x->ngroups; g++)
            out[g] = margin[g];
        break;
    }
}

static int xgb_score_row(mg_model *m, const mg_binding *b, const mg_row *row, double *out,
                         mg_error *err)
{
    xgb_model *x = m->impl;
    if (xgb_fill(m, b, row, x->fvec, err) != 0)
        return -1;
    for (size_t g = 0; g < x->ngroups; g++)
        x->margin[g] = x->base_margin;
    for (size_t t = 0; t < x->ntrees; t++)
        x->margin[x->groups[t]] += x->nodes[xgb_leaf(x->nodes, x->roots[t], x->fvec)].value;
    xgb_transform_out(x, x->margin, out);
    return 0;
}

/*
 * Batch scoring in blocks of XGB_BLOCK rows with the tree loop outside the
 * row loop, as xgboost's CPU predictor does: one tree's nodes stay in cache
 * while every row of the block walks it.  Each row's margin still adds the
 * trees in order, so results equal xgb_score_row's bit for bit.
 */
#define XGB_BLOCK 64

static void xgb_block_scratch(mg_model *m, xgb_model *x)
{
    if (!x->block_fv) {
        size_t nf = m->nfeatures ? m->nfeatures : 1;
        x->block_fv = mg_xcalloc(XGB_BLOCK * nf, sizeof *x->block_fv);
        x->block_margin = mg_xcalloc(XGB_BLOCK * x->ngroups, sizeof *x->block_margin);
    }
}

/* The margins of the nb rows in block_fv, into block_margin. */
static void xgb_walk_block(const xgb_model *x, size_t nb, size_t nf)
{
    size_t ng = x->ngroups;
    for (size_t r = 0; r < nb * ng; r++)
        x->block_margin[r] = x->base_margin;
    const xgb_node *nodes = x->nodes;
    for (size_t t = 0; t < x->ntrees; t++) {
        int32_t root = x->roots[t];
        size_t g = (size_t)x->groups[t];
        size_t r = 0;
        /* Eight rows walk the tree side by side (independent loads
         * overlap); then the rest one by one. */
        for (; r + 8 <= nb; r += 8) {
            int32_t cur[8];
            for (int j = 0; j < 8; j++)
                cur[j] = root;
            for (int active = 1; active;) {
                active = 0;
                for (int j = 0; j < 8; j++) {
                    const xgb_node *nd = &nodes[cur[j]];
                    if (nd->left >= 0) {
                        cur[j] = xgb_step(nd, x->block_fv + (r + (size_t)j) * nf);
                        active = 1;
                    }
                }
            }
            for (int j = 0; j < 8; j++)
                x->block_margin[(r + (size_t)j) * ng + g] += nodes[cur[j]].value;
        }
        for (; r < nb; r++)
            x->block_margin[r * ng + g] += nodes[xgb_leaf(nodes, root, x->block_fv + r * nf)].value;
    }
}

static long xgb_score_batch(mg_model *m, const mg_binding *b, const mg_row *rows, size_t n,
                            double *out, unsigned char *ok, mg_error *row_err, mg_error *err)
{
    (void)err;
    xgb_model *x = m->impl;
    size_t nf = m->nfeatures ? m->nfeatures : 1, ng = x->ngroups;
    xgb_block_scratch(m, x);
    long scored = 0;
    int first = 1;
    size_t idx[XGB_BLOCK];
    for (size_t start = 0; start < n; start += XGB_BLOCK) {
        size_t k = n - start < XGB_BLOCK ? n - start : XGB_BLOCK;
        size_t nb = 0; /* rows of the block that can be scored */
        for (size_t r = 0; r < k; r++) {
            mg_error e;
            size_t row = start + r;
            if (xgb_fill(m, b, &rows[row], x->block_fv + nb * nf, &e) != 0) {
                ok[row] = 0;
                for (size_t g = 0; g < ng; g++)
                    out[row * ng + g] = NAN;
                if (first && row_err)
                    memcpy(row_err->msg, e.msg, sizeof e.msg);
                first = 0;
                continue;
            }
            idx[nb++] = row;
        }
        xgb_walk_block(x, nb, nf);
        for (size_t r = 0; r < nb; r++) {
            xgb_transform_out(x, x->block_margin + r * ng, out + idx[r] * ng);
            ok[idx[r]] = 1;
        }
        scored += (long)nb;
    }
    return scored;
}

/* Gathered features (doubles, NaN = missing) become float32 as in xgb_fill. */
static void xgb_score_features(mg_model *m, const double *features, size_t n, double *out)
{
    xgb_model *x = m->impl;
    size_t nf = m->nfeatures, stride = nf ? nf : 1, ng = x->ngroups;
    xgb_block_scratch(m, x);
    for (size_t start = 0; start < n; start += XGB_BLOCK) {
        size_t nb = n - start < XGB_BLOCK ? n - start : XGB_BLOCK;
        for (size_t r = 0; r < nb; r++)
            for (size_t i = 0; i < nf; i++)
                x->block_fv[r * stride + i] = (float)features[(start + r) * nf + i];
        xgb_walk_block(x, nb, stride);
        for (size_t r = 0; r < nb; r++)
            xgb_transform_out(x, x->block_margin + r * ng, out + (start + r) * ng);
    }
}

const mg_model_ops mg_xgb_ops = {xgb_free, xgb_score_row, xgb_score_batch, xgb_score_features};

