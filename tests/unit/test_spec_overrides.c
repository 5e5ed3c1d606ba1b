/* Unit tests for spec overrides (issue 10, item 3): the ${NAME} expander
 * (harness/spec_vars.c), --set parsing and applying (harness/spec_set.c)
 * and both through mg_spec_load_with (harness/spec.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "harness/spec.h"
#include "harness/spec_set.h"
#include "harness/spec_vars.h"
#include "support/tmpfiles.h"

/* A fake environment: MODEL=m.json, EMPTY="", nothing else. */
static const char *fake_env(const char *name, void *ctx)
{
    (void)ctx;
    if (strcmp(name, "MODEL") == 0)
        return "m.json";
    if (strcmp(name, "EMPTY") == 0)
        return "";
    return NULL;
}

/* Expands in; fails the test when expansion fails. Caller frees. */
static char *expand_ok(const char *in)
{
    char err[300] = "";
    char *out = mg_vars_expand(in, fake_env, NULL, err, sizeof err);
    if (!out)
        fail_msg("'%s' did not expand: %s", in, err);
    return out;
}

/* Expands in expecting a failure; returns the reason in err. */
static void expand_fails(const char *in, char *err, size_t size)
{
    char *out = mg_vars_expand(in, fake_env, NULL, err, size);
    if (out)
        fail_msg("'%s' expanded to '%s'; expected an error", in, out);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

static void test_vars_set_and_defaults(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"build/${MODEL}", "build/m.json"},
        {"${MODEL}${MODEL}", "m.jsonm.json"},
        {"${UNSET:-eval.csv}", "eval.csv"},
        {"${MODEL:-other}", "m.json"},
        {"${EMPTY:-fallback}", "fallback"},  /* as in the shell: empty takes the default */
        {"a${EMPTY}b", "ab"},
        {"${UNSET:-}", ""},
        {"no references", "no references"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = expand_ok(cases[i][0]);
        assert_string_equal(out, cases[i][1]);
        free(out);
    }
}

static void test_vars_escapes_and_lone_dollars(void **state)
{
    (void)state;
    char *out = expand_ok("$${MODEL} costs $5, ^a$ and $$");
    assert_string_equal(out, "${MODEL} costs $5, ^a$ and $$");
    free(out);
    /* The default is taken as written, not expanded again. */
    out = expand_ok("${UNSET:-$MODEL}");
    assert_string_equal(out, "$MODEL");
    free(out);
}

static void test_vars_unset_without_default(void **state)
{
    (void)state;
    char err[300];
    expand_fails("dir/${MODEL_DIR}/m.json", err, sizeof err);
    assert_string_equal(err, "environment variable 'MODEL_DIR' is not set (use ${MODEL_DIR:-default} to give "
                             "a default)");
}

static void test_vars_malformed(void **state)
{
    (void)state;
    char err[300];
    expand_fails("x${", err, sizeof err);
    assert_contains(err, "unterminated '${'");
    expand_fails("${1X}", err, sizeof err);
    assert_contains(err, "malformed reference '${1X}'");
    expand_fails("${}", err, sizeof err);
    assert_contains(err, "malformed reference '${}'");
    expand_fails("${A B}", err, sizeof err);
    assert_contains(err, "malformed reference '${A B}'");
    expand_fails("${A-x}", err, sizeof err);
    assert_contains(err, "malformed reference");
}

static void test_set_parse_paths_and_values(void **state)
{
    (void)state;
    char err[300];
    mg_spec_set s;
    assert_int_equal(mg_spec_set_parse("checks[2].min=0.8", &s, err, sizeof err), 0);
    assert_int_equal(s.path.depth, 3);
    assert_string_equal(s.path.step[0].key, "checks");
    assert_null(s.path.step[1].key);
    assert_int_equal(s.path.step[1].index, 2);
    assert_string_equal(s.path.step[2].key, "min");
    assert_true(json_is_real(s.value));
    mg_spec_set_free(&s);

    /* JSON when it parses, else the text as a string. */
    const char *values[][2] = {
        {"a=3", "3"}, {"a=true", "true"}, {"a=null", "null"}, {"a=[1, 2]", "[1,2]"},
        {"a=\"7\"", "\"7\""}, {"a=build/m.json", "\"build/m.json\""}, {"a=", "\"\""},
        {"a=x=y", "\"x=y\""}, {"a={\"k\": 1}", "{\"k\":1}"},
    };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        assert_int_equal(mg_spec_set_parse(values[i][0], &s, err, sizeof err), 0);
        char *dump = json_dumps(s.value, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_string_equal(dump, values[i][1]);
        free(dump);
        mg_spec_set_free(&s);
    }
}

static void test_set_parse_errors(void **state)
{
    (void)state;
    char err[300];
    mg_spec_set s;
    const char *bad[][2] = {
        {"model.path", "expected KEY.PATH=VALUE"},
        {"=1", "expected KEY.PATH=VALUE"},
        {"a..b=1", "empty key"},
        {"checks[x].min=1", "expected a list index like '[2]' after 'checks'"},
        {"checks[-1].min=1", "expected a list index"},
        {"checks[0]x=1", "expected '.' or '=' after '[0]'"},
        {"a.b.c.d.e.f.g.h.i=1", "more than 8 steps deep"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_equal(mg_spec_set_parse(bad[i][0], &s, err, sizeof err), -1);
        assert_contains(err, bad[i][1]);
        mg_spec_set_free(&s);
    }
}

static void test_set_apply_creates_and_converts(void **state)
{
    (void)state;
    char err[300];
    json_t *root = json_loads("{\"model\": \"m.json\", \"checks\": [{\"min\": 1}]}", 0, NULL);
    mg_spec_set s;
    const char *args[] = {"model.format=xgboost", "checks[0].min=0.5", "limits.min_rows=10"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(mg_spec_set_parse(args[i], &s, err, sizeof err), 0);
        assert_int_equal(mg_spec_set_apply(root, &s, err, sizeof err), 0);
        mg_spec_set_free(&s);
    }
    char *dump = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(dump, "{\"checks\":[{\"min\":0.5}],\"limits\":{\"min_rows\":10},"
                              "\"model\":{\"format\":\"xgboost\",\"path\":\"m.json\"}}");
    free(dump);
    /* An index past the list and a key inside a plain string are errors. */
    assert_int_equal(mg_spec_set_parse("checks[4].min=1", &s, err, sizeof err), 0);
    assert_int_equal(mg_spec_set_apply(root, &s, err, sizeof err), -1);
    assert_string_equal(err, "no element [4] in 'checks' (it has 1)");
    mg_spec_set_free(&s);
    json_object_set_new(root, "name", json_string("g"));
    assert_int_equal(mg_spec_set_parse("name.x=1", &s, err, sizeof err), 0);
    assert_int_equal(mg_spec_set_apply(root, &s, err, sizeof err), -1);
    assert_contains(err, "cannot set key 'x' in a string");
    mg_spec_set_free(&s);
    json_decref(root);
}

static const char gate_text[] = "{\"data\": {\"path\": \"${MGATE_T_DATA:-d.csv}\"},\n"
                                " \"model\": \"${MGATE_T_MODEL}\"}\n";

static void test_load_unset_variable_has_position(void **state)
{
    (void)state;
    unsetenv("MGATE_T_MODEL");
    mg_spec_errors errs;
    assert_null(mg_spec_load(tu_write("gate.json", gate_text), &errs));
    assert_int_equal(errs.total, 1);
    assert_contains(errs.msg[0], "gate.json:2:11: model: environment variable 'MGATE_T_MODEL' is not set "
                                 "(use ${MGATE_T_MODEL:-default} to give a default)");
    mg_spec_errors_free(&errs);
}

static void test_load_expands_relative_to_spec_and_records_names(void **state)
{
    (void)state;
    setenv("MGATE_T_MODEL", "m.json", 1);
    mg_spec_errors errs;
    mg_spec *s = mg_spec_load(tu_write("gate.json", gate_text), &errs);
    assert_non_null(s);
    /* Expanded relative paths resolve against the spec's folder. */
    char *want = mg_spec_resolve(s, "m.json");
    assert_string_equal(s->model.path, want);
    free(want);
    assert_non_null(strstr(s->data_path, tu_dir()));
    assert_int_equal(s->nvariables, 2);
    assert_string_equal(s->variables[0], "MGATE_T_DATA");
    assert_string_equal(s->variables[1], "MGATE_T_MODEL");
    mg_spec_free(s);
    unsetenv("MGATE_T_MODEL");
}

static void test_load_set_paths_are_relative_to_cwd(void **state)
{
    (void)state;
    unsetenv("MGATE_T_MODEL");
    const char *sets[] = {"model.path=build/m.json", "data.path=eval.csv"};
    mg_spec_errors errs;
    /* The unset variable is replaced by --set, so it is no error. */
    mg_spec *s = mg_spec_load_with(tu_write("gate.json", gate_text), sets, 2, &errs);
    assert_non_null(s);
    assert_string_equal(s->model.path, "build/m.json");
    assert_string_equal(s->data_path, "eval.csv");
    assert_int_equal(s->noverrides, 2);
    assert_string_equal(s->overrides[0], "model.path=build/m.json");
    mg_spec_free(s);
}

static void test_load_set_errors_name_the_argument(void **state)
{
    (void)state;
    setenv("MGATE_T_MODEL", "m.json", 1);
    const char *path = tu_write("gate.json", gate_text);
    mg_spec_errors errs;
    const char *typo[] = {"modle.path=x"};
    assert_null(mg_spec_load_with(path, typo, 1, &errs));
    assert_string_equal(errs.msg[0], "--set modle.path=x: unknown key 'modle' in the gate spec; did you mean 'model'?");
    mg_spec_errors_free(&errs);
    const char *inner[] = {"model={\"pth\": \"m.json\"}"};
    assert_null(mg_spec_load_with(path, inner, 1, &errs));
    assert_string_equal(errs.msg[0], "--set model={\"pth\": \"m.json\"}: model.pth: unknown key 'pth' in model; "
                                     "did you mean 'path'?");
    mg_spec_errors_free(&errs);
    const char *kind[] = {"limits.min_rows=\"ten\""};
    assert_null(mg_spec_load_with(path, kind, 1, &errs));
    assert_string_equal(errs.msg[0], "--set limits.min_rows=\"ten\": expected a whole number >= 0, found a string");
    mg_spec_errors_free(&errs);
    unsetenv("MGATE_T_MODEL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vars_set_and_defaults),
        cmocka_unit_test(test_vars_escapes_and_lone_dollars),
        cmocka_unit_test(test_vars_unset_without_default),
        cmocka_unit_test(test_vars_malformed),
        cmocka_unit_test(test_set_parse_paths_and_values),
        cmocka_unit_test(test_set_parse_errors),
        cmocka_unit_test(test_set_apply_creates_and_converts),
        cmocka_unit_test(test_load_unset_variable_has_position),
        cmocka_unit_test(test_load_expands_relative_to_spec_and_records_names),
        cmocka_unit_test(test_load_set_paths_are_relative_to_cwd),
        cmocka_unit_test(test_load_set_errors_name_the_argument),
    };
    return cmocka_run_group_tests_name("spec_overrides", tests, NULL, NULL);
}
