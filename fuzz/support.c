/*
 * support.c - the private temporary folder and the source checks shared by
 * the fuzz targets (see support.h).
 */
#include "fuzz/support.h"

#include "common/sha256.h"
#include "harness/spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_MAX_FILES 16

static char tmp_dir[256];
static struct {
    char name[64];
    char path[320];
} files[FUZZ_MAX_FILES];
static size_t nfiles;

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: broken promise: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static void remove_tmp_dir(void)
{
    for (size_t i = 0; i < nfiles; i++)
        unlink(files[i].path);
    if (tmp_dir[0])
        rmdir(tmp_dir);
}

static const char *tmp_path(const char *name)
{
    for (size_t i = 0; i < nfiles; i++)
        if (strcmp(files[i].name, name) == 0)
            return files[i].path;
    if (!tmp_dir[0]) {
        /* Memory-backed when there is one: report writers fsync every file. */
        const char *base = getenv("FUZZ_TMPDIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/mgate-fuzz-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        atexit(remove_tmp_dir);
    }
    if (nfiles == FUZZ_MAX_FILES || strlen(name) >= sizeof files[0].name) {
        fprintf(stderr, "fuzz: too many or too long temporary file names ('%s')\n", name);
        abort();
    }
    snprintf(files[nfiles].name, sizeof files[nfiles].name, "%s", name);
    snprintf(files[nfiles].path, sizeof files[nfiles].path, "%s/%s", tmp_dir, name);
    return files[nfiles++].path;
}

const char *fuzz_write_file(const char *name, const void *data, size_t size)
{
    const char *path = tmp_path(name);
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
        perror(path);
        abort();
    }
    return path;
}

const char *fuzz_path(const char *name)
{
    return tmp_path(name);
}

const char *fuzz_write_text(const char *name, const char *text)
{
    return fuzz_write_file(name, text, strlen(text));
}

/* What row.h promises about one value. */
static void check_value(const mg_value *v)
{
    if (v->kind > MG_VALUE_OTHER)
        fuzz_fail("value kind %d out of range", (int)v->kind);
    if (!v->text)
        fuzz_fail("value of kind %d has no text", (int)v->kind);
    if (v->text[v->len] != '\0')
        fuzz_fail("value text of %zu bytes is not NUL-terminated", v->len);
    if ((v->kind == MG_VALUE_ABSENT || v->kind == MG_VALUE_NULL) && v->len != 0)
        fuzz_fail("absent/null value with text of %zu bytes", v->len);
    double d;
    if (mg_value_to_double(v, &d) == 0 && mg_value_is_missing(v))
        fuzz_fail("a missing value read as the number %g", d);
}

static void check_row(const mg_source *src, const mg_row *row, uint64_t index)
{
    if (row->nvalues != mg_source_ncolumns(src))
        fuzz_fail("row %llu has %zu values for %zu columns", (unsigned long long)index, row->nvalues,
                  mg_source_ncolumns(src));
    if (row->index != index)
        fuzz_fail("row index %lu, expected %llu", row->index, (unsigned long long)index);
    if (row->line < 1)
        fuzz_fail("row %llu on line 0", (unsigned long long)index);
    for (size_t i = 0; i < row->nvalues; i++)
        check_value(&row->values[i]);
    /* The copy batch scoring keeps must hold the same values. */
    mg_row *copy = mg_row_dup(row);
    for (size_t i = 0; i < row->nvalues; i++)
        if (copy->values[i].kind != row->values[i].kind || copy->values[i].len != row->values[i].len ||
            memcmp(copy->values[i].text, row->values[i].text, row->values[i].len) != 0)
            fuzz_fail("mg_row_dup changed value %zu of row %llu", i, (unsigned long long)index);
    mg_row_free(copy);
}

static void check_problem(const mg_source *src)
{
    const mg_source_problem_info *p = mg_source_problem(src);
    if (!p || !p->message || !*p->message)
        fuzz_fail("a bad row without a description");
    if (p->kind > MG_PROBLEM_FILE_TOO_BIG)
        fuzz_fail("problem kind %d out of range", (int)p->kind);
}

static void check_columns(const mg_source *src)
{
    size_t n = mg_source_ncolumns(src);
    if (mg_source_header_columns(src) < n)
        fuzz_fail("header has %zu columns, source %zu", mg_source_header_columns(src), n);
    for (size_t i = 0; i < n; i++) {
        const char *name = mg_source_column(src, i);
        if (!name)
            fuzz_fail("column %zu has no name", i);
        long at = mg_source_column_index(src, name);
        if (at < 0 || (size_t)at > i)
            fuzz_fail("column '%s' (%zu) found at %ld", name, i, at);
    }
}

/* The fingerprint covers every byte of the input, however far the rows
 * were read. */
static void check_finish(mg_source *src, const void *data, size_t size)
{
    char got[65], want[65];
    mg_error err = {{0}};
    if (mg_source_finish(src, got, &err) != 0)
        fuzz_fail("an unchanged file failed to finish: %s", err.msg);
    mg_sha256 h;
    mg_sha256_init(&h);
    mg_sha256_update(&h, data, size);
    mg_sha256_final_hex(&h, want);
    if (strcmp(got, want) != 0)
        fuzz_fail("data sha256 %s, the input's is %s", got, want);
}

void fuzz_drain_source(mg_source *src, uint64_t max_steps, const void *data, size_t size)
{
    check_columns(src);
    uint64_t rows = 0, last_bytes = 0;
    for (uint64_t step = 0;; step++) {
        if (step > max_steps)
            fuzz_fail("more than %llu reads: the source does not end", (unsigned long long)max_steps);
        mg_row row;
        mg_error err = {{0}};
        mg_source_status st = mg_source_next(src, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            if (!err.msg[0])
                fuzz_fail("a source error without a message");
            break;
        }
        if (st == MG_SOURCE_ROW)
            check_row(src, &row, rows++);
        else if (st == MG_SOURCE_BAD_ROW)
            check_problem(src);
        else
            fuzz_fail("mg_source_next returned %d", (int)st);
        uint64_t bytes = mg_source_bytes_read(src);
        if (bytes < last_bytes)
            fuzz_fail("bytes read went down from %llu to %llu", (unsigned long long)last_bytes,
                      (unsigned long long)bytes);
        last_bytes = bytes;
    }
    check_finish(src, data, size);
}

void fuzz_read_source(const char *path, const mg_source_options *opts, mg_format format, const uint8_t *data,
                      size_t size)
{
    mg_error err = {{0}};
    mg_source *src = mg_source_open(path, opts, &err);
    if (!src) {
        if (!err.msg[0])
            fuzz_fail("mg_source_open failed without a message");
        return;
    }
    if (mg_source_format(src) != format)
        fuzz_fail("'%s' opened as format %d, expected %d", path, (int)mg_source_format(src), (int)format);
    if (opts && opts->columns && mg_source_ncolumns(src) != opts->ncolumns)
        fuzz_fail("%zu columns asked for, %zu given", opts->ncolumns, mg_source_ncolumns(src));
    /* A record takes at least one byte, and each read either returns a row or
     * a problem for at least one record, plus the end. */
    fuzz_drain_source(src, (uint64_t)size + 4, data, size);
    mg_source_free(src);
}

static mg_spec *loaded_gate;

static void free_loaded_gate(void)
{
    mg_spec_free(loaded_gate);
}

mg_spec *fuzz_load_gate(const char *data_name, const char *data, const char *gate_json)
{
    if (loaded_gate)
        fuzz_fail("fuzz_load_gate called twice");
    fuzz_write_text(data_name, data);
    mg_spec_errors errs;
    loaded_gate = mg_spec_load(fuzz_write_text("gate.json", gate_json), &errs);
    if (!loaded_gate)
        fuzz_fail("the fuzz gate does not load: %s", errs.count ? errs.msg[0] : "?");
    atexit(free_loaded_gate);
    return loaded_gate;
}
