/* SPDX-License-Identifier: MIT */
/*
 * The methods of status notifications: subscribe and unsubscribe
 * (NotifyServiceStatusChange), and service_message, by which a client
 * speaks for a service until services have a channel of their own.  They
 * check their parameters here and leave the subscriptions to events.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>
#include <scm/error.h>

#include "acl.h"
#include "cleanup.h"
#include "events.h"
#include "manager.h"
#include "registry.h"
#include "rpc.h"
#include "rpc_acl.h"

/* A list parameter of names from table (NULL-terminated) as bits, bit i
 * for table[i]; absent: dflt. */
static int read_names(struct rpc_call *call, const char *key, const char *const *table,
                      uint32_t dflt, uint32_t *ret) {
        json_t *list = json_object_get(call->params, key);
        if (!list) {
                *ret = dflt;
                return 0;
        }
        if (!json_is_array(list))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' must be a list of names", key);
        uint32_t bits = 0;
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) {
                const char *name = json_string_value(v);
                size_t k = 0;
                while (name && table[k] && strcmp(table[k], name) != 0)
                        k++;
                if (!name || !table[k])
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "entry %zu of '%s' is not one of its names "
                                        "(docs/protocol.md, \"subscribe\")",
                                        i, key);
                bits |= 1u << k;
        }
        *ret = bits;
        return 0;
}

/* The services named by the parameter "services" (NULL when absent). */
static int read_services(struct rpc_call *call, struct service ***ret, size_t *ret_n) {
        json_t *list = json_object_get(call->params, "services");
        if (!list) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        if (!json_is_array(list) || json_array_size(list) == 0 ||
            json_array_size(list) > EVENTS_SERVICES_MAX)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'services' must be a list of 1 to %d service "
                                "names",
                                EVENTS_SERVICES_MAX);
        size_t n = json_array_size(list);
        _cleanup_free_ struct service **services = calloc(n, sizeof(*services));
        if (!services)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        for (size_t i = 0; i < n; i++) {
                const char *name = json_string_value(json_array_get(list, i));
                if (!name)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "entry %zu of 'services' must be a string", i);
                if (!(services[i] = registry_find(call->manager->registry, name)))
                        return rpc_fail(call, SCM_ERROR_SERVICE_DOES_NOT_EXIST,
                                        "no service is named '%.1024s'", name);
                int r = rpc_require(call, services[i], ACL_BIT(ACL_QUERY_STATUS));
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(services);
        *ret_n = n;
        return 0;
}

int rpc_subscribe(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"services", "states", "scm", NULL};
        /* In the order of enum scm_state, from 1: bit i is EVENTS_STATE_BIT(i + 1). */
        static const char *const states[] = {
                "stopped",          "start-pending", "stop-pending", "running",
                "continue-pending", "pause-pending", "paused",       NULL,
        };
        /* In the order of enum events_kind's bits. */
        static const char *const kinds[] = {"created",  "deleted", "message",
                                            "progress", "mounts",  NULL};
        _Static_assert(ELEMENTSOF(states) == _SCM_STATE_MAX, "every state has a name");

        uint32_t state_mask, kind_mask, id;
        _cleanup_free_ struct service **services = NULL;
        size_t n = 0;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = read_names(call, "states", states, EVENTS_ALL_STATES, &state_mask);
        if (r >= 0)
                r = read_names(call, "scm", kinds, 0, &kind_mask);
        if (r >= 0)
                r = read_services(call, &services, &n);
        if (r < 0)
                return r;
        r = events_subscribe(call->manager, call->conn, services, n, state_mask, kind_mask, &id);
        if (r == -E2BIG)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                "this connection already has %d subscriptions",
                                EVENTS_SUBSCRIPTIONS_MAX);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        *ret = json_pack("{s:I}", "subscription", (json_int_t)id);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_unsubscribe(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"subscription", NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        json_t *v = json_object_get(call->params, "subscription");
        if (!json_is_integer(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'subscription' must be a number");
        json_int_t id = json_integer_value(v);
        if (id <= 0 || id > UINT32_MAX ||
            events_unsubscribe(call->manager, call->conn, (uint32_t)id) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_HANDLE,
                                "no subscription %lld is open on this connection", (long long)id);
        *ret = json_object();
        return 0;
}

int rpc_service_message(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "text", "users", NULL};
        struct service *s;
        const char *text;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = rpc_get_string(call, "text", true, EVENTS_MESSAGE_MAX_BYTES, &text);
        if (r < 0)
                return r;
        json_t *users = json_object_get(call->params, "users");
        if (users && !json_is_boolean(users))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'users' must be true or false");
        /* The service's own channel will carry these; until then only
         * admins may speak for a service (rpc.c's table). */
        events_service_message(s, text, json_is_true(users));
        *ret = json_object();
        return 0;
}
