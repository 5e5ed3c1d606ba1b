/*
 * registry.c - the one table of check types.
 *
 * Adding a check takes one file and one row:
 *   1. write checks/<suite>/<name>.c defining
 *          const mg_check_def mg_check_<name> = {.name = "<name>", .group = "<suite>",
 *              .summary = ..., .options = ..., .needs = ..., handlers...};
 *      with its options (key, kind, default, help) in a table at its top
 *      (checks/data/order.c is a short example);
 *   2. add the row CHECK(<name>) below;
 *   3. `make check-options-doc` rewrites docs/check-options.md for it (the
 *      unit test fails until the committed page matches the table).
 * The spec loader, the option defaults the code reads, `mgate help run`,
 * docs/check-options.md (`make check-options-doc`) and the reports all read
 * this table; tests/unit/test_check_registry.c holds every row to it.
 *
 * The order is the order of help and the docs, and the order in which
 * checks not listed in a spec are added (format before limits).
 */
#include <string.h>

#include "checks/check.h"

/* One row per check. */
#define MG_EACH_CHECK(CHECK) \
    CHECK(missing) \
    CHECK(types) \
    CHECK(ranges) \
    CHECK(order) \
    CHECK(duplicates) \
    CHECK(format) \
    CHECK(limits) \
    CHECK(metric) \
    CHECK(all_metrics) \
    CHECK(champion) \
    CHECK(input_handling) \
    CHECK(order_invariance) \
    CHECK(robustness) \
    CHECK(invariance) \
    CHECK(monotonic) \
    CHECK(adversarial_search) \
    CHECK(fixtures) \
    CHECK(drift) \
    CHECK(prediction_drift) \
    CHECK(label_drift) \
    CHECK(latency)

/* Each row declares its definition here, so no header lists them again. */
#define DECLARE(name) extern const mg_check_def mg_check_##name;
MG_EACH_CHECK(DECLARE)

#define ROW(name) &mg_check_##name,
static const mg_check_def *const registry[] = {MG_EACH_CHECK(ROW)};

const mg_opt_def mg_common_options[] = {
    {.key = "check", .kind = MG_OPT_STRING, .required = 1, .help = "the check type"},
    {.key = "name", .kind = MG_OPT_STRING, .when_absent = "the check type; for metric, the metric",
     .help = "the testcase name, unique within its suite"},
    {.key = "max_count", .kind = MG_OPT_COUNT, .when_absent = "one offence fails, unless max_rate is given",
     .help = "the most offending rows (or cases, tries) that still pass"},
    {.key = "max_rate", .kind = MG_OPT_RATE, .when_absent = "one offence fails, unless max_count is given",
     .help = "the largest offending fraction that still passes"},
    {.key = NULL},
};

size_t mg_check_count(void)
{
    return sizeof registry / sizeof *registry;
}

const mg_check_def *mg_check_at(size_t i)
{
    return i < mg_check_count() ? registry[i] : NULL;
}

const mg_check_def *mg_check_find(const char *name)
{
    for (size_t i = 0; i < mg_check_count(); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

static const mg_opt_def *option_in(const mg_opt_def *defs, const char *key)
{
    for (size_t i = 0; defs && defs[i].key; i++)
        if (strcmp(defs[i].key, key) == 0)
            return &defs[i];
    return NULL;
}

const mg_opt_def *mg_check_option(const mg_check_def *def, const char *key)
{
    const mg_opt_def *o = option_in(mg_common_options, key);
    return o ? o : option_in(def->options, key);
}
