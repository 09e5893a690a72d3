/* SPDX-License-Identifier: MIT */
/*
 * Socket activation's methods (docs/protocol.md, "Socket activation"):
 * set_sockets and query_sockets, over work/activation.c.
 */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>
#include <scm/error.h>

#include "activation.h"
#include "cleanup.h"
#include "cmdline.h"
#include "instance.h"
#include "rpc.h"
#include "service.h"

/* When scmd accepts s's connections: the most instances it may have at
 * once, and those that run (pid, client). */
static int instances_json(struct service *s, json_t *o) {
        uint32_t cap = activation_accept_cap(s);
        if (!cap)
                return 0;
        json_t *list = json_array();
        for (const struct instance *i = instance_next(s, NULL); list && i; i = instance_next(s, i))
                json_array_append_new(list, json_pack("{s:i, s:s}", "pid", (int)instance_pid(i),
                                                      "peer", instance_peer(i)));
        if (!list || json_object_set_new(o, "accept_connections", json_integer(cap)) < 0)
                return -ENOMEM;
        return json_object_set_new(o, "instances", list);
}

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
        json_t *o = json_pack("{s:s, s:o}", "name", s->config.name, "sockets", list);
        if (o && instances_json(s, o) < 0) {
                json_decref(o);
                return NULL;
        }
        return o;
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
