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

#include "client-internal.h"

int scm_set_triggers(struct scm_client *c, const char *service, const char *const *texts) {
        return text_list_set(c, "set_triggers", "triggers", service, texts);
}

int scm_query_triggers(struct scm_client *c, const char *service, char ***ret_texts) {
        return text_list_query(c, "query_triggers", "triggers", "trigger", service, ret_texts);
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
