/* Unit tests for score/external.c: the JSON Lines scorer protocol with the
 * example scorers of fixtures/models/scorers (a good logistic scorer, and
 * ones that crash, hang, write garbage, answer too few rows or flood stderr).
 * Timeouts are kept at 1 s. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "score/model.h"
#include "score_testutil.h"

#define SC "fixtures/models/scorers/"

static mg_model *start(const char *const *argv, double timeout, size_t batch, mg_error *err)
{
    mg_model_spec spec = {0};
    spec.command = argv;
    spec.timeout_seconds = timeout;
    spec.batch_size = batch;
    return mg_model_load(&spec, err);
}

/* No child process of ours is left, dead or alive. */
static void assert_no_children(void)
{
    int status;
    errno = 0;
    assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_score_external_good_scorer_matches_linear_model(void **s)
{
    (void)s;
    static const char *const argv[] = {"/usr/bin/python3", SC "logistic.py",
                                       "fixtures/models/linear/logistic.json", NULL};
    mg_error err = {{0}};
    mg_model *m = start(argv, 10, 64, &err);
    if (!m)
        fail_msg("%s", err.msg);
    assert_int_equal(mg_model_get_format(m), MG_MODEL_EXTERNAL);
    assert_int_equal(mg_model_get_task(m), MG_TASK_BINARY);
    assert_string_equal(mg_model_objective(m), "logistic (external)");
    assert_int_equal(mg_model_nfeatures(m), 8);
    mg_model_spec lspec = {0};
    lspec.path = "fixtures/models/linear/logistic.json";
    mg_model *lin = mg_model_load(&lspec, &err);
    assert_non_null(lin);
    tcsv *d = tcsv_read("fixtures/models/data/binary_clean.csv", 1);
    mg_binding *b = mg_binding_new(m, (const char *const *)d->header, d->ncols, &err);
    mg_binding *lb = mg_binding_new(lin, (const char *const *)d->header, d->ncols, &err);
    double *out = calloc(d->nrows, sizeof *out);
    unsigned char *ok = calloc(d->nrows, 1);
    /* 200 rows in batches of 64: four requests. */
    assert_int_equal(mg_model_score_batch(m, b, d->rows, d->nrows, out, ok, NULL, &err),
                     (long)d->nrows);
    double maxdiff = 0;
    for (size_t r = 0; r < d->nrows; r++) {
        double want;
        assert_int_equal(mg_model_score_row(lin, lb, &d->rows[r], &want, &err), 0);
        assert_true(ok[r]);
        maxdiff = fmax(maxdiff, fabs(out[r] - want));
    }
    printf("  external logistic.py vs linear model: max abs diff %.3g\n", maxdiff);
    assert_true(maxdiff < 1e-12);
    /* One row alone works too. */
    double one;
    assert_int_equal(mg_model_score_row(m, b, &d->rows[5], &one, &err), 0);
    assert_true(one == out[5]);
    tcsv_free(d);

    /* Rows with missing values get a per-row error from the scorer. */
    d = tcsv_read("fixtures/models/data/binary_missing.csv", 1);
    mg_error row_err = {{0}};
    long n = mg_model_score_batch(m, b, d->rows, 20, out, ok, &row_err, &err);
    assert_true(n >= 0 && n < 20);
    size_t bad = 0;
    for (size_t r = 0; r < 20; r++)
        if (!ok[r]) {
            bad++;
            assert_true(isnan(out[r]));
        }
    assert_int_equal(bad, 20 - (size_t)n);
    assert_non_null(strstr(row_err.msg, "external scorer: feature '"));
    assert_int_equal(mg_model_score_row(m, b, &d->rows[0], &one, &err), -1);
    assert_non_null(strstr(err.msg, "missing"));
    tcsv_free(d);
    free(out);
    free(ok);
    mg_binding_free(b);
    mg_binding_free(lb);
    mg_model_free(lin);
    mg_model_free(m);
    assert_no_children();
}

static mg_row rows2[3];
static mg_value vals2[3][2];

static const mg_row *two_feature_rows(size_t n)
{
    for (size_t r = 0; r < n && r < 3; r++) {
        vals2[r][0] = (mg_value){MG_VALUE_TEXT, "41", 2, 0, 0};
        vals2[r][1] = (mg_value){MG_VALUE_TEXT, "1000", 4, 0, 0};
        rows2[r] = (mg_row){2, vals2[r], 2, r + 2, r, 8};
    }
    return rows2;
}

static const char *const cols2[] = {"age", "income"};

/* Starts argv, scores a 3-row batch that must fail with `want` in the message. */
static void expect_batch_failure(const char *const *argv, const char *want, double max_s)
{
    mg_error err = {{0}};
    mg_model *m = start(argv, 1, 0, &err);
    if (!m)
        fail_msg("%s", err.msg);
    mg_binding *b = mg_binding_new(m, cols2, 2, &err);
    assert_non_null(b);
    double out[3];
    unsigned char ok[3];
    double t0 = now_s();
    assert_int_equal(mg_model_score_batch(m, b, two_feature_rows(3), 3, out, ok, NULL, &err), -1);
    double took = now_s() - t0;
    if (!strstr(err.msg, want))
        fail_msg("error '%s' lacks '%s'", err.msg, want);
    assert_true(took < max_s);
    /* The scorer is gone: the next batch fails at once. */
    assert_int_equal(mg_model_score_batch(m, b, two_feature_rows(3), 3, out, ok, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "is no longer running"));
    mg_binding_free(b);
    mg_model_free(m);
    assert_no_children();
}

static void test_score_external_crash_reports_status_and_stderr(void **s)
{
    (void)s;
    static const char *const argv[] = {"/bin/sh", SC "crash.sh", NULL};
    expect_batch_failure(argv, "exited with status 3 after 0 of 3 replies", 5);
    mg_error err = {{0}};
    mg_model *m = start(argv, 1, 0, &err);
    mg_binding *b = mg_binding_new(m, cols2, 2, &err);
    double out[3];
    unsigned char ok[3];
    assert_int_equal(mg_model_score_batch(m, b, two_feature_rows(3), 3, out, ok, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "its stderr ends with: crash.sh: cannot allocate the model "
                                    "weights"));
    mg_binding_free(b);
    mg_model_free(m);
    assert_no_children();
}

static void test_score_external_hang_times_out_and_is_killed(void **s)
{
    (void)s;
    static const char *const argv[] = {"/bin/sh", SC "hang.sh", NULL};
    expect_batch_failure(argv, "no complete reply within 1 s (got 0 of 3 lines); killed", 3);
}

static void test_score_external_garbage_is_an_error(void **s)
{
    (void)s;
    static const char *const argv[] = {"/bin/sh", SC "garbage.sh", NULL};
    expect_batch_failure(argv, "reply line 1 is not a JSON object: 'prediction=0.5'", 3);
}

static void test_score_external_too_few_rows(void **s)
{
    (void)s;
    static const char *const argv[] = {"/usr/bin/python3", SC "short.py", NULL};
    expect_batch_failure(argv, "(got 2 of 3 lines)", 4);
}

static void test_score_external_stderr_flood_does_not_block(void **s)
{
    (void)s;
    static const char *const argv[] = {"/bin/sh", SC "noisy.sh", NULL};
    mg_error err = {{0}};
    mg_model *m = start(argv, 10, 0, &err);
    if (!m)
        fail_msg("%s", err.msg);
    assert_int_equal(mg_model_get_task(m), MG_TASK_REGRESSION);
    mg_binding *b = mg_binding_new(m, cols2, 2, &err);
    double out[3];
    unsigned char ok[3];
    assert_int_equal(mg_model_score_batch(m, b, two_feature_rows(3), 3, out, ok, NULL, &err), 3);
    assert_true(out[0] == 0.25 && out[2] == 0.25);
    mg_binding_free(b);
    mg_model_free(m);
    assert_no_children();
}

static void test_score_external_big_batch_to_dead_scorer_no_sigpipe(void **s)
{
    (void)s;
    /* crash.sh exits after one line; 5000 rows (far more than a pipe holds)
     * make mgate's writes fail with EPIPE, which must not kill the process. */
    static const char *const argv[] = {"/bin/sh", SC "crash.sh", NULL};
    mg_error err = {{0}};
    mg_model *m = start(argv, 5, 10000, &err);
    assert_non_null(m);
    mg_binding *b = mg_binding_new(m, cols2, 2, &err);
    size_t n = 5000;
    mg_row *rows = calloc(n, sizeof *rows);
    mg_value v[2] = {{MG_VALUE_TEXT, "41.000000000000000000000000000000", 33, 0, 0},
                     {MG_VALUE_TEXT, "some long text to make the request bigger", 41, 0, 0}};
    for (size_t r = 0; r < n; r++)
        rows[r] = (mg_row){2, v, 2, r + 2, r, 0};
    double *out = calloc(n, sizeof *out);
    unsigned char *ok = calloc(n, 1);
    assert_int_equal(mg_model_score_batch(m, b, rows, n, out, ok, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "exited with status 3"));
    free(rows);
    free(out);
    free(ok);
    mg_binding_free(b);
    mg_model_free(m);
    assert_no_children();
}

static void test_score_external_start_failures(void **s)
{
    (void)s;
    static const char *const missing[] = {"/nonexistent/scorer", NULL};
    mg_error err = {{0}};
    assert_null(start(missing, 1, 0, &err));
    /* glibc reports the failed exec from posix_spawnp; under valgrind the
     * child reports it by exiting 127. */
    assert_true(strstr(err.msg, "external scorer '/nonexistent/scorer': cannot start") ||
                strstr(err.msg, "exited with status 127"));
    static const char *const nodesc[] = {"/bin/sh", "-c", "echo '{\"task\": \"binary\"}'", NULL};
    assert_null(start(nodesc, 1, 0, &err));
    assert_non_null(strstr(err.msg, "'features' must be a non-empty array"));
    static const char *const silent[] = {"/bin/sh", "-c", "echo oops >&2; exit 1", NULL};
    assert_null(start(silent, 1, 0, &err));
    assert_non_null(strstr(err.msg, "exited with status 1"));
    assert_non_null(strstr(err.msg, "oops"));
    assert_no_children();
}

/* Writing to a dead scorer changes nothing process-wide (score/model.h):
 * the SIGPIPE handler stays what it was, the thread's mask is restored and
 * no SIGPIPE is left pending to kill the process later. */
static void test_score_external_dead_scorer_leaves_sigpipe_state(void **s)
{
    (void)s;
    /* arrange: SIGPIPE at its default action (which would kill us) */
    struct sigaction dfl, now;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGPIPE, &dfl, NULL);
    static const char *const argv[] = {"/bin/sh", SC "crash.sh", NULL};
    mg_error err = {{0}};
    mg_model *m = start(argv, 5, 10000, &err);
    assert_non_null(m);
    mg_binding *b = mg_binding_new(m, cols2, 2, &err);
    size_t n = 5000;
    mg_row *rows = calloc(n, sizeof *rows);
    mg_value v[2] = {{MG_VALUE_TEXT, "41.000000000000000000000000000000", 33, 0, 0},
                     {MG_VALUE_TEXT, "some long text to make the request bigger", 41, 0, 0}};
    for (size_t r = 0; r < n; r++)
        rows[r] = (mg_row){2, v, 2, r + 2, r, 0};
    double *out = calloc(n, sizeof *out);
    unsigned char *ok = calloc(n, 1);
    /* act: the writes fail with EPIPE */
    assert_int_equal(mg_model_score_batch(m, b, rows, n, out, ok, NULL, &err), -1);
    /* assert */
    sigaction(SIGPIPE, NULL, &now);
    assert_true(now.sa_handler == SIG_DFL);
    sigset_t mask, pending;
    pthread_sigmask(SIG_SETMASK, NULL, &mask);
    assert_int_equal(sigismember(&mask, SIGPIPE), 0);
    sigpending(&pending);
    assert_int_equal(sigismember(&pending, SIGPIPE), 0);
    free(rows);
    free(out);
    free(ok);
    mg_binding_free(b);
    mg_model_free(m);
    assert_no_children();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_external_good_scorer_matches_linear_model),
        cmocka_unit_test(test_score_external_crash_reports_status_and_stderr),
        cmocka_unit_test(test_score_external_hang_times_out_and_is_killed),
        cmocka_unit_test(test_score_external_garbage_is_an_error),
        cmocka_unit_test(test_score_external_too_few_rows),
        cmocka_unit_test(test_score_external_stderr_flood_does_not_block),
        cmocka_unit_test(test_score_external_big_batch_to_dead_scorer_no_sigpipe),
        cmocka_unit_test(test_score_external_dead_scorer_leaves_sigpipe_state),
        cmocka_unit_test(test_score_external_start_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
