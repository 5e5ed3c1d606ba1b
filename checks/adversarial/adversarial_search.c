/*
 * adversarial_search.c - the `adversarial_search` check: a seeded black-box search
 * for a small change, within the bounds the spec gives per feature, that
 * flips a sampled row's decision.
 *
 * Greedy coordinate descent on the decision margin (binary: distance of the
 * score to the threshold on the row's side; multiclass: the row's class
 * probability minus the best other one).  Each step tries every bounded
 * feature one step (radius / `steps`) up and down, and every other value of
 * a categorical feature, and keeps the move that lowers the margin most;
 * the features are visited in a seeded order so ties break reproducibly.
 * It stops when the decision flips, when no move helps, or when the row's
 * `budget` of model queries is spent.  Small steps first means the change
 * found is small (reported as the largest fraction of a feature's radius).
 *
 * Gates on the success rate (`max_success_rate`, default 0).  Each attack
 * found is an example in fixture-case form, and with `candidates` (a path
 * relative to the spec) all of them are written there as JSON Lines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/adv_common.h"
#include "common/atomic_file.h"
#include "common/mkdirs.h"
#include "common/xmem.h"

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    ADV_OPT_BOUNDS("how far each feature may move"),
    ADV_OPT_SAMPLING(20),
    {.key = "budget", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(100), .help = "model queries per row"},
    {.key = "steps", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10), .help = "a numeric step is the feature's bound / steps"},
    ADV_OPT_THRESHOLD,
    {.key = "max_success_rate", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0),
     .help = "the largest fraction of searched rows flipped that passes"},
    {.key = "candidates", .kind = MG_OPT_STRING, .when_absent = "not written",
     .help = "a file (relative to the spec) that receives every attack found, as fixture cases"},
    {.key = NULL},
};

static int srch_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    if (adv_bounds_required(o, key, msg, size, "the bounds of the search, e.g. {\"amount\": {\"rel\": 0.1}}") != 0)
        return -1;
    const json_t *st = json_object_get(o, "steps");
    if (json_is_integer(st) && json_integer_value(st) < 1) {
        *key = "steps";
        snprintf(msg, size, "expected at least 1 step");
        return -1;
    }
    return 0;
}

/* Margin of the decision d0: > 0 while the decision holds. */
static double margin(int task, const double *out, size_t k, int d0, double threshold)
{
    if (task == MG_TASK_BINARY)
        return d0 ? out[0] - threshold + 1e-300 : threshold - out[0];
    double best = -INFINITY;
    for (size_t j = 0; j < k; j++)
        if ((int)j != d0)
            best = fmax(best, out[j]);
    return out[d0] - best;
}

typedef struct search_ctx {
    mg_check *c;
    adv_state *s;
    adv_bound *b;
    size_t nb;
    int task;
    size_t k;
    double threshold;
    uint64_t budget, steps;
    mg_rng *rng;          /* the trial loop's, seeded per row (adv_row_seed) */
    uint64_t queries;
    /* What the search found over the rows. */
    uint64_t attacked, found, broken;
    double change_sum, change_min;
    json_t *cands;        /* the case line of every attack found */
} search_ctx;

/* One row's search: where each bounded feature started and where it
 * stands now. */
typedef struct attack_state {
    search_ctx *x;
    const mg_row *row;
    adv_variant *v;       /* the row as the search has changed it */
    int d0;               /* the row's decision */
    double *orig, *rad;   /* numeric features: the row's value and the allowed radius (0: not varied) */
    double *cur;          /* numeric features: the current value */
    long *cat;            /* categorical features: index of the current value, -1 for the row's own */
    char (*catbuf)[40];
    double *out;
    uint64_t used;        /* queries made */
    char *why;
    size_t wsize;
} attack_state;

/* The best move of a step: the feature, its new value (or value index) and
 * the margin it leaves. */
typedef struct attack_move {
    double margin, val;
    long j, cat;
} attack_move;

/* Puts feature j of the variant back to its current point. */
static void restore_feature(attack_state *a, size_t j)
{
    const adv_bound *b = &a->x->b[j];
    long col = a->x->s->f[b->feature].column;
    if (b->values) {
        if (a->cat[j] < 0)
            adv_variant_reset(a->v, a->row, (size_t)col);
        else
            adv_variant_set(a->v, (size_t)col,
                            adv_json_as_value(json_array_get(b->values, (size_t)a->cat[j]), a->catbuf[j], 40));
    } else if (a->cur[j] == a->orig[j]) {
        adv_variant_reset(a->v, a->row, (size_t)col);
    } else {
        adv_variant_set_number(a->v, (size_t)col, a->cur[j]);
    }
}

/* Tries every move of feature j (one step up and down, or every other
 * value) and keeps in *best the one that most narrows the margin.  Returns
 * 0, or -1 when the scorer failed (a->why says how). */
static int try_moves(attack_state *a, size_t j, attack_move *best)
{
    search_ctx *x = a->x;
    const adv_bound *b = &x->b[j];
    long col = x->s->f[b->feature].column;
    size_t ncand = b->values ? json_array_size(b->values) : (a->rad[j] > 0 ? 2 : 0);
    for (size_t k = 0; k < ncand && a->used < x->budget; k++) {
        double val = 0;
        if (b->values) {
            if ((long)k == a->cat[j])
                continue;
            adv_variant_set(a->v, (size_t)col, adv_json_as_value(json_array_get(b->values, k), a->catbuf[j], 40));
        } else {
            double step = a->rad[j] / (double)x->steps;
            val = a->cur[j] + (k == 0 ? step : -step);
            if (val > a->orig[j] + a->rad[j] || val < a->orig[j] - a->rad[j])
                continue;
            val = adv_bound_clamp(b, val);
            if (val == a->cur[j])
                continue;
            adv_variant_set_number(a->v, (size_t)col, val);
        }
        a->used++;
        adv_outcome o = adv_score(x->c->env->model, x->c->env->binding, &a->v->row, a->row, a->out, a->why, a->wsize);
        if (o == ADV_NONFINITE || o == ADV_BROKEN) {
            if (o == ADV_NONFINITE)
                snprintf(a->why, a->wsize, "the score is %g", a->out[0]);
            return -1;
        }
        double mm = o == ADV_SCORED ? margin(x->task, a->out, x->k, a->d0, x->threshold) : INFINITY;
        if (o == ADV_SCORED && mm < best->margin)
            *best = (attack_move){.margin = mm, .val = val, .j = (long)j, .cat = (long)k};
        restore_feature(a, j); /* back to the current point before the next candidate */
    }
    return 0;
}

/* Makes the move: the variant and the current point take it. */
static void apply_move(attack_state *a, const attack_move *m)
{
    const adv_bound *b = &a->x->b[m->j];
    long col = a->x->s->f[b->feature].column;
    if (b->values) {
        a->cat[m->j] = m->cat;
        adv_variant_set(a->v, (size_t)col,
                        adv_json_as_value(json_array_get(b->values, (size_t)m->cat), a->catbuf[m->j], 40));
    } else {
        a->cur[m->j] = m->val;
        adv_variant_set_number(a->v, (size_t)col, m->val);
    }
}

/* The size of the change found: the largest fraction of a feature's bound
 * used (1 for a categorical feature that changed). */
static double attack_change(const attack_state *a)
{
    double ch = 0;
    for (size_t j = 0; j < a->x->nb; j++) {
        if (a->x->b[j].values)
            ch = fmax(ch, a->cat[j] >= 0 ? 1.0 : 0.0);
        else if (a->rad[j] > 0)
            ch = fmax(ch, fabs(a->cur[j] - a->orig[j]) / a->rad[j]);
    }
    return ch;
}

/* Attacks one row.  Returns 1 when the decision flipped (v holds the
 * attack, *change its size, *score its first output, *d1 its decision),
 * 0 when not, -1 when the scorer failed
 * (why says how). */
static int attack(search_ctx *x, const mg_row *row, adv_variant *v, const double *base, int d0,
                  double *change, double *score, int *d1, char *why, size_t wsize)
{
    size_t nb = x->nb;
    attack_state a = {.x = x, .row = row, .v = v, .d0 = d0, .why = why, .wsize = wsize};
    a.orig = mg_xcalloc(nb, sizeof *a.orig);
    a.rad = mg_xcalloc(nb, sizeof *a.rad);
    a.cur = mg_xcalloc(nb, sizeof *a.cur);
    a.cat = mg_xcalloc(nb, sizeof *a.cat);
    a.catbuf = mg_xcalloc(nb, sizeof *a.catbuf);
    a.out = mg_xcalloc(x->k, sizeof *a.out);
    size_t *visit = mg_xcalloc(nb, sizeof *visit);
    for (size_t j = 0; j < nb; j++) {
        long col = x->s->f[x->b[j].feature].column;
        a.cat[j] = -1;
        if (!x->b[j].values && mg_value_to_double(&row->values[col], &a.orig[j]) == 0 && isfinite(a.orig[j]))
            a.rad[j] = adv_bound_radius(&x->b[j], a.orig[j]);
        a.cur[j] = a.orig[j];
        visit[j] = j;
    }
    double m0 = margin(x->task, base, x->k, d0, x->threshold);
    int result = 0;
    while (a.used < x->budget && result == 0) {
        /* Seeded visiting order. */
        for (size_t j = nb; j > 1; j--) {
            size_t t = (size_t)mg_rng_below(x->rng, j), tmp = visit[j - 1];
            visit[j - 1] = visit[t];
            visit[t] = tmp;
        }
        attack_move best = {.margin = m0, .j = -1, .cat = -1};
        for (size_t q = 0; q < nb && a.used < x->budget && result == 0; q++)
            result = try_moves(&a, visit[q], &best);
        if (result != 0 || best.j < 0)
            break; /* the scorer failed, or no move helps: a local optimum */
        apply_move(&a, &best);
        m0 = best.margin;
        if (m0 <= 0)
            result = 1;
    }
    x->queries += a.used;
    if (result == 1) {
        /* Re-score the final point for the report. */
        adv_score(x->c->env->model, x->c->env->binding, &v->row, row, a.out, why, wsize);
        *score = a.out[0];
        *d1 = adv_decision(x->task, a.out, x->k, x->threshold);
        *change = attack_change(&a);
    }
    free(a.orig);
    free(a.rad);
    free(a.cur);
    free(a.cat);
    free(a.catbuf);
    free(a.out);
    free(visit);
    return result;
}

/* Records a flipped row: an example and a candidate case expecting the
 * row's original decision. */
static void srch_found(search_ctx *x, adv_trial *t, int d0, int d1, double change, double score)
{
    x->found++;
    x->change_sum += change;
    x->change_min = fmin(x->change_min, change);
    json_t *in = adv_row_input(x->s->f, x->s->nf, &t->v->row);
    char cid[128], note[256];
    snprintf(cid, sizeof cid, "attack-%s", t->rid);
    snprintf(note, sizeof note, "adversarial_search (seed %llu): a change of %.3g of the allowed "
                                "radius flips the decision %d -> %d; expected: the original decision",
             (unsigned long long)x->s->seed, change, d0, d1);
    json_t *expect = json_pack("{s:i}", "label", d0);
    char *line = adv_case_line(cid, in, expect, "adversarial", note);
    json_array_append_new(x->cands, json_string(line));
    adv_example(x->c, t->row, line, "%s: score %.6g -> %.6g flips the decision with a change of %.3g of the "
                                    "allowed radius",
                t->rid, t->base[0], score, change);
    free(line);
    json_decref(expect);
    json_decref(in);
}

/* Searches one row for a change that flips its decision. */
static int srch_vary(adv_trial *t, void *ctx)
{
    search_ctx *x = ctx;
    x->rng = t->rng;
    int d0 = adv_decision(x->task, t->base, x->k, x->threshold);
    double change = 0, score = 0;
    int d1 = d0;
    uint64_t queries_before = x->queries;
    int got = attack(x, t->row, t->v, t->base, d0, &change, &score, &d1, t->why, sizeof t->why);
    /* A row none of whose bounded values could be varied (text under a
     * numeric bound) was not searched: it must not count as resisting. */
    x->attacked += got != 0 || x->queries > queries_before;
    if (got < 0) {
        x->broken++;
        if (!x->s->broke && strstr(t->why, "score is") != t->why)
            x->s->broke = mg_xstrdup(t->why);
        adv_example(x->c, t->row, NULL, "the scorer failed during the search: %s", t->why);
    } else if (got > 0) {
        srch_found(x, t, d0, d1, change, score);
    }
    return 0;
}

/* Fails on a scorer failure or a success rate over max_success_rate. */
static void srch_judge(mg_check *c, const search_ctx *x)
{
    mg_result *res = c->result;
    double max_rate = mg_check_opt_number(c, "max_success_rate");
    double rate = x->attacked ? (double)x->found / (double)x->attacked : 0;
    res->status = (x->broken || rate > max_rate) ? MG_STATUS_FAIL : MG_STATUS_PASS;
    if (x->attacked == 0) {
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "nothing could be tried: no sampled row could be scored and varied");
    } else if (x->broken) {
        mg_result_set_message(res, "the scorer failed on %llu of %llu searched rows", (unsigned long long)x->broken,
                              (unsigned long long)x->attacked);
    } else {
        mg_result_set_message(res, "%llu of %llu rows flipped within a budget of %llu queries (success rate %.4g) %s "
                                   "max_success_rate %g",
                              (unsigned long long)x->found, (unsigned long long)x->attacked,
                              (unsigned long long)x->budget, rate, rate > max_rate ? "exceeds" : "within", max_rate);
    }
    mg_result_prop_number(res, "rows_attacked", (double)x->attacked);
    mg_result_prop_number(res, "successes", (double)x->found);
    mg_result_prop_number(res, "success_rate", rate);
    mg_result_prop_number(res, "max_success_rate", max_rate);
    mg_result_prop_number(res, "budget", (double)x->budget);
    mg_result_prop_number(res, "steps", (double)x->steps);
    mg_result_prop_number(res, "queries", (double)x->queries);
    if (x->task == MG_TASK_BINARY)
        mg_result_prop_number(res, "decision_threshold", x->threshold);
    if (x->found) {
        mg_result_prop_number(res, "smallest_change", x->change_min);
        mg_result_prop_number(res, "mean_change", x->change_sum / (double)x->found);
    }
}

/* Writes every attack found to the "candidates" file (atomically), when the
 * spec names one. */
static void srch_write_candidates(mg_check *c, const json_t *cands)
{
    if (!mg_check_opt_given(c, "candidates"))
        return;
    mg_result *res = c->result;
    const char *p = mg_check_opt_string(c, "candidates");
    char *path = p[0] == '/' || !c->env->spec_dir ? mg_xstrdup(p) : mg_xasprintf("%s/%s", c->env->spec_dir, p);
    mg_atomic_file af;
    mg_error err = {{0}};
    int ok = mg_mkdirs_for(path, &err) == 0 && mg_atomic_open(&af, path, &err) == 0;
    if (ok) {
        for (size_t i = 0; i < json_array_size(cands); i++)
            fprintf(af.fp, "%s\n", json_string_value(json_array_get(cands, i)));
        ok = mg_atomic_commit(&af, &err) == 0;
    }
    if (ok) {
        mg_result_prop_text(res, "candidates", path);
    } else {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "cannot write the candidate cases: %s", err.msg);
    }
    free(path);
}

static void srch_finish(mg_check *c)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    mg_result *res = c->result;
    mg_model *m = c->env->model;
    search_ctx x = {.c = c, .s = s, .task = mg_model_get_task(m), .k = mg_model_noutputs(m)};
    if (x.task == MG_TASK_REGRESSION) {
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "a regression model has no decision to flip; use 'robustness' with max_score_change");
        return;
    }
    char msg[1024];
    x.b = adv_bounds_parse(json_object_get(c->options, "features"), s->f, s->nf, &x.nb, msg, sizeof msg);
    if (!x.b) {
        res->status = MG_STATUS_ERROR;
        mg_result_set_message(res, "%s", msg);
        return;
    }
    x.threshold = mg_check_opt_number(c, "threshold");
    x.budget = mg_check_opt_count(c, "budget");
    x.steps = mg_check_opt_count(c, "steps");
    if (x.steps < 1)
        x.steps = 1;
    x.change_min = INFINITY;
    x.cands = json_array();
    adv_for_each_scored_row(c, s, srch_vary, &x);
    srch_judge(c, &x);
    srch_write_candidates(c, x.cands);
    json_decref(x.cands);
    adv_end(c);
    free(x.b);
}

const mg_check_def mg_check_adversarial_search = {
    .name = "adversarial_search", .group = "adversarial", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "seeded greedy search for the smallest bounded change that flips a row's decision",
    .validate = srch_validate, .begin = adv_begin, .row = adv_row, .finish = srch_finish, .free_state = adv_free,
    .save = adv_save, .merge = adv_merge,
};
