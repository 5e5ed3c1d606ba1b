/*
 * all_metrics.c - the `all_metrics` check: computes every registered metric
 * that applies to the task (and the confusion matrix for binary models) as
 * figures, without judging them.  `mgate baseline` runs it to write a
 * baseline; the runner adds it to a gate that has metric checks, so the
 * JSON report holds all metrics.  Keeps the rank metrics' scores: 16 bytes
 * per row at most.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/metrics/check_state_parts.h"
#include "checks/metrics/metrics.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "task", .kind = MG_OPT_STRING, .when_absent = "the gate's task (the model's, data.task, or the metrics')",
     .help = "binary, multiclass or regression: which metrics to compute"},
    {.key = NULL},
};

typedef struct all_state {
    mg_metrics *acc;
    mg_model_task task;
    int task_assumed;     /* nothing said the task: taken as binary */
    uint64_t unusable;
    mg_label_sample labels; /* labels that could not be read as a class */
    char *problem;
    double decision_threshold; /* binary: the default cut-off of the threshold metrics */
} all_state;

static int task_named(const char *t)
{
    for (int k = MG_TASK_REGRESSION; k <= MG_TASK_MULTICLASS; k++)
        if (strcmp(t, mg_metric_task_name((mg_model_task)k)) == 0)
            return k;
    return -1;
}

static void all_begin(mg_check *c)
{
    all_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    const mg_check_env *env = c->env;
    /* The check's own "task", else the model's or the spec's (data.task or
     * the metric checks listed); when nothing tells, binary is assumed and
     * said so if it does not fit the data. */
    const char *task = mg_check_opt_given(c, "task") ? mg_check_opt_string(c, "task") : NULL;
    if (task && task_named(task) >= 0)
        s->task = (mg_model_task)task_named(task);
    else if (env->score_task >= 0)
        s->task = (mg_model_task)env->score_task;
    else {
        s->task = MG_TASK_BINARY;
        s->task_assumed = 1;
    }
    if (s->task == MG_TASK_MULTICLASS && env->nscores < 2) {
        s->problem = mg_xasprintf("multiclass metrics need class probabilities; %s gives one score per row",
                                  env->score_source);
        return;
    }
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.nclasses = s->task == MG_TASK_MULTICLASS ? env->nscores : 0;
    o.class_names = s->task == MG_TASK_MULTICLASS ? env->class_labels : NULL;
    s->decision_threshold = o.threshold;
    mg_error err = {{0}};
    s->acc = mg_metrics_new(s->task, &o, &err);
    if (!s->acc)
        s->problem = mg_xstrdup(err.msg);
}

static void all_scored(mg_check *c, const mg_row *row, const mg_scored *sc)
{
    const double *scores = sc->scores;
    const char *why = sc->why;
    all_state *s = c->state;
    (void)why;
    if (s->problem)
        return;
    if (!scores) {
        s->unusable++;
        return;
    }
    const mg_value *lv = &row->values[c->env->role_column[MG_ROLE_LABEL]];
    double y;
    int ok = -1;
    if (s->task == MG_TASK_REGRESSION) {
        if (mg_value_to_double(lv, &y) == 0 && isfinite(y))
            ok = mg_metrics_add_regression(s->acc, y, scores[0]);
    } else {
        long k = mg_label_class(c->env, s->task, lv);
        if (k >= 0)
            ok = s->task == MG_TASK_BINARY ? mg_metrics_add_binary(s->acc, (int)k, scores[0])
                                           : mg_metrics_add_multiclass(s->acc, (int)k, scores);
        else
            mg_label_sample_add(&s->labels, lv);
    }
    if (ok != 0)
        s->unusable++;
}

static void all_finish(mg_check *c)
{
    all_state *s = c->state;
    mg_result *res = c->result;
    if (s->problem) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s", s->problem);
        return;
    }
    mg_result_prop_text(res, "task", mg_metric_task_name(s->task));
    mg_result_prop_number(res, "n", (double)mg_metrics_rows(s->acc));
    mg_result_prop_number(res, "unusable_rows", (double)s->unusable);
    size_t computed = 0;
    for (size_t i = 0; i < mg_metric_count(); i++) {
        const mg_metric_info *m = mg_metric_at(i);
        if (m->task != s->task)
            continue;
        double v;
        char key[96];
        snprintf(key, sizeof key, "metric.%s", m->name);
        if (mg_metrics_value(s->acc, m->name, &v, NULL) == 0) {
            mg_result_prop_number(res, key, v);
            computed++;
        }
    }
    mg_confusion cm;
    if (s->task == MG_TASK_BINARY)
        mg_result_prop_number(res, "decision_threshold", s->decision_threshold);
    if (s->task == MG_TASK_BINARY && mg_metrics_confusion(s->acc, &cm, NULL) == 0) {
        mg_result_prop_number(res, "confusion.tn", (double)cm.tn);
        mg_result_prop_number(res, "confusion.fp", (double)cm.fp);
        mg_result_prop_number(res, "confusion.fn", (double)cm.fn);
        mg_result_prop_number(res, "confusion.tp", (double)cm.tp);
    }
    res->status = computed ? MG_STATUS_PASS : MG_STATUS_ERROR;
    char *hint = mg_label_hint(c->env, s->task, &s->labels);
    const char *assumed = "; nothing in the spec says the task, so it was taken as binary: set \"data.task\" to "
                          "\"binary\", \"multiclass\" or \"regression\"";
    mg_result_set_message(res, "%zu %s metrics on %llu rows%s%s%s%s", computed, mg_metric_task_name(s->task),
                          (unsigned long long)mg_metrics_rows(s->acc),
                          s->unusable ? " (some rows had no usable label or score)" : "",
                          s->task_assumed && s->unusable ? assumed : "", hint ? "; " : "", hint ? hint : "");
    free(hint);
}

/* A shard's state: the accumulator and the unusable rows. */
static json_t *all_save(const mg_check *c)
{
    const all_state *s = c->state;
    return mg_metric_state_save(s->problem, s->unusable, &s->labels, s->acc);
}

static int all_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    all_state *s = c->state;
    return mg_metric_state_merge(s->problem, &s->unusable, &s->labels, s->acc, state, msg, size) < 0 ? -1 : 0;
}

/* The task must be a known one; tolerances do not apply: nothing is judged. */
static int all_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    const json_t *t = json_object_get(o, "task");
    if (json_is_string(t) && task_named(json_string_value(t)) < 0) {
        *key = "task";
        snprintf(msg, size, "unknown task '%s'; expected \"binary\", \"multiclass\" or \"regression\"",
                 json_string_value(t));
        return -1;
    }
    const char *tolerance = json_object_get(o, "max_count") ? "max_count"
                            : json_object_get(o, "max_rate") ? "max_rate" : NULL;
    if (tolerance) {
        *key = tolerance;
        snprintf(msg, size, "all_metrics reports figures without judging them: %s does not apply; bound unusable "
                            "rows on a \"metric\" check", tolerance);
        return -1;
    }
    return 0;
}

static void all_free(mg_check *c)
{
    all_state *s = c->state;
    if (!s)
        return;
    mg_metrics_free(s->acc);
    mg_label_sample_free(&s->labels);
    free(s->problem);
    free(s);
}

const mg_check_def mg_check_all_metrics = {
    .name = "all_metrics", .group = "metrics", .options = option_rows, .needs = MG_NEEDS_SCORES | MG_NEEDS_LABEL,
    .implicit = MG_IMPLICIT_WITH_METRIC,
    .summary = "every metric of the task, reported without judging (for baselines)",
    .validate = all_validate, .begin = all_begin, .scored = all_scored, .finish = all_finish, .free_state = all_free,
    .save = all_save, .merge = all_merge,
};
