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

json_t *mg_metric_state_save(const char *problem, uint64_t unusable, const mg_label_sample *labels,
                             const mg_metrics *acc)
{
    if (problem)
        return json_pack("{s:b}", "problem", 1);
    return json_pack("{s:o, s:o, s:o}", "unusable", mg_state_count(unusable), "labels",
                     mg_metric_labels_save(labels), "acc", mg_metrics_save(acc));
}

int mg_metric_state_merge(const char *problem, uint64_t *unusable, mg_label_sample *labels, mg_metrics *acc,
                          const json_t *state, char *msg, size_t size)
{
    int saved_problem = json_object_get(state, "problem") != NULL;
    if (problem || saved_problem) {
        if (problem && saved_problem)
            return 1;
        snprintf(msg, size, "the state is of a check that %s run", problem ? "could" : "could not");
        return -1;
    }
    if (mg_metric_add_count(state, "unusable", unusable, msg, size) != 0 ||
        mg_metric_labels_merge(labels, json_object_get(state, "labels"), msg, size) != 0 ||
        mg_metrics_merge(acc, json_object_get(state, "acc"), msg, size) != 0)
        return -1;
    return 0;
}
