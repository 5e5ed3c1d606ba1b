/*
 * metric.c - the `metric` check: one model-quality metric against
 * absolute bounds (min / max) and against the baseline's value (max_drop /
 * max_increase, absolute or relative), knowing which direction is better.
 *
 *   {"check": "metric", "metric": "roc_auc", "min": 0.95, "max_drop": 0.01}
 *
 * Scores come from the spec's model or the data's prediction column; labels
 * from data.label.  Rows without a usable label or score are counted and
 * listed, and make the check fail (a metric over silently fewer rows than
 * the data holds would not be the metric the user asked for) unless the
 * check's max_count / max_rate allow them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/metrics/check_state_parts.h"
#include "checks/metrics/metric_check.h"
#include "checks/metrics/slices.h"
#include "checks/metrics/metrics.h"
#include "checks/stats/stats.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "metric", .kind = MG_OPT_STRING, .required = 1,
     .help = "the metric to gate on, e.g. roc_auc (a misspelt name gets a suggestion)"},
    {.key = "min", .kind = MG_OPT_NUMBER, .when_absent = "no lower bound", .help = "the lowest value that passes"},
    {.key = "max", .kind = MG_OPT_NUMBER, .when_absent = "no upper bound", .help = "the highest value that passes"},
    {.key = "max_drop", .kind = MG_OPT_NUMBER, .when_absent = "no bound",
     .help = "the most the metric may fall below the baseline (metrics where higher is better)"},
    {.key = "max_increase", .kind = MG_OPT_NUMBER, .when_absent = "no bound",
     .help = "the most the metric may rise above the baseline (metrics where lower is better)"},
    {.key = "relative", .kind = MG_OPT_BOOL, .def = MG_DEFAULT(0),
     .help = "true: max_drop and max_increase are fractions of the baseline value"},
    {.key = "threshold", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.5),
     .help = "binary decision threshold: positive when score >= threshold"},
    {.key = "significance", .kind = MG_OPT_RATE, .when_absent = "a worsening fails whether significant or not",
     .help = "against a champion: a worsening fails only when significant at this level"},
    {.key = "confidence", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.95),
     .help = "against a champion: confidence of the paired bootstrap interval (1 - significance when that is given)"},
    {.key = "resamples", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(1000),
     .help = "against a champion: paired bootstrap resamples"},
    {.key = "seed", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(0), .help = "against a champion: the bootstrap's seed"},
    {.key = "slice_by", .kind = MG_OPT_STRING, .when_absent = "no slices",
     .help = "judge the metric per value (or bin) of this column too"},
    {.key = "slice_bins", .kind = MG_OPT_CUSTOM, .when_absent = "one slice per value",
     .help = "ascending bin edges for a numeric slice_by column, e.g. [18, 30, 65]"},
    {.key = "min_slice_size", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(30),
     .help = "slices with fewer rows are reported, not judged"},
    {.key = "slice_min", .kind = MG_OPT_NUMBER, .when_absent = "the check's min", .help = "lower bound per slice"},
    {.key = "slice_max", .kind = MG_OPT_NUMBER, .when_absent = "the check's max", .help = "upper bound per slice"},
    {.key = "max_slices", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(100),
     .help = "the most distinct values (or bins) slice_by may have"},
    {.key = NULL},
};

typedef struct metric_state {
    const mg_metric_info *info;
    mg_metrics *acc;
    mg_model_task task;
    uint64_t unusable;   /* rows without a usable label or score */
    mg_label_sample labels; /* labels that could not be read as a class */
    char *problem;       /* set when the check cannot run */
    /* Champion vs challenger: both models' scores per row, in memory (the
     * paired bootstrap resamples rows), and the comparison. */
    mg_paired *paired;
    mg_slices *slices;   /* NULL without slice_by */
    double decision_threshold; /* binary: positive when score >= it */
    int compared;
    mg_bootstrap_result boot;
} metric_state;

static const char *metric_name(const mg_check *c)
{
    return json_string_value(json_object_get(c->options, "metric"));
}

static int opt_number(const mg_check *c, const char *key, double *out)
{
    const json_t *v = json_object_get(c->options, key);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

static void metric_begin(mg_check *c)
{
    metric_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    const char *name = metric_name(c);
    const mg_check_env *env = c->env;
    /* The model says what the task is; with a prediction column the metric
     * does (roc_auc is binary, rmse regression). */
    const mg_metric_info *any = mg_metric_find(name);
    s->task = env->score_task >= 0 ? (mg_model_task)env->score_task : any->task;
    s->info = mg_metric_lookup(name, s->task);
    if (!s->info) {
        s->problem = mg_xasprintf("metric '%s' does not apply to a %s model (scores from %s)", name,
                                  mg_metric_task_name(s->task), env->score_source);
        return;
    }
    if (s->task == MG_TASK_MULTICLASS && env->nscores < 2) {
        s->problem = mg_xasprintf("metric '%s' needs class probabilities; %s gives one score per row",
                                  name, env->score_source);
        return;
    }
    mg_metrics_options o;
    mg_metrics_options_init(&o);
    o.threshold = mg_check_opt_number(c, "threshold");
    s->decision_threshold = o.threshold;
    o.keep_rows = s->info->needs_all_rows;
    o.nclasses = s->task == MG_TASK_MULTICLASS ? env->nscores : 0;
    o.class_names = s->task == MG_TASK_MULTICLASS ? env->class_labels : NULL;
    mg_error err = {{0}};
    s->acc = mg_metrics_new(s->task, &o, &err);
    if (!s->acc) {
        s->problem = mg_xstrdup(err.msg);
        return;
    }
    s->slices = mg_slices_new(c, s->task, &o, &s->problem);
    if (s->problem)
        return;
    if (env->has_champion) {
        s->paired = mg_paired_new(s->task, &o, &err);
        if (!s->paired)
            s->problem = mg_xstrdup(err.msg);
    }
}

/* An example whose text already names its row (a scorer's reason): kept
 * with the row's data line, so merged shards keep examples in data order. */
static void line_example(mg_check *c, unsigned long line, const char *text)
{
    mg_result *res = c->result;
    size_t before = res->nexamples;
    mg_result_example(res, c->env->examples, "%s", text);
    if (res->nexamples > before)
        res->example_pos[res->nexamples - 1].data_line = line;
}

static void unusable(mg_check *c, const mg_row *row, const char *field, const char *what)
{
    metric_state *s = c->state;
    s->unusable++;
    mg_check_example(c, row->line, field, "%s", what);
}

/* A row the candidate scored but the champion could not is unusable for the
 * comparison, and said so. */
static int champion_ok(mg_check *c, const mg_row *row, const mg_scored *sc)
{
    metric_state *s = c->state;
    if (sc->champion)
        return 1;
    s->unusable++;
    char where[512];
    char *text = mg_xasprintf("%s (the baseline model, %s)", sc->champion_why ? sc->champion_why : "not scored",
                              mg_check_line_ref(c->env, row->line, where, sizeof where));
    line_example(c, row->line, text);
    free(text);
    return 0;
}

static void metric_scored(mg_check *c, const mg_row *row, const mg_scored *sc)
{
    const double *scores = sc->scores;
    const char *why = sc->why;
    metric_state *s = c->state;
    if (s->problem)
        return;
    const mg_check_env *env = c->env;
    if (!scores) {
        s->unusable++;
        line_example(c, row->line, why ? why : "not scored");
        return;
    }
    /* A non-finite score would poison the accumulator: the row is unusable,
     * and the metric stands on the others. */
    for (size_t k = 0; k < (s->task == MG_TASK_MULTICLASS ? env->nscores : 1); k++)
        if (!isfinite(scores[k])) {
            unusable(c, row, NULL, "score is not a finite number");
            return;
        }
    const char *label_name = env->role_name[MG_ROLE_LABEL];
    long lc = env->role_column[MG_ROLE_LABEL];
    const mg_value *lv = &row->values[lc];
    char buf[96];
    int rc = -1;
    if (s->task == MG_TASK_BINARY) {
        int y = (int)mg_label_class(env, MG_TASK_BINARY, lv);
        if (y < 0) {
            mg_label_sample_add(&s->labels, lv);
            char what[200];
            snprintf(what, sizeof what, "found %s, expected a binary label (0/1 or true/false)", mg_value_quote(lv, buf, sizeof buf));
            unusable(c, row, label_name, what);
            return;
        }
        rc = mg_metrics_add_binary(s->acc, y, scores[0]);
        mg_metrics *sl = rc == 0 && s->slices ? mg_slices_for_row(s->slices, row) : NULL;
        if (sl)
            mg_metrics_add_binary(sl, y, scores[0]);
        if (rc == 0 && s->paired && champion_ok(c, row, sc))
            mg_paired_add_binary(s->paired, row->line, y, sc->champion[0], scores[0]);
    } else if (s->task == MG_TASK_REGRESSION) {
        double y;
        if (mg_value_to_double(lv, &y) != 0 || !isfinite(y)) {
            char what[200];
            snprintf(what, sizeof what, "found %s, expected a numeric target", mg_value_quote(lv, buf, sizeof buf));
            unusable(c, row, label_name, what);
            return;
        }
        rc = mg_metrics_add_regression(s->acc, y, scores[0]);
        mg_metrics *sl = rc == 0 && s->slices ? mg_slices_for_row(s->slices, row) : NULL;
        if (sl)
            mg_metrics_add_regression(sl, y, scores[0]);
        if (rc == 0 && s->paired && champion_ok(c, row, sc))
            mg_paired_add_regression(s->paired, row->line, y, sc->champion[0], scores[0]);
    } else {
        int k = (int)mg_label_class(env, MG_TASK_MULTICLASS, lv);
        if (k >= 0) {
            rc = mg_metrics_add_multiclass(s->acc, k, scores);
            mg_metrics *sl = rc == 0 && s->slices ? mg_slices_for_row(s->slices, row) : NULL;
            if (sl)
                mg_metrics_add_multiclass(sl, k, scores);
            if (rc == 0 && s->paired && champion_ok(c, row, sc))
                mg_paired_add_multiclass(s->paired, row->line, k, sc->champion, scores);
        }
        if (rc != 0) {
            char what[200];
            mg_label_sample_add(&s->labels, lv);
            snprintf(what, sizeof what, "found %s, expected one of the model's %zu classes",
                     mg_value_quote(lv, buf, sizeof buf), env->nscores);
            unusable(c, row, label_name, what);
            return;
        }
    }
    if (rc != 0)
        unusable(c, row, NULL, "score is not a finite number");
}

/* The bounds a metric check's options set (has_*: the option is given). */
typedef struct metric_bounds {
    int has_min, has_max, has_drop, has_inc, has_sig, relative;
    double min, max, max_drop, max_increase, significance;
} metric_bounds;

static void read_bounds(const mg_check *c, metric_bounds *b)
{
    *b = (metric_bounds){0};
    b->has_min = opt_number(c, "min", &b->min);
    b->has_max = opt_number(c, "max", &b->max);
    b->has_drop = opt_number(c, "max_drop", &b->max_drop);
    b->has_inc = opt_number(c, "max_increase", &b->max_increase);
    b->has_sig = opt_number(c, "significance", &b->significance);
    b->relative = mg_check_opt_number(c, "relative") != 0;
}

/* The check's one-line message as it is written, and whether it failed. */
typedef struct verdict {
    char why[512];
    size_t used;
    int failed;
} verdict;

/* Judges the value against the baseline's (or the champion's) value base:
 * the worsening against max_drop / max_increase (only when significant,
 * with significance and a champion), and the message's comparison. */
static void judge_baseline(mg_check *c, double value, double base, const metric_bounds *b, verdict *v)
{
    metric_state *s = c->state;
    mg_result *res = c->result;
    const char *name = s->info->name;
    int higher = s->info->higher_is_better;
    int has_drop = b->has_drop, has_inc = b->has_inc, relative = b->relative;
    double drop = base - value, rise = value - base;
    double scale = base != 0 ? fabs(base) : 1;
    mg_result_prop_number(res, "baseline", base);
    mg_result_prop_number(res, "delta", value - base);
    mg_result_prop_number(res, "delta_relative", (value - base) / scale);
    /* The validator allows max_drop only where higher is better and
     * max_increase only where lower is better: each bounds a worsening. */
    double limit = has_drop ? b->max_drop : b->max_increase;
    double moved = has_drop ? drop : rise;
    if (has_drop || has_inc) {
        mg_result_prop_number(res, has_drop ? "max_drop" : "max_increase", limit);
        if (!b->has_min && !b->has_max) {
            mg_result_prop_number(res, "bound", limit);
            mg_result_prop_text(res, "bound_option", has_drop ? "max_drop" : "max_increase");
        }
    }
    double shown = relative ? moved / scale : moved;
    /* The interval of the worsening (drop, or rise for lower-is-better). */
    char ci[160] = "";
    int significant = 1;
    if (s->compared) {
        double lo = has_inc || !higher ? s->boot.lower : -s->boot.upper;
        double hi = has_inc || !higher ? s->boot.upper : -s->boot.lower;
        snprintf(ci, sizeof ci, ", %g%% CI of %s [%.6g, %.6g]", s->boot.confidence * 100, higher ? "drop" : "rise",
                 lo, hi);
        /* Significant: the whole interval lies on the worse side of 0. */
        significant = lo > 0;
        mg_result_prop_number(res, "significant", significant);
    }
    const char *from = s->compared ? "champion" : "baseline";
    if ((has_drop || has_inc) && shown > limit && b->has_sig && !significant) {
        if (!v->failed)
            snprintf(v->why, sizeof v->why, "%s %.6g %s %.6g from %s %.6g, over %s %.6g but not significant at %g%s",
                     name, value, has_drop ? "dropped" : "rose", moved, from, base,
                     has_drop ? "max_drop" : "max_increase", limit, b->significance, ci);
    } else if ((has_drop || has_inc) && shown > limit) {
        v->used += (size_t)snprintf(v->why + v->used, sizeof v->why - v->used,
                                    "%s%s %.6g %s %.6g%s from %s %.6g (%s %.6g%s%s)", v->used ? "; " : "", name,
                                    value, has_drop ? "dropped" : "rose", relative ? shown * 100 : shown,
                                    relative ? "%" : "", from, base, has_drop ? "max_drop" : "max_increase",
                                    relative ? limit * 100 : limit, relative ? "%" : "", ci);
        v->failed = 1;
    } else if (v->failed) {
        v->used += (size_t)snprintf(v->why + v->used, sizeof v->why - v->used, " (%s %.6g, %s %.6g%s)", from, base,
                                    (higher ? drop : rise) > 0 ? "worse by" : "better by", fabs(drop), ci);
    } else if (!(has_drop || has_inc) || shown <= limit) {
        snprintf(v->why, sizeof v->why, "%s %.6g (%s %.6g, %s %.6g%s)", name, value, from, base,
                 (higher ? drop : rise) > 0 ? "worse by" : "better by", fabs(drop), ci);
    }
}

/* Judges the value against min/max and the baseline, and writes the
 * properties and the one-line message. */
static void judge(mg_check *c, double value)
{
    metric_state *s = c->state;
    mg_result *res = c->result;
    const char *name = s->info->name;
    int higher = s->info->higher_is_better;
    metric_bounds b;
    read_bounds(c, &b);

    mg_result_prop_number(res, "value", value);
    mg_result_prop_text(res, "metric", name);
    mg_result_prop_text(res, "direction", higher ? "higher is better" : "lower is better");
    mg_result_prop_number(res, "n", (double)mg_metrics_rows(s->acc));
    if (b.has_min)
        mg_result_prop_number(res, "min", b.min);
    if (b.has_max)
        mg_result_prop_number(res, "max", b.max);
    /* `bound` is the absolute bound that decides (with both, the one on the
     * worse side); without one, the baseline limit below. */
    if (b.has_min || b.has_max) {
        int use_min = b.has_min && (higher || !b.has_max);
        mg_result_prop_number(res, "bound", use_min ? b.min : b.max);
        mg_result_prop_text(res, "bound_option", use_min ? "min" : "max");
    }

    verdict v = {.why = "", .used = 0, .failed = 0};
    if (b.has_min && value < b.min) {
        v.used += (size_t)snprintf(v.why, sizeof v.why, "%s %.6g < min %.6g", name, value, b.min);
        v.failed = 1;
    } else if (b.has_max && value > b.max) {
        v.used += (size_t)snprintf(v.why, sizeof v.why, "%s %.6g > max %.6g", name, value, b.max);
        v.failed = 1;
    }

    const json_t *bv = c->env->baseline_metrics ? json_object_get(c->env->baseline_metrics, name) : NULL;
    json_t *champion_value = s->compared ? json_real(s->boot.champion) : NULL;
    if (champion_value)
        bv = champion_value;
    if ((b.has_drop || b.has_inc) && !json_is_number(bv)) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s %.6g: no baseline value for '%s'%s%s", name, value, name,
                              c->env->baseline_path ? " in " : " (the spec names no \"baseline\" or \"baseline_model\")",
                              c->env->baseline_path ? c->env->baseline_path : "");
        return;
    }
    if (json_is_number(bv)) {
        judge_baseline(c, value, json_number_value(bv), &b, &v);
    } else if (!v.failed) {
        if (b.has_min && b.has_max)
            snprintf(v.why, sizeof v.why, "%s %.6g within [%.6g, %.6g]", name, value, b.min, b.max);
        else if (b.has_min)
            snprintf(v.why, sizeof v.why, "%s %.6g >= min %.6g", name, value, b.min);
        else if (b.has_max)
            snprintf(v.why, sizeof v.why, "%s %.6g <= max %.6g", name, value, b.max);
        else
            snprintf(v.why, sizeof v.why, "%s %.6g", name, value);
    }
    res->status = v.failed ? MG_STATUS_FAIL : MG_STATUS_PASS;
    mg_result_set_message(res, "%s", v.why);
    json_decref(champion_value);
}

/* Rows without a usable label or score.  With neither max_count nor
 * max_rate any such row fails the check: a metric over fewer rows than the
 * data holds is not the one asked for.  With a tolerance the metric stands
 * on the usable rows while the unusable ones are within it.  Either way the
 * count is in the message and the properties. */
static void judge_unusable(mg_check *c)
{
    metric_state *s = c->state;
    mg_result *res = c->result;
    uint64_t seen = mg_metrics_rows(s->acc) + s->unusable;
    double rate = seen ? (double)s->unusable / (double)seen : 0;
    mg_result_prop_number(res, "unusable_rate", rate);
    if (c->has_max_count)
        mg_result_prop_number(res, "max_count", (double)c->max_count);
    if (c->has_max_rate)
        mg_result_prop_number(res, "max_rate", c->max_rate);
    if (!s->unusable)
        return;
    int over = (!c->has_max_count && !c->has_max_rate) || (c->has_max_count && s->unusable > c->max_count) ||
               (c->has_max_rate && rate > c->max_rate);
    char bound[96] = "";
    if (c->has_max_count && c->has_max_rate)
        snprintf(bound, sizeof bound, "max_count %llu, max_rate %g", (unsigned long long)c->max_count, c->max_rate);
    else if (c->has_max_count || c->has_max_rate)
        snprintf(bound, sizeof bound, c->has_max_count ? "max_count %.0f" : "max_rate %g",
                 c->has_max_count ? (double)c->max_count : c->max_rate);
    char *hint = mg_label_hint(c->env, s->task, &s->labels);
    char *old = res->message;
    res->message = NULL;
    if (over && res->status == MG_STATUS_PASS)
        res->status = MG_STATUS_FAIL;
    mg_result_set_message(res, "%llu rows had no usable label or score (rate %.4g of %llu)%s%s%s%s; %s",
                          (unsigned long long)s->unusable, rate, (unsigned long long)seen,
                          bound[0] ? (over ? ", over " : ", within ") : "", bound, hint ? "; " : "",
                          hint ? hint : "", old ? old : "");
    free(hint);
    free(old);
}

static void metric_finish(mg_check *c)
{
    metric_state *s = c->state;
    mg_result *res = c->result;
    if (s->problem) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s", s->problem);
        return;
    }
    mg_result_prop_text(res, "scores_from", c->env->score_source);
    mg_result_prop_number(res, "unusable_rows", (double)s->unusable);
    if (s->info->task == MG_TASK_BINARY) {
        mg_confusion cm;
        mg_result_prop_number(res, "decision_threshold", s->decision_threshold);
        if (mg_metrics_confusion(s->acc, &cm, NULL) == 0) {
            mg_result_prop_number(res, "tn", (double)cm.tn);
            mg_result_prop_number(res, "fp", (double)cm.fp);
            mg_result_prop_number(res, "fn", (double)cm.fn);
            mg_result_prop_number(res, "tp", (double)cm.tp);
        }
    }
    double value;
    mg_error err = {{0}};
    if (mg_metrics_value(s->acc, s->info->name, &value, &err) != 0) {
        /* Labels it could not read say why better than "no rows" does. */
        char *hint = mg_label_hint(c->env, s->task, &s->labels);
        res->status = MG_STATUS_ERROR;
        if (hint && mg_metrics_rows(s->acc) == 0)
            mg_result_set_message(res, "%s cannot be computed: no row has a usable label; %s", s->info->name, hint);
        else
            mg_result_set_message(res, "%s cannot be computed: %s%s%s", s->info->name, err.msg, hint ? "; " : "",
                                  hint ? hint : "");
        free(hint);
        return;
    }
    if (s->paired) {
        mg_bootstrap_options bo;
        mg_bootstrap_options_init(&bo);
        bo.resamples = (unsigned)mg_check_opt_count(c, "resamples");
        bo.seed = mg_check_opt_count(c, "seed");
        /* confidence when given, else 1 - significance when given, else the default. */
        bo.confidence = mg_check_opt_number(c, "confidence");
        if (!mg_check_opt_given(c, "confidence") && mg_check_opt_given(c, "significance"))
            bo.confidence = 1 - mg_check_opt_number(c, "significance");
        if (mg_paired_bootstrap(s->paired, s->info->name, &bo, &s->boot, &err) != 0) {
            res->status = MG_STATUS_ERROR;
            mg_result_set_message(res, "%s: the comparison with the champion failed: %s", s->info->name, err.msg);
            return;
        }
        s->compared = 1;
        mg_result_prop_text(res, "champion_from", c->env->champion_source);
        mg_result_prop_number(res, "champion", s->boot.champion);
        mg_result_prop_number(res, "ci_lower", s->boot.lower);
        mg_result_prop_number(res, "ci_upper", s->boot.upper);
        mg_result_prop_number(res, "confidence", s->boot.confidence);
        mg_result_prop_number(res, "resamples", bo.resamples);
        mg_result_prop_number(res, "resamples_used", s->boot.used);
        mg_result_prop_number(res, "seed", (double)bo.seed);
        mg_result_prop_number(res, "paired_rows", (double)mg_paired_rows(s->paired));
    }
    judge(c, value);
    if (s->slices) {
        size_t failed = mg_slices_report(s->slices, c, s->info->name);
        mg_result_prop_number(res, "slices_failed", (double)failed);
    }
    judge_unusable(c);
}

static void metric_free(mg_check *c)
{
    metric_state *s = c->state;
    if (!s)
        return;
    mg_metrics_free(s->acc);
    mg_paired_free(s->paired);
    mg_slices_free(s->slices);
    mg_label_sample_free(&s->labels);
    free(s->problem);
    free(s);
}

/* A shard's state: its rows' accumulators (the whole data's, the slices',
 * the paired store) and the unusable rows; see docs/sharding.md. */
static json_t *metric_save(const mg_check *c)
{
    const metric_state *s = c->state;
    json_t *o = mg_metric_state_save(s->problem, s->unusable, &s->labels, s->acc);
    if (!s->problem && s->slices)
        json_object_set_new(o, "slices", mg_slices_save(s->slices));
    if (!s->problem && s->paired)
        json_object_set_new(o, "paired", mg_paired_save(s->paired));
    return o;
}

static int metric_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    metric_state *s = c->state;
    int rc = mg_metric_state_merge(s->problem, &s->unusable, &s->labels, s->acc, state, msg, size);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (s->slices && mg_slices_merge(s->slices, json_object_get(state, "slices"), msg, size) != 0)
        return -1;
    if (s->paired && mg_paired_merge(s->paired, json_object_get(state, "paired"), msg, size) != 0)
        return -1;
    return 0;
}

const mg_check_def mg_check_metric = {
    .name = "metric", .group = "metrics", .options = option_rows, .needs = MG_NEEDS_SCORES | MG_NEEDS_LABEL,
    .summary = "a model-quality metric against bounds and the baseline",
    .validate = mg_metric_check_validate, .begin = metric_begin, .scored = metric_scored, .finish = metric_finish,
    .free_state = metric_free, .save = metric_save, .merge = metric_merge,
};
