/*
 * cmd_fixture.c - `mgate fixture add|update`: authoring fixture cases.
 *
 *   add GATE.json (--row FILE:LINE | --json '{...}') [--id ID] [--tag T]
 *       [--note TEXT] [--to FILE] [--allow-unknown]
 *     scores the input with the gate's model and appends a case recording
 *     the model's current output, printing the case.
 *   update GATE.json [--dry-run]
 *     re-scores every case, prints each expectation that changes
 *     (old -> new) and then rewrites the case files (atomically); with
 *     --dry-run only prints.
 *
 * The cases are those of the gate's `fixtures` check ("path", relative to
 * the spec).  Nothing is overwritten without being shown first.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/adversarial/fixture_cases.h"
#include "common/atomic_file.h"
#include "common/mkdirs.h"
#include "common/suggest.h"
#include "common/xmem.h"
#include "harness/cmd_common.h"
#include "harness/commands.h"
#include "harness/spec.h"
#include "score/model.h"
#include "sources/value_json.h"

#define FIXTURE_SET_HELP "change the spec before it is validated, as for\n'mgate run' (repeatable)"

enum { ADD_ROW, ADD_JSON, ADD_ID, ADD_TAG, ADD_NOTE, ADD_TO, ADD_ALLOW_UNKNOWN, ADD_SET };

static const mg_option add_options[] = {
    [ADD_ROW] = {"row", 0, "FILE:LINE", "the input: the data row starting on that line", MG_OPT_IN_OPERANDS,
                 "FILE:LINE", "data.csv:17", NULL},
    [ADD_JSON] = {"json", 0, "'{...}'", "the input: a JSON object of field values", MG_OPT_IN_OPERANDS,
                  "a JSON object", "'{\"amount\": 800}'", NULL},
    [ADD_ID] = {"id", 0, "ID", "the case's id (default case-N, the first N free)", 0, NULL, NULL, NULL},
    [ADD_TAG] = {"tag", 0, "TAG", "its tag (default \"regression\")", 0, NULL, NULL, NULL},
    [ADD_NOTE] = {"note", 0, "TEXT", "why the case exists, e.g. a ticket", 0, NULL, NULL, NULL},
    [ADD_TO] = {"to", 0, "FILE", "the case file to append to", 0, "a file name", NULL, NULL},
    [ADD_ALLOW_UNKNOWN] = {"allow-unknown", 0, NULL, "keep --json fields the model has no feature for", 0, NULL,
                           NULL, NULL},
    [ADD_SET] = CMD_SET_OPTION(FIXTURE_SET_HELP),
    {0},
};

enum { UPDATE_DRY_RUN, UPDATE_SET };

static const mg_option update_options[] = {
    [UPDATE_DRY_RUN] = {"dry-run", 0, NULL, "print the changes without writing them", 0, NULL, NULL, NULL},
    [UPDATE_SET] = CMD_SET_OPTION(FIXTURE_SET_HELP),
    {0},
};

const mg_cli cmd_fixture_add_cli = {
    "fixture add", "GATE.json (--row FILE:LINE | --json '{...}')", add_options,
    "add     scores the input (a data row at FILE:LINE, or a JSON object of field\n"
    "        values) with the gate's model and appends a case that records the\n"
    "        model's current output, for review.  The case is printed.  It goes to\n"
    "        --to FILE, else the check's path when it is a file, else cases.jsonl\n"
    "        in the check's folder.  --tag defaults to \"regression\".  A --json\n"
    "        field the model has no feature for is an error (a typo would record\n"
    "        the feature as missing) unless --allow-unknown; a --row keeps only\n"
    "        the model's features of the row.\n",
};

const mg_cli cmd_fixture_update_cli = {
    "fixture update", "GATE.json", update_options,
    "update  re-scores every case after an intended model change and prints each\n"
    "        expectation that changes (old -> new), then rewrites the case files\n"
    "        atomically.  --dry-run prints without writing.\n",
};

const char cmd_fixture_about[] =
    "Fixture cases are JSON Lines under the path of the gate's \"fixtures\" check:\n"
    "  {\"id\": \"...\", \"input\": {...}, \"expect\": {\"label\": 1, \"score\": 0.93,\n"
    "   \"tolerance\": 1e-06}, \"tags\": [\"edge\"], \"note\": \"why / ticket\"}\n";

const char cmd_fixture_after[] = "exit status: 0 done, 2 usage or input error, 3 internal error.\n";

typedef struct fx_ctx {
    mg_spec *spec;
    char *cases_path;   /* resolved check path */
    double tol, threshold;
    mg_model *model;
    adv_case_model cm;
} fx_ctx;

static void ctx_free(fx_ctx *x)
{
    adv_case_model_free(&x->cm);
    mg_model_free(x->model);
    free(x->cases_path);
    mg_spec_free(x->spec);
}

/* Loads the spec (with the --set values of option row set_row), finds its
 * fixtures check, loads and binds the model. */
static int ctx_open(fx_ctx *x, const char *spec_path, const mg_args *args, size_t set_row)
{
    memset(x, 0, sizeof *x);
    x->spec = cmd_load_spec(spec_path, args, set_row, 0);
    if (!x->spec)
        return MG_EXIT_USAGE;
    const mg_check_spec *fx = NULL;
    for (size_t i = 0; i < x->spec->nchecks && !fx; i++)
        if (x->spec->checks[i].def && strcmp(x->spec->checks[i].def->name, "fixtures") == 0)
            fx = &x->spec->checks[i];
    if (!fx) {
        fprintf(stderr, "mgate: error: %s: the gate has no \"fixtures\" check; add "
                        "{\"check\": \"fixtures\", \"path\": \"cases/\"} to its checks\n", spec_path);
        return MG_EXIT_USAGE;
    }
    x->cases_path = adv_fixtures_path(fx->options, x->spec->dir);
    const json_t *t = json_object_get(fx->options, "tolerance");
    x->tol = json_is_number(t) ? json_number_value(t) : 1e-6;
    const json_t *th = json_object_get(fx->options, "threshold");
    x->threshold = json_is_number(th) ? json_number_value(th) : 0.5;
    if (!x->spec->model.path && !x->spec->model.command && !x->spec->model.http) {
        fprintf(stderr, "mgate: error: %s: fixture cases need a \"model\" to score them\n", spec_path);
        return MG_EXIT_USAGE;
    }
    mg_model_spec ms;
    memset(&ms, 0, sizeof ms);
    ms.path = x->spec->model.path;
    ms.command = (const char *const *)x->spec->model.command;
    ms.timeout_seconds = x->spec->model.timeout_seconds;
    ms.batch_size = x->spec->model.batch_size;
    ms.http = x->spec->model.http;
    ms.format = mg_model_format_parse(x->spec->model.format);
    mg_error err = {{0}};
    x->model = mg_model_load(&ms, &err);
    const mg_model_ref *ref = &x->spec->model;
    if (x->model && ref->features && ref->nfeatures != mg_model_nfeatures(x->model))
        mg_error_set(&err, "%s: %zu columns named for the %zu features of the model", ref->features_at,
                     ref->nfeatures, mg_model_nfeatures(x->model));
    else if (x->model)
        adv_case_model_init(&x->cm, x->model, (const char *const *)ref->features, &err);
    if (!x->model || err.msg[0]) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return MG_EXIT_USAGE;
    }
    return MG_EXIT_PASS;
}

/* Reads the data row at FILE:LINE as a JSON object of the model's features.
 * Returns a new reference or NULL after printing why. */
static json_t *row_input(fx_ctx *x, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    char *end = NULL;
    unsigned long line = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || colon == arg || !end || *end || line == 0) {
        mg_cli_usage_error(&cmd_fixture_add_cli, "'--row %s': expected FILE:LINE, e.g. data.csv:17", arg);
        return NULL;
    }
    char *file = mg_xstrndup(arg, (size_t)(colon - arg));
    mg_source_options so;
    memset(&so, 0, sizeof so);
    so.limits = x->spec->limits;
    so.delimiter = x->spec->delimiter;
    /* JSON Lines: extract the model's features (the first object's keys otherwise). */
    if (mg_format_from_path(file) == MG_FORMAT_JSONL) {
        so.columns = (const char *const *)x->cm.columns;
        so.ncolumns = x->cm.ncolumns;
    }
    mg_error err = {{0}};
    mg_source *src = mg_source_open(file, &so, &err);
    if (!src) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        free(file);
        return NULL;
    }
    json_t *input = NULL;
    mg_row row;
    for (;;) {
        mg_source_status st = mg_source_next(src, &row, &err);
        if (st == MG_SOURCE_ERROR) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            break;
        }
        if (st == MG_SOURCE_END) {
            fprintf(stderr, "mgate: error: %s:%lu: no data row starts on that line\n", file, line);
            break;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            const mg_source_problem_info *p = mg_source_problem(src);
            if (p->line == line) {
                fprintf(stderr, "mgate: error: %s:%lu: the row cannot be read\n", file, line);
                break;
            }
            continue;
        }
        if (row.line < line)
            continue;
        if (row.line > line) {
            fprintf(stderr, "mgate: error: %s:%lu: no data row starts on that line (the header, or inside a "
                            "quoted field?)\n", file, line);
            break;
        }
        input = json_object();
        for (size_t i = 0; i < x->cm.ncolumns; i++) {
            long c = mg_source_column_index(src, x->cm.columns[i]);
            if (c < 0 || (size_t)c >= row.nvalues)
                continue;
            json_t *v = mg_value_json(&row.values[c]);
            if (v)
                json_object_set_new(input, x->cm.columns[i], v);
        }
        break;
    }
    mg_source_free(src);
    free(file);
    return input;
}

/* Every field of a --json input must be a model feature: a misspelt name
 * would otherwise record a case where that feature is missing.  Returns 0,
 * or -1 after printing each unknown field with the closest feature. */
static int check_input_fields(const fx_ctx *x, const json_t *input)
{
    int bad = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)input, key, v) {
        int known = 0;
        for (size_t i = 0; i < x->cm.ncolumns && !known; i++)
            known = strcmp(x->cm.columns[i], key) == 0;
        if (known)
            continue;
        const char *near = mg_suggest(key, (const char *const *)x->cm.columns);
        fprintf(stderr, "mgate: error: --json: the model has no feature '%s'%s%s%s; give --allow-unknown to keep it\n",
                key, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        bad = 1;
    }
    return bad ? -1 : 0;
}

/* The file a new case goes to. */
static char *target_file(const fx_ctx *x, const char *to)
{
    if (to)
        return mg_xstrdup(to);
    struct stat st;
    size_t n = strlen(x->cases_path);
    int exists = stat(x->cases_path, &st) == 0;
    /* A folder: one that exists, a path ending in '/', or a new path not
     * named *.jsonl. */
    int is_dir = (exists && S_ISDIR(st.st_mode)) || (n && x->cases_path[n - 1] == '/') ||
                 (!exists && (n < 6 || strcmp(x->cases_path + n - 6, ".jsonl") != 0));
    if (!is_dir)
        return mg_xstrdup(x->cases_path);
    return mg_xasprintf("%s%scases.jsonl", x->cases_path, x->cases_path[n - 1] == '/' ? "" : "/");
}

/* Writes `lines` (each without newline) to path atomically, creating the
 * folder when needed. */
static int write_lines(const char *path, char *const *lines, size_t n)
{
    mg_atomic_file af;
    mg_error err = {{0}};
    if (mg_mkdirs_for(path, &err) != 0 || mg_atomic_open(&af, path, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        fprintf(af.fp, "%s\n", lines[i]);
    if (mg_atomic_commit(&af, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* The input of the new case: the --json object (its fields checked unless
 * allow_unknown) or the --row.  A new reference, or NULL after printing why. */
static json_t *add_input(fx_ctx *x, const char *jsn, const char *row, int allow_unknown)
{
    if (!jsn)
        return row_input(x, row);
    json_error_t je;
    json_t *input = json_loads(jsn, JSON_REJECT_DUPLICATES, &je);
    if (!input || !json_is_object(input)) {
        fprintf(stderr, "mgate: error: --json:%d:%d: %s\n", je.line, je.column,
                input ? "expected an object of field values" : je.text);
        json_decref(input);
        return NULL;
    }
    if (!allow_unknown && check_input_fields(x, input) != 0) {
        json_decref(input);
        return NULL;
    }
    return input;
}

/* Loads the cases that exist (none when the path does not exist yet).
 * Returns 0, or -1 after printing why. */
static int load_existing_cases(const fx_ctx *x, adv_cases *cs)
{
    mg_error err = {{0}};
    char **files = NULL;
    size_t nfiles = 0;
    if (adv_case_files(x->cases_path, 1, &files, &nfiles, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (nfiles && adv_cases_load(cs, x->cases_path, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* The id of the new case: id, or case-N with the first free N.  Returns a
 * new string, or NULL after printing that a case already has id. */
static char *new_case_id(const adv_cases *cs, const char *id)
{
    char *made = NULL;
    for (size_t n = cs->n + 1; !id; n++) {
        free(made);
        made = mg_xasprintf("case-%zu", n);
        int taken = 0;
        for (size_t i = 0; i < cs->n; i++)
            taken |= cs->c[i].id && !strcmp(cs->c[i].id, made);
        if (!taken)
            return made;
    }
    for (size_t i = 0; i < cs->n; i++)
        if (cs->c[i].id && !strcmp(cs->c[i].id, id)) {
            fprintf(stderr, "mgate: error: %s:%lu: a case with id '%s' exists; choose another --id\n",
                    cs->c[i].file, cs->c[i].line, id);
            return NULL;
        }
    return mg_xstrdup(id);
}

static int fixture_add(const mg_args *args)
{
    const char *spec_path = args->operands[0], *row = mg_args_value(args, ADD_ROW),
               *jsn = mg_args_value(args, ADD_JSON), *id = mg_args_value(args, ADD_ID),
               *tag = mg_args_value(args, ADD_TAG), *note = mg_args_value(args, ADD_NOTE),
               *to = mg_args_value(args, ADD_TO);
    int allow_unknown = mg_args_count(args, ADD_ALLOW_UNKNOWN) > 0;
    if (!tag)
        tag = "regression";
    if (!row == !jsn) {
        mg_cli_usage_error(&cmd_fixture_add_cli, "give one of --row FILE:LINE or --json '{...}'");
        return MG_EXIT_USAGE;
    }
    fx_ctx x;
    int status = ctx_open(&x, spec_path, args, ADD_SET);
    json_t *input = NULL;
    adv_cases cs;
    memset(&cs, 0, sizeof cs);
    char *file = NULL, *line = NULL, *gen_id = NULL;
    if (status != MG_EXIT_PASS)
        goto out;
    status = MG_EXIT_USAGE;
    input = add_input(&x, jsn, row, allow_unknown);
    if (!input || load_existing_cases(&x, &cs) != 0)
        goto out;
    gen_id = new_case_id(&cs, id);
    if (!gen_id)
        goto out;
    id = gen_id;
    adv_case_result r;
    adv_case_score(&x.cm, input, &r);
    if (r.broken) {
        fprintf(stderr, "mgate: error: the scorer broke on this input: %s\n", r.why);
        goto out;
    }
    if (r.scored && !r.finite) {
        fprintf(stderr, "mgate: error: the model scores this input %g: a non-finite score cannot be an "
                        "expectation\n", r.out[0]);
        goto out;
    }
    json_t *expect = adv_case_expect_now(&x.cm, &r, x.tol, x.threshold);
    char default_note[128];
    if (!note) {
        snprintf(default_note, sizeof default_note, "recorded by mgate fixture add%s%s; review before committing",
                 row ? " from " : "", row ? row : "");
        note = default_note;
    }
    line = adv_case_line(id, input, expect, tag, note);
    json_decref(expect);
    file = target_file(&x, to);
    /* Append: the file's current lines, then the new one. */
    char **lines = NULL;
    size_t nl = 0, cap = 0;
    for (size_t i = 0; i < cs.n; i++)
        if (!strcmp(cs.c[i].file, file)) {
            lines = mg_xgrow(lines, &cap, nl + 1, sizeof *lines);
            lines[nl++] = cs.c[i].raw;
        }
    lines = mg_xgrow(lines, &cap, nl + 1, sizeof *lines);
    lines[nl++] = line;
    int w = write_lines(file, lines, nl);
    free(lines);
    if (w != 0) {
        status = MG_EXIT_INTERNAL;
        goto out;
    }
    printf("added case '%s' to %s:%zu%s\n  %s\n", id, file, nl,
           r.scored ? "" : " (the model rejects this input; recorded as expected)", line);
    if (!r.scored)
        printf("  the model said: %s\n", r.why);
    status = MG_EXIT_PASS;
out:
    free(gen_id);
    free(line);
    free(file);
    json_decref(input);
    adv_cases_free(&cs);
    ctx_free(&x);
    return status;
}

/* A short form of an expectation for the change list. */
static char *expect_text(const json_t *e)
{
    if (!e)
        return mg_xstrdup("(none)");
    json_t *copy = json_deep_copy(e);
    json_object_del(copy, "tolerance");
    char *s = json_dumps(copy, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(copy);
    return s ? s : mg_xstrdup("?");
}

static int fixture_update(const mg_args *args)
{
    const char *spec_path = args->operands[0];
    int dry = mg_args_count(args, UPDATE_DRY_RUN) > 0;
    fx_ctx x;
    int status = ctx_open(&x, spec_path, args, UPDATE_SET);
    adv_cases cs;
    memset(&cs, 0, sizeof cs);
    char **newraw = NULL;
    if (status != MG_EXIT_PASS)
        goto out;
    status = MG_EXIT_USAGE;
    mg_error err = {{0}};
    if (adv_cases_load(&cs, x.cases_path, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        goto out;
    }
    newraw = mg_xcalloc(cs.n + 1, sizeof *newraw);
    size_t changed = 0, ncases = 0;
    char diff[1024];
    for (size_t i = 0; i < cs.n; i++) {
        adv_case *k = &cs.c[i];
        if (!k->obj)
            continue;
        ncases++;
        adv_case_result r;
        adv_case_score(&x.cm, json_object_get(k->obj, "input"), &r);
        const json_t *old = json_object_get(k->obj, "expect");
        if (adv_case_compare(&x.cm, old, &r, x.tol, x.threshold, diff, sizeof diff) == 0)
            continue;
        if (r.broken || (r.scored && !r.finite)) {
            fprintf(stderr, "mgate: error: %s:%lu: case '%s': %s; not recordable as an expectation\n", k->file,
                    k->line, k->id, r.broken ? r.why : "a non-finite score");
            goto out;
        }
        const json_t *ot = json_object_get(old, "tolerance");
        json_t *now = adv_case_expect_now(&x.cm, &r, json_is_number(ot) ? json_number_value(ot) : x.tol,
                                          x.threshold);
        char *a = expect_text(old), *b = expect_text(now);
        printf("%s:%lu: case '%s': %s -> %s\n    (%s)\n", k->file, k->line, k->id, a, b, diff);
        free(a);
        free(b);
        json_object_set_new(k->obj, "expect", now);
        newraw[i] = json_dumps(k->obj, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        changed++;
    }
    if (changed == 0) {
        printf("%zu cases: no expectation changed\n", ncases);
        status = MG_EXIT_PASS;
        goto out;
    }
    if (dry) {
        printf("%zu of %zu cases would change (dry run: nothing written)\n", changed, ncases);
        status = MG_EXIT_PASS;
        goto out;
    }
    /* Rewrite each file that has a change; unchanged lines stay as they were. */
    for (size_t f = 0; f < cs.nfiles; f++) {
        char **lines = mg_xcalloc(cs.n + 1, sizeof *lines);
        size_t nl = 0;
        int any = 0;
        for (size_t i = 0; i < cs.n; i++) {
            if (strcmp(cs.c[i].file, cs.files[f]) != 0)
                continue;
            any |= newraw[i] != NULL;
            lines[nl++] = newraw[i] ? newraw[i] : cs.c[i].raw;
        }
        int w = any ? write_lines(cs.files[f], lines, nl) : 0;
        free(lines);
        if (w != 0) {
            status = MG_EXIT_INTERNAL;
            goto out;
        }
    }
    printf("%zu of %zu cases updated\n", changed, ncases);
    status = MG_EXIT_PASS;
out:
    for (size_t i = 0; newraw && i < cs.n; i++)
        free(newraw[i]);
    free(newraw);
    adv_cases_free(&cs);
    ctx_free(&x);
    return status;
}

/* The subcommands: each line's table and handler. */
static const struct {
    const char *name;
    const mg_cli *cli;
    int (*run)(const mg_args *args);
} fixture_commands[] = {
    {"add", &cmd_fixture_add_cli, fixture_add},
    {"update", &cmd_fixture_update_cli, fixture_update},
};

#define NFIXTURE_COMMANDS (sizeof fixture_commands / sizeof *fixture_commands)

/* The index of the subcommand named name, or -1 after printing why. */
static int find_subcommand(const char *name)
{
    const char *names[NFIXTURE_COMMANDS + 1] = {0};
    for (size_t i = 0; i < NFIXTURE_COMMANDS; i++) {
        if (name && strcmp(fixture_commands[i].name, name) == 0)
            return (int)i;
        names[i] = fixture_commands[i].name;
    }
    const char *near = name ? mg_suggest(name, names) : NULL;
    if (!name)
        fprintf(stderr, "mgate: error: expected 'add' or 'update'; see 'mgate fixture --help'\n");
    else
        fprintf(stderr, "mgate: error: unknown subcommand '%s'%s%s%s (expected 'add' or 'update'); see 'mgate "
                        "fixture --help'\n", name, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    return -1;
}

int cmd_fixture(int argc, char **argv)
{
    int k = find_subcommand(argc >= 2 ? argv[1] : NULL);
    if (k < 0)
        return MG_EXIT_USAGE;
    const mg_cli *cli = fixture_commands[k].cli;
    mg_args args;
    int status = MG_EXIT_USAGE;
    if (mg_args_parse(cli, argc - 1, argv + 1, &args) != 0)
        goto out;
    if (args.noperands != 1) {
        if (args.noperands == 0)
            mg_cli_usage_error(cli, "give GATE.json");
        else
            mg_cli_usage_error(cli, "unexpected argument '%s'", args.operands[1]);
        goto out;
    }
    status = fixture_commands[k].run(&args);
out:
    mg_args_free(&args);
    return status;
}
