/*
 * cmd_init.c - `mgate init DATA [...]`: reads the data once and writes a
 * starter gate spec that passes on that data: a schema rule per column,
 * the data checks with tolerances that cover the flaws seen, and with a
 * model (or a prediction column) metric checks just below the observed
 * values.  The rules are in harness/init_profile.h, harness/init_spec.h
 * and docs/init.md.
 */
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "checks/metrics/metrics.h"
#include "common/atomic_file.h"
#include "common/name_index.h"
#include "common/xmem.h"
#include "harness/commands.h"
#include "harness/init_order.h"
#include "harness/init_profile.h"
#include "harness/init_spec.h"
#include "harness/runner.h"
#include "harness/spec.h"

enum { INIT_LABEL, INIT_ID, INIT_TIME, INIT_MODEL, INIT_OUTPUT, INIT_FORCE };

static const mg_option init_options[] = {
    [INIT_LABEL] = {"label", 0, "COL", "the label column", 0, "a column name", NULL, NULL},
    [INIT_ID] = {"id", 0, "COL", "the id column (must be unique up to 1% of rows)", 0, "a column name", NULL, NULL},
    [INIT_TIME] = {"time", 0, "COL", "the event-time column; epoch seconds count as times", 0, "a column name",
                   NULL, NULL},
    [INIT_MODEL] = {"model", 0, "FILE", "the model to gate (XGBoost JSON, linear JSON, PMML)", 0, "a file name",
                    NULL, NULL},
    [INIT_OUTPUT] = {"output", 'o', "FILE", "the spec to write (default gate.json)", 0, "a file name", "gate.json",
                     NULL},
    [INIT_FORCE] = {"force", 0, NULL, "replace FILE when it exists", 0, NULL, NULL, NULL},
    {0},
};

const mg_cli cmd_init_cli = {
    "init", "DATA", init_options,
    "Reads DATA (CSV or JSON Lines) once and writes a starter gate spec that\n"
    "passes on it: per column the type, required/nullable, widened min/max,\n"
    "values (text with at most 20 distinct values) and max_length; the id\n"
    "(unique), time (timestamps) and label (or a column named label, target,\n"
    "y or class) columns; the data checks, with tolerances covering the flaws\n"
    "seen.  With --model FILE, or a prediction column (prediction, score, pred,\n"
    "probability) and a 0/1 label, metric checks with floors just below the\n"
    "observed values and a baseline to write with 'mgate baseline'.\n",
};

const char cmd_init_after[] = "The rules are described in docs/init.md.\n";

typedef struct init_opts {
    const char *data, *label, *id, *time, *model, *out;
    int force;
} init_opts;

/* What one pass over the data found. */
typedef struct init_read {
    mg_profile *profile;
    mg_format format;
    uint64_t format_rows;  /* malformed records and CSV records of the wrong width */
    uint64_t limit_rows;   /* records over the default size limits */
} init_read;

/* The columns the spec names, -1 when none. */
typedef struct init_roles {
    long label, id, time, prediction;
    mg_order_rule order;      /* order.key_col is the data.key column */
} init_roles;

static int parse_args(int argc, char **argv, init_opts *o)
{
    memset(o, 0, sizeof *o);
    mg_args args;
    int rc = mg_args_parse(&cmd_init_cli, argc, argv, &args);
    if (rc == 0 && args.noperands != 1) {
        if (args.noperands > 1)
            mg_cli_usage_error(&cmd_init_cli, "'%s': one data file only", args.operands[1]);
        else {
            fprintf(stderr, "mgate: error: no data file given\n");
            mg_cli_print_synopsis(&cmd_init_cli, "usage: ", stderr);
        }
        rc = -1;
    }
    if (rc == 0) {
        o->data = args.operands[0];
        o->label = mg_args_value(&args, INIT_LABEL);
        o->id = mg_args_value(&args, INIT_ID);
        o->time = mg_args_value(&args, INIT_TIME);
        o->model = mg_args_value(&args, INIT_MODEL);
        o->out = mg_args_value(&args, INIT_OUTPUT);
        if (!o->out)
            o->out = "gate.json";
        o->force = mg_args_count(&args, INIT_FORCE) > 0;
    }
    mg_args_free(&args);
    return rc == 0 ? 0 : MG_EXIT_USAGE;
}

static long find_column(const mg_source *src, const char *name, const char *option)
{
    if (!name)
        return -1;
    long i = mg_source_column_index(src, name);
    if (i < 0)
        fprintf(stderr, "mgate: error: %s '%s': no such column in '%s'\n", option, name, mg_source_path(src));
    return i;
}

/* A spec names columns by name: a header naming one twice cannot be
 * described (the format check fails it).  Returns 0, or -1 with a message. */
static int check_unique_names(const mg_source *src)
{
    mg_name_index ix;
    mg_name_index_init(&ix);
    int status = 0;
    for (size_t i = 0; i < mg_source_ncolumns(src) && status == 0; i++) {
        if (mg_name_index_add(&ix, mg_source_column(src, i), i) >= 0) {
            fprintf(stderr, "mgate: error: '%s': the header names column '%s' twice; rename one\n",
                    mg_source_path(src), mg_source_column(src, i));
            status = -1;
        }
    }
    mg_name_index_free(&ix);
    return status;
}

static void count_problem(init_read *rd, const mg_source_problem_info *pi)
{
    if (pi->kind == MG_PROBLEM_MALFORMED)
        rd->format_rows++;
    else
        rd->limit_rows++;
}

/* Reads the data once into rd->profile.  Returns 0 or an exit status. */
static int read_data(const init_opts *o, init_read *rd, init_roles *roles)
{
    mg_source_options so;
    memset(&so, 0, sizeof so);
    mg_limits_defaults(&so.limits);
    mg_error err = {{0}};
    mg_source *src = mg_source_open(o->data, &so, &err);
    if (!src) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return MG_EXIT_USAGE;
    }
    rd->format = mg_source_format(src);
    int status = MG_EXIT_USAGE;
    roles->id = find_column(src, o->id, "--id");
    roles->time = find_column(src, o->time, "--time");
    roles->label = find_column(src, o->label, "--label");
    if ((o->id && roles->id < 0) || (o->time && roles->time < 0) || (o->label && roles->label < 0) ||
        check_unique_names(src) != 0)
        goto out;
    size_t n = mg_source_ncolumns(src);
    const char **names = mg_xcalloc(n + 1, sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = mg_source_column(src, i);
    rd->profile = mg_profile_new(names, n, roles->id, roles->time);
    free(names);
    for (;;) {
        mg_row row;
        mg_source_status st = mg_source_next(src, &row, &err);
        if (st == MG_SOURCE_END)
            break;
        if (st == MG_SOURCE_ERROR) {
            fprintf(stderr, "mgate: error: %s\n", err.msg);
            goto out;
        }
        if (st == MG_SOURCE_BAD_ROW) {
            count_problem(rd, mg_source_problem(src));
            continue;
        }
        if (rd->format == MG_FORMAT_CSV && row.nfields_found != row.nvalues)
            rd->format_rows++;
        mg_profile_add_row(rd->profile, &row);
    }
    char hex[65];
    if (mg_source_finish(src, hex, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        goto out;
    }
    if (rd->profile->rows == 0) {
        fprintf(stderr, "mgate: error: '%s': no data rows to learn from\n", o->data);
        goto out;
    }
    status = 0;
out:
    mg_source_free(src);
    return status;
}

static int name_in(const char *name, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcasecmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* A 0/1 (or boolean) label, which a prediction column can be scored against. */
static int label_is_binary(const mg_profile *p, long label)
{
    mg_col_rules r;
    mg_profile_rules(p, (size_t)label, &r);
    if (r.type == MG_TYPE_BOOLEAN)
        return 1;
    const mg_col_profile *c = &p->cols[label];
    if (r.type != MG_TYPE_INTEGER || c->too_many_values)
        return 0;
    for (size_t k = 0; k < c->nvalues; k++)
        if (c->values[k].is_int && c->values[k].num != 0 && c->values[k].num != 1)
            return 0;
    return 1;
}

static void pick_roles(const init_opts *o, const mg_profile *p, init_roles *roles)
{
    static const char *const label_names[] = {"label", "target", "y", "class", NULL};
    static const char *const pred_names[] = {"prediction", "score", "pred", "probability", "y_pred", "y_score", NULL};
    for (size_t i = 0; roles->label < 0 && i < p->ncols; i++)
        if (name_in(p->cols[i].name, label_names))
            roles->label = (long)i;
    roles->id = mg_profile_pick_id(p);
    roles->time = mg_profile_pick_time(p);
    mg_order_pick(p, roles->time, roles->id, &roles->order);
    roles->prediction = -1;
    if (o->model || roles->label < 0 || !label_is_binary(p, roles->label))
        return;
    for (size_t i = 0; i < p->ncols; i++) {
        const mg_col_profile *c = &p->cols[i];
        mg_col_rules r;
        mg_profile_rules(p, i, &r);
        if (name_in(c->name, pred_names) && (long)i != roles->label && r.type == MG_TYPE_NUMBER &&
            c->lo[MG_CAND_NUMBER] >= 0 && c->hi[MG_CAND_NUMBER] <= 1) {
            roles->prediction = (long)i;
            return;
        }
    }
}

static void set_role(json_t *data, const char *key, const mg_profile *p, long col)
{
    if (col >= 0)
        json_object_set_new(data, key, json_string(p->cols[col].name));
}

static json_t *data_json(const char *data_rel, const init_read *rd, const init_roles *roles)
{
    const mg_profile *p = rd->profile;
    json_t *data = json_object();
    json_object_set_new(data, "path", json_string(data_rel));
    json_object_set_new(data, "format", json_string(rd->format == MG_FORMAT_JSONL ? "jsonl" : "csv"));
    set_role(data, "id", p, roles->id);
    set_role(data, "key", p, roles->order.key_col);
    set_role(data, "time", p, roles->time);
    set_role(data, "label", p, roles->label);
    set_role(data, "prediction", p, roles->prediction);
    return data;
}

/* A check with max_count when something was seen, strict otherwise. */
static void add_check(json_t *checks, const char *type, uint64_t seen)
{
    json_t *c = json_object();
    json_object_set_new(c, "check", json_string(type));
    if (seen)
        json_object_set_new(c, "max_count", json_integer((json_int_t)seen));
    json_array_append_new(checks, c);
}

static json_t *checks_json(const init_read *rd, const init_roles *roles)
{
    const mg_profile *p = rd->profile;
    uint64_t missing = 0, wrong = 0, outside = 0;
    for (size_t i = 0; i < p->ncols; i++) {
        mg_col_rules r;
        mg_profile_rules(p, i, &r);
        missing += r.missing_cells;
        wrong += r.wrong_type_cells;
        if ((long)i != roles->label)
            outside += r.out_of_range_cells;
        /* ranges also counts a value it cannot compare with min/max/values */
        if (r.has_bounds || r.has_values || (long)i == roles->label)
            outside += r.wrong_type_cells;
    }
    json_t *checks = json_array();
    add_check(checks, "missing", missing);
    add_check(checks, "types", wrong);
    add_check(checks, "ranges", outside);
    add_check(checks, "format", rd->format_rows);
    add_check(checks, "limits", rd->limit_rows);
    if (roles->order.use) {
        json_t *c = json_object();
        json_object_set_new(c, "check", json_string("order"));
        if (roles->order.allowed_lateness > 0) {
            char late[32];
            mg_lateness_text(roles->order.allowed_lateness, late, sizeof late);
            json_object_set_new(c, "allowed_lateness", json_string(late));
        }
        /* The order check also counts rows whose time is missing or
         * unreadable, or whose key is missing: those seen are tolerated. */
        const mg_col_profile *t = &p->cols[roles->time];
        uint64_t unplaced = t->absent + t->empty + t->fails[MG_CAND_TIMESTAMP];
        if (roles->order.key_col >= 0)
            unplaced += p->cols[roles->order.key_col].absent + p->cols[roles->order.key_col].empty;
        if (roles->order.max_count + unplaced)
            json_object_set_new(c, "max_count", json_integer((json_int_t)(roles->order.max_count + unplaced)));
        json_array_append_new(checks, c);
    }
    if (roles->id >= 0)
        add_check(checks, "duplicates", p->cols[roles->id].duplicates);
    return checks;
}

static json_t *schema_json(const mg_profile *p, const init_roles *roles)
{
    json_t *schema = json_object();
    for (size_t i = 0; i < p->ncols; i++) {
        mg_col_rules r;
        mg_profile_rules(p, i, &r);
        json_object_set_new(schema, p->cols[i].name, mg_init_field_json(&p->cols[i], &r, (long)i == roles->label));
    }
    return schema;
}

/* The folder of path, absolute; NULL (with a message) when it does not exist. */
static char *absolute_dir(const char *path)
{
    char *copy = mg_xstrdup(path);
    char *resolved = realpath(dirname(copy), NULL);
    if (!resolved)
        fprintf(stderr, "mgate: error: '%s': cannot use its folder: %s\n", path, strerror(errno));
    free(copy);
    return resolved;
}

/* path relative to the spec's folder, as the spec loader resolves it. */
static char *spec_relative(const char *spec_dir, const char *path)
{
    if (strcmp(path, "-") == 0)
        return mg_xstrdup(path);
    char *abs = realpath(path, NULL);
    if (!abs) {
        fprintf(stderr, "mgate: error: '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    char *rel = mg_init_relative_path(spec_dir, abs);
    free(abs);
    return rel;
}

/* Writes root into a temporary file beside out and checks that it loads as
 * a spec.  Returns the loaded spec, or NULL with a message printed. */
static mg_spec *write_and_load(const json_t *root, const char *out, mg_atomic_file *af)
{
    mg_error err = {{0}};
    if (mg_atomic_open(af, out, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        return NULL;
    }
    if (json_dumpf(root, af->fp, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) != 0 || fputc('\n', af->fp) == EOF ||
        fflush(af->fp) != 0) {
        fprintf(stderr, "mgate: error: '%s': writing failed\n", out);
        mg_atomic_abort(af);
        return NULL;
    }
    mg_spec_errors errs;
    mg_spec *spec = mg_spec_load(af->tmp_path, &errs);
    if (!spec) {
        for (size_t i = 0; i < errs.count; i++)
            fprintf(stderr, "mgate: error: bug: the written spec does not load: %s\n", errs.msg[i]);
        mg_spec_errors_free(&errs);
        mg_atomic_abort(af);
    }
    return spec;
}

static mg_model_task task_from_name(const char *name)
{
    if (strcmp(name, "regression") == 0)
        return MG_TASK_REGRESSION;
    return strcmp(name, "multiclass") == 0 ? MG_TASK_MULTICLASS : MG_TASK_BINARY;
}

/* Scores the data as `mgate baseline` does (the runner's all_metrics check)
 * on a probe copy of the spec, and adds the metric checks.  Returns 0, or
 * an exit status with a message printed. */
static int add_metrics(json_t *root, const char *out, size_t *nmetrics)
{
    json_t *probe = json_deep_copy(root);
    json_t *checks = json_array();
    json_t *all = json_object();
    json_object_set_new(all, "check", json_string("all_metrics"));
    json_array_append_new(checks, all);
    json_object_set_new(probe, "checks", checks);
    mg_atomic_file af;
    mg_spec *spec = write_and_load(probe, out, &af);
    json_decref(probe);
    if (!spec)
        return MG_EXIT_INTERNAL;
    int status = MG_EXIT_USAGE;
    mg_report *r = mg_report_new();
    mg_error err = {{0}};
    const mg_result *res = NULL;
    if (mg_run_gate(spec, r, &err) != MG_RUN_JUDGED) {
        fprintf(stderr, "mgate: error: cannot compute the metrics: %s\n", err.msg);
        goto out;
    }
    for (size_t i = 0; i < r->nresults; i++)
        if (strcmp(r->results[i]->check, "all_metrics") == 0)
            res = r->results[i];
    if (!res || res->status != MG_STATUS_PASS) {
        fprintf(stderr, "mgate: error: cannot compute the metrics: %s\n", res && res->message ? res->message : "no rows");
        goto out;
    }
    json_t *metrics = json_object();
    for (size_t i = 0; i < res->nprops; i++)
        if (res->props[i].is_number && strncmp(res->props[i].key, "metric.", 7) == 0)
            json_object_set_new(metrics, res->props[i].key + 7, json_real(res->props[i].number));
    const mg_prop *task = mg_result_prop(res, "task");
    *nmetrics = mg_init_add_metric_checks(json_object_get(root, "checks"), metrics,
                                          task_from_name(task && !task->is_number ? task->text : "binary"));
    json_decref(metrics);
    json_object_set_new(root, "baseline", json_string("baseline.json"));
    status = 0;
out:
    mg_report_free(r);
    mg_spec_free(spec);
    mg_atomic_abort(&af);
    return status;
}

static void print_column(const mg_profile *p, size_t i, const init_roles *roles, const json_t *field)
{
    mg_col_rules r;
    mg_profile_rules(p, i, &r);
    printf("  %-20s %-10s %s%s", p->cols[i].name, mg_field_type_name(r.type),
           r.required ? "required" : "optional", r.nullable ? ", nullable" : "");
    const json_t *min = json_object_get(field, "min"), *max = json_object_get(field, "max");
    if (min && max) {
        char *a = json_dumps(min, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        char *b = json_dumps(max, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        printf(", %s..%s", a, b);
        free(a);
        free(b);
    }
    const json_t *vals = json_object_get(field, "values");
    if (vals)
        printf(", %zu values", json_array_size(vals));
    if (r.has_max_length)
        printf(", max_length %zu", r.max_length);
    if (r.missing_cells)
        printf(", %llu missing", (unsigned long long)r.missing_cells);
    if (r.wrong_type_cells)
        printf(", %llu of another type", (unsigned long long)r.wrong_type_cells);
    if (r.out_of_range_cells && (long)i != roles->label)
        printf(", %llu outside as flaws", (unsigned long long)r.out_of_range_cells);
    const char *role = (long)i == roles->id ? "id" : (long)i == roles->time ? "time"
                     : (long)i == roles->order.key_col ? "key"
                     : (long)i == roles->label ? "label" : (long)i == roles->prediction ? "prediction" : NULL;
    printf("%s%s\n", role ? "  <- " : "", role ? role : "");
}

static void print_summary(const init_opts *o, const init_read *rd, const init_roles *roles, const json_t *root)
{
    const mg_profile *p = rd->profile;
    printf("%s: %llu rows, %zu columns\n", o->data, (unsigned long long)p->rows, p->ncols);
    const json_t *schema = json_object_get(root, "schema");
    for (size_t i = 0; i < p->ncols; i++)
        print_column(p, i, roles, json_object_get(schema, p->cols[i].name));
    printf("checks:");
    size_t k;
    const json_t *c;
    json_array_foreach(json_object_get(root, "checks"), k, c) {
        const json_t *metric = json_object_get(c, "metric");
        const json_t *count = json_object_get(c, "max_count");
        printf("%s %s", k ? "," : "", json_string_value(metric ? metric : json_object_get(c, "check")));
        const json_t *late = json_object_get(c, "allowed_lateness");
        if (late)
            printf(" (allowed_lateness %s)", json_string_value(late));
        if (count)
            printf(" (max_count %lld)", (long long)json_integer_value(count));
    }
    printf("\nwrote %s\n", o->out);
    printf("next:\n");
    if (json_object_get(root, "baseline"))
        printf("  mgate baseline %s   # writes the metrics the checks compare with\n", o->out);
    printf("  mgate run %s\n", o->out);
}

/* Builds the spec: data, schema, checks; model, metrics and baseline. */
static int build_spec(const init_opts *o, const init_read *rd, const init_roles *roles, const char *spec_dir,
                      json_t **out_root)
{
    char *data_rel = spec_relative(spec_dir, o->data);
    char *model_rel = o->model ? spec_relative(spec_dir, o->model) : NULL;
    if (!data_rel || (o->model && !model_rel)) {
        free(data_rel);
        free(model_rel);
        return MG_EXIT_USAGE;
    }
    json_t *root = json_object();
    const char *base = strrchr(o->data, '/');
    char *name = mg_xasprintf("%s", base ? base + 1 : o->data);
    json_object_set_new(root, "name", json_string(name));
    json_object_set_new(root, "description", json_string("starter spec written by 'mgate init'; review every rule"));
    json_object_set_new(root, "data", data_json(data_rel, rd, roles));
    json_object_set_new(root, "schema", schema_json(rd->profile, roles));
    json_object_set_new(root, "checks", checks_json(rd, roles));
    if (model_rel)
        json_object_set_new(root, "model", json_string(model_rel));
    free(name);
    free(data_rel);
    free(model_rel);
    int status = 0;
    size_t nmetrics = 0;
    if ((o->model || roles->prediction >= 0) && roles->label >= 0) {
        if (strcmp(o->data, "-") == 0) {
            fprintf(stderr, "mgate: warning: no metric checks: the metrics need the data read again, "
                            "and standard input can be read once\n");
        } else {
            status = add_metrics(root, o->out, &nmetrics);
        }
    } else if (o->model) {
        fprintf(stderr, "mgate: error: --model needs a label column: name it with --label\n");
        status = MG_EXIT_USAGE;
    }
    if (status != 0) {
        json_decref(root);
        return status;
    }
    *out_root = root;
    return 0;
}

int cmd_init(int argc, char **argv)
{
    init_opts o;
    int status = parse_args(argc, argv, &o);
    if (status != 0)
        return status;
    if (!o.force && access(o.out, F_OK) == 0) {
        fprintf(stderr, "mgate: error: '%s' exists; use --force to replace it, or -o to write elsewhere\n", o.out);
        return MG_EXIT_USAGE;
    }
    char *spec_dir = absolute_dir(o.out);
    if (!spec_dir)
        return MG_EXIT_USAGE;
    init_read rd;
    memset(&rd, 0, sizeof rd);
    init_roles roles = {-1, -1, -1, -1, {0, -1, 0, 0}};
    json_t *root = NULL;
    mg_spec *check = NULL;
    status = read_data(&o, &rd, &roles);
    if (status != 0)
        goto out;
    pick_roles(&o, rd.profile, &roles);
    status = build_spec(&o, &rd, &roles, spec_dir, &root);
    if (status != 0)
        goto out;
    mg_atomic_file af;
    check = write_and_load(root, o.out, &af);
    if (!check) {
        status = MG_EXIT_INTERNAL;
        goto out;
    }
    mg_error err = {{0}};
    if (mg_atomic_commit(&af, &err) != 0) {
        fprintf(stderr, "mgate: error: %s\n", err.msg);
        status = MG_EXIT_INTERNAL;
        goto out;
    }
    print_summary(&o, &rd, &roles, root);
out:
    mg_spec_free(check);
    json_decref(root);
    mg_profile_free(rd.profile);
    free(spec_dir);
    return status;
}
