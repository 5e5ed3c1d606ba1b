/*
 * label_drift.c - the `label_drift` check: the label's class distribution
 * (its rate, for a binary label) against the reference's: the profile's
 * label distribution, or the reference data's label column.  Labels are
 * compared as written.  Judged by default by the chi-square test: a label
 * has few classes, and a rare class that doubles (fraud from 2% to 4%)
 * moves a distance such as Jensen-Shannon's very little, while the test
 * sees it with a few thousand rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/drift/drift_engine.h"
#include "common/xmem.h"

static const mg_opt_def option_rows[] = {
    {.key = "reference", .kind = MG_OPT_CUSTOM, .required = 1,
     .help = "reference data (its data.label column) or {\"profile\": \"profile.json\"} with a label"},
    {.key = "test", .kind = MG_OPT_STRING, .def = MG_DEFAULT_STRING("chi2"),
     .help = "chi2, jensen_shannon, psi or unseen"},
    {.key = "threshold", .kind = MG_OPT_NUMBER, .when_absent = "the test's default (chi2 p 0.01, jensen_shannon 0.1, psi 0.2, unseen 0.01)",
     .help = "drifted with a p-value below it (chi2) or above it (the others)"},
    {.key = NULL},
};

static int ld_validate(const json_t *o, const char **key, char *msg, size_t size)
{
    *key = "reference";
    if (mg_drift_validate_reference(o, msg, size) < 0)
        return -1;
    const json_t *t = json_object_get(o, "test");
    mg_dtest test;
    *key = "test";
    if (t && !(json_is_string(t) && mg_dtest_parse(json_string_value(t), &test) == 0 &&
               test != MG_DTEST_KS && test != MG_DTEST_WASSERSTEIN)) {
        snprintf(msg, size, "expected \"chi2\", \"jensen_shannon\", \"psi\" or \"unseen\"");
        return -1;
    }
    return 0;
}

typedef struct ld_state {
    mg_dengine e;
    const char *label;
    long ref_column;
} ld_state;

static void add_label(mg_dside *side, const mg_value *v)
{
    if (!v || mg_value_is_missing(v))
        side->missing++;
    else
        mg_dside_add_text(side, v->text, v->len);
}

static void ld_header(void *ctx, const mg_source *src)
{
    ld_state *s = ctx;
    s->ref_column = mg_source_column_index(src, s->label);
    if (s->ref_column < 0) {
        s->e.broken = 1;
        mg_error_set(&s->e.err, "reference data '%s' has no label column '%s'", s->e.ref_path, s->label);
    }
}

static void ld_ref_row(void *ctx, const mg_source *src, const mg_row *row)
{
    (void)src;
    ld_state *s = ctx;
    if (!s->e.broken)
        add_label(&s->e.feat[0].ref, (size_t)s->ref_column < row->nvalues ? &row->values[s->ref_column] : NULL);
}

static void ld_begin(mg_check *c)
{
    ld_state *s = mg_xcalloc(1, sizeof *s);
    c->state = s;
    s->label = c->env->role_name[MG_ROLE_LABEL];
    mg_dengine_open(&s->e, c);
    mg_dtest test;
    mg_dtest_parse(mg_check_opt_string(c, "test"), &test);
    double threshold = mg_check_opt_given(c, "threshold") ? mg_check_opt_number(c, "threshold")
                                                          : mg_dtest_default_threshold(test);
    mg_dfeat *f = mg_dengine_add(&s->e, s->label, test, threshold, 10);
    mg_dside_init_text(&f->cur);
    if (s->e.broken || c->env->shard)
        return;
    if (s->e.from_profile) {
        if (!s->e.profile->label) {
            s->e.broken = 1;
            mg_error_set(&s->e.err, "reference profile %s has no label distribution: write it with mgate profile "
                         "--spec GATE.json (a spec with data.label)", s->e.ref_path);
            return;
        }
        mg_dside_from_profile_text(&f->ref, &s->e.profile->labels);
        return;
    }
    mg_dside_init_text(&f->ref);
    mg_dengine_read_data(&s->e, c, ld_header, ld_ref_row, s);
}

static void ld_row(mg_check *c, const mg_row *row)
{
    ld_state *s = c->state;
    long col = c->env->role_column[MG_ROLE_LABEL];
    if (!s->e.broken)
        add_label(&s->e.feat[0].cur, col >= 0 && (size_t)col < row->nvalues ? &row->values[col] : NULL);
}

static void ld_finish(mg_check *c)
{
    ld_state *s = c->state;
    mg_dengine_judge(&s->e, c, -1.0);
}

static void ld_free(mg_check *c)
{
    ld_state *s = c->state;
    if (!s)
        return;
    mg_dengine_free(&s->e);
    free(s);
    c->state = NULL;
}

static json_t *ld_save(const mg_check *c)
{
    const ld_state *s = c->state;
    return mg_dengine_save(&s->e);
}

static int ld_merge(mg_check *c, const json_t *state, char *msg, size_t size)
{
    ld_state *s = c->state;
    return mg_dengine_merge(&s->e, c->name, state, msg, size);
}

const mg_check_def mg_check_label_drift = {
    .name = "label_drift",
    .group = "drift",
    .summary = "the label's class distribution against the reference's (data or profile)",
    .options = option_rows,
    .needs = MG_NEEDS_LABEL,
    .validate = ld_validate,
    .begin = ld_begin,
    .row = ld_row,
    .finish = ld_finish,
    .free_state = ld_free,
    .save = ld_save,
    .merge = ld_merge,
};
