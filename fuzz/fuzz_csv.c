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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("data.csv", data, size);
    fuzz_read_source(path, NULL, MG_FORMAT_CSV, data, size);

    static const char delimiters[] = {',', ';', '\t', '|'};
    mg_source_options tight = {0};
    tight.format = MG_FORMAT_CSV;
    tight.delimiter = delimiters[size % sizeof delimiters];
    tight.limits.max_field_bytes = 8;
    tight.limits.max_row_bytes = 32;
    tight.limits.max_columns = 3;
    tight.limits.max_rows = 5;
    tight.limits.max_file_bytes = 4096;
    fuzz_read_source(path, &tight, MG_FORMAT_CSV, data, size);
    return 0;
}
