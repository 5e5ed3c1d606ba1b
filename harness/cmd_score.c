/*
 * cmd_score.c - `mgate score MODEL DATA [-o OUT] [--id COL] [--format csv|jsonl]
 * [--max-field-bytes N] [--max-row-bytes N] [--max-columns N]`:
 * scores every row of a data file and writes one CSV line per data row, in
 * input order: the id (when the data has one), then `prediction` (binary:
 * probability of the positive class; regression: the value) or one `p_<class>`
 * column per class.  Rows that cannot be scored get empty predictions and a
 * warning on stderr; so do records over the size limits, which default to
 * those of `mgate run` so that a huge field is never held in memory.
 * Exit 0: all rows scored; 1: some could not be; 2: usage, model or data
 * error (nothing written to -o).
 */
#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/xmem.h"
#include "harness/commands.h"
#include "harness/options.h"
#include "harness/spec.h"
#include "score/model.h"
#include "sources/source.h"

/* A size limit's value: a count of bytes or columns, 0 for no limit.
 * Returns 0, or -1 when text is not one. */
static int read_size(const char *text, size_t *size)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno || v > SIZE_MAX)
        return -1;
    *size = (size_t)v;
    return 0;
}

static int check_size(const char *option, const char *value)
{
    size_t ignored;
    if (read_size(value, &ignored) == 0)
        return 0;
    fprintf(stderr, "mgate: error: '%s': expected a number of bytes or columns (0 = no limit), found '%s'\n",
            option, value);
    return -1;
}

static int check_format(const char *option, const char *value)
{
    if (strcmp(value, "csv") == 0 || strcmp(value, "jsonl") == 0)
        return 0;
    fprintf(stderr, "mgate: error: '%s %s': expected csv or jsonl\n", option, value);
    return -1;
}

enum { SCORE_OUT, SCORE_ID, SCORE_FORMAT, SCORE_MAX_FIELD, SCORE_MAX_ROW, SCORE_MAX_COLUMNS };

static const mg_option score_options[] = {
    [SCORE_OUT] = {NULL, 'o', "OUT", "write to OUT (atomically) instead of stdout", 0, "a file name", "scores.csv",
                   NULL},
    [SCORE_ID] = {"id", 0, "COL", "the id column (default: 'id' when the data has one)", 0, "a column name",
                  NULL, NULL},
    [SCORE_FORMAT] = {"format", 0, "csv|jsonl", "data format (default: from the extension)", 0, NULL, "csv",
                      check_format},
    [SCORE_MAX_FIELD] = {"max-field-bytes", 0, "N", "largest field (default 1048576, as 'mgate run')", 0,
                         "a number", NULL, check_size},
    [SCORE_MAX_ROW] = {"max-row-bytes", 0, "N", "largest record (default 16777216)", 0, "a number", NULL,
                       check_size},
    [SCORE_MAX_COLUMNS] = {"max-columns", 0, "N",
                           "most columns in the header or a record (default 10000)\n"
                           "0 means no limit for each of the three",
                           0, "a number", NULL, check_size},
    {0},
};

const mg_cli cmd_score_cli = {
    "score", "MODEL DATA", score_options,
    "Scores every row of DATA (CSV or JSON Lines) with MODEL and writes CSV:\n"
    "an id column (the data's 'id' column, or --id COL), then 'prediction'\n"
    "(binary: probability of the positive class; regression: the value) or,\n"
    "for multiclass models, one 'p_<class>' column per class.\n"
    "\n"
    "DATA '-' is standard input; a pipe or a FIFO works too (read once).\n"
    "\n"
    "MODEL is detected from its content: XGBoost JSON (Booster.save_model),\n"
    "linear/logistic JSON ({\"type\": ...}) or PMML 4.x.\n",
};

const char cmd_score_after[] = "Rows that cannot be scored, and records over a size limit (skipped\n"
                               "without being held in memory), get empty predictions and a warning\n"
                               "'mgate: warning: FILE:LINE: ...'.  A header over --max-columns is an\n"
                               "error.  Exit status: 0 all rows scored,\n"
                               "1 some rows could not be scored, 2 usage, model or data error.\n";

#define BATCH 256

/* Writes one CSV field: plain when it needs no quoting, else via libcsv. */
static void put_field(FILE *fp, const char *s, size_t len, int first)
{
    if (!first)
        fputc(',', fp);
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        csv_fwrite(fp, s, len);
    else
        fwrite(s, 1, len, fp);
}

typedef struct pending {
    mg_row *row;        /* owned copy, or NULL for a bad record */
    unsigned long line; /* for bad records */
} pending;

typedef struct score_run {
    mg_model *model;
    mg_binding *binding;
    const char *data_path;
    FILE *out;
    long id_col;
    size_t nout;
    unsigned long unscored;
    pending batch[BATCH];
    size_t n;
    mg_row rows[BATCH];
    double *preds;
    unsigned char ok[BATCH];
} score_run;

static void write_line(score_run *r, const mg_row *row, const double *pred)
{
    const char *id = "";
    size_t idlen = 0;
    if (r->id_col >= 0 && row && (size_t)r->id_col < row->nvalues) {
        id = row->values[r->id_col].text;
        idlen = row->values[r->id_col].len;
    }
    int first = 1;
    if (r->id_col >= 0) {
        put_field(r->out, id, idlen, 1);
        first = 0;
    }
    for (size_t k = 0; k < r->nout; k++) {
        if (!first)
            fputc(',', r->out);
        first = 0;
        if (pred)
            fprintf(r->out, "%.17g", pred[k]);
    }
    fputc('\n', r->out);
}

/* Scores and writes the pending batch.  Returns 0, or -1 when the model
 * failed as a whole (message printed). */
static int flush_batch(score_run *r)
{
    size_t ngood = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->batch[i].row)
            r->rows[ngood++] = *r->batch[i].row;
    mg_error err = {{0}}, row_err = {{0}};
    if (ngood > 0 && mg_model_score_batch(r->model, r->binding, r->rows, ngood, r->preds, r->ok,
                                          &row_err, &err) < 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    size_t g = 0;
    for (size_t i = 0; i < r->n; i++) {
        mg_row *row = r->batch[i].row;
        if (!row) {
            write_line(r, NULL, NULL);
            continue;
        }
        if (r->ok[g]) {
            write_line(r, row, r->preds + g * r->nout);
        } else {
            /* The batch reports one message; ask for this row's own. */
            mg_error e = {{0}};
            double tmp[r->nout];
            if (mg_model_score_row(r->model, r->binding, row, tmp, &e) == 0)
                snprintf(e.msg, sizeof e.msg, "%s", row_err.msg);
            fprintf(stderr, "mgate: warning: %s:%lu: row not scored: %s\n", r->data_path,
                    row->line, e.msg);
            r->unscored++;
            write_line(r, row, NULL);
        }
        g++;
    }
    for (size_t i = 0; i < r->n; i++)
        mg_row_free(r->batch[i].row);
    r->n = 0;
    return 0;
}

/* A model without feature names reads columns by position: say which. */
static void warn_positional(const mg_model *m, const mg_binding *b, const char *const *cols)
{
    size_t nf = mg_model_nfeatures(m);
    int positional = 0;
    for (size_t i = 0; i < nf; i++)
        positional |= mg_binding_by_position(b, i);
    if (!positional)
        return;
    fprintf(stderr, "mgate: warning: the model names no features: bound by position:");
    for (size_t i = 0; i < nf && i < 50; i++)
        fprintf(stderr, "%s f%zu -> %s", i ? "," : "", i, cols[mg_binding_column(b, i)]);
    fprintf(stderr, "%s\n", nf > 50 ? ", ..." : "");
}

/* A record with more fields than max_columns: written unscored. */
static int too_many_fields(score_run *r, const mg_row *row, size_t max_columns)
{
    if (!max_columns || row->nfields_found <= max_columns)
        return 0;
    fprintf(stderr, "mgate: warning: %s:%lu: row not scored: found %zu fields, expected at most %zu "
                    "(--max-columns)\n", r->data_path, row->line, row->nfields_found, max_columns);
    r->unscored++;
    r->batch[r->n++] = (pending){NULL, row->line};
    return 1;
}

/* The output's header: the id column's name, then the prediction columns. */
static void write_header(score_run *r, const mg_source *src)
{
    int first = 1;
    if (r->id_col >= 0) {
        const char *h = mg_source_column(src, (size_t)r->id_col);
        put_field(r->out, h, strlen(h), 1);
        first = 0;
    }
    if (mg_model_get_task(r->model) == MG_TASK_MULTICLASS) {
        for (size_t k = 0; k < r->nout; k++) {
            const char *label = mg_model_class_label(r->model, k);
            char *h = mg_xasprintf("p_%s", label ? label : "");
            put_field(r->out, h, strlen(h), first);
            first = 0;
            free(h);
        }
    } else {
        put_field(r->out, "prediction", 10, first);
    }
    fputc('\n', r->out);
}

/* The command line of `mgate score`. */
typedef struct score_args {
    const char *model_path, *data_path, *out_path, *id_name;
    mg_format format;
    mg_limits limits; /* run's defaults unless an option sets one */
} score_args;

/* Sets *limit from a size option when it was given (check_size accepted
 * its value as it was read). */
static void size_option(const mg_args *args, size_t option, size_t *limit)
{
    const char *value = mg_args_value(args, option);
    if (value)
        read_size(value, limit);
}

/* Fills a from argv.  Returns 0, or the exit status of a usage error
 * (message printed). */
static int parse_args(int argc, char **argv, score_args *a)
{
    memset(a, 0, sizeof *a);
    mg_limits_defaults(&a->limits);
    a->limits.min_rows = 0; /* scoring no rows is not an error */
    mg_args args;
    int rc = mg_args_parse(&cmd_score_cli, argc, argv, &args);
    if (rc == 0 && args.noperands != 2) {
        if (args.noperands < 2)
            mg_cli_usage_error(&cmd_score_cli, "MODEL and DATA are required");
        else
            mg_cli_usage_error(&cmd_score_cli, "unexpected argument '%s'", args.operands[2]);
        rc = -1;
    }
    if (rc == 0) {
        a->model_path = args.operands[0];
        a->data_path = args.operands[1];
        a->out_path = mg_args_value(&args, SCORE_OUT);
        a->id_name = mg_args_value(&args, SCORE_ID);
        const char *format = mg_args_value(&args, SCORE_FORMAT);
        if (format)
            a->format = strcmp(format, "csv") == 0 ? MG_FORMAT_CSV : MG_FORMAT_JSONL;
        size_option(&args, SCORE_MAX_FIELD, &a->limits.max_field_bytes);
        size_option(&args, SCORE_MAX_ROW, &a->limits.max_row_bytes);
        size_option(&args, SCORE_MAX_COLUMNS, &a->limits.max_columns);
    }
    mg_args_free(&args);
    return rc == 0 ? 0 : MG_EXIT_USAGE;
}

/* Reads every row of src, scores and writes it in batches, then checks the
 * data did not change while it was read.  Returns 0, or -1 after printing
 * why. */
static int score_rows(score_run *r, mg_source *src, size_t max_columns)
{
    mg_error err = {{0}};
    for (;;) {
        mg_row row;
        mg_source_status st = mg_source_next(src, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            return -1;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(src);
            fprintf(stderr, "mgate: warning: %s:%lu: %s\n", r->data_path, p->line, p->message);
            if (p->kind == MG_PROBLEM_TOO_MANY_ROWS || p->kind == MG_PROBLEM_FILE_TOO_BIG)
                continue;
            r->unscored++;
            r->batch[r->n++] = (pending){NULL, p->line};
        } else if (!too_many_fields(r, &row, max_columns)) {
            r->batch[r->n++] = (pending){mg_row_dup(&row), row.line};
        }
        if (r->n == BATCH && flush_batch(r) != 0)
            return -1;
    }
    if (flush_batch(r) != 0)
        return -1;
    /* A file that changed while it was read was not scored as it is. */
    char data_sha256[65];
    if (mg_source_finish(src, data_sha256, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

int cmd_score(int argc, char **argv)
{
    score_args args;
    int usage = parse_args(argc, argv, &args);
    if (usage)
        return usage;
    const char *model_path = args.model_path, *data_path = args.data_path;
    const char *out_path = args.out_path, *id_name = args.id_name;
    const mg_limits limits = args.limits;

    mg_error err = {{0}};
    mg_model_spec spec = {0};
    spec.path = model_path;
    mg_model *model = mg_model_load(&spec, &err);
    if (!model) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return MG_EXIT_USAGE;
    }
    mg_source_options opts;
    memset(&opts, 0, sizeof opts);
    opts.format = args.format;
    opts.limits = limits;
    mg_source *src = mg_source_open(data_path, &opts, &err);
    if (!src) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        mg_model_free(model);
        return MG_EXIT_USAGE;
    }
    int rc = MG_EXIT_USAGE;
    score_run r;
    memset(&r, 0, sizeof r);
    r.model = model;
    r.data_path = data_path;
    r.nout = mg_model_noutputs(model);
    r.preds = mg_xcalloc(BATCH * r.nout, sizeof *r.preds);
    mg_atomic_file af;
    memset(&af, 0, sizeof af);
    size_t ncols = mg_source_ncolumns(src);
    const char **cols = mg_xcalloc(ncols + 1, sizeof *cols);
    for (size_t i = 0; i < ncols; i++)
        cols[i] = mg_source_column(src, i);
    size_t header = mg_source_header_columns(src);
    if (limits.max_columns && header > limits.max_columns) {
        fprintf(stderr, "mgate: error: %s:1: found %zu columns in the header, expected at most %zu "
                        "(--max-columns; 0 means no limit)\n", data_path, header, limits.max_columns);
        goto out;
    }
    r.binding = mg_binding_new(model, cols, ncols, &err);
    if (!r.binding) {
        fprintf(stderr, "mgate: error: %s: %s\n", data_path, err.msg);
        goto out;
    }
    warn_positional(model, r.binding, cols);
    r.id_col = mg_source_column_index(src, id_name ? id_name : "id");
    if (id_name && r.id_col < 0) {
        fprintf(stderr, "mgate: error: %s: no column '%s' for --id\n", data_path, id_name);
        goto out;
    }
    if (out_path) {
        if (mg_atomic_open(&af, out_path, &err) != 0) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            goto out;
        }
        r.out = af.fp;
    } else {
        r.out = stdout;
    }
    write_header(&r, src);
    if (score_rows(&r, src, limits.max_columns) != 0)
        goto out;
    if (out_path) {
        if (mg_atomic_commit(&af, &err) != 0) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            rc = MG_EXIT_INTERNAL;
            goto out;
        }
    }
    rc = r.unscored ? MG_EXIT_FAIL : MG_EXIT_PASS;
out:
    if (rc != MG_EXIT_PASS && rc != MG_EXIT_FAIL && out_path)
        mg_atomic_abort(&af);
    for (size_t i = 0; i < r.n; i++)
        mg_row_free(r.batch[i].row);
    free(cols);
    free(r.preds);
    mg_binding_free(r.binding);
    mg_source_free(src);
    mg_model_free(model);
    return rc;
}
