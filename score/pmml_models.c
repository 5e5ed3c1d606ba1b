/*
 * pmml_models.c - TreeModel (nodes, score distributions), RegressionModel
 * (tables) and MiningModel (segments) into pm_model.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/xmem.h"
#include "score/pmml_load.h"

static void node_free(pm_node *n)
{
    free(n->id);
    pm_pred_free(&n->pred);
    free(n->dist);
    free(n->default_child);
    for (size_t i = 0; i < n->nkids; i++)
        node_free(&n->kids[i]);
    free(n->kids);
}

void pm_model_free(pm_model *m)
{
    if (!m)
        return;
    for (size_t t = 0; t < m->ntables; t++) {
        free(m->tables[t].num);
        for (size_t i = 0; i < m->tables[t].ncat; i++)
            free(m->tables[t].cat[i].value);
        free(m->tables[t].cat);
    }
    free(m->tables);
    node_free(&m->root);
    for (size_t s = 0; s < m->nsegs; s++) {
        pm_pred_free(&m->segs[s].pred);
        pm_model_free(m->segs[s].model);
    }
    free(m->segs);
    free(m->outs);
    free(m->probs);
    free(m);
}

/* Tree nodes carry label indexes in `dist` sized to the labels known so far;
 * dists are widened to the final label count after loading (pm_finish). */
typedef struct dist_tmp {
    int label;
    double count, prob;
    int has_prob;
} dist_tmp;

static int load_node(load_ctx *c, pm_model *m, const xmlNode *n, pm_node *out, int depth)
{
    memset(out, 0, sizeof *out);
    out->line = pmx_line_of(n);
    out->score_label = -1;
    out->default_idx = -1;
    if (depth > PM_MAX_DEPTH)
        return pmx_fail_at(c, n, "tree nodes nested deeper than the limit%s%s", "", "");
    const char *id = pmx_attr(n, "id");
    if (id)
        out->id = mg_xstrdup(id);
    const char *dc = pmx_attr(n, "defaultChild");
    if (dc)
        out->default_child = mg_xstrdup(dc);
    const char *score = pmx_attr(n, "score");
    if (score) {
        out->has_score = 1;
        if (m->classification)
            out->score_label = pmx_label_index(c->d, score);
        else if (pmx_parse_double(score, &out->score_num) != 0)
            return pmx_fail_at(c, n, "Node: score '%s' is not a number in a regression tree%s",
                           score, "");
    }
    int have_pred = 0;
    size_t cap = 0;
    dist_tmp *dist = NULL;
    size_t ndist = 0, dcap = 0;
    int rc = 0;
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension"))
            continue;
        if (pm_is_predicate(k)) {
            if (have_pred) {
                rc = pmx_fail_at(c, k, "Node has more than one predicate%s%s", "", "");
                break;
            }
            have_pred = 1;
            rc = pm_load_pred(c, k, &out->pred, 0);
        } else if (pmx_is_el(k, "Node")) {
            out->kids = mg_xgrow(out->kids, &cap, out->nkids + 1, sizeof *out->kids);
            rc = load_node(c, m, k, &out->kids[out->nkids++], depth + 1);
        } else if (pmx_is_el(k, "ScoreDistribution")) {
            if (!m->classification)
                continue; /* informational in regression trees */
            const char *v = pmx_attr(k, "value");
            if (!v) {
                rc = pmx_fail_at(c, k, "ScoreDistribution: missing attribute 'value'%s%s", "", "");
                break;
            }
            dist = mg_xgrow(dist, &dcap, ndist + 1, sizeof *dist);
            dist_tmp *t = &dist[ndist++];
            t->label = pmx_label_index(c->d, v);
            t->has_prob = pmx_attr(k, "probability") != NULL;
            if (pmx_need_double(c, k, "recordCount", &t->count) != 0 ||
                pmx_opt_double(c, k, "probability", 0, &t->prob) != 0)
                rc = -1;
        } else if (pmx_is_el(k, "Partition")) {
            continue;
        } else {
            rc = pmx_unsupported(c, k);
        }
    }
    if (rc == 0 && !have_pred)
        rc = pmx_fail_at(c, n, "Node without a predicate%s%s", "", "");
    if (rc == 0 && ndist > 0) {
        /* Stored against a provisional label count; pm_finish widens. */
        double total = 0;
        int all_prob = 1;
        for (size_t i = 0; i < ndist; i++) {
            total += dist[i].count;
            all_prob &= dist[i].has_prob;
        }
        out->dist = mg_xcalloc(c->d->nlabels, sizeof *out->dist);
        out->dist_width = c->d->nlabels;
        for (size_t i = 0; i < ndist; i++)
            out->dist[dist[i].label] = all_prob ? dist[i].prob
                                                : (total > 0 ? dist[i].count / total : 0);
        if (!out->has_score) {
            size_t best = 0;
            for (size_t i = 1; i < ndist; i++)
                if (dist[i].count > dist[best].count)
                    best = i;
            out->score_label = dist[best].label;
        }
    }
    free(dist);
    if (rc == 0 && out->default_child) {
        for (size_t i = 0; i < out->nkids; i++)
            if (out->kids[i].id && strcmp(out->kids[i].id, out->default_child) == 0)
                out->default_idx = (int)i;
        if (out->default_idx < 0)
            rc = pmx_fail_at(c, n, "defaultChild '%s' is not the id of a child node%s",
                         out->default_child, "");
    }
    return rc;
}

int pm_load_tree_model(load_ctx *c, pm_model *m, const xmlNode *n)
{
    const char *ms = pmx_attr(n, "missingValueStrategy");
    static const char *const strategies[] = {"none", "lastPrediction", "nullPrediction",
                                             "defaultChild"};
    m->missing_strategy = -1;
    if (!ms)
        m->missing_strategy = PMS_NONE;
    for (int i = 0; ms && i < 4; i++)
        if (strcmp(ms, strategies[i]) == 0)
            m->missing_strategy = i;
    if (m->missing_strategy < 0)
        return pmx_fail_at(c, n, "TreeModel: missingValueStrategy '%s' is not supported%s", ms, "");
    const char *nt = pmx_attr(n, "noTrueChildStrategy");
    if (nt && strcmp(nt, "returnLastPrediction") != 0 && strcmp(nt, "returnNullPrediction") != 0)
        return pmx_fail_at(c, n, "TreeModel: noTrueChildStrategy '%s' is not supported%s", nt, "");
    m->return_last = nt && strcmp(nt, "returnLastPrediction") == 0;
    const char *penalty = pmx_attr(n, "missingValuePenalty");
    if (penalty && strcmp(penalty, "1") != 0 && strcmp(penalty, "1.0") != 0)
        return pmx_fail_at(c, n, "TreeModel: missingValuePenalty is not supported%s%s", "", "");
    int have_root = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_ignorable(k) || pmx_is_el(k, "MiningSchema") ||
            pmx_is_el(k, "Targets"))
            continue;
        if (!pmx_is_el(k, "Node"))
            return pmx_unsupported(c, k);
        if (have_root)
            return pmx_fail_at(c, k, "TreeModel has more than one root Node%s%s", "", "");
        have_root = 1;
        if (load_node(c, m, k, &m->root, 0) != 0)
            return -1;
    }
    if (!have_root)
        return pmx_fail_at(c, n, "TreeModel without a Node%s%s", "", "");
    return 0;
}

int pm_load_regression_model(load_ctx *c, pm_model *m, const xmlNode *n)
{
    const char *norm = pmx_attr(n, "normalizationMethod");
    static const char *const norms[] = {"none", "logit", "softmax", "exp", "simplemax"};
    m->norm = norm ? -1 : PN_NONE;
    for (int i = 0; norm && i < 5; i++)
        if (strcmp(norm, norms[i]) == 0)
            m->norm = i;
    if (m->norm < 0 || (!m->classification && (m->norm == PN_SOFTMAX || m->norm == PN_SIMPLEMAX)))
        return pmx_fail_at(c, n, "RegressionModel: normalizationMethod '%s' is not supported%s",
                       norm, "");
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_ignorable(k) || pmx_is_el(k, "MiningSchema") ||
            pmx_is_el(k, "Targets"))
            continue;
        if (!pmx_is_el(k, "RegressionTable"))
            return pmx_unsupported(c, k);
        if (m->ntables >= PM_MAX_TABLES)
            return pmx_fail_at(c, k, "too many RegressionTables%s%s", "", "");
        m->tables = mg_xgrow(m->tables, &cap, m->ntables + 1, sizeof *m->tables);
        pm_rtable *t = &m->tables[m->ntables++];
        memset(t, 0, sizeof *t);
        t->label = -1;
        if (pmx_need_double(c, k, "intercept", &t->intercept) != 0)
            return -1;
        const char *cat = pmx_attr(k, "targetCategory");
        if (m->classification) {
            if (!cat)
                return pmx_fail_at(c, k, "RegressionTable: missing targetCategory in a "
                                     "classification model%s%s", "", "");
            t->label = pmx_label_index(c->d, cat);
        }
        size_t ncap = 0, ccap = 0;
        for (const xmlNode *p = k->children; p; p = p->next) {
            if (p->type != XML_ELEMENT_NODE || pmx_is_el(p, "Extension"))
                continue;
            if (pmx_is_el(p, "NumericPredictor")) {
                t->num = mg_xgrow(t->num, &ncap, t->nnum + 1, sizeof *t->num);
                pm_numpred *np = &t->num[t->nnum++];
                double e;
                if (pmx_use_field(c, p, &np->field) != 0 ||
                    pmx_need_double(c, p, "coefficient", &np->coef) != 0 ||
                    pmx_opt_double(c, p, "exponent", 1, &e) != 0)
                    return -1;
                if (e != floor(e) || fabs(e) > 100)
                    return pmx_fail_at(c, p, "NumericPredictor: exponent must be an integer%s%s", "",
                                   "");
                np->exponent = (int)e;
            } else if (pmx_is_el(p, "CategoricalPredictor")) {
                t->cat = mg_xgrow(t->cat, &ccap, t->ncat + 1, sizeof *t->cat);
                pm_catpred *cp = &t->cat[t->ncat++];
                cp->value = NULL;
                const char *v = pmx_attr(p, "value");
                if (pmx_use_field(c, p, &cp->field) != 0 ||
                    pmx_need_double(c, p, "coefficient", &cp->coef) != 0)
                    return -1;
                if (!v)
                    return pmx_fail_at(c, p, "CategoricalPredictor: missing attribute 'value'%s%s",
                                   "", "");
                cp->value = mg_xstrdup(v);
            } else {
                return pmx_unsupported(c, p);
            }
        }
    }
    if (m->ntables == 0)
        return pmx_fail_at(c, n, "RegressionModel without a RegressionTable%s%s", "", "");
    if (!m->classification && m->ntables != 1)
        return pmx_fail_at(c, n, "a regression RegressionModel needs exactly one RegressionTable%s%s",
                       "", "");
    return 0;
}

int pm_load_mining_model(load_ctx *c, pm_model *m, const xmlNode *n, int depth)
{
    const xmlNode *seg = NULL;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_ignorable(k) || pmx_is_el(k, "MiningSchema") ||
            pmx_is_el(k, "Targets"))
            continue;
        if (!pmx_is_el(k, "Segmentation"))
            return pmx_unsupported(c, k);
        seg = k;
    }
    if (!seg)
        return pmx_fail_at(c, n, "MiningModel without a Segmentation%s%s", "", "");
    static const char *const methods[] = {"sum", "average", "weightedAverage", "majorityVote",
                                          "modelChain", "selectFirst"};
    const char *meth = pmx_attr(seg, "multipleModelMethod");
    m->method = -1;
    for (int i = 0; meth && i < 6; i++)
        if (strcmp(meth, methods[i]) == 0)
            m->method = i;
    if (m->method < 0)
        return pmx_fail_at(c, seg, "Segmentation: multipleModelMethod '%s' is not supported%s",
                       meth ? meth : "(none)", "");
    if (m->classification && m->method == PSEG_SUM)
        return pmx_fail_at(c, seg, "Segmentation: 'sum' in a classification model is not "
                               "supported%s%s", "", "");
    if (!m->classification && m->method == PSEG_MAJORITY)
        return pmx_fail_at(c, seg, "Segmentation: 'majorityVote' needs a classification model%s%s",
                       "", "");
    size_t cap = 0;
    for (const xmlNode *s = seg->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || pmx_is_el(s, "Extension"))
            continue;
        if (!pmx_is_el(s, "Segment"))
            return pmx_unsupported(c, s);
        m->segs = mg_xgrow(m->segs, &cap, m->nsegs + 1, sizeof *m->segs);
        pm_segment *sg = &m->segs[m->nsegs++];
        memset(sg, 0, sizeof *sg);
        if (pmx_opt_double(c, s, "weight", 1, &sg->weight) != 0)
            return -1;
        int have_pred = 0;
        for (const xmlNode *k = s->children; k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension"))
                continue;
            if (pm_is_predicate(k) && !have_pred) {
                have_pred = 1;
                if (pm_load_pred(c, k, &sg->pred, 0) != 0)
                    return -1;
            } else if (!sg->model) {
                sg->model = pm_load_model(c, k, depth + 1, 0);
                if (!sg->model)
                    return -1;
                if (m->classification && !sg->model->classification &&
                    m->method != PSEG_CHAIN)
                    return pmx_fail_at(c, k, "a regression segment inside a classification "
                                         "MiningModel is only supported in a modelChain%s%s",
                                   "", "");
            } else {
                return pmx_unsupported(c, k);
            }
        }
        if (!have_pred || !sg->model)
            return pmx_fail_at(c, s, "Segment needs a predicate and a model%s%s", "", "");
    }
    if (m->nsegs == 0)
        return pmx_fail_at(c, seg, "Segmentation without a Segment%s%s", "", "");
    if (m->method == PSEG_CHAIN && m->classification != m->segs[m->nsegs - 1].model->classification)
        return pmx_fail_at(c, seg, "modelChain: the last segment's function must match the "
                               "MiningModel's%s%s", "", "");
    return 0;
}
