/*
 * pmml_schema.c - a model's MiningSchema, Targets and Output, the
 * DataDictionary, and the dispatch on the model element.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/xmem.h"
#include "score/pmml_load.h"

/* MiningSchema of a model.  The top model's active fields become the
 * model's inputs; nested schemas are checked but may not replace values. */
static int load_schema(load_ctx *c, pm_model *m, const xmlNode *n, int top)
{
    pm_doc *d = c->d;
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension"))
            continue;
        if (!pmx_is_el(k, "MiningField"))
            return pmx_unsupported(c, k);
        int f;
        if (pmx_need_field(c, k, &f) != 0)
            return -1;
        const char *usage = pmx_attr(k, "usageType");
        if (usage && (strcmp(usage, "target") == 0 || strcmp(usage, "predicted") == 0)) {
            if (top) {
                d->target = f;
                /* Declared class values fix the label order. */
                for (size_t i = 0; m->classification && i < d->fields[f].nvalid; i++)
                    pmx_label_index(d, d->fields[f].valid[i]);
            }
            continue;
        }
        if (usage && strcmp(usage, "active") != 0)
            continue; /* supplementary, group, order, frequencyWeight... */
        static const char *const unsupported_attrs[] = {"outliers", "lowValue", "highValue",
                                                        "invalidValueReplacement", NULL};
        for (int i = 0; unsupported_attrs[i]; i++) {
            const char *a = pmx_attr(k, unsupported_attrs[i]);
            if (a && !(i == 0 && strcmp(a, "asIs") == 0))
                return pmx_fail_at(c, k, "MiningField: attribute '%s' is not supported%s",
                               unsupported_attrs[i], "");
        }
        const char *repl = pmx_attr(k, "missingValueReplacement");
        const char *inv = pmx_attr(k, "invalidValueTreatment");
        int invalid = PM_INVALID_RETURN;
        if (inv) {
            if (strcmp(inv, "asIs") == 0)
                invalid = PM_INVALID_ASIS;
            else if (strcmp(inv, "asMissing") == 0)
                invalid = PM_INVALID_ASMISSING;
            else if (strcmp(inv, "returnInvalid") != 0)
                return pmx_fail_at(c, k, "MiningField: invalidValueTreatment '%s' is not "
                                     "supported%s", inv, "");
        }
        if (!top) {
            if (repl || invalid != PM_INVALID_RETURN)
                return pmx_fail_at(c, k, "MiningField: value treatment in a nested model's "
                                     "MiningSchema is not supported%s%s", "", "");
            continue;
        }
        if (mg_name_index_add(&c->input_names, d->fields[f].name, d->ninputs) >= 0)
            return pmx_fail_at(c, k, "MiningField '%s' is listed twice%s", d->fields[f].name, "");
        d->inputs = mg_xgrow(d->inputs, &cap, d->ninputs + 1, sizeof *d->inputs);
        pm_input *in = &d->inputs[d->ninputs++];
        memset(in, 0, sizeof *in);
        in->field = f;
        in->invalid = invalid;
        if (repl) {
            in->has_replacement = 1;
            in->repl_str = mg_xstrdup(repl);
            if (pmx_parse_double(repl, &in->repl_num) != 0) {
                if (!d->fields[f].categorical)
                    return pmx_fail_at(c, k, "MiningField: missingValueReplacement '%s' is not a "
                                         "number for continuous field '%s'",
                                   repl, d->fields[f].name);
                in->repl_num = NAN;
            }
        }
    }
    return 0;
}

static int load_targets(load_ctx *c, pm_model *m, const xmlNode *n)
{
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension"))
            continue;
        if (!pmx_is_el(k, "Target"))
            return pmx_unsupported(c, k);
        if (pmx_opt_double(c, k, "rescaleFactor", 1, &m->rescale_factor) != 0 ||
            pmx_opt_double(c, k, "rescaleConstant", 0, &m->rescale_const) != 0)
            return -1;
        if (pmx_attr(k, "castInteger") || pmx_attr(k, "min") || pmx_attr(k, "max"))
            return pmx_fail_at(c, k, "Target: castInteger/min/max are not supported%s%s", "", "");
        for (const xmlNode *t = k->children; t; t = t->next)
            if (t->type == XML_ELEMENT_NODE && !pmx_is_el(t, "Extension"))
                return pmx_unsupported(c, t);
    }
    return 0;
}

/* Output fields become new fields of the document (for modelChain). */
static int load_output(load_ctx *c, pm_model *m, const xmlNode *n)
{
    pm_doc *d = c->d;
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension"))
            continue;
        if (!pmx_is_el(k, "OutputField"))
            return pmx_unsupported(c, k);
        const char *name = pmx_attr(k, "name");
        const char *feature = pmx_attr(k, "feature");
        if (!name)
            return pmx_fail_at(c, k, "OutputField: missing attribute 'name'%s%s", "", "");
        pm_output o = {0, POUT_PREDICTED, -1};
        if (!feature || strcmp(feature, "predictedValue") == 0) {
            o.feature = POUT_PREDICTED;
        } else if (strcmp(feature, "probability") == 0) {
            const char *v = pmx_attr(k, "value");
            if (!v)
                return pmx_fail_at(c, k, "OutputField: probability needs a 'value'%s%s", "", "");
            o.feature = POUT_PROBABILITY;
            o.label = pmx_label_index(d, v);
        } else {
            /* Transformed or other outputs do not change the score; they
             * are only refused when something later reads them. */
            continue;
        }
        for (const xmlNode *t = k->children; t; t = t->next)
            if (t->type == XML_ELEMENT_NODE && !pmx_is_el(t, "Extension"))
                return pmx_unsupported(c, t);
        if (pmx_field_index(c, name) >= 0)
            return pmx_fail_at(c, k, "OutputField '%s' repeats a field name%s", name, "");
        mg_name_index_add(&c->field_names, name, d->nfields);
        d->fields = mg_xgrow(d->fields, &c->fields_cap, d->nfields + 1, sizeof *d->fields);
        memset(&d->fields[d->nfields], 0, sizeof *d->fields);
        d->fields[d->nfields].name = mg_xstrdup(name);
        const char *opt = pmx_attr(k, "optype");
        d->fields[d->nfields].categorical = opt && strcmp(opt, "continuous") != 0;
        o.field = (int)d->nfields++;
        m->outs = mg_xgrow(m->outs, &cap, m->nouts + 1, sizeof *m->outs);
        m->outs[m->nouts++] = o;
    }
    return 0;
}

pm_model *pm_load_model(load_ctx *c, const xmlNode *n, int depth, int top)
{
    if (depth > PM_MAX_DEPTH) {
        pmx_fail_at(c, n, "models nested deeper than the limit%s%s", "", "");
        return NULL;
    }
    int kind;
    if (pmx_is_el(n, "RegressionModel"))
        kind = PM_REGRESSION_MODEL;
    else if (pmx_is_el(n, "TreeModel"))
        kind = PM_TREE_MODEL;
    else if (pmx_is_el(n, "MiningModel"))
        kind = PM_MINING_MODEL;
    else {
        pmx_unsupported(c, n);
        return NULL;
    }
    pm_model *m = mg_xcalloc(1, sizeof *m);
    m->kind = kind;
    m->line = pmx_line_of(n);
    m->rescale_factor = 1;
    const char *fn = pmx_attr(n, "functionName");
    if (!fn || (strcmp(fn, "regression") != 0 && strcmp(fn, "classification") != 0)) {
        pmx_fail_at(c, n, "%s: functionName '%s' is not supported (regression or classification)",
                (const char *)n->name, fn ? fn : "(none)");
        pm_model_free(m);
        return NULL;
    }
    m->classification = strcmp(fn, "classification") == 0;
    const char *scorable = pmx_attr(n, "isScorable");
    if (scorable && strcmp(scorable, "false") == 0) {
        pmx_fail_at(c, n, "%s is marked isScorable=\"false\"%s", (const char *)n->name, "");
        pm_model_free(m);
        return NULL;
    }
    int rc = 0, have_schema = 0;
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (pmx_is_el(k, "MiningSchema")) {
            have_schema = 1;
            rc = load_schema(c, m, k, top);
        } else if (pmx_is_el(k, "Targets")) {
            rc = load_targets(c, m, k);
        } else if (pmx_is_el(k, "Output")) {
            rc = load_output(c, m, k);
        } else if (pmx_is_el(k, "LocalTransformations")) {
            for (const xmlNode *t = k->children; t && rc == 0; t = t->next)
                if (t->type == XML_ELEMENT_NODE && !pmx_is_el(t, "Extension"))
                    rc = pmx_unsupported(c, t);
        }
    }
    if (rc == 0 && !have_schema)
        rc = pmx_fail_at(c, n, "%s without a MiningSchema%s", (const char *)n->name, "");
    if (rc == 0) {
        if (kind == PM_TREE_MODEL)
            rc = pm_load_tree_model(c, m, n);
        else if (kind == PM_REGRESSION_MODEL)
            rc = pm_load_regression_model(c, m, n);
        else
            rc = pm_load_mining_model(c, m, n, depth);
    }
    if (rc != 0) {
        pm_model_free(m);
        return NULL;
    }
    return m;
}

int pm_load_dictionary(load_ctx *c, const xmlNode *n)
{
    pm_doc *d = c->d;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension") || pmx_is_el(k, "Taxonomy"))
            continue;
        if (!pmx_is_el(k, "DataField"))
            return pmx_unsupported(c, k);
        const char *name = pmx_attr(k, "name");
        const char *optype = pmx_attr(k, "optype");
        const char *dtype = pmx_attr(k, "dataType");
        if (!name || !optype)
            return pmx_fail_at(c, k, "DataField needs 'name' and 'optype'%s%s", "", "");
        if (pmx_field_index(c, name) >= 0)
            return pmx_fail_at(c, k, "DataField '%s' is declared twice%s", name, "");
        mg_name_index_add(&c->field_names, name, d->nfields);
        d->fields = mg_xgrow(d->fields, &c->fields_cap, d->nfields + 1, sizeof *d->fields);
        pm_field *f = &d->fields[d->nfields++];
        memset(f, 0, sizeof *f);
        f->name = mg_xstrdup(name);
        f->categorical = strcmp(optype, "continuous") != 0;
        f->is_float = dtype && strcmp(dtype, "float") == 0;
        size_t vcap = 0, mcap = 0;
        for (const xmlNode *v = k->children; v; v = v->next) {
            if (v->type != XML_ELEMENT_NODE || pmx_is_el(v, "Extension") || pmx_is_el(v, "Interval"))
                continue;
            if (!pmx_is_el(v, "Value"))
                return pmx_unsupported(c, v);
            const char *val = pmx_attr(v, "value");
            const char *prop = pmx_attr(v, "property");
            if (!val)
                return pmx_fail_at(c, v, "Value: missing attribute 'value'%s%s", "", "");
            if (prop && strcmp(prop, "missing") == 0) {
                f->missing_values = mg_xgrow(f->missing_values, &mcap, f->nmissing_values + 1,
                                             sizeof *f->missing_values);
                f->missing_values[f->nmissing_values++] = mg_xstrdup(val);
            } else if (!prop || strcmp(prop, "valid") == 0) {
                if (!f->categorical)
                    continue; /* valid values of a continuous field: informational */
                f->valid = mg_xgrow(f->valid, &vcap, f->nvalid + 1, sizeof *f->valid);
                f->valid[f->nvalid++] = mg_xstrdup(val);
            } else {
                return pmx_fail_at(c, v, "Value: property '%s' is not supported%s", prop, "");
            }
        }
    }
    return 0;
}

/* Classification dists were sized to the labels known when each node was
 * read; widen them all to the final count. */
static void widen_dists(pm_node *n, size_t nlabels)
{
    if (n->dist && n->dist_width < nlabels) {
        n->dist = mg_xrealloc(n->dist, nlabels * sizeof *n->dist);
        for (size_t k = n->dist_width; k < nlabels; k++)
            n->dist[k] = 0;
        n->dist_width = nlabels;
    }
    for (size_t i = 0; i < n->nkids; i++)
        widen_dists(&n->kids[i], nlabels);
}

void pm_finish_model(pm_model *m, size_t nlabels)
{
    m->probs = mg_xcalloc(nlabels + 1, sizeof *m->probs);
    widen_dists(&m->root, nlabels);
    for (size_t s = 0; s < m->nsegs; s++)
        pm_finish_model(m->segs[s].model, nlabels);
}
