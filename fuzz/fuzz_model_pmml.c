/*
 * fuzz_model_pmml.c - loading and scoring pmml models (score/), through
 * fuzz_model_file: every getter, feature binding, and rows of typical and
 * hostile values scored alone and as a batch.
 */
#include "fuzz/support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_model_file("model.pmml", MG_MODEL_PMML, data, size);
    return 0;
}
