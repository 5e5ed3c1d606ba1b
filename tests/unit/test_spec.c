/* Unit tests for harness/spec.c: loading and validating gate specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness/spec.h"
#include "score/model.h"
#include "support/tmpfiles.h"

/*
 * The largest single malloc request, to see what the loader allocates for a
 * spec.  malloc is replaced in this test binary only, passing every call on
 * to glibc's own allocator, so free/realloc stay consistent.  Under ASan
 * (which owns malloc) the replacement is left out and the figure stays 0.
 */
#if !defined(__SANITIZE_ADDRESS__)
#define TRACK_MALLOC 1
extern void *__libc_malloc(size_t n);
static size_t largest_malloc;
void *malloc(size_t n)
{
    if (n > largest_malloc)
        largest_malloc = n;
    return __libc_malloc(n);
}
#endif

/* Loads text as a spec expected to fail; returns the first message. */
static const char *first_error(const char *text, mg_spec_errors *errs)
{
    const char *path = tu_write("gate.json", text);
    mg_spec *s = mg_spec_load(path, errs);
    assert_null(s);
    assert_true(errs->count > 0);
    return errs->msg[0];
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

static void test_spec_minimal_gets_defaults(void **state)
{
    (void)state;
    tu_write("d.csv", "a\n1\n");
    mg_spec_errors errs;
    mg_spec *s = mg_spec_load(tu_write("g.json", "{\"data\": {\"path\": \"d.csv\"}}"), &errs);
    assert_non_null(s);
    /* Paths resolve against the spec's folder, not the working directory. */
    assert_non_null(strstr(s->data_path, tu_dir()));
    assert_int_equal(s->limits.max_field_bytes, 1u << 20);
    /* Without a schema or roles only the always-on checks run. */
    assert_int_equal(s->nchecks, 2);
    assert_string_equal(s->checks[0].def->name, "format");
    assert_string_equal(s->checks[1].def->name, "limits");
    assert_int_equal(s->checks[0].implicit, 1);
    mg_spec_free(s);
}

static void test_spec_full_example_loads(void **state)
{
    (void)state;
    mg_spec_errors errs;
    const char *text =
        "{\"name\": \"g\", \"data\": {\"path\": \"x.jsonl\", \"id\": \"id\", \"time\": \"t\", \"key\": \"k\"},\n"
        " \"schema\": {\"id\": {\"type\": \"string\"}, \"t\": {\"type\": \"timestamp\", \"min\": \"2024-01-01T00:00:00Z\"},\n"
        "            \"v\": {\"type\": \"number\", \"min\": 0, \"max\": 1, \"nullable\": true, \"required\": false},\n"
        "            \"c\": {\"values\": [\"a\", 2]}},\n"
        " \"limits\": {\"max_rows\": 10, \"max_columns\": 5},\n"
        " \"checks\": [{\"check\": \"missing\", \"max_rate\": 0.5}, {\"check\": \"order\", \"allowed_lateness\": \"5m\"},\n"
        "            {\"check\": \"duplicates\", \"name\": \"dup ids\", \"max_count\": 2}],\n"
        " \"reports\": {\"junit\": \"out/j.xml\", \"examples\": 3}}";
    mg_spec *s = mg_spec_load(tu_write("full.json", text), &errs);
    if (!s)
        fail_msg("%s", errs.msg[0]);
    assert_string_equal(s->name, "g");
    assert_int_equal(s->format, MG_FORMAT_AUTO);
    assert_int_equal(s->nfields, 4);
    assert_int_equal(s->fields[1].type, MG_TYPE_TIMESTAMP);
    assert_true(s->fields[1].has_min);
    assert_true(s->fields[1].min == 1704067200.0);
    assert_false(s->fields[2].required);
    assert_true(s->fields[2].nullable);
    assert_string_equal(s->fields[3].values[1], "2");
    assert_int_equal(s->limits.max_rows, 10);
    assert_int_equal(s->examples, 3);
    /* The three listed checks, then format and limits added. */
    assert_int_equal(s->nchecks, 5);
    assert_true(s->checks[0].has_max_rate);
    assert_true(s->checks[0].max_rate == 0.5);
    assert_string_equal(s->checks[2].name, "dup ids");
    assert_int_equal(s->checks[2].max_count, 2);
    assert_string_equal(s->roles[MG_ROLE_TIME], "t");
    mg_spec_free(s);
}

static void test_spec_syntax_error_has_position(void **state)
{
    (void)state;
    mg_spec_errors errs;
    const char *msg = first_error("{\n  \"data\": {\"path\": \"d.csv\",}\n}", &errs);
    assert_contains(msg, "gate.json:2:");
    assert_contains(msg, "not valid JSON");
    mg_spec_errors_free(&errs);
}

static void test_spec_typo_in_key_points_at_it_and_suggests(void **state)
{
    (void)state;
    mg_spec_errors errs;
    const char *msg = first_error("{\"data\": {\"path\": \"d.csv\"},\n"
                                  "  \"chekcs\": []}", &errs);
    assert_contains(msg, "gate.json:2:3:");
    assert_contains(msg, "unknown key 'chekcs'");
    assert_contains(msg, "did you mean 'checks'?");
    mg_spec_errors_free(&errs);
}

static void test_spec_unknown_check_suggests(void **state)
{
    (void)state;
    mg_spec_errors errs;
    const char *msg = first_error("{\"data\": {\"path\": \"d.csv\"},\n"
                                  " \"checks\": [\n  {\"check\": \"missing\"},\n  {\"check\": \"duplicate\"}]}", &errs);
    /* "missing" also fails (no schema); the misspelt check is reported too. */
    int found = 0;
    for (size_t i = 0; i < errs.count; i++)
        if (strstr(errs.msg[i], "unknown check 'duplicate'; did you mean 'duplicates'?")) {
            assert_contains(errs.msg[i], "gate.json:4:13:");
            assert_contains(errs.msg[i], "checks[1].check");
            found = 1;
        }
    assert_true(found);
    (void)msg;
    mg_spec_errors_free(&errs);
}

static void test_spec_bad_option_values(void **state)
{
    (void)state;
    mg_spec_errors errs;
    first_error("{\"data\": {\"path\": \"d.csv\", \"time\": \"t\"},\n"
                " \"checks\": [{\"check\": \"order\", \"max_rate\": 5, \"allowed_lateness\": \"soon\",\n"
                "              \"max_cnt\": 1}]}", &errs);
    assert_int_equal(errs.total, 3);
    assert_contains(errs.msg[0], "max_rate: expected a rate between 0 and 1");
    assert_contains(errs.msg[1], "allowed_lateness: expected a duration");
    assert_contains(errs.msg[2], "did you mean 'max_count'?");
    mg_spec_errors_free(&errs);
}

static void test_spec_check_preconditions(void **state)
{
    (void)state;
    mg_spec_errors errs;
    const char *msg = first_error("{\"data\": {\"path\": \"d.csv\"}, \"checks\": [{\"check\": \"order\"}]}", &errs);
    assert_contains(msg, "needs the time column: set data.time");
    mg_spec_errors_free(&errs);
}

static void test_spec_schema_errors(void **state)
{
    (void)state;
    mg_spec_errors errs;
    first_error("{\"data\": {\"path\": \"d.csv\"}, \"schema\": {\n"
                " \"a\": {\"type\": \"nubmer\"},\n"
                " \"b\": {\"type\": \"number\", \"min\": 5, \"max\": 1},\n"
                " \"c\": {\"type\": \"string\", \"min\": 1},\n"
                " \"d\": 7}}", &errs);
    assert_int_equal(errs.total, 4);
    assert_contains(errs.msg[0], "gate.json:2:16: schema.a.type: unknown type 'nubmer' (did you mean 'number'?)");
    assert_contains(errs.msg[1], "max 1 is below min 5");
    assert_contains(errs.msg[2], "not string");
    assert_contains(errs.msg[3], "schema.d: expected an object");
    mg_spec_errors_free(&errs);
}

static void test_spec_missing_file_and_wrong_root(void **state)
{
    (void)state;
    mg_spec_errors errs;
    assert_null(mg_spec_load("/nonexistent/gate.json", &errs));
    assert_contains(errs.msg[0], "/nonexistent/gate.json: cannot open the gate spec");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("[1, 2]", &errs), "expected the gate spec to be an object, found an array");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{}", &errs), "missing \"data\"");
    mg_spec_errors_free(&errs);
}

static void test_spec_duplicate_keys_and_names(void **state)
{
    (void)state;
    mg_spec_errors errs;
    assert_contains(first_error("{\"data\": {\"path\": \"a.csv\"}, \"data\": {}}", &errs), "duplicate object key");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{\"data\": {\"path\": \"a.csv\"}, \"checks\": [{\"check\": \"format\"}, {\"check\": \"format\"}]}", &errs),
                    "a check named 'format' is already listed");
    mg_spec_errors_free(&errs);
}

static void test_spec_unknown_format_extension(void **state)
{
    (void)state;
    mg_spec_errors errs;
    assert_contains(first_error("{\"data\": {\"path\": \"data.parquet\"}}", &errs),
                    "cannot tell the format of 'data.parquet'");
    mg_spec_errors_free(&errs);
}

/* Loads text as a spec expected to load; the caller frees it. */
static mg_spec *loads(const char *text)
{
    mg_spec_errors errs;
    mg_spec *s = mg_spec_load(tu_write("gate.json", text), &errs);
    if (!s)
        fail_msg("spec did not load: %s", errs.count ? errs.msg[0] : "?");
    return s;
}

/* Issue 8.3: data.task, else the task the listed checks imply. */
static void test_spec_task_from_data_or_checks(void **state)
{
    (void)state;
    mg_spec *s = loads("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"}}");
    assert_int_equal(s->task, -1); /* nothing tells */
    mg_spec_free(s);
    s = loads("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\", \"task\": \"regression\"}}");
    assert_int_equal(s->task, MG_TASK_REGRESSION);
    assert_int_equal(s->task_given, 1);
    mg_spec_free(s);
    s = loads("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
              " \"checks\": [{\"check\": \"metric\", \"metric\": \"rmse\"}, {\"check\": \"metric\", \"metric\": \"r2\"}]}");
    assert_int_equal(s->task, MG_TASK_REGRESSION);
    assert_int_equal(s->task_given, 0);
    mg_spec_free(s);
    s = loads("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
              " \"checks\": [{\"check\": \"metric\", \"metric\": \"accuracy\"}, {\"check\": \"metric\", \"metric\": \"f1_macro\"}]}");
    assert_int_equal(s->task, MG_TASK_MULTICLASS);
    mg_spec_free(s);
    /* accuracy alone is binary or multiclass: not told. */
    s = loads("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
              " \"checks\": [{\"check\": \"metric\", \"metric\": \"accuracy\"}]}");
    assert_int_equal(s->task, -1);
    mg_spec_free(s);
    s = loads("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
              " \"checks\": [{\"check\": \"all_metrics\", \"task\": \"regression\"}]}");
    assert_int_equal(s->task, MG_TASK_REGRESSION);
    mg_spec_free(s);
}

static void test_spec_task_conflicts_are_positioned(void **state)
{
    (void)state;
    mg_spec_errors errs;
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
                                " \"checks\": [{\"check\": \"metric\", \"metric\": \"rmse\"},\n"
                                "  {\"check\": \"metric\", \"metric\": \"roc_auc\"}]}", &errs),
                    "gate.json:3:33: checks[1].metric: 'roc_auc' is a binary metric, but metric 'rmse' makes the "
                    "task regression");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\", \"task\": \"binary\"},\n"
                                " \"checks\": [{\"check\": \"all_metrics\", \"task\": \"regression\"}]}", &errs),
                    "gate.json:2:46: checks[0].task: 'regression' is a regression task, but data.task is 'binary'");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"task\": \"regresion\"}}", &errs),
                    "gate.json:1:36: data.task: unknown task 'regresion'; expected \"binary\", \"multiclass\" or "
                    "\"regression\"");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
                                " \"checks\": [{\"check\": \"all_metrics\", \"task\": \"multi\"}]}", &errs),
                    "checks[0].task: unknown task 'multi'");
    mg_spec_errors_free(&errs);
}

/* Issue 8.7: the positive class of text labels; numbers are kept as text. */
static void test_spec_positive_label(void **state)
{
    (void)state;
    mg_spec *s = loads("{\"data\": {\"path\": \"d.csv\", \"positive_label\": \"yes\"}}");
    assert_string_equal(s->positive_label, "yes");
    mg_spec_free(s);
    s = loads("{\"data\": {\"path\": \"d.csv\", \"positive_label\": 1}}");
    assert_string_equal(s->positive_label, "1");
    mg_spec_free(s);
    mg_spec_errors errs;
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"positive_label\": [\"yes\"]}}", &errs),
                    "data.positive_label: expected the label of the positive class, a string or a number, found an array");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"task\": \"regression\", \"positive_label\": \"yes\"}}",
                                &errs),
                    "data.positive_label: positive_label applies to binary labels; data.task is 'regression'");
    mg_spec_errors_free(&errs);
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\", \"positive_label\": \"yes\"},\n"
                                " \"checks\": [{\"check\": \"metric\", \"metric\": \"rmse\"}]}", &errs),
                    "data.positive_label: positive_label applies to binary labels, but metric 'rmse' makes the task "
                    "regression");
    mg_spec_errors_free(&errs);
}

/* Issue 8.4: all_metrics judges nothing, so a tolerance on it is refused. */
static void test_spec_all_metrics_rejects_tolerances(void **state)
{
    (void)state;
    mg_spec_errors errs;
    assert_contains(first_error("{\"data\": {\"path\": \"d.csv\", \"label\": \"y\", \"prediction\": \"p\"},\n"
                                " \"checks\": [{\"check\": \"all_metrics\", \"max_rate\": 0.1}]}", &errs),
                    "gate.json:2:50: checks[0].max_rate: all_metrics reports figures without judging them");
    mg_spec_errors_free(&errs);
}

/* Issue 15, item 8: a 16 MiB buffer was allocated for every spec. */
static void test_spec_buffer_is_the_spec_size(void **state)
{
    (void)state;
    /* Arrange: a 33-byte spec. */
    const char *path = tu_write("small.json", "{\"data\": {\"path\": \"d.csv\"}}\n");
    mg_spec_errors errs;
#ifdef TRACK_MALLOC
    largest_malloc = 0;
#endif
    /* Act */
    mg_spec *s = mg_spec_load(path, &errs);
    /* Assert: loaded, and no allocation anywhere near the maximum. */
    assert_non_null(s);
#ifdef TRACK_MALLOC
    if (largest_malloc >= 1u << 20)
        fail_msg("the loader asked for %zu bytes for a 33-byte spec", largest_malloc);
#endif
    mg_spec_free(s);
}

static void test_spec_over_the_maximum_is_refused_with_its_size(void **state)
{
    (void)state;
    const char *path = tu_write("huge.json", "");
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    /* Sparse: one byte past the maximum costs no disk. */
    assert_int_equal(fseek(fp, 16L << 20, SEEK_SET), 0);
    assert_int_equal(fputc(' ', fp), ' ');
    fclose(fp);
    mg_spec_errors errs;
    assert_null(mg_spec_load(path, &errs));
    assert_contains(errs.msg[0], "huge.json: the spec is 16777217 bytes, more than the 16 MiB maximum");
    mg_spec_errors_free(&errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_minimal_gets_defaults),
        cmocka_unit_test(test_spec_full_example_loads),
        cmocka_unit_test(test_spec_syntax_error_has_position),
        cmocka_unit_test(test_spec_typo_in_key_points_at_it_and_suggests),
        cmocka_unit_test(test_spec_unknown_check_suggests),
        cmocka_unit_test(test_spec_bad_option_values),
        cmocka_unit_test(test_spec_check_preconditions),
        cmocka_unit_test(test_spec_schema_errors),
        cmocka_unit_test(test_spec_missing_file_and_wrong_root),
        cmocka_unit_test(test_spec_duplicate_keys_and_names),
        cmocka_unit_test(test_spec_unknown_format_extension),
        cmocka_unit_test(test_spec_task_from_data_or_checks),
        cmocka_unit_test(test_spec_task_conflicts_are_positioned),
        cmocka_unit_test(test_spec_positive_label),
        cmocka_unit_test(test_spec_all_metrics_rejects_tolerances),
        cmocka_unit_test(test_spec_buffer_is_the_spec_size),
        cmocka_unit_test(test_spec_over_the_maximum_is_refused_with_its_size),
    };
    return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
