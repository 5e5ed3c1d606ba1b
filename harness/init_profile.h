/*
 * init_profile.h - what `mgate init` learns about each column of the data in
 * one pass, and the rules that turn it into schema rules (docs/init.md).
 *
 * A library: nothing here prints or exits.  Feed every row to
 * mg_profile_add_row, then ask each column for its inferred rules.
 *
 * Memory per column is O(1) except:
 *   - up to MG_INIT_MAX_VALUES distinct short texts (each at most
 *     MG_INIT_VALUE_BYTES), dropped once a column has more;
 *   - for an id candidate (the --id column, a column named like an id, and
 *     the first column), a keytable of 128-bit fingerprints: 32 bytes a slot,
 *     about 43-85 bytes per distinct value.  A candidate stops being tracked
 *     (and its table is freed) when it holds a fractional number or a
 *     timestamp, when more than 10 x MG_INIT_FLAW_SHARE of its values repeat, or
 *     (unless it is the --id column) past MG_INIT_MAX_ID_KEYS distinct values.
 *
 * Ownership: mg_profile_new returns a profile freed by mg_profile_free (NULL
 * is fine); strings returned by getters are borrowed from it.
 */
#ifndef MG_HARNESS_INIT_PROFILE_H
#define MG_HARNESS_INIT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "checks/schema.h"
#include "common/keytable.h"
#include "sources/row.h"

#define MG_INIT_MAX_VALUES 20       /* a text column with at most this many distinct values gets `values` */
#define MG_INIT_VALUE_BYTES 256     /* longer texts are not categories */
#define MG_INIT_FLAW_SHARE 0.01     /* wrong types / missing cells up to this share are flaws, not the rule */
#define MG_INIT_WIDEN_SHARE 0.10    /* min/max are widened by this share of the observed range */
#define MG_INIT_MAX_ID_KEYS (4u << 20) /* distinct values kept per auto-detected id candidate */
#define MG_INIT_EXTREMES 8          /* lowest and highest values kept per numeric candidate */
#define MG_INIT_RARE_SHARE 0.001    /* a text value seen in less than this share of values is a flaw */

/* The type candidates a value is tried against, in order of preference. */
enum { MG_CAND_INTEGER, MG_CAND_NUMBER, MG_CAND_BOOLEAN, MG_CAND_TIMESTAMP, MG_CAND_STRING, MG_CAND_COUNT };

/* The MG_INIT_EXTREMES lowest (ascending) and highest (descending) values. */
typedef struct mg_extremes {
    double low[MG_INIT_EXTREMES], high[MG_INIT_EXTREMES];
    size_t nlow, nhigh;
    uint64_t negatives;
} mg_extremes;

typedef struct mg_seen_value {
    char *text;
    uint64_t count;
    int is_text;   /* a CSV field or a JSON string */
    int is_int;    /* readable as an integer; then `num` holds it */
    double num;
} mg_seen_value;

typedef struct mg_col_profile {
    char *name;
    uint64_t absent;                 /* rows without the column (JSONL key absent, short CSV record) */
    uint64_t empty;                  /* null or empty values */
    uint64_t present;                /* other values */
    uint64_t fails[MG_CAND_COUNT];   /* present values not readable as each candidate */
    double lo[MG_CAND_COUNT], hi[MG_CAND_COUNT]; /* range of the readable ones (numbers, epoch s) */
    mg_extremes ext[2];              /* for MG_CAND_INTEGER and MG_CAND_NUMBER */
    size_t max_length;               /* longest text, in code points */
    mg_seen_value values[MG_INIT_MAX_VALUES];
    size_t nvalues;
    int too_many_values;             /* more than MG_INIT_MAX_VALUES distinct (or a long one) */
    /* uniqueness, for id candidates */
    int id_tracked;                  /* 1 while the table is kept */
    int id_given;                    /* the --id column: never dropped */
    int id_dropped;                  /* was a candidate, proved not an id */
    mg_keytable keys;
    uint64_t duplicates;
} mg_col_profile;

/* The rules inferred for one column. */
typedef struct mg_col_rules {
    mg_field_type type;              /* MG_TYPE_ANY when nothing fits */
    int required, nullable;
    uint64_t missing_cells;          /* cells the missing check will count */
    uint64_t wrong_type_cells;       /* cells the types check will count */
    int has_bounds;
    double min, max;                 /* widened (see mg_widen_bounds) */
    uint64_t out_of_range_cells;     /* flaws left outside min/max or values (see mg_flaw_range) */
    double flaw_lo, flaw_hi;         /* the observed range, flaws included */
    int has_values;                  /* values[] of the profile, of the right type, not rare */
    int has_max_length;
    size_t max_length;
} mg_col_rules;

/* Event order within one scope: the whole file, or per value of a key
 * column (harness/init_order.c). */
typedef struct mg_order_scope {
    long key_col;                    /* -1: the whole file */
    uint64_t late_rows;              /* rows earlier than the latest time before them in the scope */
    double worst_lateness;           /* seconds */
    int has_latest;
    double latest;                   /* whole file only */
    int dropped;                     /* more than MG_INIT_MAX_ID_KEYS keys: not judged, table freed */
    mg_keytable keys;                /* per key: value = latest time (key scopes only) */
} mg_order_scope;

#define MG_INIT_MAX_KEY_SCOPES 4     /* key columns tried for per-key order */

typedef struct mg_profile {
    mg_col_profile *cols;
    size_t ncols;
    uint64_t rows;
    int time_col;                    /* the --time column or -1: epoch seconds count as timestamps there */
    long id_col;                     /* the --id column or -1 */
    long order_time_col;             /* the column whose order is followed; -1 none; decided on row 1 */
    double time_lo, time_hi;         /* its range (epoch s) */
    mg_order_scope scopes[1 + MG_INIT_MAX_KEY_SCOPES]; /* [0] the whole file, then key columns */
    size_t nscopes;
} mg_profile;

/* A profile of the given columns.  id_col/time_col: the --id/--time columns,
 * or -1 (then the id candidates are found by name, see above). */
mg_profile *mg_profile_new(const char *const *names, size_t n, long id_col, long time_col);
void mg_profile_free(mg_profile *p);

/* Adds one row (row->nvalues may be less than the column count). */
void mg_profile_add_row(mg_profile *p, const mg_row *row);

/* The rules for column i; see docs/init.md for each rule. */
void mg_profile_rules(const mg_profile *p, size_t i, mg_col_rules *out);

/* True when a name looks like an id column: "id", or ending in "_id",
 * "-id", " id" or a camel-case "Id". */
int mg_name_is_id(const char *name);

/* Index of the id column to use, or -1: the --id column, else the first
 * id candidate still tracked (id-named ones first) of type integer or string. */
long mg_profile_pick_id(const mg_profile *p);

/* Index of the time column: the --time column, else the first column
 * inferred as timestamp; -1 when none. */
long mg_profile_pick_time(const mg_profile *p);

/* The range of the values once flaws at its ends are left out: a cluster of
 * at most min(MG_INIT_EXTREMES, tolerated) extreme values further from the
 * next value than the rest of the values span, and, in a column otherwise
 * non-negative, at most that many negative values.  *excluded is how many
 * were left out (0 when none). */
void mg_flaw_range(const mg_extremes *e, double lo, double hi, uint64_t tolerated, double *out_lo, double *out_hi,
                   uint64_t *excluded);

/* True when a value seen `count` times among `present` values is rare
 * enough to be a flaw (less than MG_INIT_RARE_SHARE). */
int mg_value_is_rare(uint64_t count, uint64_t present);

/* Widens an observed range [lo, hi] (see docs/init.md, "Bounds"): by
 * MG_INIT_WIDEN_SHARE of the range (of |value|, or 1, for a constant),
 * rounded outward to a round step; a non-negative lo stays >= 0; a range
 * within [0, 1] becomes [0, 1]; integers get whole bounds; timestamps whole
 * days (UTC). */
void mg_widen_bounds(double lo, double hi, mg_field_type type, double *min, double *max);

/* The allowed lateness covering `worst` seconds, rounded up to a readable
 * unit: "0s" when worst <= 0, else whole minutes below an hour, whole hours
 * below a day, else whole days.  Writes into buf (at least 16 bytes). */
void mg_lateness_text(double worst, char *buf, size_t size);

#endif
