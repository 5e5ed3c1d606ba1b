#include "harness/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/sha256.h"
#include "harness/scoring.h"
#include "common/xmem.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fill_facts(const mg_spec *spec, mg_report *report)
{
    mg_run_facts *f = &report->facts;
    f->gate_name = mg_xstrdup(spec->name);
    f->spec_path = mg_xstrdup(spec->path);
    f->data_path = mg_xstrdup(spec->data_path ? spec->data_path : "");
    if (spec->model.path)
        f->model_path = mg_xstrdup(spec->model.path);
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    f->started_at = mg_xstrdup(stamp);
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    f->hostname = mg_xstrdup(host);
}

/* The gate could not run: one error testcase that says why. */
static mg_run_outcome input_error(mg_report *report, const char *what, const char *msg)
{
    mg_result *res = mg_report_add(report, "gate", what, "input");
    res->status = MG_STATUS_ERROR;
    mg_result_set_message(res, "%s", msg);
    return MG_RUN_INPUT_ERROR;
}

/* JSONL sources need the column list: schema fields, then role columns. */
static const char **jsonl_columns(const mg_spec *spec, size_t *n)
{
    const char **cols = mg_xcalloc(spec->nfields + MG_ROLE_COUNT + 1, sizeof *cols);
    size_t k = 0;
    for (size_t i = 0; i < spec->nfields; i++)
        cols[k++] = spec->fields[i].name;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        const char *name = spec->roles[r];
        if (!name)
            continue;
        int dup = 0;
        for (size_t j = 0; j < k; j++)
            dup |= strcmp(cols[j], name) == 0;
        if (!dup)
            cols[k++] = name;
    }
    *n = k;
    return cols;
}

/* Loads the baseline's metrics; checks that it was computed on the same
 * data.  Returns the parsed baseline (caller decrefs) or NULL with err. */
static json_t *load_baseline(const mg_spec *spec, const char *data_sha256, mg_error *err)
{
    json_error_t jerr;
    json_t *b = json_load_file(spec->baseline_path, JSON_REJECT_DUPLICATES, &jerr);
    if (!b) {
        if (jerr.line < 1)
            mg_error_set(err, "'%s': cannot read the baseline: %s", spec->baseline_path, jerr.text);
        else
            mg_error_set(err, "%s:%d:%d: cannot read the baseline: %s", spec->baseline_path, jerr.line,
                         jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(json_object_get(b, "metrics"))) {
        mg_error_set(err, "%s: not a baseline: no \"metrics\" object (write one with 'mgate baseline')",
                     spec->baseline_path);
        json_decref(b);
        return NULL;
    }
    const char *sha = json_string_value(json_object_get(json_object_get(b, "facts"), "data_sha256"));
    if (sha && strcmp(sha, data_sha256) != 0) {
        if (!spec->baseline_mismatch_warns) {
            mg_error_set(err, "%s: the baseline was computed on other data (data sha256 %.12s…, this data %.12s…); "
                              "regenerate it with 'mgate baseline', or set baseline.on_mismatch to \"warn\"",
                         spec->baseline_path, sha, data_sha256);
            json_decref(b);
            return NULL;
        }
        fprintf(stderr, "mgate: warning: %s: the baseline was computed on other data (sha256 %.12s…, this data %.12s…)\n",
                spec->baseline_path, sha, data_sha256);
    }
    return b;
}

typedef struct running_check {
    mg_check check;
    double seconds;
    int skip; /* could not start: result already says why */
} running_check;

typedef struct score_dispatch {
    running_check *checks;
    size_t n;
} score_dispatch;

/* Hands a scored row to every check that wants scores. */
static void dispatch_scored(void *ctx, const mg_row *row, const double *scores, const char *why)
{
    score_dispatch *d = ctx;
    for (size_t i = 0; i < d->n; i++) {
        running_check *r = &d->checks[i];
        if (r->skip || !r->check.def->scored)
            continue;
        r->check.def->scored(&r->check, row, scores, why);
    }
}

static int needs_scores(const mg_spec *spec)
{
    for (size_t i = 0; i < spec->nchecks; i++)
        if (spec->checks[i].def->needs & MG_NEEDS_SCORES)
            return 1;
    return 0;
}

mg_run_outcome mg_run_gate(const mg_spec *spec, mg_report *report, mg_error *err)
{
    double t0 = now_seconds();
    fill_facts(spec, report);

    char hex[65];
    if (mg_sha256_file(spec->data_path, hex, err) != 0)
        return input_error(report, "data", err->msg);
    report->facts.data_sha256 = mg_xstrdup(hex);

    mg_source_options so;
    memset(&so, 0, sizeof so);
    so.format = spec->format;
    so.delimiter = spec->delimiter;
    so.limits = spec->limits;
    size_t ncols = 0;
    const char **cols = NULL;
    if ((spec->format == MG_FORMAT_JSONL ||
         (spec->format == MG_FORMAT_AUTO && mg_format_from_path(spec->data_path) == MG_FORMAT_JSONL)) &&
        (spec->nfields || spec->roles[MG_ROLE_ID])) {
        cols = jsonl_columns(spec, &ncols);
        so.columns = cols;
        so.ncolumns = ncols;
    }
    mg_source *src = mg_source_open(spec->data_path, &so, err);
    if (!src) {
        free(cols);
        return input_error(report, "data", err->msg);
    }

    /* Bind schema fields and roles to columns once. */
    long *field_column = mg_xcalloc(spec->nfields + 1, sizeof *field_column);
    for (size_t i = 0; i < spec->nfields; i++)
        field_column[i] = mg_source_column_index(src, spec->fields[i].name);
    mg_check_env env;
    memset(&env, 0, sizeof env);
    env.data_path = spec->data_path;
    env.source = src;
    env.fields = spec->fields;
    env.nfields = spec->nfields;
    env.field_column = field_column;
    env.limits = &spec->limits;
    env.examples = spec->examples;
    env.spec_dir = spec->dir;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        env.role_name[r] = spec->roles[r];
        env.role_column[r] = spec->roles[r] ? mg_source_column_index(src, spec->roles[r]) : -1;
    }

    mg_scoring *scoring = NULL;
    if (needs_scores(spec)) {
        scoring = mg_scoring_new(spec, src, err);
        if (!scoring) {
            free(field_column);
            free(cols);
            mg_source_free(src);
            return input_error(report, "model", err->msg);
        }
        env.score_task = mg_scoring_task(scoring);
        env.nscores = mg_scoring_noutputs(scoring);
        env.score_source = mg_scoring_describe(scoring);
        env.class_labels = mg_scoring_class_labels(scoring);
        env.model = mg_scoring_model(scoring);
        env.binding = mg_scoring_binding(scoring);
    }

    json_t *baseline = NULL;
    if (spec->baseline_path) {
        baseline = load_baseline(spec, hex, err);
        if (!baseline) {
            mg_scoring_free(scoring);
            free(field_column);
            free(cols);
            mg_source_free(src);
            return input_error(report, "baseline", err->msg);
        }
        env.baseline_metrics = json_object_get(baseline, "metrics");
        env.baseline_path = spec->baseline_path;
    }

    running_check *rc = mg_xcalloc(spec->nchecks + 1, sizeof *rc);
    score_dispatch dispatch = {rc, spec->nchecks};
    for (size_t i = 0; i < spec->nchecks; i++) {
        const mg_check_spec *cs = &spec->checks[i];
        mg_check *c = &rc[i].check;
        c->def = cs->def;
        c->name = cs->name;
        c->options = cs->options;
        c->has_max_count = cs->has_max_count;
        c->has_max_rate = cs->has_max_rate;
        c->max_count = cs->max_count;
        c->max_rate = cs->max_rate;
        c->env = &env;
        c->result = mg_report_add(report, cs->def->group, cs->name, cs->def->name);
        if ((cs->def->needs & MG_NEEDS_TIME) && env.role_column[MG_ROLE_TIME] < 0) {
            c->result->status = MG_STATUS_ERROR;
            mg_result_set_message(c->result, "the time column '%s' (data.time) is not in '%s'",
                                  spec->roles[MG_ROLE_TIME], spec->data_path);
            rc[i].skip = 1;
            continue;
        }
        double s = now_seconds();
        if (c->def->begin)
            c->def->begin(c);
        rc[i].seconds += now_seconds() - s;
    }

    /* One pass over the data.  Per-row time is sampled on 1 row in 64 and
     * scaled, so timing does not cost more than the checks themselves. */
    uint64_t records = 0, rows = 0;
    mg_row row;
    mg_run_outcome outcome = MG_RUN_JUDGED;
    for (;;) {
        mg_source_status st = mg_source_next(src, &row, err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            /* The file cannot be read further: what was read is judged, and
             * the reason is a failed testcase of its own. */
            mg_result *res = mg_report_add(report, "data", "read", "input");
            res->status = MG_STATUS_FAIL;
            mg_result_set_message(res, "%s", err->msg);
            break;
        }
        int timed = (records & 63) == 0;
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(src);
            if (p->kind == MG_PROBLEM_FIELD_TOO_BIG || p->kind == MG_PROBLEM_ROW_TOO_BIG ||
                p->kind == MG_PROBLEM_MALFORMED)
                records++;
            for (size_t i = 0; i < spec->nchecks; i++) {
                if (rc[i].skip || !rc[i].check.def->problem)
                    continue;
                rc[i].check.rows = records;
                rc[i].check.def->problem(&rc[i].check, p);
            }
            continue;
        }
        records++;
        rows++;
        for (size_t i = 0; i < spec->nchecks; i++) {
            mg_check *c = &rc[i].check;
            c->rows = records;
            if (rc[i].skip || !c->def->row)
                continue;
            if (timed) {
                double s = now_seconds();
                c->def->row(c, &row);
                rc[i].seconds += (now_seconds() - s) * 64;
            } else {
                c->def->row(c, &row);
            }
        }
        if (scoring)
            mg_scoring_push(scoring, &row, dispatch_scored, &dispatch);
    }
    if (scoring)
        mg_scoring_flush(scoring, dispatch_scored, &dispatch);
    report->facts.rows_read = rows;

    for (size_t i = 0; i < spec->nchecks; i++) {
        mg_check *c = &rc[i].check;
        c->rows = records;
        if (!rc[i].skip) {
            double s = now_seconds();
            if (c->def->finish)
                c->def->finish(c);
            rc[i].seconds += now_seconds() - s;
        }
        if (c->def->free_state)
            c->def->free_state(c);
        c->result->seconds = rc[i].seconds;
    }
    free(rc);
    json_decref(baseline);
    mg_scoring_free(scoring);
    free(field_column);
    free(cols);
    mg_source_free(src);
    report->facts.seconds = now_seconds() - t0;
    return outcome;
}
