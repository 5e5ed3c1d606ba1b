#include "reports/annotations.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/xmem.h"
#include "reports/xml_text.h"

/* Escapes what GitHub's runner unescapes: always '%', CR and LF; in
 * property values also ':' and ','. */
static char *escape(const char *s, int property)
{
    char *clean = mg_text_clean(s, 0); /* valid UTF-8, whatever the data held */
    mg_strbuf b = {0};
    mg_strbuf_add(&b, "");
    for (const char *p = clean; *p; p++) {
        switch (*p) {
        case '%': mg_strbuf_add(&b, "%25"); break;
        case '\r': mg_strbuf_add(&b, "%0D"); break;
        case '\n': mg_strbuf_add(&b, "%0A"); break;
        case ':': mg_strbuf_add(&b, property ? "%3A" : ":"); break;
        case ',': mg_strbuf_add(&b, property ? "%2C" : ","); break;
        default: mg_strbuf_addc(&b, *p); break;
        }
    }
    free(clean);
    return b.s;
}

char *mg_gh_escape_data(const char *s)
{
    return escape(s, 0);
}

char *mg_gh_escape_property(const char *s)
{
    return escape(s, 1);
}

/* A path as GitHub wants it: relative to the workspace when under it. */
static const char *repo_path(const char *path, const char *workspace)
{
    size_t n = workspace ? strlen(workspace) : 0;
    while (n > 1 && workspace[n - 1] == '/')
        n--;
    if (n > 0 && path[0] == '/' && strncmp(path, workspace, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

/* One command: `::KIND file=F,line=L,col=C,title=T::MESSAGE`, with the
 * position parts left out when file is NULL (line, col when 0). */
static int command(FILE *out, const char *kind, const char *file, unsigned long line, unsigned long col,
                   const char *title, const char *message)
{
    mg_strbuf b = {0};
    mg_strbuf_add(&b, "::");
    mg_strbuf_add(&b, kind);
    mg_strbuf_add(&b, " ");
    if (file) {
        char *f = mg_gh_escape_property(file);
        mg_strbuf_add(&b, "file=");
        mg_strbuf_add(&b, f);
        free(f);
        char num[64];
        if (line > 0) {
            snprintf(num, sizeof num, ",line=%lu", line);
            mg_strbuf_add(&b, num);
        }
        if (line > 0 && col > 0) {
            snprintf(num, sizeof num, ",col=%lu", col);
            mg_strbuf_add(&b, num);
        }
        mg_strbuf_add(&b, ",");
    }
    char *t = mg_gh_escape_property(title);
    char *m = mg_gh_escape_data(message);
    mg_strbuf_add(&b, "title=");
    mg_strbuf_add(&b, t);
    mg_strbuf_add(&b, "::");
    mg_strbuf_add(&b, m);
    mg_strbuf_add(&b, "\n");
    int rc = fputs(b.s, out) < 0 ? -1 : 0;
    free(t);
    free(m);
    free(b.s);
    return rc;
}

/* The example's text after its "FILE:LINE: " prefix (the position is in
 * the command's properties already). */
static const char *example_text(const char *example, const mg_example_pos *pos)
{
    size_t n = strlen(pos->file);
    if (strncmp(example, pos->file, n) != 0 || example[n] != ':')
        return example;
    char *end;
    unsigned long line = strtoul(example + n + 1, &end, 10);
    if (line != pos->line || end[0] != ':' || end[1] != ' ')
        return example;
    return end + 2;
}

static int annotate_failure(FILE *out, const mg_result *res, const char *title, size_t per_check,
                            const char *workspace)
{
    int rc = 0;
    size_t written = 0;
    for (size_t e = 0; e < res->nexamples && written < per_check; e++) {
        const mg_example_pos *pos = &res->example_pos[e];
        if (!pos->file)
            continue;
        rc |= command(out, "error", repo_path(pos->file, workspace), pos->line, 0, title,
                      example_text(res->examples[e], pos));
        written++;
    }
    if (written == 0)
        rc |= command(out, "error", NULL, 0, 0, title, res->message ? res->message : "check failed");
    return rc;
}

int mg_annotate_results(FILE *out, const mg_report *r, size_t per_check, const char *workspace)
{
    int rc = 0;
    for (size_t i = 0; i < r->nresults; i++) {
        const mg_result *res = r->results[i];
        if (res->status != MG_STATUS_FAIL && res->status != MG_STATUS_ERROR)
            continue;
        char *title = mg_xasprintf("mgate %s/%s", res->group, res->name);
        if (res->status == MG_STATUS_FAIL)
            rc |= annotate_failure(out, res, title, per_check, workspace);
        else
            rc |= command(out, "warning", NULL, 0, 0, title,
                          res->message ? res->message : "check could not run");
        free(title);
    }
    return rc;
}

int mg_annotate_notice(FILE *out, const char *gate_name, const char *text)
{
    char *title = mg_xasprintf("mgate %s", gate_name ? gate_name : "gate");
    int rc = command(out, "notice", NULL, 0, 0, title, text);
    free(title);
    return rc;
}

/* Reads "LINE:COL: " at s; returns what follows, or NULL. */
static const char *after_position(const char *s, unsigned long *line, unsigned long *col)
{
    char *end;
    if (*s < '0' || *s > '9')
        return NULL;
    *line = strtoul(s, &end, 10);
    if (*end != ':' || end[1] < '0' || end[1] > '9')
        return NULL;
    *col = strtoul(end + 1, &end, 10);
    if (end[0] != ':' || end[1] != ' ')
        return NULL;
    return end + 2;
}

int mg_annotate_spec_error(FILE *out, const char *spec_path, const char *msg, const char *workspace)
{
    size_t n = strlen(spec_path);
    unsigned long line = 0, col = 0;
    const char *what = NULL;
    if (strncmp(msg, spec_path, n) == 0 && msg[n] == ':')
        what = after_position(msg + n + 1, &line, &col);
    if (!what)
        return command(out, "error", NULL, 0, 0, "mgate spec", msg);
    return command(out, "error", repo_path(spec_path, workspace), line, col, "mgate spec", what);
}
