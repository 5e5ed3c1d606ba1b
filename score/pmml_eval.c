/*
 * pmml_eval.c - scoring a loaded PMML document (see pmml.h): predicates in
 * three-valued logic (true, false, unknown when a value is missing),
 * TreeModel walks with missingValueStrategy and noTrueChildStrategy,
 * RegressionModel tables with their normalisation, MiningModel segments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/pmml.h"

#define P_TRUE 1
#define P_FALSE 0
#define P_UNKNOWN (-1)

static int cmp_num(const pm_field *f, double a, double b, int op)
{
    if (f->is_float) {
        float fa = (float)a, fb = (float)b;
        switch (op) {
        case PO_EQ: return fa == fb;
        case PO_NE: return fa != fb;
        case PO_LT: return fa < fb;
        case PO_LE: return fa <= fb;
        case PO_GT: return fa > fb;
        default: return fa >= fb;
        }
    }
    switch (op) {
    case PO_EQ: return a == b;
    case PO_NE: return a != b;
    case PO_LT: return a < b;
    case PO_LE: return a <= b;
    case PO_GT: return a > b;
    default: return a >= b;
    }
}

static int pred_eval(const pm_doc *d, const pm_pred *p)
{
    switch (p->kind) {
    case PP_TRUE:
        return P_TRUE;
    case PP_FALSE:
        return P_FALSE;
    case PP_SIMPLE: {
        const pm_val *v = &d->env[p->field];
        const pm_field *f = &d->fields[p->field];
        if (p->op == PO_ISMISSING)
            return v->missing ? P_TRUE : P_FALSE;
        if (p->op == PO_ISNOTMISSING)
            return v->missing ? P_FALSE : P_TRUE;
        if (v->missing)
            return P_UNKNOWN;
        if (f->categorical && v->str && (p->op == PO_EQ || p->op == PO_NE)) {
            int eq = strcmp(v->str, p->str) == 0;
            return (p->op == PO_EQ) == eq ? P_TRUE : P_FALSE;
        }
        if (!v->isnum || !p->num_ok)
            return P_UNKNOWN;
        return cmp_num(f, v->num, p->num, p->op) ? P_TRUE : P_FALSE;
    }
    case PP_SET: {
        const pm_val *v = &d->env[p->field];
        if (v->missing)
            return P_UNKNOWN;
        int in = 0;
        for (size_t i = 0; i < p->nset && !in; i++) {
            if (v->str)
                in = strcmp(v->str, p->set[i]) == 0;
            else if (v->isnum) {
                char *end;
                double x = strtod(p->set[i], &end);
                in = end != p->set[i] && *end == '\0' && x == v->num;
            }
        }
        return (in == p->op) ? P_TRUE : P_FALSE;
    }
    default: /* PP_COMPOUND */
        break;
    }
    int any_unknown = 0, count = 0;
    for (size_t i = 0; i < p->nkids; i++) {
        int r = pred_eval(d, &p->kids[i]);
        switch (p->op) {
        case PB_AND:
            if (r == P_FALSE)
                return P_FALSE;
            any_unknown |= r == P_UNKNOWN;
            break;
        case PB_OR:
            if (r == P_TRUE)
                return P_TRUE;
            any_unknown |= r == P_UNKNOWN;
            break;
        case PB_XOR:
            if (r == P_UNKNOWN)
                return P_UNKNOWN;
            count += r;
            break;
        default: /* surrogate: the first known answer */
            if (r != P_UNKNOWN)
                return r;
            break;
        }
    }
    switch (p->op) {
    case PB_AND: return any_unknown ? P_UNKNOWN : P_TRUE;
    case PB_OR: return any_unknown ? P_UNKNOWN : P_FALSE;
    case PB_XOR: return (count & 1) ? P_TRUE : P_FALSE;
    default: return P_UNKNOWN;
    }
}

static int null_prediction(const pm_doc *d, const pm_model *m, const char *why, mg_error *err)
{
    (void)d;
    return mg_error_set(err, "the model gives no prediction for this row (%s, model at line %d)",
                        why, m->line);
}

static int tree_eval(pm_doc *d, pm_model *m, double *value, mg_error *err)
{
    const pm_node *n = &m->root;
    if (pred_eval(d, &n->pred) != P_TRUE)
        return null_prediction(d, m, "the root node's predicate is not true", err);
    for (int depth = 0; n->nkids > 0; depth++) {
        const pm_node *next = NULL;
        int stop = 0;
        for (size_t k = 0; k < n->nkids && !next && !stop; k++) {
            int r = pred_eval(d, &n->kids[k].pred);
            if (r == P_TRUE) {
                next = &n->kids[k];
            } else if (r == P_UNKNOWN) {
                switch (m->missing_strategy) {
                case PMS_LAST:
                    stop = 1;
                    break;
                case PMS_NULL:
                    return null_prediction(d, m, "missing value with nullPrediction", err);
                case PMS_DEFAULT:
                    if (n->default_idx < 0)
                        return mg_error_set(err, "node at line %d has no defaultChild for a "
                                                 "missing value", n->line);
                    next = &n->kids[n->default_idx];
                    break;
                default: /* none: unknown counts as false */
                    break;
                }
            }
        }
        if (stop)
            break;
        if (!next) {
            if (!m->return_last)
                return null_prediction(d, m, "no child node's predicate is true", err);
            break;
        }
        n = next;
    }
    if (!m->classification) {
        if (!n->has_score)
            return mg_error_set(err, "node at line %d has no score", n->line);
        *value = n->score_num;
        return 0;
    }
    memset(m->probs, 0, d->nlabels * sizeof *m->probs);
    if (n->dist) {
        memcpy(m->probs, n->dist, d->nlabels * sizeof *m->probs);
    } else if (n->score_label >= 0) {
        m->probs[n->score_label] = 1.0;
    } else {
        return mg_error_set(err, "node at line %d has no score", n->line);
    }
    return 0;
}

static int field_number(const pm_doc *d, int field, double *x, mg_error *err)
{
    const pm_val *v = &d->env[field];
    if (v->missing)
        return mg_error_set(err, "field '%s': missing value", d->fields[field].name);
    if (!v->isnum)
        return mg_error_set(err, "field '%s': expected a number, found '%.40s'",
                            d->fields[field].name, v->str ? v->str : "");
    *x = v->num;
    return 0;
}

static int regression_eval(pm_doc *d, pm_model *m, double *value, mg_error *err)
{
    double y[m->ntables ? m->ntables : 1];
    for (size_t t = 0; t < m->ntables; t++) {
        const pm_rtable *tb = &m->tables[t];
        double s = tb->intercept;
        for (size_t i = 0; i < tb->nnum; i++) {
            double x = 0;
            if (field_number(d, tb->num[i].field, &x, err) != 0)
                return -1;
            s += tb->num[i].coef * (tb->num[i].exponent == 1 ? x : pow(x, tb->num[i].exponent));
        }
        for (size_t i = 0; i < tb->ncat; i++) {
            const pm_val *v = &d->env[tb->cat[i].field];
            if (v->missing)
                return mg_error_set(err, "field '%s': missing value",
                                    d->fields[tb->cat[i].field].name);
            if (v->str && strcmp(v->str, tb->cat[i].value) == 0)
                s += tb->cat[i].coef;
        }
        y[t] = s;
    }
    if (!m->classification) {
        double s = y[0];
        *value = m->norm == PN_LOGIT ? 1.0 / (1.0 + exp(-s)) : m->norm == PN_EXP ? exp(s) : s;
        return 0;
    }
    memset(m->probs, 0, d->nlabels * sizeof *m->probs);
    double p[m->ntables];
    size_t n = m->ntables;
    if (m->norm == PN_SOFTMAX) {
        double mx = y[0], sum = 0;
        for (size_t t = 1; t < n; t++)
            mx = fmax(mx, y[t]);
        for (size_t t = 0; t < n; t++)
            sum += p[t] = exp(y[t] - mx);
        for (size_t t = 0; t < n; t++)
            p[t] /= sum;
    } else if (m->norm == PN_LOGIT) {
        for (size_t t = 0; t < n; t++)
            p[t] = 1.0 / (1.0 + exp(-y[t]));
        if (n == 2)
            p[1] = 1.0 - p[0];
    } else if (m->norm == PN_SIMPLEMAX) {
        double sum = 0;
        for (size_t t = 0; t < n; t++)
            sum += y[t];
        for (size_t t = 0; t < n; t++)
            p[t] = y[t] / sum;
    } else if (m->norm == PN_EXP) {
        for (size_t t = 0; t < n; t++)
            p[t] = exp(y[t]);
    } else {
        for (size_t t = 0; t < n; t++)
            p[t] = y[t];
    }
    for (size_t t = 0; t < n; t++)
        m->probs[m->tables[t].label] = p[t];
    return 0;
}

static size_t argmax(const double *p, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (p[k] > p[best])
            best = k;
    return best;
}

static int mining_eval(pm_doc *d, pm_model *m, double *value, mg_error *err)
{
    size_t used = 0;
    double acc = 0, wsum = 0;
    if (m->classification)
        memset(m->probs, 0, d->nlabels * sizeof *m->probs);
    for (size_t s = 0; s < m->nsegs; s++) {
        pm_segment *seg = &m->segs[s];
        if (pred_eval(d, &seg->pred) != P_TRUE)
            continue;
        double v = 0;
        if (pm_eval_model(d, seg->model, &v, err) != 0)
            return -1;
        used++;
        wsum += seg->weight;
        if (!m->classification) {
            if (m->method == PSEG_WAVERAGE)
                acc += seg->weight * v;
            else if (m->method == PSEG_CHAIN || m->method == PSEG_FIRST)
                acc = v;
            else
                acc += v;
        } else {
            const double *q = seg->model->probs;
            if (m->method == PSEG_MAJORITY)
                m->probs[argmax(q, d->nlabels)] += 1.0;
            else if (m->method == PSEG_CHAIN || m->method == PSEG_FIRST)
                memcpy(m->probs, q, d->nlabels * sizeof *q);
            else
                for (size_t k = 0; k < d->nlabels; k++)
                    m->probs[k] += (m->method == PSEG_WAVERAGE ? seg->weight : 1.0) * q[k];
        }
        if (m->method == PSEG_FIRST)
            break;
    }
    if (used == 0)
        return null_prediction(d, m, "no segment's predicate is true", err);
    double div = 1.0;
    if (m->method == PSEG_AVERAGE || m->method == PSEG_MAJORITY)
        div = (double)used;
    else if (m->method == PSEG_WAVERAGE)
        div = wsum;
    if (!m->classification) {
        *value = acc / div;
    } else if (div != 1.0) {
        for (size_t k = 0; k < d->nlabels; k++)
            m->probs[k] /= div;
    }
    return 0;
}

int pm_eval_model(pm_doc *d, pm_model *m, double *value, mg_error *err)
{
    int rc;
    switch (m->kind) {
    case PM_TREE_MODEL:
        rc = tree_eval(d, m, value, err);
        break;
    case PM_REGRESSION_MODEL:
        rc = regression_eval(d, m, value, err);
        break;
    default:
        rc = mining_eval(d, m, value, err);
        break;
    }
    if (rc != 0)
        return rc;
    if (!m->classification)
        *value = *value * m->rescale_factor + m->rescale_const;
    for (size_t i = 0; i < m->nouts; i++) {
        pm_val *v = &d->env[m->outs[i].field];
        v->missing = 0;
        v->isnum = 1;
        v->str = NULL;
        if (m->outs[i].feature == POUT_PROBABILITY) {
            v->num = m->probs[m->outs[i].label];
        } else if (m->classification) {
            size_t k = argmax(m->probs, d->nlabels);
            v->str = d->labels[k];
            char *end;
            v->num = strtod(v->str, &end);
            v->isnum = end != v->str && *end == '\0';
        } else {
            v->num = *value;
        }
    }
    return 0;
}
