/* SPDX-License-Identifier: MIT */
/*
 * Socket activation (<scm/activation.h>): set_sockets and query_sockets,
 * and an instance per connection (the process settings accept_connections
 * and accept_stdio through change_config; its instances from
 * query_sockets).
 */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>
#include <scm/activation.h>
#include <scm/raw.h>

#include "client-internal.h"

int scm_set_sockets(struct scm_client *c, const char *service, const char *const *specs) {
        return text_list_set(c, "set_sockets", "sockets", service, specs);
}

int scm_query_sockets(struct scm_client *c, const char *service, char ***ret_specs) {
        return text_list_query(c, "query_sockets", "sockets", "socket", service, ret_specs);
}

int scm_set_accept(struct scm_client *c, const char *service, unsigned max_instances, bool stdio) {
        if (!service)
                return -EINVAL;
        json_t *res = NULL;
        int r = scm_call(c, "change_config",
                         json_pack("{s:s, s:I, s:b}", "name", service, "accept_connections",
                                   (json_int_t)max_instances, "accept_stdio", stdio),
                         &res);
        json_decref(res);
        return r;
}

int scm_query_instances(struct scm_client *c, const char *service, unsigned *ret_max,
                        pid_t **ret_pids, size_t *ret_n) {
        if (!service || !ret_max || !ret_pids || !ret_n)
                return -EINVAL;
        json_t *res = NULL;
        int r = scm_call(c, "query_sockets", json_pack("{s:s}", "name", service), &res);
        if (r < 0)
                return r;
        const json_t *list = json_object_get(res, "instances"), *e;
        size_t n = json_array_size(list), i;
        pid_t *pids = calloc(n + 1, sizeof(pid_t));
        if (!pids) {
                json_decref(res);
                return -ENOMEM;
        }
        json_array_foreach(list, i, e)
                pids[i] = (pid_t)json_integer_value(json_object_get(e, "pid"));
        *ret_max = (unsigned)json_integer_value(json_object_get(res, "accept_connections"));
        json_decref(res);
        *ret_pids = pids;
        *ret_n = n;
        return 0;
}
