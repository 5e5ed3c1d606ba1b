/*
 * pmml_xml.c - the small XML helpers of the PMML loader: attributes, numbers,
 * field and label lookups, and errors naming the element's line.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/xmem.h"
#include "score/pmml_load.h"

int pmx_is_el(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

const char *pmx_attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0)
            return (a->children && a->children->type == XML_TEXT_NODE)
                       ? (const char *)a->children->content : "";
    return NULL;
}

int pmx_line_of(const xmlNode *n)
{
    return (int)xmlGetLineNo(n);
}

int pmx_fail_at(load_ctx *c, const xmlNode *n, const char *fmt, const char *a, const char *b)
{
    char what[600];
    snprintf(what, sizeof what, fmt, a ? a : "", b ? b : "");
    return mg_error_set(c->err, "%s:%d: %s", c->path, pmx_line_of(n), what);
}

int pmx_unsupported(load_ctx *c, const xmlNode *n)
{
    return pmx_fail_at(c, n, "unsupported PMML element '%s'%s", (const char *)n->name, "");
}

/* Elements that carry no scoring semantics and are skipped. */
int pmx_ignorable(const xmlNode *n)
{
    static const char *const names[] = {"Extension", "Header", "MiningBuildTask", "ModelStats",
                                        "ModelExplanation", "ModelVerification", "Output",
                                        "LocalTransformations", "Partition", NULL};
    for (int i = 0; names[i]; i++)
        if (pmx_is_el(n, names[i]))
            return 1;
    return 0;
}

int pmx_parse_double(const char *s, double *out)
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

int pmx_need_double(load_ctx *c, const xmlNode *n, const char *name, double *out)
{
    const char *s = pmx_attr(n, name);
    if (!s)
        return pmx_fail_at(c, n, "'%s': missing attribute '%s'", (const char *)n->name, name);
    if (pmx_parse_double(s, out) != 0)
        return pmx_fail_at(c, n, "attribute '%s': '%s' is not a number", name, s);
    return 0;
}

int pmx_opt_double(load_ctx *c, const xmlNode *n, const char *name, double def, double *out)
{
    *out = def;
    return pmx_attr(n, name) ? pmx_need_double(c, n, name, out) : 0;
}

int pmx_field_index(const load_ctx *c, const char *name)
{
    long i = mg_name_index_find(&c->field_names, name);
    /* The index matches fingerprints; confirm the name itself. */
    return i >= 0 && strcmp(c->d->fields[i].name, name) == 0 ? (int)i : -1;
}

int pmx_need_field(load_ctx *c, const xmlNode *n, int *out)
{
    const char *name = pmx_attr(n, "field");
    if (!name)
        name = pmx_attr(n, "name");
    if (!name)
        return pmx_fail_at(c, n, "'%s': missing attribute 'field'%s", (const char *)n->name, "");
    *out = pmx_field_index(c, name);
    if (*out < 0)
        return pmx_fail_at(c, n, "field '%s' is not declared in the DataDictionary or an "
                             "OutputField%s", name, "");
    return 0;
}

/* need_field for fields the scoring logic reads: remembers the first use,
 * so that pm_check_inputs can refuse fields that would always be missing. */
int pmx_use_field(load_ctx *c, const xmlNode *n, int *out)
{
    if (pmx_need_field(c, n, out) != 0)
        return -1;
    if ((size_t)*out >= c->used_cap) {
        size_t old = c->used_cap;
        c->used_line = mg_xgrow(c->used_line, &c->used_cap, (size_t)*out + 1,
                                sizeof *c->used_line);
        memset(c->used_line + old, 0, (c->used_cap - old) * sizeof *c->used_line);
    }
    if (!c->used_line[*out])
        c->used_line[*out] = pmx_line_of(n);
    return 0;
}

int pmx_label_index(pm_doc *d, const char *s)
{
    for (size_t i = 0; i < d->nlabels; i++)
        if (strcmp(d->labels[i], s) == 0)
            return (int)i;
    d->labels = mg_xrealloc(d->labels, (d->nlabels + 1) * sizeof *d->labels);
    d->labels[d->nlabels] = mg_xstrdup(s);
    return (int)d->nlabels++;
}
