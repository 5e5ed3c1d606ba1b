/*
 * xgboost_model.h - the in-memory XGBoost model shared by its loader
 * (xgboost_load.c) and its scorer (xgboost.c).  Private to score/.
 */
#ifndef MG_SCORE_XGBOOST_MODEL_H
#define MG_SCORE_XGBOOST_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "score/model_internal.h"

/* Limits against hostile files. */
#define XGB_MAX_NODES_PER_TREE (1L << 24)
#define XGB_MAX_NODES_TOTAL (1L << 26)
#define XGB_MAX_TREES (1L << 20)
#define XGB_MAX_FEATURES (1L << 20)
#define XGB_MAX_CLASSES 4096

#define XGB_DEFAULT_LEFT 0x80000000u

typedef struct xgb_node {
    int32_t left;     /* absolute index of the left child; -1 for a leaf */
    int32_t right;    /* absolute index of the right child */
    uint32_t feature; /* split feature | XGB_DEFAULT_LEFT */
    float value;      /* split condition, or the leaf value */
} xgb_node;

typedef enum xgb_transform { XGB_IDENTITY, XGB_SIGMOID, XGB_SOFTMAX } xgb_transform;

typedef struct xgb_model {
    xgb_node *nodes;
    size_t nnodes;
    int32_t *roots;  /* per tree */
    int32_t *groups; /* output group per tree */
    size_t ntrees;
    size_t ngroups;
    float base_margin;
    xgb_transform transform;
    float *fvec;   /* scratch: features as float32, NaN = missing */
    float *margin; /* scratch: ngroups */
    float *block_fv;     /* batch scratch: XGB_BLOCK rows of features */
    float *block_margin; /* batch scratch: XGB_BLOCK rows of margins */
} xgb_model;

/* The scorer's operations (xgboost.c), for the loader to build models with. */
extern const mg_model_ops mg_xgb_ops;

#endif
