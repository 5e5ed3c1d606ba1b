/*
 * xgboost_load.c - loads XGBoost JSON models (Booster.save_model("model.json"),
 * the 1.x and 2.x layouts) into the flat node array xgboost.c scores with:
 * every tree validated once (shapes, child indices, a proper tree from the
 * root), within the limits of xgboost_model.h.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/name_index.h"
#include "common/xmem.h"
#include "score/xgboost_model.h"

/* ---- loading ---------------------------------------------------------- */

/* Reads an xgboost parameter: a string holding a number ("5E-1", "[5E-1]"
 * in newer layouts) or a plain JSON number. */
static int param_number(json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (json_is_array(v) && json_array_size(v) == 1)
        return param_number(json_array_get(v, 0), out);
    if (!json_is_string(v))
        return -1;
    const char *s = json_string_value(v);
    char buf[64];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n + 1);
    char *p = buf;
    if (*p == '[' && n >= 2 && buf[n - 1] == ']') {
        buf[n - 1] = '\0';
        p++;
    }
    char *end;
    *out = strtod(p, &end);
    if (end == p || *end != '\0')
        return -1;
    return 0;
}

/* Walks a dotted path of object keys. */
static json_t *get_path(json_t *root, const char *const *keys, size_t n)
{
    json_t *v = root;
    for (size_t i = 0; i < n && v; i++)
        v = json_object_get(v, keys[i]);
    return v;
}

/* Reads an integer array element (JSON integer, or a bool for default_left). */
static int int_elem(json_t *arr, size_t i, long long *out)
{
    json_t *v = json_array_get(arr, i);
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 0;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d == floor(d) && fabs(d) < 9e15) {
            *out = (long long)d;
            return 0;
        }
    }
    return -1;
}

typedef struct load_ctx {
    const char *trees_path; /* JSON path of the model object holding the trees */
    const char *path;
    mg_error *err;
    char where[160]; /* JSON path of the current tree */
} load_ctx;

#define TREE_ERR(c, fmt, ...) \
    mg_error_set((c)->err, "%s: %s" fmt, (c)->path, (c)->where, __VA_ARGS__)

/* Reads node i of a tree of n nodes (arr: left_children, right_children,
 * split_indices, split_conditions, default_left) into *out, its children
 * offset by base.  0 or -1. */
static int read_node(load_ctx *c, json_t *const arr[5], json_t *stype, size_t i, size_t n, long nfeature,
                     int32_t base, xgb_node *out)
{
    long long l, r, f, d;
    if (int_elem(arr[0], i, &l) != 0)
        return TREE_ERR(c, ".left_children[%zu]: expected an integer", i);
    if (int_elem(arr[1], i, &r) != 0)
        return TREE_ERR(c, ".right_children[%zu]: expected an integer", i);
    if (int_elem(arr[2], i, &f) != 0)
        return TREE_ERR(c, ".split_indices[%zu]: expected an integer", i);
    if (int_elem(arr[4], i, &d) != 0 || (d != 0 && d != 1))
        return TREE_ERR(c, ".default_left[%zu]: expected 0 or 1", i);
    json_t *cond = json_array_get(arr[3], i);
    if (!json_is_number(cond))
        return TREE_ERR(c, ".split_conditions[%zu]: expected a number", i);
    double value = json_number_value(cond);
    if (l == -1 || r == -1) {
        if (l != -1 || r != -1)
            return TREE_ERR(c, ".%s[%zu]: a node with one child (left %lld, right %lld)",
                            l == -1 ? "right_children" : "left_children", i, l, r);
        out->left = out->right = -1;
        out->feature = 0;
        out->value = (float)value;
        return 0;
    }
    if (l < 0 || (size_t)l >= n)
        return TREE_ERR(c, ".left_children[%zu]: index %lld out of range (tree has %zu nodes)",
                        i, l, n);
    if (r < 0 || (size_t)r >= n)
        return TREE_ERR(c,
                        ".right_children[%zu]: index %lld out of range (tree has %zu nodes)",
                        i, r, n);
    if (f < 0 || f >= nfeature)
        return TREE_ERR(c, ".split_indices[%zu]: feature %lld out of range (model has %ld "
                           "features)", i, f, nfeature);
    if (stype) {
        long long st;
        if (int_elem(stype, i, &st) != 0)
            return TREE_ERR(c, ".split_type[%zu]: expected an integer", i);
        if (st != 0)
            return TREE_ERR(c, ".split_type[%zu]: categorical splits are not supported", i);
    }
    out->left = base + (int32_t)l;
    out->right = base + (int32_t)r;
    out->feature = (uint32_t)f | (d ? XGB_DEFAULT_LEFT : 0);
    out->value = (float)value;
    return 0;
}

/* A proper tree: every node reached at most once from the root (no cycle,
 * no shared child); unreached nodes only as many as deleted.  0 or -1. */
static int check_reachable(load_ctx *c, const xgb_node *nodes, size_t n, int32_t base, double ndel)
{
    unsigned char *seen = mg_xcalloc(n, 1);
    int32_t *stack = mg_xmalloc(n * sizeof *stack);
    size_t top = 0, reached = 0;
    int rc = 0;
    stack[top++] = 0;
    seen[0] = 1;
    while (top > 0 && rc == 0) {
        int32_t i = stack[--top];
        reached++;
        if (nodes[i].left < 0)
            continue;
        int32_t kids[2] = {nodes[i].left - base, nodes[i].right - base};
        for (int k = 0; k < 2; k++) {
            if (seen[kids[k]]) {
                rc = TREE_ERR(c, ".%s[%d]: node %d is reached twice (a cycle or a shared child)",
                              k == 0 ? "left_children" : "right_children", i, kids[k]);
                break;
            }
            seen[kids[k]] = 1;
            stack[top++] = kids[k];
        }
    }
    if (rc == 0 && (double)(n - reached) > ndel)
        rc = TREE_ERR(c, ": %zu of %zu nodes are not reachable from the root", n - reached, n);
    free(seen);
    free(stack);
    return rc == 0 ? 0 : -1;
}

/* Validates one tree and appends it to x->nodes.  Returns 0 or -1. */
static int load_tree(load_ctx *c, xgb_model *x, json_t *tree, size_t t, long nfeature,
                     size_t *cap)
{
    snprintf(c->where, sizeof c->where, "%s.trees[%zu]", c->trees_path, t);
    if (!json_is_object(tree))
        return TREE_ERR(c, ": expected an object%s", "");
    double dn = -1;
    json_t *tp = json_object_get(tree, "tree_param");
    if (!json_is_object(tp) || param_number(json_object_get(tp, "num_nodes"), &dn) != 0)
        return TREE_ERR(c, ".tree_param.num_nodes: missing or not a number%s", "");
    if (dn < 1 || dn != floor(dn))
        return TREE_ERR(c, ".tree_param.num_nodes: %g is not a positive count", dn);
    if (dn > XGB_MAX_NODES_PER_TREE)
        return TREE_ERR(c, ".tree_param.num_nodes: %.0f nodes exceeds the limit of %ld", dn,
                        XGB_MAX_NODES_PER_TREE);
    size_t n = (size_t)dn;
    if (x->nnodes + n > (size_t)XGB_MAX_NODES_TOTAL)
        return TREE_ERR(c, ": the model has more than %ld nodes in all, over the limit",
                        XGB_MAX_NODES_TOTAL);
    double ndel = 0;
    param_number(json_object_get(tp, "num_deleted"), &ndel);

    static const char *const names[] = {"left_children", "right_children", "split_indices",
                                        "split_conditions", "default_left"};
    json_t *arr[5];
    for (int k = 0; k < 5; k++) {
        arr[k] = json_object_get(tree, names[k]);
        if (!json_is_array(arr[k]))
            return TREE_ERR(c, ".%s: missing or not an array", names[k]);
        if (json_array_size(arr[k]) != n)
            return TREE_ERR(c, ".%s: %zu entries, but tree_param.num_nodes is %zu", names[k],
                            json_array_size(arr[k]), n);
    }
    json_t *stype = json_object_get(tree, "split_type");
    if (stype && (!json_is_array(stype) || json_array_size(stype) != n))
        return TREE_ERR(c, ".split_type: expected an array of %zu entries", n);

    x->nodes = mg_xgrow(x->nodes, cap, x->nnodes + n, sizeof *x->nodes);
    xgb_node *nodes = x->nodes + x->nnodes;
    int32_t base = (int32_t)x->nnodes;
    for (size_t i = 0; i < n; i++)
        if (read_node(c, arr, stype, i, n, nfeature, base, &nodes[i]) != 0)
            return -1;
    if (check_reachable(c, nodes, n, base, ndel) != 0)
        return -1;
    x->nnodes += n;
    return 0;
}

static mg_model *xgb_fail(mg_model *m)
{
    mg_model_free(m);
    return NULL;
}

/* Copies learner.feature_names.  A name given twice would bind two features
 * to one column (XGBoost itself refuses such names); a hash index finds it
 * without comparing every pair. */
static int xgb_feature_names(mg_model *m, json_t *fnames, const char *path, mg_error *err)
{
    m->feature_names = mg_xcalloc(m->nfeatures, sizeof *m->feature_names);
    mg_name_index seen;
    mg_name_index_init(&seen);
    int rc = 0;
    for (size_t i = 0; i < m->nfeatures && rc == 0; i++) {
        const char *s = json_string_value(json_array_get(fnames, i));
        long first = s ? mg_name_index_add(&seen, s, i) : -1;
        if (!s)
            rc = mg_error_set(err, "%s: learner.feature_names[%zu]: expected a string", path, i);
        else if (first >= 0)
            rc = mg_error_set(err, "%s: learner.feature_names[%zu]: duplicate feature '%s' (first at [%ld])",
                              path, i, s, first);
        else
            m->feature_names[i] = mg_xstrdup(s);
    }
    mg_name_index_free(&seen);
    return rc;
}

/* The booster: gbtree, or dart (*dart set: a gbtree whose tree i is scaled
 * by weight_drop[i], *dart_w).  0 or -1 with err. */
static int read_booster(json_t *root, load_ctx *c, json_t **learner, json_t **gb, int *dart, json_t **dart_w)
{
    const char *path = c->path;
    mg_error *err = c->err;
    *learner = json_object_get(root, "learner");
    if (!json_is_object(*learner))
        return mg_error_set(err, "%s: learner: expected an object", path);
    *gb = json_object_get(*learner, "gradient_booster");
    const char *bname = json_string_value(json_object_get(*gb, "name"));
    if (!json_is_object(*gb) || !bname)
        return mg_error_set(err, "%s: learner.gradient_booster.name: missing", path);
    *dart = strcmp(bname, "dart") == 0;
    *dart_w = NULL;
    if (*dart) {
        *dart_w = json_object_get(*gb, "weight_drop");
        *gb = json_object_get(*gb, "gbtree");
        c->trees_path = "learner.gradient_booster.gbtree.model";
        if (!json_is_object(*gb))
            return mg_error_set(err, "%s: learner.gradient_booster.gbtree: missing for a 'dart' booster", path);
    } else if (strcmp(bname, "gbtree") != 0) {
        return mg_error_set(err, "%s: learner.gradient_booster.name: booster '%s' is not supported "
                                 "(only 'gbtree' and 'dart')", path, bname);
    }
    return 0;
}

/* learner_model_param: num_feature, num_class, base_score.  0 or -1. */
static int read_learner_params(json_t *learner, const char *path, double *out_nfeat, double *out_nclass,
                               double *out_base_score, mg_error *err)
{
    json_t *lmp = json_object_get(learner, "learner_model_param");
    double nfeat = -1, nclass = 0, base_score = 0.5;
    if (!json_is_object(lmp) ||
        param_number(json_object_get(lmp, "num_feature"), &nfeat) != 0 || nfeat < 0 ||
        nfeat != floor(nfeat) || nfeat > XGB_MAX_FEATURES) {
        mg_error_set(err, "%s: learner.learner_model_param.num_feature: missing or invalid", path);
        return -1;
    }
    json_t *nc = json_object_get(lmp, "num_class");
    if (nc && (param_number(nc, &nclass) != 0 || nclass < 0 || nclass != floor(nclass) ||
               nclass > XGB_MAX_CLASSES)) {
        mg_error_set(err, "%s: learner.learner_model_param.num_class: invalid", path);
        return -1;
    }
    json_t *bs = json_object_get(lmp, "base_score");
    if (bs && (param_number(bs, &base_score) != 0 || !isfinite(base_score))) {
        mg_error_set(err, "%s: learner.learner_model_param.base_score: not a number", path);
        return -1;
    }
    *out_nfeat = nfeat;
    *out_nclass = nclass;
    *out_base_score = base_score;
    return 0;
}

/* The objective: the task, the output transform and the base margin.  0 or
 * -1 with err. */
static int set_objective(mg_model *m, xgb_model *x, json_t *learner, const char *path, double base_score,
                         double nclass, mg_error *err)
{
    const char *obj = json_string_value(
        json_object_get(json_object_get(learner, "objective"), "name"));
    if (!obj) {
        mg_error_set(err, "%s: learner.objective.name: missing", path);
        return -1;
    }
    m->objective = mg_xstrdup(obj);
    x->ngroups = 1;
    float bsf = (float)base_score;
    if (strcmp(obj, "binary:logistic") == 0 || strcmp(obj, "reg:logistic") == 0) {
        if (!(base_score > 0 && base_score < 1)) {
            mg_error_set(err, "%s: learner.learner_model_param.base_score: %g must be in (0, 1) "
                              "for '%s'", path, base_score, obj);
            return -1;
        }
        m->task = obj[0] == 'b' ? MG_TASK_BINARY : MG_TASK_REGRESSION;
        x->transform = XGB_SIGMOID;
        x->base_margin = -logf(1.0f / bsf - 1.0f);
    } else if (strcmp(obj, "binary:logitraw") == 0) {
        /* Predictions are raw margins, not probabilities: reported as a
         * regression-style output (see README.md, "XGBoost JSON").  xgboost
         * (checked against 1.7.4) uses base_score itself as the margin. */
        m->task = MG_TASK_REGRESSION;
        x->transform = XGB_IDENTITY;
        x->base_margin = bsf;
    } else if (strcmp(obj, "reg:squarederror") == 0 || strcmp(obj, "reg:linear") == 0) {
        m->task = MG_TASK_REGRESSION;
        x->transform = XGB_IDENTITY;
        x->base_margin = bsf;
    } else if (strcmp(obj, "multi:softprob") == 0 || strcmp(obj, "multi:softmax") == 0) {
        if (nclass < 2) {
            mg_error_set(err, "%s: learner.learner_model_param.num_class: '%s' needs at least "
                              "2 classes, found %g", path, obj, nclass);
            return -1;
        }
        m->task = MG_TASK_MULTICLASS;
        x->transform = XGB_SOFTMAX;
        x->ngroups = (size_t)nclass;
        x->base_margin = bsf;
    } else {
        mg_error_set(err, "%s: learner.objective.name: objective '%s' is not supported", path, obj);
        return -1;
    }
    m->noutputs = x->ngroups;
    if (m->task == MG_TASK_MULTICLASS) {
        m->class_labels = mg_xcalloc(x->ngroups, sizeof *m->class_labels);
        for (size_t k = 0; k < x->ngroups; k++)
            m->class_labels[k] = mg_xasprintf("%zu", k);
    }
    return 0;
}

/* learner.feature_names, when given: one per feature.  0 or -1. */
static int read_feature_names(mg_model *m, json_t *learner, const char *path, mg_error *err)
{
    json_t *fnames = json_object_get(learner, "feature_names");
    if (fnames && !json_is_array(fnames)) {
        mg_error_set(err, "%s: learner.feature_names: expected an array", path);
        return -1;
    }
    if (fnames && json_array_size(fnames) > 0) {
        if (json_array_size(fnames) != m->nfeatures) {
            mg_error_set(err, "%s: learner.feature_names: %zu names, but num_feature is %zu",
                         path, json_array_size(fnames), m->nfeatures);
            return -1;
        }
        if (xgb_feature_names(m, fnames, path, err) != 0)
            return -1;
    }
    return 0;
}

/* The trees with their groups (tree_info) and, for dart, their weights.
 * 0 or -1 with err. */
static int load_trees(load_ctx *c, mg_model *m, xgb_model *x, json_t *gb, int dart, json_t *dart_w)
{
    const char *path = c->path;
    mg_error *err = c->err;
    static const char *const tk[] = {"model", "trees"};
    static const char *const ik[] = {"model", "tree_info"};
    json_t *trees = get_path(gb, tk, 2);
    json_t *info = get_path(gb, ik, 2);
    if (!json_is_array(trees)) {
        mg_error_set(err, "%s: %s.trees: missing or not an array", path, c->trees_path);
        return -1;
    }
    if (!json_is_array(info) || json_array_size(info) != json_array_size(trees)) {
        mg_error_set(err, "%s: %s.tree_info: expected an array of %zu entries (one per tree)",
                     path, c->trees_path, json_array_size(trees));
        return -1;
    }
    x->ntrees = json_array_size(trees);
    if (x->ntrees > (size_t)XGB_MAX_TREES) {
        mg_error_set(err, "%s: %s.trees: %zu trees exceeds the limit of %ld", path, c->trees_path,
                     x->ntrees, XGB_MAX_TREES);
        return -1;
    }
    if (dart && (!json_is_array(dart_w) || json_array_size(dart_w) != x->ntrees)) {
        mg_error_set(err, "%s: learner.gradient_booster.weight_drop: expected an array of %zu "
                          "numbers (one per tree)", path, x->ntrees);
        return -1;
    }
    x->roots = mg_xcalloc(x->ntrees + 1, sizeof *x->roots);
    x->groups = mg_xcalloc(x->ntrees + 1, sizeof *x->groups);
    size_t cap = 0;
    for (size_t t = 0; t < x->ntrees; t++) {
        long long g;
        if (int_elem(info, t, &g) != 0 || g < 0 || (size_t)g >= x->ngroups) {
            mg_error_set(err, "%s: %s.tree_info[%zu]: expected a group in [0, %zu)", path,
                         c->trees_path, t, x->ngroups);
            return -1;
        }
        x->groups[t] = (int32_t)g;
        x->roots[t] = (int32_t)x->nnodes;
        if (load_tree(c, x, json_array_get(trees, t), t, (long)m->nfeatures, &cap) != 0)
            return -1;
        if (dart_w) {
            json_t *w = json_array_get(dart_w, t);
            if (!json_is_number(w)) {
                mg_error_set(err, "%s: learner.gradient_booster.weight_drop[%zu]: expected a "
                                  "number", path, t);
                return -1;
            }
            /* xgboost multiplies the tree's float prediction by the float
             * weight: the same product, taken once here. */
            float wf = (float)json_number_value(w);
            for (size_t i = (size_t)x->roots[t]; i < x->nnodes; i++)
                if (x->nodes[i].left < 0)
                    x->nodes[i].value = wf * x->nodes[i].value;
        }
    }
    return 0;
}

mg_model *mg_xgb_from_json(json_t *root, const char *path, mg_error *err)
{
    load_ctx c = {"learner.gradient_booster.model", path, err, ""};
    mg_model *m = mg_model_alloc(&mg_xgb_ops, MG_MODEL_XGBOOST);
    xgb_model *x = mg_xcalloc(1, sizeof *x);
    m->impl = x;
    json_t *learner = NULL, *gb = NULL, *dart_w = NULL;
    int dart = 0;
    double nfeat = 0, nclass = 0, base_score = 0;
    if (read_booster(root, &c, &learner, &gb, &dart, &dart_w) != 0 ||
        read_learner_params(learner, path, &nfeat, &nclass, &base_score, err) != 0)
        return xgb_fail(m);
    m->nfeatures = (size_t)nfeat;
    if (set_objective(m, x, learner, path, base_score, nclass, err) != 0 ||
        read_feature_names(m, learner, path, err) != 0 || load_trees(&c, m, x, gb, dart, dart_w) != 0)
        return xgb_fail(m);
    x->fvec = mg_xcalloc(m->nfeatures + 1, sizeof *x->fvec);
    x->margin = mg_xcalloc(x->ngroups, sizeof *x->margin);
    return m;
}
