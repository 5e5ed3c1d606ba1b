/*
 * profile.c - building and merging drift profiles (see profile.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/profile.h"
#include "common/xmem.h"

static void pcol_init(mg_pcol *c, const char *name, mg_pcol_kind kind)
{
    memset(c, 0, sizeof *c);
    c->name = mg_xstrdup(name);
    c->kind = kind;
    mg_moments_init(&c->moments);
    mg_qsketch_init(&c->sketch, MG_QSKETCH_K);
    mg_freq_init(&c->values);
}

mg_dprofile *mg_dprofile_new(const char *const *names, const mg_pcol_kind *kinds, size_t ncols,
                             long label_col, const char *scores_from)
{
    mg_dprofile *p = mg_xcalloc(1, sizeof *p);
    p->ncols = ncols;
    p->cols = mg_xcalloc(ncols ? ncols : 1, sizeof *p->cols);
    for (size_t i = 0; i < ncols; i++)
        pcol_init(&p->cols[i], names[i], kinds[i]);
    p->label_col = label_col >= 0 && (size_t)label_col < ncols ? label_col : -1;
    p->label = p->label_col >= 0 ? mg_xstrdup(names[label_col]) : NULL;
    mg_freq_init(&p->labels);
    p->scores_from = scores_from ? mg_xstrdup(scores_from) : NULL;
    mg_moments_init(&p->scores);
    mg_qsketch_init(&p->score_sketch, MG_QSKETCH_K);
    return p;
}

void mg_dprofile_free(mg_dprofile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->ncols; i++) {
        free(p->cols[i].name);
        mg_qsketch_free(&p->cols[i].sketch);
        mg_freq_free(&p->cols[i].values);
    }
    free(p->cols);
    free(p->label);
    mg_freq_free(&p->labels);
    free(p->scores_from);
    mg_qsketch_free(&p->score_sketch);
    free(p);
}

/* A present value of an AUTO column feeds both summaries; 1 unless it is
 * an object or array (which neither kind accepts). */
static int add_auto_value(mg_pcol *c, const mg_value *v)
{
    double x;
    if (v->kind == MG_VALUE_OTHER) {
        c->structured++;
        c->not_numbers++;
        return 0;
    }
    mg_freq_add(&c->values, v->text, v->len, 1);
    if (mg_value_to_double(v, &x) < 0 || !isfinite(x)) {
        c->not_numbers++;
        return 1;
    }
    mg_moments_add(&c->moments, x);
    mg_qsketch_add(&c->sketch, x);
    return 1;
}

/* Counts one value in its column; 1 when the column's kind accepts it. */
static int add_value(mg_pcol *c, const mg_value *v)
{
    c->rows++;
    if (!v || mg_value_is_missing(v)) {
        c->missing++;
        return 0;
    }
    if (c->kind == MG_PCOL_AUTO)
        return add_auto_value(c, v);
    if (c->kind == MG_PCOL_TEXT) {
        if (v->kind == MG_VALUE_OTHER) {
            c->wrong_type++;
            return 0;
        }
        mg_freq_add(&c->values, v->text, v->len, 1);
        return 1;
    }
    double x;
    if (mg_value_to_double(v, &x) < 0 || !isfinite(x)) {
        c->wrong_type++;
        return 0;
    }
    mg_moments_add(&c->moments, x);
    mg_qsketch_add(&c->sketch, x);
    return 1;
}

void mg_dprofile_add_row(mg_dprofile *p, const mg_row *row)
{
    p->rows++;
    for (size_t i = 0; i < p->ncols; i++) {
        const mg_value *v = i < row->nvalues ? &row->values[i] : NULL;
        /* the label distribution holds the label values its column accepts, as written */
        if (add_value(&p->cols[i], v) && (long)i == p->label_col)
            mg_freq_add(&p->labels, v->text, v->len, 1);
    }
}

void mg_dprofile_add_score(mg_dprofile *p, double score)
{
    if (!isfinite(score)) {
        p->scores_missing++;
        return;
    }
    mg_moments_add(&p->scores, score);
    mg_qsketch_add(&p->score_sketch, score);
}

void mg_dprofile_settle(mg_dprofile *p)
{
    for (size_t i = 0; i < p->ncols; i++) {
        mg_pcol *c = &p->cols[i];
        if (c->kind != MG_PCOL_AUTO)
            continue;
        uint64_t present = c->rows - c->missing;
        double allowed = (long)i == p->label_col ? 0.0 : MG_DPROFILE_FLAW_SHARE * (double)present;
        if (c->moments.count > 0 && (double)c->not_numbers <= allowed) {
            c->kind = MG_PCOL_NUMBER;
            c->wrong_type = c->not_numbers;
            mg_freq_free(&c->values);
            mg_freq_init(&c->values);
        } else {
            c->kind = MG_PCOL_TEXT;
            c->wrong_type = c->structured;
            mg_moments_init(&c->moments);
            mg_qsketch_free(&c->sketch);
            mg_qsketch_init(&c->sketch, MG_QSKETCH_K);
        }
        c->not_numbers = c->structured = 0;
    }
}

const mg_pcol *mg_dprofile_column(const mg_dprofile *p, const char *name)
{
    for (size_t i = 0; i < p->ncols; i++)
        if (strcmp(p->cols[i].name, name) == 0)
            return &p->cols[i];
    return NULL;
}

static const char *kind_name(mg_pcol_kind k)
{
    return k == MG_PCOL_NUMBER ? "a number column" : k == MG_PCOL_TEXT ? "a text column"
                                                                        : "not settled";
}

static int same_name(const char *a, const char *b)
{
    return (a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0);
}

/* A profile stores its counts as JSON integers, at most INT64_MAX; every
 * count of a column is bounded by its rows, the scores' by theirs. */
static int count_sum_fits(uint64_t a, uint64_t b)
{
    return a <= INT64_MAX && b <= INT64_MAX - a;
}

/* Moments whose merge is not finite (values near +-DBL_MAX) could not be
 * written: JSON has no infinity. */
static int moments_merge_finite(const mg_moments *a, const mg_moments *b)
{
    mg_moments m = *a;
    mg_moments_merge(&m, b);
    return isfinite(m.mean) && isfinite(m.m2);
}

/* -1 with err when the merge of two mergeable profiles could not be written
 * and read back (found by fuzz/fuzz_profile.c: a merged file mgate refused). */
static int check_merge_fits(const mg_dprofile *a, const mg_dprofile *b, mg_error *err)
{
    if (!count_sum_fits(a->rows, b->rows) || !count_sum_fits(a->scores_missing, b->scores_missing) ||
        !count_sum_fits(a->scores.count, b->scores.count))
        return mg_error_set(err, "cannot merge profiles: the merged counts would be over %lld, the "
                                 "most a profile holds", (long long)INT64_MAX);
    for (size_t i = 0; i < a->ncols; i++)
        if (!moments_merge_finite(&a->cols[i].moments, &b->cols[i].moments))
            return mg_error_set(err, "cannot merge profiles: column '%s': the merged mean or "
                                     "variance is beyond double precision", a->cols[i].name);
    if (!moments_merge_finite(&a->scores, &b->scores))
        return mg_error_set(err, "cannot merge profiles: the merged scores' mean or variance is "
                                 "beyond double precision");
    return 0;
}

/* -1 with err at the first difference that makes two profiles unmergeable. */
static int check_mergeable(const mg_dprofile *a, const mg_dprofile *b, mg_error *err)
{
    if (a->ncols != b->ncols)
        return mg_error_set(err, "cannot merge profiles of %zu and %zu columns", a->ncols,
                            b->ncols);
    for (size_t i = 0; i < a->ncols; i++) {
        if (strcmp(a->cols[i].name, b->cols[i].name) != 0)
            return mg_error_set(err, "cannot merge profiles: column %zu is '%s' in one and "
                                     "'%s' in the other", i + 1, a->cols[i].name,
                                b->cols[i].name);
        if (a->cols[i].kind != b->cols[i].kind)
            return mg_error_set(err, "cannot merge profiles: column '%s' is %s in one and %s in "
                                     "the other", a->cols[i].name, kind_name(a->cols[i].kind),
                                kind_name(b->cols[i].kind));
        if (a->cols[i].sketch.k != b->cols[i].sketch.k)
            return mg_error_set(err, "cannot merge profiles: column '%s' has sketches with k "
                                     "%u and %u", a->cols[i].name, a->cols[i].sketch.k,
                                b->cols[i].sketch.k);
    }
    if (!same_name(a->label, b->label))
        return mg_error_set(err, "cannot merge profiles with labels '%s' and '%s'",
                            a->label ? a->label : "(none)", b->label ? b->label : "(none)");
    if (!same_name(a->scores_from, b->scores_from))
        return mg_error_set(err, "cannot merge profiles with scores from '%s' and '%s'",
                            a->scores_from ? a->scores_from : "(none)",
                            b->scores_from ? b->scores_from : "(none)");
    if (a->score_sketch.k != b->score_sketch.k)
        return mg_error_set(err, "cannot merge profiles: their score sketches have k %u and %u",
                            a->score_sketch.k, b->score_sketch.k);
    return 0;
}

int mg_dprofile_merge(mg_dprofile *into, const mg_dprofile *from, mg_error *err)
{
    if (check_mergeable(into, from, err) < 0 || check_merge_fits(into, from, err) < 0)
        return -1;
    into->rows += from->rows;
    for (size_t i = 0; i < into->ncols; i++) {
        mg_pcol *a = &into->cols[i];
        const mg_pcol *b = &from->cols[i];
        a->rows += b->rows;
        a->missing += b->missing;
        a->wrong_type += b->wrong_type;
        a->not_numbers += b->not_numbers;
        a->structured += b->structured;
        mg_moments_merge(&a->moments, &b->moments);
        mg_qsketch_merge(&a->sketch, &b->sketch, NULL); /* same k: checked */
        mg_freq_merge(&a->values, &b->values);
    }
    mg_freq_merge(&into->labels, &from->labels);
    into->scores_missing += from->scores_missing;
    mg_moments_merge(&into->scores, &from->scores);
    mg_qsketch_merge(&into->score_sketch, &from->score_sketch, NULL);
    return 0;
}
