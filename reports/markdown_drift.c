/*
 * markdown_drift.c - the Markdown summary's drift tables: one per check of
 * the drift suite, a row per feature (the features are read back from the
 * result's "<feature>.test" properties), drifted features first.
 *
 *   ### drift / drift: 2 of 6 features drifted
 *   | feature | drifted | test | figure | threshold | figures |
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/markdown_drift.h"

static const mg_prop *feature_prop(const mg_result *res, const char *feature, size_t len, const char *key)
{
    char name[300];
    snprintf(name, sizeof name, "%.*s.%s", (int)len, feature, key);
    return mg_result_prop(res, name);
}

static void put_number(mg_strbuf *m, const mg_prop *p)
{
    char buf[40];
    if (p && p->is_number) {
        snprintf(buf, sizeof buf, "%.4g", p->number);
        mg_strbuf_add(m, buf);
    }
}

/* The figures the test did not judge by, "ks_p_value 0.3, wasserstein 0.02". */
static void put_others(mg_strbuf *m, const mg_result *res, const char *feature, size_t len)
{
    static const char *const keys[] = {"psi", "ks_statistic", "ks_p_value", "wasserstein", "jensen_shannon",
                                       "chi2_p_value", "unseen_share", "psi_low", "psi_high", "ks_statistic_bound",
                                       "wasserstein_bound"};
    int first = 1;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const mg_prop *p = feature_prop(res, feature, len, keys[i]);
        if (!p || !p->is_number)
            continue;
        char buf[40];
        snprintf(buf, sizeof buf, "%.4g", p->number);
        mg_strbuf_add(m, first ? "" : ", ");
        mg_md_inline(m, keys[i], 0);
        mg_strbuf_add(m, " ");
        mg_strbuf_add(m, buf);
        first = 0;
    }
}

static const char *test_figure(const char *test)
{
    if (strcmp(test, "ks") == 0)
        return "ks_p_value";
    if (strcmp(test, "chi2") == 0)
        return "chi2_p_value";
    if (strcmp(test, "unseen") == 0)
        return "unseen_share";
    return test; /* psi, wasserstein, jensen_shannon */
}

static void put_rows(mg_strbuf *m, const mg_result *res, int drifted)
{
    for (size_t i = 0; i < res->nprops; i++) {
        const char *key = res->props[i].key;
        size_t klen = strlen(key);
        if (klen < 6 || strcmp(key + klen - 5, ".test") != 0 || res->props[i].is_number)
            continue;
        size_t len = klen - 5;
        const mg_prop *d = feature_prop(res, key, len, "drifted");
        if (!d || (d->number != 0) != drifted)
            continue;
        char name[300];
        snprintf(name, sizeof name, "%.*s", (int)len, key);
        mg_strbuf_add(m, "| ");
        mg_md_inline(m, name, 100);
        mg_strbuf_add(m, drifted ? " | ❌ yes | " : " | no | ");
        mg_md_inline(m, res->props[i].text, 0);
        mg_strbuf_add(m, " | ");
        put_number(m, feature_prop(res, key, len, test_figure(res->props[i].text)));
        mg_strbuf_add(m, " | ");
        put_number(m, feature_prop(res, key, len, "threshold"));
        mg_strbuf_add(m, " | ");
        put_others(m, res, key, len);
        mg_strbuf_add(m, " |\n");
    }
}

void mg_md_drift(mg_strbuf *m, const mg_report *r)
{
    for (size_t k = 0; k < r->nresults; k++) {
        const mg_result *res = r->results[k];
        if (!res->group || strcmp(res->group, "drift") != 0 || !mg_result_prop(res, "features"))
            continue;
        mg_strbuf_add(m, "### drift / ");
        mg_md_inline(m, res->name, 100);
        mg_strbuf_add(m, ": ");
        mg_md_inline(m, res->message ? res->message : "", 200);
        mg_strbuf_add(m, "\n\n| feature | drifted | test | figure | threshold | other figures |\n"
                         "|---|---|---|---|---|---|\n");
        put_rows(m, res, 1);
        put_rows(m, res, 0);
        mg_strbuf_add(m, "\n");
    }
}
