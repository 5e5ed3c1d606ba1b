/*
 * drift_engine.c - the reference of the drift checks and their verdict
 * (drift_engine.h).  The properties and examples: drift_report.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_engine.h"
#include "common/xmem.h"

int mg_drift_validate_reference(const json_t *o, char *msg, size_t size)
{
    const json_t *r = json_object_get(o, "reference");
    if (!r) {
        snprintf(msg, size, "missing \"reference\": reference data (\"train.csv\") or a profile "
                            "({\"profile\": \"profile.json\"}, written by mgate profile)");
        return -1;
    }
    if (json_is_string(r) && json_string_length(r) > 0)
        return 0;
    if (json_is_object(r)) {
        const json_t *p = json_object_get(r, "profile");
        if (json_object_size(r) == 1 && json_is_string(p) && json_string_length(p) > 0)
            return 0;
    }
    snprintf(msg, size, "expected a data file name (\"train.csv\") or {\"profile\": \"profile.json\"}");
    return -1;
}

static const double default_threshold[MG_DTEST_COUNT] = {
    [MG_DTEST_PSI] = 0.2,          /* PSI: 0.1-0.2 "some change", over 0.2 a shift (the usual reading) */
    [MG_DTEST_KS] = 0.01,          /* p-value */
    [MG_DTEST_WASSERSTEIN] = 0.1,  /* a tenth of the reference's sd */
    [MG_DTEST_JS] = 0.1,           /* base-2 distance in [0, 1] */
    [MG_DTEST_CHI2] = 0.01,        /* p-value */
    [MG_DTEST_UNSEEN] = 0.01,      /* share of current values the reference never had */
};

double mg_dtest_default_threshold(mg_dtest t)
{
    return t < MG_DTEST_COUNT ? default_threshold[t] : NAN;
}

void mg_dengine_open(mg_dengine *e, const mg_check *c)
{
    memset(e, 0, sizeof *e);
    const json_t *r = json_object_get(c->options, "reference");
    const char *p = json_is_object(r) ? json_string_value(json_object_get(r, "profile")) : json_string_value(r);
    e->from_profile = json_is_object(r);
    const char *dir = c->env->spec_dir;
    if (!p)
        p = "";
    e->ref_path = p[0] == '/' || !dir || !dir[0] ? mg_xstrdup(p) : mg_xasprintf("%s/%s", dir, p);
    /* a shard saves the current side only: the merge reads the reference */
    if (!e->from_profile || c->env->shard)
        return;
    e->profile = mg_dprofile_read(e->ref_path, &e->err);
    if (!e->profile) {
        e->broken = 1;
        return;
    }
    mg_dprofile_settle(e->profile);
}

mg_dfeat *mg_dengine_add(mg_dengine *e, const char *name, mg_dtest test, double threshold, unsigned bins)
{
    e->feat = mg_xgrow(e->feat, &e->cap, e->n + 1, sizeof *e->feat);
    mg_dfeat *f = &e->feat[e->n++];
    memset(f, 0, sizeof *f);
    f->name = mg_xstrdup(name);
    f->test = test;
    f->threshold = threshold;
    f->bins = bins;
    f->ref_column = -1;
    return f;
}

void mg_dengine_read_data(mg_dengine *e, const mg_check *c, mg_dengine_header_fn on_header,
                          mg_dengine_row_fn on_row, void *ctx)
{
    mg_source_options so;
    memset(&so, 0, sizeof so);
    if (c->env->source_options)
        so = *c->env->source_options;
    so.limits.min_rows = 0;
    mg_source *src = mg_source_open(e->ref_path, &so, &e->err);
    if (!src) {
        mg_error_prefix(&e->err, "reference data");
        e->broken = 1;
        return;
    }
    on_header(ctx, src);
    mg_row row;
    uint64_t rows = 0;
    for (;;) {
        mg_source_status st = mg_source_next(src, &row, &e->err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            e->broken = 1;
            break;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            /* a reference with bad rows is not the reference the user thinks it is */
            const mg_source_problem_info *p = mg_source_problem(src);
            mg_error_set(&e->err, "reference data %s:%lu: %s%s%s", e->ref_path, p->line, p->field ? p->field : "",
                         p->field ? ": " : "", p->message);
            e->broken = 1;
            break;
        }
        rows++;
        on_row(ctx, src, &row);
    }
    if (!e->broken && rows == 0) {
        mg_error_set(&e->err, "reference data '%s' has no rows: nothing to compare with", e->ref_path);
        e->broken = 1;
    }
    mg_source_free(src);
}

/* "amount, merchant_category" of the drifted features, at most ~400 bytes. */
static void drifted_names(const mg_dengine *e, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < e->n && used + 8 < size; i++) {
        if (!e->feat[i].drifted)
            continue;
        int k = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", e->feat[i].name);
        used += k > 0 ? (size_t)k : 0;
    }
}

/* Computes the figures; 0, or -1 with the result set to an error. */
static int compute_all(mg_dengine *e, mg_check *c)
{
    for (size_t i = 0; i < e->n; i++) {
        mg_dfeat *f = &e->feat[i];
        mg_error err;
        if (mg_drift_compare(&f->ref, &f->cur, f->bins, &f->fig, &err) < 0) {
            c->result->status = MG_STATUS_ERROR;
            mg_result_set_message(c->result, "%s: %s", f->name, err.msg);
            return -1;
        }
        f->computed = 1;
        f->drifted = mg_drifted(&f->fig, f->test, f->threshold);
    }
    return 0;
}

void mg_dengine_judge(mg_dengine *e, mg_check *c, double max_share)
{
    mg_result *res = c->result;
    if (e->broken) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s", e->err.msg);
        return;
    }
    if (e->n == 0) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "no feature to compare");
        return;
    }
    if (compute_all(e, c) < 0)
        return;
    size_t drifted = 0;
    for (size_t i = 0; i < e->n; i++)
        drifted += e->feat[i].drifted;
    /* drifted features first, so the examples list them */
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < e->n; i++)
            if (e->feat[i].drifted == pass)
                mg_drift_report_feature(c, &e->feat[i]);
    double share = (double)drifted / (double)e->n;
    mg_result_prop_number(res, "features", (double)e->n);
    mg_result_prop_number(res, "drifted", (double)drifted);
    mg_result_prop_number(res, "drift_share", share);
    mg_result_prop_text(res, "reference", e->ref_path);
    mg_result_prop_text(res, "reference_kind", e->from_profile ? "profile" : "data");
    if (max_share >= 0)
        mg_result_prop_number(res, "max_drift_share", max_share);
    int fail = max_share >= 0 ? share > max_share : drifted > 0;
    res->status = fail ? MG_STATUS_FAIL : MG_STATUS_PASS;
    char names[400];
    drifted_names(e, names, sizeof names);
    const char *kind = e->from_profile ? "profile" : "data";
    if (drifted == 0)
        mg_result_set_message(res, "no drift in %zu feature%s against reference %s '%s'", e->n, e->n == 1 ? "" : "s",
                              kind, e->ref_path);
    else if (max_share >= 0)
        mg_result_set_message(res, "%zu of %zu features drifted (%s): share %.4g %s max_drift_share %.4g", drifted,
                              e->n, names, share, fail ? ">" : "<=", max_share);
    else
        mg_result_set_message(res, "%zu of %zu feature%s drifted against reference %s '%s': %s", drifted, e->n,
                              e->n == 1 ? "" : "s", kind, e->ref_path, names);
}

void mg_dengine_free(mg_dengine *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->feat[i].name);
        mg_dside_free(&e->feat[i].ref);
        mg_dside_free(&e->feat[i].cur);
    }
    free(e->feat);
    free(e->ref_path);
    mg_dprofile_free(e->profile);
    memset(e, 0, sizeof *e);
}
