/*
 * run_id.h - a random identifier for one run, written in every report so
 * that a reader can tell whether the JUnit, JSON and Markdown files in a
 * folder come from the same run.
 */
#ifndef MG_COMMON_RUN_ID_H
#define MG_COMMON_RUN_ID_H

/* Length of a run id: 128 random bits as lowercase hex. */
#define MG_RUN_ID_LEN 32

/*
 * Writes a new run id (MG_RUN_ID_LEN hex digits and a NUL) into out, from
 * the kernel's random source.  Never fails: when no random source can be
 * read it falls back to the time, the process id and a counter, which still
 * differ between runs.  Returns out.
 */
char *mg_run_id_new(char out[MG_RUN_ID_LEN + 1]);

#endif
