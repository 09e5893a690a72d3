/* SPDX-License-Identifier: MIT */
/*
 * Socket activation's methods (docs/protocol.md, "Socket activation"):
 * set_sockets and query_sockets, over work/activation.c.
 */
#include <stdlib.h>

#include <jansson.h>
#include <scm/error.h>

#include "activation.h"
#include "cleanup.h"
#include "cmdline.h"
#include "rpc.h"
#include "service.h"

/* The sockets of s, each with whether it listens and, if not, why. */
static json_t *sockets_json(struct service *s) {
        char **specs = NULL;
        const char **errors = NULL;
        size_t n = activation_query(s, &specs, &errors);
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_pack("{s:s, s:b}", "socket", specs[i], "listening", !errors[i]);
                if (errors[i])
                        json_object_set_new(e, "error", json_string(errors[i]));
                json_array_append_new(list, e);
        }
        return json_pack("{s:s, s:o}", "name", s->config.name, "sockets", list);
}

int rpc_set_sockets(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "sockets", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        _cleanup_(strv_free_p) char **specs = NULL;
        r = rpc_get_required_list(call, "sockets", 16, &specs);
        if (r < 0)
                return r;
        _cleanup_free_ char *why = NULL;
        r = activation_set(s, specs, &why);
        if (r < 0)
                return rpc_fail(call, scm_error_win32(r), "%s",
                                why ? why : "the sockets could not be set");
        *ret = sockets_json(s);
        return 0;
}

int rpc_query_sockets(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        *ret = sockets_json(s);
        return 0;
}
