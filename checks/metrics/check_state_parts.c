/*
 * check_state_parts.c - see check_state_parts.h.
 */
#include "checks/metrics/check_state_parts.h"

#include <stdio.h>
#include <string.h>

#include "common/state_json.h"
#include "common/xmem.h"

json_t *mg_metric_labels_save(const mg_label_sample *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(list, json_string(s->text[i]));
    return list;
}

int mg_metric_labels_merge(mg_label_sample *s, const json_t *list, char *msg, size_t size)
{
    size_t i;
    const json_t *e;
    if (!json_is_array(list))
        return snprintf(msg, size, "'labels': expected a list of strings"), -1;
    json_array_foreach(list, i, e) {
        const char *text = json_string_value(e);
        if (!text)
            return snprintf(msg, size, "'labels': expected a list of strings"), -1;
        int known = 0;
        for (size_t j = 0; j < s->n && !known; j++)
            known = strcmp(s->text[j], text) == 0;
        if (!known && s->n < MG_LABEL_SAMPLE_MAX)
            s->text[s->n++] = mg_xstrdup(text);
    }
    return 0;
}

int mg_metric_add_count(const json_t *state, const char *key, uint64_t *into, char *msg, size_t size)
{
    uint64_t v;
    if (mg_state_get_count(state, key, &v, msg, size) != 0)
        return -1;
    *into += v;
    return 0;
}
