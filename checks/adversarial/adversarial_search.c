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

static int srch_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "features";
    if (!json_object_get(o, "features")) {
        snprintf(msg, size, "missing \"features\": the bounds of the search, e.g. {\"amount\": {\"rel\": 0.1}}");
        return -1;
    }
    if (adv_bounds_validate(json_object_get(o, "features"), msg, size) != 0)
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
    mg_rng rng;
    uint64_t queries;
} search_ctx;

/* Attacks one row.  Returns 1 when the decision flipped (v holds the
 * attack, *change its size, *score its first output, *d1 its decision),
 * 0 when not, -1 when the scorer failed
 * (why says how). */
static int attack(search_ctx *x, const mg_row *row, adv_variant *v, const double *base, int d0,
                  double *change, double *score, int *d1, char *why, size_t wsize)
{
    mg_model *m = x->c->env->model;
    const mg_binding *bind = x->c->env->binding;
    size_t nb = x->nb;
    double *orig = mg_xcalloc(nb, sizeof *orig), *rad = mg_xcalloc(nb, sizeof *rad);
    double *cur = mg_xcalloc(nb, sizeof *cur);
    long *cat = mg_xcalloc(nb, sizeof *cat); /* categorical: index of the current value, -1 original */
    size_t *visit = mg_xcalloc(nb, sizeof *visit);
    double *out = mg_xcalloc(x->k, sizeof *out);
    char (*catbuf)[40] = mg_xcalloc(nb, sizeof *catbuf);
    for (size_t j = 0; j < nb; j++) {
        long col = x->s->f[x->b[j].feature].column;
        cat[j] = -1;
        if (!x->b[j].values && mg_value_to_double(&row->values[col], &orig[j]) == 0 && isfinite(orig[j]))
            rad[j] = adv_bound_radius(&x->b[j], orig[j]);
        cur[j] = orig[j];
        visit[j] = j;
    }
    double m0 = margin(x->task, base, x->k, d0, x->threshold);
    uint64_t used = 0;
    int result = 0;
    while (used < x->budget && result == 0) {
        /* Seeded visiting order. */
        for (size_t j = nb; j > 1; j--) {
            size_t t = (size_t)mg_rng_below(&x->rng, j), tmp = visit[j - 1];
            visit[j - 1] = visit[t];
            visit[t] = tmp;
        }
        double best = m0, best_val = 0;
        long best_j = -1, best_cat = -1;
        for (size_t q = 0; q < nb && used < x->budget && result == 0; q++) {
            size_t j = visit[q];
            long col = x->s->f[x->b[j].feature].column;
            size_t ncand = x->b[j].values ? json_array_size(x->b[j].values) : (rad[j] > 0 ? 2 : 0);
            for (size_t a = 0; a < ncand && used < x->budget; a++) {
                double val = 0;
                if (x->b[j].values) {
                    if ((long)a == cat[j])
                        continue;
                    mg_value mv = adv_json_as_value(json_array_get(x->b[j].values, a), catbuf[j], 40);
                    adv_variant_set(v, (size_t)col, mv);
                } else {
                    double step = rad[j] / (double)x->steps;
                    val = cur[j] + (a == 0 ? step : -step);
                    if (val > orig[j] + rad[j] || val < orig[j] - rad[j])
                        continue;
                    val = adv_bound_clamp(&x->b[j], val);
                    if (val == cur[j])
                        continue;
                    adv_variant_set_number(v, (size_t)col, val);
                }
                used++;
                adv_outcome o = adv_score(m, bind, &v->row, row, out, why, wsize);
                if (o == ADV_NONFINITE || o == ADV_BROKEN) {
                    if (o == ADV_NONFINITE)
                        snprintf(why, wsize, "the score is %g", out[0]);
                    result = -1;
                    break;
                }
                if (o == ADV_SCORED) {
                    double mm = margin(x->task, out, x->k, d0, x->threshold);
                    if (mm < best) {
                        best = mm;
                        best_j = (long)j;
                        best_val = val;
                        best_cat = (long)a;
                    }
                }
                /* Back to the current point before the next candidate. */
                if (x->b[j].values) {
                    if (cat[j] < 0)
                        adv_variant_reset(v, row, (size_t)col);
                    else
                        adv_variant_set(v, (size_t)col,
                                        adv_json_as_value(json_array_get(x->b[j].values, (size_t)cat[j]),
                                                          catbuf[j], 40));
                } else if (cur[j] == orig[j]) {
                    adv_variant_reset(v, row, (size_t)col);
                } else {
                    adv_variant_set_number(v, (size_t)col, cur[j]);
                }
            }
        }
        if (result != 0 || best_j < 0)
            break; /* the scorer failed, or no move helps: a local optimum */
        long col = x->s->f[x->b[best_j].feature].column;
        if (x->b[best_j].values) {
            cat[best_j] = best_cat;
            adv_variant_set(v, (size_t)col,
                            adv_json_as_value(json_array_get(x->b[best_j].values, (size_t)best_cat),
                                              catbuf[best_j], 40));
        } else {
            cur[best_j] = best_val;
            adv_variant_set_number(v, (size_t)col, best_val);
        }
        m0 = best;
        if (m0 <= 0)
            result = 1;
    }
    x->queries += used;
    if (result == 1) {
        /* Re-score the final point for the report. */
        adv_score(m, bind, &v->row, row, out, why, wsize);
        *score = out[0];
        *d1 = adv_decision(x->task, out, x->k, x->threshold);
        double ch = 0;
        for (size_t j = 0; j < nb; j++) {
            if (x->b[j].values)
                ch = fmax(ch, cat[j] >= 0 ? 1.0 : 0.0);
            else if (rad[j] > 0)
                ch = fmax(ch, fabs(cur[j] - orig[j]) / rad[j]);
        }
        *change = ch;
    }
    free(orig);
    free(rad);
    free(cur);
    free(cat);
    free(visit);
    free(out);
    free(catbuf);
    return result;
}

static void srch_finish(mg_check *c)
{
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    mg_result *res = c->result;
    mg_model *m = c->env->model;
    search_ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.s = s;
    x.task = mg_model_get_task(m);
    x.k = mg_model_noutputs(m);
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
    double max_rate = mg_check_opt_number(c, "max_success_rate");
    mg_rng_seed(&x.rng, s->seed);
    double *base = mg_xcalloc(x.k, sizeof *base);
    uint64_t attacked = 0, found = 0, broken = 0;
    double change_sum = 0, change_min = INFINITY;
    json_t *cands = json_array();
    char why[1024], rid[80];
    for (size_t r = 0; r < s->sample.n && !s->broke; r++) {
        const mg_row *row = s->sample.rows[r];
        int sb = adv_score_base(c, s, row, base);
        if (sb < 0)
            break; /* the scorer broke */
        if (sb == 0)
            continue; /* only rows the model scores are varied */
        int d0 = adv_decision(x.task, base, x.k, x.threshold);
        adv_variant v;
        adv_variant_init(&v, row);
        double change = 0, score = 0;
        int d1 = d0;
        uint64_t queries_before = x.queries;
        int got = attack(&x, row, &v, base, d0, &change, &score, &d1, why, sizeof why);
        /* A row none of whose bounded values could be varied (text under a
         * numeric bound) was not searched: it must not count as resisting. */
        attacked += got != 0 || x.queries > queries_before;
        if (got < 0) {
            broken++;
            if (!s->broke && strstr(why, "score is") != why)
                s->broke = mg_xstrdup(why);
            adv_example(c, row, NULL, "the scorer failed during the search: %s", why);
        } else if (got > 0) {
            found++;
            change_sum += change;
            change_min = fmin(change_min, change);
            json_t *in = adv_row_input(s->f, s->nf, &v.row);
            char cid[128], note[256];
            snprintf(cid, sizeof cid, "attack-%s", adv_row_id(c->env, row, rid, sizeof rid));
            snprintf(note, sizeof note, "adversarial_search (seed %llu): a change of %.3g of the allowed "
                                        "radius flips the decision %d -> %d; expected: the original decision",
                     (unsigned long long)s->seed, change, d0, d1);
            json_t *expect = json_pack("{s:i}", "label", d0);
            char *line = adv_case_line(cid, in, expect, "adversarial", note);
            json_array_append_new(cands, json_string(line));
            adv_example(c, row, line, "%s: score %.6g -> %.6g flips the decision with a change of %.3g of the "
                                      "allowed radius",
                        rid, base[0], score, change);
            free(line);
            json_decref(expect);
            json_decref(in);
        }
        adv_variant_free(&v);
    }
    double rate = attacked ? (double)found / (double)attacked : 0;
    res->status = (broken || rate > max_rate) ? MG_STATUS_FAIL : MG_STATUS_PASS;
    if (attacked == 0) {
        res->status = MG_STATUS_SKIP;
        mg_result_set_message(res, "nothing could be tried: no sampled row could be scored and varied");
    } else if (broken) {
        mg_result_set_message(res, "the scorer failed on %llu of %llu searched rows", (unsigned long long)broken,
                              (unsigned long long)attacked);
    } else {
        mg_result_set_message(res, "%llu of %llu rows flipped within a budget of %llu queries (success rate %.4g) %s "
                                   "max_success_rate %g",
                              (unsigned long long)found, (unsigned long long)attacked,
                              (unsigned long long)x.budget, rate, rate > max_rate ? "exceeds" : "within", max_rate);
    }
    mg_result_prop_number(res, "rows_attacked", (double)attacked);
    mg_result_prop_number(res, "successes", (double)found);
    mg_result_prop_number(res, "success_rate", rate);
    mg_result_prop_number(res, "max_success_rate", max_rate);
    mg_result_prop_number(res, "budget", (double)x.budget);
    mg_result_prop_number(res, "steps", (double)x.steps);
    mg_result_prop_number(res, "queries", (double)x.queries);
    if (x.task == MG_TASK_BINARY)
        mg_result_prop_number(res, "decision_threshold", x.threshold);
    if (found) {
        mg_result_prop_number(res, "smallest_change", change_min);
        mg_result_prop_number(res, "mean_change", change_sum / (double)found);
    }
    if (mg_check_opt_given(c, "candidates")) {
        const char *p = mg_check_opt_string(c, "candidates");
        char *path = p[0] == '/' || !c->env->spec_dir ? mg_xstrdup(p)
                                                      : mg_xasprintf("%s/%s", c->env->spec_dir, p);
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
    json_decref(cands);
    adv_end(c);
    free(base);
    free(x.b);
}

static const mg_opt_def srch_options[] = {
    ADV_OPT_BOUNDS("how far each feature may move"),
    ADV_OPT_SAMPLE(20),
    ADV_OPT_SEED,
    {.key = "budget", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(100), .help = "model queries per row"},
    {.key = "steps", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10), .help = "a numeric step is the feature's bound / steps"},
    {.key = "threshold", .kind = MG_OPT_NUMBER, .def = MG_DEFAULT(0.5),
     .help = "binary decision threshold (multiclass: the argmax)"},
    {.key = "max_success_rate", .kind = MG_OPT_RATE, .def = MG_DEFAULT(0),
     .help = "the largest fraction of searched rows flipped that passes"},
    {.key = "candidates", .kind = MG_OPT_STRING, .when_absent = "not written",
     .help = "a file (relative to the spec) that receives every attack found, as fixture cases"},
    {.key = NULL},
};

const mg_check_def mg_check_adversarial_search = {
    .name = "adversarial_search",
    .group = "adversarial",
    .summary = "seeded greedy search for the smallest bounded change that flips a row's decision",
    .options = srch_options,
    .needs = MG_NEEDS_SCORES,
    .validate = srch_validate,
    .begin = adv_begin,
    .row = adv_row,
    .finish = srch_finish,
    .free_state = adv_free,
};
