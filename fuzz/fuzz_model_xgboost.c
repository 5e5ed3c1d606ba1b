/*
 * fuzz_model_xgboost.c - loading and scoring xgboost models (score/), through
 * fuzz_model_file: every getter, feature binding, and rows of typical and
 * hostile values scored alone and as a batch.
 */
#include "fuzz/support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_model_file("model.json", MG_MODEL_XGBOOST, data, size);
    return 0;
}
