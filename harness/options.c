#include "harness/options.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/suggest.h"
#include "common/xmem.h"

#define HELP_COLUMN 24 /* where an option's help text starts */
#define LINE_WIDTH 80  /* the synopsis wraps before this column */

static int is_end(const mg_option *o)
{
    return !o->name && !o->short_name;
}

static size_t count_options(const mg_option *o)
{
    size_t n = 0;
    while (o && !is_end(&o[n]))
        n++;
    return n;
}

void mg_cli_usage_error(const mg_cli *cli, const char *fmt, ...)
{
    va_list ap;
    fputs("mgate: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; see 'mgate %s --help'\n", cli->path);
}

/* The table row of a long name of len bytes, or -1. */
static long find_long(const mg_option *o, const char *name, size_t len)
{
    for (size_t i = 0; !is_end(&o[i]); i++)
        if (o[i].name && strlen(o[i].name) == len && strncmp(o[i].name, name, len) == 0)
            return (long)i;
    return -1;
}

static long find_short(const mg_option *o, char c)
{
    for (size_t i = 0; !is_end(&o[i]); i++)
        if (o[i].short_name && o[i].short_name == c)
            return (long)i;
    return -1;
}

/* "unknown option '--jnuit' (did you mean '--junit'?)": only long names are
 * suggested (a one-letter option is too short to guess from). */
static void unknown_option(const mg_cli *cli, const char *arg)
{
    size_t n = count_options(cli->options);
    char **names = mg_xcalloc(n + 1, sizeof *names);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (cli->options[i].name)
            names[k++] = mg_xasprintf("--%s", cli->options[i].name);
    const char *eq = strchr(arg, '=');
    char *word = mg_xstrndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));
    const char *near = arg[1] == '-' ? mg_suggest(word, (const char *const *)names) : NULL;
    if (near)
        mg_cli_usage_error(cli, "unknown option '%s' (did you mean '%s'?)", word, near);
    else
        mg_cli_usage_error(cli, "unknown option '%s'", word);
    free(word);
    for (size_t i = 0; i < k; i++)
        free(names[i]);
    free(names);
}

static void add_value(mg_args *a, size_t k, const char *value, int argc)
{
    mg_opt_values *ov = &a->opt[k];
    if (!ov->v)
        ov->v = mg_xcalloc((size_t)argc, sizeof *ov->v);
    ov->v[ov->n++] = value;
}

/* Reads the option at argv[*i] (advancing *i past a separate value).
 * Returns 0, or -1 after printing why. */
static int take_option(const mg_cli *cli, int argc, char **argv, int *i, mg_args *a)
{
    const char *arg = argv[*i];
    const char *value = NULL;
    long k;
    if (arg[1] == '-') {
        const char *eq = strchr(arg + 2, '=');
        k = find_long(cli->options, arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
        value = eq ? eq + 1 : NULL;
    } else {
        k = find_short(cli->options, arg[1]);
        value = arg[2] ? arg + 2 : NULL;
    }
    if (k < 0) {
        unknown_option(cli, arg);
        return -1;
    }
    const mg_option *o = &cli->options[k];
    /* The option as the user named it, for messages. */
    char shown[80];
    if (arg[1] == '-')
        snprintf(shown, sizeof shown, "--%s", o->name);
    else
        snprintf(shown, sizeof shown, "-%c", o->short_name);
    if (!o->arg) {
        if (value) {
            mg_cli_usage_error(cli, "'%s' takes no value (found '%s')", shown, arg);
            return -1;
        }
        add_value(a, (size_t)k, NULL, argc);
        return 0;
    }
    if (!value && *i + 1 < argc)
        value = argv[++*i];
    if (!value || ((o->flags & MG_OPT_NONEMPTY) && !*value)) {
        if (o->example)
            mg_cli_usage_error(cli, "'%s' needs %s, e.g. '%s %s'", shown, o->needs ? o->needs : "a value", shown,
                               o->example);
        else
            mg_cli_usage_error(cli, "'%s' needs %s", shown, o->needs ? o->needs : "a value");
        return -1;
    }
    if (o->check && o->check(shown, value) != 0)
        return -1;
    add_value(a, (size_t)k, value, argc);
    return 0;
}

int mg_args_parse(const mg_cli *cli, int argc, char **argv, mg_args *a)
{
    a->nopt = count_options(cli->options);
    a->opt = mg_xcalloc(a->nopt + 1, sizeof *a->opt);
    a->operands = mg_xcalloc((size_t)argc + 1, sizeof *a->operands);
    a->noperands = 0;
    int options_ended = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_ended || arg[0] != '-' || arg[1] == '\0') {
            a->operands[a->noperands++] = arg; /* "-" is standard input */
        } else if (strcmp(arg, "--") == 0) {
            options_ended = 1;
        } else if (take_option(cli, argc, argv, &i, a) != 0) {
            return -1;
        }
    }
    return 0;
}

void mg_args_free(mg_args *a)
{
    if (!a)
        return;
    for (size_t i = 0; a->opt && i < a->nopt; i++)
        free(a->opt[i].v);
    free(a->opt);
    free(a->operands);
    memset(a, 0, sizeof *a);
}

const char *mg_args_value(const mg_args *a, size_t i)
{
    const mg_opt_values *ov = &a->opt[i];
    return ov->n ? ov->v[ov->n - 1] : NULL;
}

size_t mg_args_count(const mg_args *a, size_t i)
{
    return a->opt[i].n;
}

/* ------------------------------------------------------------------ */
/* Help                                                                */

void mg_cli_print_synopsis(const mg_cli *cli, const char *lead, FILE *out)
{
    int col = fprintf(out, "%smgate %s", lead, cli->path);
    int indent = col + 1;
    if (cli->operands && *cli->operands)
        col += fprintf(out, " %s", cli->operands);
    for (const mg_option *o = cli->options; o && !is_end(o); o++) {
        if (o->flags & MG_OPT_IN_OPERANDS)
            continue;
        /* [-o|--output FILE], [--junit FILE], [-o OUT], [--set K=V]... */
        char names[80], item[160];
        if (o->name && o->short_name)
            snprintf(names, sizeof names, "-%c|--%s", o->short_name, o->name);
        else if (o->name)
            snprintf(names, sizeof names, "--%s", o->name);
        else
            snprintf(names, sizeof names, "-%c", o->short_name);
        snprintf(item, sizeof item, "[%s%s%s]%s", names, o->arg ? " " : "", o->arg ? o->arg : "",
                 (o->flags & MG_OPT_REPEAT) ? "..." : "");
        int len = (int)strlen(item);
        if (col + 1 + len > LINE_WIDTH && col > indent) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', out);
            col++;
        }
        fputs(item, out);
        col += len;
    }
    fputc('\n', out);
}

/* One row of the option list; help lines after the first are aligned. */
static void print_option_row(FILE *out, char short_name, const char *name, const char *arg, const char *help)
{
    char left[128];
    if (short_name && name)
        snprintf(left, sizeof left, "-%c, --%s", short_name, name);
    else if (short_name)
        snprintf(left, sizeof left, "-%c", short_name);
    else
        snprintf(left, sizeof left, "    --%s", name);
    int col = fprintf(out, "  %s%s%s", left, arg ? " " : "", arg ? arg : "");
    if (col + 2 > HELP_COLUMN) {
        fprintf(out, "\n%*s", HELP_COLUMN, "");
    } else {
        fprintf(out, "%*s", HELP_COLUMN - col, "");
    }
    for (const char *p = help; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fwrite(p, 1, len, out);
        fputc('\n', out);
        if (!nl)
            break;
        p = nl + 1;
        if (*p)
            fprintf(out, "%*s", HELP_COLUMN, "");
    }
}

void mg_cli_print_options(const mg_cli *cli, FILE *out)
{
    for (const mg_option *o = cli->options; o && !is_end(o); o++)
        print_option_row(out, o->short_name, o->name, o->arg, o->help);
    print_option_row(out, 'h', "help", NULL, "print this help");
}
