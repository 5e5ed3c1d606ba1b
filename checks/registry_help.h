/*
 * registry_help.h - the check types and their options, printed from the
 * registry (checks/registry.c): the text of `mgate help run` and the
 * Markdown of docs/check-options.md (`make check-options-doc`).
 */
#ifndef MG_CHECKS_REGISTRY_HELP_H
#define MG_CHECKS_REGISTRY_HELP_H

#include <stdio.h>

/* The check types by suite, each with its options (kind, default, help). */
void mg_check_help_text(FILE *out);

/* docs/check-options.md: the same, as a Markdown page. */
void mg_check_help_markdown(FILE *out);

#endif
