/* SPDX-License-Identifier: MIT */
/*
 * The methods of failure and recovery: change_failure_actions and
 * query_failure_actions (ChangeServiceConfig2 and QueryServiceConfig2 with
 * SERVICE_CONFIG_FAILURE_ACTIONS and _FLAG), query_boot_status,
 * notify_boot_config_status (NotifyBootConfigStatus) and
 * restore_last_known_good.  A change is read whole onto a copy of the saved
 * actions, checked, and committed in one transaction; nothing in memory
 * holds the configuration (failure.c reads it when a failure needs it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>

#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "failure.h"
#include "lkg.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "service.h"

static json_t *actions_json(const struct failure_config *c) {
        json_t *list = json_array();
        for (size_t i = 0; list && i < c->n_actions; i++)
                if (json_array_append_new(
                            list,
                            json_pack("{s:s, s:I}", "type", failure_action_name(c->actions[i].type),
                                      "delay_ms", (json_int_t)c->actions[i].delay_ms)) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list;
}

/* The failure actions object (docs/protocol.md). */
static json_t *failure_json(const struct service *s, const struct failure_config *c) {
        json_t *reset = c->reset_period_s == FAILURE_RESET_INFINITE
                                ? json_string("infinite")
                                : json_integer(c->reset_period_s);
        json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:s, s:b}", "name", s->config.name,
                              "reset_period", reset, "actions", actions_json(c), "command",
                              c->command ? c->command : "", "reboot_message",
                              c->reboot_message ? c->reboot_message : "", "non_crash_failures",
                              c->non_crash_failures);
        if (o && failure_runtime_json(s, c, o) < 0) {
                json_decref(o);
                return NULL;
        }
        return o;
}

static int read_reset_period(struct rpc_call *call, struct failure_config *c) {
        json_t *v = json_object_get(call->params, "reset_period");
        if (!v)
                return 0;
        if (json_is_string(v) && strcmp(json_string_value(v), "infinite") == 0) {
                c->reset_period_s = FAILURE_RESET_INFINITE;
                return 0;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) >= FAILURE_RESET_INFINITE)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'reset_period' must be a number of seconds from 0 "
                                "to %u, or \"infinite\"",
                                FAILURE_RESET_INFINITE - 1);
        c->reset_period_s = (uint32_t)json_integer_value(v);
        return 0;
}

static int read_action(struct rpc_call *call, size_t i, json_t *e, struct failure_action *ret) {
        json_t *type = json_object_get(e, "type"), *delay = json_object_get(e, "delay_ms");
        enum failure_action_type t = json_is_string(type)
                                             ? failure_action_from_name(json_string_value(type))
                                             : FAILURE_ACTION_INVALID;
        if (!json_is_object(e) || json_object_size(e) != 2 || t == FAILURE_ACTION_INVALID ||
            !json_is_integer(delay) || json_integer_value(delay) < 0 ||
            json_integer_value(delay) > UINT32_MAX)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "entry %zu of 'actions' must be {\"type\": restart, run, reboot "
                                "or none, \"delay_ms\": a number from 0 to %u}",
                                i, UINT32_MAX);
        *ret = (struct failure_action){.type = t, .delay_ms = (uint32_t)json_integer_value(delay)};
        return 0;
}

static int read_actions(struct rpc_call *call, struct failure_config *c) {
        json_t *v = json_object_get(call->params, "actions");
        if (!v)
                return 0;
        if (!json_is_array(v) || json_array_size(v) > FAILURE_ACTIONS_MAX)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'actions' must be a list of at most %d actions",
                                FAILURE_ACTIONS_MAX);
        size_t n = json_array_size(v);
        _cleanup_free_ struct failure_action *actions = calloc(n ? n : 1, sizeof(*actions));
        if (!actions)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        for (size_t i = 0; i < n; i++) {
                int r = read_action(call, i, json_array_get(v, i), &actions[i]);
                if (r < 0)
                        return r;
        }
        free(c->actions);
        c->actions = TAKE_PTR(actions);
        c->n_actions = n;
        return 0;
}

/* Replaces *field with a copy of the string parameter key, when given. */
static int read_text(struct rpc_call *call, const char *key, size_t max, char **field) {
        const char *v;
        int r = rpc_get_string(call, key, false, max, &v);
        if (r < 0 || !v)
                return r;
        char *copy = strdup(v);
        if (!copy)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        free(*field);
        *field = copy;
        return 0;
}

static int read_change(struct rpc_call *call, struct failure_config *c) {
        int r = read_reset_period(call, c);
        if (r >= 0)
                r = read_actions(call, c);
        if (r >= 0)
                r = read_text(call, "command", SCM_COMMAND_LINE_MAX_BYTES, &c->command);
        if (r >= 0)
                r = read_text(call, "reboot_message", FAILURE_REBOOT_MESSAGE_MAX_BYTES,
                              &c->reboot_message);
        if (r < 0)
                return r;
        json_t *flag = json_object_get(call->params, "non_crash_failures");
        if (flag && !json_is_boolean(flag))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'non_crash_failures' must be true or false");
        if (flag)
                c->non_crash_failures = json_is_true(flag);
        return 0;
}

static int check_change(struct rpc_call *call, const struct failure_config *c) {
        if (c->command[0]) {
                char **argv;
                int argc;
                const char *reason;
                int r = cmdline_split(c->command, &argv, &argc, &reason);
                if (r == -ENOMEM)
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
                if (r < 0)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "bad failure command line: %s", reason);
                strv_free(argv);
        }
        for (size_t i = 0; i < c->n_actions; i++)
                if (c->actions[i].type == FAILURE_ACTION_RUN && !c->command[0])
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "action %zu runs a command, but no command is set", i + 1);
        return 0;
}

int rpc_change_failure_actions(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name",    "reset_period",   "actions",
                                           "command", "reboot_message", "non_crash_failures",
                                           NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        if (s->marked_for_delete)
                return rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                                "service %s is marked for delete; it cannot be changed",
                                s->config.name);
        struct manager *m = call->manager;
        _cleanup_(failure_config_clear) struct failure_config c = {0};
        r = db_failure_load(m->db, s->id, &c);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                "the failure actions could not be read (%s)", strerror(-r));
        r = read_change(call, &c);
        if (r >= 0)
                r = check_change(call, &c);
        if (r < 0)
                return r;
        r = db_failure_save(m->db, s->id, &c);
        if (r < 0)
                return rpc_database_failed(call, r);
        log_info("service %s: failure actions changed", s->config.name);
        *ret = failure_json(s, &c);
        return 0;
}

int rpc_query_failure_actions(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        _cleanup_(failure_config_clear) struct failure_config c = {0};
        r = db_failure_load(call->manager->db, s->id, &c);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                "the failure actions could not be read (%s)", strerror(-r));
        *ret = failure_json(s, &c);
        return 0;
}

/* ---- boot and last known good ---- */

static int no_params(struct rpc_call *call) {
        static const char *const keys[] = {NULL};
        return rpc_check_keys(call, keys);
}

/* The boot status as the caller may see it: without the services it may
 * not query, in the lists and in the reason. */
static int boot_status(struct rpc_call *call, json_t **ret) {
        json_t *o = lkg_boot_status_json(call->manager);
        if (!o)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        rpc_hide_unqueryable(call, json_object_get(o, "pending"));
        rpc_hide_unqueryable(call, json_object_get(o, "failures"));
        const char *named = lkg_reason_service();
        const struct service *s = named ? registry_find(call->manager->registry, named) : NULL;
        if (named && (!s || !rpc_may(call, s, ACL_BIT(ACL_QUERY_STATUS))))
                json_object_set_new(o, "reason",
                                    json_string("rolled back at boot: a service you may not query "
                                                "failed to start"));
        *ret = o;
        return 0;
}

int rpc_query_boot_status(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        return boot_status(call, ret);
}

int rpc_notify_boot_config_status(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"acceptable", NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        json_t *v = json_object_get(call->params, "acceptable");
        if (!json_is_boolean(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'acceptable' is required: true or false");
        _cleanup_free_ char *error = NULL;
        r = json_is_true(v) ? lkg_accept_boot(call->manager, &error)
                            : lkg_reject_boot(call->manager, &error);
        if (r < 0)
                return rpc_fail(call, scm_error_win32(r), "%s", error ? error : "out of memory");
        return boot_status(call, ret);
}

int rpc_restore_last_known_good(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        _cleanup_free_ char *error = NULL;
        r = lkg_restore_by_hand(call->manager, ret, &error);
        if (r < 0)
                return rpc_fail(call, scm_error_win32(r), "%s", error ? error : "out of memory");
        return 0;
}
