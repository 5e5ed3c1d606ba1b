#include "checks/adversarial/fixture_cases.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/adversarial/adv_common.h"
#include "common/xmem.h"
#include "sources/value_json.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int adv_case_files(const char *path, int missing_ok, char ***files, size_t *n, mg_error *err)
{
    *files = NULL;
    *n = 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && missing_ok)
            return 0;
        return mg_error_set(err, "'%s': cannot read the fixture cases: %s", path, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        *files = mg_xcalloc(1, sizeof **files);
        (*files)[0] = mg_xstrdup(path);
        *n = 1;
        return 0;
    }
    DIR *d = opendir(path);
    if (!d)
        return mg_error_set(err, "'%s': cannot list the fixture cases: %s", path, strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".jsonl") != 0 || e->d_name[0] == '.')
            continue;
        *files = mg_xgrow(*files, &cap, *n + 1, sizeof **files);
        size_t plen = strlen(path);
        (*files)[(*n)++] = mg_xasprintf("%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/", e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*files, *n, sizeof **files, by_name);
    return 0;
}

static int check_expect(const json_t *ex, const char *file, unsigned long line, mg_error *err)
{
    if (!ex)
        return 0;
    if (!json_is_object(ex))
        return mg_error_set(err, "%s:%lu:1: \"expect\": expected an object such as {\"label\": 1, \"score\": 0.9}",
                            file, line);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)ex, k, v) {
        if (!strcmp(k, "score")) {
            int ok = json_is_number(v);
            if (json_is_array(v)) {
                ok = json_array_size(v) > 0;
                for (size_t i = 0; i < json_array_size(v); i++)
                    ok &= json_is_number(json_array_get(v, i));
            }
            if (!ok)
                return mg_error_set(err, "%s:%lu:1: \"expect.score\": expected a number (or a list of class "
                                         "probabilities)", file, line);
        } else if (!strcmp(k, "tolerance") || !strcmp(k, "threshold")) {
            if (!json_is_number(v) || !(json_number_value(v) >= 0))
                return mg_error_set(err, "%s:%lu:1: \"expect.%s\": expected a number >= 0", file, line, k);
        } else if (!strcmp(k, "label")) {
            if (!json_is_number(v) && !json_is_string(v) && !json_is_boolean(v))
                return mg_error_set(err, "%s:%lu:1: \"expect.label\": expected a number or a class label",
                                    file, line);
        } else if (!strcmp(k, "reject")) {
            if (!json_is_boolean(v))
                return mg_error_set(err, "%s:%lu:1: \"expect.reject\": expected true or false", file, line);
        } else {
            return mg_error_set(err, "%s:%lu:1: \"expect\": unknown key '%s' (expected label, score, "
                                     "tolerance, threshold, reject)", file, line, k);
        }
    }
    return 0;
}

static int load_file(adv_cases *cs, const char *file, mg_error *err)
{
    FILE *fp = fopen(file, "r");
    if (!fp)
        return mg_error_set(err, "'%s': cannot read the fixture cases: %s", file, strerror(errno));
    char *buf = NULL;
    size_t bcap = 0;
    ssize_t got;
    unsigned long line = 0;
    int rc = 0;
    while (rc == 0 && (got = getline(&buf, &bcap, fp)) >= 0) {
        line++;
        while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
            buf[--got] = '\0';
        cs->c = mg_xgrow(cs->c, &cs->cap, cs->n + 1, sizeof *cs->c);
        adv_case *c = &cs->c[cs->n++];
        memset(c, 0, sizeof *c);
        c->file = mg_xstrdup(file);
        c->line = line;
        c->raw = mg_xstrndup(buf, (size_t)got);
        const char *p = buf;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        json_error_t je;
        c->obj = json_loadb(buf, (size_t)got, JSON_REJECT_DUPLICATES, &je);
        if (!c->obj) {
            rc = mg_error_set(err, "%s:%lu:%d: %s", file, line, je.column, je.text);
            break;
        }
        if (!json_is_object(c->obj)) {
            rc = mg_error_set(err, "%s:%lu:1: expected a case object {\"id\": ..., \"input\": {...}}", file, line);
            break;
        }
        c->id = json_string_value(json_object_get(c->obj, "id"));
        if (!c->id || !c->id[0]) {
            rc = mg_error_set(err, "%s:%lu:1: missing \"id\": every case needs a unique id", file, line);
            break;
        }
        if (!json_is_object(json_object_get(c->obj, "input"))) {
            rc = mg_error_set(err, "%s:%lu:1: case '%s': \"input\" must be an object of field values", file,
                              line, c->id);
            break;
        }
        const json_t *tags = json_object_get(c->obj, "tags");
        if (tags && !json_is_array(tags)) {
            rc = mg_error_set(err, "%s:%lu:1: case '%s': \"tags\" must be a list such as [\"edge\"]", file,
                              line, c->id);
            break;
        }
        rc = check_expect(json_object_get(c->obj, "expect"), file, line, err);
        for (size_t i = 0; rc == 0 && i + 1 < cs->n; i++)
            if (cs->c[i].id && strcmp(cs->c[i].id, c->id) == 0)
                rc = mg_error_set(err, "%s:%lu:1: duplicate case id '%s' (first at %s:%lu)", file, line, c->id,
                                  cs->c[i].file, cs->c[i].line);
    }
    if (rc == 0 && ferror(fp))
        rc = mg_error_set(err, "'%s': read error", file);
    free(buf);
    fclose(fp);
    return rc;
}

int adv_cases_load(adv_cases *cs, const char *path, mg_error *err)
{
    memset(cs, 0, sizeof *cs);
    if (adv_case_files(path, 0, &cs->files, &cs->nfiles, err) != 0)
        return -1;
    for (size_t i = 0; i < cs->nfiles; i++)
        if (load_file(cs, cs->files[i], err) != 0)
            return -1;
    return 0;
}

void adv_cases_free(adv_cases *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->c[i].file);
        free(cs->c[i].raw);
        json_decref(cs->c[i].obj);
    }
    free(cs->c);
    for (size_t i = 0; i < cs->nfiles; i++)
        free(cs->files[i]);
    free(cs->files);
    memset(cs, 0, sizeof *cs);
}

/* ------------------------------------------------------------------ */

int adv_case_model_init(adv_case_model *cm, mg_model *m, const char *const *names, mg_error *err)
{
    memset(cm, 0, sizeof *cm);
    cm->model = m;
    cm->ncolumns = mg_model_nfeatures(m);
    cm->columns = mg_xcalloc(cm->ncolumns + 1, sizeof *cm->columns);
    for (size_t i = 0; i < cm->ncolumns; i++) {
        const char *name = names ? names[i] : mg_model_feature_name(m, i);
        cm->columns[i] = name ? mg_xstrdup(name) : mg_xasprintf("f%zu", i);
    }
    cm->binding = mg_binding_new(m, (const char *const *)cm->columns, cm->ncolumns, err);
    if (!cm->binding) {
        adv_case_model_free(cm);
        return -1;
    }
    return 0;
}

void adv_case_model_free(adv_case_model *cm)
{
    for (size_t i = 0; cm->columns && i < cm->ncolumns; i++)
        free(cm->columns[i]);
    free(cm->columns);
    mg_binding_free(cm->binding);
    memset(cm, 0, sizeof *cm);
}

void adv_case_score(const adv_case_model *cm, const json_t *input, adv_case_result *r)
{
    memset(r, 0, sizeof *r);
    size_t k = mg_model_noutputs(cm->model);
    r->k = k > 64 ? 64 : k;
    adv_json_row jr;
    if (adv_json_row_init(&jr, input, (const char *const *)cm->columns, cm->ncolumns, r->why,
                          sizeof r->why) != 0) {
        adv_json_row_free(&jr);
        return;
    }
    double *out = mg_xcalloc(k ? k : 1, sizeof *out);
    adv_outcome o = adv_score(cm->model, cm->binding, &jr.row, NULL, out, r->why, sizeof r->why);
    adv_json_row_free(&jr);
    if (o == ADV_SCORED || o == ADV_NONFINITE) {
        r->scored = 1;
        r->finite = o == ADV_SCORED;
        memcpy(r->out, out, r->k * sizeof *out);
    }
    r->broken = o == ADV_BROKEN;
    free(out);
}

/* The label a result stands for, as JSON (binary: 0/1; multiclass: the
 * class label when the model names it, else the index). */
static json_t *label_now(const adv_case_model *cm, const adv_case_result *r, double threshold)
{
    int task = mg_model_get_task(cm->model);
    if (task == MG_TASK_BINARY)
        return json_integer(r->out[0] >= threshold);
    if (task == MG_TASK_MULTICLASS) {
        int d = adv_decision(task, r->out, r->k, threshold);
        const char *l = mg_model_class_label(cm->model, (size_t)d);
        return l ? json_string(l) : json_integer(d);
    }
    return NULL;
}

static int same_label(const json_t *want, const json_t *got)
{
    if (json_is_boolean(want))
        return json_is_integer(got) && json_integer_value(got) == json_is_true(want);
    if (json_is_number(want) && json_is_number(got))
        return json_number_value(want) == json_number_value(got);
    if (json_is_string(want) && json_is_string(got))
        return strcmp(json_string_value(want), json_string_value(got)) == 0;
    if (json_is_string(want) && json_is_integer(got)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(got));
        return strcmp(json_string_value(want), buf) == 0;
    }
    return 0;
}

int adv_case_compare(const adv_case_model *cm, const json_t *expect, const adv_case_result *r,
                     double default_tol, double threshold, char *diff, size_t size)
{
    diff[0] = '\0';
    int want_reject = json_is_true(json_object_get(expect, "reject"));
    if (r->broken) {
        snprintf(diff, size, "the scorer broke: %s", r->why);
        return 1;
    }
    if (want_reject) {
        if (r->scored) {
            snprintf(diff, size, "scored %.6g, expected a rejection", r->out[0]);
            return 1;
        }
        return 0;
    }
    if (!r->scored) {
        snprintf(diff, size, "rejected (%s), expected a score", r->why);
        return 1;
    }
    if (!r->finite) {
        snprintf(diff, size, "the score is %g", r->out[0]);
        return 1;
    }
    const json_t *th = json_object_get(expect, "threshold");
    if (json_is_number(th))
        threshold = json_number_value(th);
    const json_t *tl = json_object_get(expect, "tolerance");
    double tol = json_is_number(tl) ? json_number_value(tl) : default_tol;
    size_t o = 0;
    int bad = 0;
    const json_t *sc = json_object_get(expect, "score");
    if (json_is_number(sc) && r->k > 1) {
        /* One number cannot be compared with a model's class probabilities. */
        o += (size_t)snprintf(diff + o, size - o, "score: expected the list of the model's %zu class "
                                                  "probabilities, found one number %.10g",
                              r->k, json_number_value(sc));
        bad = 1;
    } else if (json_is_number(sc) && !(fabs(r->out[0] - json_number_value(sc)) <= tol)) {
        o += (size_t)snprintf(diff + o, size - o, "score %.10g, expected %.10g ± %g", r->out[0],
                              json_number_value(sc), tol);
        bad = 1;
    } else if (json_is_array(sc) && json_array_size(sc) < r->k) {
        o += (size_t)snprintf(diff + o, size - o, "score: expected the model's %zu class probabilities, "
                                                  "found a list of %zu", r->k, json_array_size(sc));
        bad = 1;
    } else if (json_is_array(sc)) {
        for (size_t i = 0; i < json_array_size(sc) && o < size; i++) {
            double w = json_number_value(json_array_get(sc, i));
            if (i >= r->k || !(fabs(r->out[i] - w) <= tol)) {
                o += (size_t)snprintf(diff + o, size - o, "%sscore[%zu] %.10g, expected %.10g ± %g", bad ? "; " : "",
                                      i, i < r->k ? r->out[i] : NAN, w, tol);
                bad = 1;
            }
        }
    }
    const json_t *lw = json_object_get(expect, "label");
    if (lw && o < size) {
        json_t *lg = label_now(cm, r, threshold);
        if (!lg || !same_label(lw, lg)) {
            char *a = lg ? json_dumps(lg, JSON_ENCODE_ANY) : NULL, *b = json_dumps(lw, JSON_ENCODE_ANY);
            snprintf(diff + o, size - o, "%slabel %s, expected %s", bad ? "; " : "", a ? a : "(none: regression)",
                     b ? b : "?");
            free(a);
            free(b);
            bad = 1;
        }
        json_decref(lg);
    }
    return bad;
}

json_t *adv_case_expect_now(const adv_case_model *cm, const adv_case_result *r, double tol, double threshold)
{
    if (!r->scored)
        return json_pack("{s:b}", "reject", 1);
    json_t *e = json_object();
    json_t *l = label_now(cm, r, threshold);
    if (l)
        json_object_set_new(e, "label", l);
    if (mg_model_get_task(cm->model) == MG_TASK_MULTICLASS) {
        json_t *a = json_array();
        for (size_t i = 0; i < r->k; i++)
            json_array_append_new(a, json_real(r->out[i]));
        json_object_set_new(e, "score", a);
    } else if (isfinite(r->out[0])) {
        json_object_set_new(e, "score", json_real(r->out[0]));
    }
    json_object_set_new(e, "tolerance", json_real(tol));
    return e;
}

char *adv_case_line(const char *id, json_t *input, json_t *expect, const char *tag,
                    const char *note)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set(o, "input", input);
    if (expect)
        json_object_set(o, "expect", expect);
    if (tag)
        json_object_set_new(o, "tags", json_pack("[s]", tag));
    if (note)
        json_object_set_new(o, "note", mg_text_json(note, strlen(note)));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(o);
    return s ? s : mg_xstrdup("{}");
}
