#include "sources/source_impl.h"
int mg_source_jsonl_open(mg_source *src, const mg_source_options *opts, mg_error *err)
{
    (void)opts;
    return mg_error_set(err, "'%s': JSON Lines not yet supported", src->path);
}
