/* Unit tests for common/keytable.c and common/suggest.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "common/keytable.h"
#include "common/name_index.h"
#include "common/suggest.h"

static mg_key128 key_of(const char *a, const char *b)
{
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, a, strlen(a));
    if (b)
        mg_key_hasher_add(&h, b, strlen(b));
    return mg_key_hasher_done(&h);
}

static void test_keytable_finds_what_was_inserted(void **state)
{
    (void)state;
    mg_keytable t;
    mg_keytable_init(&t);
    char buf[32];
    /* Enough keys to force several resizes. */
    for (int i = 0; i < 50000; i++) {
        snprintf(buf, sizeof buf, "id-%d", i);
        int found;
        mg_key_entry *e = mg_keytable_upsert(&t, key_of(buf, NULL), &found);
        assert_false(found);
        e->line = (uint64_t)i + 2;
    }
    assert_int_equal(t.count, 50000);
    for (int i = 0; i < 50000; i += 997) {
        snprintf(buf, sizeof buf, "id-%d", i);
        int found;
        mg_key_entry *e = mg_keytable_upsert(&t, key_of(buf, NULL), &found);
        assert_true(found);
        assert_int_equal(e->line, (uint64_t)i + 2);
    }
    assert_int_equal(t.count, 50000);
    mg_keytable_free(&t);
}

static void test_keytable_parts_are_length_prefixed(void **state)
{
    (void)state;
    mg_key128 a = key_of("ab", "c"), b = key_of("a", "bc");
    assert_false(a.hi == b.hi && a.lo == b.lo);
    mg_key128 c = key_of("ab", "c");
    assert_true(a.hi == c.hi && a.lo == c.lo);
}

static void test_suggest_close_names_only(void **state)
{
    (void)state;
    const char *const names[] = {"missing", "types", "ranges", "duplicates", NULL};
    assert_string_equal(mg_suggest("duplicate", names), "duplicates");
    assert_string_equal(mg_suggest("mising", names), "missing");
    assert_string_equal(mg_suggest("tpyes", names), "types");
    assert_null(mg_suggest("latency", names));
    assert_null(mg_suggest("ab", names));
    assert_int_equal(mg_edit_distance("kitten", "sitting"), 3);
}

static void test_name_index_keeps_the_first_position(void **state)
{
    (void)state;
    mg_name_index ix;
    mg_name_index_init(&ix);
    /* Empty: nothing found, and find never inserts. */
    assert_int_equal(mg_name_index_find(&ix, "a"), -1);
    assert_int_equal(ix.table.count, 0);
    char buf[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(buf, sizeof buf, "c%d", i);
        assert_int_equal(mg_name_index_add(&ix, buf, (size_t)i), -1);
    }
    /* A repeat reports the first position and does not replace it. */
    assert_int_equal(mg_name_index_add(&ix, "c7", 100000), 7);
    assert_int_equal(mg_name_index_find(&ix, "c7"), 7);
    assert_int_equal(mg_name_index_find(&ix, "c0"), 0);
    assert_int_equal(mg_name_index_find(&ix, "c99999"), 99999);
    assert_int_equal(mg_name_index_find(&ix, "c100000"), -1);
    assert_int_equal(mg_name_index_find(&ix, ""), -1);
    assert_int_equal(mg_name_index_add(&ix, "", 5), -1);
    assert_int_equal(mg_name_index_find(&ix, ""), 5);
    mg_name_index_free(&ix);
    mg_name_index_free(&ix); /* a freed index is a zeroed one */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keytable_finds_what_was_inserted),
        cmocka_unit_test(test_name_index_keeps_the_first_position),
        cmocka_unit_test(test_keytable_parts_are_length_prefixed),
        cmocka_unit_test(test_suggest_close_names_only),
    };
    return cmocka_run_group_tests_name("keytable", tests, NULL, NULL);
}
