/* Unit tests for the label reader shared by the metric checks (checks/check.c):
 * data.positive_label and the messages that name unreadable labels (issue 8.7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "checks/check.h"

static mg_value text(const char *t)
{
    mg_value v;
    memset(&v, 0, sizeof v);
    v.kind = MG_VALUE_TEXT;
    v.text = t;
    v.len = strlen(t);
    return v;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay ? hay : "(null)", needle);
}

static void test_labels_binary_without_positive_label(void **state)
{
    (void)state;
    mg_check_env env;
    memset(&env, 0, sizeof env);
    mg_value one = text("1"), t = text("TRUE"), yes = text("yes");
    assert_int_equal(mg_label_class(&env, MG_TASK_BINARY, &one), 1);
    assert_int_equal(mg_label_class(&env, MG_TASK_BINARY, &t), 1);
    assert_int_equal(mg_label_class(&env, MG_TASK_BINARY, &yes), -1);
}

static void test_labels_positive_label_is_compared_as_text(void **state)
{
    (void)state;
    mg_check_env env;
    memset(&env, 0, sizeof env);
    env.positive_label = "yes";
    mg_value yes = text("yes"), no = text("no"), empty = text("");
    assert_int_equal(mg_label_class(&env, MG_TASK_BINARY, &yes), 1);
    assert_int_equal(mg_label_class(&env, MG_TASK_BINARY, &no), 0);
    assert_int_equal(mg_label_class(&env, MG_TASK_BINARY, &empty), -1); /* missing stays unusable */
}

static void test_labels_hint_names_labels_and_the_option(void **state)
{
    (void)state;
    mg_check_env env;
    memset(&env, 0, sizeof env);
    mg_label_sample s;
    memset(&s, 0, sizeof s);
    assert_null(mg_label_hint(&env, MG_TASK_BINARY, &s));
    const char *seen[] = {"no", "no", "yes", "no"};
    for (size_t i = 0; i < 4; i++) {
        mg_value v = text(seen[i]);
        mg_label_sample_add(&s, &v);
    }
    assert_int_equal(s.n, 2); /* distinct only */
    char *h = mg_label_hint(&env, MG_TASK_BINARY, &s);
    assert_contains(h, "labels found: 'no', 'yes'");
    assert_contains(h, "set data.positive_label");
    free(h);
    /* Multiclass: the model's classes are listed. */
    const char *classes[] = {"cat", "dog", NULL};
    env.class_labels = classes;
    env.nscores = 2;
    h = mg_label_hint(&env, MG_TASK_MULTICLASS, &s);
    assert_contains(h, "the model's classes are 'cat', 'dog'");
    free(h);
    env.class_labels = NULL;
    env.nscores = 3;
    h = mg_label_hint(&env, MG_TASK_MULTICLASS, &s);
    assert_contains(h, "the model's classes are 0 to 2");
    free(h);
    mg_label_sample_free(&s);
}

static void test_labels_sample_escapes_and_caps(void **state)
{
    (void)state;
    mg_label_sample s;
    memset(&s, 0, sizeof s);
    const char *seen[] = {"a\x01", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++) {
        mg_value v = text(seen[i]);
        mg_label_sample_add(&s, &v);
    }
    assert_int_equal(s.n, MG_LABEL_SAMPLE_MAX);
    assert_string_equal(s.text[0], "a\\x01");
    mg_check_env env;
    memset(&env, 0, sizeof env);
    char *h = mg_label_hint(&env, MG_TASK_BINARY, &s);
    assert_contains(h, "more than two values, not binary labels");
    free(h);
    mg_label_sample_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_binary_without_positive_label),
        cmocka_unit_test(test_labels_positive_label_is_compared_as_text),
        cmocka_unit_test(test_labels_hint_names_labels_and_the_option),
        cmocka_unit_test(test_labels_sample_escapes_and_caps),
    };
    return cmocka_run_group_tests_name("labels", tests, NULL, NULL);
}
