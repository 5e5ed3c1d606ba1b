/*
 * cmd_profile.c - `mgate profile DATA [--spec GATE.json] [-o profile.json]
 * [--force]`: reads a data set once and writes its drift profile
 * (checks/drift/profile.h, docs/profile-format.md): per column the counts,
 * numbers' moments and quantile sketch, texts' frequencies; with a spec, the
 * schema's types, the label's distribution and the scores of the spec's
 * model (or of its prediction column).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/drift/profile.h"
#include "common/xmem.h"
#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "harness/scoring.h"
#include "harness/spec.h"
#include "sources/source.h"

enum { PROFILE_SPEC, PROFILE_OUTPUT, PROFILE_FORCE, PROFILE_MERGE };

static const mg_option profile_options[] = {
    [PROFILE_SPEC] = {"spec", 0, "GATE.json", "a gate spec to take types, label, model and limits from", 0,
                      "a file name", "gate.json", NULL},
    [PROFILE_OUTPUT] = {"output", 'o', "FILE", "the profile to write (default profile.json)", 0, "a file name",
                        "profile.json", NULL},
    [PROFILE_FORCE] = {"force", 0, NULL, "replace FILE when it exists", 0, NULL, NULL, NULL},
    [PROFILE_MERGE] = {"merge", 0, NULL,
                       "the operands are profiles of shards of one data set\n"
                       "(same columns, label and scores): merge them",
                       0, NULL, NULL, NULL},
    {0},
};

const mg_cli cmd_profile_cli = {
    "profile", "DATA", profile_options,
    "Reads DATA (CSV or JSON Lines) once and writes its drift profile: per\n"
    "column the rows, missing and wrong-type values; for number columns the\n"
    "count, mean, variance, min, max and a quantile sketch (exact up to 10000\n"
    "values, then KLL with a 1.65% rank error); for text columns the value\n"
    "frequencies.  Without a spec a column is a number column when at most 1%\n"
    "of its values are not numbers.  With --spec, the schema's types decide,\n"
    "data.label adds the label distribution and the spec's model (or\n"
    "data.prediction) the scores' summary; its delimiter and limits apply.\n"
    "'mgate profile --merge PROFILE... [-o FILE]' merges profiles instead.\n",
};

const char cmd_profile_after[] = "The format is described in docs/profile-format.md.\n";

typedef struct profile_opts {
    const char *data, *spec, *out;
    int force;
    int merge;            /* --merge: the operands are profiles */
    const char **inputs;  /* the profiles to merge (borrowed from argv) */
    size_t ninputs;
} profile_opts;

static int parse_args(int argc, char **argv, profile_opts *o, mg_args *args)
{
    memset(o, 0, sizeof *o);
    if (mg_args_parse(&cmd_profile_cli, argc, argv, args) != 0)
        return MG_EXIT_USAGE;
    o->spec = mg_args_value(args, PROFILE_SPEC);
    o->out = mg_args_value(args, PROFILE_OUTPUT);
    if (!o->out)
        o->out = "profile.json";
    o->force = mg_args_count(args, PROFILE_FORCE) > 0;
    o->merge = mg_args_count(args, PROFILE_MERGE) > 0;
    if (o->merge) {
        if (o->spec) {
            mg_cli_usage_error(&cmd_profile_cli, "--spec does not apply to --merge");
            return MG_EXIT_USAGE;
        }
        if (args->noperands < 1) {
            fprintf(stderr, "mgate: error: no profile to merge given\n"
                            "usage: mgate profile --merge PROFILE... [-o|--output FILE] [--force]\n");
            return MG_EXIT_USAGE;
        }
        o->inputs = args->operands;
        o->ninputs = args->noperands;
        return 0;
    }
    if (args->noperands != 1) {
        if (args->noperands > 1) {
            mg_cli_usage_error(&cmd_profile_cli, "'%s': one data file only", args->operands[1]);
        } else {
            fprintf(stderr, "mgate: error: no data file given\n");
            mg_cli_print_synopsis(&cmd_profile_cli, "usage: ", stderr);
        }
        return MG_EXIT_USAGE;
    }
    o->data = args->operands[0];
    return 0;
}

/* --merge: reads every profile (each checked as it is read) and merges them
 * in order into the first.  0 or an exit status. */
static int merge_profiles(const profile_opts *o)
{
    mg_error err = {{0}};
    mg_dprofile *all = mg_dprofile_read(o->inputs[0], &err);
    int status = MG_EXIT_USAGE;
    if (!all) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return status;
    }
    for (size_t i = 1; i < o->ninputs; i++) {
        mg_dprofile *p = mg_dprofile_read(o->inputs[i], &err);
        if (!p) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            goto out;
        }
        int rc = mg_dprofile_merge(all, p, &err);
        mg_dprofile_free(p);
        if (rc < 0) {
            fprintf(stderr, "mgate: error: %s: %s\n", o->inputs[i], err.msg);
            goto out;
        }
    }
    if (mg_dprofile_write(all, o->out, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        status = MG_EXIT_INTERNAL;
        goto out;
    }
    printf("merged %zu profiles: %llu rows, %zu columns\nwritten to %s\n", o->ninputs,
           (unsigned long long)all->rows, all->ncols, o->out);
    status = 0;
out:
    mg_dprofile_free(all);
    return status;
}

/* The kind the spec's schema gives a column: numbers for number and integer
 * fields, text for the other declared types, AUTO otherwise. */
static mg_pcol_kind kind_of(const mg_spec *spec, const char *name)
{
    for (size_t i = 0; spec && i < spec->nfields; i++) {
        if (strcmp(spec->fields[i].name, name) != 0)
            continue;
        switch (spec->fields[i].type) {
        case MG_TYPE_NUMBER:
        case MG_TYPE_INTEGER: return MG_PCOL_NUMBER;
        case MG_TYPE_ANY: return MG_PCOL_AUTO;
        default: return MG_PCOL_TEXT;
        }
    }
    return MG_PCOL_AUTO;
}

/* What one read needs: the source, the profile, the scorer and its batch. */
typedef struct profile_run {
    mg_source *src;
    mg_dprofile *profile;
    mg_scoring *scoring;    /* NULL: no scores */
    mg_row **batch;
    size_t n, size;
    double *scores;
    const char **why;
    uint64_t bad_rows;
} profile_run;

/* The profile and scorer for the source's columns.  0 or an exit status. */
static int prepare(profile_run *r, const mg_spec *spec)
{
    size_t n = mg_source_ncolumns(r->src);
    const char **names = mg_xcalloc(n + 1, sizeof *names);
    mg_pcol_kind *kinds = mg_xcalloc(n + 1, sizeof *kinds);
    for (size_t i = 0; i < n; i++) {
        names[i] = mg_source_column(r->src, i);
        kinds[i] = kind_of(spec, names[i]);
    }
    const char *label = spec ? spec->roles[MG_ROLE_LABEL] : NULL;
    long label_col = label ? mg_source_column_index(r->src, label) : -1;
    const char *prediction = spec ? spec->roles[MG_ROLE_PREDICTION] : NULL;
    int has_model = spec && (spec->model.path || spec->model.command || spec->model.http);
    const char *scores_from = has_model ? "model" : prediction;
    int status = MG_EXIT_USAGE;
    mg_error err = {{0}};
    if (label && label_col < 0) {
        fprintf(stderr, "mgate: error: '%s': the label column '%s' (data.label) is not in the data\n",
                mg_source_path(r->src), label);
        goto out;
    }
    if (scores_from) {
        r->scoring = mg_scoring_new(&spec->model, prediction, "model", spec, r->src, &err);
        if (!r->scoring) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            goto out;
        }
        if (mg_scoring_noutputs(r->scoring) != 1) {
            fprintf(stderr, "mgate: error: %s gives %zu scores per row; a profile holds one\n",
                    mg_scoring_describe(r->scoring), mg_scoring_noutputs(r->scoring));
            goto out;
        }
        r->size = mg_scoring_batch_size(r->scoring);
        r->batch = mg_xcalloc(r->size, sizeof *r->batch);
        r->scores = mg_xcalloc(r->size, sizeof *r->scores);
        r->why = mg_xcalloc(r->size, sizeof *r->why);
    }
    r->profile = mg_dprofile_new(names, kinds, n, label_col, scores_from);
    status = 0;
out:
    free(names);
    free(kinds);
    return status;
}

/* Scores the rows held and adds the scores (an unscored row's is missing). */
static void flush_scores(profile_run *r)
{
    if (r->n == 0)
        return;
    mg_scoring_score(r->scoring, (const mg_row *const *)r->batch, r->n, r->scores, r->why);
    for (size_t i = 0; i < r->n; i++) {
        mg_dprofile_add_score(r->profile, r->why[i] ? NAN : r->scores[i]);
        mg_row_free(r->batch[i]);
    }
    r->n = 0;
}

/* Reads every row into the profile.  0 or an exit status. */
static int read_rows(profile_run *r)
{
    mg_error err = {{0}};
    for (;;) {
        mg_row row;
        mg_source_status st = mg_source_next(r->src, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            return MG_EXIT_USAGE;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(r->src);
            fprintf(stderr, "mgate: warning: %s:%lu: %s (row not profiled)\n",
                    mg_source_path(r->src), p->line, p->message);
            r->bad_rows++;
            continue;
        }
        mg_dprofile_add_row(r->profile, &row);
        if (r->scoring) {
            r->batch[r->n++] = mg_row_dup(&row);
            if (r->n == r->size)
                flush_scores(r);
        }
    }
    if (r->scoring)
        flush_scores(r);
    char sha[65];
    if (mg_source_finish(r->src, sha, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return MG_EXIT_USAGE;
    }
    return 0;
}

static void print_summary(const profile_run *r, const char *out)
{
    const mg_dprofile *p = r->profile;
    size_t numbers = 0;
    for (size_t i = 0; i < p->ncols; i++)
        numbers += p->cols[i].kind == MG_PCOL_NUMBER;
    printf("profile of '%s': %llu rows, %zu columns (%zu number, %zu text)",
           mg_source_path(r->src), (unsigned long long)p->rows, p->ncols, numbers,
           p->ncols - numbers);
    if (p->label)
        printf(", label '%s'", p->label);
    if (p->scores_from)
        printf(", scores from %s", p->scores_from);
    if (r->bad_rows)
        printf(", %llu malformed rows skipped", (unsigned long long)r->bad_rows);
    printf("\nwritten to %s\n", out);
}

int cmd_profile(int argc, char **argv)
{
    profile_opts o;
    mg_args args;
    int status = parse_args(argc, argv, &o, &args);
    if (status == 0 && !o.force && access(o.out, F_OK) == 0) {
        fprintf(stderr, "mgate: error: '%s' exists; use --force to replace it, or -o to write elsewhere\n",
                o.out);
        status = MG_EXIT_USAGE;
    }
    if (status != 0 || o.merge) {
        status = status != 0 ? status : merge_profiles(&o);
        mg_args_free(&args);
        return status;
    }
    mg_spec *spec = NULL;
    if (o.spec) {
        mg_spec_errors errs;
        spec = mg_spec_load(o.spec, &errs);
        if (!spec) {
            cmd_print_spec_errors(o.spec, &errs, 0);
            mg_spec_errors_free(&errs);
            mg_args_free(&args);
            return MG_EXIT_USAGE;
        }
    }
    mg_source_options so;
    memset(&so, 0, sizeof so);
    if (spec) {
        so.delimiter = spec->delimiter;
        so.limits = spec->limits;
    } else {
        mg_limits_defaults(&so.limits);
    }
    profile_run r;
    memset(&r, 0, sizeof r);
    mg_error err = {{0}};
    status = MG_EXIT_USAGE;
    r.src = mg_source_open(o.data, &so, &err);
    if (!r.src) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        goto out;
    }
    if ((status = prepare(&r, spec)) != 0 || (status = read_rows(&r)) != 0)
        goto out;
    if (r.profile->rows == 0) {
        /* a reference of nothing would let every later comparison pass */
        fprintf(stderr, "mgate: error: '%s': no data rows to profile\n", o.data);
        status = MG_EXIT_USAGE;
        goto out;
    }
    mg_dprofile_settle(r.profile);
    if (mg_dprofile_write(r.profile, o.out, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        status = MG_EXIT_INTERNAL;
        goto out;
    }
    print_summary(&r, o.out);
out:
    for (size_t i = 0; i < r.n; i++)
        mg_row_free(r.batch[i]);
    free(r.batch);
    free(r.scores);
    free(r.why);
    mg_scoring_free(r.scoring);
    mg_dprofile_free(r.profile);
    mg_source_free(r.src);
    mg_spec_free(spec);
    mg_args_free(&args);
    return status;
}
