/* SPDX-License-Identifier: MIT */
/*
 * The methods of scheduled tasks (docs/protocol.md, "Scheduled tasks"):
 * task_create, task_change, task_delete, task_run, task_end, task_query,
 * task_list, task_history.
 *
 * A task has an access list as a service has, with a service's rights:
 * query-status to see it and its history, change-config to change it,
 * start to run it, stop to end its runs, delete, read-control, write-dac
 * (its access list).  rpc.c's table checks only connect (a task is no
 * service, so the dispatcher cannot look it up); each handler here checks
 * the task's own list.  Creating a task needs create-service on the SCM,
 * and a caller who is no admin may create tasks only under its own
 * account: a task is a program run under its account, and create-service
 * must not be a way to run one as someone else.
 *
 * A task's least privilege and sandbox are a service's, in the same words
 * (required_privileges, sid_type, writable_paths, allow_weak_isolation,
 * restrict_network, the process setting no_new_privileges, the fences and
 * network rules, the system-call filter; never interactive):
 * rpc_config_security.c reads and checks them, the task
 * standing in as a service named by its identity key ("task/NAME"), so
 * that its group is allocated and recorded apart from any service's.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "acl.h"
#include "account.h"
#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "db_task.h"
#include "fence_config.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "rpc_config_security.h"
#include "security_config.h"
#include "service_config.h"
#include "syscall_config.h"
#include "task.h"
#include "validate.h"

#define R(x) ACL_BIT(ACL_##x)

static const char *const setting_keys[] = {
        "command_line",
        "account",
        "triggers",
        "enabled",
        "time_limit_s",
        "overlap",
        "random_delay_s",
        "run_missed",
        "time_zone",
        "access",
        "required_privileges",
        "sid_type",
        "writable_paths",
        "allow_weak_isolation",
        "restrict_network",
        "no_new_privileges",
};

static bool in_list(const char *key, const char *const *list) {
        for (; *list; list++)
                if (strcmp(*list, key) == 0)
                        return true;
        return false;
}

/* Its settings, a service's fences and a service's system-call filter. */
static bool known_key(const char *key) {
        if (strcmp(key, "name") == 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(setting_keys); i++)
                if (strcmp(setting_keys[i], key) == 0)
                        return true;
        return in_list(key, fence_config_keys) || in_list(key, syscall_config_keys);
}

static int check_setting_keys(struct rpc_call *call) {
        const char *key;
        json_t *value;
        json_object_foreach(call->params, key, value) {
                if (!known_key(key))
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "unknown parameter '%.64s'", key);
        }
        return 0;
}

/* The task params.name names, and the caller holds rights on it. */
static int get_task(struct rpc_call *call, uint32_t rights, struct task **ret) {
        const char *name;
        int r = rpc_get_string(call, "name", true, SCM_NAME_MAX_CHARS * 4, &name);
        if (r < 0)
                return r;
        struct task *t = scheduler_find(call->manager->scheduler, name);
        if (!t)
                return rpc_fail(call, SCM_ERROR_FILE_NOT_FOUND, "no task is named '%s'", name);
        const struct acl_caller *c = rpc_caller(call);
        uint32_t missing = rights & ~acl_granted(t->config.access, ACL_OBJECT_SERVICE, c,
                                                 t->config.account, rights);
        if (missing)
                return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                                "access denied: uid %u lacks the right '%s' on task '%s'",
                                (unsigned)c->uid, acl_right_name(__builtin_ctz(missing)),
                                t->config.name);
        *ret = t;
        return 0;
}

static int get_bool(struct rpc_call *call, const char *key, bool *v) {
        json_t *j = json_object_get(call->params, key);
        if (!j)
                return 0;
        if (!json_is_boolean(j))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "'%s' must be true or false",
                                key);
        *v = json_is_true(j);
        return 0;
}

static int get_seconds(struct rpc_call *call, const char *key, uint32_t *v) {
        json_t *j = json_object_get(call->params, key);
        if (!j)
                return 0;
        if (!json_is_integer(j) || json_integer_value(j) < 0 ||
            json_integer_value(j) > 366LL * 24 * 3600)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "'%s' must be a number of seconds from 0 to 31622400", key);
        *v = (uint32_t)json_integer_value(j);
        return 0;
}

static int set_text(struct rpc_call *call, const char *key, size_t max, char **field) {
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

static int read_access(struct rpc_call *call, struct task_config *c) {
        const char *text;
        int r = rpc_get_string(call, "access", false, ACL_TEXT_MAX_BYTES, &text);
        if (r < 0 || !text)
                return r;
        _cleanup_free_ char *why = NULL;
        struct acl *acl = NULL;
        r = acl_parse(text, ACL_OBJECT_SERVICE, true, &acl, &why);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "the access list: %s",
                                why ? why : "out of memory");
        acl_free(c->access);
        c->access = acl;
        return 0;
}

/* A service that stands in for c, keyed by its identity key (*key,
 * malloc'd), with c's account and least privilege. */
static int stand_in(struct rpc_call *call, const struct task_config *c, char **key,
                    struct service_config *ret) {
        if (!(*key = task_identity_key(c->name)))
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        *ret = (struct service_config){
                .name = *key,
                .account = c->account,
                .type = SCM_TYPE_OWN_PROCESS,
                .security = c->security,
                .fences = c->fences,
                .syscalls = c->syscalls,
        };
        return 0;
}

/* The least-privilege and sandbox settings present in params, over c,
 * read as a service's are. */
static int read_security(struct rpc_call *call, struct task_config *c) {
        _cleanup_free_ char *key = NULL;
        struct service_config as_service;
        int r = stand_in(call, c, &key, &as_service);
        if (r >= 0)
                r = security_read_config(call, &as_service);
        if (r >= 0)
                r = security_read_fences(call, &as_service);
        if (r >= 0)
                r = security_read_syscalls(call, &as_service);
        /* made, changed or freed there */
        c->security = as_service.security;
        c->fences = as_service.fences;
        c->syscalls = as_service.syscalls;
        bool no_new_privileges = !c->setuid_allowed;
        if (r >= 0)
                r = get_bool(call, "no_new_privileges", &no_new_privileges);
        c->setuid_allowed = !no_new_privileges;
        return r;
}

/* The settings present in params, over c. */
static int read_settings(struct rpc_call *call, struct task_config *c) {
        int r = set_text(call, "command_line", SCM_COMMAND_LINE_MAX_BYTES, &c->command_line);
        if (r >= 0)
                r = set_text(call, "account", SCM_ACCOUNT_MAX_BYTES, &c->account);
        if (r >= 0)
                r = set_text(call, "time_zone", 128, &c->time_zone);
        if (r >= 0)
                r = get_bool(call, "enabled", &c->enabled);
        if (r >= 0)
                r = get_bool(call, "run_missed", &c->run_missed);
        if (r >= 0)
                r = get_seconds(call, "time_limit_s", &c->time_limit_s);
        if (r >= 0)
                r = get_seconds(call, "random_delay_s", &c->random_delay_s);
        const char *overlap;
        if (r >= 0)
                r = rpc_get_string(call, "overlap", false, 32, &overlap);
        if (r >= 0 && overlap) {
                c->overlap = task_overlap_from_name(overlap);
                if (c->overlap == TASK_OVERLAP_INVALID)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "'%s' is not an overlap policy: skip, queue, parallel or "
                                        "stop_old",
                                        overlap);
        }
        if (r >= 0 && json_object_get(call->params, "triggers")) {
                char **list;
                r = rpc_get_string_list(call, "triggers", TASK_TRIGGERS_MAX, &list);
                if (r >= 0) {
                        strv_free(c->triggers);
                        c->triggers = list;
                }
        }
        if (r >= 0)
                r = read_access(call, c);
        if (r >= 0)
                r = read_security(call, c);
        return r;
}

static int check(struct rpc_call *call, const struct task_config *c) {
        _cleanup_free_ char *why = NULL;
        int r = scheduler_check(c, &why);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "%s",
                                why ? why : "the task's settings are not valid");
        const char *account = c->account ? c->account : "";
        if (!account_is_well_known(account) && !getpwnam(account))
                return rpc_fail(call, SCM_ERROR_INVALID_SERVICE_ACCOUNT,
                                "the account '%s' does not exist on this machine", account);
        /* As a service's; its group, when it first gets an identity, is
         * allocated for its key. */
        _cleanup_free_ char *key = NULL;
        struct service_config as_service;
        r = stand_in(call, c, &key, &as_service);
        return r < 0 ? r : security_check_config(call, &as_service);
}

/* A caller who is no admin runs tasks only as itself. */
static int check_own_account(struct rpc_call *call, const struct task_config *c) {
        const struct acl_caller *caller = rpc_caller(call);
        if (caller->admin)
                return 0;
        const char *account = c->account ? c->account : "";
        struct passwd *pw = account_is_local_system(account) ? getpwuid(geteuid())
                            : account_is_well_known(account) ? NULL
                                                             : getpwnam(account);
        if (pw && pw->pw_uid == caller->uid)
                return 0;
        return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                        "access denied: uid %u may create or change tasks only under its own "
                        "account, not '%s' (administrators may name any)",
                        (unsigned)caller->uid, account[0] ? account : "LocalSystem");
}

static bool has_identity(const struct task_config *c) {
        return c && c->security && c->security->sid_type != SID_TYPE_NONE;
}

/* A caller who is no admin gives a task (before: NULL at create) an
 * identity only when its name never had one: the group of a name is kept
 * for good, also after a delete (identity.c), and with it the folders and
 * what a deleted task, perhaps another account's, left in them. */
static int check_identity_reuse(struct rpc_call *call, const struct task_config *before,
                                const struct task_config *c) {
        if (rpc_caller(call)->admin || !has_identity(c) || has_identity(before))
                return 0;
        _cleanup_free_ char *key = task_identity_key(c->name);
        if (!key)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        gid_t gid;
        int r = db_security_gid_of(call->manager->db, key, &gid);
        if (r < 0)
                return rpc_database_failed(call, r);
        if (r == 0)
                return 0;
        return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                        "access denied: the name '%s' had an identity before (group %u and its "
                        "folders, kept after a delete with what that task left there); only an "
                        "administrator may give it again: choose another name, or set sid_type "
                        "none",
                        c->name, (unsigned)gid);
}

/* A task made by a caller who is no admin: the default list, and every
 * right for its maker (the owner of a Windows task). */
static int owner_access(struct rpc_call *call, struct task_config *c) {
        const struct acl_caller *caller = rpc_caller(call);
        if (caller->admin || c->access)
                return 0;
        _cleanup_free_ char *text = NULL, *why = NULL;
        if (asprintf(&text,
                     "allow uid:%u all; allow everyone query-config,query-status,read-control",
                     (unsigned)caller->uid) < 0 ||
            acl_parse(text, ACL_OBJECT_SERVICE, false, &c->access, &why) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                "cannot make its access list%s%s", why ? ": " : "", why ? why : "");
        return 0;
}

/* The task's least privilege, as query_security shows a service's (less
 * interactive, which a task never is), no_new_privileges, and its fences
 * and filter as query_config shows a service's; into o. */
static int add_security(const struct task *t, json_t *o) {
        json_t *sec = security_settings_json(&t->scheduler->manager->paths, OWNER_TASK,
                                             t->config.name, t->config.security);
        json_t *fences = service_fences_json(t->config.fences);
        json_t *syscalls = service_syscalls_json(t->config.syscalls);
        int r = sec && fences && syscalls ? 0 : -1;
        json_object_del(sec, "interactive");
        if (r == 0)
                r = json_object_update(o, sec);
        if (r == 0)
                r = json_object_set_new(o, "no_new_privileges",
                                        json_boolean(!t->config.setuid_allowed));
        if (r == 0)
                r = json_object_update(o, fences);
        if (r == 0)
                r = json_object_update(o, syscalls);
        json_decref(sec);
        json_decref(fences);
        json_decref(syscalls);
        return r < 0 ? -ENOMEM : 0;
}

static json_t *task_json(const struct task *t) {
        json_t *triggers = json_array(), *pids = json_array();
        for (char **p = t->config.triggers; p && *p; p++)
                json_array_append_new(triggers, json_string(*p));
        for (const struct task_run *r = t->runs; r; r = r->next)
                json_array_append_new(pids, json_integer(r->pid));
        _cleanup_free_ char *access = acl_format(t->config.access, ACL_OBJECT_SERVICE);
        json_t *o = json_pack(
                "{s:s, s:s, s:s, s:o, s:b, s:i, s:s, s:b, s:i, s:s, s:s?, s:o, s:i, s:o}", "name",
                t->config.name, "command_line", t->config.command_line, "account",
                t->config.account ? t->config.account : "", "triggers", triggers, "enabled",
                t->config.enabled, "time_limit_s", (json_int_t)t->config.time_limit_s, "overlap",
                task_overlap_name(t->config.overlap), "run_missed", t->config.run_missed,
                "random_delay_s", (json_int_t)t->config.random_delay_s, "time_zone",
                t->config.time_zone ? t->config.time_zone : "", "access", access, "next_run",
                t->next_fire ? json_integer(t->next_fire) : json_null(), "running",
                (json_int_t)t->n_running, "pids", pids);
        if (o && add_security(t, o) < 0) {
                json_decref(o);
                o = NULL;
        }
        return o;
}

static int scheduler_ready(struct rpc_call *call) {
        if (call->manager->scheduler)
                return 0;
        return rpc_fail(call, SCM_ERROR_NOT_SUPPORTED,
                        "the task scheduler is not running (scmd's log says why)");
}

int rpc_task_create(struct rpc_call *call, json_t **ret) {
        int r = scheduler_ready(call);
        if (r >= 0)
                r = check_setting_keys(call);
        const char *name;
        if (r >= 0)
                r = rpc_get_string(call, "name", true, SCM_NAME_MAX_CHARS * 4, &name);
        if (r < 0)
                return r;
        const char *reason;
        if (validate_service_name(name, &reason) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_NAME, "the task name '%s' is not valid: %s",
                                name, reason);
        if (scheduler_find(call->manager->scheduler, name))
                return rpc_fail(call, SCM_ERROR_SERVICE_EXISTS, "a task named '%s' exists", name);
        struct task_config c = {.enabled = true, .run_missed = true};
        if (!(c.name = strdup(name)) || !(c.account = strdup("")) || !(c.time_zone = strdup(""))) {
                task_config_clear(&c);
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        r = read_settings(call, &c);
        if (r >= 0 && !c.command_line)
                r = rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                             "the parameter 'command_line' is required");
        if (r >= 0)
                r = check(call, &c);
        if (r >= 0)
                r = check_own_account(call, &c);
        if (r >= 0)
                r = check_identity_reuse(call, NULL, &c);
        if (r >= 0)
                r = owner_access(call, &c);
        struct task *t = NULL;
        if (r >= 0) {
                r = scheduler_create(call->manager->scheduler, &c, &t);
                if (r < 0)
                        r = r == -EEXIST ? rpc_fail(call, SCM_ERROR_SERVICE_EXISTS,
                                                    "a task named '%s' exists", name)
                                         : rpc_database_failed(call, r);
        }
        task_config_clear(&c);
        if (r < 0)
                return r;
        log_info("task %s created", t->config.name);
        *ret = task_json(t);
        return 0;
}

int rpc_task_change(struct rpc_call *call, json_t **ret) {
        struct task *t;
        int r = scheduler_ready(call);
        if (r >= 0)
                r = check_setting_keys(call);
        if (r >= 0) {
                uint32_t rights = R(CHANGE_CONFIG);
                if (json_object_get(call->params, "access"))
                        rights |= R(WRITE_DAC);
                r = get_task(call, rights, &t);
        }
        if (r < 0)
                return r;
        struct task_config c;
        if (task_config_copy(&t->config, &c) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        r = read_settings(call, &c);
        if (r >= 0)
                r = check(call, &c);
        if (r >= 0 && json_object_get(call->params, "account"))
                r = check_own_account(call, &c);
        if (r >= 0)
                r = check_identity_reuse(call, &t->config, &c);
        if (r >= 0) {
                r = scheduler_change(t, &c);
                if (r < 0)
                        r = rpc_database_failed(call, r);
        }
        task_config_clear(&c);
        if (r < 0)
                return r;
        *ret = task_json(t);
        return 0;
}

int rpc_task_named(struct rpc_call *call, const char *const *keys, uint32_t rights,
                   struct task **ret) {
        int r = scheduler_ready(call);
        if (r >= 0)
                r = rpc_check_keys(call, keys);
        return r < 0 ? r : get_task(call, rights, ret);
}

/* The prologue of the methods that take only a task's name. */
static int task_named(struct rpc_call *call, uint32_t rights, struct task **ret) {
        static const char *const keys[] = {"name", NULL};
        return rpc_task_named(call, keys, rights, ret);
}

int rpc_task_delete(struct rpc_call *call, json_t **ret) {
        struct task *t;
        int r = task_named(call, R(DELETE), &t);
        if (r < 0)
                return r;
        _cleanup_free_ char *name = strdup(t->config.name);
        r = scheduler_delete(t);
        if (r < 0)
                return rpc_database_failed(call, r);
        log_info("task %s deleted", name ? name : "?");
        *ret = json_object();
        return 0;
}

int rpc_task_run(struct rpc_call *call, json_t **ret) {
        struct task *t;
        int r = task_named(call, R(START), &t);
        if (r < 0)
                return r;
        _cleanup_free_ char *why = NULL;
        const char *outcome = NULL;
        r = task_due(t, "manual", &outcome, &why);
        if (r < 0) {
                /* The security plan's error where it says one (the sentence
                 * names the task), else SERVICE_LOGON_FAILED. */
                int win32 = scm_error_win32(r);
                if (win32)
                        return rpc_fail(call, win32, "%s", why ? why : "the run could not be made");
                return rpc_fail(call, SCM_ERROR_SERVICE_LOGON_FAILED, "task %s: %s", t->config.name,
                                why ? why : strerror(-r));
        }
        *ret = json_pack("{s:s, s:i}", "outcome", outcome, "running", (json_int_t)t->n_running);
        return 0;
}

int rpc_task_end(struct rpc_call *call, json_t **ret) {
        struct task *t;
        int r = task_named(call, R(STOP), &t);
        if (r < 0)
                return r;
        if (!t->runs)
                return rpc_fail(call, SCM_ERROR_SERVICE_NOT_ACTIVE, "task %s is not running",
                                t->config.name);
        int n = 0;
        t->queued = NULL;
        for (struct task_run *run = t->runs; run; run = run->next, n++)
                task_run_stop(run, "ended");
        *ret = json_pack("{s:i}", "stopping", n);
        return 0;
}

int rpc_task_query(struct rpc_call *call, json_t **ret) {
        struct task *t;
        int r = task_named(call, R(QUERY_STATUS), &t);
        if (r < 0)
                return r;
        *ret = task_json(t);
        return 0;
}

int rpc_task_list(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {NULL};
        int r = scheduler_ready(call);
        if (r >= 0)
                r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        json_t *list = json_array();
        const struct acl_caller *c = rpc_caller(call);
        const uint32_t q = R(QUERY_STATUS);
        for (struct task *t = call->manager->scheduler->tasks; t; t = t->next)
                if (!t->deleted &&
                    acl_granted(t->config.access, ACL_OBJECT_SERVICE, c, t->config.account, q) == q)
                        json_array_insert_new(list, 0, task_json(t));
        *ret = json_pack("{s:o}", "tasks", list);
        return 0;
}

static json_t *run_json(const struct task_run_record *e) {
        json_t *o = json_pack("{s:I, s:s, s:I, s:i, s:s}", "id", (json_int_t)e->id, "reason",
                              e->reason, "started_at_ms", (json_int_t)e->started_at_ms, "pid",
                              e->pid, "result", e->result);
        if (e->ended_at_ms) {
                json_object_set_new(o, "ended_at_ms", json_integer(e->ended_at_ms));
                json_object_set_new(o, "duration_ms",
                                    json_integer(e->ended_at_ms - e->started_at_ms));
        }
        if (e->exit_code >= 0)
                json_object_set_new(o, "exit_code", json_integer(e->exit_code));
        if (e->signal > 0)
                json_object_set_new(o, "signal", json_integer(e->signal));
        if (e->win32_exit_code)
                json_object_set_new(o, "win32_exit_code", json_integer(e->win32_exit_code));
        if (e->error)
                json_object_set_new(o, "error", json_string(e->error));
        return o;
}

int rpc_task_history(struct rpc_call *call, json_t **ret) {
        struct task *t;
        int r = task_named(call, R(QUERY_STATUS), &t);
        if (r < 0)
                return r;
        struct task_run_record *v = NULL;
        size_t n = 0;
        r = db_task_history(call->manager->db, t->id, &v, &n);
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                "cannot read the task's history: %s", strerror(-r));
        json_t *runs = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(runs, run_json(&v[i]));
        task_run_records_free(v, n);
        *ret = json_pack("{s:s, s:o}", "name", t->config.name, "runs", runs);
        return 0;
}
