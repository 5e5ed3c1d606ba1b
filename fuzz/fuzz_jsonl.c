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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("data.jsonl", data, size);
    fuzz_read_source(path, NULL, MG_FORMAT_JSONL, data, size);

    static const char *const columns[] = {"id", "amount", "label", "score", "a"};
    mg_source_options given = {0};
    given.format = MG_FORMAT_JSONL;
    given.columns = columns;
    given.ncolumns = sizeof columns / sizeof *columns;
    given.limits.max_field_bytes = 8;
    given.limits.max_row_bytes = 64;
    given.limits.max_rows = 5;
    given.limits.max_file_bytes = 4096;
    fuzz_read_source(path, &given, MG_FORMAT_JSONL, data, size);
    return 0;
}
