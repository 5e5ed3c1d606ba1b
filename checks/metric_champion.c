/*
 * metric_champion.c - the `champion` check: the candidate against the model
 * in production (baseline_model or data.baseline_prediction) row by row.
 * Counts the rows that flipped from right to wrong and from wrong to right
 * at the decision threshold (argmax for multiclass), lists the first
 * right-to-wrong flips, and runs McNemar's test on the two.  Fails when the
 * right-to-wrong flips exceed max_count/max_rate, or, with `significance`,
 * when the candidate is significantly less accurate (p < significance and
 * more right-to-wrong than wrong-to-right flips).  O(1) memory.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/metric_checks.h"
#include "checks/metrics.h"
#include "checks/stats.h"
#include "common/xmem.h"

typedef struct champion_state {
    double threshold;
    uint64_t compared, right_to_wrong, wrong_to_right, both_right, both_wrong, unusable;
    char *problem;
} champion_state;

static void champion_begin(mg_check *c)
{
    champion_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    s->threshold = 0.5;
    const json_t *t = json_object_get(c->options, "threshold");
    if (json_is_number(t))
        s->threshold = json_number_value(t);
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
    mg_check_judge(c, s->right_to_wrong, "rows flipped from right to wrong");
    mg_mcnemar mc;
    mg_mcnemar_test(s->right_to_wrong, s->wrong_to_right, &mc);
    mg_result_prop_number(res, "right_to_wrong", (double)s->right_to_wrong);
    mg_result_prop_number(res, "wrong_to_right", (double)s->wrong_to_right);
    mg_result_prop_number(res, "both_right", (double)s->both_right);
    mg_result_prop_number(res, "both_wrong", (double)s->both_wrong);
    mg_result_prop_number(res, "unusable_rows", (double)s->unusable);
    mg_result_prop_number(res, "mcnemar_p", mc.p_value);
    mg_result_prop_number(res, "mcnemar_statistic", mc.statistic);
    mg_result_prop_text(res, "mcnemar_test", mc.exact ? "exact binomial" : "chi-square, continuity-corrected");
    mg_result_prop_text(res, "champion_from", c->env->champion_source);
    const json_t *sig = json_object_get(c->options, "significance");
    int worse = s->right_to_wrong > s->wrong_to_right;
    char *old = res->message;
    res->message = NULL;
    if (json_is_number(sig)) {
        double alpha = json_number_value(sig);
        mg_result_prop_number(res, "significance", alpha);
        if (worse && mc.p_value < alpha)
            res->status = MG_STATUS_FAIL;
        else if (!c->has_max_count && !c->has_max_rate)
            res->status = MG_STATUS_PASS; /* only significance was asked for */
        mg_result_set_message(res, "%llu right-to-wrong, %llu wrong-to-right flips; McNemar p = %.4g (%s at %g)",
                              (unsigned long long)s->right_to_wrong, (unsigned long long)s->wrong_to_right,
                              mc.p_value, worse && mc.p_value < alpha ? "significantly worse" : "not significantly worse",
                              alpha);
    } else {
        mg_result_set_message(res, "%s; %llu wrong-to-right; McNemar p = %.4g", old,
                              (unsigned long long)s->wrong_to_right, mc.p_value);
    }
    free(old);
    if (s->unusable && res->status == MG_STATUS_PASS) {
        res->status = MG_STATUS_FAIL;
        old = res->message;
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

static const mg_opt_def champion_options[] = {
    {"threshold", MG_OPT_NUMBER}, {"significance", MG_OPT_RATE}, {NULL, 0},
};

const mg_check_def mg_check_champion = {
    "champion", "metrics",
    "rows flipped right-to-wrong against the champion, with McNemar's test",
    champion_options, MG_NEEDS_SCORES | MG_NEEDS_LABEL | MG_NEEDS_CHAMPION,
    NULL, champion_begin, NULL, NULL, champion_scored, champion_finish, champion_free,
};
