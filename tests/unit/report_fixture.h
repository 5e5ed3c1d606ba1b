/*
 * report_fixture.h - a report built in memory for the report writer tests
 * (test_report_*.c), and small file helpers.  Header-only so it is not
 * linked into every test binary.
 *
 * The report: 7 results in 4 groups, first seen in the order data, metrics,
 * adversarial, fixtures; 3 passed, 2 failed, 1 error, 1 skipped.  One
 * failure carries nasty text: control characters, invalid UTF-8, "]]>",
 * quotes, "<&>", pipes and a line break.
 */
#ifndef MG_TESTS_REPORT_FIXTURE_H
#define MG_TESTS_REPORT_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks/result.h"
#include "common/error.h"
#include "common/xmem.h"

/* The nasty message, raw, and what it must read as once cleaned for XML on
 * one line: each control character and each ill-formed byte is U+FFFD. */
#define NASTY_MESSAGE "bad \x01\x1b ctl, \xff\xc3( utf8, ]]> \"q\" 'a' <&> | pipe\nsecond line"
#define FFFD "\xEF\xBF\xBD"
#define NASTY_ONE_LINE \
    "bad " FFFD FFFD " ctl, " FFFD FFFD "( utf8, ]]> \"q\" 'a' <&> | pipe second line"

static inline mg_report *fixture_report(void)
{
    mg_report *r = mg_report_new();
    mg_run_facts *f = &r->facts;
    f->gate_name = mg_xstrdup("demo");
    f->spec_path = mg_xstrdup("fixtures/demo/gate.json");
    f->data_path = mg_xstrdup("fixtures/demo/eval.csv");
    f->data_sha256 = mg_xstrdup("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    f->rows_read = 1000;
    f->model_path = mg_xstrdup("fixtures/demo/model.json");
    f->model_sha256 = mg_xstrdup("1111111111111111111111111111111111111111111111111111111111111111");
    f->baseline_model_path = mg_xstrdup("fixtures/demo/champion.json");
    f->baseline_model_sha256 = mg_xstrdup("2222222222222222222222222222222222222222222222222222222222222222");
    f->run_id = mg_xstrdup("0123456789abcdef0123456789abcdef");
    f->started_at = mg_xstrdup("2026-11-23T10:00:00");
    f->seconds = 1.5;
    f->hostname = mg_xstrdup("ci-runner-1");

    mg_result *res = mg_report_add(r, "data", "missing_age", "missing");
    res->status = MG_STATUS_PASS;
    res->seconds = 0.0012;
    mg_result_prop_number(res, "count", 0);
    mg_result_prop_number(res, "rate", 0);
    mg_result_prop_number(res, "max_rate", 0.01);
    mg_result_prop_number(res, "rows", 1000);

    res = mg_report_add(r, "data", "range_income", "range");
    res->status = MG_STATUS_FAIL;
    res->seconds = 0.25;
    mg_result_set_message(res, "3 values of 'income' out of range [0, 1e6]");
    mg_result_prop_number(res, "count", 3);
    mg_result_prop_number(res, "rate", 0.003);
    mg_result_prop_number(res, "bound", 0.001);
    mg_result_prop_text(res, "bound_option", "max_rate");
    mg_result_example(res, 2, "eval.csv:14: income: found %d, expected >= 0", -5);
    mg_result_example(res, 2, "eval.csv:20: income: found %s, expected a number", "\"1e9\"");
    mg_result_example(res, 2, "eval.csv:31: income: found %s", "7e6");

    res = mg_report_add(r, "metrics", "accuracy", "metric");
    res->status = MG_STATUS_PASS;
    res->seconds = 0.5;
    mg_result_prop_number(res, "value", 0.93);
    mg_result_prop_number(res, "bound", 0.9);
    mg_result_prop_text(res, "bound_option", "min");
    mg_result_prop_number(res, "decision_threshold", 0.3);

    res = mg_report_add(r, "metrics", "auc", "metric");
    res->status = MG_STATUS_ERROR;
    res->seconds = 0.125;
    mg_result_set_message(res, "scorer crashed on row %d", 7);

    res = mg_report_add(r, "adversarial", "flip_rate", "flip");
    res->status = MG_STATUS_SKIP;
    mg_result_set_message(res, "no numeric features to perturb");

    res = mg_report_add(r, "data", "nasty", "text");
    res->status = MG_STATUS_FAIL;
    res->seconds = 0.001;
    mg_result_set_message(res, "%s", NASTY_MESSAGE);
    mg_result_prop_text(res, "found", "<&>\x02");
    mg_result_prop_number(res, "count", 1);
    mg_result_example(res, 5, "eval.csv:2: note: found \"]]>\" and ```code```");

    res = mg_report_add(r, "fixtures", "golden_rows", "fixture");
    res->status = MG_STATUS_PASS;
    res->seconds = 0.0;
    return r;
}

/* A fresh folder under /tmp; the caller removes it with remove_tree. */
static inline char *make_temp_dir(void)
{
    char *dir = mg_xstrdup("/tmp/mgate-report-test-XXXXXX");
    if (!mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* Removes a folder made by make_temp_dir and the files and empty folders
 * directly in it. */
static inline void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = mg_xasprintf("%s/%s", dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* How many entries of dir have `part` in their name. */
static inline int count_entries(const char *dir, const char *part)
{
    int n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, part) != NULL;
    closedir(d);
    return n;
}

/* The whole file as a string (NULL if unreadable); the caller frees. */
static inline char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0;
    char *s = mg_xmalloc(cap);
    size_t n;
    while ((n = fread(s + len, 1, cap - len - 1, fp)) > 0) {
        len += n;
        if (cap - len - 1 == 0)
            s = mg_xrealloc(s, cap *= 2);
    }
    fclose(fp);
    s[len] = '\0';
    return s;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* Switches LC_ALL to a locale with a decimal comma if one is installed.
 * Returns 1 when it did (the caller restores "C"), 0 otherwise. */
static inline int enter_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_ALL, names[i]))
            return 1;
    return 0;
}

/* Every way a report write can fail leaves what was there: a temporary name
 * too long for the folder, a read-only folder (when not root), a rename onto
 * a folder (and no temporary file left), a missing folder.  Each failure is
 * -1 with the path in the message.  `write` is a writer from writers.h, ext
 * the file ending (".xml").  The caller includes cmocka first. */
typedef int (*report_writer)(const mg_report *, const char *, mg_error *);

static inline void assert_writer_keeps_old_file(report_writer write, const char *ext)
{
    mg_report *r = fixture_report();
    char *dir = make_temp_dir();
    assert_non_null(dir);
    mg_error err = {{0}};
    size_t elen = strlen(ext);
    char name[NAME_MAX + 1];
    memset(name, 'r', NAME_MAX - elen);
    strcpy(name + NAME_MAX - elen, ext);
    char *path = mg_xasprintf("%s/%s", dir, name);
    write_text(path, "old");
    assert_int_equal(write(r, path, &err), -1);
    assert_non_null(strstr(err.msg, path));
    char *text = slurp(path);
    assert_string_equal(text, "old");
    free(text);
    free(path);

    if (geteuid() != 0) {
        path = mg_xasprintf("%s/mgate%s", dir, ext);
        write_text(path, "old");
        assert_int_equal(chmod(dir, 0555), 0);
        assert_int_equal(write(r, path, &err), -1);
        assert_int_equal(chmod(dir, 0755), 0);
        text = slurp(path);
        assert_string_equal(text, "old");
        free(text);
        free(path);
    }

    path = mg_xasprintf("%s/in-the-way%s", dir, ext);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(write(r, path, &err), -1);
    assert_non_null(strstr(err.msg, path));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(count_entries(dir, ".tmp."), 0);
    free(path);

    path = mg_xasprintf("/nonexistent-mgate-dir/x%s", ext);
    assert_int_equal(write(r, path, &err), -1);
    assert_non_null(strstr(err.msg, path));
    free(path);

    remove_tree(dir);
    free(dir);
    mg_report_free(r);
}

#endif
