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
#include "harness/data_input.h"
#include "harness/read_ahead.h"
#include "harness/run_baseline.h"
#include "harness/run_check.h"
#include "harness/run_pass.h"
#include "harness/run_progress.h"
#include "harness/run_shard.h"
#include "harness/run_threads.h"
#include "harness/score_stage.h"
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


/* Read stage: opens the data source.  0, or -1 with the input error
 * already in the report. */
int mg_pass_open(mg_pass *p)
{
    const mg_spec *spec = p->spec;
    mg_source_options so;
    memset(&so, 0, sizeof so);
    so.format = spec->format;
    so.delimiter = spec->delimiter;
    so.limits = spec->limits;
    size_t ncols = 0;
    if ((spec->format == MG_FORMAT_JSONL ||
         (spec->format == MG_FORMAT_AUTO && mg_format_from_path(spec->data_path) == MG_FORMAT_JSONL)) &&
        (spec->nfields || spec->roles[MG_ROLE_ID])) {
        p->cols = mg_spec_jsonl_columns(spec, &ncols);
        so.columns = p->cols;
        so.ncolumns = ncols;
    }
    p->so = so;
    p->src = p->merge   ? mg_run_merge_source(spec, p->merge, &so, p->err)
             : p->shard ? mg_run_shard_open(spec, p->shard, &so, p->err)
                        : mg_spec_open_data(spec, &so, p->err); /* data.path: files or globs */
    if (!p->src) {
        input_error(p->report, "data", p->err->msg);
        return -1;
    }
    return 0;
}

/* Type stage setup: binds schema fields and roles to columns once, and
 * fills the environment every check sees. */
void mg_pass_bind(mg_pass *p)
{
    const mg_spec *spec = p->spec;
    p->field_column = mg_xcalloc(spec->nfields + 1, sizeof *p->field_column);
    p->typed = mg_xcalloc(spec->nfields + 1, sizeof *p->typed);
    for (size_t i = 0; i < spec->nfields; i++)
        p->field_column[i] = mg_source_column_index(p->src, spec->fields[i].name);
    mg_check_env *env = &p->env;
    memset(env, 0, sizeof *env);
    env->data_path = mg_source_path(p->src); /* the file a one-file glob matched */
    env->source = p->src;
    env->fields = spec->fields;
    env->nfields = spec->nfields;
    env->field_column = p->field_column;
    env->typed = p->typed;
    env->limits = &spec->limits;
    env->examples = spec->examples;
    env->spec_dir = spec->dir;
    env->source_options = &p->so;
    env->report = p->report;
    env->time_zone = spec->time_zone;
    env->positive_label = spec->positive_label;
    env->shard = p->shard != NULL; /* checks keep what only their merge needs */
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        env->role_name[r] = spec->roles[r];
        env->role_column[r] = spec->roles[r] ? mg_source_column_index(p->src, spec->roles[r]) : -1;
    }
}

/* Score stage setup: loads the model(s) when a check needs scores and tells
 * the environment about them.  0, or -1 with the error in the report. */
int mg_pass_prepare_scoring(mg_pass *p)
{
    const mg_spec *spec = p->spec;
    mg_check_env *env = &p->env;
    mg_score_stage *stage = &p->stage;
    /* A model the spec names must exist even when no check scores with it:
     * a typo in its path must not pass unnoticed. */
    const char *model_files[] = {spec->model.path, spec->baseline_model.path};
    for (size_t i = 0; i < 2; i++)
        if (model_files[i] && access(model_files[i], R_OK) != 0) {
            mg_error_set(p->err, "'%s': cannot read the model: %s", model_files[i], strerror(errno));
            input_error(p->report, "model", p->err->msg);
            return -1;
        }
    p->scoring = needs_scores(spec);
    if (!p->scoring)
        return 0;
    if (mg_score_stage_init(stage, spec, p->src, p->threads, p->err) != 0) {
        input_error(p->report, "model", p->err->msg);
        return -1;
    }
    env->score_task = score_task(spec, stage->candidate, p->err);
    if (env->score_task == -2) {
        input_error(p->report, "model", p->err->msg);
        return -1;
    }
    env->nscores = mg_scoring_noutputs(stage->candidate);
    env->score_source = mg_scoring_describe(stage->candidate);
    env->class_labels = mg_scoring_class_labels(stage->candidate);
    env->model = mg_scoring_model(stage->candidate);
    env->binding = mg_scoring_binding(stage->candidate);
    env->feature_columns = (const char *const *)spec->model.features;
    if (mg_scoring_binding_note(stage->candidate))
        p->report->facts.model_binding = mg_xstrdup(mg_scoring_binding_note(stage->candidate));
    if (stage->champion) {
        env->has_champion = 1;
        env->champion_source = mg_scoring_describe(stage->champion);
        env->champion_model = mg_scoring_model(stage->champion);
        env->champion_binding = mg_scoring_binding(stage->champion);
        if (mg_scoring_binding_note(stage->champion))
            p->report->facts.baseline_model_binding = mg_xstrdup(mg_scoring_binding_note(stage->champion));
    }
    if (spec->html_path && env->role_column[MG_ROLE_LABEL] >= 0) {
        p->report->plots = mg_plot_rows_new(env, plot_task(spec, env), plot_threshold(spec));
        stage->plots = p->report->plots;
        stage->env = env;
    }
    return 0;
}

/* Loads the spec's baseline, when it names one.  0, or -1 with the error
 * in the report; *baseline_sha gets the data fingerprint it records. */
int mg_pass_load_baseline(mg_pass *p, char **baseline_sha)
{
    const mg_spec *spec = p->spec;
    if (!spec->baseline_path)
        return 0;
    p->baseline = mg_run_load_baseline(spec, p->err);
    if (!p->baseline) {
        input_error(p->report, "baseline", p->err->msg);
        return -1;
    }
    p->env.baseline_metrics = json_object_get(p->baseline, "metrics");
    const char *sha = json_string_value(json_object_get(json_object_get(p->baseline, "facts"), "data_sha256"));
    if (sha)
        *baseline_sha = mg_xstrdup(sha);
    p->env.baseline_path = spec->baseline_path;
    return 0;
}

void mg_check_init(mg_check *c, const mg_check_spec *cs, const mg_check_env *env, mg_report *report)
{
    c->def = cs->def;
    c->name = cs->name;
    c->options = cs->options;
    c->has_max_count = cs->has_max_count;
    c->has_max_rate = cs->has_max_rate;
    c->max_count = cs->max_count;
    c->max_rate = cs->max_rate;
    c->env = env;
    c->result = mg_report_add(report, cs->def->group, cs->name, cs->def->name);
}

/* Check stage setup: a result per check, and its begin handler; a check
 * whose column is not in the data is an error and is skipped. */
void mg_pass_begin_checks(mg_pass *p)
{
    const mg_spec *spec = p->spec;
    p->rc = mg_xcalloc(spec->nchecks + 1, sizeof *p->rc);
    p->stage.checks = p->rc;
    p->stage.nchecks = spec->nchecks;
    for (size_t i = 0; i < spec->nchecks; i++) {
        const mg_check_spec *cs = &spec->checks[i];
        mg_check *c = &p->rc[i].check;
        mg_check_init(c, cs, &p->env, p->report);
        mg_role missing = MG_ROLE_COUNT;
        if ((cs->def->needs & MG_NEEDS_TIME) && p->env.role_column[MG_ROLE_TIME] < 0)
            missing = MG_ROLE_TIME;
        else if ((cs->def->needs & MG_NEEDS_LABEL) && p->env.role_column[MG_ROLE_LABEL] < 0)
            missing = MG_ROLE_LABEL;
        if (missing != MG_ROLE_COUNT) {
            c->result->status = MG_STATUS_ERROR;
            mg_result_set_message(c->result, "the %s column '%s' (data.%s) is not in '%s'", mg_role_name(missing),
                                  spec->roles[missing], mg_role_name(missing), spec->data_path);
            p->rc[i].skip = 1;
            continue;
        }
        mg_ticks t = mg_ticks_now();
        if (c->def->begin)
            c->def->begin(c);
        mg_running_check_charge(&p->rc[i], &t);
    }
}

/* Check stage, for a record the source could not make a row of. */
static void pass_check_problem(mg_pass *p, const mg_source_problem_info *prob)
{
    if (prob->kind == MG_PROBLEM_FIELD_TOO_BIG || prob->kind == MG_PROBLEM_ROW_TOO_BIG ||
        prob->kind == MG_PROBLEM_MALFORMED)
        p->records++;
    if (prob->kind == MG_PROBLEM_TOO_MANY_ROWS)
        p->too_many_rows = 1;
    mg_ticks t = mg_ticks_now();
    for (size_t i = 0; i < p->spec->nchecks; i++) {
        mg_running_check *rc = &p->rc[i];
        if (rc->skip || !rc->check.def->problem)
            continue;
        rc->check.rows = p->records;
        rc->check.def->problem(&rc->check, prob);
        mg_running_check_charge(rc, &t);
    }
}

/* Check stage, for a typed row.  Every call of a check is timed with the
 * cheap tick clock (common/ticks.h), so a check's time is what it spent. */
static void pass_check_row(mg_pass *p, const mg_row *row)
{
    mg_ticks t = mg_ticks_now();
    for (size_t i = 0; i < p->spec->nchecks; i++) {
        mg_check *c = &p->rc[i].check;
        c->rows = p->records;
        if (p->rc[i].skip || !c->def->row)
            continue;
        c->def->row(c, row);
        mg_running_check_charge(&p->rc[i], &t);
    }
}

/* The one pass over the data: read, type, check, score each row. */
/* The file cannot be read further: what was read is judged, and the reason
 * is a failed testcase of its own. */
static void pass_read_failed(mg_pass *p)
{
    mg_run_read_failed(p->report, p->err->msg);
    free(p->read_error);
    p->read_error = mg_xstrdup(p->err->msg);
}

/* Type, check and score stages, for one row of the data. */
static void pass_take_row(void *ctx, const mg_row *row, uint64_t bytes_read)
{
    mg_pass *p = ctx;
    p->records++;
    p->rows++;
    if (p->progress.on && (p->rows & 0xffff) == 0)
        mg_progress_tick(&p->progress, bytes_read, p->rows);
    mg_type_row(p->spec, p->field_column, row, p->typed);
    pass_check_row(p, row);
    if (p->scoring)
        mg_score_stage_push(&p->stage, row, p->typed);
}

static void pass_take_problem(void *ctx, const mg_source_problem_info *prob)
{
    pass_check_problem(ctx, prob);
}

/* The read stage on this thread. */
static void pass_read_here(mg_pass *p)
{
    mg_row row;
    for (;;) {
        mg_source_status st = mg_source_next(p->src, &row, p->err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            pass_read_failed(p);
            break;
        }
        if (st == MG_SOURCE_BAD_ROW)
            pass_check_problem(p, mg_source_problem(p->src));
        else
            pass_take_row(p, &row, p->progress.on ? mg_source_bytes_read(p->src) : 0);
    }
}

/* The one pass over the data: read, type, check, score each row.  With
 * more than one thread the read stage runs on its own (read_ahead.h); the
 * rows reach the other stages in the same order either way. */
void mg_pass_read_rows(mg_pass *p)
{
    if (!p->shard) /* shards in threads of one run would print over each other */
        mg_progress_init(&p->progress, p->spec->data_path);
    mg_error terr = {{0}};
    mg_read_ahead *ra = p->threads > 1 ? mg_read_ahead_start(p->src, &terr) : NULL;
    if (ra) {
        mg_row_sink sink = {pass_take_row, pass_take_problem, p};
        if (mg_read_ahead_drain(ra, &sink, p->err) != 0)
            pass_read_failed(p);
        mg_read_ahead_stop(ra);
    } else {
        pass_read_here(p);
    }
    if (p->scoring)
        mg_score_stage_flush(&p->stage);
    mg_progress_done(&p->progress);
}

/* Finishes every check (unless the data changed under us: then nothing is
 * judged), with each check's time.  Returns 1 when the data is unjudgeable. */
void mg_pass_finish_each(mg_pass *p, int unjudgeable, mg_tick_clock *tick_clock)
{
    double seconds_per_tick = mg_tick_clock_rate(tick_clock);
    for (size_t i = 0; i < p->spec->nchecks; i++) {
        mg_check *c = &p->rc[i].check;
        c->rows = p->records;
        if (!p->rc[i].skip && !unjudgeable) {
            mg_ticks t = mg_ticks_now();
            if (c->def->finish)
                c->def->finish(c);
            mg_running_check_charge(&p->rc[i], &t);
        }
        if (c->def->free_state)
            c->def->free_state(c);
        c->result->seconds = (double)p->rc[i].ticks * seconds_per_tick;
    }
}

/* Finishes every check (unless the data changed under us: then nothing is
 * judged), with each check's time.  Returns 1 when the data is unjudgeable. */
static int pass_finish_checks(mg_pass *p, char data_sha256[65], mg_tick_clock *tick_clock)
{
    p->report->facts.rows_read = p->rows;
    int unjudgeable = mg_source_finish(p->src, data_sha256, p->err) != 0;
    mg_pass_finish_each(p, unjudgeable, tick_clock);
    return unjudgeable;
}

void mg_pass_free(mg_pass *p)
{
    free(p->read_error);
    free(p->rc);
    json_decref(p->baseline);
    mg_score_stage_free(&p->stage);
    free(p->field_column);
    free(p->typed);
    free(p->cols);
    mg_source_free(p->src);
}

/* A shard's or a merge's end of the pass (run_shard.c, run_merge.c); a
 * plain run's is pass_finish_checks.  Returns the outcome. */
static mg_run_outcome conclude_sharded(mg_pass *p, const mg_run_mode *mode, char data_sha256[65],
                                       mg_tick_clock *tick_clock)
{
    int rc = mode->merge ? mg_run_merge_states(p, mode->merge, data_sha256) : mg_run_shard_save(p, mode->shard);
    /* A merge judges; a shard only frees its checks' states. */
    mg_pass_finish_each(p, rc != 0 || !mode->merge, tick_clock);
    if (rc != 0)
        return unjudgeable_data(p->report, p->err->msg);
    return MG_RUN_JUDGED;
}

/* Reads the data once through every check; data_sha256 gets the SHA-256
 * of the bytes read when the whole input was read unchanged. */
static mg_run_outcome run_pass(const mg_spec *spec, const mg_run_mode *mode, mg_report *report, char data_sha256[65],
                               char **baseline_sha, mg_error *err)
{
    mg_pass p;
    memset(&p, 0, sizeof p);
    p.threads = mode->threads ? mode->threads : 1;
    p.shard = mode->shard;
    p.merge = mode->merge;
    p.spec = spec;
    p.report = report;
    p.err = err;
    mg_tick_clock tick_clock;
    mg_tick_clock_start(&tick_clock);
    mg_run_outcome outcome = MG_RUN_INPUT_ERROR;
    if (mg_pass_open(&p) != 0)
        goto done;
    mg_pass_bind(&p);
    if (mg_pass_prepare_scoring(&p) != 0 || mg_pass_load_baseline(&p, baseline_sha) != 0)
        goto done;
    mg_pass_begin_checks(&p);
    if (!mode->merge)
        mg_pass_read_rows(&p);
    if (mode->shard || mode->merge) {
        outcome = conclude_sharded(&p, mode, data_sha256, &tick_clock);
        goto done;
    }
    outcome = MG_RUN_JUDGED;
    if (pass_finish_checks(&p, data_sha256, &tick_clock)) {
        data_sha256[0] = '\0';
        outcome = unjudgeable_data(report, err->msg);
    }
done:
    mg_score_stage_note_service(&p.stage, report);
    mg_pass_free(&p);
    return outcome;
}

/* One: a read-ahead and a scoring thread cost about 10% more CPU time and
 * gave no measurable wall-time gain on the shared 2-core machine
 * (docs/development.md, Speed); --threads N asks for them. */
unsigned mg_run_default_threads(void)
{
    return 1;
}

mg_run_outcome mg_run_gate(const mg_spec *spec, mg_report *report, mg_error *err)
{
    return mg_run_gate_threads(spec, mg_run_default_threads(), report, err);
}

mg_run_outcome mg_run_gate_threads(const mg_spec *spec, unsigned threads, mg_report *report, mg_error *err)
{
    mg_run_outcome outcome;
    if (threads > 1 && mg_run_split(spec, threads, report, err, &outcome) == 0)
        return outcome;
    mg_run_mode mode = {.threads = threads};
    return mg_run_gate_mode(spec, &mode, report, err);
}

mg_run_outcome mg_run_gate_mode(const mg_spec *spec, const mg_run_mode *mode, mg_report *report, mg_error *err)
{
    double t0 = now_seconds();
    fill_facts(spec, report);
    char data_sha256[65] = "";
    char *baseline_sha = NULL; /* recorded by the baseline, checked once the data's is known */
    mg_run_outcome outcome = run_pass(spec, mode, report, data_sha256, &baseline_sha, err);

    if (data_sha256[0]) {
        report->facts.data_sha256 = mg_xstrdup(data_sha256);
        if (outcome == MG_RUN_JUDGED && baseline_sha && mg_run_check_baseline_data(spec, baseline_sha, data_sha256, err) != 0)
            outcome = input_error(report, "baseline", err->msg);
    }
    outcome = model_facts(spec, report, outcome, err);
    free(baseline_sha);
    report->facts.seconds = now_seconds() - t0;
    return outcome;
}
