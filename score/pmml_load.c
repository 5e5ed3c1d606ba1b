/*
 * pmml_load.c - loading PMML 4.x with libxml2, safely, into the structs of
 * pmml.h (the elements are loaded by the files pmml_load.h lists); and the
 * mg_model glue (binding inputs, scoring a row).
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
#include "score/pmml_load.h"

#define PM_MAX_FILE_BYTES (256u << 20)

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

static const mg_model_ops pmml_ops = {pmml_free_impl, pmml_score_row, NULL, NULL};

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
    if (!root || !pmx_is_el(root, "PMML")) {
        mg_error_set(c->err, "%s: the root element is not 'PMML'", c->path);
        doc_free(d);
        return NULL;
    }
    const char *version = pmx_attr(root, "version");
    if (version && version[0] != '4' && version[0] != '3') {
        pmx_fail_at(c, root, "PMML version '%s' is not supported (4.x)%s", version, "");
        doc_free(d);
        return NULL;
    }
    const xmlNode *model = NULL;
    int rc = 0, have_dict = 0;
    for (const xmlNode *k = root->children; k && rc == 0; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || pmx_ignorable(k))
            continue;
        if (pmx_is_el(k, "DataDictionary")) {
            have_dict = 1;
            rc = pm_load_dictionary(c, k);
            c->ndata_fields = d->nfields;
        } else if (pmx_is_el(k, "TransformationDictionary")) {
            for (const xmlNode *t = k->children; t && rc == 0; t = t->next)
                if (t->type == XML_ELEMENT_NODE && !pmx_is_el(t, "Extension"))
                    rc = pmx_unsupported(c, t);
        } else if (!model && (pmx_is_el(k, "RegressionModel") || pmx_is_el(k, "TreeModel") ||
                              pmx_is_el(k, "MiningModel"))) {
            model = k;
        } else if (model && (pmx_is_el(k, "RegressionModel") || pmx_is_el(k, "TreeModel") ||
                             pmx_is_el(k, "MiningModel"))) {
            rc = pmx_fail_at(c, k, "more than one model in the document%s%s", "", "");
        } else {
            rc = pmx_unsupported(c, k);
        }
    }
    if (rc == 0 && !have_dict)
        rc = mg_error_set(c->err, "%s: no DataDictionary", c->path);
    if (rc == 0 && !model)
        rc = mg_error_set(c->err, "%s: no supported model element (RegressionModel, TreeModel, "
                                  "MiningModel)", c->path);
    if (rc == 0) {
        d->top = pm_load_model(c, model, 0, 1);
        if (!d->top)
            rc = -1;
    }
    if (rc == 0 && d->ninputs == 0)
        rc = pmx_fail_at(c, model, "the model has no active MiningField%s%s", "", "");
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
        rc = pmx_fail_at(c, model, "a classification model needs at least two classes%s%s", "", "");
    if (rc != 0) {
        doc_free(d);
        return NULL;
    }
    pm_finish_model(d->top, d->nlabels);
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
