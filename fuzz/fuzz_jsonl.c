/*
 * fuzz_jsonl.c - the JSON Lines row source (sources/source_jsonl.c over
 * jansson).
 *
 * Each input is read twice: with the columns taken from the first object,
 * and with a given column list under small limits, so both ways of naming
 * columns and the too-big paths run on every input.  Every row and problem
 * is checked against what source.h promises (fuzz_drain_source).
 */
#include "fuzz/support.h"

static void read_with(const char *path, const mg_source_options *opts, const uint8_t *data, size_t size)
{
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, opts, &err);
    if (!src) {
        if (!err.msg[0])
            fuzz_fail("mg_source_open failed without a message");
        return;
    }
    if (mg_source_format(src) != MG_FORMAT_JSONL)
        fuzz_fail("a .jsonl file opened as format %d", (int)mg_source_format(src));
    if (opts && opts->columns && mg_source_ncolumns(src) != opts->ncolumns)
        fuzz_fail("%zu columns asked for, %zu given", opts->ncolumns, mg_source_ncolumns(src));
    /* Every line is a row or a problem, plus the end. */
    fuzz_drain_source(src, (uint64_t)size + 4, data, size);
    mg_source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("data.jsonl", data, size);
    read_with(path, NULL, data, size);

    static const char *const columns[] = {"id", "amount", "label", "score", "a"};
    mg_source_options given = {0};
    given.format = MG_FORMAT_JSONL;
    given.columns = columns;
    given.ncolumns = sizeof columns / sizeof *columns;
    given.limits.max_field_bytes = 8;
    given.limits.max_row_bytes = 64;
    given.limits.max_rows = 5;
    given.limits.max_file_bytes = 4096;
    read_with(path, &given, data, size);
    return 0;
}
