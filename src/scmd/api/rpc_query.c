/* SPDX-License-Identifier: MIT */
/*
 * Read-only methods: ping, query_status, query_config, enumerate,
 * query_timeline.  They
 * never change state and never fail except on bad parameters or memory.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "acl.h"
#include "cgroup_usage.h"
#include "cleanup.h"
#include "instance.h"
#include "manager.h"
#include "process.h"
#include "process_config.h"
#include "registry.h"
#include "resource.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "service.h"
#include "service_config.h"
#include "timeline.h"
#include "validate.h"

static json_t *or_oom(struct rpc_call *call, json_t *v, int *r) {
        *r = v ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        return v;
}

int rpc_ping(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        *ret = or_oom(call,
                      json_pack("{s:s, s:i, s:s, s:I}", "version", SCM_VERSION, "pid",
                                (int)getpid(), "mode", scm_mode_name(call->manager->paths.mode),
                                "services", (json_int_t)registry_count(call->manager->registry)),
                      &r);
        return r;
}

static json_t *usage_number(int64_t v) {
        return v >= 0 ? json_integer(v) : json_null();
}

/* The status of query_status and enumerate: service_status_json(), the
 * count of its instances when scmd accepts its connections (work/instance.c)
 * and, while the service has a process in a cgroup, "usage" read from it
 * (not in events: reading it on every change of state would cost for
 * nothing). */
static json_t *status_with_usage(const struct service *s) {
        json_t *status = service_status_json(s);
        if (status && s->config.process && s->config.process->accept_connections &&
            json_object_set_new(status, "instances", json_integer(instance_count(s))) < 0) {
                json_decref(status);
                return NULL;
        }
        if (!status || !s->process || process_cgroup(s->process) < 0)
                return status;
        struct cgroup_usage u;
        cgroup_usage_read(s->process->cgroup_fd, &u);
        process_cgroup_let_go(s->process);
        json_t *usage =
                json_pack("{s:o, s:o, s:o}", "memory_bytes", usage_number(u.memory_bytes),
                          "cpu_usec", usage_number(u.cpu_usec), "tasks", usage_number(u.tasks));
        if (!usage || json_object_set_new(status, "usage", usage) < 0) {
                json_decref(status);
                return NULL;
        }
        return status;
}

int rpc_query_status(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                *ret = or_oom(call, status_with_usage(s), &r);
        return r;
}

int rpc_query_config(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                *ret = or_oom(call, service_config_json(s), &r);
        return r;
}

/* Limits beside usage (resource.c): for queryex. */
int rpc_query_resources(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                *ret = or_oom(call, resource_usage_json(s), &r);
        return r;
}

struct enum_filter {
        enum scm_service_type type; /* INVALID: any */
        int active;                 /* -1 any, 0 stopped only, 1 not stopped only */
        const char *group;          /* NULL: any */
};

static int parse_filter(struct rpc_call *call, struct enum_filter *f) {
        const char *type, *state;
        int r = rpc_get_string(call, "type", false, 32, &type);
        if (r >= 0)
                r = rpc_get_string(call, "state", false, 32, &state);
        if (r >= 0)
                r = rpc_get_string(call, "group", false, SCM_GROUP_MAX_CHARS * 4, &f->group);
        if (r < 0)
                return r;
        f->type = SCM_TYPE_INVALID;
        if (type && (f->type = scm_type_from_name(type)) == SCM_TYPE_INVALID)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown type '%s' (own, share, kernel-driver)", type);
        if (!state || strcmp(state, "all") == 0)
                f->active = -1;
        else if (strcmp(state, "active") == 0)
                f->active = 1;
        else if (strcmp(state, "inactive") == 0)
                f->active = 0;
        else
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown state filter '%s' (active, inactive, all)", state);
        return 0;
}

static bool matches(const struct enum_filter *f, const struct service *s) {
        if (f->type != SCM_TYPE_INVALID && s->config.type != f->type)
                return false;
        if (f->active >= 0 && (s->state != SCM_STATE_STOPPED) != (f->active == 1))
                return false;
        return !f->group || names_equal(f->group, s->config.group);
}

int rpc_enumerate(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"type", "state", "group", NULL};
        struct enum_filter f;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = parse_filter(call, &f);
        if (r < 0)
                return r;

        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(call->manager->registry, &all);
        json_t *list = n >= 0 ? json_array() : NULL;
        if (!list)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        for (ssize_t i = 0; i < n; i++) {
                /* Silently: a service the caller may not query is not there. */
                if (!matches(&f, all[i]) || !rpc_may(call, all[i], ACL_BIT(ACL_QUERY_STATUS)))
                        continue;
                const struct service_config *c = &all[i]->config;
                json_t *e =
                        json_pack("{s:s, s:s, s:s, s:o}", "name", c->name, "display_name",
                                  c->display_name, "start_type", scm_start_type_name(c->start_type),
                                  "status", status_with_usage(all[i]));
                if (!e || json_array_append_new(list, e) < 0) {
                        json_decref(list);
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
                }
        }
        *ret = or_oom(call, json_pack("{s:o}", "services", list), &r);
        return r;
}

/* The timeline entry of every service the caller may query, by name;
 * NULL on out-of-memory. */
static json_t *timeline_list(struct rpc_call *call) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(call->manager->registry, &all);
        json_t *list = n >= 0 ? json_array() : NULL;
        for (ssize_t i = 0; list && i < n; i++)
                if (rpc_may(call, all[i], ACL_BIT(ACL_QUERY_STATUS)) &&
                    json_array_append_new(list, timeline_service_json(all[i])) < 0) {
                        json_decref(list);
                        list = NULL;
                }
        return list;
}

int rpc_query_timeline(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        json_t *list = timeline_list(call);
        json_t *o = list ? timeline_manager_json(call->manager) : NULL;
        if (!o)
                json_decref(list);
        /* json_object_set_new() takes list, also when it fails. */
        if (!o || json_object_set_new(o, "services", list) < 0) {
                json_decref(o);
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        *ret = o;
        return 0;
}
