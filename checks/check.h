/*
 * check.h - the check framework.
 *
 * Each check type is one row of the registry (checks/registry.c), defined
 * in its own file: its name, its suite, a one-line summary, whether it runs
 * without being listed, its options (kind, default, one help line), and its
 * handlers.  That row is the single source the spec loader, the code's
 * option defaults, `mgate help run` and docs/check-options.md read.
 * The runner reads the data once and hands every row (and every row-level
 * problem the source found) to every data check, so the data is streamed a
 * single time whatever the number of checks.
 *
 * Life of a check: the spec loader validates its options against the
 * registry row; the runner calls begin, then row/problem for the data, then
 * finish, which fills c->result; then free.
 */
#ifndef MG_CHECKS_CHECK_H
#define MG_CHECKS_CHECK_H

#include <jansson.h>
#include <stdint.h>

#include "checks/result.h"
#include "checks/schema.h"
#include "score/model.h"
#include "sources/source.h"

/* Column roles named in the spec's data section. */
typedef enum mg_role {
    MG_ROLE_LABEL = 0,
    MG_ROLE_ID,
    MG_ROLE_TIME,
    MG_ROLE_KEY,
    MG_ROLE_PREDICTION,
    MG_ROLE_BASELINE_PREDICTION, /* the champion's scores, for champion vs challenger */
    MG_ROLE_COUNT
} mg_role;

const char *mg_role_name(mg_role r); /* "label", "id", ... */

/* A schema field's value in the current row, read once by the runner and
 * shared by the checks (so a number is parsed once, not once per check). */
typedef enum mg_typed_state {
    MG_TYPED_NO_COLUMN = 0, /* the field is not in the data */
    MG_TYPED_MISSING,       /* absent, null or empty */
    MG_TYPED_OK,            /* of the declared type; num holds it (0 for strings) */
    MG_TYPED_WRONG          /* not of the declared type; expected says what was */
} mg_typed_state;

typedef struct mg_typed {
    mg_typed_state state;
    double num;
    const char *expected;
} mg_typed;

/* The scores of one row: the candidate's (nscores values, or NULL when the
 * row could not be scored, with the reason in why) and, when the spec names
 * a champion (baseline_model or data.baseline_prediction), the champion's. */
typedef struct mg_scored {
    const double *scores;
    const char *why;
    const double *champion;   /* NULL without a champion, or when unscorable */
    const char *champion_why;
} mg_scored;

/* What every check sees of the run; owned by the runner. */
typedef struct mg_check_env {
    const char *data_path;        /* as shown in examples */
    const mg_source *source;
    const mg_field_spec *fields;  /* the spec's schema */
    size_t nfields;
    const long *field_column;     /* per field: source column index, or -1 */
    const mg_typed *typed;        /* per field, for the current row */
    const char *role_name[MG_ROLE_COUNT]; /* column names, NULL when unset */
    long role_column[MG_ROLE_COUNT];      /* source column index, or -1 */
    const mg_limits *limits;
    mg_time_zone time_zone;       /* data.time_zone (unset when the spec gives none) */
    size_t examples;              /* how many examples each check keeps */
    /* Scores (for checks with MG_NEEDS_SCORES): from the spec's model, or
     * from the data's prediction column (then task is binary/regression as
     * the spec or the labels say, and nscores is 1). */
    int score_task;               /* an mg_model_task */
    size_t nscores;               /* outputs per row */
    const char *score_source;     /* "model 'm.json'" or "column 'score'" */
    int has_champion;             /* champion scores come with every row */
    const char *champion_source;
    const char *const *class_labels; /* multiclass models: label of output k, or NULL */
    /* Binary labels: the label text of the positive class (data.positive_label);
     * every other label is the negative class.  NULL: labels are 0/1 or true/false. */
    const char *positive_label;
    /* The model itself, for checks that score rows of their own making
     * (adversarial variants, fixture cases); NULL when scores come from a
     * prediction column.  Score with mg_model_score_row(model, binding, ...). */
    struct mg_model *model;
    const struct mg_binding *binding;
    /* The champion's model (baseline_model) and its binding, for checks
     * that score rows of their own with it (latency); NULL when the spec
     * names none or the champion's scores come from a column. */
    struct mg_model *champion_model;
    const struct mg_binding *champion_binding;
    /* The spec's model.features (the data column of each model feature, in
     * the model's order), or NULL: then features go by the model's names. */
    const char *const *feature_columns;
    /* The baseline's "metrics" object (borrowed), NULL when the spec names none. */
    const json_t *baseline_metrics;
    const char *baseline_path;
    /* The report, for checks that add results of their own (metric slices). */
    struct mg_report *report;
    /* 1 in a shard of a sharded run (`mgate run --shard`): save, not
     * finish, ends the check, and a check keeps what only its merge needs
     * (texts of examples the merge writes, order's events); docs/sharding.md. */
    int shard;
    /* Folder of the spec file, for paths in check options (fixture cases). */
    const char *spec_dir;
    /* How the data was opened (format, delimiter, limits, JSON Lines
     * columns): a check reading reference data opens it alike. */
    const mg_source_options *source_options;
} mg_check_env;

/* Option value kinds a check accepts, for validation by the spec loader. */
typedef enum mg_opt_kind {
    MG_OPT_NUMBER,
    MG_OPT_COUNT,        /* a whole number >= 0 */
    MG_OPT_RATE,         /* a number in [0, 1] */
    MG_OPT_STRING,
    MG_OPT_STRINGS,      /* a string or a list of strings */
    MG_OPT_DURATION,     /* seconds as a number, or "90s", "5m", "2h", "1d" */
    MG_OPT_BOOL,
    MG_OPT_OBJECT,       /* a JSON object; its members are checked by `validate` */
    MG_OPT_CUSTOM        /* any JSON value, checked by the check's `validate` */
} mg_opt_kind;

/* The value an option takes when the spec leaves it out. */
typedef struct mg_opt_default {
    int set;             /* 0: no default value (see mg_opt_def.when_absent) */
    double number;       /* NUMBER, COUNT, RATE, DURATION (seconds), BOOL (0 or 1) */
    const char *string;  /* STRING */
} mg_opt_default;

#define MG_DEFAULT(x) {.set = 1, .number = (x)}
#define MG_DEFAULT_STRING(s) {.set = 1, .string = (s)}

/*
 * One option of a check: a row of its `options` table, written with
 * designated initializers, e.g.
 *     {.key = "trials", .kind = MG_OPT_COUNT, .def = MG_DEFAULT(10),
 *      .help = "perturbed copies of each sampled row"}
 * The spec loader accepts exactly these keys (plus mg_common_options) and
 * checks their kinds; the code reads them with mg_check_opt_*, which take
 * the default from here; `mgate help run` and docs/check-options.md print
 * them.
 */
typedef struct mg_opt_def {
    const char *key;
    mg_opt_kind kind;
    mg_opt_default def;
    int required;            /* the check's validate refuses a spec without it */
    const char *when_absent; /* without a default: what leaving it out means ("no bound") */
    const char *help;        /* one line */
} mg_opt_def;

typedef struct mg_check mg_check;

/* Preconditions a check declares; the spec loader reports what is missing. */
enum {
    MG_NEEDS_TIME = 1 << 0,       /* data.time */
    MG_NEEDS_SCHEMA = 1 << 1,     /* a non-empty schema */
    MG_NEEDS_SCORES = 1 << 2,     /* a model or data.prediction */
    MG_NEEDS_LABEL = 1 << 3,      /* data.label */
    MG_NEEDS_CHAMPION = 1 << 4,   /* baseline_model or data.baseline_prediction */
    /* data.id, or data.key and data.time.  Only in implicit_needs: a listed
     * duplicates check may name its columns with "by" instead. */
    MG_NEEDS_ROW_IDENTITY = 1 << 5
};

/* Whether a check runs without being listed in the spec's "checks". */
typedef enum mg_implicit {
    MG_IMPLICIT_NEVER = 0,    /* only when listed */
    MG_IMPLICIT_UNLISTED,     /* when the spec has no "checks" list and has what needs and implicit_needs name */
    MG_IMPLICIT_WITH_METRIC,  /* when a "metric" check is listed */
    MG_IMPLICIT_ALWAYS        /* in every gate: malformed or oversized input never passes silently */
} mg_implicit;

/*
 * A check type: one row of the registry (checks/registry.c), defined in its
 * own file with designated initializers.
 */
typedef struct mg_check_def {
    const char *name;      /* the spec's "check" value */
    const char *group;     /* its suite, the JUnit testsuite mgate.<group>: "data", ... */
    const char *summary;   /* one line, for help and docs */
    const mg_opt_def *options; /* check-specific options, {NULL} terminated */
    unsigned needs;        /* MG_NEEDS_*: a spec that lists the check without them is refused */
    mg_implicit implicit;  /* whether it runs unlisted */
    unsigned implicit_needs; /* MG_NEEDS_*: for MG_IMPLICIT_UNLISTED, what the spec must have besides needs */
    /* Validates the check's options beyond their kinds (e.g. a metric
     * name).  On a problem returns -1, sets *key to the offending option
     * (for the error's position) and writes the message into msg. */
    int (*validate)(const json_t *options, const char **key, char *msg, size_t size);
    /* Handlers; any may be NULL.  begin may allocate c->state. */
    void (*begin)(mg_check *c);
    void (*row)(mg_check *c, const mg_row *row);
    void (*problem)(mg_check *c, const mg_source_problem_info *p);
    /* For MG_NEEDS_SCORES checks: a row with its scores; see mg_scored. */
    void (*scored)(mg_check *c, const mg_row *row, const struct mg_scored *s);
    void (*finish)(mg_check *c);
    void (*free_state)(mg_check *c);
    /*
     * Sharded runs (`mgate run --shard`, `mgate merge`; docs/sharding.md).
     * A shard reads a contiguous part of the data; instead of finish, each
     * check's save writes what it gathered (a new JSON reference; large
     * arrays through common/state_json.h).  `mgate merge` begins every
     * check afresh, then calls merge once per shard in data order with what
     * that shard's save wrote, then finish: the result must be exactly what
     * one run over all the data gives (counts, first examples, metrics).
     * The framework saves and merges c->rows and the examples a check added
     * with mg_check_example itself (a shard's after the earlier ones, the
     * first env->examples kept), before calling merge; an offence that only
     * the merge can see (a duplicate of a row of an earlier shard) is added
     * with mg_check_example_merged.  merge returns 0, or -1 with msg when
     * the state is not one this check saves.  A check whose save is NULL
     * cannot run sharded: `--shard` refuses a gate listing it.
     */
    json_t *(*save)(const mg_check *c);
    int (*merge)(mg_check *c, const json_t *state, char *msg, size_t size);
} mg_check_def;

struct mg_check {
    const mg_check_def *def;
    const char *name;        /* result name (spec "name" or the check type) */
    const json_t *options;   /* the check's spec object (borrowed) */
    int has_max_count, has_max_rate;
    uint64_t max_count;
    double max_rate;
    const mg_check_env *env;
    mg_result *result;       /* created before begin, filled by finish */
    uint64_t rows;           /* rows seen (for rates) */
    void *state;             /* the check's own */
};

/* The registry (checks/registry.c): the check types in table order. */
size_t mg_check_count(void);
const mg_check_def *mg_check_at(size_t i); /* NULL past the end */
/* The check type named `name`, or NULL. */
const mg_check_def *mg_check_find(const char *name);
/* Options every check accepts: check, name, max_count, max_rate. */
extern const mg_opt_def mg_common_options[];
/* The row of option `key` among the check's options or the common ones, or NULL. */
const mg_opt_def *mg_check_option(const mg_check_def *def, const char *key);

/*
 * A check's options as its code reads them: the spec's value when given,
 * else the default in the check's table row.  Reading an option the row
 * does not declare, or one without a default that the spec left out, is a
 * bug in mgate: the call aborts, naming the check and the option.
 */
double mg_check_opt_number(const mg_check *c, const char *key);      /* NUMBER, RATE, COUNT, BOOL */
uint64_t mg_check_opt_count(const mg_check *c, const char *key);     /* COUNT */
double mg_check_opt_seconds(const mg_check *c, const char *key);     /* DURATION */
const char *mg_check_opt_string(const mg_check *c, const char *key); /* STRING; borrowed */
/* 1 when the spec gives option `key`. */
int mg_check_opt_given(const mg_check *c, const char *key);

/*
 * Sets the result's status from a count of offending rows against the
 * check's tolerance (max_count and/or max_rate; with neither, any offence
 * fails), and records count, rate, bound (with bound_option, the option it
 * comes from), max_count, max_rate and rows as properties.  `what` names the
 * offence in the message ("rows with a missing required field").
 */
void mg_check_judge(mg_check *c, uint64_t count, const char *what);

/* The file and line (in that file) of a data line: with several data files
 * (sources/data_files.h) the file it came from, else env->data_path and the
 * line itself. */
const char *mg_check_line_file(const mg_check_env *env, unsigned long line, unsigned long *local);
/* "line N" for one data file, "FILE:N" for several: for messages naming
 * another row ("first seen at line 12").  Returns buf. */
const char *mg_check_line_ref(const mg_check_env *env, unsigned long line, char *buf, size_t size);

/* Adds an example "FILE:LINE: FIELD: MESSAGE" to the result. */
void mg_check_example(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds an example found while merging shards (checks/check_state.c): kept
 * in data-line order among the examples already merged, the first
 * env->examples lines kept; always counted. */
void mg_check_example_merged(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds an example at index `at` of those held (at most their number),
 * keeping the first env->examples; always counted.  For an offence found in
 * finish that a single run found before every row (a header's): added
 * there, with at = how many such examples came before, it comes first, once,
 * in a single run and in a merge of shards that each read the header. */
void mg_check_example_first(mg_check *c, size_t at, unsigned long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Writes again the text of the example of data line `line` (the first held
 * of that line), when the merge knows better than the shard (a duplicate's
 * "first seen at" an earlier shard's row).  Returns 1, or 0 when no example
 * of that line is held.  Not counted again. */
int mg_check_example_rewrite(mg_check *c, unsigned long line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether an example of data line `line` added now with
 * mg_check_example_merged would be held. */
int mg_check_example_would_keep(const mg_check *c, unsigned long line);

/* Copies a value's text for an example: at most 60 characters, control
 * characters escaped, quoted.  Returns buf. */
const char *mg_value_quote(const mg_value *v, char *buf, size_t size);

/* Reads a row's label as a class for a classifier: binary 1 for
 * env->positive_label and 0 for any other label when it is set, else 0/1
 * (or true/false in any case); multiclass an output index, by the model's class labels when
 * it names them, else a whole number below nscores.
 * Returns the class, or -1 when the value is not one. */
long mg_label_class(const mg_check_env *env, mg_model_task task, const mg_value *v);

/* The schema field named `column`, or NULL when the schema has none. */
const mg_field_spec *mg_env_field(const mg_check_env *env, const char *column);

/* Whether the schema lets a column hold the missing (absent, null or
 * empty) value v: its field says "required": false, or "nullable": true
 * and v is null or empty.  fs may be NULL (no field: not allowed). */
int mg_missing_allowed(const mg_field_spec *fs, const mg_value *v);
/* The first few distinct labels a classifier check could not read, kept to
 * name them in its message.  Zero-initialise; free with mg_label_sample_free. */
#define MG_LABEL_SAMPLE_MAX 4
typedef struct mg_label_sample {
    char *text[MG_LABEL_SAMPLE_MAX]; /* owned, distinct, in order of appearance */
    size_t n;
} mg_label_sample;

void mg_label_sample_add(mg_label_sample *s, const mg_value *v);
void mg_label_sample_free(mg_label_sample *s);

/* What to do about the sampled labels, for a check's message: binary labels
 * name the labels found and data.positive_label; multiclass ones the model's
 * classes.  Returns a new string, or NULL when nothing was sampled. */
char *mg_label_hint(const mg_check_env *env, mg_model_task task, const mg_label_sample *s);

/* Reads a duration option (number of seconds or "90s"/"5m"/"2h"/"1d").
 * Returns 0 or -1 when it is not one. */
int mg_parse_duration(const json_t *v, double *seconds);

#endif
