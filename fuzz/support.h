/*
 * support.h - what the fuzz targets share.
 *
 * Each fuzz/fuzz_*.c file is one target: it defines LLVMFuzzerTestOneInput
 * and nothing else public.  It is linked two ways: with clang's libFuzzer
 * (`make fuzz`, -fsanitize=fuzzer) to search for crashes, and with
 * replay_main.c (any compiler, `make test`) to run the committed corpus and
 * past crash inputs once each.
 *
 * mgate's loaders read files by path, so a target writes its input to a file
 * in a private temporary folder (made on first use in $FUZZ_TMPDIR, else
 * /dev/shm, else $TMPDIR or /tmp; removed at exit) and hands that path to
 * the public API.
 *
 * A target calls fuzz_fail() when the library breaks one of its documented
 * promises (a row with the wrong number of values, a score that is NaN):
 * that is a finding like a crash, and it aborts so both drivers see it.
 */
#ifndef MG_FUZZ_SUPPORT_H
#define MG_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "score/model.h"
#include "sources/source.h"

/* The libFuzzer entry point every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes data to `name` in the private folder and returns its path, valid
 * until the next call with the same name.  Aborts when the file cannot be
 * written: that is a broken machine, not a finding. */
const char *fuzz_write_file(const char *name, const void *data, size_t size);

/* The path of `name` in the private folder, without writing it (for files
 * the library writes, such as reports). */
const char *fuzz_path(const char *name);

/* Writes a NUL-terminated text the same way. */
const char *fuzz_write_text(const char *name, const char *text);

/* Reports a broken promise of the library and aborts. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Reads every row of an open source, checking what source.h and row.h
 * promise about each row and problem, then finishes it: the fingerprint
 * must be the SHA-256 of data (the size bytes the file holds).  Frees
 * nothing (the caller frees src).  max_steps bounds the loop: more calls
 * than that is a hang. */
void fuzz_drain_source(mg_source *src, uint64_t max_steps, const void *data, size_t size);

/* Opens `path` (the size bytes of data) with opts (NULL: the defaults), which
 * must open as `format` with the columns opts names, if any, then drains it
 * with fuzz_drain_source (every record is a row or a problem, plus the end)
 * and frees it.  A source that fails to open must say why. */
void fuzz_read_source(const char *path, const mg_source_options *opts, mg_format format, const uint8_t *data,
                      size_t size);

/* Writes data to `name`, loads it as a model of the given format, and when
 * it loads: reads every getter, binds the features to columns named after
 * them, and scores a few rows of typical and hostile values one at a time
 * and as a batch, checking what model.h promises (finite scores, the batch
 * equal to single rows). */
void fuzz_model_file(const char *name, mg_model_format format, const uint8_t *data, size_t size);

/* Writes data to data_name and the gate spec gate_json to gate.json in the
 * private folder, and loads the spec (freed at exit).  Once per process. */
struct mg_spec;
struct mg_spec *fuzz_load_gate(const char *data_name, const char *data, const char *gate_json);

#endif
