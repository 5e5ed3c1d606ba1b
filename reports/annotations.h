/*
 * annotations.h - GitHub Actions workflow commands for a run's results.
 *
 * GitHub reads lines of the form `::error file=F,line=L,title=T::MESSAGE`
 * from a step's standard output and shows them on the run's page and on
 * the lines of the files they name.  Property values (file, title) and the
 * message are escaped as GitHub's runner unescapes them: in the message
 * '%' -> %25, CR -> %0D, LF -> %0A; in property values also ':' -> %3A and
 * ',' -> %2C.  See docs/junit-and-annotations.md.
 */
#ifndef MG_REPORTS_ANNOTATIONS_H
#define MG_REPORTS_ANNOTATIONS_H

#include <stddef.h>
#include <stdio.h>

#include "checks/result.h"

/* Escapes s for the message part of a command.  Returns a new string (the
 * caller frees); s == NULL gives "". */
char *mg_gh_escape_data(const char *s);

/* Escapes s for a property value (file=, title=).  Returns a new string. */
char *mg_gh_escape_property(const char *s);

/*
 * Writes the annotations of a run's results to out:
 *   - for each failed check, `::error` at the file line of each of its first
 *     `per_check` examples that point at one; a failed check with none gets
 *     one `::error` with its message and no file;
 *   - `::warning` with the message of each check that could not run.
 * Titles are "mgate GROUP/NAME".  `workspace` ($GITHUB_WORKSPACE, may be
 * NULL) is cut from the front of absolute file paths, since GitHub wants
 * paths relative to the repository.  Returns 0, or -1 when writing failed.
 */
int mg_annotate_results(FILE *out, const mg_report *r, size_t per_check, const char *workspace);

/* Writes `::notice title=mgate GATE::TEXT` (the verdict line). */
int mg_annotate_notice(FILE *out, const char *gate_name, const char *text);

/*
 * Writes one spec error as `::error file=SPEC,line=L,col=C,title=mgate
 * spec::WHAT` when msg starts "SPEC:LINE:COL: " (how the spec loader
 * places its errors), else as `::error title=mgate spec::MSG`.  workspace
 * as for mg_annotate_results.
 */
int mg_annotate_spec_error(FILE *out, const char *spec_path, const char *msg, const char *workspace);

#endif
