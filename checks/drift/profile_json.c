/*
 * profile_json.c - a drift profile to and from its versioned JSON
 * (docs/profile-format.md), with every key and every count checked on the
 * way in.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/drift/profile.h"
#include "common/atomic_file.h"
#include "common/json_kind.h"
#include "common/xmem.h"

#define FORMAT_NAME "mgate-profile"

/* ------------------------------------------------------------------ */
/* Writing                                                              */

static json_t *moments_json(const mg_moments *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer((json_int_t)m->count));
    json_object_set_new(o, "mean", json_real(m->mean));
    json_object_set_new(o, "m2", json_real(m->m2));
    json_object_set_new(o, "variance", json_real(mg_moments_variance(m)));
    json_object_set_new(o, "min", json_real(m->min));
    json_object_set_new(o, "max", json_real(m->max));
    return o;
}

static json_t *column_json(const mg_pcol *c)
{
    if (c->kind == MG_PCOL_AUTO)
        return json_null(); /* not settled: a caller's bug, visible in the file */
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "kind", json_string(c->kind == MG_PCOL_NUMBER ? "number" : "text"));
    json_object_set_new(o, "rows", json_integer((json_int_t)c->rows));
    json_object_set_new(o, "missing", json_integer((json_int_t)c->missing));
    json_object_set_new(o, "wrong_type", json_integer((json_int_t)c->wrong_type));
    if (c->kind == MG_PCOL_NUMBER) {
        json_object_set_new(o, "moments", moments_json(&c->moments));
        json_object_set_new(o, "quantiles", mg_qsketch_to_json(&c->sketch));
    } else {
        json_object_set_new(o, "values", mg_freq_to_json(&c->values));
    }
    return o;
}

json_t *mg_dprofile_to_json(const mg_dprofile *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string(FORMAT_NAME));
    json_object_set_new(o, "version", json_integer(MG_DPROFILE_VERSION));
    json_object_set_new(o, "rows", json_integer((json_int_t)p->rows));
    json_t *cols = json_array();
    for (size_t i = 0; i < p->ncols; i++)
        json_array_append_new(cols, column_json(&p->cols[i]));
    json_object_set_new(o, "columns", cols);
    if (p->label) {
        json_t *l = json_object();
        json_object_set_new(l, "column", json_string(p->label));
        json_object_set_new(l, "values", mg_freq_to_json(&p->labels));
        json_object_set_new(o, "label", l);
    }
    if (p->scores_from) {
        json_t *s = json_object();
        json_object_set_new(s, "from", json_string(p->scores_from));
        json_object_set_new(s, "missing", json_integer((json_int_t)p->scores_missing));
        json_object_set_new(s, "moments", moments_json(&p->scores));
        json_object_set_new(s, "quantiles", mg_qsketch_to_json(&p->score_sketch));
        json_object_set_new(o, "scores", s);
    }
    return o;
}

int mg_dprofile_write(const mg_dprofile *p, const char *path, mg_error *err)
{
    json_t *doc = mg_dprofile_to_json(p);
    mg_atomic_file af;
    int rc = -1;
    if (mg_atomic_open(&af, path, err) < 0)
        goto out;
    if (json_dumpf(doc, af.fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) < 0 ||
        fputc('\n', af.fp) == EOF) {
        mg_atomic_abort(&af);
        mg_error_set(err, "%s: cannot write the profile", path);
        goto out;
    }
    rc = mg_atomic_commit(&af, err);
out:
    json_decref(doc);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

static int read_moments(mg_profile_reader *r, const json_t *parent, mg_moments *m)
{
    static const char *const keys[] = {"count", "mean", "m2", "variance", "min", "max", NULL};
    const json_t *o = mg_preader_enter(r, parent, "moments", JSON_OBJECT);
    if (!o)
        return -1;
    double variance;
    int rc = -1;
    if (mg_preader_keys(r, o, keys) < 0 || mg_preader_count(r, o, "count", &m->count) < 0 ||
        mg_preader_number(r, o, "mean", &m->mean) < 0 ||
        mg_preader_number(r, o, "m2", &m->m2) < 0 ||
        mg_preader_number(r, o, "variance", &variance) < 0 ||
        mg_preader_number(r, o, "min", &m->min) < 0 || mg_preader_number(r, o, "max", &m->max) < 0)
        goto out;
    if (m->m2 < 0.0 || (m->count > 0 && m->min > m->max)) {
        mg_preader_fail(r, 0, "expected m2 >= 0 and min <= max (m2 %g, min %g, max %g)", m->m2,
                        m->min, m->max);
        goto out;
    }
    rc = 0;
out:
    mg_preader_pop(r);
    return rc;
}

/* The quantile sketch under key "quantiles", holding `count` values. */
static int read_quantiles(mg_profile_reader *r, const json_t *parent, mg_qsketch *s,
                          uint64_t count)
{
    const json_t *o = mg_preader_enter(r, parent, "quantiles", JSON_OBJECT);
    if (!o)
        return -1;
    int rc = mg_qsketch_from_json(r, o, s);
    if (rc == 0 && s->n != count)
        rc = mg_preader_fail(r, 0, "the sketch holds %" PRIu64 " values, the moments count %"
                                   PRIu64, s->n, count);
    mg_preader_pop(r);
    return rc;
}

/* The frequencies under key `key`, whose total must be `total`. */
static int read_values(mg_profile_reader *r, const json_t *parent, const char *key, mg_freq *f,
                       uint64_t total)
{
    const json_t *o = mg_preader_enter(r, parent, key, JSON_OBJECT);
    if (!o)
        return -1;
    int rc = mg_freq_from_json(r, o, f);
    if (rc == 0 && f->total != total)
        rc = mg_preader_fail(r, 0, "the values total %" PRIu64 ", expected %" PRIu64, f->total,
                             total);
    mg_preader_pop(r);
    return rc;
}

/* A string member (required). */
static const char *read_string(mg_profile_reader *r, const json_t *o, const char *key)
{
    const json_t *v = mg_preader_enter(r, o, key, JSON_STRING);
    if (!v)
        return NULL;
    mg_preader_pop(r);
    return json_string_value(v);
}

static int read_column(mg_profile_reader *r, const json_t *o, mg_pcol *c, uint64_t rows)
{
    static const char *const keys[] = {"name", "kind", "rows", "missing", "wrong_type",
                                       "moments", "quantiles", "values", NULL};
    if (!json_is_object(o))
        return mg_preader_fail(r, 0, "expected a column object, found %s", mg_json_kind(o));
    const char *name, *kind;
    if (mg_preader_keys(r, o, keys) < 0 || !(name = read_string(r, o, "name")) ||
        !(kind = read_string(r, o, "kind")))
        return -1;
    c->name = mg_xstrdup(name);
    if (strcmp(kind, "number") != 0 && strcmp(kind, "text") != 0) {
        mg_preader_push_key(r, "kind");
        mg_preader_fail(r, 0, "expected \"number\" or \"text\", found \"%s\"", kind);
        mg_preader_pop(r);
        return -1;
    }
    c->kind = kind[0] == 'n' ? MG_PCOL_NUMBER : MG_PCOL_TEXT;
    if (mg_preader_count(r, o, "rows", &c->rows) < 0 ||
        mg_preader_count(r, o, "missing", &c->missing) < 0 ||
        mg_preader_count(r, o, "wrong_type", &c->wrong_type) < 0)
        return -1;
    if (c->rows != rows || c->missing > rows || c->wrong_type > rows - c->missing) {
        mg_preader_push_key(r, "rows");
        mg_preader_fail(r, 0, "expected rows = %" PRIu64 " (the profile's) holding missing %"
                              PRIu64 " and wrong_type %" PRIu64, rows, c->missing,
                        c->wrong_type);
        mg_preader_pop(r);
        return -1;
    }
    uint64_t present = rows - c->missing - c->wrong_type;
    if (c->kind == MG_PCOL_TEXT)
        return read_values(r, o, "values", &c->values, present);
    if (read_moments(r, o, &c->moments) < 0)
        return -1;
    if (c->moments.count != present) {
        mg_preader_push_key(r, "moments");
        mg_preader_fail(r, 0, "count %" PRIu64 " is not rows - missing - wrong_type = %" PRIu64,
                        c->moments.count, present);
        mg_preader_pop(r);
        return -1;
    }
    mg_qsketch_free(&c->sketch);
    return read_quantiles(r, o, &c->sketch, present);
}

/* "columns": unique names, each column checked against the profile's rows. */
static int read_columns(mg_profile_reader *r, const json_t *root, mg_dprofile *p)
{
    const json_t *cols = mg_preader_enter(r, root, "columns", JSON_ARRAY);
    if (!cols)
        return -1;
    size_t n = json_array_size(cols);
    p->cols = mg_xcalloc(n ? n : 1, sizeof *p->cols);
    for (size_t i = 0; i < n; i++) {
        p->ncols = i + 1;
        mg_pcol *c = &p->cols[i];
        mg_moments_init(&c->moments);
        mg_qsketch_init(&c->sketch, MG_QSKETCH_K);
        mg_freq_init(&c->values);
        mg_preader_push_index(r, i);
        int rc = read_column(r, json_array_get(cols, i), c, p->rows);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(p->cols[j].name, c->name) == 0) {
                mg_preader_push_key(r, "name");
                rc = mg_preader_fail(r, 0, "column '%s' is listed twice (first as columns[%zu])",
                                     c->name, j);
                mg_preader_pop(r);
            }
        mg_preader_pop(r);
        if (rc < 0) {
            mg_preader_pop(r);
            return -1;
        }
    }
    mg_preader_pop(r);
    return 0;
}

/* "label" (optional): a column of the profile and its values' frequencies. */
static int read_label(mg_profile_reader *r, const json_t *root, mg_dprofile *p)
{
    static const char *const keys[] = {"column", "values", NULL};
    if (!json_object_get(root, "label"))
        return 0;
    const json_t *o = mg_preader_enter(r, root, "label", JSON_OBJECT);
    if (!o)
        return -1;
    int rc = -1;
    const char *name;
    if (mg_preader_keys(r, o, keys) < 0 || !(name = read_string(r, o, "column")))
        goto out;
    for (size_t i = 0; i < p->ncols && p->label_col < 0; i++)
        if (strcmp(p->cols[i].name, name) == 0)
            p->label_col = (long)i;
    if (p->label_col < 0) {
        mg_preader_push_key(r, "column");
        mg_preader_fail(r, 0, "the label column '%s' is not one of the profile's columns", name);
        mg_preader_pop(r);
        goto out;
    }
    p->label = mg_xstrdup(name);
    const mg_pcol *c = &p->cols[p->label_col];
    rc = read_values(r, o, "values", &p->labels, c->rows - c->missing - c->wrong_type);
out:
    mg_preader_pop(r);
    return rc;
}

/* "scores" (optional): where they came from, the missing ones, moments and sketch. */
static int read_scores(mg_profile_reader *r, const json_t *root, mg_dprofile *p)
{
    static const char *const keys[] = {"from", "missing", "moments", "quantiles", NULL};
    if (!json_object_get(root, "scores"))
        return 0;
    const json_t *o = mg_preader_enter(r, root, "scores", JSON_OBJECT);
    if (!o)
        return -1;
    int rc = -1;
    const char *from;
    if (mg_preader_keys(r, o, keys) < 0 || !(from = read_string(r, o, "from")) ||
        mg_preader_count(r, o, "missing", &p->scores_missing) < 0 ||
        read_moments(r, o, &p->scores) < 0)
        goto out;
    p->scores_from = mg_xstrdup(from);
    mg_qsketch_free(&p->score_sketch);
    rc = read_quantiles(r, o, &p->score_sketch, p->scores.count);
out:
    mg_preader_pop(r);
    return rc;
}

/* The header: format name, a version this mgate reads, the row count. */
static int read_header(mg_profile_reader *r, const json_t *root, mg_dprofile *p)
{
    static const char *const keys[] = {"format", "version", "rows", "columns", "label",
                                       "scores", NULL};
    const char *format;
    uint64_t version;
    if (mg_preader_keys(r, root, keys) < 0 || !(format = read_string(r, root, "format")))
        return -1;
    if (strcmp(format, FORMAT_NAME) != 0) {
        mg_preader_push_key(r, "format");
        mg_preader_fail(r, 0, "expected \"%s\", found \"%s\": not an mgate profile", FORMAT_NAME,
                        format);
        mg_preader_pop(r);
        return -1;
    }
    if (mg_preader_count(r, root, "version", &version) < 0)
        return -1;
    if (version != MG_DPROFILE_VERSION) {
        mg_preader_push_key(r, "version");
        mg_preader_fail(r, 0, "version %" PRIu64 " %s; this mgate reads version %d", version,
                        version > MG_DPROFILE_VERSION ? "was written by a newer mgate"
                                                      : "is not a profile version",
                        MG_DPROFILE_VERSION);
        mg_preader_pop(r);
        return -1;
    }
    return mg_preader_count(r, root, "rows", &p->rows);
}

mg_dprofile *mg_dprofile_from_text(const char *file, const char *text, size_t len,
                                   mg_error *err)
{
    json_error_t jerr;
    /* a text value may hold a NUL byte (mg_freq_to_json writes it as \u0000) */
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!root) {
        mg_error_set(err, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    mg_profile_reader r = {.file = file, .text = text, .len = len, .err = err};
    mg_dprofile *p = mg_xcalloc(1, sizeof *p);
    p->label_col = -1;
    mg_freq_init(&p->labels);
    mg_moments_init(&p->scores);
    mg_qsketch_init(&p->score_sketch, MG_QSKETCH_K);
    if (!json_is_object(root)) {
        mg_preader_fail(&r, 0, "expected a profile object, found %s", mg_json_kind(root));
        goto fail;
    }
    if (read_header(&r, root, p) < 0 || read_columns(&r, root, p) < 0 ||
        read_label(&r, root, p) < 0 || read_scores(&r, root, p) < 0)
        goto fail;
    json_decref(root);
    return p;
fail:
    json_decref(root);
    mg_dprofile_free(p);
    return NULL;
}

mg_dprofile *mg_dprofile_read(const char *path, mg_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mg_error_set(err, "%s: cannot open the profile: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    mg_dprofile *p = NULL;
    for (;;) {
        if (len == cap)
            text = mg_xgrow(text, &cap, len + 65536, 1);
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (len > MG_DPROFILE_MAX_BYTES) {
            mg_error_set(err, "%s: the profile is over %u bytes, the most mgate reads", path,
                         MG_DPROFILE_MAX_BYTES);
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        mg_error_set(err, "%s: cannot read the profile: %s", path, strerror(errno));
        goto out;
    }
    p = mg_dprofile_from_text(path, text, len, err);
out:
    free(text);
    fclose(f);
    return p;
}
