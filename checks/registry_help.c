/*
 * registry_help.c - `mgate help run`'s list of checks and
 * docs/check-options.md, both printed from the registry, so neither can
 * drift from what the spec loader accepts and the checks do.
 */
#include "checks/registry_help.h"

#include <ctype.h>
#include <string.h>

#include "checks/check.h"

static const char *kind_name(mg_opt_kind k)
{
    switch (k) {
    case MG_OPT_NUMBER: return "number";
    case MG_OPT_COUNT: return "count";
    case MG_OPT_RATE: return "rate";
    case MG_OPT_STRING: return "string";
    case MG_OPT_STRINGS: return "string or list";
    case MG_OPT_DURATION: return "duration";
    case MG_OPT_BOOL: return "boolean";
    case MG_OPT_OBJECT: return "object";
    case MG_OPT_CUSTOM: return "any";
    }
    return "?";
}

/* The default as the spec would write it, or the row's words for an option
 * without one ("required", "no bound"). */
static const char *default_text(const mg_opt_def *o, char *buf, size_t size)
{
    if (o->required)
        return "required";
    if (!o->def.set)
        return o->when_absent ? o->when_absent : "none";
    if (o->kind == MG_OPT_STRING)
        snprintf(buf, size, "\"%s\"", o->def.string);
    else if (o->kind == MG_OPT_BOOL)
        snprintf(buf, size, "%s", o->def.number != 0 ? "true" : "false");
    else
        snprintf(buf, size, "%g", o->def.number);
    return buf;
}

/* What each MG_NEEDS_* bit asks of the spec, in words. */
static void needs_text(unsigned needs, char *buf, size_t size)
{
    static const struct { unsigned bit; const char *what; } words[] = {
        {MG_NEEDS_SCHEMA, "a schema"},
        {MG_NEEDS_TIME, "data.time"},
        {MG_NEEDS_SCORES, "a model or data.prediction"},
        {MG_NEEDS_LABEL, "data.label"},
        {MG_NEEDS_CHAMPION, "baseline_model or data.baseline_prediction"},
        {MG_NEEDS_ROW_IDENTITY, "data.id, or data.key and data.time"},
    };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof *words && used < size; i++)
        if (needs & words[i].bit)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "; " : "", words[i].what);
}

/* When the check runs without being listed, in words; NULL when never. */
static const char *implicit_text(const mg_check_def *d, char *buf, size_t size)
{
    switch (d->implicit) {
    case MG_IMPLICIT_NEVER:
        return NULL;
    case MG_IMPLICIT_ALWAYS:
        return "always (list it to give it a tolerance)";
    case MG_IMPLICIT_WITH_METRIC:
        return "with every gate that lists a metric check";
    case MG_IMPLICIT_UNLISTED: {
        char needs[160];
        needs_text(d->needs | d->implicit_needs, needs, sizeof needs);
        snprintf(buf, size, "when the spec has no \"checks\" list%s%s", needs[0] ? " and has " : "", needs);
        return buf;
    }
    }
    return NULL;
}

/* What help says of a check besides its options: what it needs and when
 * it runs without being listed ("" and NULL when nothing). */
typedef struct check_facts {
    char needs[200];
    char when_buf[240];
    const char *implicit;
} check_facts;

static void check_facts_of(const mg_check_def *d, check_facts *f)
{
    needs_text(d->needs, f->needs, sizeof f->needs);
    f->implicit = implicit_text(d, f->when_buf, sizeof f->when_buf);
}

/* 1 when suite `group` first appears at row i (suites print in table order). */
static int first_of_suite(size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(mg_check_at(j)->group, mg_check_at(i)->group) == 0)
            return 0;
    return 1;
}

/* ---- text: mgate help run ------------------------------------------------ */

static void text_options(FILE *out, const mg_opt_def *opts)
{
    for (size_t i = 0; opts[i].key; i++) {
        char buf[64];
        const char *lead = opts[i].def.set ? "default " : opts[i].required ? "" : "if absent: ";
        fprintf(out, "        %s (%s; %s%s): %s\n", opts[i].key, kind_name(opts[i].kind), lead,
                default_text(&opts[i], buf, sizeof buf), opts[i].help);
    }
}

static void text_check(FILE *out, const mg_check_def *d)
{
    check_facts f;
    check_facts_of(d, &f);
    fprintf(out, "    %s: %s\n", d->name, d->summary);
    if (f.needs[0])
        fprintf(out, "      needs %s\n", f.needs);
    if (f.implicit)
        fprintf(out, "      runs unlisted %s\n", f.implicit);
    text_options(out, d->options);
}

void mg_check_help_text(FILE *out)
{
    fprintf(out, "\ncheck types (the spec's \"check\"), by suite; options are\n"
                 "NAME (KIND; DEFAULT): MEANING (all of it in docs/check-options.md):\n");
    for (size_t i = 0; i < mg_check_count(); i++) {
        if (!first_of_suite(i))
            continue;
        const char *suite = mg_check_at(i)->group;
        fprintf(out, "  %s:\n", suite);
        for (size_t j = i; j < mg_check_count(); j++)
            if (strcmp(mg_check_at(j)->group, suite) == 0)
                text_check(out, mg_check_at(j));
    }
    fprintf(out, "  every check also takes:\n");
    text_options(out, mg_common_options);
}

/* ---- Markdown: docs/check-options.md ------------------------------------- */

/* Writes text for a table cell: '|' would end the cell. */
static void md_cell(FILE *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            fputc('\\', out);
        fputc(*p, out);
    }
}

static void md_options(FILE *out, const mg_opt_def *opts)
{
    if (!opts[0].key) {
        fprintf(out, "No options of its own.\n\n");
        return;
    }
    fprintf(out, "| option | kind | default | meaning |\n|---|---|---|---|\n");
    for (size_t i = 0; opts[i].key; i++) {
        char buf[64];
        const char *def = default_text(&opts[i], buf, sizeof buf);
        fprintf(out, "| `%s` | %s | ", opts[i].key, kind_name(opts[i].kind));
        if (opts[i].def.set)
            fprintf(out, "`%s`", def);
        else
            md_cell(out, def);
        fputs(" | ", out);
        md_cell(out, opts[i].help);
        fputs(" |\n", out);
    }
    fputc('\n', out);
}

static void md_check(FILE *out, const mg_check_def *d)
{
    check_facts f;
    check_facts_of(d, &f);
    /* The summary is a line of help; here it starts a sentence. */
    fprintf(out, "### `%s`\n\n%c%s.\n\n", d->name, toupper((unsigned char)d->summary[0]), d->summary + 1);
    if (f.needs[0])
        fprintf(out, "- Needs: %s.\n", f.needs);
    if (f.implicit)
        fprintf(out, "- Runs without being listed: %s.\n", f.implicit);
    if (f.needs[0] || f.implicit)
        fputc('\n', out);
    md_options(out, d->options);
}

void mg_check_help_markdown(FILE *out)
{
    fprintf(out, "# Check options\n\n"
                 "<!-- Generated from the check table (checks/registry.c and the option table in each\n"
                 "     check's file) by `make check-options-doc`: do not edit by hand.\n"
                 "     tests/unit/test_check_registry.c fails when this file differs from the table. -->\n\n"
                 "Every entry of a gate spec's `checks` list names its type with `check` and gives its\n"
                 "options ([the gate spec: `checks`](spec.md#checks)). A kind `count` is a whole number\n"
                 ">= 0, a `rate` a number from 0 to 1, a `duration` seconds or a string such as `\"90s\"`,\n"
                 "`\"5m\"`, `\"2h\"`, `\"1d\"`.\n\n"
                 "## Options of every check\n\n");
    md_options(out, mg_common_options);
    for (size_t i = 0; i < mg_check_count(); i++) {
        if (!first_of_suite(i))
            continue;
        const char *suite = mg_check_at(i)->group;
        fprintf(out, "## Suite `%s` (JUnit `mgate.%s`)\n\n", suite, suite);
        for (size_t j = i; j < mg_check_count(); j++)
            if (strcmp(mg_check_at(j)->group, suite) == 0)
                md_check(out, mg_check_at(j));
    }
}
