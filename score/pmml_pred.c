/*
 * pmml_pred.c - PMML predicates (True, False, SimplePredicate,
 * SimpleSetPredicate, CompoundPredicate) into pm_pred.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/xmem.h"
#include "score/pmml_load.h"

int pm_is_predicate(const xmlNode *n)
{
    return pmx_is_el(n, "True") || pmx_is_el(n, "False") || pmx_is_el(n, "SimplePredicate") ||
           pmx_is_el(n, "CompoundPredicate") || pmx_is_el(n, "SimpleSetPredicate");
}

static int load_simple(load_ctx *c, const xmlNode *n, pm_pred *p)
{
    static const char *const ops[] = {"equal", "notEqual", "lessThan", "lessOrEqual",
                                      "greaterThan", "greaterOrEqual", "isMissing",
                                      "isNotMissing"};
    p->kind = PP_SIMPLE;
    if (pmx_use_field(c, n, &p->field) != 0)
        return -1;
    const char *op = pmx_attr(n, "operator");
    p->op = -1;
    for (int i = 0; op && i < 8; i++)
        if (strcmp(op, ops[i]) == 0)
            p->op = i;
    if (p->op < 0)
        return pmx_fail_at(c, n, "SimplePredicate: unknown operator '%s'%s", op ? op : "(none)", "");
    if (p->op == PO_ISMISSING || p->op == PO_ISNOTMISSING)
        return 0;
    const char *v = pmx_attr(n, "value");
    if (!v)
        return pmx_fail_at(c, n, "SimplePredicate: missing attribute 'value'%s%s", "", "");
    p->str = mg_xstrdup(v);
    p->num_ok = pmx_parse_double(v, &p->num) == 0;
    if (!p->num_ok && !c->d->fields[p->field].categorical)
        return pmx_fail_at(c, n, "SimplePredicate: value '%s' is not a number for continuous "
                                 "field '%s'", v, c->d->fields[p->field].name);
    return 0;
}

/* The values of an Array element's text into p->set: separated by white
 * space, "double quoted" when they hold spaces (\" inside quotes). */
static void read_array_values(const char *s, pm_pred *p)
{
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
}

static int load_set(load_ctx *c, const xmlNode *n, pm_pred *p)
{
    p->kind = PP_SET;
    if (pmx_use_field(c, n, &p->field) != 0)
        return -1;
    const char *op = pmx_attr(n, "booleanOperator");
    if (!op || (strcmp(op, "isIn") != 0 && strcmp(op, "isNotIn") != 0))
        return pmx_fail_at(c, n, "SimpleSetPredicate: booleanOperator must be isIn or isNotIn%s%s", "", "");
    p->op = strcmp(op, "isIn") == 0;
    const xmlNode *arr = NULL;
    for (const xmlNode *k = n->children; k; k = k->next)
        if (pmx_is_el(k, "Array"))
            arr = k;
    if (!arr)
        return pmx_fail_at(c, n, "SimpleSetPredicate: missing Array%s%s", "", "");
    xmlChar *text = xmlNodeGetContent(arr);
    read_array_values((const char *)text, p);
    xmlFree(text);
    return 0;
}

static int load_compound(load_ctx *c, const xmlNode *n, pm_pred *p, int depth)
{
    static const char *const ops[] = {"and", "or", "xor", "surrogate"};
    p->kind = PP_COMPOUND;
    const char *op = pmx_attr(n, "booleanOperator");
    p->op = -1;
    for (int i = 0; op && i < 4; i++)
        if (strcmp(op, ops[i]) == 0)
            p->op = i;
    if (p->op < 0)
        return pmx_fail_at(c, n, "CompoundPredicate: unknown booleanOperator '%s'%s", op ? op : "(none)", "");
    size_t cap = 0;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_is_el(k, "Extension"))
            continue;
        if (!pm_is_predicate(k))
            return pmx_unsupported(c, k);
        p->kids = mg_xgrow(p->kids, &cap, p->nkids + 1, sizeof *p->kids);
        if (pm_load_pred(c, k, &p->kids[p->nkids++], depth + 1) != 0)
            return -1;
    }
    if (p->nkids < 2)
        return pmx_fail_at(c, n, "CompoundPredicate needs at least two predicates%s%s", "", "");
    return 0;
}

int pm_load_pred(load_ctx *c, const xmlNode *n, pm_pred *p, int depth)
{
    memset(p, 0, sizeof *p);
    if (depth > PM_MAX_DEPTH)
        return pmx_fail_at(c, n, "predicates nested deeper than the limit%s%s", "", "");
    if (pmx_is_el(n, "True")) {
        p->kind = PP_TRUE;
        return 0;
    }
    if (pmx_is_el(n, "False")) {
        p->kind = PP_FALSE;
        return 0;
    }
    if (pmx_is_el(n, "SimplePredicate"))
        return load_simple(c, n, p);
    if (pmx_is_el(n, "SimpleSetPredicate"))
        return load_set(c, n, p);
    if (pmx_is_el(n, "CompoundPredicate"))
        return load_compound(c, n, p, depth);
    return pmx_unsupported(c, n);
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
