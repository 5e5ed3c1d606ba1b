/*
 * fuzz_csv.c - the CSV row source (sources/source_csv.c over libcsv).
 *
 * Each input is read twice: as a .csv with the defaults, and with small
 * limits and a delimiter picked by the input's length, so the too-big and
 * too-many paths run on every input.  Every row and problem is checked
 * against what source.h promises (fuzz_drain_source), and the fingerprint
 * against the input's SHA-256.
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
    if (mg_source_format(src) != MG_FORMAT_CSV)
        fuzz_fail("a .csv file opened as format %d", (int)mg_source_format(src));
    /* A record takes at least one byte, and each read either returns a row
     * or a problem for at least one record, plus the end. */
    fuzz_drain_source(src, (uint64_t)size + 4, data, size);
    mg_source_free(src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("data.csv", data, size);
    read_with(path, NULL, data, size);

    static const char delimiters[] = {',', ';', '\t', '|'};
    mg_source_options tight = {0};
    tight.format = MG_FORMAT_CSV;
    tight.delimiter = delimiters[size % sizeof delimiters];
    tight.limits.max_field_bytes = 8;
    tight.limits.max_row_bytes = 32;
    tight.limits.max_columns = 3;
    tight.limits.max_rows = 5;
    tight.limits.max_file_bytes = 4096;
    read_with(path, &tight, data, size);
    return 0;
}
