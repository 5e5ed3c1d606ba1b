/* Unit tests for the HTTP scoring protocols' request/response mapping
 * (score/http_proto*.c): the request each builds for the same rows (read
 * back with jansson and compared as JSON), the predictions each reads, and
 * the clear error for each kind of malformed or short response. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/http_proto.h"
#include "score/model.h"

static const char *const names[] = {"age", "city"};
static const mg_http_shape binary = {2, names, MG_TASK_BINARY, 1};
static const mg_http_shape three_classes = {2, names, MG_TASK_MULTICLASS, 3};
static const unsigned long ids[] = {7, 8};

/* Two rows: (41.5, "Paris") and (missing, "Oslo"). */
static json_t **cells_new(void)
{
    static json_t *c[4];
    c[0] = json_real(41.5);
    c[1] = json_string("Paris");
    c[2] = json_null();
    c[3] = json_string("Oslo");
    return c;
}

static void cells_free(json_t **c)
{
    for (int i = 0; i < 4; i++)
        json_decref(c[i]);
}

/* The request proto builds for the two rows equals `want` as JSON. */
static void assert_request(const mg_http_proto *proto, const char *want)
{
    json_t **c = cells_new();
    size_t len = 0;
    char *body = proto->build(&binary, c, ids, 2, &len);
    cells_free(c);
    assert_int_equal(len, strlen(body));
    json_error_t je;
    json_t *got = json_loads(body, 0, &je), *expected = json_loads(want, 0, &je);
    assert_non_null(expected);
    if (!json_equal(got, expected))
        fail_msg("request %s, expected %s", body, want);
    json_decref(got);
    json_decref(expected);
    free(body);
}

static void test_http_v2_request_is_an_fp64_tensor(void **s)
{
    (void)s;
    /* A numbers-only protocol: the model refuses text rows before building,
     * so only numbers and nulls are built here. */
    json_t *c[4] = {json_real(41.5), json_real(2), json_null(), json_real(-1)};
    size_t len;
    char *body = mg_http_proto_v2.build(&binary, c, ids, 2, &len);
    for (int i = 0; i < 4; i++)
        json_decref(c[i]);
    assert_string_equal(body, "{\"inputs\":[{\"name\":\"input-0\",\"shape\":[2,2],\"datatype\":\"FP64\","
                              "\"data\":[41.5,2.0,null,-1.0]}]}");
    free(body);
    assert_int_equal(mg_http_proto_v2.numbers_only, 1);
}

static void test_http_v1_request_holds_instances(void **s)
{
    (void)s;
    assert_request(&mg_http_proto_v1, "{\"instances\": [[41.5, \"Paris\"], [null, \"Oslo\"]]}");
    assert_int_equal(mg_http_proto_v1.numbers_only, 0);
}

static void test_http_mlflow_request_is_a_dataframe_split(void **s)
{
    (void)s;
    assert_request(&mg_http_proto_mlflow, "{\"dataframe_split\": {\"columns\": [\"age\", \"city\"], "
                                          "\"data\": [[41.5, \"Paris\"], [null, \"Oslo\"]]}}");
}

static void test_http_jsonl_request_is_the_scorer_protocol(void **s)
{
    (void)s;
    json_t **c = cells_new();
    size_t len;
    char *body = mg_http_proto_jsonl.build(&binary, c, ids, 2, &len);
    cells_free(c);
    assert_string_equal(body, "{\"batch\": 2}\n"
                              "{\"id\":7,\"features\":{\"age\":41.5,\"city\":\"Paris\"}}\n"
                              "{\"id\":8,\"features\":{\"age\":null,\"city\":\"Oslo\"}}\n");
    free(body);
}

/* Parses body for 2 binary rows; returns what parse returned. */
static long parse2(const mg_http_proto *proto, const mg_http_shape *shape, const char *body, double *out,
                   unsigned char *ok, mg_error *row_err, mg_error *err)
{
    memset(ok, 9, 2);
    return proto->parse(shape, body, strlen(body), ids, 2, out, ok, row_err, err);
}

static void test_http_responses_parsed(void **s)
{
    (void)s;
    static const struct {
        const mg_http_proto *proto;
        const char *body;
    } good[] = {
        {&mg_http_proto_v2, "{\"outputs\": [{\"name\": \"p\", \"shape\": [2, 1], \"datatype\": \"FP64\", \"data\": [0.25, 0.75]}]}"},
        {&mg_http_proto_v2, "{\"outputs\": [{\"name\": \"p\", \"shape\": [2], \"data\": [0.25, 0.75]}]}"},
        /* [p0, p1] per row: the positive class is the second */
        {&mg_http_proto_v2, "{\"outputs\": [{\"shape\": [2, 2], \"data\": [0.75, 0.25, 0.25, 0.75]}]}"},
        {&mg_http_proto_v1, "{\"predictions\": [0.25, 0.75]}"},
        {&mg_http_proto_v1, "{\"predictions\": [[0.75, 0.25], [0.25, 0.75]]}"},
        {&mg_http_proto_mlflow, "{\"predictions\": [0.25, 0.75]}"},
        {&mg_http_proto_mlflow, "[0.25, 0.75]"},
        {&mg_http_proto_jsonl, "{\"id\": 7, \"prediction\": 0.25}\n{\"prediction\": 0.75}\n"},
        {&mg_http_proto_jsonl, "{\"id\": 7, \"prediction\": 0.25}\r\n{\"prediction\": 0.75}"},
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        double out[2] = {0, 0};
        unsigned char ok[2];
        mg_error row_err = {{0}}, err = {{0}};
        long got = parse2(good[i].proto, &binary, good[i].body, out, ok, &row_err, &err);
        if (got != 2)
            fail_msg("case %zu: %ld (%s)", i, got, err.msg);
        assert_true(ok[0] == 1 && ok[1] == 1);
        assert_true(out[0] == 0.25 && out[1] == 0.75);
    }
}

static void test_http_multiclass_probabilities(void **s)
{
    (void)s;
    double out[6];
    unsigned char ok[2];
    mg_error row_err = {{0}}, err = {{0}};
    assert_int_equal(parse2(&mg_http_proto_v1, &three_classes, "{\"predictions\": [[0.1, 0.2, 0.7], [1, 0, 0]]}", out,
                            ok, &row_err, &err), 2);
    assert_true(out[2] == 0.7 && out[3] == 1.0);
    assert_int_equal(parse2(&mg_http_proto_v2, &three_classes,
                            "{\"outputs\": [{\"shape\": [2, 3], \"data\": [0.1, 0.2, 0.7, 1, 0, 0]}]}", out, ok,
                            &row_err, &err), 2);
    assert_true(out[2] == 0.7 && out[5] == 0.0);
    assert_int_equal(parse2(&mg_http_proto_mlflow, &three_classes, "{\"predictions\": [0.5, 0.5]}", out, ok, &row_err,
                            &err), -1);
    assert_string_equal(err.msg, "predictions[0]: expected a list of 3 class probabilities, found a number");
}

static void test_http_jsonl_row_error_is_per_row(void **s)
{
    (void)s;
    double out[2];
    unsigned char ok[2];
    mg_error row_err = {{0}}, err = {{0}};
    long got = parse2(&mg_http_proto_jsonl, &binary, "{\"error\": \"age missing\"}\n{\"prediction\": 0.5}\n", out, ok,
                      &row_err, &err);
    assert_int_equal(got, 1);
    assert_int_equal(ok[0], 0);
    assert_true(isnan(out[0]));
    assert_int_equal(ok[1], 1);
    assert_string_equal(row_err.msg, "HTTP scorer: age missing");
}

static void test_http_malformed_responses_are_clear_errors(void **s)
{
    (void)s;
    static const struct {
        const mg_http_proto *proto;
        const char *body, *error;
    } bad[] = {
        {&mg_http_proto_v2, "<html>oops</html>", "the response is not JSON (invalid token near '<' at byte 1): '<html>oops</html>'"},
        {&mg_http_proto_v2, "{\"error\": \"model not loaded\"}",
         "expected \"outputs\": [{\"shape\": ..., \"data\": [...]}]; the service says: model not loaded"},
        {&mg_http_proto_v2, "{\"outputs\": [{\"shape\": [1, 1], \"data\": [0.5]}]}", "outputs[0].shape[0] is 1 for the 2 rows sent"},
        {&mg_http_proto_v2, "{\"outputs\": [{\"shape\": [2, 1], \"data\": [0.5]}]}", "outputs[0] holds 1 values but its shape says 2"},
        {&mg_http_proto_v2, "{\"outputs\": [{\"shape\": [2, 3], \"data\": [1, 2, 3, 4, 5, 6]}]}", "outputs[0]: 3 values per row, expected 1 or 2"},
        {&mg_http_proto_v2, "{\"outputs\": [{\"shape\": [2], \"data\": [0.5, \"x\"]}]}", "outputs[0].data[1]: expected a number, found a string"},
        {&mg_http_proto_v1, "{\"predictions\": [0.5]}", "predictions holds 1 predictions for the 2 rows sent"},
        {&mg_http_proto_v1, "{\"predictions\": [0.5, null]}", "predictions[1]: expected a number (or [p] or [p0, p1]), found null"},
        {&mg_http_proto_v1, "{\"outputs\": []}", "expected a JSON object with \"predictions\", found none"},
        {&mg_http_proto_v1, "", "the response body is empty"},
        {&mg_http_proto_mlflow, "[0.5, 0.5] trailing", "the response is not JSON (end of file expected near 'trailing' at byte 19): '[0.5, 0.5] trailing'"},
        {&mg_http_proto_mlflow, "{\"error_code\": \"BAD_REQUEST\", \"message\": \"no column age\"}",
         "expected {\"predictions\": [...]} or a list, found an object without \"predictions\"; the service says: no column age"},
        {&mg_http_proto_mlflow, "{\"predictions\": {\"a\": 1}}", "expected predictions to be a list of predictions, found an object"},
        {&mg_http_proto_jsonl, "{\"prediction\": 0.5}\n", "1 reply lines for the 2 rows sent"},
        {&mg_http_proto_jsonl, "{\"prediction\": 0.5}\n{\"prediction\": 0.5}\n{\"prediction\": 0.5}\n", "more reply lines than the 2 rows sent"},
        {&mg_http_proto_jsonl, "{\"id\": 8, \"prediction\": 0.5}\n{\"prediction\": 0.5}\n", "reply line 1: it answers another row (id does not match 7)"},
        {&mg_http_proto_jsonl, "not json\n{\"prediction\": 0.5}\n", "reply line 1: expected a JSON object, found 'not json'"},
        {&mg_http_proto_jsonl, "{\"score\": 0.5}\n{\"prediction\": 0.5}\n", "reply line 1: expected {\"prediction\": ...} or {\"error\": ...}, found '{\"score\": 0.5}'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double out[2];
        unsigned char ok[2];
        mg_error row_err = {{0}}, err = {{0}};
        long got = parse2(bad[i].proto, &binary, bad[i].body, out, ok, &row_err, &err);
        if (got != -1 || strcmp(err.msg, bad[i].error) != 0)
            fail_msg("case %zu (%s): %ld '%s', expected -1 '%s'", i, mg_http_protocol_name(bad[i].proto->id), got,
                     err.msg, bad[i].error);
    }
}

static void test_http_jsonl_description(void **s)
{
    (void)s;
    char **features = NULL, **classes = NULL, *objective = NULL;
    int task = -1;
    mg_error err = {{0}};
    assert_int_equal(mg_http_jsonl_describe("{\"features\": [\"a\", \"b\"], \"task\": \"multiclass\", \"classes\": "
                                            "[\"x\", \"y\", \"z\"]}\n",
                                            &features, &task, &classes, &objective, &err), 0);
    assert_int_equal(task, MG_TASK_MULTICLASS);
    assert_string_equal(features[1], "b");
    assert_null(features[2]);
    assert_string_equal(classes[2], "z");
    assert_string_equal(objective, "multiclass");
    for (int i = 0; features[i]; i++)
        free(features[i]);
    for (int i = 0; classes[i]; i++)
        free(classes[i]);
    free(features);
    free(classes);
    free(objective);
    assert_int_equal(mg_http_jsonl_describe("{\"features\": [], \"task\": \"binary\"}", &features, &task, &classes,
                                            &objective, &err), -1);
    assert_string_equal(err.msg, "description: 'features' must be a non-empty array of names");
    assert_int_equal(mg_http_jsonl_describe("<html>", &features, &task, &classes, &objective, &err), -1);
    assert_string_equal(err.msg, "its description (GET) is not a JSON object");
}

static void test_http_protocol_names(void **s)
{
    (void)s;
    mg_http_protocol p;
    assert_int_equal(mg_http_protocol_from_name("mlflow", &p), 0);
    assert_int_equal(p, MG_HTTP_MLFLOW);
    assert_string_equal(mg_http_protocol_name(MG_HTTP_V2), "v2");
    assert_int_equal(mg_http_protocol_from_name("grpc", &p), -1);
    assert_ptr_equal(mg_http_proto_get(MG_HTTP_V1), &mg_http_proto_v1);
    char line[16];
    assert_string_equal(mg_http_first_line("\n  boom: a\tb\nsecond", 19, line, sizeof line), "boom: a b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_v2_request_is_an_fp64_tensor),
        cmocka_unit_test(test_http_v1_request_holds_instances),
        cmocka_unit_test(test_http_mlflow_request_is_a_dataframe_split),
        cmocka_unit_test(test_http_jsonl_request_is_the_scorer_protocol),
        cmocka_unit_test(test_http_responses_parsed),
        cmocka_unit_test(test_http_multiclass_probabilities),
        cmocka_unit_test(test_http_jsonl_row_error_is_per_row),
        cmocka_unit_test(test_http_malformed_responses_are_clear_errors),
        cmocka_unit_test(test_http_jsonl_description),
        cmocka_unit_test(test_http_protocol_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
