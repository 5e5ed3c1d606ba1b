/*
 * pmml.h - the in-memory form of a PMML document, shared by pmml_load.c
 * (XML -> these structs) and pmml_eval.c (scoring).  Private to score/.
 *
 * Fields are numbered once for the whole document: the DataDictionary's
 * DataFields first, then every OutputField (modelChain passes them from one
 * segment to the next).  Class labels are numbered once too: the target
 * DataField's Values in order, then labels met in the models.
 */
#ifndef MG_SCORE_PMML_H
#define MG_SCORE_PMML_H

#include <stddef.h>

#include "common/error.h"
#include "score/model_internal.h"

#define PM_MAX_DEPTH 200

typedef struct pm_field {
    char *name;
    int categorical; /* categorical or ordinal: compared as strings */
    int is_float;    /* dataType float: compared in float32 */
    char **valid;    /* declared valid Values (categorical), or NULL */
    size_t nvalid;
    char **missing_values; /* Values with property="missing" */
    size_t nmissing_values;
} pm_field;

enum { PM_INVALID_RETURN, PM_INVALID_ASIS, PM_INVALID_ASMISSING };

/* An active MiningField of the top-level model: one model feature. */
typedef struct pm_input {
    int field;
    int has_replacement;
    double repl_num;
    char *repl_str;
    int invalid; /* PM_INVALID_* */
} pm_input;

/* A field's value while a row is scored. */
typedef struct pm_val {
    int missing;
    int isnum; /* num holds a number */
    double num;
    const char *str; /* text form (borrowed), NULL for computed numbers */
} pm_val;

enum { PP_TRUE, PP_FALSE, PP_SIMPLE, PP_COMPOUND, PP_SET };
enum { PO_EQ, PO_NE, PO_LT, PO_LE, PO_GT, PO_GE, PO_ISMISSING, PO_ISNOTMISSING };
enum { PB_AND, PB_OR, PB_XOR, PB_SURROGATE };

typedef struct pm_pred {
    int kind;
    int op;   /* PO_* (simple), PB_* (compound), 1 isIn / 0 isNotIn (set) */
    int field;
    double num;
    int num_ok;
    char *str;
    char **set;
    size_t nset;
    struct pm_pred *kids;
    size_t nkids;
} pm_pred;

typedef struct pm_node {
    char *id;
    int line;
    pm_pred pred;
    int has_score;
    double score_num; /* regression */
    int score_label;  /* classification: label index of score, -1 if none */
    double *dist;     /* classification: probabilities per label, or NULL */
    size_t dist_width; /* entries in dist */
    char *default_child;
    int default_idx;  /* index in kids, -1 */
    struct pm_node *kids;
    size_t nkids;
} pm_node;

enum { PM_REGRESSION_MODEL, PM_TREE_MODEL, PM_MINING_MODEL };
enum { PN_NONE, PN_LOGIT, PN_SOFTMAX, PN_EXP, PN_SIMPLEMAX };
enum { PMS_NONE, PMS_LAST, PMS_NULL, PMS_DEFAULT };
enum { PSEG_SUM, PSEG_AVERAGE, PSEG_WAVERAGE, PSEG_MAJORITY, PSEG_CHAIN, PSEG_FIRST };
enum { POUT_PREDICTED, POUT_PROBABILITY };

typedef struct pm_numpred {
    int field;
    double coef;
    int exponent;
} pm_numpred;

typedef struct pm_catpred {
    int field;
    char *value;
    double coef;
} pm_catpred;

typedef struct pm_rtable {
    int label; /* classification: label index; -1 for regression */
    double intercept;
    pm_numpred *num;
    size_t nnum;
    pm_catpred *cat;
    size_t ncat;
} pm_rtable;

typedef struct pm_output {
    int field;
    int feature; /* POUT_* */
    int label;   /* for POUT_PROBABILITY */
} pm_output;

struct pm_model;

typedef struct pm_segment {
    pm_pred pred;
    double weight;
    struct pm_model *model;
} pm_segment;

typedef struct pm_model {
    int kind;
    int classification;
    int line;
    double rescale_factor, rescale_const;
    /* RegressionModel */
    pm_rtable *tables;
    size_t ntables;
    int norm;
    /* TreeModel */
    pm_node root;
    int missing_strategy;
    int return_last; /* noTrueChildStrategy="returnLastPrediction" */
    /* MiningModel */
    int method;
    pm_segment *segs;
    size_t nsegs;
    /* Output fields (fed to later segments of a modelChain) */
    pm_output *outs;
    size_t nouts;
    double *probs; /* scratch: nlabels */
} pm_model;

typedef struct pm_doc {
    pm_field *fields;
    size_t nfields;
    char **labels;
    size_t nlabels;
    pm_input *inputs;
    size_t ninputs;
    pm_model *top;
    int target; /* field index of the top model's target, -1 */
    pm_val *env; /* scratch: nfields */
    const char *path;
} pm_doc;

/* pmml_eval.c: scores the top model with env filled.  Classification fills
 * probs[nlabels]; regression sets *value.  Returns 0 or -1 with err. */
int pm_eval_model(pm_doc *d, pm_model *m, double *value, mg_error *err);
void pm_model_free(pm_model *m);
void pm_pred_free(pm_pred *p);

#endif
