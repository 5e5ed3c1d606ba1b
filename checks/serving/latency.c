/*
 * latency.c - the `latency` check (suite serving): how long the model takes
 * to score, measured on a seeded sample of the data's rows (the sample of
 * the adversarial checks, adv_common.h: the same for any sharding).
 *
 * Each of `repeats` runs makes, per model, `warmup` untimed calls and then
 * timed calls of one row (the latency a real-time client sees) and, when
 * `batch_size` > 1, of batch_size rows (throughput), `requests` calls or
 * for `seconds`.  With a champion (baseline_model) every call of the
 * candidate is followed by the same call of the champion, so machine noise
 * hits both alike.  Each run gives nearest-rank p50, p95, p99 and max per
 * call and rows/s (checks/serving/latency_stats.h); the gate judges the
 * median of each figure over the runs.  Calls go through the scoring core
 * (mg_model_score_batch), so native models, external scorers and HTTP
 * services are timed as the other checks use them.
 *
 * A model that fails a call while it is timed fails the check: the figures
 * of a model that does not answer are no evidence.  Rows the model refuses
 * (bad values) are found before the timing starts and left out of it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/adversarial/adv_common.h"
#include "checks/serving/latency_stats.h"
#include "common/xmem.h"

/* Timed calls per phase and run when `seconds` is given without `requests`. */
#define LAT_CALLS_CAP 100000
#define LAT_HIST_BINS 30

/* The options of this check (checks/check.h, mg_opt_def). */
static const mg_opt_def option_rows[] = {
    ADV_OPT_SAMPLING(100),
    {.key = "batch_size", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(32),
     .help = "rows per call of the batch calls, which give rows/s (1: no batch calls; rows/s of one-row calls)"},
    {.key = "warmup", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(5),
     .help = "untimed calls per model before the timed ones of each run and call size"},
    {.key = "requests", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(100),
     .help = "timed calls per model, run and call size (with seconds: at most this many)"},
    {.key = "seconds", .kind = MG_OPT_DURATION, .when_absent = "no time limit: requests calls",
     .help = "time per run and call size: calls stop once it has passed (at most requests, or 100000)"},
    {.key = "repeats", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(3),
     .help = "runs; the gate judges the median of each figure over them"},
    {.key = "max_p50_ms", .kind = MG_OPT_NUMBER, .when_absent = "no bound",
     .help = "the largest median time of a one-row call, in milliseconds, that passes"},
    {.key = "max_p95_ms", .kind = MG_OPT_NUMBER, .when_absent = "no bound",
     .help = "the largest 95th percentile of one-row calls, in milliseconds, that passes"},
    {.key = "max_p99_ms", .kind = MG_OPT_NUMBER, .when_absent = "no bound",
     .help = "the largest 99th percentile of one-row calls, in milliseconds, that passes"},
    {.key = "min_rows_per_s", .kind = MG_OPT_NUMBER, .when_absent = "no bound",
     .help = "the fewest rows per second (of the batch calls) that passes"},
    {.key = "max_p99_increase", .kind = MG_OPT_NUMBER, .when_absent = "no bound (needs a baseline_model)",
     .help = "the largest rise of p99 over the champion's, relative (0.2: 20% slower), that passes"},
    {.key = NULL},
};

static const char *const bound_keys[] = {"max_p50_ms", "max_p95_ms", "max_p99_ms", "min_rows_per_s",
                                         "max_p99_increase", NULL};

static int lat_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    int bounds = 0;
    for (const char *const *k = bound_keys; *k; k++) {
        const json_t *v = json_object_get(o, *k);
        if (v && json_number_value(v) < 0) {
            *key = *k;
            snprintf(msg, size, "'%s' must be a number >= 0", *k);
            return -1;
        }
        bounds += v != NULL;
    }
    if (!bounds) {
        *key = NULL;
        snprintf(msg, size, "give at least one of \"max_p50_ms\", \"max_p95_ms\", \"max_p99_ms\", "
                            "\"min_rows_per_s\", \"max_p99_increase\": what the gate allows");
        return -1;
    }
    static const char *const at_least_one[] = {"requests", "repeats", "batch_size", NULL};
    for (const char *const *k = at_least_one; *k; k++) {
        const json_t *v = json_object_get(o, *k);
        if (v && json_integer_value(v) < 1) {
            *key = *k;
            snprintf(msg, size, "'%s' must be at least 1", *k);
            return -1;
        }
    }
    return 0;
}

/* A model being timed. */
typedef struct lat_model {
    mg_model *m;
    const mg_binding *b;
    const char *who; /* "model", "baseline model" */
} lat_model;

/* Everything one check's measurement uses. */
typedef struct lat_ctx {
    mg_check *c;
    lat_model model[2];  /* the candidate, then the champion when there is one */
    size_t nmodels;
    mg_row *ring;        /* the scorable rows, then the first batch - 1 again: a call is a slice */
    size_t nrows, batch;
    uint64_t warmup, requests, repeats;
    double seconds;      /* 0: no time limit */
    double *out;         /* batch * noutputs */
    unsigned char *ok;
    double *times[2];    /* per model: the current run's call times (ms) */
    double *pooled[2];   /* per model: every one-row call time of every run, for the histogram */
    size_t npooled;
    char *failure;       /* why a call failed; the measurement stops */
} lat_ctx;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One call of `count` rows from ring[first] by model i; its time in ms, or
 * NAN after recording why it failed. */
static double lat_call(lat_ctx *x, size_t i, size_t first, size_t count)
{
    const lat_model *lm = &x->model[i];
    mg_error err = {{0}}, row_err = {{0}};
    double t0 = now_ms();
    long scored = mg_model_score_batch(lm->m, lm->b, x->ring + first, count, x->out, x->ok, &row_err, &err);
    double ms = now_ms() - t0;
    if (scored == (long)count)
        return ms;
    if (!x->failure)
        x->failure = mg_xasprintf("the %s failed a call of %zu row%s (from line %lu) while it was timed: %s", lm->who,
                                  count, count == 1 ? "" : "s", x->ring[first].line,
                                  scored < 0 ? err.msg : row_err.msg[0] ? row_err.msg : "a row was not scored");
    return NAN;
}

/* Untimed, then timed calls of `count` rows per call, every model in turn
 * on the same rows; fills out[model].  Returns 0, or -1 on a failed call. */
static int lat_phase(lat_ctx *x, size_t count, mg_lat_summary out[2])
{
    size_t pos = 0, cap = x->requests;
    for (uint64_t w = 0; w < x->warmup; w++, pos = (pos + count) % x->nrows)
        for (size_t i = 0; i < x->nmodels; i++)
            if (isnan(lat_call(x, i, pos, count)))
                return -1;
    double start = now_ms();
    size_t n = 0;
    while (n < cap && (x->seconds <= 0 || now_ms() - start < x->seconds * 1e3)) {
        /* Candidate then champion, then champion then candidate: neither
         * always goes first (the second call of a pair finds warm caches). */
        for (size_t j = 0; j < x->nmodels; j++) {
            size_t i = n % 2 ? x->nmodels - 1 - j : j;
            x->times[i][n] = lat_call(x, i, pos, count);
            if (isnan(x->times[i][n]))
                return -1;
        }
        n++;
        pos = (pos + count) % x->nrows;
    }
    for (size_t i = 0; i < x->nmodels; i++) {
        if (count == 1) {
            x->pooled[i] = mg_xrealloc(x->pooled[i], (x->npooled + n) * sizeof **x->pooled);
            memcpy(x->pooled[i] + x->npooled, x->times[i], n * sizeof **x->times);
        }
        mg_lat_summarise(x->times[i], n, count, &out[i]);
    }
    if (count == 1)
        x->npooled += n;
    return 0;
}

/* Scores the sample once with every model, keeping the rows all of them
 * score in ring order.  Returns the rows kept, or -1 when a model broke
 * (x->failure says how). */
static long lat_screen(lat_ctx *x, const adv_state *s, uint64_t *refused)
{
    size_t n = s->sample.n, k = 0;
    mg_row *rows = mg_xcalloc(n, sizeof *rows);
    for (size_t r = 0; r < n; r++)
        rows[r] = *s->sample.rows[r];
    unsigned char *keep = mg_xcalloc(n, 1), *ok = mg_xcalloc(n, 1);
    size_t nout = mg_model_noutputs(x->model[0].m);
    for (size_t i = 0; i < x->nmodels; i++)
        nout = mg_model_noutputs(x->model[i].m) > nout ? mg_model_noutputs(x->model[i].m) : nout;
    double *out = mg_xcalloc(n * nout, sizeof *out);
    memset(keep, 1, n);
    for (size_t i = 0; i < x->nmodels && !x->failure; i++) {
        mg_error err = {{0}}, row_err = {{0}};
        if (mg_model_score_batch(x->model[i].m, x->model[i].b, rows, n, out, ok, &row_err, &err) < 0)
            x->failure = mg_xasprintf("the %s failed before the timing started: %s", x->model[i].who, err.msg);
        for (size_t r = 0; r < n; r++)
            keep[r] &= ok[r];
    }
    *refused = 0;
    for (size_t r = 0; r < n; r++) {
        if (keep[r])
            rows[k++] = rows[r];
        else
            (*refused)++;
    }
    x->ring = mg_xcalloc(k + x->batch, sizeof *x->ring);
    for (size_t j = 0; k && j < k + x->batch - 1; j++)
        x->ring[j] = rows[j % k];
    x->nrows = k;
    free(rows);
    free(keep);
    free(ok);
    free(out);
    return x->failure ? -1 : (long)k;
}

/* The figures of every run, per model. */
typedef struct lat_runs {
    mg_lat_summary *one[2];   /* one-row calls */
    mg_lat_summary *batch[2]; /* batch calls (batch_size > 1) */
    size_t n;                 /* runs done */
} lat_runs;

/* `repeats` runs; 0, or -1 when a call failed. */
static int lat_measure(lat_ctx *x, lat_runs *runs)
{
    for (uint64_t r = 0; r < x->repeats; r++) {
        mg_lat_summary one[2], batch[2];
        if (lat_phase(x, 1, one) != 0)
            return -1;
        if (x->batch > 1 && lat_phase(x, x->batch, batch) != 0)
            return -1;
        for (size_t i = 0; i < x->nmodels; i++) {
            runs->one[i][runs->n] = one[i];
            if (x->batch > 1)
                runs->batch[i][runs->n] = batch[i];
        }
        runs->n++;
    }
    return 0;
}

/* Records a summary's figures as properties, each key with the prefix. */
static void lat_props(mg_result *res, const char *prefix, const mg_lat_summary *s)
{
    static const char *const keys[] = {"p50_ms", "p95_ms", "p99_ms", "max_ms"};
    const double values[] = {s->p50, s->p95, s->p99, s->max};
    char key[64];
    for (size_t i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "%s%s", prefix, keys[i]);
        mg_result_prop_number(res, key, values[i]);
    }
}

/* The candidate's p99 of each run, "1.21 1.3 1.19", as a property. */
static void lat_runs_prop(mg_result *res, const lat_runs *runs)
{
    char text[512] = "";
    for (size_t r = 0; r < runs->n; r++) {
        char num[32];
        mg_lat_ms_text(runs->one[0][r].p99, num, sizeof num);
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, "%s%s", r ? " " : "", num);
    }
    mg_result_prop_text(res, "p99_ms_runs", text);
}

/* The histogram of every timed one-row call of every run, per model. */
static void lat_histogram(mg_result *res, const lat_ctx *x)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < x->nmodels; i++)
        for (size_t j = 0; j < x->npooled; j++) {
            lo = fmin(lo, x->pooled[i][j]);
            hi = fmax(hi, x->pooled[i][j]);
        }
    if (!(lo <= hi))
        return;
    mg_histogram *h = mg_result_histogram(res, "milliseconds per one-row call", lo, hi, LAT_HIST_BINS);
    for (size_t i = 0; i < x->nmodels; i++)
        mg_histogram_add(h, i ? "champion" : "candidate", x->pooled[i], x->npooled);
}

/* Judges the medians of the runs and writes the result. */
static void lat_record(mg_check *c, const lat_ctx *x, const lat_runs *runs, const mg_lat_bounds *bounds)
{
    mg_result *res = c->result;
    mg_lat_summary one[2], batch[2];
    double rows_per_s[2] = {NAN, NAN};
    for (size_t i = 0; i < x->nmodels; i++) {
        mg_lat_median_summary(runs->one[i], runs->n, &one[i]);
        rows_per_s[i] = one[i].rows_per_s;
        if (x->batch > 1) {
            mg_lat_median_summary(runs->batch[i], runs->n, &batch[i]);
            rows_per_s[i] = batch[i].rows_per_s;
        }
    }
    double champion_p99 = x->nmodels > 1 ? one[1].p99 : NAN;
    char why[600], head[160], num[4][32];
    int broken = mg_lat_judge(bounds, &one[0], rows_per_s[0], champion_p99, why, sizeof why);
    res->status = broken ? MG_STATUS_FAIL : MG_STATUS_PASS;
    mg_lat_p99_text(one[0].p99, champion_p99, head, sizeof head);
    mg_lat_ms_text(one[0].p50, num[0], sizeof num[0]);
    mg_lat_ms_text(one[0].p95, num[1], sizeof num[1]);
    mg_lat_ms_text(one[0].max, num[2], sizeof num[2]);
    mg_lat_rows_text(rows_per_s[0], num[3], sizeof num[3]);
    mg_result_set_message(res, "%s, p50 %s ms, p95 %s ms, max %s ms per one-row call, %s rows/s in calls of %zu "
                               "rows (median of %zu run%s of %zu calls): %s",
                          head, num[0], num[1], num[2], num[3], x->batch, runs->n, runs->n == 1 ? "" : "s",
                          one[0].calls, why);
    mg_result_prop_number(res, "value", one[0].p99);
    lat_props(res, "", &one[0]);
    mg_result_prop_number(res, "rows_per_s", rows_per_s[0]);
    if (x->batch > 1)
        lat_props(res, "batch_", &batch[0]);
    if (x->nmodels > 1) {
        lat_props(res, "champion_", &one[1]);
        mg_result_prop_number(res, "champion_rows_per_s", rows_per_s[1]);
        mg_result_prop_number(res, "p99_increase", mg_lat_increase(one[0].p99, one[1].p99));
    }
    lat_runs_prop(res, runs);
    mg_result_prop_number(res, "calls", (double)one[0].calls);
    for (const char *const *k = bound_keys; *k; k++)
        if (mg_check_opt_given(c, *k))
            mg_result_prop_number(res, *k, mg_check_opt_number(c, *k));
    lat_histogram(res, x);
}

/* The bounds the spec gives (NAN for the others). */
static mg_lat_bounds lat_bounds(const mg_check *c)
{
    mg_lat_bounds b = mg_lat_bounds_none();
    double *slot[] = {&b.max_p50_ms, &b.max_p95_ms, &b.max_p99_ms, &b.min_rows_per_s, &b.max_p99_increase};
    for (size_t i = 0; bound_keys[i]; i++)
        if (mg_check_opt_given(c, bound_keys[i]))
            *slot[i] = mg_check_opt_number(c, bound_keys[i]);
    return b;
}

/* Sets up the models and the options; 0, or -1 after setting the result. */
static int lat_setup(mg_check *c, lat_ctx *x)
{
    const mg_check_env *env = c->env;
    x->c = c;
    x->model[0] = (lat_model){env->model, env->binding, "model"};
    x->nmodels = 1;
    if (env->champion_model && env->champion_binding)
        x->model[x->nmodels++] = (lat_model){env->champion_model, env->champion_binding, "baseline model"};
    else if (mg_check_opt_given(c, "max_p99_increase")) {
        c->result->status = MG_STATUS_ERROR;
        mg_result_set_message(c->result, "max_p99_increase compares with the champion's latency: name the champion "
                                         "model with \"baseline_model\" in the spec (a baseline_prediction column "
                                         "has no latency)");
        return -1;
    }
    x->batch = (size_t)mg_check_opt_count(c, "batch_size");
    x->warmup = mg_check_opt_count(c, "warmup");
    x->repeats = mg_check_opt_count(c, "repeats");
    x->seconds = mg_check_opt_given(c, "seconds") ? mg_check_opt_seconds(c, "seconds") : 0;
    x->requests = x->seconds > 0 && !mg_check_opt_given(c, "requests") ? LAT_CALLS_CAP
                                                                       : mg_check_opt_count(c, "requests");
    if (x->requests > LAT_CALLS_CAP)
        x->requests = LAT_CALLS_CAP;
    x->batch = x->batch ? x->batch : 1;
    x->repeats = x->repeats ? x->repeats : 1;
    x->requests = x->requests ? x->requests : 1;
    size_t nout = 1;
    for (size_t i = 0; i < x->nmodels; i++) {
        x->times[i] = mg_xcalloc(x->requests, sizeof *x->times[i]);
        nout = mg_model_noutputs(x->model[i].m) > nout ? mg_model_noutputs(x->model[i].m) : nout;
    }
    x->out = mg_xcalloc(x->batch * nout, sizeof *x->out);
    x->ok = mg_xcalloc(x->batch, 1);
    return 0;
}

static void lat_ctx_free(lat_ctx *x)
{
    for (size_t i = 0; i < 2; i++) {
        free(x->times[i]);
        free(x->pooled[i]);
    }
    free(x->ring);
    free(x->out);
    free(x->ok);
    free(x->failure);
}

/* A model that broke fails the check, whatever it measured before. */
static void lat_failed(mg_check *c, const lat_ctx *x)
{
    c->result->status = MG_STATUS_FAIL;
    mg_result_set_message(c->result, "%s", x->failure);
    mg_result_prop_number(c->result, "failed_calls", 1);
}

static void lat_finish(mg_check *c)
{
    if (!c->env->model || !c->env->binding) {
        c->result->status = MG_STATUS_ERROR;
        mg_result_set_message(c->result, "latency times a model: give the spec a \"model\" (a file, a command or "
                                         "a URL); scores from a prediction column have no latency");
        return;
    }
    adv_state *s = adv_ready(c);
    if (!s)
        return;
    lat_ctx x;
    memset(&x, 0, sizeof x);
    lat_runs runs;
    memset(&runs, 0, sizeof runs);
    uint64_t refused = 0;
    if (lat_setup(c, &x) != 0)
        goto out;
    for (size_t i = 0; i < x.nmodels; i++) {
        runs.one[i] = mg_xcalloc(x.repeats, sizeof *runs.one[i]);
        runs.batch[i] = mg_xcalloc(x.repeats, sizeof *runs.batch[i]);
    }
    long kept = lat_screen(&x, s, &refused);
    mg_result_prop_number(c->result, "rows_refused", (double)refused);
    mg_result_prop_number(c->result, "batch_size", (double)x.batch);
    mg_result_prop_number(c->result, "repeats", (double)x.repeats);
    if (kept < 0) {
        lat_failed(c, &x);
    } else if (kept == 0) {
        c->result->status = MG_STATUS_ERROR;
        mg_result_set_message(c->result, "none of the %zu sampled rows scores with every model: nothing to time",
                              s->sample.n);
    } else if (lat_measure(&x, &runs) != 0) {
        lat_failed(c, &x);
    } else {
        mg_lat_bounds bounds = lat_bounds(c);
        lat_record(c, &x, &runs, &bounds);
    }
out:
    for (size_t i = 0; i < 2; i++) {
        free(runs.one[i]);
        free(runs.batch[i]);
    }
    lat_ctx_free(&x);
}

const mg_check_def mg_check_latency = {
    .name = "latency", .group = "serving", .options = option_rows, .needs = MG_NEEDS_SCORES,
    .summary = "time per call (p50, p95, p99, max) and rows/s of the model on sampled rows, against bounds and the "
               "champion's",
    .validate = lat_validate, .begin = adv_begin, .row = adv_row, .finish = lat_finish, .free_state = adv_free,
    /* Sharded: the sample merges exactly (adv_save); the figures are timed
     * at finish, by the merge, so they vary as any two runs' do. */
    .save = adv_save, .merge = adv_merge,
};
