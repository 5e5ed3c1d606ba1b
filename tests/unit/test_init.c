/* Unit tests for `mgate init`'s inference rules: harness/init_profile.c and
 * harness/init_spec.c (docs/init.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/init_order.h"
#include "harness/init_profile.h"
#include "harness/init_spec.h"

/* Feeds one column of CSV-like text values (NULL = empty field) to a
 * one-column profile.  id_col/time_col as for mg_profile_new. */
static mg_profile *profile_of(const char *name, const char *const *texts, size_t n, long id_col, long time_col)
{
    const char *names[] = {name};
    mg_profile *p = mg_profile_new(names, 1, id_col, time_col);
    for (size_t i = 0; i < n; i++) {
        mg_value v = {MG_VALUE_TEXT, texts[i] ? texts[i] : "", texts[i] ? strlen(texts[i]) : 0, 0, 0};
        mg_row row = {1, &v, 1, (unsigned long)i + 2, (unsigned long)i, 0};
        mg_profile_add_row(p, &row);
    }
    return p;
}

/* n copies of a printf pattern of the row number, plus some overrides. */
static const char **texts_of(const char *fmt, size_t n)
{
    const char **t = calloc(n, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, fmt, (int)i);
        t[i] = strdup(buf);
    }
    return t;
}

static void texts_free(const char **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)t[i]);
    free(t);
}

static mg_col_rules rules_of(const char *const *texts, size_t n)
{
    mg_profile *p = profile_of("c", texts, n, -1, -1);
    mg_col_rules r;
    mg_profile_rules(p, 0, &r);
    mg_profile_free(p);
    return r;
}

static void test_init_types_prefer_the_most_specific(void **state)
{
    (void)state;
    const char *ints[] = {"1", "0", "-7", "12"};
    const char *nums[] = {"1", "0.5", "-7e2", "12"};
    const char *bools[] = {"true", "False", "1", "no"};
    const char *stamps[] = {"2026-01-01T00:00:00Z", "2026-01-02T10:00:00+02:00"};
    const char *text[] = {"a", "1", "b"};
    assert_int_equal(rules_of(ints, 4).type, MG_TYPE_INTEGER);
    assert_int_equal(rules_of(nums, 4).type, MG_TYPE_NUMBER);
    assert_int_equal(rules_of(bools, 4).type, MG_TYPE_BOOLEAN);
    assert_int_equal(rules_of(stamps, 2).type, MG_TYPE_TIMESTAMP);
    assert_int_equal(rules_of(text, 3).type, MG_TYPE_STRING);
}

static void test_init_timestamp_needs_a_zone(void **state)
{
    (void)state;
    /* No time zone support: zone-less times are text, not timestamps. */
    const char *local[] = {"2026-01-01T00:00:00", "2026-01-02T10:00:00"};
    assert_int_equal(rules_of(local, 2).type, MG_TYPE_STRING);
}

static void test_init_epoch_seconds_only_in_the_time_column(void **state)
{
    (void)state;
    const char *epochs[] = {"1767225600", "1767312000", "1767225000"};
    mg_profile *p = profile_of("t", epochs, 3, -1, -1);
    mg_col_rules r;
    mg_profile_rules(p, 0, &r);
    assert_int_equal(r.type, MG_TYPE_INTEGER);
    assert_int_equal(mg_profile_pick_time(p), -1);
    mg_profile_free(p);
    p = profile_of("t", epochs, 3, -1, 0);
    mg_profile_rules(p, 0, &r);
    assert_int_equal(r.type, MG_TYPE_TIMESTAMP);
    assert_true(r.has_bounds);
    assert_true(r.min <= 1767225000 && r.max >= 1767312000);
    assert_true(p->scopes[0].worst_lateness == 87000); /* the third came 87000 s late */
    mg_profile_free(p);
}

static void test_init_wrong_types_within_the_flaw_share(void **state)
{
    (void)state;
    /* 1 bad value in 200 is a flaw (1% tolerated); 3 in 200 make it text. */
    const char **t = texts_of("%d.5", 200);
    free((char *)t[7]);
    t[7] = strdup("n/a");
    mg_col_rules r = rules_of(t, 200);
    assert_int_equal(r.type, MG_TYPE_NUMBER);
    assert_int_equal(r.wrong_type_cells, 1);
    free((char *)t[8]);
    t[8] = strdup("x");
    free((char *)t[9]);
    t[9] = strdup("y");
    r = rules_of(t, 200);
    assert_int_equal(r.type, MG_TYPE_STRING);
    assert_int_equal(r.wrong_type_cells, 0);
    texts_free(t, 200);
}

static void test_init_missing_within_the_flaw_share_stays_required(void **state)
{
    (void)state;
    const char **t = texts_of("%d", 200);
    free((char *)t[3]);
    t[3] = NULL;
    mg_col_rules r = rules_of(t, 200);
    assert_true(r.required);
    assert_false(r.nullable);
    assert_int_equal(r.missing_cells, 1);
    for (int i = 10; i < 15; i++) {
        free((char *)t[i]);
        t[i] = NULL;
    }
    r = rules_of(t, 200);
    assert_true(r.nullable);
    assert_int_equal(r.missing_cells, 0);
    texts_free(t, 200);
}

static void test_init_values_up_to_twenty(void **state)
{
    (void)state;
    const char **t = texts_of("v%d", 40);
    mg_col_rules r = rules_of(t, 20);
    assert_true(r.has_values);
    assert_false(r.has_max_length);
    r = rules_of(t, 21);
    assert_false(r.has_values);
    assert_true(r.has_max_length);
    assert_int_equal(r.max_length, 3 + 1); /* "v20": 3, plus a quarter, at least 1 */
    texts_free(t, 40);
}

static void test_init_widen_bounds(void **state)
{
    (void)state;
    double lo, hi;
    /* A non-negative minimum stays >= 0; 10% of the range, rounded outward. */
    mg_widen_bounds(3.5, 93.5, MG_TYPE_NUMBER, &lo, &hi);
    assert_true(lo == 0 && hi == 103);
    mg_widen_bounds(-20, 80, MG_TYPE_NUMBER, &lo, &hi);
    assert_true(lo == -30 && hi == 90);
    /* A share or probability keeps [0, 1]. */
    mg_widen_bounds(0.01, 0.97, MG_TYPE_NUMBER, &lo, &hi);
    assert_true(lo == 0 && hi == 1);
    /* Integers get whole bounds, even for a small range. */
    mg_widen_bounds(18, 22, MG_TYPE_INTEGER, &lo, &hi);
    assert_true(lo == 17 && hi == 23);
    /* A constant is widened by 10% of its size. */
    mg_widen_bounds(50, 50, MG_TYPE_NUMBER, &lo, &hi);
    assert_true(lo == 45 && hi == 55);
    /* Timestamps: whole UTC days. */
    mg_widen_bounds(1767225600 + 3600, 1767225600 + 7200, MG_TYPE_TIMESTAMP, &lo, &hi);
    assert_true(lo == 1767225600 && hi == 1767225600 + 86400);
}

static void test_init_id_is_unique_and_not_fractional(void **state)
{
    (void)state;
    const char **t = texts_of("T%05d", 300);
    mg_profile *p = profile_of("order_id", t, 300, -1, -1);
    assert_int_equal(mg_profile_pick_id(p), 0);
    mg_profile_free(p);
    /* 3 repeats in 300 rows is within 1%; 4 is not. */
    for (int i = 1; i <= 3; i++) {
        free((char *)t[i]);
        t[i] = strdup(t[0]);
    }
    p = profile_of("order_id", t, 300, -1, -1);
    assert_int_equal(mg_profile_pick_id(p), 0);
    assert_int_equal(p->cols[0].duplicates, 3);
    mg_profile_free(p);
    free((char *)t[4]);
    t[4] = strdup(t[0]);
    p = profile_of("order_id", t, 300, -1, -1);
    assert_int_equal(mg_profile_pick_id(p), -1);
    mg_profile_free(p);
    /* A clear repeater is dropped early and its table freed. */
    for (int i = 0; i < 300; i++) {
        free((char *)t[i]);
        t[i] = strdup(i % 2 ? "a" : "b");
    }
    p = profile_of("order_id", t, 300, -1, -1);
    assert_false(p->cols[0].id_tracked);
    assert_true(p->cols[0].id_dropped);
    assert_int_equal(mg_profile_pick_id(p), -1);
    mg_profile_free(p);
    texts_free(t, 300);
    const char **f = texts_of("%d.25", 300);
    p = profile_of("amount_id", f, 300, -1, -1);
    assert_int_equal(mg_profile_pick_id(p), -1);
    mg_profile_free(p);
    texts_free(f, 300);
}

static mg_extremes extremes_of(const double *x, size_t n)
{
    const char **t = calloc(n, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%g", x[i]);
        t[i] = strdup(buf);
    }
    mg_profile *p = profile_of("c", t, n, -1, -1);
    mg_extremes e = p->cols[0].ext[MG_CAND_NUMBER];
    mg_profile_free(p);
    texts_free(t, n);
    return e;
}

static void test_init_flaws_at_the_ends_are_left_out(void **state)
{
    (void)state;
    /* 300 ages 18..90, one 230 and one -1: both flaws (1% of 300 = 3 allowed). */
    double x[302];
    for (int i = 0; i < 300; i++)
        x[i] = 18 + i % 73;
    x[300] = 230;
    x[301] = -1;
    mg_extremes e = extremes_of(x, 302);
    double lo, hi;
    uint64_t out;
    mg_flaw_range(&e, -1, 230, 3, &lo, &hi, &out);
    assert_true(lo == 18 && hi == 90);
    assert_int_equal(out, 2);
    /* With no tolerance nothing is left out. */
    mg_flaw_range(&e, -1, 230, 0, &lo, &hi, &out);
    assert_true(lo == -1 && hi == 230);
    assert_int_equal(out, 0);
    /* A long tail is not a flaw: 18..90 then 95 is within the span. */
    x[300] = 95;
    x[301] = 18;
    e = extremes_of(x, 302);
    mg_flaw_range(&e, 18, 95, 3, &lo, &hi, &out);
    assert_true(lo == 18 && hi == 95);
    assert_int_equal(out, 0);
}

static void test_init_rare_text_values_are_flaws(void **state)
{
    (void)state;
    /* 1 "XXX" among 2000 is rare (< 0.1%); the values leave it out and
     * the ranges check tolerates it. */
    const char **t = texts_of("%d", 2000);
    for (int i = 0; i < 2000; i++) {
        free((char *)t[i]);
        t[i] = strdup(i == 7 ? "XXX" : i % 2 ? "EUR" : "USD");
    }
    mg_col_rules r = rules_of(t, 2000);
    assert_true(r.has_values);
    assert_int_equal(r.out_of_range_cells, 1);
    assert_true(mg_value_is_rare(1, 2000));
    assert_false(mg_value_is_rare(2, 2000));
    texts_free(t, 2000);
}

/* A profile of rows "user_id,time" with times as epoch offsets (seconds
 * after 2026-01-01) rendered as RFC 3339. */
static mg_profile *events_of(const int *users, const long *secs, size_t n)
{
    const char *names[] = {"user_id", "at"};
    mg_profile *p = mg_profile_new(names, 2, -1, -1);
    for (size_t i = 0; i < n; i++) {
        char u[16], t[40];
        snprintf(u, sizeof u, "u%d", users[i]);
        mg_init_rfc3339(1767225600.0 + (double)secs[i], t, sizeof t);
        mg_value v[2] = {{MG_VALUE_TEXT, u, strlen(u), 0, 0}, {MG_VALUE_TEXT, t, strlen(t), 0, 0}};
        mg_row row = {2, v, 2, (unsigned long)i + 2, (unsigned long)i, 0};
        mg_profile_add_row(p, &row);
    }
    return p;
}

static void test_init_order_whole_file_per_key_or_none(void **state)
{
    (void)state;
    enum { N = 400 };
    int users[N];
    long secs[N];
    /* In time order but for 2 late rows in 400 (flaws, within 1%). */
    for (int i = 0; i < N; i++) {
        users[i] = i % 50;
        secs[i] = i * 60L;
    }
    secs[10] = 0;
    secs[20] = 0;
    mg_profile *p = events_of(users, secs, N);
    mg_order_rule r;
    mg_order_pick(p, mg_profile_pick_time(p), -1, &r);
    assert_true(r.use);
    assert_int_equal(r.key_col, -1);
    assert_int_equal(r.max_count, 2);
    mg_profile_free(p);
    /* Each user's events in order, the file not: per key. */
    for (int i = 0; i < N; i++)
        secs[i] = (i / 50) * 60L + (49 - i % 50) * 3600L;
    p = events_of(users, secs, N);
    mg_order_pick(p, mg_profile_pick_time(p), -1, &r);
    assert_true(r.use);
    assert_int_equal(r.key_col, 0);
    assert_int_equal(r.max_count, 0);
    mg_profile_free(p);
    /* Small jitter everywhere (100 s over a 4-day span), one user: allowed
     * lateness for the whole file. */
    for (int i = 0; i < N; i++) {
        users[i] = 0;
        secs[i] = i * 900L - (i % 2) * 1000L;
    }
    p = events_of(users, secs, N);
    mg_order_pick(p, mg_profile_pick_time(p), -1, &r);
    assert_true(r.use);
    assert_int_equal(r.key_col, -1);
    assert_true(r.allowed_lateness == 100);
    mg_profile_free(p);
    /* No order at all: no order check. */
    for (int i = 0; i < N; i++)
        secs[i] = (i * 7919L) % N * 3600L;
    p = events_of(users, secs, N);
    mg_order_pick(p, mg_profile_pick_time(p), -1, &r);
    assert_false(r.use);
    mg_profile_free(p);
}

static void test_init_id_names(void **state)
{
    (void)state;
    assert_true(mg_name_is_id("id"));
    assert_true(mg_name_is_id("customer_id"));
    assert_true(mg_name_is_id("Order ID"));
    assert_true(mg_name_is_id("userId"));
    assert_false(mg_name_is_id("valid"));
    assert_false(mg_name_is_id("paid"));
    assert_false(mg_name_is_id("ID_CARD"));
}

static void test_init_lateness_text(void **state)
{
    (void)state;
    char b[16];
    mg_lateness_text(0, b, sizeof b);
    assert_string_equal(b, "0s");
    mg_lateness_text(61, b, sizeof b);
    assert_string_equal(b, "2m");
    mg_lateness_text(3600, b, sizeof b);
    assert_string_equal(b, "1h");
    mg_lateness_text(86401, b, sizeof b);
    assert_string_equal(b, "2d");
}

static void test_init_metric_floors(void **state)
{
    (void)state;
    assert_true(mg_init_metric_floor(0.8804, 1) == 0.86);
    assert_true(mg_init_metric_floor(0.01, 1) == 0);
    assert_true(mg_init_metric_floor(-0.5, 0) == -0.52); /* r2 is not clamped */
    /* Error metrics: 5% above plus 0.001, 4 significant digits, never below. */
    double c = mg_init_metric_ceiling(0.15654);
    assert_true(c >= 0.15654 * 1.05 + 0.001 && c < 0.1655);
    c = mg_init_metric_ceiling(81.996);
    assert_true(c >= 81.996 * 1.05 && c <= 86.11);
    assert_true(mg_init_metric_ceiling(0) > 0);
}

static void test_init_relative_path(void **state)
{
    (void)state;
    char *r = mg_init_relative_path("/a/b", "/a/b/data.csv");
    assert_string_equal(r, "data.csv");
    free(r);
    r = mg_init_relative_path("/a/b/c", "/a/x/data.csv");
    assert_string_equal(r, "../../x/data.csv");
    free(r);
    r = mg_init_relative_path("/a/b", "/a/bc/data.csv");
    assert_string_equal(r, "../bc/data.csv");
    free(r);
    r = mg_init_relative_path("/tmp/x", "/work/data.csv"); /* only the root in common */
    assert_string_equal(r, "/work/data.csv");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_types_prefer_the_most_specific),
        cmocka_unit_test(test_init_timestamp_needs_a_zone),
        cmocka_unit_test(test_init_epoch_seconds_only_in_the_time_column),
        cmocka_unit_test(test_init_wrong_types_within_the_flaw_share),
        cmocka_unit_test(test_init_missing_within_the_flaw_share_stays_required),
        cmocka_unit_test(test_init_values_up_to_twenty),
        cmocka_unit_test(test_init_widen_bounds),
        cmocka_unit_test(test_init_id_is_unique_and_not_fractional),
        cmocka_unit_test(test_init_flaws_at_the_ends_are_left_out),
        cmocka_unit_test(test_init_rare_text_values_are_flaws),
        cmocka_unit_test(test_init_order_whole_file_per_key_or_none),
        cmocka_unit_test(test_init_id_names),
        cmocka_unit_test(test_init_lateness_text),
        cmocka_unit_test(test_init_metric_floors),
        cmocka_unit_test(test_init_relative_path),
    };
    return cmocka_run_group_tests_name("init", tests, NULL, NULL);
}
