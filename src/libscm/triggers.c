/* SPDX-License-Identifier: MIT */
/*
 * Service triggers (<scm/triggers.h>): set_triggers, query_triggers, fire_trigger.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/triggers.h>
#include <scm/raw.h>

int scm_set_triggers(struct scm_client *c, const char *service, const char *const *texts) {
        if (!service)
                return -EINVAL;
        json_t *list = json_array(), *res = NULL;
        for (const char *const *p = texts; list && p && *p; p++)
                if (json_array_append_new(list, json_string(*p)) < 0) {
                        json_decref(list);
                        return -EINVAL;
                }
        json_t *params = list ? json_pack("{s:s, s:o}", "name", service, "triggers", list) : NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "set_triggers", params, &res);
        json_decref(res);
        return r;
}

int scm_query_triggers(struct scm_client *c, const char *service, char ***ret_texts) {
        if (!service)
                return -EINVAL;
        json_t *res = NULL;
        int r = scm_call(c, "query_triggers", json_pack("{s:s}", "name", service), &res);
        if (r < 0)
                return r;
        json_t *list = json_object_get(res, "triggers"), *e;
        size_t n = json_array_size(list), i;
        char **v = calloc(n + 1, sizeof(char *));
        json_array_foreach(list, i, e) {
                const char *text = json_string_value(json_object_get(e, "trigger"));
                if (!v || !(v[i] = strdup(text ? text : ""))) {
                        for (size_t k = 0; v && k < i; k++)
                                free(v[k]);
                        free(v);
                        v = NULL;
                        break;
                }
        }
        json_decref(res);
        if (!v)
                return -ENOMEM;
        *ret_texts = v;
        return 0;
}

int scm_fire_trigger(struct scm_client *c, const char *event, const char *data) {
        if (!event)
                return -EINVAL;
        json_t *params = json_pack("{s:s}", "event", event), *res = NULL;
        if (!params)
                return -ENOMEM;
        if (data && json_object_set_new(params, "data", json_string(data)) < 0) {
                json_decref(params);
                return -EINVAL;
        }
        int r = scm_call(c, "fire_trigger", params, &res);
        json_decref(res);
        return r;
}
