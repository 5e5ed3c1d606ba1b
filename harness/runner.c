#include "harness/runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/metrics/metrics.h"
#include "common/run_id.h"
#include "common/sha256.h"
#include "checks/plot_rows.h"
#include "common/ticks.h"
#include "common/xmem.h"
#include "harness/scoring.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void copy_strings(char *const *from, size_t n, char ***to, size_t *nto)
{
    *to = n ? mg_xcalloc(n, sizeof **to) : NULL;
    for (size_t i = 0; i < n; i++)
        (*to)[i] = mg_xstrdup(from[i]);
    *nto = n;
}

static void fill_facts(const mg_spec *spec, mg_report *report)
{
    mg_run_facts *f = &report->facts;
    f->gate_name = mg_xstrdup(spec->name);
    if (spec->junit_prefix)
        f->junit_prefix = mg_xstrdup(spec->junit_prefix);
    f->spec_path = mg_xstrdup(spec->path);
    f->data_path = mg_xstrdup(spec->data_path ? spec->data_path : "");
    if (spec->model.path)
        f->model_path = mg_xstrdup(spec->model.path);
    if (spec->baseline_model.path)
        f->baseline_model_path = mg_xstrdup(spec->baseline_model.path);
    char id[MG_RUN_ID_LEN + 1];
    f->run_id = mg_xstrdup(mg_run_id_new(id));
    copy_strings(spec->overrides, spec->noverrides, &f->overrides, &f->noverrides);
    copy_strings(spec->variables, spec->nvariables, &f->variables, &f->nvariables);
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

/* Records the SHA-256 of the model and champion files in the facts.  A
 * named model file that cannot be hashed was not read whole: an error when
 * the gate was judged. */
static mg_run_outcome model_facts(const mg_spec *spec, mg_report *report, mg_run_outcome outcome, mg_error *err)
{
    const char *paths[2] = {spec->model.path, spec->baseline_model.path};
    char **slots[2] = {&report->facts.model_sha256, &report->facts.baseline_model_sha256};
    for (size_t i = 0; i < 2; i++) {
        char hex[65];
        if (!paths[i])
            continue;
        mg_error herr = {{0}};
        if (mg_sha256_file(paths[i], hex, &herr) == 0) {
            *slots[i] = mg_xstrdup(hex);
        } else if (outcome == MG_RUN_JUDGED) {
            *err = herr;
            outcome = input_error(report, "model", err->msg);
        }
    }
    return outcome;
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

/* Loads the baseline's metrics.  Returns the parsed baseline (caller
 * decrefs) or NULL with err.  The data fingerprint it records is checked
 * by check_baseline_data once the data's own is known. */
static json_t *load_baseline(const mg_spec *spec, mg_error *err)
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
    return b;
}

/* Reads every schema field of the row once for all checks. */
static void type_row(const mg_spec *spec, const long *field_column, const mg_row *row, mg_typed *typed)
{
    for (size_t f = 0; f < spec->nfields; f++) {
        mg_typed *t = &typed[f];
        long col = field_column[f];
        if (col < 0) {
            t->state = MG_TYPED_NO_COLUMN;
            continue;
        }
        const mg_value *v = &row->values[col];
        if (mg_value_is_missing(v)) {
            t->state = MG_TYPED_MISSING;
            continue;
        }
        t->expected = NULL;
        t->state = mg_value_as_field(v, &spec->fields[f], &t->num, &t->expected) == 0 ? MG_TYPED_OK : MG_TYPED_WRONG;
    }
}

/* Was the baseline computed on this data?  sha is the data sha256 the
 * baseline records (NULL when it records none).  Returns 0, or -1 with err
 * when it was not and the spec makes that an error (else a warning). */
static int check_baseline_data(const mg_spec *spec, const char *sha, const char *data_sha256, mg_error *err)
{
    int rc = 0;
    if (sha && strcmp(sha, data_sha256) != 0) {
        if (!spec->baseline_mismatch_warns) {
            mg_error_set(err, "%s: the baseline was computed on other data (data sha256 %.12s…, this data %.12s…); "
                              "regenerate it with 'mgate baseline', or set baseline.on_mismatch to \"warn\"",
                         spec->baseline_path, sha, data_sha256);
            rc = -1;
        } else {
            fprintf(stderr, "mgate: warning: %s: the baseline was computed on other data (sha256 %.12s…, this data %.12s…)\n",
                    spec->baseline_path, sha, data_sha256);
        }
    }
    return rc;
}

/* Progress on a terminal: a line every 2 s on long runs, overwritten in
 * place and cleared at the end.  Never in CI logs (not a terminal). */
typedef struct progress {
    int on, shown;
    double next;
    uint64_t file_bytes;
} progress;

static void progress_init(progress *p, const char *path)
{
    struct stat st;
    p->on = isatty(STDERR_FILENO);
    p->shown = 0;
    p->next = now_seconds() + 2;
    p->file_bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void progress_tick(progress *p, const mg_source *src, uint64_t rows)
{
    double t = now_seconds();
    if (t < p->next)
        return;
    p->next = t + 2;
    p->shown = 1;
    uint64_t done = mg_source_bytes_read(src);
    if (p->file_bytes)
        fprintf(stderr, "\rmgate: %llu rows, %.0f%% of %.1f MB ", (unsigned long long)rows,
                100.0 * (double)done / (double)p->file_bytes, (double)p->file_bytes / 1e6);
    else
        fprintf(stderr, "\rmgate: %llu rows ", (unsigned long long)rows);
}

static void progress_done(progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r%60s\r", "");
}

typedef struct running_check {
    mg_check check;
    mg_ticks ticks; /* time spent in this check's handlers, summed per call */
    int skip;       /* could not start: result already says why */
} running_check;

/* Charges the ticks since *since to rc and moves *since to now: the calls
 * of one row are timed as a chain, one clock read per call. */
static void charge(running_check *rc, mg_ticks *since)
{
    mg_ticks now = mg_ticks_now();
    if (now > *since)
        rc->ticks += now - *since;
    *since = now;
}

/* Rows waiting for their batch to be scored, and the scorers. */
typedef struct score_stage {
    mg_scoring *candidate, *champion;
    size_t batch;               /* rows per batch: the larger of the two */
    mg_row **queue;             /* copies, when batch > 1 */
    const mg_row **rows;
    size_t queued;
    double *out, *champion_out;
    const char **why, **champion_why;
    running_check *checks;
    size_t nchecks;
    mg_plot_rows *plots;        /* NULL unless an HTML report wants plots */
    const mg_check_env *env;
} score_stage;

static void stage_flush(score_stage *st)
{
    if (st->queued == 0)
        return;
    size_t n = st->queued;
    mg_scoring_score(st->candidate, st->rows, n, st->out, st->why);
    if (st->champion)
        mg_scoring_score(st->champion, st->rows, n, st->champion_out, st->champion_why);
    size_t k = mg_scoring_noutputs(st->candidate);
    size_t kc = st->champion ? mg_scoring_noutputs(st->champion) : 0;
    for (size_t r = 0; r < n; r++) {
        mg_scored sc = {st->why[r] ? NULL : st->out + r * k, st->why[r], NULL, NULL};
        if (st->champion) {
            sc.champion = st->champion_why[r] ? NULL : st->champion_out + r * kc;
            sc.champion_why = st->champion_why[r];
        }
        mg_ticks t = mg_ticks_now();
        for (size_t i = 0; i < st->nchecks; i++) {
            running_check *rc = &st->checks[i];
            if (!rc->skip && rc->check.def->scored) {
                rc->check.def->scored(&rc->check, st->rows[r], &sc);
                charge(rc, &t);
            }
        }
        if (st->plots)
            mg_plot_rows_add(st->plots, st->env, st->rows[r], &sc);
    }
    if (st->batch > 1)
        for (size_t r = 0; r < n; r++)
            mg_row_free(st->queue[r]);
    st->queued = 0;
}

static void stage_push(score_stage *st, const mg_row *row)
{
    if (st->batch == 1) {
        st->rows[0] = row; /* borrowed: scored before the next read */
        st->queued = 1;
    } else {
        st->queue[st->queued] = mg_row_dup(row);
        st->rows[st->queued] = st->queue[st->queued];
        st->queued++;
    }
    if (st->queued == st->batch)
        stage_flush(st);
}

static void stage_free(score_stage *st)
{
    for (size_t r = 0; st->batch > 1 && r < st->queued; r++)
        mg_row_free(st->queue[r]);
    free(st->queue);
    free(st->rows);
    free(st->out);
    free(st->champion_out);
    free(st->why);
    free(st->champion_why);
    mg_scoring_free(st->candidate);
    mg_scoring_free(st->champion);
}

/* Sets up scoring for the spec; 0, or -1 with err. */
static int stage_init(score_stage *st, const mg_spec *spec, const mg_source *src, mg_error *err)
{
    st->candidate = mg_scoring_new(&spec->model, spec->roles[MG_ROLE_PREDICTION], "prediction", spec, src, err);
    if (!st->candidate)
        return -1;
    if (spec->baseline_model.path || spec->baseline_model.command || spec->roles[MG_ROLE_BASELINE_PREDICTION]) {
        st->champion = mg_scoring_new(&spec->baseline_model, spec->roles[MG_ROLE_BASELINE_PREDICTION],
                                      "baseline model", spec, src, err);
        if (!st->champion)
            return -1;
    }
    if (st->champion && mg_scoring_noutputs(st->champion) != mg_scoring_noutputs(st->candidate)) {
        mg_error_set(err, "the baseline model gives %zu outputs per row, the model %zu: they cannot be compared",
                     mg_scoring_noutputs(st->champion), mg_scoring_noutputs(st->candidate));
        return -1;
    }
    st->batch = mg_scoring_batch_size(st->candidate);
    if (st->champion && mg_scoring_batch_size(st->champion) > st->batch)
        st->batch = mg_scoring_batch_size(st->champion);
    st->queue = mg_xcalloc(st->batch, sizeof *st->queue);
    st->rows = mg_xcalloc(st->batch, sizeof *st->rows);
    st->out = mg_xcalloc(st->batch * mg_scoring_noutputs(st->candidate), sizeof *st->out);
    st->why = mg_xcalloc(st->batch, sizeof *st->why);
    if (st->champion) {
        st->champion_out = mg_xcalloc(st->batch * mg_scoring_noutputs(st->champion), sizeof *st->champion_out);
        st->champion_why = mg_xcalloc(st->batch, sizeof *st->champion_why);
    }
    return 0;
}

/* The task scores are judged as: the model's, which data.task must not
 * contradict; for a prediction column the spec's (-1 when it cannot tell).
 * Returns the task, -1, or -2 with err on a contradiction. */
static int score_task(const mg_spec *spec, const mg_scoring *candidate, mg_error *err)
{
    int task = mg_scoring_task(candidate);
    if (task < 0)
        return spec->task;
    if (spec->task_given && task != spec->task) {
        mg_error_set(err, "%s is a %s model, but data.task is '%s'", mg_scoring_describe(candidate),
                     mg_metric_task_name((mg_model_task)task), mg_metric_task_name((mg_model_task)spec->task));
        return -2;
    }
    return task;
}

/* The binary decision threshold of the HTML report's confusion matrix: the
 * first metric check's "threshold", else 0.5 (the metrics' default). */
static double plot_threshold(const mg_spec *spec)
{
    for (size_t i = 0; i < spec->nchecks; i++) {
        const json_t *t = json_object_get(spec->checks[i].options, "threshold");
        if (strcmp(spec->checks[i].def->name, "metric") == 0 && json_is_number(t))
            return json_number_value(t);
    }
    return 0.5;
}

/* The task the plots draw: the model's, else (a prediction column) the task
 * of the first metric check's metric, as the metric checks decide it. */
static int plot_task(const mg_spec *spec, const mg_check_env *env)
{
    if (env->score_task >= 0)
        return env->score_task;
    for (size_t i = 0; i < spec->nchecks; i++) {
        const char *name = json_string_value(json_object_get(spec->checks[i].options, "metric"));
        const mg_metric_info *info = name ? mg_metric_find(name) : NULL;
        if (strcmp(spec->checks[i].def->name, "metric") == 0 && info)
            return info->task;
    }
    return MG_TASK_BINARY;
}

static int needs_scores(const mg_spec *spec)
{
    for (size_t i = 0; i < spec->nchecks; i++)
        if (spec->checks[i].def->needs & MG_NEEDS_SCORES)
            return 1;
    return 0;
}

/* The input could not be read to its end as it was at the start (it
 * changed, or a read failed): nothing read from it is judged. */
static mg_run_outcome unjudgeable_data(mg_report *report, const char *msg)
{
    mg_report_drop_results(report);
    return input_error(report, "data", msg);
}

/* Reads the data once through every check; data_sha256 gets the SHA-256
 * of the bytes read when the whole input was read unchanged. */
static mg_run_outcome run_pass(const mg_spec *spec, mg_report *report, char data_sha256[65], char **baseline_sha,
                               mg_error *err)
{
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
    mg_tick_clock tick_clock;
    mg_tick_clock_start(&tick_clock);
    mg_source *src = mg_source_open(spec->data_path, &so, err);
    if (!src) {
        free(cols);
        return input_error(report, "data", err->msg);
    }

    /* Bind schema fields and roles to columns once. */
    long *field_column = mg_xcalloc(spec->nfields + 1, sizeof *field_column);
    mg_typed *typed = mg_xcalloc(spec->nfields + 1, sizeof *typed);
    for (size_t i = 0; i < spec->nfields; i++)
        field_column[i] = mg_source_column_index(src, spec->fields[i].name);
    mg_check_env env;
    memset(&env, 0, sizeof env);
    env.data_path = spec->data_path;
    env.source = src;
    env.fields = spec->fields;
    env.nfields = spec->nfields;
    env.field_column = field_column;
    env.typed = typed;
    env.limits = &spec->limits;
    env.examples = spec->examples;
    env.spec_dir = spec->dir;
    env.source_options = &so;
    env.report = report;
    env.time_zone = spec->time_zone;
    env.positive_label = spec->positive_label;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        env.role_name[r] = spec->roles[r];
        env.role_column[r] = spec->roles[r] ? mg_source_column_index(src, spec->roles[r]) : -1;
    }

    score_stage stage;
    memset(&stage, 0, sizeof stage);

    json_t *baseline = NULL;
    running_check *rc = NULL;
    mg_run_outcome outcome = MG_RUN_JUDGED;
    /* A model the spec names must exist even when no check scores with it:
     * a typo in its path must not pass unnoticed. */
    const char *model_files[] = {spec->model.path, spec->baseline_model.path};
    for (size_t i = 0; i < 2; i++)
        if (model_files[i] && access(model_files[i], R_OK) != 0) {
            mg_error_set(err, "'%s': cannot read the model: %s", model_files[i], strerror(errno));
            outcome = input_error(report, "model", err->msg);
            goto done;
        }
    int scoring = needs_scores(spec);
    if (scoring) {
        if (stage_init(&stage, spec, src, err) != 0) {
            outcome = input_error(report, "model", err->msg);
            goto done;
        }
        env.score_task = score_task(spec, stage.candidate, err);
        if (env.score_task == -2) {
            outcome = input_error(report, "model", err->msg);
            goto done;
        }
        env.nscores = mg_scoring_noutputs(stage.candidate);
        env.score_source = mg_scoring_describe(stage.candidate);
        env.class_labels = mg_scoring_class_labels(stage.candidate);
        env.model = mg_scoring_model(stage.candidate);
        env.binding = mg_scoring_binding(stage.candidate);
        env.feature_columns = (const char *const *)spec->model.features;
        if (mg_scoring_binding_note(stage.candidate))
            report->facts.model_binding = mg_xstrdup(mg_scoring_binding_note(stage.candidate));
        if (stage.champion) {
            env.has_champion = 1;
            env.champion_source = mg_scoring_describe(stage.champion);
            if (mg_scoring_binding_note(stage.champion))
                report->facts.baseline_model_binding = mg_xstrdup(mg_scoring_binding_note(stage.champion));
        }
        if (spec->html_path && env.role_column[MG_ROLE_LABEL] >= 0) {
            report->plots = mg_plot_rows_new(&env, plot_task(spec, &env), plot_threshold(spec));
            stage.plots = report->plots;
            stage.env = &env;
        }
    }

    if (spec->baseline_path) {
        baseline = load_baseline(spec, err);
        if (!baseline) {
            outcome = input_error(report, "baseline", err->msg);
            goto done;
        }
        env.baseline_metrics = json_object_get(baseline, "metrics");
        const char *sha = json_string_value(json_object_get(json_object_get(baseline, "facts"), "data_sha256"));
        if (sha)
            *baseline_sha = mg_xstrdup(sha);
        env.baseline_path = spec->baseline_path;
    }

    rc = mg_xcalloc(spec->nchecks + 1, sizeof *rc);
    stage.checks = rc;
    stage.nchecks = spec->nchecks;
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
        /* A column the check needs but the data lacks: the check cannot run. */
        mg_role missing = MG_ROLE_COUNT;
        if ((cs->def->needs & MG_NEEDS_TIME) && env.role_column[MG_ROLE_TIME] < 0)
            missing = MG_ROLE_TIME;
        else if ((cs->def->needs & MG_NEEDS_LABEL) && env.role_column[MG_ROLE_LABEL] < 0)
            missing = MG_ROLE_LABEL;
        if (missing != MG_ROLE_COUNT) {
            c->result->status = MG_STATUS_ERROR;
            mg_result_set_message(c->result, "the %s column '%s' (data.%s) is not in '%s'", mg_role_name(missing),
                                  spec->roles[missing], mg_role_name(missing), spec->data_path);
            rc[i].skip = 1;
            continue;
        }
        mg_ticks t = mg_ticks_now();
        if (c->def->begin)
            c->def->begin(c);
        charge(&rc[i], &t);
    }

    /* One pass over the data.  Every call of a check is timed with the
     * cheap tick clock (common/ticks.h), so a check's time is what it spent. */
    uint64_t records = 0, rows = 0;
    mg_row row;
    progress prog;
    progress_init(&prog, spec->data_path);
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
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(src);
            if (p->kind == MG_PROBLEM_FIELD_TOO_BIG || p->kind == MG_PROBLEM_ROW_TOO_BIG ||
                p->kind == MG_PROBLEM_MALFORMED)
                records++;
            mg_ticks t = mg_ticks_now();
            for (size_t i = 0; i < spec->nchecks; i++) {
                if (rc[i].skip || !rc[i].check.def->problem)
                    continue;
                rc[i].check.rows = records;
                rc[i].check.def->problem(&rc[i].check, p);
                charge(&rc[i], &t);
            }
            continue;
        }
        records++;
        rows++;
        if (prog.on && (rows & 0xffff) == 0)
            progress_tick(&prog, src, rows);
        type_row(spec, field_column, &row, typed);
        mg_ticks t = mg_ticks_now();
        for (size_t i = 0; i < spec->nchecks; i++) {
            mg_check *c = &rc[i].check;
            c->rows = records;
            if (rc[i].skip || !c->def->row)
                continue;
            c->def->row(c, &row);
            charge(&rc[i], &t);
        }
        if (scoring)
            stage_push(&stage, &row);
    }
    if (scoring)
        stage_flush(&stage);
    progress_done(&prog);
    report->facts.rows_read = rows;
    int unjudgeable = mg_source_finish(src, data_sha256, err) != 0;

    double seconds_per_tick = mg_tick_clock_rate(&tick_clock);
    for (size_t i = 0; i < spec->nchecks; i++) {
        mg_check *c = &rc[i].check;
        c->rows = records;
        if (!rc[i].skip && !unjudgeable) {
            mg_ticks t = mg_ticks_now();
            if (c->def->finish)
                c->def->finish(c);
            charge(&rc[i], &t);
        }
        if (c->def->free_state)
            c->def->free_state(c);
        c->result->seconds = (double)rc[i].ticks * seconds_per_tick;
    }
    if (unjudgeable) {
        data_sha256[0] = '\0';
        outcome = unjudgeable_data(report, err->msg);
    }
done:
    free(rc);
    json_decref(baseline);
    stage_free(&stage);
    free(field_column);
    free(typed);
    free(cols);
    mg_source_free(src);
    return outcome;
}

mg_run_outcome mg_run_gate(const mg_spec *spec, mg_report *report, mg_error *err)
{
    double t0 = now_seconds();
    fill_facts(spec, report);
    char data_sha256[65] = "";
    char *baseline_sha = NULL; /* recorded by the baseline, checked once the data's is known */
    mg_run_outcome outcome = run_pass(spec, report, data_sha256, &baseline_sha, err);

    if (data_sha256[0]) {
        report->facts.data_sha256 = mg_xstrdup(data_sha256);
        if (outcome == MG_RUN_JUDGED && baseline_sha && check_baseline_data(spec, baseline_sha, data_sha256, err) != 0)
            outcome = input_error(report, "baseline", err->msg);
    }
    outcome = model_facts(spec, report, outcome, err);
    free(baseline_sha);
    report->facts.seconds = now_seconds() - t0;
    return outcome;
}
