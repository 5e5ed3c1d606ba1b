/*
 * json_report.c - the JSON report, built with jansson:
 *
 *   {"mgate_version", "gate", "verdict": "passed|failed|error",
 *    "facts": {run_id, gate_name, spec_path, data_path, data_sha256, rows_read,
 *              model_path, model_sha256, baseline_model_path,
 *              baseline_model_sha256, overrides?, variables?, started_at,
 *              seconds, hostname},  (overrides: the --set arguments, variables:
 *              the ${NAME}s expanded; present only when there are some)
 *    "summary": {tests, passed, failed, errors, skipped},
 *    "results": [{group, name, check, status, message, seconds,
 *                 properties: {key: number|string|null}, examples: [...],
 *                 examples_total, non_finite?: {key: "nan"|"inf"|"-inf"},
 *                 histogram?: {x, lo, hi, bins, series: [{name, counts}]}}]}
 *
 * Integral figures are JSON integers, others reals with 17 significant
 * digits (exact; read them with json_number_value or any JSON parser).
 * JSON has no NaN or infinity: such a figure is written null in
 * "properties" and its text ("nan", "inf", "-inf") in the result's
 * "non_finite" object, which is present only when needed.  A non-finite
 * "seconds" is written null.  Absent texts (message, model_path, ...) are
 * null.  All text is made valid UTF-8 (jansson requires it) by replacing
 * ill-formed bytes with U+FFFD; control characters stay, JSON escapes them.
 */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/atomic_file.h"
#include "common/version.h"
#include "reports/writers.h"
#include "reports/xml_text.h"

/* A JSON string of raw data text, or null for NULL. */
static json_t *jtext(const char *raw)
{
    if (!raw)
        return json_null();
    char *clean = mg_text_clean(raw, 0);
    json_t *v = json_string(clean);
    free(clean);
    return v;
}

static json_t *jreal(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

/* A figure: an integer when it is one (|x| < 2^53, so exact), else a real
 * printed with 17 significant digits (jansson's default), which reads back
 * as exactly x. */
static json_t *jnumber(double x)
{
    if (x == floor(x) && fabs(x) < 9007199254740992.0 && !(x == 0 && signbit(x)))
        return json_integer((json_int_t)x);
    return json_real(x);
}

static json_t *jcount(uint64_t n)
{
    /* json_int_t is long long on every platform jansson is built for here. */
    return json_integer(n > (uint64_t)LLONG_MAX ? LLONG_MAX : (json_int_t)n);
}

static const char *non_finite_text(double x)
{
    return isnan(x) ? "nan" : x < 0 ? "-inf" : "inf";
}

/* Sets key (raw data text) on obj, stealing value. */
static void set_new(json_t *obj, const char *raw_key, json_t *value)
{
    char *key = mg_text_clean(raw_key, 0);
    json_object_set_new(obj, key, value);
    free(key);
}

/* {"x": title, "lo": .., "hi": .., "bins": n, "series": [{"name": .., "counts": [..]}]} */
static json_t *histogram_json(const mg_histogram *h)
{
    json_t *series = json_array();
    for (size_t i = 0; i < h->nseries; i++) {
        json_t *counts = json_array();
        for (size_t b = 0; b < h->nbins; b++)
            json_array_append_new(counts, jcount(h->counts[i][b]));
        json_array_append_new(series, json_pack("{s:o, s:o}", "name", jtext(h->series_name[i]), "counts", counts));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "x", jtext(h->x_title), "lo", jnumber(h->lo), "hi",
                     jnumber(h->hi), "bins", jcount(h->nbins), "series", series);
}

static json_t *result_json(const mg_result *res)
{
    json_t *o = json_object();
    json_object_set_new(o, "group", jtext(res->group));
    json_object_set_new(o, "name", jtext(res->name));
    json_object_set_new(o, "check", jtext(res->check));
    json_object_set_new(o, "status", json_string(mg_status_name(res->status)));
    json_object_set_new(o, "message", jtext(res->message));
    json_object_set_new(o, "seconds", jreal(res->seconds));
    json_t *props = json_object();
    json_t *non_finite = NULL;
    for (size_t q = 0; q < res->nprops; q++) {
        const mg_prop *pr = &res->props[q];
        if (!pr->is_number) {
            set_new(props, pr->key, jtext(pr->text ? pr->text : ""));
        } else if (isfinite(pr->number)) {
            set_new(props, pr->key, jnumber(pr->number));
        } else {
            set_new(props, pr->key, json_null());
            if (!non_finite)
                non_finite = json_object();
            set_new(non_finite, pr->key, json_string(non_finite_text(pr->number)));
        }
    }
    json_object_set_new(o, "properties", props);
    json_t *examples = json_array();
    for (size_t e = 0; e < res->nexamples; e++)
        json_array_append_new(examples, jtext(res->examples[e]));
    json_object_set_new(o, "examples", examples);
    json_object_set_new(o, "examples_total", jcount(res->examples_total));
    if (non_finite)
        json_object_set_new(o, "non_finite", non_finite);
    if (res->histogram)
        json_object_set_new(o, "histogram", histogram_json(res->histogram));
    return o;
}

static json_t *text_list(char *const *v, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, jtext(v[i]));
    return list;
}

static json_t *report_json(const mg_report *r)
{
    const mg_run_facts *f = &r->facts;
    json_t *root = json_object();
    json_object_set_new(root, "mgate_version", json_string(MGATE_VERSION));
    json_object_set_new(root, "gate", jtext(f->gate_name));
    json_object_set_new(root, "verdict", json_string(mg_status_name(mg_report_verdict(r))));

    json_t *facts = json_object();
    json_object_set_new(facts, "run_id", jtext(f->run_id));
    json_object_set_new(facts, "gate_name", jtext(f->gate_name));
    json_object_set_new(facts, "spec_path", jtext(f->spec_path));
    json_object_set_new(facts, "data_path", jtext(f->data_path));
    json_object_set_new(facts, "data_sha256", jtext(f->data_sha256));
    json_object_set_new(facts, "rows_read", jcount(f->rows_read));
    json_object_set_new(facts, "model_path", jtext(f->model_path));
    json_object_set_new(facts, "model_sha256", jtext(f->model_sha256));
    json_object_set_new(facts, "baseline_model_path", jtext(f->baseline_model_path));
    json_object_set_new(facts, "baseline_model_sha256", jtext(f->baseline_model_sha256));
    if (f->model_binding)
        json_object_set_new(facts, "model_binding", jtext(f->model_binding));
    if (f->baseline_model_binding)
        json_object_set_new(facts, "baseline_model_binding", jtext(f->baseline_model_binding));
    if (f->model_service)
        json_object_set_new(facts, "model_service", jtext(f->model_service));
    if (f->noverrides > 0)
        json_object_set_new(facts, "overrides", text_list(f->overrides, f->noverrides));
    if (f->nvariables > 0)
        json_object_set_new(facts, "variables", text_list(f->variables, f->nvariables));
    json_object_set_new(facts, "started_at", jtext(f->started_at));
    json_object_set_new(facts, "seconds", jreal(f->seconds));
    json_object_set_new(facts, "hostname", jtext(f->hostname));
    json_object_set_new(root, "facts", facts);

    json_t *summary = json_object();
    json_object_set_new(summary, "tests", jcount(r->nresults));
    json_object_set_new(summary, "passed", jcount(mg_report_count(r, MG_STATUS_PASS)));
    json_object_set_new(summary, "failed", jcount(mg_report_count(r, MG_STATUS_FAIL)));
    json_object_set_new(summary, "errors", jcount(mg_report_count(r, MG_STATUS_ERROR)));
    json_object_set_new(summary, "skipped", jcount(mg_report_count(r, MG_STATUS_SKIP)));
    json_object_set_new(root, "summary", summary);

    json_t *results = json_array();
    for (size_t i = 0; i < r->nresults; i++)
        json_array_append_new(results, result_json(r->results[i]));
    json_object_set_new(root, "results", results);
    return root;
}

/*
 * Writes the report as JSON (2-space indent, keys in the order above) to
 * path, atomically.  Returns 0, or -1 with err set; on failure an existing
 * file at path is left as it was.
 */
int mg_write_json(const mg_report *r, const char *path, mg_error *err)
{
    if (!r || !path)
        return mg_error_set(err, "json report: no report or no path given");
    json_t *root = report_json(r);
    mg_atomic_file af;
    if (mg_atomic_open(&af, path, err) < 0) {
        json_decref(root);
        return -1;
    }
    int rc = json_dumpf(root, af.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', af.fp) == EOF) {
        mg_atomic_abort(&af);
        return mg_error_set(err, "'%s': cannot write the JSON report", path);
    }
    return mg_atomic_commit(&af, err);
}
