/*
 * fuzz_fixture_cases.c - fixture case files (checks/adversarial/fixture_cases.c): reading a
 * case file, then for every case what the `fixtures` check and
 * `mgate fixture update` do: score its input with a model, compare with
 * its expectation, and write the current output as a new expectation.
 *
 * The model is a small logistic (even-sized inputs) or linear (odd) model
 * over the features the shipped cases use, loaded once.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "checks/adversarial/fixture_cases.h"
#include "fuzz/support.h"

static const char *const model_text[2] = {
    "{\"type\": \"logistic\", \"features\": [\"amount\", \"age\", \"zip\"],"
    " \"weights\": [0.004, -0.05, 0.0001], \"bias\": -1.5}",
    "{\"type\": \"linear\", \"features\": [\"amount\", \"age\", \"zip\"],"
    " \"weights\": [0.5, -2, 1e-3], \"bias\": 3}",
};

static mg_model *models[2];
static adv_case_model bound[2];

static void free_models(void)
{
    for (int i = 0; i < 2; i++) {
        adv_case_model_free(&bound[i]);
        mg_model_free(models[i]);
    }
}

static const adv_case_model *case_model(size_t which)
{
    if (!models[which]) {
        mg_model_spec spec = {0};
        spec.path = fuzz_write_text(which ? "linear.json" : "logistic.json", model_text[which]);
        spec.format = MG_MODEL_LINEAR;
        mg_error err = {{0}};
        models[which] = mg_model_load(&spec, &err);
        if (!models[which] || adv_case_model_init(&bound[which], models[which], NULL, &err) != 0)
            fuzz_fail("the fixture model does not load: %s", err.msg);
        static int registered;
        if (!registered++)
            atexit(free_models);
    }
    return &bound[which];
}

static void run_case(const adv_case_model *cm, const adv_case *c)
{
    const json_t *input = json_object_get(c->obj, "input");
    const json_t *expect = json_object_get(c->obj, "expect");
    if (!json_is_object(input))
        fuzz_fail("%s:%lu: a loaded case without an input object", c->file, c->line);
    if (!c->id)
        fuzz_fail("%s:%lu: a loaded case without an id", c->file, c->line);
    adv_case_result r;
    adv_case_score(cm, input, &r);
    if (!r.scored && !r.why[0])
        fuzz_fail("%s:%lu: refused without a reason", c->file, c->line);
    char diff[512];
    if (expect)
        adv_case_compare(cm, expect, &r, 1e-6, 0.5, diff, sizeof diff);
    json_t *now = adv_case_expect_now(cm, &r, 1e-6, 0.5);
    /* An expectation written now must match the same result. */
    if (r.finite || !r.scored) {
        if (adv_case_compare(cm, now, &r, 1e-6, 0.5, diff, sizeof diff) != 0)
            fuzz_fail("%s:%lu: the expectation written now does not match: %s", c->file, c->line, diff);
    }
    json_decref(now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const adv_case_model *cm = case_model(size % 2);
    const char *path = fuzz_write_file("cases.jsonl", data, size);
    adv_cases cs;
    mg_error err = {{0}};
    if (adv_cases_load(&cs, path, &err) != 0) {
        if (!err.msg[0])
            fuzz_fail("case file refused without a message");
        adv_cases_free(&cs);
        return 0;
    }
    for (size_t i = 0; i < cs.n; i++)
        if (cs.c[i].obj)
            run_case(cm, &cs.c[i]);
    adv_cases_free(&cs);
    return 0;
}
