/*
 * pmml_load.h - what the parts of the PMML loader share (private to score/):
 * the loading context, the small XML helpers of pmml_xml.c, and the
 * entry points of the predicate, model and schema loaders.
 *
 *   pmml_xml.c     attributes, numbers, field and label lookups, errors
 *   pmml_pred.c    predicates (True, False, Simple, SimpleSet, Compound)
 *   pmml_models.c  TreeModel, RegressionModel, MiningModel (segments)
 *   pmml_schema.c  a model's MiningSchema, Targets and Output; the
 *                  DataDictionary; the dispatch on the model element
 *   pmml_load.c    the document: safe parse, binding, scoring a row
 */
#ifndef MG_SCORE_PMML_LOAD_H
#define MG_SCORE_PMML_LOAD_H

#include <libxml/tree.h>

#include "common/name_index.h"
#include "score/pmml.h"

#define PM_MAX_TABLES 4096

typedef struct load_ctx {
    pm_doc *d;
    const char *path;
    mg_error *err;
    int doctype_seen;
    size_t ndata_fields; /* fields from the DataDictionary (the rest are outputs) */
    int *used_line; /* per field: line of a first use by the scoring logic, 0 if none */
    size_t used_cap;
    /* Hash indexes: a model with 100k fields must not compare every pair. */
    mg_name_index field_names; /* field name -> index in d->fields */
    mg_name_index input_names; /* names of the top model's active fields */
    size_t fields_cap;         /* d->fields allocated, doubling (not one more each time) */
    char xml_err[512];
    int xml_line;
} load_ctx;

/* Small XML helpers (pmml_xml.c).  The fail_* helpers set c->err with the
 * file and the element's line and return -1. */
int pmx_is_el(const xmlNode *n, const char *name);
const char *pmx_attr(const xmlNode *n, const char *name);
int pmx_line_of(const xmlNode *n);
int pmx_fail_at(load_ctx *c, const xmlNode *n, const char *fmt, const char *a, const char *b);
int pmx_unsupported(load_ctx *c, const xmlNode *n);
int pmx_ignorable(const xmlNode *n);
int pmx_parse_double(const char *s, double *out);
int pmx_need_double(load_ctx *c, const xmlNode *n, const char *name, double *out);
int pmx_opt_double(load_ctx *c, const xmlNode *n, const char *name, double def, double *out);
int pmx_field_index(const load_ctx *c, const char *name);
int pmx_need_field(load_ctx *c, const xmlNode *n, int *out);
int pmx_use_field(load_ctx *c, const xmlNode *n, int *out);
int pmx_label_index(pm_doc *d, const char *s);

/* Loaders: 0 (or a model) on success, -1 (NULL) with c->err set. */
/* Whether n is one of the predicate elements pm_load_pred reads. */
int pm_is_predicate(const xmlNode *n);
int pm_load_pred(load_ctx *c, const xmlNode *n, pm_pred *p, int depth);
pm_model *pm_load_model(load_ctx *c, const xmlNode *n, int depth, int top);
int pm_load_tree_model(load_ctx *c, pm_model *m, const xmlNode *n);
int pm_load_regression_model(load_ctx *c, pm_model *m, const xmlNode *n);
int pm_load_mining_model(load_ctx *c, pm_model *m, const xmlNode *n, int depth);
int pm_load_dictionary(load_ctx *c, const xmlNode *n);
void pm_finish_model(pm_model *m, size_t nlabels);

#endif
