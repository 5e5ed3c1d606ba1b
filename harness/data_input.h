/*
 * data_input.h - opening a gate spec's data: data.path's entries (files and
 * glob patterns) resolved to files and read as one data set.
 */
#ifndef MG_HARNESS_DATA_INPUT_H
#define MG_HARNESS_DATA_INPUT_H

#include "checks/check.h"
#include "harness/spec.h"
#include "sources/data_files.h"
#include "sources/source.h"

/* Resolves data.path into files (sources/data_files.h).  0, or -1 with err. */
int mg_spec_data_files(const mg_spec *spec, mg_data_files *files, mg_error *err);

/* Opens the spec's data as one source (mg_source_open_files); NULL with err
 * naming the entry or file at fault (e.g. a glob that matches nothing). */
mg_source *mg_spec_open_data(const mg_spec *spec, const mg_source_options *so, mg_error *err);

/* The columns a JSON Lines source reads for the spec: the schema's fields,
 * then the role columns not among them (a new array of borrowed names). */
const char **mg_spec_jsonl_columns(const mg_spec *spec, size_t *n);

/* Reads every schema field of the row once for all checks: typed[f] for
 * field f, whose source column is field_column[f] (-1: not in the data). */
void mg_type_row(const mg_spec *spec, const long *field_column, const mg_row *row, mg_typed *typed);

#endif
