/*
 * run_progress.h - progress of `mgate run` on a terminal: a line every 2 s
 * on long runs (rows read, share of the file), overwritten in place and
 * cleared at the end.  Never in CI logs (stderr not a terminal).
 */
#ifndef MG_HARNESS_RUN_PROGRESS_H
#define MG_HARNESS_RUN_PROGRESS_H

#include <stdint.h>


typedef struct mg_progress {
    int on;              /* stderr is a terminal: the caller ticks */
    int shown;           /* private: a line was printed */
    double next;         /* private: when the next line is due */
    uint64_t file_bytes; /* private: the data's size, 0 when unknown */
} mg_progress;

/* Sets up progress for reading `path`. */
void mg_progress_init(mg_progress *p, const char *path);
/* Prints a line when 2 s have passed since the last one (bytes: of the
 * input read so far). */
void mg_progress_tick(mg_progress *p, uint64_t bytes, uint64_t rows);
/* Clears the line, if one was printed. */
void mg_progress_done(mg_progress *p);

#endif
