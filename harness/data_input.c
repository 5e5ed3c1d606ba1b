/*
 * data_input.c - opening a gate spec's data (data.path as files or globs).
 */
#include "harness/data_input.h"

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
