/*
 * profile.h - a drift profile: what a data set looked like, per column, in a
 * form that merges and is stored as versioned JSON (docs/profile-format.md).
 * A drift check compares current data with it instead of re-reading the
 * reference data.
 *
 * Per column: rows, missing values (absent, null or empty), wrong-type
 * values; for number columns the moments (count, mean, variance, min, max)
 * and a quantile sketch; for text columns the value frequencies.  Optionally
 * the label's distribution and a summary of the model's scores.
 *
 * Merging: the profile of data A merged with the profile of data B equals
 * the profile of A followed by B, exactly for every count, every exact sketch
 * and every text column's frequencies while they are complete (at most
 * MG_FREQ_TRACK_MAX distinct values in all), to rounding for mean and variance
 * (sketch.h, mg_moments), and within the sketch's rank error once a sketch
 * is KLL (sketch.h).
 *
 * Memory: per number column 8 bytes a value up to MG_QSKETCH_EXACT_MAX
 * values, then under 8 KiB; per text column the tracked texts plus ~70 bytes
 * each, at most MG_FREQ_TRACK_MAX of them.
 *
 * A library: nothing here prints or exits.  Ownership: mg_dprofile_new and
 * the readers return a profile freed by mg_dprofile_free (NULL is fine);
 * names passed in are copied; getters return borrowed pointers.
 * (mg_dprofile, not mg_profile: that prefix is `mgate init`'s column profile.)
 */
#ifndef MG_CHECKS_DRIFT_PROFILE_H
#define MG_CHECKS_DRIFT_PROFILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "checks/drift/sketch.h"
#include "common/error.h"
#include "sources/row.h"

/* The format version this mgate writes and reads. */
#define MG_DPROFILE_VERSION 1
/* The largest profile file read (profiles are small: see the memory note). */
#define MG_DPROFILE_MAX_BYTES (256u << 20)

typedef enum mg_pcol_kind {
    MG_PCOL_NUMBER = 0, /* finite numbers; other present values are of the wrong type */
    MG_PCOL_TEXT,       /* any text, number or boolean as written; an object or array
                         * (JSON Lines) is of the wrong type */
    MG_PCOL_AUTO        /* not known before reading: both summaries are kept until
                         * mg_dprofile_settle picks one (MG_DPROFILE_FLAW_SHARE) */
} mg_pcol_kind;

/* An AUTO column settles as a number column when its present values are
 * finite numbers but for at most this share (those become wrong_type); an
 * AUTO label column only when all of them are.  Otherwise as text. */
#define MG_DPROFILE_FLAW_SHARE 0.01

typedef struct mg_pcol {
    char *name;
    mg_pcol_kind kind;
    uint64_t rows;       /* rows profiled (every row counts for every column) */
    uint64_t missing;    /* absent, null, or empty unquoted text */
    uint64_t wrong_type; /* present values the kind does not accept */
    mg_moments moments;  /* NUMBER: the values' moments */
    mg_qsketch sketch;   /* NUMBER: their quantile sketch */
    mg_freq values;      /* TEXT: the values' frequencies */
    uint64_t not_numbers; /* AUTO: present values that are not finite numbers; private */
    uint64_t structured;  /* AUTO: JSON objects and arrays among them; private */
} mg_pcol;

typedef struct mg_dprofile {
    uint64_t rows;
    size_t ncols;
    mg_pcol *cols;
    char *label;          /* the label column's name, or NULL */
    long label_col;       /* its position in cols, or -1 */
    mg_freq labels;       /* the label values (as written) that the label column accepts */
    char *scores_from;    /* what the scores are ("model", a column name), or NULL: none */
    uint64_t scores_missing;  /* scores that were not finite numbers */
    mg_moments scores;
    mg_qsketch score_sketch;
} mg_dprofile;

/*
 * A new empty profile for columns `names` (the source's columns, in order)
 * of the given kinds.  label_col: the label's position in names, or -1.
 * scores_from: a name for the scores fed with mg_dprofile_add_score, or NULL
 * for a profile without scores.  Never fails (out of memory aborts).
 */
mg_dprofile *mg_dprofile_new(const char *const *names, const mg_pcol_kind *kinds, size_t ncols,
                             long label_col, const char *scores_from);
void mg_dprofile_free(mg_dprofile *p);

/* Adds one row of the source the profile was made for (values in column
 * order; a row with fewer values counts the rest as missing). */
void mg_dprofile_add_row(mg_dprofile *p, const mg_row *row);
/* Adds one score (a non-finite one counts as missing). */
void mg_dprofile_add_score(mg_dprofile *p, double score);

/* Decides the kind of every AUTO column (see MG_PCOL_AUTO) and frees the
 * summary it does not need.  Call once the data is read, before writing or
 * merging; a settled profile is left as it is. */
void mg_dprofile_settle(mg_dprofile *p);

/* The column named `name`, or NULL. */
const mg_pcol *mg_dprofile_column(const mg_dprofile *p, const char *name);

/*
 * Merges from into into.  Both must have the same columns (names and kinds,
 * in order), the same label column and the same scores source; otherwise
 * -1 with err naming the first difference, and into is unchanged.  So is a
 * merge whose result could not be stored: counts over INT64_MAX, or a mean
 * or variance that is no longer a finite double.
 */
int mg_dprofile_merge(mg_dprofile *into, const mg_dprofile *from, mg_error *err);

/* The profile as a new JSON document (docs/profile-format.md); the profile
 * must be settled (an AUTO column is written as null). */
json_t *mg_dprofile_to_json(const mg_dprofile *p);
/* Writes it to path atomically (a temporary file renamed over it).  0 or -1 with err. */
int mg_dprofile_write(const mg_dprofile *p, const char *path, mg_error *err);

/*
 * Reads a profile from JSON text (`file` names it in messages).  Every key
 * is checked; a syntax error, an unknown key, a value of the wrong kind or
 * counts that do not add up give NULL with err
 * "FILE:LINE:COL: PATH: what is wrong".
 */
mg_dprofile *mg_dprofile_from_text(const char *file, const char *text, size_t len,
                                   mg_error *err);
/* The same from a file (at most MG_DPROFILE_MAX_BYTES). */
mg_dprofile *mg_dprofile_read(const char *path, mg_error *err);

#endif
