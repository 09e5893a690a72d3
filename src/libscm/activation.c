/* SPDX-License-Identifier: MIT */
/*
 * Socket activation (<scm/activation.h>): set_sockets and query_sockets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/activation.h>
#include <scm/raw.h>

int scm_set_sockets(struct scm_client *c, const char *service, const char *const *specs) {
        if (!service)
                return -EINVAL;
        json_t *list = json_array(), *res = NULL;
        for (const char *const *p = specs; list && p && *p; p++)
                if (json_array_append_new(list, json_string(*p)) < 0) {
                        json_decref(list);
                        return -EINVAL;
                }
        json_t *params = list ? json_pack("{s:s, s:o}", "name", service, "sockets", list) : NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, "set_sockets", params, &res);
        json_decref(res);
        return r;
}

int scm_query_sockets(struct scm_client *c, const char *service, char ***ret_specs) {
        if (!service)
                return -EINVAL;
        json_t *res = NULL;
        int r = scm_call(c, "query_sockets", json_pack("{s:s}", "name", service), &res);
        if (r < 0)
                return r;
        json_t *list = json_object_get(res, "sockets"), *e;
        size_t n = json_array_size(list), i;
        char **v = calloc(n + 1, sizeof(char *));
        json_array_foreach(list, i, e) {
                const char *spec = json_string_value(json_object_get(e, "socket"));
                if (!v || !(v[i] = strdup(spec ? spec : ""))) {
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
        *ret_specs = v;
        return 0;
}
