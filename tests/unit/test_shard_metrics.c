/*
 * Unit tests for the metric checks' sharded state (issue 12): each check
 * def (metric with slices and a champion, all_metrics, champion) is driven
 * directly, as the runner does: one instance reads every row of a data
 * file; other instances read it split in 2, 3 and 7 contiguous parts (and
 * unevenly: an empty part, a part of one row), and their states go through
 * save -> JSON text -> load -> merge into a fresh, begun instance, shard
 * after shard.  Both are finished and their results
 * (status, message, every property bit for bit, examples, slices) must be
 * the same.  The rows' scores carry full 53-bit significands, so summing
 * per-shard partials would change the last bits (checked), and labels,
 * scores and slice values are missing here and there, so unusable rows and
 * examples cross shard boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/check_state.h"
#include "checks/stats/stats.h"
#include "common/xmem.h"
#include "sources/source.h"
#include "support/tmpfiles.h"

#define ROWS 700

/* ------------------------------------------------------------------ */
/* The data: one CSV with the columns every task needs.                */

static double uniform(mg_rng *r)
{
    return (double)(mg_rng_next(r) >> 11) * 0x1p-53;
}

static void append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    *buf = mg_xgrow(*buf, cap, *len + (size_t)n + 1, 1);
    memcpy(*buf + *len, line, (size_t)n + 1);
    *len += (size_t)n;
}

/* Every 41st row has no candidate score (unscored), every 47th no
 * champion score, every 53rd an unreadable label, every 37th age is not a
 * number; every 5th binary score is rounded to 0.1 (ties for the rank
 * metrics). */
static const char *write_data(void)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    append(&buf, &len, &cap, "id,segment,age,label,score,champ,target,pred,cpred,cls,p0,p1,p2,c0,c1,c2\n");
    mg_rng r;
    mg_rng_seed(&r, 2026);
    for (size_t i = 0; i < ROWS; i++) {
        double s = uniform(&r);
        if (i % 5 == 0)
            s = round(s * 10) / 10;
        int y = uniform(&r) < s;
        double ch = s + 0.3 * (uniform(&r) - 0.5);
        ch = ch < 0 ? 0 : ch > 1 ? 1 : ch;
        double target = 1000 + 100 * uniform(&r);
        double pred = target + 5 * (uniform(&r) - 0.5), cpred = target + 7 * (uniform(&r) - 0.5);
        double p[3], c[3], ps = 0, cs = 0;
        for (int k = 0; k < 3; k++) {
            p[k] = uniform(&r) + 0.01;
            c[k] = uniform(&r) + 0.01;
            ps += p[k];
            cs += c[k];
        }
        int cls = uniform(&r) < 0.6 ? (int)(i % 3) : (int)(mg_rng_next(&r) % 3);
        char age[32], label[8], score[32], champ[32], pr[32], p0[32];
        snprintf(age, sizeof age, i % 37 == 3 ? "n/a" : "%.1f", 18 + 60 * uniform(&r));
        snprintf(label, sizeof label, i % 53 == 7 ? "x" : "%d", y);
        snprintf(score, sizeof score, i % 41 == 5 ? "" : "%.17g", s);
        snprintf(pr, sizeof pr, i % 41 == 5 ? "" : "%.17g", pred);
        snprintf(p0, sizeof p0, i % 41 == 5 ? "" : "%.17g", p[0] / ps);
        snprintf(champ, sizeof champ, i % 47 == 9 ? "" : "%.17g", ch);
        append(&buf, &len, &cap, "%zu,%c,%s,%s,%s,%s,%.17g,%s,%.17g,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g\n", i,
               "abcd"[i % 4], age, label, score, champ, target, pr, cpred, i % 53 == 7 ? "x" : (char[2]){(char)('0' + cls), 0},
               p0, p[1] / ps, p[2] / ps, c[0] / cs, c[1] / cs, c[2] / cs);
    }
    const char *path = tu_write("shard_metrics.csv", buf);
    free(buf);
    return path;
}

/* ------------------------------------------------------------------ */
/* A check instance as the runner makes one.                            */

typedef struct scenario {
    mg_model_task task;
    size_t nscores;
    const char *label;       /* the label column */
    const char *score[3];    /* the candidate's score columns */
    const char *champion[3]; /* the champion's, or NULL */
} scenario;

static const scenario binary = {MG_TASK_BINARY, 1, "label", {"score"}, {"champ"}};
static const scenario regression = {MG_TASK_REGRESSION, 1, "target", {"pred"}, {"cpred"}};
static const scenario multiclass = {MG_TASK_MULTICLASS, 3, "cls", {"p0", "p1", "p2"}, {"c0", "c1", "c2"}};

typedef struct instance {
    mg_report *report;
    mg_check_env env;
    mg_check c;
} instance;

static void instance_begin(instance *in, const scenario *sc, mg_source *src, const char *path, json_t *options)
{
    memset(in, 0, sizeof *in);
    in->report = mg_report_new();
    mg_check_env *env = &in->env;
    env->data_path = path;
    env->source = src;
    for (int r = 0; r < MG_ROLE_COUNT; r++)
        env->role_column[r] = -1;
    env->role_name[MG_ROLE_LABEL] = sc->label;
    env->role_column[MG_ROLE_LABEL] = mg_source_column_index(src, sc->label);
    env->examples = 20; /* more than the first of 7 shards holds */
    env->score_task = (int)sc->task;
    env->nscores = sc->nscores;
    env->score_source = "column 'score'";
    env->has_champion = sc->champion[0] != NULL;
    env->champion_source = "column 'champ'";
    env->report = in->report;
    mg_check *c = &in->c;
    c->def = mg_check_find(json_string_value(json_object_get(options, "check")));
    assert_non_null(c->def);
    c->name = json_string_value(json_object_get(options, "check"));
    c->options = options;
    c->env = env;
    const json_t *mc = json_object_get(options, "max_count");
    c->has_max_count = mc != NULL;
    c->max_count = mc ? (uint64_t)json_integer_value(mc) : 0;
    c->result = mg_report_add(in->report, c->def->group, c->name, c->def->name);
    c->def->begin(c);
}

static void instance_free(instance *in)
{
    if (in->c.def->free_state)
        in->c.def->free_state(&in->c);
    mg_report_free(in->report);
}

/* Reads the scores named by cols from the row; NULL when one is empty. */
static const double *row_scores(const mg_row *row, mg_source *src, const char *const *cols, size_t n, double *out)
{
    for (size_t k = 0; k < n; k++) {
        const mg_value *v = &row->values[mg_source_column_index(src, cols[k])];
        if (v->len == 0)
            return NULL;
        out[k] = strtod(v->text, NULL);
    }
    return out;
}

static void feed(instance *in, const scenario *sc, mg_source *src, const mg_row *row)
{
    double s[3], ch[3];
    char why[256];
    snprintf(why, sizeof why, "%s:%lu: the model could not score this row", in->env.data_path, row->line);
    mg_scored scored = {row_scores(row, src, sc->score, sc->nscores, s), why, NULL, "no champion score"};
    if (scored.scores)
        scored.why = NULL;
    if (sc->champion[0])
        scored.champion = row_scores(row, src, sc->champion, sc->nscores, ch);
    in->c.rows++;
    in->c.def->scored(&in->c, row, &scored);
}

/* ------------------------------------------------------------------ */
/* Comparison of two finished instances' reports.                       */

static void assert_same_results(const mg_result *a, const mg_result *b, const char *what)
{
    if (strcmp(a->name, b->name) != 0 || a->status != b->status)
        fail_msg("%s: '%s' %s vs '%s' %s", what, a->name, mg_status_name(a->status), b->name,
                 mg_status_name(b->status));
    if ((a->message == NULL) != (b->message == NULL) || (a->message && strcmp(a->message, b->message) != 0))
        fail_msg("%s: '%s' message\n  one run: %s\n  merged:  %s", what, a->name, a->message, b->message);
    if (a->nprops != b->nprops)
        fail_msg("%s: '%s' has %zu properties vs %zu", what, a->name, a->nprops, b->nprops);
    for (size_t i = 0; i < a->nprops; i++) {
        const mg_prop *p = &a->props[i], *q = &b->props[i];
        int same = strcmp(p->key, q->key) == 0 && p->is_number == q->is_number &&
                   (p->is_number ? memcmp(&p->number, &q->number, sizeof p->number) == 0
                                 : strcmp(p->text, q->text) == 0);
        if (!same)
            fail_msg("%s: '%s' property %s: %.17g '%s' vs %s: %.17g '%s'", what, a->name, p->key,
                     p->is_number ? p->number : 0, p->is_number ? "" : p->text, q->key,
                     q->is_number ? q->number : 0, q->is_number ? "" : q->text);
    }
    if (a->nexamples != b->nexamples || a->examples_total != b->examples_total)
        fail_msg("%s: '%s' examples %zu of %llu vs %zu of %llu", what, a->name, a->nexamples,
                 (unsigned long long)a->examples_total, b->nexamples, (unsigned long long)b->examples_total);
    for (size_t i = 0; i < a->nexamples; i++)
        if (strcmp(a->examples[i], b->examples[i]) != 0)
            fail_msg("%s: '%s' example %zu: '%s' vs '%s'", what, a->name, i, a->examples[i], b->examples[i]);
}

static void assert_same_reports(const mg_report *a, const mg_report *b, const char *what)
{
    if (a->nresults != b->nresults)
        fail_msg("%s: %zu results vs %zu", what, a->nresults, b->nresults);
    for (size_t i = 0; i < a->nresults; i++)
        assert_same_results(a->results[i], b->results[i], what);
}

/* Saves a part's state, through its JSON text, into the merging instance. */
static void merge_part(instance *merged, const instance *part)
{
    json_t *saved = mg_check_state_save(&part->c);
    char *text = json_dumps(saved, JSON_COMPACT);
    json_t *loaded = json_loads(text, 0, NULL);
    assert_non_null(loaded);
    char msg[512] = "";
    if (mg_check_state_merge(&merged->c, loaded, msg, sizeof msg) != 0)
        fail_msg("merge of '%s' failed: %s", merged->c.name, msg);
    merged->c.rows += part->c.rows;
    json_decref(saved);
    json_decref(loaded);
    free(text);
}

/*
 * Runs check `options` once over the whole file and as contiguous shards
 * cut before the rows cut[0..ncuts) (ascending; a shard may be empty),
 * merged, and compares.  Returns the one run's report (the caller frees
 * it) for further assertions.
 */
static mg_report *run_split(const scenario *sc, const char *options_text, const size_t *cut, size_t ncuts)
{
    const char *path = write_data();
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, NULL, &err);
    assert_non_null(src);
    json_t *options = json_loads(options_text, 0, NULL);
    assert_non_null(options);
    size_t parts = ncuts + 1;
    instance one, merged, part[8];
    assert_true(parts <= 8);
    instance_begin(&one, sc, src, path, options);
    instance_begin(&merged, sc, src, path, options);
    for (size_t k = 0; k < parts; k++)
        instance_begin(&part[k], sc, src, path, options);
    mg_row row;
    size_t i = 0;
    while (mg_source_next(src, &row, &err) == MG_SOURCE_ROW) {
        size_t k = 0;
        while (k < ncuts && cut[k] <= i)
            k++;
        feed(&one, sc, src, &row);
        feed(&part[k], sc, src, &row);
        i++;
    }
    assert_int_equal(i, ROWS);
    for (size_t k = 0; k < parts; k++)
        merge_part(&merged, &part[k]);
    one.c.def->finish(&one.c);
    merged.c.def->finish(&merged.c);
    char what[600];
    snprintf(what, sizeof what, "%s in %zu shards (first cut at row %zu)", options_text, parts, cut[0]);
    assert_same_reports(one.report, merged.report, what);
    mg_report *report = one.report;
    one.report = NULL;
    instance_free(&one);
    instance_free(&merged);
    for (size_t k = 0; k < parts; k++)
        instance_free(&part[k]);
    json_decref(options);
    mg_source_free(src);
    return report;
}

/* Runs the check in 2, 3 and 7 even shards, and in 3 uneven ones (an
 * empty first shard, one of a single row); returns the one run's report. */
static mg_report *run_splits(const scenario *sc, const char *options)
{
    static const size_t two[] = {ROWS / 2}, three[] = {ROWS / 3, 2 * ROWS / 3},
                        seven[] = {ROWS / 7, 2 * ROWS / 7, 3 * ROWS / 7, 4 * ROWS / 7, 5 * ROWS / 7, 6 * ROWS / 7},
                        empty_first[] = {0, 350}, single_rows[] = {1, ROWS - 1};
    static const struct {
        const size_t *cut;
        size_t n;
    } splits[] = {{two, 1}, {three, 2}, {seven, 6}, {empty_first, 2}, {single_rows, 2}};
    mg_report *report = NULL;
    for (size_t i = 0; i < sizeof splits / sizeof *splits; i++) {
        mg_report_free(report);
        report = run_split(sc, options, splits[i].cut, splits[i].n);
    }
    return report;
}

static const mg_result *result_named(const mg_report *r, const char *name)
{
    for (size_t i = 0; i < r->nresults; i++)
        if (strcmp(r->results[i]->name, name) == 0)
            return r->results[i];
    fail_msg("no result '%s'", name);
    return NULL;
}

static double prop(const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    if (!p || !p->is_number)
        fail_msg("'%s' has no number '%s' (%s)", res->name, key, res->message ? res->message : "");
    return p->number;
}

/* ------------------------------------------------------------------ */
/* Tests                                                                 */

/* The data makes the naive merge wrong: the Brier terms summed per shard
 * and then added differ in the last bits from one running sum. */
static void test_shard_naive_partial_sums_differ(void **state)
{
    (void)state;
    const char *path = write_data();
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, NULL, &err);
    assert_non_null(src);
    double one = 0, part[3] = {0, 0, 0};
    mg_row row;
    size_t i = 0;
    while (mg_source_next(src, &row, &err) == MG_SOURCE_ROW) {
        const mg_value *y = &row.values[mg_source_column_index(src, "label")];
        const mg_value *s = &row.values[mg_source_column_index(src, "score")];
        if (s->len && strcmp(y->text, "x") != 0) {
            double d = strtod(y->text, NULL) - strtod(s->text, NULL);
            one += d * d;
            part[i * 3 / ROWS] += d * d;
        }
        i++;
    }
    mg_source_free(src);
    assert_true(one != (part[0] + part[1]) + part[2]);
}

static void test_shard_binary_metric_with_slices_and_champion(void **state)
{
    (void)state;
    mg_report *r = run_splits(&binary, "{\"check\": \"metric\", \"metric\": \"brier\", \"max_increase\": 0.5,"
                                       " \"significance\": 0.05, \"resamples\": 200, \"slice_by\": \"segment\"}");
    const mg_result *res = result_named(r, "metric");
    /* The interval and the slices were computed, on the usable rows. */
    assert_true(prop(res, "ci_lower") < prop(res, "ci_upper"));
    assert_true(prop(res, "unusable_rows") > 20);
    assert_true(res->nexamples == 20);
    assert_true(prop(result_named(r, "metric [segment=c]"), "n") > 100);
    mg_report_free(r);
}

static void test_shard_rank_metrics_with_binned_slices(void **state)
{
    (void)state;
    mg_report *r = run_splits(&binary, "{\"check\": \"metric\", \"metric\": \"roc_auc\", \"min\": 0.5, \"max_drop\": 0.1,"
                                       " \"resamples\": 200, \"slice_by\": \"age\", \"slice_bins\": [30, 50]}");
    assert_true(prop(result_named(r, "metric"), "value") > 0.6);
    assert_int_equal(result_named(r, "metric [age=(not a number)]")->status, MG_STATUS_ERROR);
    assert_true(prop(result_named(r, "metric [age=[30, 50)]"), "n") > 50);
    mg_report_free(r);
    r = run_splits(&binary, "{\"check\": \"metric\", \"metric\": \"average_precision\", \"resamples\": 100,"
                            " \"max_count\": 100}");
    assert_int_equal(result_named(r, "metric")->status, MG_STATUS_PASS);
    mg_report_free(r);
    r = run_splits(&binary, "{\"check\": \"metric\", \"metric\": \"log_loss\", \"slice_by\": \"segment\","
                            " \"max_slices\": 2}");
    assert_int_equal(result_named(r, "metric [segment]")->status, MG_STATUS_ERROR); /* too many slices */
    mg_report_free(r);
}

static void test_shard_all_metrics_every_task(void **state)
{
    (void)state;
    mg_report *r = run_splits(&binary, "{\"check\": \"all_metrics\"}");
    const mg_result *res = result_named(r, "all_metrics");
    assert_true(prop(res, "metric.ece") > 0 && prop(res, "metric.log_loss") > 0);
    mg_report_free(r);
    r = run_splits(&regression, "{\"check\": \"all_metrics\"}");
    assert_true(prop(result_named(r, "all_metrics"), "metric.r2") > 0.9);
    mg_report_free(r);
    r = run_splits(&multiclass, "{\"check\": \"all_metrics\"}");
    assert_true(prop(result_named(r, "all_metrics"), "metric.f1_macro") > 0);
    mg_report_free(r);
}

static void test_shard_regression_and_multiclass_against_champion(void **state)
{
    (void)state;
    mg_report *r = run_splits(&regression, "{\"check\": \"metric\", \"metric\": \"r2\", \"max_drop\": 0.5,"
                                           " \"resamples\": 100, \"slice_by\": \"segment\"}");
    assert_true(prop(result_named(r, "metric"), "paired_rows") > 600);
    mg_report_free(r);
    r = run_splits(&multiclass, "{\"check\": \"metric\", \"metric\": \"log_loss\", \"max_increase\": 1,"
                                " \"resamples\": 100}");
    assert_true(prop(result_named(r, "metric"), "resamples_used") == 100);
    mg_report_free(r);
}

static void test_shard_champion_flips(void **state)
{
    (void)state;
    mg_report *r = run_splits(&binary, "{\"check\": \"champion\"}");
    assert_true(prop(result_named(r, "champion"), "right_to_wrong") > 10);
    mg_report_free(r);
    r = run_splits(&binary, "{\"check\": \"champion\", \"mode\": \"strict\", \"max_count\": 1000}");
    const mg_result *ch = result_named(r, "champion");
    assert_true(ch->nexamples >= 10 && ch->nexamples == (size_t)fmin(20, prop(ch, "right_to_wrong")));
    mg_report_free(r);
    r = run_splits(&multiclass, "{\"check\": \"champion\"}");
    assert_true(prop(result_named(r, "champion"), "both_right") > 10);
    mg_report_free(r);
}

/* A check that cannot run (a binary metric on a regression model) saves
 * only that, and the merge reports the same error. */
static void test_shard_check_that_cannot_run(void **state)
{
    (void)state;
    mg_report *r = run_splits(&regression, "{\"check\": \"metric\", \"metric\": \"roc_auc\", \"min\": 0.5}");
    const mg_result *res = result_named(r, "metric");
    assert_int_equal(res->status, MG_STATUS_ERROR);
    assert_non_null(strstr(res->message, "does not apply to a regression model"));
    mg_report_free(r);
}

/* The interval depends on the rows, not on where they sit among the scored
 * rows: the same rows added in another order give the same bits. */
static void test_shard_bootstrap_keyed_by_row_identity(void **state)
{
    (void)state;
    mg_rng r;
    mg_rng_seed(&r, 5);
    mg_paired *fwd = mg_paired_new(MG_TASK_BINARY, NULL, NULL), *back = mg_paired_new(MG_TASK_BINARY, NULL, NULL);
    int y[500];
    double a[500], b[500];
    for (size_t i = 0; i < 500; i++) {
        y[i] = (int)(i % 3 == 0);
        a[i] = uniform(&r);
        b[i] = y[i] ? 0.3 + 0.7 * uniform(&r) : uniform(&r);
        mg_paired_add_binary(fwd, 1000 + 7 * i, y[i], a[i], b[i]);
    }
    for (size_t i = 500; i-- > 0;)
        mg_paired_add_binary(back, 1000 + 7 * i, y[i], a[i], b[i]);
    const char *metrics[] = {"roc_auc", "log_loss", "brier", "average_precision"};
    for (size_t m = 0; m < 4; m++) {
        mg_bootstrap_options o;
        mg_bootstrap_options_init(&o);
        o.resamples = 300;
        mg_bootstrap_result x, z;
        assert_int_equal(mg_paired_bootstrap(fwd, metrics[m], &o, &x, NULL), 0);
        assert_int_equal(mg_paired_bootstrap(back, metrics[m], &o, &z, NULL), 0);
        if (memcmp(&x.lower, &z.lower, sizeof x.lower) || memcmp(&x.upper, &z.upper, sizeof x.upper))
            fail_msg("%s: [%.17g, %.17g] vs [%.17g, %.17g]", metrics[m], x.lower, x.upper, z.lower, z.upper);
    }
    mg_paired_free(fwd);
    mg_paired_free(back);
}

static void test_shard_refuses_a_foreign_state(void **state)
{
    (void)state;
    const char *path = write_data();
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, NULL, &err);
    json_t *options = json_loads("{\"check\": \"metric\", \"metric\": \"roc_auc\"}", 0, NULL);
    instance in;
    instance_begin(&in, &binary, src, path, options);
    char msg[256] = "";
    json_t *regression_state = json_pack("{s:s, s:[], s:i, s:{s:i, s:[], s:{s:s}}}", "check", "metric", "examples",
                                         "examples_total", 0, "state", "unusable", 0, "labels", "acc", "task",
                                         "regression");
    assert_int_equal(mg_check_state_merge(&in.c, regression_state, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "'task': expected \"binary\""));
    json_decref(regression_state);
    instance_free(&in);
    json_decref(options);
    mg_source_free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_naive_partial_sums_differ),
        cmocka_unit_test(test_shard_binary_metric_with_slices_and_champion),
        cmocka_unit_test(test_shard_rank_metrics_with_binned_slices),
        cmocka_unit_test(test_shard_all_metrics_every_task),
        cmocka_unit_test(test_shard_regression_and_multiclass_against_champion),
        cmocka_unit_test(test_shard_champion_flips),
        cmocka_unit_test(test_shard_check_that_cannot_run),
        cmocka_unit_test(test_shard_bootstrap_keyed_by_row_identity),
        cmocka_unit_test(test_shard_refuses_a_foreign_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
