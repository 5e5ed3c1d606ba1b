/*
 * test_value_json.c - data values as JSON (sources/value_json.h), as fixture
 * cases and adversarial examples show them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sources/value_json.h"

static mg_value txt(const char *text)
{
    mg_value v = {MG_VALUE_TEXT, text, strlen(text), 0.0, 0};
    return v;
}

static void test_value_json_kinds(void **state)
{
    (void)state;
    mg_value t = txt("275.92");
    json_t *j = mg_value_json(&t);
    assert_true(json_is_real(j) && json_real_value(j) == 275.92);
    json_decref(j);
    mg_value i = txt("65");
    j = mg_value_json(&i);
    assert_true(json_is_integer(j) && json_integer_value(j) == 65);
    json_decref(j);
    mg_value bad = txt("\xff\xfe");
    j = mg_value_json(&bad);
    assert_string_equal(json_string_value(j), "\\xff\\xfe");
    json_decref(j);
    mg_value nan = txt("nan");
    j = mg_value_json(&nan); /* not finite: kept as text, JSON has no NaN */
    assert_string_equal(json_string_value(j), "nan");
    json_decref(j);
    mg_value absent = {MG_VALUE_ABSENT, "", 0, 0, 0};
    assert_null(mg_value_json(&absent));
}

static void test_value_json_invalid_utf8_text_is_escaped(void **state)
{
    (void)state;
    /* arrange: a NUL and a byte that is not UTF-8 inside printable text */
    const char raw[] = {'a', '\0', 'b', (char)0xc3};
    /* act */
    json_t *j = mg_text_json(raw, sizeof raw);
    /* assert */
    assert_string_equal(json_string_value(j), "a\\x00b\\xc3");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_json_kinds),
        cmocka_unit_test(test_value_json_invalid_utf8_text_is_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
