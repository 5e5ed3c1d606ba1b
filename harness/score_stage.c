#include "harness/score_stage.h"

#include <stdlib.h>

#include "common/xmem.h"
#include "score/http.h"

void mg_score_stage_flush(mg_score_stage *st)
{
    if (st->queued == 0)
        return;
    size_t n = st->queued;
    const mg_row *const *rows = st->batch == 1 ? &st->one : mg_row_batch_rows(&st->queue);
    mg_scoring_score(st->candidate, rows, n, st->out, st->why);
    if (st->champion)
        mg_scoring_score(st->champion, rows, n, st->champion_out, st->champion_why);
    size_t k = mg_scoring_noutputs(st->candidate);
    size_t kc = st->champion ? mg_scoring_noutputs(st->champion) : 0;
    for (size_t r = 0; r < n; r++) {
        mg_scored sc = {st->why[r] ? NULL : st->out + r * k, st->why[r], NULL, NULL};
        if (st->champion) {
            sc.champion = st->champion_why[r] ? NULL : st->champion_out + r * kc;
            sc.champion_why = st->champion_why[r];
        }
        mg_ticks t = mg_ticks_now();
        for (size_t i = 0; i < st->nchecks; i++) {
            mg_running_check *rc = &st->checks[i];
            if (!rc->skip && rc->check.def->scored) {
                rc->check.def->scored(&rc->check, rows[r], &sc);
                mg_running_check_charge(rc, &t);
            }
        }
        if (st->plots)
            mg_plot_rows_add(st->plots, st->env, rows[r], &sc);
    }
    mg_row_batch_clear(&st->queue);
    st->queued = 0;
}

void mg_score_stage_push(mg_score_stage *st, const mg_row *row, const mg_typed *typed)
{
    mg_scoring_gather(st->candidate, st->queued, row, typed);
    if (st->champion)
        mg_scoring_gather(st->champion, st->queued, row, typed);
    if (st->batch == 1)
        st->one = row; /* borrowed: scored before the next read */
    else
        mg_row_batch_push(&st->queue, row);
    st->queued++;
    if (st->queued == st->batch)
        mg_score_stage_flush(st);
}

void mg_score_stage_free(mg_score_stage *st)
{
    mg_row_batch_free(&st->queue);
    free(st->out);
    free(st->champion_out);
    free(st->why);
    free(st->champion_why);
    mg_scoring_free(st->candidate);
    mg_scoring_free(st->champion);
}

int mg_score_stage_init(mg_score_stage *st, const mg_spec *spec, const mg_source *src, mg_error *err)
{
    st->candidate = mg_scoring_new(&spec->model, spec->roles[MG_ROLE_PREDICTION], "prediction", spec, src, err);
    if (!st->candidate)
        return -1;
    if (spec->baseline_model.path || spec->baseline_model.command || spec->baseline_model.http ||
        spec->roles[MG_ROLE_BASELINE_PREDICTION]) {
        st->champion = mg_scoring_new(&spec->baseline_model, spec->roles[MG_ROLE_BASELINE_PREDICTION],
                                      "baseline model", spec, src, err);
        if (!st->champion)
            return -1;
    }
    if (st->champion && mg_scoring_noutputs(st->champion) != mg_scoring_noutputs(st->candidate)) {
        mg_error_set(err, "the baseline model gives %zu outputs per row, the model %zu: they cannot be compared",
                     mg_scoring_noutputs(st->champion), mg_scoring_noutputs(st->candidate));
        return -1;
    }
    st->batch = mg_scoring_batch_size(st->candidate);
    if (st->champion && mg_scoring_batch_size(st->champion) > st->batch)
        st->batch = mg_scoring_batch_size(st->champion);
    mg_scoring_reserve(st->candidate, st->batch);
    if (st->champion)
        mg_scoring_reserve(st->champion, st->batch);
    mg_row_batch_init(&st->queue, st->batch);
    st->out = mg_xcalloc(st->batch * mg_scoring_noutputs(st->candidate), sizeof *st->out);
    st->why = mg_xcalloc(st->batch, sizeof *st->why);
    if (st->champion) {
        st->champion_out = mg_xcalloc(st->batch * mg_scoring_noutputs(st->champion), sizeof *st->champion_out);
        st->champion_why = mg_xcalloc(st->batch, sizeof *st->champion_why);
    }
    return 0;
}

void mg_score_stage_note_service(const mg_score_stage *st, mg_report *report)
{
    mg_http_stats hs;
    mg_model *m = st->candidate ? mg_scoring_model(st->candidate) : NULL;
    if (m && mg_http_model_stats(m, &hs) == 0)
        report->facts.model_service = mg_xasprintf("%s: %lu requests, %lu retries, %lu failed", mg_http_model_url(m),
                                                   hs.requests, hs.retries, hs.failed);
}
