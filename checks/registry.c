/*
 * registry.c - the one table of check types.  A new check: write its
 * mg_check_def in its own file, declare it in the group's header, add a row
 * here.  The spec loader, `mgate help run` and the reports all read this.
 */
#include <string.h>

#include "checks/check.h"
#include "checks/adv_checks.h"
#include "checks/data_checks.h"
#include "checks/metric_checks.h"

static const mg_check_def *const registry[] = {
    &mg_check_missing, &mg_check_types, &mg_check_ranges, &mg_check_limits,
    &mg_check_format,  &mg_check_order, &mg_check_duplicates, &mg_check_metric, &mg_check_all_metrics, &mg_check_champion,
    &mg_check_fixtures, &mg_check_input_handling, &mg_check_order_invariance, &mg_check_robustness,
    &mg_check_invariance, &mg_check_monotonic, &mg_check_adversarial_search, NULL,
};

static const char *const names[] = {
    "missing", "types", "ranges", "limits", "format", "order", "duplicates", "metric", "all_metrics", "champion",
    "fixtures", "input_handling", "order_invariance", "robustness", "invariance", "monotonic",
    "adversarial_search", NULL,
};

const mg_opt_def mg_common_options[] = {
    {"check", MG_OPT_STRING},
    {"name", MG_OPT_STRING},
    {"max_count", MG_OPT_COUNT},
    {"max_rate", MG_OPT_RATE},
    {NULL, 0},
};

const mg_check_def *mg_check_find(const char *name)
{
    for (size_t i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

const char *const *mg_check_names(void)
{
    return names;
}
