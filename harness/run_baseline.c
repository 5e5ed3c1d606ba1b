#include "harness/run_baseline.h"

#include <stdio.h>
#include <string.h>

json_t *mg_run_load_baseline(const mg_spec *spec, mg_error *err)
{
    json_error_t jerr;
    json_t *b = json_load_file(spec->baseline_path, JSON_REJECT_DUPLICATES, &jerr);
    if (!b) {
        if (jerr.line < 1)
            mg_error_set(err, "'%s': cannot read the baseline: %s", spec->baseline_path, jerr.text);
        else
            mg_error_set(err, "%s:%d:%d: cannot read the baseline: %s", spec->baseline_path, jerr.line,
                         jerr.column, jerr.text);
        return NULL;
    }
    if (!json_is_object(json_object_get(b, "metrics"))) {
        mg_error_set(err, "%s: not a baseline: no \"metrics\" object (write one with 'mgate baseline')",
                     spec->baseline_path);
        json_decref(b);
        return NULL;
    }
    return b;
}

int mg_run_check_baseline_data(const mg_spec *spec, const char *sha, const char *data_sha256, mg_error *err)
{
    int rc = 0;
    if (sha && strcmp(sha, data_sha256) != 0) {
        if (!spec->baseline_mismatch_warns) {
            mg_error_set(err, "%s: the baseline was computed on other data (data sha256 %.12s…, this data %.12s…); "
                              "regenerate it with 'mgate baseline', or set baseline.on_mismatch to \"warn\"",
                         spec->baseline_path, sha, data_sha256);
            rc = -1;
        } else {
            fprintf(stderr, "mgate: warning: %s: the baseline was computed on other data (sha256 %.12s…, this data %.12s…)\n",
                    spec->baseline_path, sha, data_sha256);
        }
    }
    return rc;
}
