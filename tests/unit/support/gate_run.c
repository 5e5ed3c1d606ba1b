#include "gate_run.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "harness/runner.h"

tu_gate tu_gate_run(const char *spec_path)
{
    tu_gate g = {0};
    mg_spec_errors errs;
    g.spec = mg_spec_load(spec_path, &errs);
    if (!g.spec)
        fail_msg("spec: %s", errs.msg[0]);
    g.report = mg_report_new();
    mg_error err = {{0}};
    /* Two threads (not the default one): every unit test's gate then runs
     * the read-ahead and scoring threads too, which `make tsan` checks. */
    if (mg_run_gate_threads(g.spec, 2, g.report, &err) != MG_RUN_JUDGED)
        fail_msg("run: %s", err.msg);
    return g;
}

void tu_gate_free(tu_gate *g)
{
    mg_report_free(g->report);
    mg_spec_free(g->spec);
}

const mg_result *tu_result(const tu_gate *g, const char *key, int by_check)
{
    for (size_t i = 0; i < g->report->nresults; i++) {
        const mg_result *res = g->report->results[i];
        if (strcmp(by_check ? res->check : res->name, key) == 0)
            return res;
    }
    fail_msg("no result %s '%s'", by_check ? "of check" : "named", key);
    return NULL;
}

double tu_prop(const mg_result *res, const char *key)
{
    const mg_prop *p = mg_result_prop(res, key);
    if (!p || !p->is_number)
        fail_msg("result '%s' has no number '%s'", res->name, key);
    return p->number;
}
