/* SPDX-License-Identifier: MIT */
/*
 * The method table and the checks every handler shares: parameters are
 * validated here, at the door, before a handler touches any state.  An
 * unknown parameter is an error, not ignored, so a typo in a client never
 * silently does nothing.
 */
#include "rpc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>

#include "acl.h"
#include "cleanup.h"
#include "cmdline.h"
#include "counters.h"
#include "jsonrpc.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "rpc_acl.h"
#include "service.h"
#include "validate.h"

#define R(x) ACL_BIT(ACL_##x)

/* Every method, the object its rights are checked on, and the rights it
 * needs there (docs/protocol.md, "Access lists", has this table for
 * people).  An entry without rights is refused for everyone but admins;
 * tests/unit/test_acl.c checks that only RPC_ADMINS_ONLY entries lack them. */
static const struct rpc_method methods[] = {
        {"ping", rpc_ping, RPC_ON_SCM, R(CONNECT)},
        /* Each call in it is checked on its own (rpc_batch.c). */
        {"batch", rpc_batch, RPC_ON_SCM, R(CONNECT)},
        {"create", rpc_create, RPC_ON_SCM, R(CREATE_SERVICE)},
        {"change_config", rpc_change_config, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"delete", rpc_delete, RPC_ON_SERVICE, R(DELETE)},
        {"query_status", rpc_query_status, RPC_ON_SERVICE, R(QUERY_STATUS),
         .fast = rpc_query_status_fast},
        {"query_config", rpc_query_config, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        {"query_resources", rpc_query_resources, RPC_ON_SERVICE, R(QUERY_STATUS)},
        /* Its own right, in no default list: a log may hold what the
         * service's configuration does not show (rpc_log.c). */
        {"read_log", rpc_read_log, RPC_ON_SERVICE, R(READ_LOG)},
        /* Leaves out the services the caller may not query-status. */
        {"enumerate", rpc_enumerate, RPC_ON_SCM, R(ENUMERATE)},
        /* Leaves out the services the caller may not query-status, too. */
        {"query_timeline", rpc_query_timeline, RPC_ON_SCM, R(ENUMERATE)},
        {"start", rpc_start, RPC_ON_SERVICE, R(START)},
        {"control", rpc_control, RPC_ON_SERVICE, 0, rpc_control_rights},
        {"open", rpc_open, RPC_ON_SERVICE, R(QUERY_STATUS)},
        {"close", rpc_close, RPC_ON_SCM, R(CONNECT)},
        {"query_security", rpc_query_security, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        {"add_account_rights", rpc_add_account_rights, RPC_ADMINS_ONLY},
        {"remove_account_rights", rpc_remove_account_rights, RPC_ADMINS_ONLY},
        {"query_account_rights", rpc_query_account_rights, RPC_ON_SCM, R(ENUMERATE)},
        {"change_failure_actions", rpc_change_failure_actions, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"query_failure_actions", rpc_query_failure_actions, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        {"query_boot_status", rpc_query_boot_status, RPC_ON_SCM, R(ENUMERATE)},
        {"notify_boot_config_status", rpc_notify_boot_config_status, RPC_ON_SCM,
         R(MODIFY_BOOT_CONFIG)},
        {"restore_last_known_good", rpc_restore_last_known_good, RPC_ON_SCM, R(MODIFY_BOOT_CONFIG)},
        {"query_boot_phase", rpc_query_boot_phase, RPC_ON_SCM, R(ENUMERATE)},
        /* Like Windows' shutdown privilege, which no access list grants. */
        {"shutdown", rpc_shutdown, RPC_ADMINS_ONLY},
        /* An upgrade in place: administrators only, as shutdown. */
        {"daemon_reexec", rpc_daemon_reexec, RPC_ADMINS_ONLY},
        /* The host's sleep hook; administrators only, as shutdown. */
        {"power_event", rpc_power_event, RPC_ADMINS_ONLY},
        /* Named services need query-status each (rpc_events.c); events of
         * services the caller may not query-status never reach it (events.c). */
        {"subscribe", rpc_subscribe, RPC_ON_SCM, R(CONNECT)},
        {"unsubscribe", rpc_unsubscribe, RPC_ON_SCM, R(CONNECT)},
        /* Speaks for the service: until services have their own channel. */
        {"service_message", rpc_service_message, RPC_ADMINS_ONLY},
        {"set_secret", rpc_set_secret, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"list_secrets", rpc_list_secrets, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        {"delete_secret", rpc_delete_secret, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"query_group_order", rpc_query_group_order, RPC_ON_SCM, R(CONNECT)},
        {"set_group_order", rpc_set_group_order, RPC_ON_SCM, R(MODIFY_BOOT_CONFIG)},
        /* Leaves out the dependents the caller may not query-status. */
        {"enumerate_dependents", rpc_enumerate_dependents, RPC_ON_SERVICE, R(ENUMERATE_DEPENDENTS)},
        {"query_object_security", rpc_query_object_security, RPC_ON_SERVICE_OR_SCM,
         R(READ_CONTROL)},
        {"set_object_security", rpc_set_object_security, RPC_ON_SERVICE_OR_SCM, R(WRITE_DAC)},
        {"lock_service_database", rpc_lock_service_database, RPC_ON_SCM, R(LOCK)},
        {"unlock_service_database", rpc_unlock_service_database, RPC_ON_SCM, R(LOCK)},
        {"query_lock_status", rpc_query_lock_status, RPC_ON_SCM, R(QUERY_LOCK_STATUS)},
        /* Counts of requests by method and of connections: no service named. */
        {"query_counters", rpc_query_counters, RPC_ON_SCM, R(ENUMERATE)},
        /* As GetServiceKeyName and GetServiceDisplayName: an SCM handle is enough. */
        {"get_key_name", rpc_get_key_name, RPC_ON_SCM, R(CONNECT)},
        {"get_display_name", rpc_get_display_name, RPC_ON_SCM, R(CONNECT)},
        {"query_parameters", rpc_query_parameters, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        {"set_parameter", rpc_set_parameter, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"delete_parameter", rpc_delete_parameter, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"delete_parameter_key", rpc_delete_parameter_key, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        /* Scheduled tasks: create needs create-service on the SCM (and a
         * caller who is no admin names only its own account); the others
         * check the task's own access list in rpc_task.c. */
        {"task_create", rpc_task_create, RPC_ON_SCM, R(CREATE_SERVICE)},
        {"task_change", rpc_task_change, RPC_ON_SCM, R(CONNECT)},
        {"task_delete", rpc_task_delete, RPC_ON_SCM, R(CONNECT)},
        {"task_run", rpc_task_run, RPC_ON_SCM, R(CONNECT)},
        {"task_end", rpc_task_end, RPC_ON_SCM, R(CONNECT)},
        {"task_query", rpc_task_query, RPC_ON_SCM, R(CONNECT)},
        /* Leaves out the tasks the caller may not query-status. */
        {"task_list", rpc_task_list, RPC_ON_SCM, R(CONNECT)},
        {"task_history", rpc_task_history, RPC_ON_SCM, R(CONNECT)},
        {"task_set_secret", rpc_task_set_secret, RPC_ON_SCM, R(CONNECT)},
        {"task_list_secrets", rpc_task_list_secrets, RPC_ON_SCM, R(CONNECT)},
        {"task_delete_secret", rpc_task_delete_secret, RPC_ON_SCM, R(CONNECT)},
        /* Socket activation: the sockets a service declares. */
        {"set_sockets", rpc_set_sockets, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"query_sockets", rpc_query_sockets, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        /* Service triggers; a custom event acts only on the services the
         * caller may start or stop (rpc_trigger.c). */
        {"set_triggers", rpc_set_triggers, RPC_ON_SERVICE, R(CHANGE_CONFIG)},
        {"query_triggers", rpc_query_triggers, RPC_ON_SERVICE, R(QUERY_CONFIG)},
        {"fire_trigger", rpc_fire_trigger, RPC_ON_SCM, R(CONNECT)},
};

const struct rpc_method *rpc_find_method(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(methods); i++)
                if (strcmp(methods[i].name, name) == 0)
                        return &methods[i];
        return NULL;
}

const struct rpc_method *rpc_methods(size_t *ret_n) {
        *ret_n = ELEMENTSOF(methods);
        return methods;
}

/* The object of a call: 0 with *ret the service, or NULL for the SCM;
 * -ENOENT when the parameters name no service that exists (the handler
 * then fails on them by itself, before it touches anything). */
static int object_of(const struct rpc_call *call, enum rpc_object object,
                     const struct service **ret) {
        if (object == RPC_ON_SCM || (object == RPC_ON_SERVICE_OR_SCM &&
                                     json_is_true(json_object_get(call->params, "scm")))) {
                *ret = NULL;
                return 0;
        }
        const char *name = json_string_value(json_object_get(call->params, "name"));
        const struct service *s = name ? registry_find(call->manager->registry, name) : NULL;
        if (!s)
                return -ENOENT;
        *ret = s;
        return 0;
}

int rpc_dispatch(const struct rpc_method *m, struct rpc_call *call, json_t **ret) {
        uint32_t rights = m->rights_of ? m->rights_of(call) : m->rights;
        if (!rpc_caller(call)->admin) {
                if (m->object == RPC_ADMINS_ONLY || rights == 0)
                        return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                                        "access denied: '%s' is for administrators only (root, "
                                        "scmd's own user, members of scmd's --admin-group)",
                                        m->name);
                const struct service *s;
                int r = rpc_require(call, NULL, R(CONNECT));
                if (r >= 0 && object_of(call, m->object, &s) == 0)
                        r = rpc_require(call, s, rights);
                if (r < 0) {
                        counters_request((size_t)(m - methods), 1);
                        return r;
                }
        }
        int r = m->fn(call, ret);
        counters_request((size_t)(m - methods), r < 0);
        return r;
}

int rpc_dispatch_fast(const struct rpc_method *m, struct rpc_call *call, const char *name,
                      struct json_writer *w) {
        if (!m->fast || m->object != RPC_ON_SERVICE || m->rights_of || m->rights == 0)
                return 0;
        /* What rpc_get_service() and the dispatcher's check would refuse. */
        if (utf8_text_chars(name) < 0)
                return 0;
        struct service *s = registry_find(call->manager->registry, name);
        if (!s || (!rpc_caller(call)->admin &&
                   (!rpc_may(call, NULL, R(CONNECT)) || !rpc_may(call, s, m->rights))))
                return 0;
        if (m->fast(call, s, w) <= 0)
                return 0;
        counters_request((size_t)(m - methods), 0);
        return 1;
}

int rpc_fail(struct rpc_call *call, int win32, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(call->error);
        if (vasprintf(&call->error, fmt, ap) < 0)
                call->error = NULL;
        va_end(ap);
        if (win32 == SCM_ERROR_INVALID_PARAMETER)
                call->jsonrpc_code = JSONRPC_INVALID_PARAMS;
        return SCM_ERR(win32);
}

int rpc_check_keys(struct rpc_call *call, const char *const *allowed) {
        const char *key;
        json_t *value;
        json_object_foreach(call->params, key, value) {
                bool known = false;
                for (const char *const *a = allowed; *a && !known; a++)
                        known = strcmp(*a, key) == 0;
                if (!known)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "unknown parameter '%.64s'", key);
        }
        return 0;
}

int rpc_get_string(struct rpc_call *call, const char *key, bool required, size_t max_bytes,
                   const char **ret) {
        json_t *v = json_object_get(call->params, key);
        if (!v) {
                if (required)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "the parameter '%s' is required", key);
                *ret = NULL;
                return 0;
        }
        if (!json_is_string(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' must be a string", key);
        if (json_string_length(v) > max_bytes)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' is longer than %zu bytes", key, max_bytes);
        if (utf8_text_chars(json_string_value(v)) < 0 && strcmp(key, "description") != 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' holds a control character or invalid UTF-8",
                                key);
        *ret = json_string_value(v);
        return 0;
}

int rpc_get_service(struct rpc_call *call, struct service **ret) {
        const char *name;
        int r = rpc_get_string(call, "name", true, SCM_NAME_MAX_CHARS * 4, &name);
        if (r < 0)
                return r;
        struct service *s = registry_find(call->manager->registry, name);
        if (s) {
                *ret = s;
                return 0;
        }
        s = registry_find_display(call->manager->registry, name);
        if (s)
                return rpc_fail(call, SCM_ERROR_SERVICE_DOES_NOT_EXIST,
                                "no service is named '%s'; it is the display name of service %s: "
                                "name a service by its name (get_key_name finds it)",
                                name, s->config.name);
        return rpc_fail(call, SCM_ERROR_SERVICE_DOES_NOT_EXIST, "no service is named '%s'", name);
}

int rpc_get_required_list(struct rpc_call *call, const char *key, size_t max_entries, char ***ret) {
        if (!json_is_array(json_object_get(call->params, key)))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' is required: a list of %s ([] for none)", key,
                                key);
        return rpc_get_string_list(call, key, max_entries, ret);
}

int rpc_get_string_list(struct rpc_call *call, const char *key, size_t max_entries, char ***ret) {
        json_t *v = json_object_get(call->params, key);
        if (!v) {
                *ret = NULL;
                return 0;
        }
        if (!json_is_array(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' must be a list of strings", key);
        size_t n = json_array_size(v);
        if (n > max_entries)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' has more than %zu entries", key, max_entries);
        char **list = calloc(n + 1, sizeof(char *));
        if (!list)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(v, i);
                if (!json_is_string(e) || json_string_length(e) > SCM_COMMAND_LINE_MAX_BYTES) {
                        strv_free(list);
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "entry %zu of '%s' must be a string of at most %d bytes", i,
                                        key, SCM_COMMAND_LINE_MAX_BYTES);
                }
                if (!(list[i] = strdup(json_string_value(e)))) {
                        strv_free(list);
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
                }
        }
        *ret = list;
        return 0;
}

int rpc_get_service_checked(struct rpc_call *call, const char *const *allowed,
                            struct service **ret) {
        int r = rpc_check_keys(call, allowed);
        return r < 0 ? r : rpc_get_service(call, ret);
}

int rpc_database_failed(struct rpc_call *call, int r) {
        log_error("cannot write the configuration database: %s", strerror(-r));
        return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                        "the configuration database could not be written (%s); nothing was changed",
                        strerror(-r));
}
