/*
 * champion.c - the `champion` check: the candidate against the model
 * in production (baseline_model or data.baseline_prediction) row by row.
 * Counts the rows that flipped from right to wrong and from wrong to right
 * at the decision threshold (argmax for multiclass), lists the first
 * right-to-wrong flips, and runs McNemar's test on the two.
 *
 * By default McNemar decides: the check fails only when the candidate is
 * significantly less accurate (p < significance, default 0.05, and more
 * right-to-wrong than wrong-to-right flips).  A retrained model flips many
 * rows both ways; counting only one direction would fail almost every one.
 * The strict form ("mode": "strict", or a max_count/max_rate) counts the
 * right-to-wrong flips against max_count/max_rate (with neither, one flip
 * fails), and with `significance` a significant worsening fails too.
 * O(1) memory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/metrics/check_state_parts.h"
#include "checks/metrics/metrics.h"
#include "checks/stats/stats.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    {.key = "threshold", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.5),
     .help = "binary decision threshold that says right or wrong (multiclass: the argmax)"},
    {.key = "significance", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0.05),
     .help = "McNemar's test: the candidate fails when significantly less accurate at this level"},
    {.key = "confidence", .kind = MG_OPT_RATE, .when_absent = "1 - significance",
     .help = "the same as significance = 1 - confidence (give one of the two)"},
    {.key = "mode", .kind = MG_OPT_STRING, .def = MG_DEFAULT_STRING("mcnemar"),
     .help = "mcnemar: the test decides; strict: right-to-wrong flips count against max_count/max_rate "
             "(the default when either is given)"},
    {.key = NULL},
};

typedef struct champion_state {
    double threshold;
    uint64_t compared, right_to_wrong, wrong_to_right, both_right, both_wrong, unusable;
    char *problem;
} champion_state;

static void champion_begin(mg_check *c)
{
    champion_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    s->threshold = mg_check_opt_number(c, "threshold");
    /* The spec loader made sure a champion is named (MG_NEEDS_CHAMPION). */
    if (c->env->score_task == MG_TASK_REGRESSION)
        s->problem = mg_xstrdup("right/wrong flips apply to classifiers; compare regressors with metric checks");
}

static size_t argmax(const double *p, size_t k)
{
    size_t best = 0;
    for (size_t i = 1; i < k; i++)
        if (p[i] > p[best])
            best = i;
    return best;
}

static void champion_scored(mg_check *c, const mg_row *row, const mg_scored *sc)
{
    champion_state *s = c->state;
    if (s->problem)
        return;
    const mg_check_env *env = c->env;
    long y = mg_label_class(env, env->nscores < 2 ? MG_TASK_BINARY : MG_TASK_MULTICLASS,
                            &row->values[env->role_column[MG_ROLE_LABEL]]);
    if (!sc->scores || !sc->champion || y < 0) {
        s->unusable++;
        return;
    }
    long cand, champ;
    if (env->nscores < 2) {
        cand = sc->scores[0] >= s->threshold;
        champ = sc->champion[0] >= s->threshold;
    } else {
        cand = (long)argmax(sc->scores, env->nscores);
        champ = (long)argmax(sc->champion, env->nscores);
    }
    s->compared++;
    int cand_right = cand == y, champ_right = champ == y;
    if (cand_right && champ_right) {
        s->both_right++;
    } else if (!cand_right && !champ_right) {
        s->both_wrong++;
    } else if (cand_right) {
        s->wrong_to_right++;
    } else {
        s->right_to_wrong++;
        if (env->nscores < 2)
            mg_check_example(c, row->line, env->role_name[MG_ROLE_LABEL],
                             "label %ld: champion scored %.6g (right), candidate %.6g (wrong) at threshold %g", y,
                             sc->champion[0], sc->scores[0], s->threshold);
        else
            mg_check_example(c, row->line, env->role_name[MG_ROLE_LABEL],
                             "class %ld: champion predicted %ld (right), candidate %ld (wrong)", y, champ, cand);
    }
}

/* Strict: "mode": "strict", or a tolerance given without a mode (a spec
 * that counts flips keeps counting them). */
static int strict_mode(const mg_check *c)
{
    if (!mg_check_opt_given(c, "mode") && (mg_check_opt_given(c, "max_count") || mg_check_opt_given(c, "max_rate")))
        return 1;
    return strcmp(mg_check_opt_string(c, "mode"), "strict") == 0;
}

/* The significance level: `significance`, else 1 - `confidence`, else the
 * default.  *given says whether the spec set one. */
static double significance_of(const mg_check *c, int *given)
{
    int sig = mg_check_opt_given(c, "significance"), conf = mg_check_opt_given(c, "confidence");
    *given = sig || conf;
    if (conf && !sig)
        return 1 - mg_check_opt_number(c, "confidence");
    return mg_check_opt_number(c, "significance");
}

/* Default mode: McNemar's test alone decides.  The flips still show as
 * count/rate; the bound is the significance level. */
static void judge_mcnemar(mg_check *c, const mg_mcnemar *mc, double alpha)
{
    champion_state *s = c->state;
    mg_result *res = c->result;
    int worse = s->right_to_wrong > s->wrong_to_right, better = s->wrong_to_right > s->right_to_wrong;
    int significant = mc->p_value < alpha;
    res->status = worse && significant ? MG_STATUS_FAIL : MG_STATUS_PASS;
    mg_result_prop_number(res, "count", (double)s->right_to_wrong);
    mg_result_prop_number(res, "rate", s->compared ? (double)s->right_to_wrong / (double)s->compared : 0.0);
    mg_result_prop_number(res, "rows", (double)s->compared);
    mg_result_prop_number(res, "bound", alpha);
    mg_result_prop_text(res, "bound_option", "significance");
    mg_result_set_message(res, "%llu right-to-wrong, %llu wrong-to-right flips; McNemar p = %.4g (%s at %g)",
                          (unsigned long long)s->right_to_wrong, (unsigned long long)s->wrong_to_right,
                          mc->p_value,
                          !significant ? "not significantly worse"
                          : worse      ? "significantly worse"
                          : better     ? "significantly better" : "not significantly worse",
                          alpha);
}

/* Strict mode: the right-to-wrong flips against max_count/max_rate, and
 * with a significance level given, a significant worsening fails too. */
static void judge_strict(mg_check *c, const mg_mcnemar *mc, double alpha, int alpha_given)
{
    champion_state *s = c->state;
    mg_result *res = c->result;
    mg_check_judge(c, s->right_to_wrong, "rows flipped from right to wrong");
    char *old = res->message;
    res->message = NULL;
    int worse = s->right_to_wrong > s->wrong_to_right;
    if (alpha_given && worse && mc->p_value < alpha)
        res->status = MG_STATUS_FAIL;
    if (alpha_given)
        mg_result_set_message(res, "%s; %llu wrong-to-right; McNemar p = %.4g (%s at %g)", old,
                              (unsigned long long)s->wrong_to_right, mc->p_value,
                              worse && mc->p_value < alpha ? "significantly worse" : "not significantly worse", alpha);
    else
        mg_result_set_message(res, "%s; %llu wrong-to-right; McNemar p = %.4g", old,
                              (unsigned long long)s->wrong_to_right, mc->p_value);
    free(old);
}

static void champion_finish(mg_check *c)
{
    champion_state *s = c->state;
    mg_result *res = c->result;
    if (s->problem) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s", s->problem);
        return;
    }
    /* Tolerances count right-to-wrong flips among the compared rows. */
    c->rows = s->compared;
    mg_mcnemar mc;
    mg_mcnemar_test(s->right_to_wrong, s->wrong_to_right, &mc);
    int alpha_given;
    double alpha = significance_of(c, &alpha_given);
    int strict = strict_mode(c);
    if (strict)
        judge_strict(c, &mc, alpha, alpha_given);
    else
        judge_mcnemar(c, &mc, alpha);
    mg_result_prop_text(res, "mode", strict ? "strict" : "mcnemar");
    if (!strict || alpha_given)
        mg_result_prop_number(res, "significance", alpha);
    if (c->env->nscores < 2)
        mg_result_prop_number(res, "decision_threshold", s->threshold);
    mg_result_prop_number(res, "right_to_wrong", (double)s->right_to_wrong);
    mg_result_prop_number(res, "wrong_to_right", (double)s->wrong_to_right);
    mg_result_prop_number(res, "both_right", (double)s->both_right);
    mg_result_prop_number(res, "both_wrong", (double)s->both_wrong);
    mg_result_prop_number(res, "unusable_rows", (double)s->unusable);
    mg_result_prop_number(res, "mcnemar_p", mc.p_value);
    mg_result_prop_number(res, "mcnemar_statistic", mc.statistic);
    mg_result_prop_text(res, "mcnemar_test", mc.exact ? "exact binomial" : "chi-square, continuity-corrected");
    mg_result_prop_text(res, "champion_from", c->env->champion_source);
    if (s->unusable && res->status == MG_STATUS_PASS) {
        res->status = MG_STATUS_FAIL;
        char *old = res->message;
        res->message = NULL;
        mg_result_set_message(res, "%llu rows could not be compared (no usable label or score); %s",
                              (unsigned long long)s->unusable, old);
        free(old);
    }
}

static void champion_free(mg_check *c)
{
    champion_state *s = c->state;
    if (s)
        free(s->problem);
    free(s);
}

/* A shard's state: its counts (the flips' examples are the framework's). */
static json_t *champion_save(const mg_check *c)
{
    const champion_state *s = c->state;
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "compared", (json_int_t)s->compared, "right_to_wrong",
                     (json_int_t)s->right_to_wrong, "wrong_to_right", (json_int_t)s->wrong_to_right, "both_right",
                     (json_int_t)s->both_right, "both_wrong", (json_int_t)s->both_wrong, "unusable",
                     (json_int_t)s->unusable);
}

static int champion_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    champion_state *s = c->state;
    if (mg_metric_add_count(state, "compared", &s->compared, msg, size) ||
        mg_metric_add_count(state, "right_to_wrong", &s->right_to_wrong, msg, size) ||
        mg_metric_add_count(state, "wrong_to_right", &s->wrong_to_right, msg, size) ||
        mg_metric_add_count(state, "both_right", &s->both_right, msg, size) ||
        mg_metric_add_count(state, "both_wrong", &s->both_wrong, msg, size) ||
        mg_metric_add_count(state, "unusable", &s->unusable, msg, size))
        return -1;
    return 0;
}

static int champion_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    const json_t *mode = json_object_get(o, "mode");
    if (mode && !(json_is_string(mode) && (strcmp(json_string_value(mode), "mcnemar") == 0 ||
                                           strcmp(json_string_value(mode), "strict") == 0))) {
        *key = "mode";
        snprintf(msg, size, "expected \"mcnemar\" (McNemar's test decides, the default) or \"strict\" "
                            "(right-to-wrong flips count against max_count/max_rate)");
        return -1;
    }
    if (json_object_get(o, "significance") && json_object_get(o, "confidence")) {
        *key = "confidence";
        snprintf(msg, size, "give significance or confidence, not both (significance = 1 - confidence)");
        return -1;
    }
    if (json_is_string(mode) && strcmp(json_string_value(mode), "mcnemar") == 0 &&
        (json_object_get(o, "max_count") || json_object_get(o, "max_rate"))) {
        *key = json_object_get(o, "max_count") ? "max_count" : "max_rate";
        snprintf(msg, size, "max_count and max_rate count right-to-wrong flips in mode \"strict\"; "
                            "in mode \"mcnemar\" McNemar's test alone decides");
        return -1;
    }
    return 0;
}

const mg_check_def mg_check_champion = {
    .name = "champion", .group = "metrics", .options = option_rows,
    .needs = MG_NEEDS_SCORES | MG_NEEDS_LABEL | MG_NEEDS_CHAMPION,
    .summary = "rows flipped right-to-wrong against the champion, with McNemar's test",
    .validate = champion_validate, .begin = champion_begin, .scored = champion_scored, .finish = champion_finish,
    .free_state = champion_free, .save = champion_save, .merge = champion_merge,
};
