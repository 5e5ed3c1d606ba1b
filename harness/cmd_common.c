#include "harness/cmd_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/annotations.h"

int cmd_check_set(const char *option, const char *value)
{
    if (strchr(value, '=') && value[0] != '=')
        return 0;
    fprintf(stderr, "mgate: error: '%s' needs KEY.PATH=VALUE, e.g. '%s model.path=build/model.json'\n", option,
            option);
    return -1;
}

int cmd_one_spec(const mg_cli *cli, const mg_args *a)
{
    if (a->noperands == 1)
        return 0;
    if (a->noperands > 1) {
        mg_cli_usage_error(cli, "one gate spec at a time ('%s' and '%s')", a->operands[0], a->operands[1]);
    } else {
        fprintf(stderr, "mgate: error: no gate spec given\n");
        mg_cli_print_synopsis(cli, "usage: ", stderr);
    }
    return -1;
}

void cmd_print_spec_errors(const char *spec_path, const mg_spec_errors *errs, int annotate)
{
    for (size_t i = 0; i < errs->count; i++) {
        fprintf(stderr, "mgate: error: %s\n", errs->msg[i]);
        if (annotate)
            mg_annotate_spec_error(stdout, spec_path, errs->msg[i], getenv("GITHUB_WORKSPACE"));
    }
    if (errs->total > errs->count)
        fprintf(stderr, "mgate: error: ... and %zu more errors in '%s'\n", errs->total - errs->count, spec_path);
}

mg_spec *cmd_load_spec(const char *spec_path, const mg_args *a, size_t set_row, int annotate)
{
    mg_spec_errors errs;
    const mg_opt_values *sets = &a->opt[set_row];
    mg_spec *spec = mg_spec_load_with(spec_path, sets->v, sets->n, &errs);
    if (!spec) {
        cmd_print_spec_errors(spec_path, &errs, annotate);
        mg_spec_errors_free(&errs);
    }
    return spec;
}

/* --annotations VALUE: 0 or -1 (after saying why) when VALUE is neither. */
int cmd_check_annotations(const char *option, const char *value)
{
    if (strcmp(value, "github") == 0 || strcmp(value, "none") == 0)
        return 0;
    fprintf(stderr, "mgate: error: '%s' expects 'github' or 'none', found '%s'\n", option, value);
    return -1;
}
