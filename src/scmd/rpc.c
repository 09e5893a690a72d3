/* SPDX-License-Identifier: MIT */
/*
 * The method table and the checks every handler shares: parameters are
 * validated here, at the door, before a handler touches any state.  An
 * unknown parameter is an error, not ignored, so a typo in a client never
 * silently does nothing.
 */
#include "scmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "jsonrpc.h"
#include "validate.h"

static const struct {
        const char *method;
        rpc_handler_fn *fn;
} methods[] = {
        {"ping", rpc_ping},
        {"create", rpc_create},
        {"change_config", rpc_change_config},
        {"delete", rpc_delete},
        {"query_status", rpc_query_status},
        {"query_config", rpc_query_config},
        {"enumerate", rpc_enumerate},
        {"query_timeline", rpc_query_timeline},
        {"start", rpc_start},
        {"control", rpc_control},
        {"open", rpc_open},
        {"close", rpc_close},
        {"query_security", rpc_query_security},
        {"add_account_rights", rpc_add_account_rights},
        {"remove_account_rights", rpc_remove_account_rights},
        {"query_account_rights", rpc_query_account_rights},
        {"change_failure_actions", rpc_change_failure_actions},
        {"query_failure_actions", rpc_query_failure_actions},
        {"query_boot_status", rpc_query_boot_status},
        {"notify_boot_config_status", rpc_notify_boot_config_status},
        {"restore_last_known_good", rpc_restore_last_known_good},
        {"query_boot_phase", rpc_query_boot_phase},
        {"shutdown", rpc_shutdown},
        {"subscribe", rpc_subscribe},
        {"unsubscribe", rpc_unsubscribe},
        {"service_message", rpc_service_message},
        {"set_secret", rpc_set_secret},
        {"list_secrets", rpc_list_secrets},
        {"delete_secret", rpc_delete_secret},
        {"query_group_order", rpc_query_group_order},
        {"set_group_order", rpc_set_group_order},
        {"enumerate_dependents", rpc_enumerate_dependents},
};

rpc_handler_fn *rpc_find_handler(const char *method) {
        for (size_t i = 0; i < ELEMENTSOF(methods); i++)
                if (strcmp(methods[i].method, method) == 0)
                        return methods[i].fn;
        return NULL;
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
        if (!s)
                return rpc_fail(call, SCM_ERROR_SERVICE_DOES_NOT_EXIST, "no service is named '%s'",
                                name);
        *ret = s;
        return 0;
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
