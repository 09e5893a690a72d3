/* SPDX-License-Identifier: MIT */
/*
 * A service's list of texts over the wire, as its sockets and its triggers
 * travel (client-internal.h): set as {"name":S, KEY:[texts]}, read back as
 * {KEY:[{ITEM:text,...},...]}.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/raw.h>

#include "client-internal.h"

int text_list_set(struct scm_client *c, const char *method, const char *key, const char *service,
                  const char *const *texts) {
        if (!service)
                return -EINVAL;
        json_t *list = json_array(), *res = NULL;
        for (const char *const *p = texts; list && p && *p; p++)
                if (json_array_append_new(list, json_string(*p)) < 0) {
                        json_decref(list);
                        return -EINVAL;
                }
        json_t *params = list ? json_pack("{s:s, s:o}", "name", service, key, list) : NULL;
        if (!params)
                return -ENOMEM;
        int r = scm_call(c, method, params, &res);
        json_decref(res);
        return r;
}

/* The texts of list's objects' item member, NULL-terminated, or NULL. */
static char **texts_of(const json_t *list, const char *item) {
        size_t n = json_array_size(list), i;
        const json_t *e;
        char **v = calloc(n + 1, sizeof(char *));
        json_array_foreach(list, i, e) {
                const char *text = json_string_value(json_object_get(e, item));
                if (!v || !(v[i] = strdup(text ? text : ""))) {
                        for (size_t k = 0; v && k < i; k++)
                                free(v[k]);
                        free(v);
                        return NULL;
                }
        }
        return v;
}

int text_list_query(struct scm_client *c, const char *method, const char *key, const char *item,
                    const char *service, char ***ret) {
        if (!service)
                return -EINVAL;
        json_t *res = NULL;
        int r = scm_call(c, method, json_pack("{s:s}", "name", service), &res);
        if (r < 0)
                return r;
        char **v = texts_of(json_object_get(res, key), item);
        json_decref(res);
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}
