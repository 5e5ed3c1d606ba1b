/* Unit tests for the check registry (checks/registry.c, issue 9.1): every
 * row is findable and complete, option defaults are usable and agree with
 * the libraries', the help lists everything, docs/check-options.md is what
 * the table prints, and the hand-written pages name every check and option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "checks/metrics/metrics.h"
#include "checks/registry_help.h"
#include "checks/stats/stats.h"

#define CHECK_OPTIONS_DOC "docs/check-options.md"

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("the text does not contain '%s'", needle);
}

/* What a printer writes, as a new string. */
static char *printed(void (*print)(FILE *))
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    print(fp);
    assert_int_equal(fclose(fp), 0);
    return text;
}

static void test_registry_every_check_is_found_by_name(void **state)
{
    (void)state;
    assert_true(mg_check_count() > 0);
    for (size_t i = 0; i < mg_check_count(); i++) {
        const mg_check_def *d = mg_check_at(i);
        assert_non_null(d);
        assert_non_null(d->name);
        assert_ptr_equal(mg_check_find(d->name), d);
        for (size_t j = 0; j < i; j++)
            if (strcmp(mg_check_at(j)->name, d->name) == 0)
                fail_msg("check '%s' is registered twice", d->name);
    }
    assert_null(mg_check_at(mg_check_count()));
    assert_null(mg_check_find("no_such_check"));
}

/* Every option row: a key, a help line, a default the code can read or
 * words saying what leaving it out means. */
static void assert_option_row(const char *check, const mg_opt_def *o)
{
    if (!o->help || !o->help[0])
        fail_msg("check '%s': option '%s' has no help", check, o->key);
    if (o->required && o->def.set)
        fail_msg("check '%s': option '%s' is required and has a default", check, o->key);
    if (!o->required && !o->def.set && (!o->when_absent || !o->when_absent[0]))
        fail_msg("check '%s': option '%s' says neither its default nor what leaving it out means", check, o->key);
    if (!o->def.set)
        return;
    switch (o->kind) {
    case MG_OPT_STRING:
        if (!o->def.string)
            fail_msg("check '%s': option '%s': a string option's default is a string", check, o->key);
        break;
    case MG_OPT_COUNT:
        if (!(o->def.number >= 0) || o->def.number != floor(o->def.number))
            fail_msg("check '%s': option '%s': default %g is not a count", check, o->key, o->def.number);
        break;
    case MG_OPT_RATE:
        if (!(o->def.number >= 0 && o->def.number <= 1))
            fail_msg("check '%s': option '%s': default %g is not a rate", check, o->key, o->def.number);
        break;
    case MG_OPT_NUMBER:
    case MG_OPT_DURATION:
    case MG_OPT_BOOL:
        break;
    default:
        fail_msg("check '%s': option '%s': no accessor reads a default of this kind", check, o->key);
    }
}

static void test_registry_every_check_has_a_suite_help_and_options(void **state)
{
    (void)state;
    for (size_t i = 0; mg_common_options[i].key; i++)
        assert_option_row("(every check)", &mg_common_options[i]);
    for (size_t i = 0; i < mg_check_count(); i++) {
        const mg_check_def *d = mg_check_at(i);
        if (!d->group || !d->group[0])
            fail_msg("check '%s' has no suite", d->name);
        if (!d->summary || !d->summary[0])
            fail_msg("check '%s' has no help line", d->name);
        assert_non_null(d->options);
        if (d->implicit_needs && d->implicit != MG_IMPLICIT_UNLISTED)
            fail_msg("check '%s': implicit_needs apply to MG_IMPLICIT_UNLISTED only", d->name);
        for (size_t k = 0; d->options[k].key; k++) {
            assert_option_row(d->name, &d->options[k]);
            /* Its own row, not shadowed by a common option or an earlier row. */
            assert_ptr_equal(mg_check_option(d, d->options[k].key), &d->options[k]);
        }
    }
}

/* A check with a required option refuses a spec that leaves it out, and
 * names it when it is the only one. */
static void test_registry_required_options_are_enforced(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t i = 0; i < mg_check_count(); i++) {
        const mg_check_def *d = mg_check_at(i);
        const char *required = NULL;
        size_t nrequired = 0;
        for (size_t k = 0; d->options[k].key; k++)
            if (d->options[k].required) {
                required = d->options[k].key;
                nrequired++;
            }
        if (!nrequired)
            continue;
        if (!d->validate)
            fail_msg("check '%s' has a required option but no validate to enforce it", d->name);
        json_t *o = json_pack("{s:s}", "check", d->name);
        const char *key = NULL;
        char msg[512] = "";
        if (d->validate(o, &key, msg, sizeof msg) == 0)
            fail_msg("check '%s' accepts a spec without '%s'", d->name, required);
        if (nrequired == 1)
            assert_contains(msg, required);
        json_decref(o);
        checked++;
    }
    assert_true(checked >= 5); /* metric, fixtures and the bounded adversarial checks */
}

/* The table's defaults are the ones the libraries use on their own. */
static void test_registry_defaults_agree_with_the_libraries(void **state)
{
    (void)state;
    const mg_check_def *metric = mg_check_find("metric"), *champion = mg_check_find("champion");
    mg_bootstrap_options bo;
    mg_bootstrap_options_init(&bo);
    mg_metrics_options mo;
    mg_metrics_options_init(&mo);
    assert_true(mg_check_option(metric, "resamples")->def.number == bo.resamples);
    assert_true(mg_check_option(metric, "confidence")->def.number == bo.confidence);
    assert_true(mg_check_option(metric, "seed")->def.number == (double)bo.seed);
    assert_true(mg_check_option(metric, "threshold")->def.number == mo.threshold);
    /* The champion's test by default at the metric comparison's confidence. */
    assert_true(fabs(mg_check_option(champion, "significance")->def.number -
                     (1 - mg_check_option(metric, "confidence")->def.number)) < 1e-12);
}

/* Options are read from the spec when given, else from the table. */
static void test_registry_options_read_spec_then_default(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s, s:i, s:s}", "check", "robustness", "trials", 3, "candidates", "x");
    mg_check c;
    memset(&c, 0, sizeof c);
    c.def = mg_check_find("robustness");
    c.options = o;
    assert_int_equal(mg_check_opt_count(&c, "trials"), 3);
    assert_true(mg_check_opt_number(&c, "threshold") == 0.5);
    assert_int_equal(mg_check_opt_count(&c, "sample"), 100);
    assert_true(mg_check_opt_given(&c, "trials"));
    assert_false(mg_check_opt_given(&c, "max_flip_rate"));
    c.def = mg_check_find("order");
    json_object_set_new(o, "allowed_lateness", json_string("5m"));
    assert_true(mg_check_opt_seconds(&c, "allowed_lateness") == 300);
    json_object_del(o, "allowed_lateness");
    assert_true(mg_check_opt_seconds(&c, "allowed_lateness") == 0);
    c.def = mg_check_find("champion");
    assert_string_equal(mg_check_opt_string(&c, "mode"), "mcnemar");
    json_decref(o);
}

static void test_registry_help_lists_every_check_and_option(void **state)
{
    (void)state;
    char *text = printed(mg_check_help_text);
    for (size_t i = 0; i < mg_check_count(); i++) {
        const mg_check_def *d = mg_check_at(i);
        char line[200];
        snprintf(line, sizeof line, "    %s: %s\n", d->name, d->summary);
        assert_contains(text, line);
        for (size_t k = 0; d->options[k].key; k++) {
            snprintf(line, sizeof line, "        %s (", d->options[k].key);
            assert_contains(text, line);
        }
    }
    assert_contains(text, "        max_rate (rate;");
    free(text);
}

/* A whole file as a new string, or NULL. */
static char *file_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int ch;
    while ((ch = fgetc(fp)) != EOF)
        fputc(ch, mem);
    fclose(fp);
    fclose(mem);
    return text;
}

#define NPAGES 3

/* Fails unless `word` stands in backticks in one of the pages. */
static void assert_named(char *const *pages, const char *check, const char *word)
{
    char quoted[80];
    snprintf(quoted, sizeof quoted, "`%s`", word);
    for (size_t i = 0; i < NPAGES; i++)
        if (strstr(pages[i], quoted))
            return;
    fail_msg("%s: '%s' is not named in docs/checks.md, docs/spec.md or docs/fixtures.md", check, word);
}

/* The hand-written pages (docs/checks.md, with docs/spec.md for what every
 * check takes and docs/fixtures.md for the fixtures check) name every check
 * and every option of the table, so an option added to the table without
 * its explanation fails here. */
static void test_registry_handwritten_docs_name_every_option(void **state)
{
    (void)state;
    static const char *const paths[NPAGES] = {"docs/checks.md", "docs/spec.md", "docs/fixtures.md"};
    char *pages[NPAGES];
    for (size_t i = 0; i < NPAGES; i++)
        if (!(pages[i] = file_text(paths[i])))
            fail_msg("cannot open %s (run from the repository root)", paths[i]);
    for (size_t k = 0; mg_common_options[k].key; k++)
        assert_named(pages, "every check", mg_common_options[k].key);
    for (size_t i = 0; i < mg_check_count(); i++) {
        const mg_check_def *d = mg_check_at(i);
        assert_named(pages, d->name, d->name);
        for (size_t k = 0; d->options[k].key; k++)
            assert_named(pages, d->name, d->options[k].key);
    }
    for (size_t i = 0; i < NPAGES; i++)
        free(pages[i]);
}

/* docs/check-options.md is generated: it must be what the table prints. */
static void test_registry_check_options_doc_is_current(void **state)
{
    (void)state;
    char *committed = file_text(CHECK_OPTIONS_DOC);
    if (!committed)
        fail_msg("cannot open %s (run from the repository root; `make check-options-doc` writes it)",
                 CHECK_OPTIONS_DOC);
    char *expected = printed(mg_check_help_markdown);
    if (strcmp(committed, expected) != 0) {
        size_t line = 1, i = 0;
        while (committed[i] && committed[i] == expected[i])
            line += committed[i++] == '\n';
        fail_msg("%s differs from the check table from line %zu: run `make check-options-doc` and commit it",
                 CHECK_OPTIONS_DOC, line);
    }
    free(committed);
    free(expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_every_check_is_found_by_name),
        cmocka_unit_test(test_registry_every_check_has_a_suite_help_and_options),
        cmocka_unit_test(test_registry_required_options_are_enforced),
        cmocka_unit_test(test_registry_defaults_agree_with_the_libraries),
        cmocka_unit_test(test_registry_options_read_spec_then_default),
        cmocka_unit_test(test_registry_help_lists_every_check_and_option),
        cmocka_unit_test(test_registry_check_options_doc_is_current),
        cmocka_unit_test(test_registry_handwritten_docs_name_every_option),
    };
    return cmocka_run_group_tests_name("check_registry", tests, NULL, NULL);
}
