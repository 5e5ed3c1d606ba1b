/*
 * data_input.c - opening a gate spec's data (data.path as files or globs).
 */
#include "harness/data_input.h"

#include <string.h>

#include "common/xmem.h"

int mg_spec_data_files(const mg_spec *spec, mg_data_files *files, mg_error *err)
{
    if (!spec->ndata_entries)
        return mg_error_set(err, "no data path given");
    return mg_data_files_resolve((const char *const *)spec->data_entries, spec->ndata_entries, files, err);
}

mg_source *mg_spec_open_data(const mg_spec *spec, const mg_source_options *so, mg_error *err)
{
    mg_data_files files;
    if (mg_spec_data_files(spec, &files, err) != 0)
        return NULL;
    mg_source *src = mg_source_open_files(&files, spec->data_path, so, err);
    mg_data_files_free(&files);
    return src;
}

/* JSONL sources need the column list: schema fields, then role columns. */
const char **mg_spec_jsonl_columns(const mg_spec *spec, size_t *n)
{
    const char **cols = mg_xcalloc(spec->nfields + MG_ROLE_COUNT + 1, sizeof *cols);
    size_t k = 0;
    for (size_t i = 0; i < spec->nfields; i++)
        cols[k++] = spec->fields[i].name;
    for (int r = 0; r < MG_ROLE_COUNT; r++) {
        const char *name = spec->roles[r];
        if (!name)
            continue;
        int dup = 0;
        for (size_t j = 0; j < k; j++)
            dup |= strcmp(cols[j], name) == 0;
        if (!dup)
            cols[k++] = name;
    }
    *n = k;
    return cols;
}

/* Reads every schema field of the row once for all checks. */
void mg_type_row(const mg_spec *spec, const long *field_column, const mg_row *row, mg_typed *typed)
{
    for (size_t f = 0; f < spec->nfields; f++) {
        mg_typed *t = &typed[f];
        long col = field_column[f];
        if (col < 0) {
            t->state = MG_TYPED_NO_COLUMN;
            continue;
        }
        const mg_value *v = &row->values[col];
        if (mg_value_is_missing(v)) {
            t->state = MG_TYPED_MISSING;
            continue;
        }
        t->expected = NULL;
        t->state = mg_value_as_field(v, &spec->fields[f], &t->num, &t->expected) == 0 ? MG_TYPED_OK : MG_TYPED_WRONG;
    }
}
