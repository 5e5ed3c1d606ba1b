/*
 * pmml_load.c - loading PMML 4.x with libxml2, safely, into the structs of
 * pmml.h; and the mg_model glue (binding inputs, scoring a row).
 *
 * Safety: the file is read into memory (at most PM_MAX_FILE_BYTES) and
 * parsed with XML_PARSE_NONET only: no entity substitution (no NOENT), no
 * DTD loading, no huge mode (libxml2 keeps its default depth and size
 * limits).  Any DOCTYPE is refused as soon as the parser meets it, before a
 * single entity is declared, so XXE and billion-laughs files fail at once.
 * libxml2's own messages are captured, never printed: the thread's
 * structured error handler is swapped for the parse and the caller's put
 * back.  libxml2 is initialised here, once per process (pthread_once), so
 * callers need not call xmlInitParser() first.
 *
 * Whatever this loader does not implement is an error naming the element and
 * its line, never a silently wrong score.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/name_index.h"
#include "common/xmem.h"
#include "score/pmml.h"

#define PM_MAX_FILE_BYTES (256u << 20)
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

/* ---- small XML helpers ---------------------------------------------------- */

static int is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0)
            return (a->children && a->children->type == XML_TEXT_NODE)
                       ? (const char *)a->children->content : "";
    return NULL;
}

static int line_of(const xmlNode *n)
{
    return (int)xmlGetLineNo(n);
}

static int fail_at(load_ctx *c, const xmlNode *n, const char *fmt, const char *a, const char *b)
{
    char what[600];
    snprintf(what, sizeof what, fmt, a ? a : "", b ? b : "");
    return mg_error_set(c->err, "%s:%d: %s", c->path, line_of(n), what);
}

static int unsupported(load_ctx *c, const xmlNode *n)
{
    return fail_at(c, n, "unsupported PMML element '%s'%s", (const char *)n->name, "");
}

/* Elements that carry no scoring semantics and are skipped. */
static int ignorable(const xmlNode *n)
{
    static const char *const names[] = {"Extension", "Header", "MiningBuildTask", "ModelStats",
                                        "ModelExplanation", "ModelVerification", "Output",
                                        "LocalTransformations", "Partition", NULL};
    for (int i = 0; names[i]; i++)
        if (is_el(n, names[i]))
            return 1;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int need_double(load_ctx *c, const xmlNode *n, const char *name, double *out)
{
    const char *s = attr(n, name);
    if (!s)
        return fail_at(c, n, "'%s': missing attribute '%s'", (const char *)n->name, name);
    if (parse_double(s, out) != 0)
        return fail_at(c, n, "attribute '%s': '%s' is not a number", name, s);
    return 0;
}

static int opt_double(load_ctx *c, const xmlNode *n, const char *name, double def, double *out)
{
    *out = def;
    return attr(n, name) ? need_double(c, n, name, out) : 0;
}

static int field_index(const load_ctx *c, const char *name)
{
    long i = mg_name_index_find(&c->field_names, name);
    /* The index matches fingerprints; confirm the name itself. */
    return i >= 0 && strcmp(c->d->fields[i].name, name) == 0 ? (int)i : -1;
}

static int need_field(load_ctx *c, const xmlNode *n, int *out)
{
    const char *name = attr(n, "field");
    if (!name)
        name = attr(n, "name");
    if (!name)
        return fail_at(c, n, "'%s': missing attribute 'field'%s", (const char *)n->name, "");
    *out = field_index(c, name);
    if (*out < 0)
        return fail_at(c, n, "field '%s' is not declared in the DataDictionary or an "
                             "OutputField%s", name, "");
    return 0;
}

/* need_field for fields the scoring logic reads: remembers the first use,
 * so that pm_check_inputs can refuse fields that would always be missing. */
static int use_field(load_ctx *c, const xmlNode *n, int *out)
{
    if (need_field(c, n, out) != 0)
        return -1;
    if ((size_t)*out >= c->used_cap) {
        size_t old = c->used_cap;
        c->used_line = mg_xgrow(c->used_line, &c->used_cap, (size_t)*out + 1,
                                sizeof *c->used_line);
        memset(c->used_line + old, 0, (c->used_cap - old) * sizeof *c->used_line);
    }
    if (!c->used_line[*out])
        c->used_line[*out] = line_of(n);
    return 0;
}

static int label_index(pm_doc *d, const char *s)
{
    for (size_t i = 0; i < d->nlabels; i++)
        if (strcmp(d->labels[i], s) == 0)
            return (int)i;
    d->labels = mg_xrealloc(d->labels, (d->nlabels + 1) * sizeof *d->labels);
    d->labels[d->nlabels] = mg_xstrdup(s);
    return (int)d->nlabels++;
}

/* ---- predicates ------------------------------------------------------------- */

static int is_predicate(const xmlNode *n)
{
    return is_el(n, "True") || is_el(n, "False") || is_el(n, "SimplePredicate") ||
           is_el(n, "CompoundPredicate") || is_el(n, "SimpleSetPredicate");
}

static int load_pred(load_ctx *c, const xmlNode *n, pm_pred *p, int depth)
{
    memset(p, 0, sizeof *p);
    if (depth > PM_MAX_DEPTH)
        return fail_at(c, n, "predicates nested deeper than the limit%s%s", "", "");
    if (is_el(n, "True")) {
        p->kind = PP_TRUE;
        return 0;
    }
    if (is_el(n, "False")) {
        p->kind = PP_FALSE;
        return 0;
    }
    if (is_el(n, "SimplePredicate")) {
        static const char *const ops[] = {"equal", "notEqual", "lessThan", "lessOrEqual",
                                          "greaterThan", "greaterOrEqual", "isMissing",
                                          "isNotMissing"};
        p->kind = PP_SIMPLE;
        if (use_field(c, n, &p->field) != 0)
            return -1;
        const char *op = attr(n, "operator");
        p->op = -1;
        for (int i = 0; op && i < 8; i++)
            if (strcmp(op, ops[i]) == 0)
                p->op = i;
        if (p->op < 0)
            return fail_at(c, n, "SimplePredicate: unknown operator '%s'%s", op ? op : "(none)",
                           "");
        if (p->op == PO_ISMISSING || p->op == PO_ISNOTMISSING)
            return 0;
        const char *v = attr(n, "value");
        if (!v)
            return fail_at(c, n, "SimplePredicate: missing attribute 'value'%s%s", "", "");
        p->str = mg_xstrdup(v);
        p->num_ok = parse_double(v, &p->num) == 0;
        if (!p->num_ok && !c->d->fields[p->field].categorical)
            return fail_at(c, n, "SimplePredicate: value '%s' is not a number for continuous "
                                 "field '%s'", v, c->d->fields[p->field].name);
        return 0;
    }
    if (is_el(n, "SimpleSetPredicate")) {
        p->kind = PP_SET;
        if (use_field(c, n, &p->field) != 0)
            return -1;
        const char *op = attr(n, "booleanOperator");
        if (!op || (strcmp(op, "isIn") != 0 && strcmp(op, "isNotIn") != 0))
            return fail_at(c, n, "SimpleSetPredicate: booleanOperator must be isIn or isNotIn%s%s",
                           "", "");
        p->op = strcmp(op, "isIn") == 0;
        const xmlNode *arr = NULL;
        for (const xmlNode *k = n->children; k; k = k->next)
            if (is_el(k, "Array"))
                arr = k;
        if (!arr)
            return fail_at(c, n, "SimpleSetPredicate: missing Array%s%s", "", "");
        /* Array content: space-separated values, "double quoted" when they
         * hold spaces. */
        xmlChar *text = xmlNodeGetContent(arr);
        const char *s = (const char *)text;
        size_t cap = 0;
        while (s && *s) {
            while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
            if (!*s)
                break;
            char *tok;
            if (*s == '"') {
                const char *e = ++s;
                size_t len = 0;
                char *buf = mg_xmalloc(strlen(s) + 1);
                while (*e && *e != '"') {
                    if (*e == '\\' && e[1] == '"')
                        e++;
                    buf[len++] = *e++;
                }
                buf[len] = '\0';
                tok = buf;
                s = *e ? e + 1 : e;
            } else {
                const char *e = s;
                while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
                    e++;
                tok = mg_xstrndup(s, (size_t)(e - s));
                s = e;
            }
            p->set = mg_xgrow(p->set, &cap, p->nset + 1, sizeof *p->set);
            p->set[p->nset++] = tok;
        }
        xmlFree(text);
        return 0;
    }
    if (is_el(n, "CompoundPredicate")) {
        static const char *const ops[] = {"and", "or", "xor", "surrogate"};
        p->kind = PP_COMPOUND;
        const char *op = attr(n, "booleanOperator");
        p->op = -1;
        for (int i = 0; op && i < 4; i++)
            if (strcmp(op, ops[i]) == 0)
                p->op = i;
        if (p->op < 0)
            return fail_at(c, n, "CompoundPredicate: unknown booleanOperator '%s'%s",
                           op ? op : "(none)", "");
        size_t cap = 0;
        for (const xmlNode *k = n->children; k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension"))
                continue;
            if (!is_predicate(k))
                return unsupported(c, k);
            p->kids = mg_xgrow(p->kids, &cap, p->nkids + 1, sizeof *p->kids);
            if (load_pred(c, k, &p->kids[p->nkids++], depth + 1) != 0)
                return -1;
        }
        if (p->nkids < 2)
            return fail_at(c, n, "CompoundPredicate needs at least two predicates%s%s", "", "");
        return 0;
    }
    return unsupported(c, n);
}

void pm_pred_free(pm_pred *p)
{
    free(p->str);
    for (size_t i = 0; i < p->nset; i++)
        free(p->set[i]);
    free(p->set);
    for (size_t i = 0; i < p->nkids; i++)
        pm_pred_free(&p->kids[i]);
    free(p->kids);
}

/* ---- models ------------------------------------------------------------------ */

static pm_model *load_model(load_ctx *c, const xmlNode *n, int depth, int top);

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
    out->line = line_of(n);
    out->score_label = -1;
    out->default_idx = -1;
    if (depth > PM_MAX_DEPTH)
        return fail_at(c, n, "tree nodes nested deeper than the limit%s%s", "", "");
    const char *id = attr(n, "id");
    if (id)
        out->id = mg_xstrdup(id);
    const char *dc = attr(n, "defaultChild");
    if (dc)
        out->default_child = mg_xstrdup(dc);
    const char *score = attr(n, "score");
    if (score) {
        out->has_score = 1;
        if (m->classification)
            out->score_label = label_index(c->d, score);
        else if (parse_double(score, &out->score_num) != 0)
            return fail_at(c, n, "Node: score '%s' is not a number in a regression tree%s",
                           score, "");
    }
    int have_pred = 0;
    size_t cap = 0;
    dist_tmp *dist = NULL;
    size_t ndist = 0, dcap = 0;
    int rc = 0;
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension"))
            continue;
        if (is_predicate(k)) {
            if (have_pred) {
                rc = fail_at(c, k, "Node has more than one predicate%s%s", "", "");
                break;
            }
            have_pred = 1;
            rc = load_pred(c, k, &out->pred, 0);
        } else if (is_el(k, "Node")) {
            out->kids = mg_xgrow(out->kids, &cap, out->nkids + 1, sizeof *out->kids);
            rc = load_node(c, m, k, &out->kids[out->nkids++], depth + 1);
        } else if (is_el(k, "ScoreDistribution")) {
            if (!m->classification)
                continue; /* informational in regression trees */
            const char *v = attr(k, "value");
            if (!v) {
                rc = fail_at(c, k, "ScoreDistribution: missing attribute 'value'%s%s", "", "");
                break;
            }
            dist = mg_xgrow(dist, &dcap, ndist + 1, sizeof *dist);
            dist_tmp *t = &dist[ndist++];
            t->label = label_index(c->d, v);
            t->has_prob = attr(k, "probability") != NULL;
            if (need_double(c, k, "recordCount", &t->count) != 0 ||
                opt_double(c, k, "probability", 0, &t->prob) != 0)
                rc = -1;
        } else if (is_el(k, "Partition")) {
            continue;
        } else {
            rc = unsupported(c, k);
        }
    }
    if (rc == 0 && !have_pred)
        rc = fail_at(c, n, "Node without a predicate%s%s", "", "");
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
            rc = fail_at(c, n, "defaultChild '%s' is not the id of a child node%s",
                         out->default_child, "");
    }
    return rc;
}

static int load_tree_model(load_ctx *c, pm_model *m, const xmlNode *n)
{
    const char *ms = attr(n, "missingValueStrategy");
    static const char *const strategies[] = {"none", "lastPrediction", "nullPrediction",
                                             "defaultChild"};
    m->missing_strategy = -1;
    if (!ms)
        m->missing_strategy = PMS_NONE;
    for (int i = 0; ms && i < 4; i++)
        if (strcmp(ms, strategies[i]) == 0)
            m->missing_strategy = i;
    if (m->missing_strategy < 0)
        return fail_at(c, n, "TreeModel: missingValueStrategy '%s' is not supported%s", ms, "");
    const char *nt = attr(n, "noTrueChildStrategy");
    if (nt && strcmp(nt, "returnLastPrediction") != 0 && strcmp(nt, "returnNullPrediction") != 0)
        return fail_at(c, n, "TreeModel: noTrueChildStrategy '%s' is not supported%s", nt, "");
    m->return_last = nt && strcmp(nt, "returnLastPrediction") == 0;
    const char *penalty = attr(n, "missingValuePenalty");
    if (penalty && strcmp(penalty, "1") != 0 && strcmp(penalty, "1.0") != 0)
        return fail_at(c, n, "TreeModel: missingValuePenalty is not supported%s%s", "", "");
    int have_root = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || ignorable(k) || is_el(k, "MiningSchema") ||
            is_el(k, "Targets"))
            continue;
        if (!is_el(k, "Node"))
            return unsupported(c, k);
        if (have_root)
            return fail_at(c, k, "TreeModel has more than one root Node%s%s", "", "");
        have_root = 1;
        if (load_node(c, m, k, &m->root, 0) != 0)
            return -1;
    }
    if (!have_root)
        return fail_at(c, n, "TreeModel without a Node%s%s", "", "");
    return 0;
}

static int load_regression_model(load_ctx *c, pm_model *m, const xmlNode *n)
{
    const char *norm = attr(n, "normalizationMethod");
    static const char *const norms[] = {"none", "logit", "softmax", "exp", "simplemax"};
    m->norm = norm ? -1 : PN_NONE;
    for (int i = 0; norm && i < 5; i++)
        if (strcmp(norm, norms[i]) == 0)
            m->norm = i;
    if (m->norm < 0 || (!m->classification && (m->norm == PN_SOFTMAX || m->norm == PN_SIMPLEMAX)))
        return fail_at(c, n, "RegressionModel: normalizationMethod '%s' is not supported%s",
                       norm, "");
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || ignorable(k) || is_el(k, "MiningSchema") ||
            is_el(k, "Targets"))
            continue;
        if (!is_el(k, "RegressionTable"))
            return unsupported(c, k);
        if (m->ntables >= PM_MAX_TABLES)
            return fail_at(c, k, "too many RegressionTables%s%s", "", "");
        m->tables = mg_xgrow(m->tables, &cap, m->ntables + 1, sizeof *m->tables);
        pm_rtable *t = &m->tables[m->ntables++];
        memset(t, 0, sizeof *t);
        t->label = -1;
        if (need_double(c, k, "intercept", &t->intercept) != 0)
            return -1;
        const char *cat = attr(k, "targetCategory");
        if (m->classification) {
            if (!cat)
                return fail_at(c, k, "RegressionTable: missing targetCategory in a "
                                     "classification model%s%s", "", "");
            t->label = label_index(c->d, cat);
        }
        size_t ncap = 0, ccap = 0;
        for (const xmlNode *p = k->children; p; p = p->next) {
            if (p->type != XML_ELEMENT_NODE || is_el(p, "Extension"))
                continue;
            if (is_el(p, "NumericPredictor")) {
                t->num = mg_xgrow(t->num, &ncap, t->nnum + 1, sizeof *t->num);
                pm_numpred *np = &t->num[t->nnum++];
                double e;
                if (use_field(c, p, &np->field) != 0 ||
                    need_double(c, p, "coefficient", &np->coef) != 0 ||
                    opt_double(c, p, "exponent", 1, &e) != 0)
                    return -1;
                if (e != floor(e) || fabs(e) > 100)
                    return fail_at(c, p, "NumericPredictor: exponent must be an integer%s%s", "",
                                   "");
                np->exponent = (int)e;
            } else if (is_el(p, "CategoricalPredictor")) {
                t->cat = mg_xgrow(t->cat, &ccap, t->ncat + 1, sizeof *t->cat);
                pm_catpred *cp = &t->cat[t->ncat++];
                cp->value = NULL;
                const char *v = attr(p, "value");
                if (use_field(c, p, &cp->field) != 0 ||
                    need_double(c, p, "coefficient", &cp->coef) != 0)
                    return -1;
                if (!v)
                    return fail_at(c, p, "CategoricalPredictor: missing attribute 'value'%s%s",
                                   "", "");
                cp->value = mg_xstrdup(v);
            } else {
                return unsupported(c, p);
            }
        }
    }
    if (m->ntables == 0)
        return fail_at(c, n, "RegressionModel without a RegressionTable%s%s", "", "");
    if (!m->classification && m->ntables != 1)
        return fail_at(c, n, "a regression RegressionModel needs exactly one RegressionTable%s%s",
                       "", "");
    return 0;
}

static int load_mining_model(load_ctx *c, pm_model *m, const xmlNode *n, int depth)
{
    const xmlNode *seg = NULL;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || ignorable(k) || is_el(k, "MiningSchema") ||
            is_el(k, "Targets"))
            continue;
        if (!is_el(k, "Segmentation"))
            return unsupported(c, k);
        seg = k;
    }
    if (!seg)
        return fail_at(c, n, "MiningModel without a Segmentation%s%s", "", "");
    static const char *const methods[] = {"sum", "average", "weightedAverage", "majorityVote",
                                          "modelChain", "selectFirst"};
    const char *meth = attr(seg, "multipleModelMethod");
    m->method = -1;
    for (int i = 0; meth && i < 6; i++)
        if (strcmp(meth, methods[i]) == 0)
            m->method = i;
    if (m->method < 0)
        return fail_at(c, seg, "Segmentation: multipleModelMethod '%s' is not supported%s",
                       meth ? meth : "(none)", "");
    if (m->classification && m->method == PSEG_SUM)
        return fail_at(c, seg, "Segmentation: 'sum' in a classification model is not "
                               "supported%s%s", "", "");
    if (!m->classification && m->method == PSEG_MAJORITY)
        return fail_at(c, seg, "Segmentation: 'majorityVote' needs a classification model%s%s",
                       "", "");
    size_t cap = 0;
    for (const xmlNode *s = seg->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || is_el(s, "Extension"))
            continue;
        if (!is_el(s, "Segment"))
            return unsupported(c, s);
        m->segs = mg_xgrow(m->segs, &cap, m->nsegs + 1, sizeof *m->segs);
        pm_segment *sg = &m->segs[m->nsegs++];
        memset(sg, 0, sizeof *sg);
        if (opt_double(c, s, "weight", 1, &sg->weight) != 0)
            return -1;
        int have_pred = 0;
        for (const xmlNode *k = s->children; k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension"))
                continue;
            if (is_predicate(k) && !have_pred) {
                have_pred = 1;
                if (load_pred(c, k, &sg->pred, 0) != 0)
                    return -1;
            } else if (!sg->model) {
                sg->model = load_model(c, k, depth + 1, 0);
                if (!sg->model)
                    return -1;
                if (m->classification && !sg->model->classification &&
                    m->method != PSEG_CHAIN)
                    return fail_at(c, k, "a regression segment inside a classification "
                                         "MiningModel is only supported in a modelChain%s%s",
                                   "", "");
            } else {
                return unsupported(c, k);
            }
        }
        if (!have_pred || !sg->model)
            return fail_at(c, s, "Segment needs a predicate and a model%s%s", "", "");
    }
    if (m->nsegs == 0)
        return fail_at(c, seg, "Segmentation without a Segment%s%s", "", "");
    if (m->method == PSEG_CHAIN && m->classification != m->segs[m->nsegs - 1].model->classification)
        return fail_at(c, seg, "modelChain: the last segment's function must match the "
                               "MiningModel's%s%s", "", "");
    return 0;
}

/* MiningSchema of a model.  The top model's active fields become the
 * model's inputs; nested schemas are checked but may not replace values. */
static int load_schema(load_ctx *c, pm_model *m, const xmlNode *n, int top)
{
    pm_doc *d = c->d;
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension"))
            continue;
        if (!is_el(k, "MiningField"))
            return unsupported(c, k);
        int f;
        if (need_field(c, k, &f) != 0)
            return -1;
        const char *usage = attr(k, "usageType");
        if (usage && (strcmp(usage, "target") == 0 || strcmp(usage, "predicted") == 0)) {
            if (top) {
                d->target = f;
                /* Declared class values fix the label order. */
                for (size_t i = 0; m->classification && i < d->fields[f].nvalid; i++)
                    label_index(d, d->fields[f].valid[i]);
            }
            continue;
        }
        if (usage && strcmp(usage, "active") != 0)
            continue; /* supplementary, group, order, frequencyWeight... */
        static const char *const unsupported_attrs[] = {"outliers", "lowValue", "highValue",
                                                        "invalidValueReplacement", NULL};
        for (int i = 0; unsupported_attrs[i]; i++) {
            const char *a = attr(k, unsupported_attrs[i]);
            if (a && !(i == 0 && strcmp(a, "asIs") == 0))
                return fail_at(c, k, "MiningField: attribute '%s' is not supported%s",
                               unsupported_attrs[i], "");
        }
        const char *repl = attr(k, "missingValueReplacement");
        const char *inv = attr(k, "invalidValueTreatment");
        int invalid = PM_INVALID_RETURN;
        if (inv) {
            if (strcmp(inv, "asIs") == 0)
                invalid = PM_INVALID_ASIS;
            else if (strcmp(inv, "asMissing") == 0)
                invalid = PM_INVALID_ASMISSING;
            else if (strcmp(inv, "returnInvalid") != 0)
                return fail_at(c, k, "MiningField: invalidValueTreatment '%s' is not "
                                     "supported%s", inv, "");
        }
        if (!top) {
            if (repl || invalid != PM_INVALID_RETURN)
                return fail_at(c, k, "MiningField: value treatment in a nested model's "
                                     "MiningSchema is not supported%s%s", "", "");
            continue;
        }
        if (mg_name_index_add(&c->input_names, d->fields[f].name, d->ninputs) >= 0)
            return fail_at(c, k, "MiningField '%s' is listed twice%s", d->fields[f].name, "");
        d->inputs = mg_xgrow(d->inputs, &cap, d->ninputs + 1, sizeof *d->inputs);
        pm_input *in = &d->inputs[d->ninputs++];
        memset(in, 0, sizeof *in);
        in->field = f;
        in->invalid = invalid;
        if (repl) {
            in->has_replacement = 1;
            in->repl_str = mg_xstrdup(repl);
            if (parse_double(repl, &in->repl_num) != 0) {
                if (!d->fields[f].categorical)
                    return fail_at(c, k, "MiningField: missingValueReplacement '%s' is not a "
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
        if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension"))
            continue;
        if (!is_el(k, "Target"))
            return unsupported(c, k);
        if (opt_double(c, k, "rescaleFactor", 1, &m->rescale_factor) != 0 ||
            opt_double(c, k, "rescaleConstant", 0, &m->rescale_const) != 0)
            return -1;
        if (attr(k, "castInteger") || attr(k, "min") || attr(k, "max"))
            return fail_at(c, k, "Target: castInteger/min/max are not supported%s%s", "", "");
        for (const xmlNode *t = k->children; t; t = t->next)
            if (t->type == XML_ELEMENT_NODE && !is_el(t, "Extension"))
                return unsupported(c, t);
    }
    return 0;
}

/* Output fields become new fields of the document (for modelChain). */
static int load_output(load_ctx *c, pm_model *m, const xmlNode *n)
{
    pm_doc *d = c->d;
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension"))
            continue;
        if (!is_el(k, "OutputField"))
            return unsupported(c, k);
        const char *name = attr(k, "name");
        const char *feature = attr(k, "feature");
        if (!name)
            return fail_at(c, k, "OutputField: missing attribute 'name'%s%s", "", "");
        pm_output o = {0, POUT_PREDICTED, -1};
        if (!feature || strcmp(feature, "predictedValue") == 0) {
            o.feature = POUT_PREDICTED;
        } else if (strcmp(feature, "probability") == 0) {
            const char *v = attr(k, "value");
            if (!v)
                return fail_at(c, k, "OutputField: probability needs a 'value'%s%s", "", "");
            o.feature = POUT_PROBABILITY;
            o.label = label_index(d, v);
        } else {
            /* Transformed or other outputs do not change the score; they
             * are only refused when something later reads them. */
            continue;
        }
        for (const xmlNode *t = k->children; t; t = t->next)
            if (t->type == XML_ELEMENT_NODE && !is_el(t, "Extension"))
                return unsupported(c, t);
        if (field_index(c, name) >= 0)
            return fail_at(c, k, "OutputField '%s' repeats a field name%s", name, "");
        mg_name_index_add(&c->field_names, name, d->nfields);
        d->fields = mg_xgrow(d->fields, &c->fields_cap, d->nfields + 1, sizeof *d->fields);
        memset(&d->fields[d->nfields], 0, sizeof *d->fields);
        d->fields[d->nfields].name = mg_xstrdup(name);
        const char *opt = attr(k, "optype");
        d->fields[d->nfields].categorical = opt && strcmp(opt, "continuous") != 0;
        o.field = (int)d->nfields++;
        m->outs = mg_xgrow(m->outs, &cap, m->nouts + 1, sizeof *m->outs);
        m->outs[m->nouts++] = o;
    }
    return 0;
}

static pm_model *load_model(load_ctx *c, const xmlNode *n, int depth, int top)
{
    if (depth > PM_MAX_DEPTH) {
        fail_at(c, n, "models nested deeper than the limit%s%s", "", "");
        return NULL;
    }
    int kind;
    if (is_el(n, "RegressionModel"))
        kind = PM_REGRESSION_MODEL;
    else if (is_el(n, "TreeModel"))
        kind = PM_TREE_MODEL;
    else if (is_el(n, "MiningModel"))
        kind = PM_MINING_MODEL;
    else {
        unsupported(c, n);
        return NULL;
    }
    pm_model *m = mg_xcalloc(1, sizeof *m);
    m->kind = kind;
    m->line = line_of(n);
    m->rescale_factor = 1;
    const char *fn = attr(n, "functionName");
    if (!fn || (strcmp(fn, "regression") != 0 && strcmp(fn, "classification") != 0)) {
        fail_at(c, n, "%s: functionName '%s' is not supported (regression or classification)",
                (const char *)n->name, fn ? fn : "(none)");
        pm_model_free(m);
        return NULL;
    }
    m->classification = strcmp(fn, "classification") == 0;
    const char *scorable = attr(n, "isScorable");
    if (scorable && strcmp(scorable, "false") == 0) {
        fail_at(c, n, "%s is marked isScorable=\"false\"%s", (const char *)n->name, "");
        pm_model_free(m);
        return NULL;
    }
    int rc = 0, have_schema = 0;
    for (const xmlNode *k = n->children; k && rc == 0; k = k->next) {
        if (is_el(k, "MiningSchema")) {
            have_schema = 1;
            rc = load_schema(c, m, k, top);
        } else if (is_el(k, "Targets")) {
            rc = load_targets(c, m, k);
        } else if (is_el(k, "Output")) {
            rc = load_output(c, m, k);
        } else if (is_el(k, "LocalTransformations")) {
            for (const xmlNode *t = k->children; t && rc == 0; t = t->next)
                if (t->type == XML_ELEMENT_NODE && !is_el(t, "Extension"))
                    rc = unsupported(c, t);
        }
    }
    if (rc == 0 && !have_schema)
        rc = fail_at(c, n, "%s without a MiningSchema%s", (const char *)n->name, "");
    if (rc == 0) {
        if (kind == PM_TREE_MODEL)
            rc = load_tree_model(c, m, n);
        else if (kind == PM_REGRESSION_MODEL)
            rc = load_regression_model(c, m, n);
        else
            rc = load_mining_model(c, m, n, depth);
    }
    if (rc != 0) {
        pm_model_free(m);
        return NULL;
    }
    return m;
}

static int load_dictionary(load_ctx *c, const xmlNode *n)
{
    pm_doc *d = c->d;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || is_el(k, "Extension") || is_el(k, "Taxonomy"))
            continue;
        if (!is_el(k, "DataField"))
            return unsupported(c, k);
        const char *name = attr(k, "name");
        const char *optype = attr(k, "optype");
        const char *dtype = attr(k, "dataType");
        if (!name || !optype)
            return fail_at(c, k, "DataField needs 'name' and 'optype'%s%s", "", "");
        if (field_index(c, name) >= 0)
            return fail_at(c, k, "DataField '%s' is declared twice%s", name, "");
        mg_name_index_add(&c->field_names, name, d->nfields);
        d->fields = mg_xgrow(d->fields, &c->fields_cap, d->nfields + 1, sizeof *d->fields);
        pm_field *f = &d->fields[d->nfields++];
        memset(f, 0, sizeof *f);
        f->name = mg_xstrdup(name);
        f->categorical = strcmp(optype, "continuous") != 0;
        f->is_float = dtype && strcmp(dtype, "float") == 0;
        size_t vcap = 0, mcap = 0;
        for (const xmlNode *v = k->children; v; v = v->next) {
            if (v->type != XML_ELEMENT_NODE || is_el(v, "Extension") || is_el(v, "Interval"))
                continue;
            if (!is_el(v, "Value"))
                return unsupported(c, v);
            const char *val = attr(v, "value");
            const char *prop = attr(v, "property");
            if (!val)
                return fail_at(c, v, "Value: missing attribute 'value'%s%s", "", "");
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
                return fail_at(c, v, "Value: property '%s' is not supported%s", prop, "");
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

static void finish_model(pm_model *m, size_t nlabels)
{
    m->probs = mg_xcalloc(nlabels + 1, sizeof *m->probs);
    widen_dists(&m->root, nlabels);
    for (size_t s = 0; s < m->nsegs; s++)
        finish_model(m->segs[s].model, nlabels);
}

/* ---- the document --------------------------------------------------------- */

static void doc_free(pm_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nfields; i++) {
        pm_field *f = &d->fields[i];
        free(f->name);
        for (size_t k = 0; k < f->nvalid; k++)
            free(f->valid[k]);
        free(f->valid);
        for (size_t k = 0; k < f->nmissing_values; k++)
            free(f->missing_values[k]);
        free(f->missing_values);
    }
    free(d->fields);
    for (size_t i = 0; i < d->nlabels; i++)
        free(d->labels[i]);
    free(d->labels);
    for (size_t i = 0; i < d->ninputs; i++)
        free(d->inputs[i].repl_str);
    free(d->inputs);
    pm_model_free(d->top);
    free(d->env);
    free(d);
}

static void pmml_free_impl(void *impl)
{
    doc_free(impl);
}

static int in_list(char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* Fills env[field] for input i from the row. */
static int prepare_input(const mg_model *m, pm_doc *d, const mg_binding *b, const mg_row *row,
                         size_t i, mg_error *err)
{
    const pm_input *in = &d->inputs[i];
    const pm_field *f = &d->fields[in->field];
    pm_val *v = &d->env[in->field];
    const mg_value *mv = mg_binding_value(b, row, i);
    (void)m;
    int missing = mg_value_is_missing(mv) ||
                  (f->nmissing_values && in_list(f->missing_values, f->nmissing_values, mv->text));
    if (!missing) {
        v->str = mv->text;
        v->isnum = mg_value_to_double(mv, &v->num) == 0;
        if (v->isnum && isnan(v->num))
            missing = 1;
        int invalid = f->categorical ? (f->nvalid && !in_list(f->valid, f->nvalid, mv->text))
                                     : !v->isnum;
        if (!missing && invalid) {
            if (in->invalid == PM_INVALID_ASMISSING)
                missing = 1;
            else if (in->invalid == PM_INVALID_RETURN || !f->categorical)
                return mg_error_set(err, "feature '%s': invalid value '%.40s'%s", f->name,
                                    mv->text, f->categorical ? "" : " (expected a number)");
        }
    }
    if (missing) {
        if (in->has_replacement) {
            v->missing = 0;
            v->str = in->repl_str;
            v->num = in->repl_num;
            v->isnum = !isnan(in->repl_num);
        } else {
            v->missing = 1;
            v->isnum = 0;
            v->str = NULL;
        }
        return 0;
    }
    v->missing = 0;
    return 0;
}

static int pmml_score_row(mg_model *m, const mg_binding *b, const mg_row *row, double *out,
                          mg_error *err)
{
    pm_doc *d = m->impl;
    for (size_t i = 0; i < d->nfields; i++)
        d->env[i] = (pm_val){1, 0, 0, NULL};
    for (size_t i = 0; i < d->ninputs; i++)
        if (prepare_input(m, d, b, row, i, err) != 0)
            return -1;
    double value = 0;
    if (pm_eval_model(d, d->top, &value, err) != 0)
        return -1;
    if (!d->top->classification) {
        out[0] = value;
    } else if (m->task == MG_TASK_BINARY) {
        out[0] = d->top->probs[1];
    } else {
        for (size_t k = 0; k < d->nlabels; k++)
            out[k] = d->top->probs[k];
    }
    return 0;
}

static const mg_model_ops pmml_ops = {pmml_free_impl, pmml_score_row, NULL};

/* SAX hook: any DOCTYPE stops the parse before its content is read. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                           const xmlChar *sys_id)
{
    (void)name;
    (void)ext_id;
    (void)sys_id;
    xmlParserCtxtPtr ctxt = ctx;
    load_ctx *c = ctxt->_private;
    c->doctype_seen = 1;
    c->xml_line = xmlSAX2GetLineNumber(ctx);
    xmlStopParser(ctxt);
}

static void quiet_error(void *ctx, xmlErrorPtr e)
{
    load_ctx *c = ctx;
    if (c->xml_err[0] || !e)
        return;
    snprintf(c->xml_err, sizeof c->xml_err, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(c->xml_err);
    while (n > 0 && (c->xml_err[n - 1] == '\n' || c->xml_err[n - 1] == ' '))
        c->xml_err[--n] = '\0';
    c->xml_line = e->line;
}

static char *read_file(const char *path, size_t *len, mg_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        mg_error_set(err, "%s: cannot open model: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (cap - n < 32768) /* not on every read: a small file then doubles 64 KB */
            buf = mg_xgrow(buf, &cap, n + 65536, 1);
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (n > PM_MAX_FILE_BYTES) {
            fclose(fp);
            free(buf);
            mg_error_set(err, "%s: model file is over the %u MB limit", path,
                         PM_MAX_FILE_BYTES >> 20);
            return NULL;
        }
        if (got == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        mg_error_set(err, "%s: cannot read model", path);
        return NULL;
    }
    *len = n;
    return buf;
}

static pm_doc *parse_document(load_ctx *c, xmlDocPtr xdoc)
{
    pm_doc *d = mg_xcalloc(1, sizeof *d);
    d->target = -1;
    d->path = c->path;
    c->d = d;
    xmlNode *root = xmlDocGetRootElement(xdoc);
    if (!root || !is_el(root, "PMML")) {
        mg_error_set(c->err, "%s: the root element is not 'PMML'", c->path);
        doc_free(d);
        return NULL;
    }
    const char *version = attr(root, "version");
    if (version && version[0] != '4' && version[0] != '3') {
        fail_at(c, root, "PMML version '%s' is not supported (4.x)%s", version, "");
        doc_free(d);
        return NULL;
    }
    const xmlNode *model = NULL;
    int rc = 0, have_dict = 0;
    for (const xmlNode *k = root->children; k && rc == 0; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || ignorable(k))
            continue;
        if (is_el(k, "DataDictionary")) {
            have_dict = 1;
            rc = load_dictionary(c, k);
            c->ndata_fields = d->nfields;
        } else if (is_el(k, "TransformationDictionary")) {
            for (const xmlNode *t = k->children; t && rc == 0; t = t->next)
                if (t->type == XML_ELEMENT_NODE && !is_el(t, "Extension"))
                    rc = unsupported(c, t);
        } else if (!model && (is_el(k, "RegressionModel") || is_el(k, "TreeModel") ||
                              is_el(k, "MiningModel"))) {
            model = k;
        } else if (model && (is_el(k, "RegressionModel") || is_el(k, "TreeModel") ||
                             is_el(k, "MiningModel"))) {
            rc = fail_at(c, k, "more than one model in the document%s%s", "", "");
        } else {
            rc = unsupported(c, k);
        }
    }
    if (rc == 0 && !have_dict)
        rc = mg_error_set(c->err, "%s: no DataDictionary", c->path);
    if (rc == 0 && !model)
        rc = mg_error_set(c->err, "%s: no supported model element (RegressionModel, TreeModel, "
                                  "MiningModel)", c->path);
    if (rc == 0) {
        d->top = load_model(c, model, 0, 1);
        if (!d->top)
            rc = -1;
    }
    if (rc == 0 && d->ninputs == 0)
        rc = fail_at(c, model, "the model has no active MiningField%s%s", "", "");
    /* A DataField read by a predicate or predictor must be an input of the
     * top-level model (or be computed, as OutputFields are); otherwise it
     * would always be missing. */
    for (size_t f = 0; rc == 0 && f < c->used_cap && f < d->nfields; f++) {
        if (!c->used_line[f] || d->fields[f].name == NULL)
            continue;
        int is_input = mg_name_index_find(&c->input_names, d->fields[f].name) >= 0;
        int is_output = f >= c->ndata_fields;
        if (!is_input && !is_output)
            rc = mg_error_set(c->err, "%s:%d: field '%s' is used by the model but is not an "
                                      "active MiningField of the top-level model",
                              c->path, c->used_line[f], d->fields[f].name);
    }
    if (rc == 0 && d->top->classification && d->nlabels < 2)
        rc = fail_at(c, model, "a classification model needs at least two classes%s%s", "", "");
    if (rc != 0) {
        doc_free(d);
        return NULL;
    }
    finish_model(d->top, d->nlabels);
    d->env = mg_xcalloc(d->nfields, sizeof *d->env);
    return d;
}

/* xmlInitParser is not safe to run from two threads at once for the first
 * time (libxml2 2.9): run it once, whoever loads a PMML model first. */
static pthread_once_t xml_init_once = PTHREAD_ONCE_INIT;

mg_model *mg_pmml_load(const char *path, mg_error *err)
{
    pthread_once(&xml_init_once, xmlInitParser);
    size_t len = 0;
    char *buf = read_file(path, &len, err);
    if (!buf)
        return NULL;
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.err = err;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        free(buf);
        mg_error_set(err, "%s: cannot create an XML parser", path);
        return NULL;
    }
    ctxt->_private = &c;
    ctxt->sax->internalSubset = refuse_doctype;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    /* libxml2 2.9 has no per-context error handler: capture messages with
     * the (thread-local) structured handler around this one parse, then
     * give the caller's back. */
    xmlStructuredErrorFunc old_handler = xmlStructuredError;
    void *old_handler_ctx = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc(&c, quiet_error);
    xmlDocPtr xdoc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL, XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(old_handler_ctx, old_handler);
    free(buf);
    mg_model *m = NULL;
    if (c.doctype_seen) {
        mg_error_set(err, "%s:%d: a DOCTYPE is not allowed in a PMML model (refused: it could "
                          "declare entities)", path, c.xml_line);
    } else if (!xdoc || !ctxt->wellFormed) {
        mg_error_set(err, "%s:%d: invalid XML: %s", path, c.xml_line,
                     c.xml_err[0] ? c.xml_err : "not well-formed");
    } else {
        pm_doc *d = parse_document(&c, xdoc);
        if (d) {
            m = mg_model_alloc(&pmml_ops, MG_MODEL_PMML);
            m->impl = d;
            m->objective = mg_xstrdup(d->top->classification ? "classification" : "regression");
            m->nfeatures = d->ninputs;
            m->feature_names = mg_xcalloc(d->ninputs, sizeof *m->feature_names);
            for (size_t i = 0; i < d->ninputs; i++)
                m->feature_names[i] = mg_xstrdup(d->fields[d->inputs[i].field].name);
            if (!d->top->classification) {
                m->task = MG_TASK_REGRESSION;
                m->noutputs = 1;
            } else if (d->nlabels == 2) {
                m->task = MG_TASK_BINARY;
                m->noutputs = 1;
            } else {
                m->task = MG_TASK_MULTICLASS;
                m->noutputs = d->nlabels;
                m->class_labels = mg_xcalloc(d->nlabels, sizeof *m->class_labels);
                for (size_t k = 0; k < d->nlabels; k++)
                    m->class_labels[k] = mg_xstrdup(d->labels[k]);
            }
        }
    }
    if (xdoc)
        xmlFreeDoc(xdoc);
    xmlFreeParserCtxt(ctxt);
    free(c.used_line);
    mg_name_index_free(&c.field_names);
    mg_name_index_free(&c.input_names);
    return m;
}
