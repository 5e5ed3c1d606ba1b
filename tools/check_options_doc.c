/*
 * check_options_doc.c - prints docs/check-options.md from the check
 * registry.  `make check-options-doc` runs it; the unit test
 * test_check_registry fails when the committed page differs.
 */
#include <stdio.h>

#include "checks/registry_help.h"

int main(void)
{
    mg_check_help_markdown(stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "check_options_doc: writing the page failed\n");
        return 1;
    }
    return 0;
}
