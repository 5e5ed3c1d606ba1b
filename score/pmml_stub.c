#include "score/model_internal.h"
mg_model *mg_pmml_load(const char *path, mg_error *err)
{
    mg_error_set(err, "%s: PMML is not supported yet", path);
    return NULL;
}
mg_model *mg_external_start(const mg_model_spec *spec, mg_error *err)
{
    (void)spec;
    mg_error_set(err, "external scorers are not supported yet");
    return NULL;
}
