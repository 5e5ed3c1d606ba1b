#include "common/name_index.h"

#include <string.h>

static mg_key128 name_key(const char *name)
{
    mg_key_hasher h;
    mg_key_hasher_init(&h);
    mg_key_hasher_add(&h, name, strlen(name));
    return mg_key_hasher_done(&h);
}

void mg_name_index_init(mg_name_index *ix)
{
    mg_keytable_init(&ix->table);
}

void mg_name_index_free(mg_name_index *ix)
{
    mg_keytable_free(&ix->table);
}

long mg_name_index_add(mg_name_index *ix, const char *name, size_t pos)
{
    int found;
    mg_key_entry *e = mg_keytable_upsert(&ix->table, name_key(name), &found);
    if (found)
        return (long)(e->line - 1);
    e->line = (uint64_t)pos + 1; /* 0 marks an empty slot */
    return -1;
}

long mg_name_index_find(const mg_name_index *ix, const char *name)
{
    const mg_key_entry *e = mg_keytable_find(&ix->table, name_key(name));
    return e ? (long)(e->line - 1) : -1;
}
