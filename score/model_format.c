/*
 * model_format.c - the one mapping between model format names and
 * mg_model_format: the names a gate spec's "format" takes ("xgboost",
 * "linear", "pmml") and those reports show (plus "external", "http", "auto").
 */
#include <string.h>

#include "score/model.h"

static const struct {
    mg_model_format format;
    const char *name;
    int in_spec; /* a name a spec's model.format may give */
} formats[] = {
    {MG_MODEL_XGBOOST, "xgboost", 1},
    {MG_MODEL_LINEAR, "linear", 1},
    {MG_MODEL_PMML, "pmml", 1},
    {MG_MODEL_EXTERNAL, "external", 0},
    {MG_MODEL_HTTP, "http", 0},
};

const char *mg_model_format_name(mg_model_format f)
{
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (formats[i].format == f)
            return formats[i].name;
    return "auto";
}

mg_model_format mg_model_format_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof formats / sizeof *formats; i++)
        if (formats[i].in_spec && strcmp(formats[i].name, name) == 0)
            return formats[i].format;
    return MG_MODEL_AUTO;
}
