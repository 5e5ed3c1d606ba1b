/*
 * fuzz_spec.c - the gate spec loader (harness/spec.c): any input either
 * loads into a spec or gives at least one error message, never both, and
 * everything is freed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/support.h"
#include "harness/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("gate.json", data, size);
    mg_spec_errors errs;
    mg_spec *spec = mg_spec_load(path, &errs);
    if (!spec) {
        if (errs.count == 0 || errs.total < errs.count || errs.count > MG_SPEC_MAX_ERRORS)
            fuzz_fail("spec refused with %zu messages of %zu errors", errs.count, errs.total);
        for (size_t i = 0; i < errs.count; i++)
            if (!errs.msg[i] || !errs.msg[i][0])
                fuzz_fail("spec error %zu is empty", i);
        mg_spec_errors_free(&errs);
        return 0;
    }
    if (errs.total != 0)
        fuzz_fail("spec loaded with %zu errors", errs.total);
    if (!spec->data_path || !spec->name)
        fuzz_fail("a loaded spec without data path or name");
    if (spec->nchecks && !spec->checks)
        fuzz_fail("%zu checks but no array", spec->nchecks);
    for (size_t i = 0; i < spec->nchecks; i++)
        if (!spec->checks[i].def || !spec->checks[i].name)
            fuzz_fail("check %zu has no definition or name", i);
    char *resolved = mg_spec_resolve(spec, "x.csv");
    free(resolved);
    /* What `mgate baseline` does to a spec. */
    mg_spec_only_check(spec, "all_metrics");
    mg_spec_free(spec);
    return 0;
}
