/* SPDX-License-Identifier: MIT */
/*
 * The methods of groups and dependencies: the group order list
 * (query_group_order, set_group_order: Windows' ServiceGroupOrder) and a
 * service's dependents (enumerate_dependents: EnumDependentServices).  A
 * new order list is checked whole (names, duplicates, cycles it would make
 * with the services' group dependencies), saved in one transaction, then
 * put in memory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "acl.h"
#include "cleanup.h"
#include "cmdline.h"
#include "depend.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "service.h"
#include "validate.h"

#define GROUP_ORDER_MAX 1024

static size_t strv_length(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

static json_t *groups_json(char *const *groups) {
        json_t *list = json_array();
        for (size_t i = 0; list && groups && groups[i]; i++)
                if (json_array_append_new(list, json_string(groups[i])) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list ? json_pack("{s:o}", "groups", list) : NULL;
}

int rpc_query_group_order(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        if (!(*ret = groups_json(call->manager->group_order)))
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        return 0;
}

static int check_groups(struct rpc_call *call, char **groups) {
        const char *reason;
        for (size_t i = 0; groups[i]; i++) {
                if (validate_text(groups[i], SCM_GROUP_MAX_CHARS, false, &reason) < 0)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "group %zu of the order list is not a valid group name: %s",
                                        i + 1, reason);
                for (size_t j = 0; j < i; j++)
                        if (names_equal(groups[i], groups[j]))
                                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                                "group %s is in the order list twice", groups[i]);
        }
        _cleanup_free_ char *cycle = NULL;
        int r = depend_find_cycle(call->manager, NULL, groups, &cycle);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r > 0)
                return rpc_fail(call, SCM_ERROR_CIRCULAR_DEPENDENCY,
                                "this group order would make a dependency cycle: %s", cycle);
        return 0;
}

int rpc_set_group_order(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"groups", NULL};
        _cleanup_(strv_free_p) char **groups = NULL;
        int r = rpc_check_keys(call, keys);
        if (r >= 0 && !json_is_array(json_object_get(call->params, "groups")))
                r = rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                             "the parameter 'groups' (a list of group names) is required");
        if (r >= 0)
                r = rpc_get_string_list(call, "groups", GROUP_ORDER_MAX, &groups);
        if (r >= 0)
                r = check_groups(call, groups);
        if (r < 0)
                return r;
        r = depend_set_group_order(call->manager, groups);
        if (r == -ENOMEM)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r < 0)
                return rpc_database_failed(call, r);
        log_info("the group order list is set: %zu groups", strv_length(groups));
        if (!(*ret = groups_json(call->manager->group_order)))
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        return 0;
}

/* The state filter of enumerate: -1 all, 1 active, 0 inactive. */
static int read_state_filter(struct rpc_call *call, int *ret) {
        const char *state;
        int r = rpc_get_string(call, "state", false, 32, &state);
        if (r < 0)
                return r;
        if (!state || strcmp(state, "all") == 0)
                *ret = -1;
        else if (strcmp(state, "active") == 0)
                *ret = 1;
        else if (strcmp(state, "inactive") == 0)
                *ret = 0;
        else
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown state filter '%s' (active, inactive, all)", state);
        return 0;
}

int rpc_enumerate_dependents(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "state", NULL};
        struct service *s;
        int active = -1;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = read_state_filter(call, &active);
        if (r < 0)
                return r;
        _cleanup_free_ struct service **deps = NULL;
        ssize_t n = depend_dependents(call->manager, s, &deps);
        json_t *list = n >= 0 ? json_array() : NULL;
        if (!list)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        for (ssize_t i = 0; i < n; i++) {
                if (active >= 0 && (deps[i]->state != SCM_STATE_STOPPED) != (active == 1))
                        continue;
                /* Silently, as enumerate: one the caller may not query is not there. */
                if (!rpc_may(call, deps[i], ACL_BIT(ACL_QUERY_STATUS)))
                        continue;
                const struct service_config *c = &deps[i]->config;
                json_t *e = json_pack("{s:s, s:s, s:o}", "name", c->name, "display_name",
                                      c->display_name, "status", service_status_json(deps[i]));
                if (!e || json_array_append_new(list, e) < 0) {
                        json_decref(list);
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
                }
        }
        if (!(*ret = json_pack("{s:o}", "services", list)))
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        return 0;
}
