/* test_row_batch.c - the runner's batch of copied rows (harness/row_batch.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness/row_batch.h"

/* Rows copied into the batch keep their texts, lines and kinds after the
 * source's buffers are overwritten and after the arena has grown many times. */
static void test_row_batch_keeps_rows_across_growth(void **state)
{
    (void)state;
    mg_row_batch b;
    mg_row_batch_init(&b, 300);
    char text[3][64];
    for (unsigned long r = 0; r < 300; r++) {
        /* arrange: one source row whose text buffers are reused for the next */
        mg_value v[3];
        memset(v, 0, sizeof v);
        for (int i = 0; i < 3; i++) {
            snprintf(text[i], sizeof text[i], "row %lu col %d %.*s", r, i, (int)(r % 40), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            v[i].kind = MG_VALUE_TEXT;
            v[i].text = text[i];
            v[i].len = strlen(text[i]);
        }
        v[2].kind = MG_VALUE_ABSENT;
        v[2].text = "";
        v[2].len = 0;
        mg_row row = {3, v, 3, r + 2, r, 10};
        mg_row_batch_push(&b, &row);
    }
    assert_true(mg_row_batch_full(&b));
    const mg_row *const *rows = mg_row_batch_rows(&b);
    for (unsigned long r = 0; r < 300; r++) {
        char want[64];
        snprintf(want, sizeof want, "row %lu col 1 %.*s", r, (int)(r % 40), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assert_int_equal(rows[r]->line, r + 2);
        assert_int_equal(rows[r]->nvalues, 3);
        assert_string_equal(rows[r]->values[1].text, want);
        assert_int_equal(rows[r]->values[1].len, strlen(want));
        assert_int_equal(rows[r]->values[2].kind, MG_VALUE_ABSENT);
        assert_string_equal(rows[r]->values[2].text, "");
    }
    /* act: cleared, the batch takes new rows from the start */
    mg_row_batch_clear(&b);
    assert_int_equal(mg_row_batch_count(&b), 0);
    mg_value one = {MG_VALUE_TEXT, "again", 5, 0, 0};
    mg_row row = {1, &one, 1, 7, 0, 6};
    mg_row_batch_push(&b, &row);
    rows = mg_row_batch_rows(&b);
    assert_int_equal(mg_row_batch_count(&b), 1);
    assert_string_equal(rows[0]->values[0].text, "again");
    mg_row_batch_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_batch_keeps_rows_across_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
