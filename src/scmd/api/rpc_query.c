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
#include "activation.h"
#include "cgroup_usage.h"
#include "cleanup.h"
#include "instance.h"
#include "json_writer.h"
#include "manager.h"
#include "process.h"
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

static void write_usage_number(struct json_writer *w, const char *key, int64_t v) {
        json_write_key(w, key);
        if (v >= 0)
                json_write_int(w, v);
        else
                json_write_null(w);
}

/* The members of the status of query_status and enumerate:
 * service_status_write()'s, the count of its instances when scmd accepts
 * its connections (work/instance.c) and, while the service has a process
 * in a cgroup, "usage" read from it (not in events: reading it on every
 * change of state would cost for nothing). */
static void write_status_with_usage(const struct service *s, struct json_writer *w) {
        struct cgroup_usage u;
        service_status_write(s, w);
        if (activation_accept_cap(s)) {
                json_write_key(w, "instances");
                json_write_int(w, instance_count(s));
        }
        if (!s->process || !process_cgroup_usage(s->process, &u))
                return;
        json_write_key(w, "usage");
        json_write_object_begin(w);
        write_usage_number(w, "memory_bytes", u.memory_bytes);
        write_usage_number(w, "cpu_usec", u.cpu_usec);
        write_usage_number(w, "tasks", u.tasks);
        json_write_object_end(w);
}

/* The same as an object, for the general path and enumerate. */
static json_t *status_with_usage(const struct service *s) {
        return service_status_object(s, write_status_with_usage);
}

int rpc_query_status(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                *ret = or_oom(call, status_with_usage(s), &r);
        return r;
}

int rpc_query_status_fast(struct rpc_call *call, struct service *s, struct json_writer *w) {
        (void)call;
        json_write_object_begin(w);
        write_status_with_usage(s, w);
        json_write_object_end(w);
        return 1;
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

/* enumerate's result, {"services":[...]}, as text. */
static void write_enumerate(struct rpc_call *call, const struct enum_filter *f,
                            struct service **all, size_t n, struct json_writer *w) {
        json_write_object_begin(w);
        json_write_key(w, "services");
        json_write_array_begin(w);
        for (size_t i = 0; i < n && !w->failed; i++) {
                /* Silently: a service the caller may not query is not there. */
                if (!matches(f, all[i]) || !rpc_may(call, all[i], ACL_BIT(ACL_QUERY_STATUS)))
                        continue;
                const struct service_config *c = &all[i]->config;
                json_write_object_begin(w);
                json_write_key(w, "name");
                json_write_string(w, c->name);
                json_write_key(w, "display_name");
                json_write_string(w, c->display_name);
                json_write_key(w, "start_type");
                json_write_string(w, scm_start_type_name(c->start_type));
                json_write_key(w, "status");
                json_write_object_begin(w);
                write_status_with_usage(all[i], w);
                json_write_object_end(w);
                json_write_object_end(w);
        }
        json_write_array_end(w);
        json_write_object_end(w);
}

/* Written as text (a tree of 10,000 services cost more than the rest of
 * the request); read back into a tree only for a caller that takes no
 * text. */
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
        if (n < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        struct json_writer own = JSON_WRITER_INIT;
        struct json_writer *w = call->text ? call->text : &own;
        write_enumerate(call, &f, all, (size_t)n, w);
        if (!w->failed && call->text)
                return RPC_TEXT;
        *ret = w->failed ? NULL : json_loadb(w->buf, w->len, 0, NULL);
        json_writer_free(&own);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
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
