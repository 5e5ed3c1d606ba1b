/*
 * test_options.c - the one option parser and help printer (harness/options.h)
 * and the command tables built on them: the parser's forms and errors, every
 * option of every table in its command's help, and in the command
 * table (docs/commands.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/commands.h"
#include "harness/options.h"

/* ------------------------------------------------------------------ */
/* A small table to parse against                                       */

static int refuse_nope(const char *option, const char *value)
{
    (void)option;
    return strcmp(value, "nope") == 0 ? -1 : 0;
}

enum { T_OUT, T_JUNIT, T_QUIET, T_SET, T_MODE };

static const mg_option test_options[] = {
    [T_OUT] = {"output", 'o', "FILE", "where to write", 0, "a file name", "out.txt", NULL},
    [T_JUNIT] = {"junit", 0, "FILE", "JUnit report", MG_OPT_NONEMPTY, "a file name", NULL, NULL},
    [T_QUIET] = {"quiet", 'q', NULL, "say less", 0, NULL, NULL, NULL},
    [T_SET] = {"set", 0, "K=V", "change a value", MG_OPT_REPEAT, NULL, NULL, NULL},
    [T_MODE] = {"mode", 0, "M", "a checked value", 0, NULL, NULL, refuse_nope},
    {0},
};

static const mg_cli test_cli = {"test", "INPUT", test_options, NULL};

/* stderr goes to a file for the duration of a parse, so messages can be
 * read back. */
static int saved_stderr = -1;
static FILE *captured;

static void capture_begin(void)
{
    fflush(stderr);
    captured = tmpfile();
    assert_non_null(captured);
    saved_stderr = dup(2);
    dup2(fileno(captured), 2);
}

/* Ends the capture; returns what was written (static storage). */
static const char *capture_end(void)
{
    static char text[4096];
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    rewind(captured);
    size_t n = fread(text, 1, sizeof text - 1, captured);
    text[n] = '\0';
    fclose(captured);
    return text;
}

/* Parses the NULL-terminated words (after the command word "test"). */
static int parse(mg_args *a, const char **out_stderr, ...)
{
    char *argv[32] = {"test"};
    int argc = 1;
    va_list ap;
    va_start(ap, out_stderr);
    for (char *w = va_arg(ap, char *); w && argc < 31; w = va_arg(ap, char *))
        argv[argc++] = w;
    va_end(ap);
    capture_begin();
    int rc = mg_args_parse(&test_cli, argc, argv, a);
    const char *err = capture_end();
    if (out_stderr)
        *out_stderr = err;
    return rc;
}

/* The parse left exactly one operand, `want`; frees a. */
static void assert_one_operand(mg_args *a, const char *want)
{
    assert_int_equal(a->noperands, 1);
    assert_string_equal(a->operands[0], want);
    mg_args_free(a);
}

static void test_options_value_forms_are_equal(void **state)
{
    (void)state;
    const char *forms[][2] = {{"--output", "a.txt"}, {"--output=a.txt", NULL}, {"-o", "a.txt"}, {"-oa.txt", NULL}};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        /* arrange, act */
        mg_args a;
        int rc = forms[i][1] ? parse(&a, NULL, "in.csv", forms[i][0], forms[i][1], (char *)NULL)
                             : parse(&a, NULL, "in.csv", forms[i][0], (char *)NULL);
        /* assert */
        assert_int_equal(rc, 0);
        assert_string_equal(mg_args_value(&a, T_OUT), "a.txt");
        assert_one_operand(&a, "in.csv");
    }
}

static void test_options_unknown_option_is_refused_with_suggestion(void **state)
{
    (void)state;
    mg_args a;
    const char *err;
    assert_int_equal(parse(&a, &err, "--jnuit=x.xml", "in.csv", (char *)NULL), -1);
    assert_non_null(strstr(err, "mgate: error: unknown option '--jnuit' (did you mean '--junit'?); "
                                "see 'mgate test --help'"));
    mg_args_free(&a);
    /* nothing close: no suggestion */
    assert_int_equal(parse(&a, &err, "--frobnicate", (char *)NULL), -1);
    assert_non_null(strstr(err, "unknown option '--frobnicate'; see"));
    mg_args_free(&a);
    /* an unknown short option, and an abbreviation (never accepted) */
    assert_int_equal(parse(&a, &err, "-x", (char *)NULL), -1);
    assert_non_null(strstr(err, "unknown option '-x'"));
    mg_args_free(&a);
    assert_int_equal(parse(&a, &err, "--jun", "x.xml", (char *)NULL), -1);
    assert_non_null(strstr(err, "unknown option '--jun'"));
    mg_args_free(&a);
}

static void test_options_missing_argument(void **state)
{
    (void)state;
    mg_args a;
    const char *err;
    assert_int_equal(parse(&a, &err, "in.csv", "--output", (char *)NULL), -1);
    assert_non_null(strstr(err, "mgate: error: '--output' needs a file name, e.g. '--output out.txt'"));
    mg_args_free(&a);
    assert_int_equal(parse(&a, &err, "in.csv", "-o", (char *)NULL), -1);
    assert_non_null(strstr(err, "'-o' needs a file name, e.g. '-o out.txt'"));
    mg_args_free(&a);
    /* MG_OPT_NONEMPTY: an empty value is a missing one */
    assert_int_equal(parse(&a, &err, "--junit=", "in.csv", (char *)NULL), -1);
    assert_non_null(strstr(err, "'--junit' needs a file name"));
    mg_args_free(&a);
    /* a value that looks like an option is still the value (as getopt) */
    assert_int_equal(parse(&a, &err, "--output", "--quiet", (char *)NULL), 0);
    assert_string_equal(mg_args_value(&a, T_OUT), "--quiet");
    assert_int_equal(mg_args_count(&a, T_QUIET), 0);
    mg_args_free(&a);
}

static void test_options_repeated_option(void **state)
{
    (void)state;
    mg_args a;
    assert_int_equal(parse(&a, NULL, "--set", "a=1", "--output", "x", "--set=b=2", "-o", "y", "-q", "--quiet",
                           (char *)NULL), 0);
    /* a repeatable option keeps every value in order */
    assert_int_equal(mg_args_count(&a, T_SET), 2);
    assert_string_equal(a.opt[T_SET].v[0], "a=1");
    assert_string_equal(a.opt[T_SET].v[1], "b=2");
    /* another keeps the last; a flag counts */
    assert_int_equal(mg_args_count(&a, T_OUT), 2);
    assert_string_equal(mg_args_value(&a, T_OUT), "y");
    assert_int_equal(mg_args_count(&a, T_QUIET), 2);
    assert_null(mg_args_value(&a, T_JUNIT));
    mg_args_free(&a);
}

static void test_options_double_dash_ends_options(void **state)
{
    (void)state;
    mg_args a;
    assert_int_equal(parse(&a, NULL, "-q", "--", "--output", "-", "-x", (char *)NULL), 0);
    assert_int_equal(mg_args_count(&a, T_QUIET), 1);
    assert_null(mg_args_value(&a, T_OUT));
    assert_int_equal(a.noperands, 3);
    assert_string_equal(a.operands[0], "--output");
    assert_string_equal(a.operands[1], "-");
    assert_string_equal(a.operands[2], "-x");
    mg_args_free(&a);
    /* "-" alone is an operand (standard input) anywhere */
    assert_int_equal(parse(&a, NULL, "-", "-q", (char *)NULL), 0);
    assert_one_operand(&a, "-");
}

static void test_options_flag_value_and_check_refusal(void **state)
{
    (void)state;
    mg_args a;
    const char *err;
    assert_int_equal(parse(&a, &err, "--quiet=yes", (char *)NULL), -1);
    assert_non_null(strstr(err, "'--quiet' takes no value (found '--quiet=yes')"));
    mg_args_free(&a);
    assert_int_equal(parse(&a, &err, "--mode", "nope", (char *)NULL), -1);
    mg_args_free(&a);
    assert_int_equal(parse(&a, &err, "--mode", "fine", (char *)NULL), 0);
    assert_string_equal(mg_args_value(&a, T_MODE), "fine");
    mg_args_free(&a);
}

/* ------------------------------------------------------------------ */
/* The command tables                                                   */

/* The help of command c, as `mgate help c` prints it (caller frees). */
static char *help_of(const mg_command *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    mg_command_print_help(c, out);
    fclose(out);
    return text;
}

static void test_options_every_option_is_in_its_help(void **state)
{
    (void)state;
    size_t checked = 0;
    for (const mg_command *c = mg_commands; c->name; c++) {
        char *help = help_of(c);
        for (const mg_cli *const *l = c->clis; *l; l++) {
            /* the synopsis names the command line */
            char synopsis[80];
            snprintf(synopsis, sizeof synopsis, "mgate %s", (*l)->path);
            assert_non_null(strstr(help, synopsis));
            for (const mg_option *o = (*l)->options; o->name || o->short_name; o++) {
                char word[80];
                if (o->name) {
                    snprintf(word, sizeof word, "--%s", o->name);
                    if (!strstr(help, word))
                        fail_msg("'mgate help %s' does not show %s", c->name, word);
                }
                if (o->short_name) {
                    snprintf(word, sizeof word, "-%c", o->short_name);
                    if (!strstr(help, word))
                        fail_msg("'mgate help %s' does not show %s", c->name, word);
                }
                /* and its help text (the first line; the others are indented) */
                assert_non_null(o->help);
                char first[200];
                snprintf(first, sizeof first, "%.*s", (int)strcspn(o->help, "\n"), o->help);
                if (!strstr(help, first))
                    fail_msg("'mgate help %s' lacks '%s'", c->name, first);
                checked++;
            }
        }
        free(help);
    }
    assert_true(checked >= 20); /* the tables are not empty */
}

/* Options the command table (docs/commands.md) leaves to another page,
 * and why.  Each must still appear on that page. */
static const struct {
    const char *command, *option, *page, *why;
} readme_elsewhere[] = {
    {"score", "--max-field-bytes", "docs/models.md", "the size limits are in the `mgate score` section"},
    {"score", "--max-row-bytes", "docs/models.md", "the size limits are in the `mgate score` section"},
    {"score", "--max-columns", "docs/models.md", "the size limits are in the `mgate score` section"},
    {"baseline", "--set", "docs/overrides.md", "--set is described once, on the run row and in overrides"},
    {"fixture add", "--set", "docs/overrides.md", "--set is described once, on the run row and in overrides"},
    {"fixture update", "--set", "docs/overrides.md", "--set is described once, on the run row and in overrides"},
};

/* The page that documents option of command outside the table, or NULL. */
static const char *documented_elsewhere(const char *command, const char *option)
{
    for (size_t i = 0; i < sizeof readme_elsewhere / sizeof *readme_elsewhere; i++)
        if (strcmp(readme_elsewhere[i].command, command) == 0 && strcmp(readme_elsewhere[i].option, option) == 0)
            return readme_elsewhere[i].page;
    return NULL;
}

/* The whole of a page of the repository (unit tests run from its root);
 * the caller frees it. */
static char *read_page(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("%s: cannot open", path);
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* The line of the command table that starts "| `mgate PATH" (then
 * a space or the closing backquote), copied into row (empty when there is
 * none). */
static void readme_row(const char *readme, const char *path, char *row, size_t size)
{
    char start[80];
    int len = snprintf(start, sizeof start, "\n| `mgate %s", path);
    const char *p = strstr(readme, start);
    row[0] = '\0';
    while (p && p[len] != ' ' && p[len] != '`')
        p = strstr(p + len, start);
    if (!p)
        return;
    const char *end = strchr(p + 1, '\n');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    snprintf(row, size, "%.*s", (int)n, p);
}

static void test_options_readme_command_table_names_every_long_option(void **state)
{
    (void)state;
    const char *table_page = "docs/commands.md";
    char *readme = read_page(table_page);
    for (const mg_command *c = mg_commands; c->name; c++) {
        for (const mg_cli *const *l = c->clis; *l; l++) {
            char row[4096], word[80];
            readme_row(readme, (*l)->path, row, sizeof row);
            if (!row[0])
                fail_msg("%s: no command table row for 'mgate %s'", table_page, (*l)->path);
            for (const mg_option *o = (*l)->options; o->name || o->short_name; o++) {
                if (!o->name)
                    continue;
                snprintf(word, sizeof word, "--%s", o->name);
                const char *page = documented_elsewhere((*l)->path, word);
                if (page) {
                    char *text = read_page(page);
                    int mentioned = strstr(text, word) != NULL;
                    free(text);
                    if (!mentioned)
                        fail_msg("%s never mentions %s of 'mgate %s'", page, word, (*l)->path);
                } else if (!strstr(row, word)) {
                    fail_msg("%s: the row of 'mgate %s' does not mention %s", table_page, (*l)->path, word);
                }
            }
        }
    }
    free(readme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_value_forms_are_equal),
        cmocka_unit_test(test_options_unknown_option_is_refused_with_suggestion),
        cmocka_unit_test(test_options_missing_argument),
        cmocka_unit_test(test_options_repeated_option),
        cmocka_unit_test(test_options_double_dash_ends_options),
        cmocka_unit_test(test_options_flag_value_and_check_refusal),
        cmocka_unit_test(test_options_every_option_is_in_its_help),
        cmocka_unit_test(test_options_readme_command_table_names_every_long_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
