/* SPDX-License-Identifier: MIT */
/*
 * Methods that change the configuration database: create, change_config,
 * delete, and the open/close handles that hold a service deleted while
 * open.  Each builds the complete new configuration aside, validates all
 * of it, commits it in one transaction, and only then changes memory: a
 * refused or failed change leaves nothing behind, on disk or in memory.
 */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "account.h"
#include "activation.h"
#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "depend.h"
#include "driver.h"
#include "events.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "process_config.h"
#include "fence_config.h"
#include "syscall_config.h"
#include "resource_config.h"
#include "rpc.h"
#include "rpc_config_security.h"
#include "server.h"
#include "service.h"
#include "share.h"
#include "validate.h"

static const char *const service_keys[] = {
        "name",
        "display_name",
        "description",
        "type",
        "start_type",
        "error_control",
        "command_line",
        "account",
        "group",
        "dependencies",
        "kind",
        "control_timeout_ms",
        "watchdog_ms",
        "pause_by_freeze",
        "preshutdown_timeout_ms",
        "required_privileges",
        "sid_type",
        "writable_paths",
        "allow_weak_isolation",
        "restrict_network",
        "interactive",
        NULL,
};

/* The keys create and change_config take: service_keys[], then every
 * process setting's (process_config.c), limit's, fence's and filter's. */
static const char *const *config_keys(void) {
        static const char *keys[128];
        if (keys[0])
                return keys;
        size_t n = 0;
        for (const char *const *k = service_keys; *k; k++)
                keys[n++] = *k;
        for (const char *const *k = process_config_keys; *k && n + 1 < ELEMENTSOF(keys); k++)
                keys[n++] = *k;
        /* the limits, fences and filter (resource_config.c, fence_config.c,
         * syscall_config.c) */
        const char *const *const more[] = {resource_config_keys, fence_config_keys,
                                           syscall_config_keys};
        for (size_t i = 0; i < ELEMENTSOF(more); i++)
                for (const char *const *k = more[i]; *k && n + 1 < ELEMENTSOF(keys); k++)
                        keys[n++] = *k;
        return keys;
}

/* The process settings of the request (process_config.c), when it names any. */
static int read_process(struct rpc_call *call, struct service_config *c) {
        bool any = false;
        for (const char *const *k = process_config_keys; *k; k++)
                any = any || json_object_get(call->params, *k);
        if (!any)
                return 0;
        _cleanup_free_ char *why = NULL;
        int r = service_process_apply_json(&c->process, call->params, &why);
        if (r == -EINVAL)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "%s", why);
        return r < 0 ? rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory") : 0;
}

/* The resource limits of the request (resource_config.c), when it names
 * any.  A limit it sets whose controller scmd does not have is refused
 * here, naming both, not accepted to do nothing. */
static int read_resources(struct rpc_call *call, struct service_config *c) {
        bool any = false;
        for (const char *const *k = resource_config_keys; *k; k++)
                any = any || json_object_get(call->params, *k);
        if (!any)
                return 0;
        _cleanup_free_ char *why = NULL;
        struct service_resources *asked = NULL;
        int r = service_resources_apply_json(&asked, call->params, &why);
        unsigned need = service_resources_controllers(asked);
        service_resources_free(asked);
        if (r >= 0)
                r = service_resources_apply_json(&c->resources, call->params, &why);
        if (r == -EINVAL)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "%s", why);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        unsigned missing = need & ~call->manager->cgroup_controllers;
        for (const char *const *k = resource_config_keys; missing && *k; k++) {
                unsigned bit = resource_key_controller(*k);
                if (!(missing & bit) || json_is_null(json_object_get(call->params, *k)) ||
                    !json_object_get(call->params, *k))
                        continue;
                return rpc_fail(call, SCM_ERROR_NOT_SUPPORTED,
                                "'%s' needs the cgroup v2 %s controller, which scmd does not "
                                "have here: %s",
                                *k, resource_controller_name((enum resource_controller)bit),
                                call->manager->cgroup_controllers_why
                                        ? call->manager->cgroup_controllers_why
                                        : "scmd has no cgroup for its services");
        }
        return 0;
}

/* Replaces *field with a copy of value when value is given. */
static int set_string(struct rpc_call *call, char **field, const char *value) {
        if (!value)
                return 0;
        char *copy = strdup(value);
        if (!copy)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        free(*field);
        *field = copy;
        return 0;
}

/* A whole number of milliseconds in [min, max] when key is given. */
static int read_ms(struct rpc_call *call, const char *key, uint32_t min, uint32_t max,
                   uint32_t *field) {
        json_t *v = json_object_get(call->params, key);
        if (!v)
                return 0;
        if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' must be a number of milliseconds from %u to %u",
                                key, min, max);
        *field = (uint32_t)json_integer_value(v);
        return 0;
}

static int read_protocol(struct rpc_call *call, struct service_config *c) {
        const char *kind;
        int r = rpc_get_string(call, "kind", false, 32, &kind);
        if (r < 0)
                return r;
        if (kind && (c->kind = scm_kind_from_name(kind)) == SCM_KIND_INVALID)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown kind '%s' (plain, native, notify, forking, oneshot)",
                                kind);
        r = read_ms(call, "control_timeout_ms", 100, 24u * 3600 * 1000, &c->control_timeout_ms);
        if (r >= 0)
                r = read_ms(call, "watchdog_ms", 0, 24u * 3600 * 1000, &c->watchdog_ms);
        if (r >= 0)
                r = read_ms(call, "preshutdown_timeout_ms", 0, SCM_PRESHUTDOWN_TIMEOUT_INFINITE,
                            &c->preshutdown_timeout_ms);
        if (r < 0)
                return r;
        json_t *v = json_object_get(call->params, "pause_by_freeze");
        if (v && !json_is_boolean(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'pause_by_freeze' must be true or false");
        if (v)
                c->pause_by_freeze = json_is_true(v);
        return 0;
}

static int read_enums(struct rpc_call *call, struct service_config *c) {
        const char *type, *start, *errctl;
        int r = rpc_get_string(call, "type", false, 32, &type);
        if (r >= 0)
                r = rpc_get_string(call, "start_type", false, 32, &start);
        if (r >= 0)
                r = rpc_get_string(call, "error_control", false, 32, &errctl);
        if (r < 0)
                return r;
        if (type && (c->type = scm_type_from_name(type)) == SCM_TYPE_INVALID)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown type '%s' (own, share, kernel-driver)", type);
        if (start && (c->start_type = scm_start_type_from_name(start)) == SCM_START_INVALID)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown start type '%s' (boot, system, auto, delayed-auto, "
                                "demand, disabled)",
                                start);
        if (errctl &&
            (c->error_control = scm_error_control_from_name(errctl)) == SCM_ERROR_CONTROL_INVALID)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown error control '%s' (ignore, normal, severe, critical)",
                                errctl);
        return 0;
}

/* Applies the parameters given in the request onto c. */
static int read_config(struct rpc_call *call, struct service_config *c) {
        const char *display, *desc, *cmd, *account, *group;
        int r = rpc_get_string(call, "display_name", false, SCM_DISPLAY_NAME_MAX_CHARS * 4,
                               &display);
        if (r >= 0)
                r = rpc_get_string(call, "description", false, SCM_DESCRIPTION_MAX_BYTES, &desc);
        if (r >= 0)
                r = rpc_get_string(call, "command_line", false, SCM_COMMAND_LINE_MAX_BYTES, &cmd);
        if (r >= 0)
                r = rpc_get_string(call, "account", false, SCM_ACCOUNT_MAX_BYTES, &account);
        if (r >= 0)
                r = rpc_get_string(call, "group", false, SCM_GROUP_MAX_CHARS * 4, &group);
        if (r >= 0)
                r = read_enums(call, c);
        if (r >= 0)
                r = read_protocol(call, c);
        if (r >= 0)
                r = security_read_config(call, c);
        if (r >= 0)
                r = read_process(call, c);
        if (r >= 0)
                r = read_resources(call, c);
        if (r >= 0)
                r = security_read_fences(call, c);
        if (r >= 0)
                r = security_read_syscalls(call, c);
        if (r >= 0)
                r = set_string(call, &c->display_name, display);
        if (r >= 0)
                r = set_string(call, &c->description, desc);
        if (r >= 0)
                r = set_string(call, &c->command_line, cmd);
        if (r >= 0)
                r = set_string(call, &c->account, account);
        if (r >= 0)
                r = set_string(call, &c->group, group);
        if (r < 0 || !json_object_get(call->params, "dependencies"))
                return r;
        char **deps;
        r = rpc_get_string_list(call, "dependencies", SCM_DEPENDENCIES_MAX, &deps);
        if (r < 0)
                return r;
        strv_free(c->dependencies);
        c->dependencies = deps;
        return 0;
}

static int check_dependencies(struct rpc_call *call, const struct service_config *c) {
        const char *reason;
        for (char **d = c->dependencies; d && *d; d++) {
                bool group = (*d)[0] == '+';
                const char *target = group ? *d + 1 : *d;
                int r = group ? validate_text(target, SCM_GROUP_MAX_CHARS, false, &reason)
                              : validate_service_name(target, &reason);
                if (r < 0)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "dependency '%s' is not a valid %s name: %s", *d,
                                        group ? "group" : "service", reason);
                if (!group && names_equal(target, c->name))
                        return rpc_fail(call, SCM_ERROR_CIRCULAR_DEPENDENCY,
                                        "service %s cannot depend on itself", c->name);
        }
        return 0;
}

/* A dependency on a service that does not exist is allowed (its start
 * fails); a cycle among those that do, or through groups, is not.  The
 * graph without c has none (each change was checked), so a service with
 * neither dependencies nor a group, having no edge out, cannot close one:
 * the walk over every service is skipped (it made N creates cost N²). */
static int check_cycles(struct rpc_call *call, const struct service_config *c) {
        if ((!c->dependencies || !c->dependencies[0]) && (!c->group || !c->group[0]))
                return 0;
        _cleanup_free_ char *cycle = NULL;
        int r = depend_find_cycle(call->manager, c, NULL, &cycle);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r > 0)
                return rpc_fail(call, SCM_ERROR_CIRCULAR_DEPENDENCY,
                                "the dependencies of service %s would make a cycle: %s", c->name,
                                cycle);
        return 0;
}

static int check_account(struct rpc_call *call, const char *account) {
        if (account_is_well_known(account)) /* LocalSystem, LocalService, NetworkService */
                return 0;
        if (!getpwnam(account))
                return rpc_fail(call, SCM_ERROR_INVALID_SERVICE_ACCOUNT,
                                "the account '%s' does not exist on this machine", account);
        return 0;
}

/* A kernel driver: a module name, then its parameters; no process kind. */
static int check_driver(struct rpc_call *call, const struct service_config *c) {
        if (c->kind != SCM_KIND_PLAIN || c->pause_by_freeze)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "kernel driver %s is a module loaded by modprobe: it has no kind "
                                "(plain) and cannot pause",
                                c->name);
        char **argv;
        int argc;
        const char *reason;
        int r = cmdline_split(c->command_line, &argv, &argc, &reason);
        if (r == -ENOMEM)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        bool valid = r >= 0 && argc >= 1 && driver_module_name_valid(argv[0]);
        strv_free(argv);
        if (!valid)
                return rpc_fail(
                        call, SCM_ERROR_INVALID_PARAMETER,
                        "kernel driver %s: the command line must be a module name (letters, "
                        "digits, '_' and '-') and its parameters, not '%.64s'",
                        c->name, c->command_line);
        return 0;
}

/* Per-connection instances (work/instance.c): plain processes of a service
 * of its own, with no main process for commands to run around. */
static int check_accept_settings(struct rpc_call *call, const struct service_config *c) {
        const struct service_process *p = c->process;
        if (p->accept_stdio && !p->accept_connections)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: accept_stdio is for a service whose connections scmd "
                                "accepts (accept_connections)",
                                c->name);
        if (!p->accept_connections)
                return 0;
        if (c->kind != SCM_KIND_PLAIN || c->type != SCM_TYPE_OWN_PROCESS)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: an instance per connection is for plain services of "
                                "type own (this one is %s, type %s)",
                                c->name, scm_kind_name(c->kind), scm_type_name(c->type));
        if (p->start_pre || p->stop_post || p->reload_command || p->reload_signal)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: a service with an instance per connection has no "
                                "main process: no pre-start, post-stop or reload commands",
                                c->name);
        return 0;
}

/* The process settings that belong to some kinds only. */
static int check_kind_settings(struct rpc_call *call, const struct service_config *c) {
        const struct service_process *p = c->process;
        if (!p)
                return 0;
        if (p->pid_file && c->kind != SCM_KIND_FORKING)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: a PID file is for forking services only (kind "
                                "forking); a %s service's main process is the one scmd starts",
                                c->name, scm_kind_name(c->kind));
        if (p->remain_after_exit && c->kind != SCM_KIND_ONESHOT)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: remaining after exit is for one-shot jobs only (kind "
                                "oneshot)",
                                c->name);
        if (p->reload_command && p->reload_signal)
                return rpc_fail(
                        call, SCM_ERROR_INVALID_PARAMETER,
                        "service %s: a reload is a command or a signal, not both (clear one "
                        "with --reload-command '' or --reload-signal '')",
                        c->name);
        if ((p->start_pre || p->stop_post || p->reload_command || p->reload_signal) &&
            c->type == SCM_TYPE_KERNEL_DRIVER)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: a kernel driver has no process: no pre-start, "
                                "post-stop or reload commands",
                                c->name);
        if ((p->reload_command || p->reload_signal) &&
            (c->kind == SCM_KIND_NATIVE || c->kind == SCM_KIND_ONESHOT))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: a reload command or signal is for plain, notify and "
                                "forking services; %s",
                                c->name,
                                c->kind == SCM_KIND_NATIVE
                                        ? "a native service's handler takes PARAMCHANGE itself"
                                        : "a one-shot job has nothing to reload");
        if ((p->start_pre || p->stop_post) && c->type == SCM_TYPE_SHARE_PROCESS)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "service %s: pre-start and post-stop commands are for services of "
                                "type own; a shared process is not the service's alone",
                                c->name);
        return check_accept_settings(call, c);
}

/* Every rule a whole configuration must satisfy, given the others. */
/* The rules of type share (share.c). */
static int check_share(struct rpc_call *call, const struct service_config *c) {
        _cleanup_free_ char *why = NULL;
        int r = share_check_config(c, &why);
        if (r < 0 && !why)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        return r < 0 ? rpc_fail(call, scm_error_win32(r), "%s", why) : 0;
}

static int check_config(struct rpc_call *call, const struct service_config *c,
                        const struct service *self) {
        const char *reason;
        if (validate_text(c->display_name, SCM_DISPLAY_NAME_MAX_CHARS, false, &reason) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "bad display name: %s", reason);
        if (validate_text(c->group, SCM_GROUP_MAX_CHARS, true, &reason) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "bad group name: %s", reason);
        if ((c->start_type == SCM_START_BOOT || c->start_type == SCM_START_SYSTEM) &&
            c->type != SCM_TYPE_KERNEL_DRIVER)
                return rpc_fail(
                        call, SCM_ERROR_INVALID_PARAMETER,
                        "the start type '%s' is for kernel drivers only; use auto or demand",
                        scm_start_type_name(c->start_type));

        int driver_r = c->type == SCM_TYPE_KERNEL_DRIVER ? check_driver(call, c) : 0;
        if (driver_r < 0)
                return driver_r;
        if (c->watchdog_ms && c->kind != SCM_KIND_NOTIFY)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "a watchdog is for notify services only (WATCHDOG=1)");
        if (c->pause_by_freeze && (c->kind == SCM_KIND_NATIVE || c->kind == SCM_KIND_ONESHOT))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "a native service pauses itself and a one-shot job cannot pause; "
                                "pause by freezing is for plain, notify and forking services");
        int kind_r = check_kind_settings(call, c);
        if (kind_r < 0)
                return kind_r;

        char **argv;
        int argc;
        int r = cmdline_split(c->command_line, &argv, &argc, &reason);
        if (r == -ENOMEM)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "bad command line: %s", reason);
        strv_free(argv);

        r = check_account(call, c->account);
        if (r >= 0)
                r = check_dependencies(call, c);
        if (r >= 0)
                r = check_cycles(call, c);
        if (r >= 0)
                r = security_check_config(call, c);
        if (r >= 0)
                r = check_share(call, c);
        if (r < 0)
                return r;

        struct service *other =
                registry_find_name_or_display(call->manager->registry, c->display_name);
        if (other && other != self)
                return rpc_fail(call, SCM_ERROR_DUPLICATE_SERVICE_NAME,
                                "the display name '%s' is already used by service %s",
                                c->display_name, other->config.name);
        return 0;
}

/* ---- create ---- */

static int check_new_name(struct rpc_call *call, const char *name) {
        const char *reason;
        if (validate_service_name(name, &reason) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_NAME,
                                "'%s' is not a valid service name: %s", name, reason);
        struct service *other = registry_find_name_or_display(call->manager->registry, name);
        if (!other)
                return 0;
        if (!names_equal(other->config.name, name))
                return rpc_fail(call, SCM_ERROR_DUPLICATE_SERVICE_NAME,
                                "'%s' is already the display name of service %s", name,
                                other->config.name);
        if (other->marked_for_delete)
                return rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                                "service %s is marked for delete and goes once it stops and is "
                                "closed; create it again after that",
                                other->config.name);
        return rpc_fail(call, SCM_ERROR_SERVICE_EXISTS, "a service named '%s' already exists",
                        other->config.name);
}

int rpc_create(struct rpc_call *call, json_t **ret) {
        const char *name, *cmd;
        int r = rpc_check_keys(call, config_keys());
        if (r >= 0)
                r = rpc_get_string(call, "name", true, SCM_NAME_MAX_CHARS * 4, &name);
        if (r >= 0)
                r = rpc_get_string(call, "command_line", true, SCM_COMMAND_LINE_MAX_BYTES, &cmd);
        if (r >= 0)
                r = check_new_name(call, name);
        if (r < 0)
                return r;

        struct service_config defaults = {
                .name = (char *)name,
                .display_name = (char *)name,
                .type = SCM_TYPE_OWN_PROCESS,
                .start_type = SCM_START_DEMAND,
                .error_control = SCM_ERROR_NORMAL,
                .kind = SCM_KIND_PLAIN,
                .control_timeout_ms = SCM_CONTROL_TIMEOUT_DEFAULT_MS,
                .preshutdown_timeout_ms = SCM_PRESHUTDOWN_TIMEOUT_DEFAULT_MS,
        };
        _cleanup_(service_config_clear) struct service_config c = {0};
        if (service_config_copy(&defaults, &c) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        r = read_config(call, &c);
        if (r >= 0)
                r = check_config(call, &c, NULL);
        if (r < 0)
                return r;

        struct manager *m = call->manager;
        int64_t id;
        r = db_insert_service(m->db, &c, &id);
        if (r < 0)
                return rpc_database_failed(call, r);
        struct service *s = NULL;
        if (service_new(m, id, &c, &s) < 0 || registry_add(m->registry, s) < 0) {
                service_free(s);
                db_delete_service(m->db, id); /* undo: memory could not follow */
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        log_info("service %s: created", s->config.name);
        events_service_created(s);
        *ret = service_config_json(s);
        return 0;
}

/* ---- change_config ---- */

int rpc_change_config(struct rpc_call *call, json_t **ret) {
        struct service *s;
        int r = rpc_get_service_checked(call, config_keys(), &s);
        if (r < 0)
                return r;
        if (s->marked_for_delete)
                return rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                                "service %s is marked for delete; it cannot be changed",
                                s->config.name);

        _cleanup_(service_config_clear) struct service_config c = {0};
        if (service_config_copy(&s->config, &c) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        r = read_config(call, &c);
        if (r >= 0)
                r = check_config(call, &c, s);
        if (r < 0)
                return r;

        r = db_update_service(call->manager->db, s->id, &c);
        if (r < 0)
                return rpc_database_failed(call, r);

        /* Committed: now memory. The name never changes. */
        struct service_config old = s->config;
        s->config = c;
        s->config.name = old.name;
        old.name = c.name;
        c = (struct service_config){0};
        registry_rename_display(call->manager->registry, s, old.display_name);
        service_config_clear(&old);
        log_info("service %s: configuration changed", s->config.name);
        service_config_changed(s);    /* a reload set while it runs is accepted now */
        activation_config_changed(s); /* an idle stop or a cap set while it runs, now */
        *ret = service_config_json(s);
        return 0;
}

/* ---- delete ---- */

int rpc_delete(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        if (s->marked_for_delete)
                return rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                                "service %s is already marked for delete; it goes once it has "
                                "stopped and every handle on it is closed",
                                s->config.name);

        r = db_mark_for_delete(call->manager->db, s->id);
        if (r < 0)
                return rpc_database_failed(call, r);
        s->marked_for_delete = true;
        log_info("service %s: marked for delete", s->config.name);
        bool deleted = service_reap_if_deleted(s);
        *ret = json_pack("{s:b, s:b}", "deleted", deleted, "marked_for_delete", !deleted);
        return 0;
}

/* ---- open / close ---- */

#define HANDLES_MAX 1024

struct conn_handles {
        unsigned count;
        uint32_t next;
        struct {
                uint32_t handle;
                struct service *service;
        } v[];
};

int rpc_open(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        struct conn_handles **slot = conn_handles_slot(call->conn), *h = *slot;
        unsigned count = h ? h->count : 0;
        if (count >= HANDLES_MAX)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                "this connection already holds %d open handles", HANDLES_MAX);
        h = realloc(h, sizeof(*h) + (count + 1) * sizeof(h->v[0]));
        if (!h)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (!*slot)
                h->next = 0;
        h->count = count + 1;
        h->v[count].handle = ++h->next;
        h->v[count].service = s;
        *slot = h;
        s->open_handles++;
        *ret = json_pack("{s:I}", "handle", (json_int_t)h->v[count].handle);
        return 0;
}

static void release_one(struct conn_handles *h, unsigned i) {
        struct service *s = h->v[i].service;
        h->v[i] = h->v[--h->count];
        s->open_handles--;
        service_reap_if_deleted(s);
}

int rpc_close(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"handle", NULL};
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        json_t *v = json_object_get(call->params, "handle");
        if (!json_is_integer(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'handle' must be a number");
        struct conn_handles *h = *conn_handles_slot(call->conn);
        for (unsigned i = 0; h && i < h->count; i++)
                if (h->v[i].handle == json_integer_value(v)) {
                        release_one(h, i);
                        *ret = json_object();
                        return 0;
                }
        return rpc_fail(call, SCM_ERROR_INVALID_HANDLE, "no handle %lld is open on this connection",
                        (long long)json_integer_value(v));
}

void conn_handles_release(struct manager *m, struct conn *c) {
        struct conn_handles **slot = conn_handles_slot(c);
        (void)m;
        while (*slot && (*slot)->count > 0)
                release_one(*slot, (*slot)->count - 1);
        free(*slot);
        *slot = NULL;
}
