/* SPDX-License-Identifier: MIT */
/*
 * The method table and what every handler shares: the call, its
 * parameters, its failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct manager;
struct conn;
struct service;

/* One request being served.  Handlers fail with rpc_fail(). */
struct rpc_call {
        struct manager *manager;
        struct conn *conn;
        uint64_t conn_id;
        json_t *id;       /* borrowed */
        json_t *params;   /* borrowed; an object (empty when absent) */
        char *error;      /* message of the failure */
        int jsonrpc_code; /* for protocol-level failures, else 0 */
        /* Where a handler may write its result as text instead of
         * returning a tree (then it returns RPC_TEXT); NULL: it may not. */
        struct json_writer *text;
};

#define RPC_DEFERRED 1
#define RPC_TEXT 2

struct json_writer;

typedef int rpc_handler_fn(struct rpc_call *call, json_t **ret_result);
/* A method's fast path, for a request of service s that passed the
 * access check: writes the reply's result into w and returns 1, or
 * returns 0 for the handler to answer the request (what it wrote then is
 * dropped).  Never fails the request itself. */
typedef int rpc_fast_fn(struct rpc_call *call, struct service *s, struct json_writer *w);

/* Records a failure with a message and returns SCM_ERR(win32). */
int rpc_fail(struct rpc_call *call, int win32, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Which object a method's rights are checked on (rpc.c's dispatcher). */
enum rpc_object {
        RPC_ON_SCM,            /* the SCM */
        RPC_ON_SERVICE,        /* the service params.name names */
        RPC_ON_SERVICE_OR_SCM, /* the SCM when params.scm is true, else params.name's service */
        RPC_ADMINS_ONLY,       /* no right grants it: admins only */
};

/* One method of the protocol: its handler, and what a caller needs to
 * call it.  Besides these rights, every method needs connect on the SCM. */
struct rpc_method {
        const char *name;
        rpc_handler_fn *fn;
        enum rpc_object object;
        uint32_t rights; /* ACL_BIT()s needed on the object */
        /* Instead of rights, when they depend on the parameters. */
        uint32_t (*rights_of)(const struct rpc_call *call);
        /* For {"name": S} alone, on RPC_ON_SERVICE: no tree of values. */
        rpc_fast_fn *fast;
};

/* The method named name, or NULL. */
const struct rpc_method *rpc_find_method(const char *name);
/* The whole table (tests/unit/test_acl.c checks every entry names a right). */
const struct rpc_method *rpc_methods(size_t *ret_n);
/* Checks the caller's rights for m (rpc_acl.c) and runs m's handler.  A
 * method without a right in the table is refused for everyone but admins:
 * the check fails closed. */
int rpc_dispatch(const struct rpc_method *m, struct rpc_call *call, json_t **ret_result);
/* m's fast path for params {"name": name} (jsonrpc_read_named_call()):
 * 1 when it wrote the result into w, the call counted; 0 when the request
 * is the general path's (no fast path, no such service, a bad name, a
 * right missing: whatever the handler would answer with an error). */
int rpc_dispatch_fast(const struct rpc_method *m, struct rpc_call *call, const char *name,
                      struct json_writer *w);

/* Parameter helpers: each returns 0, or rpc_fail(INVALID_PARAMETER). */
int rpc_check_keys(struct rpc_call *call, const char *const *allowed);
int rpc_get_string(struct rpc_call *call, const char *key, bool required, size_t max_bytes,
                   const char **ret);
int rpc_get_service(struct rpc_call *call, struct service **ret);
/* Logs a failed database write (-errno r) once and fails the call with
 * SERVICE_DATABASE_LOCKED: nothing was changed. */
int rpc_database_failed(struct rpc_call *call, int r);
/* rpc_check_keys(allowed), then rpc_get_service(): the start of most methods. */
int rpc_get_service_checked(struct rpc_call *call, const char *const *allowed,
                            struct service **ret);
int rpc_get_string_list(struct rpc_call *call, const char *key, size_t max_entries, char ***ret);
/* The same for a list that must be there (a service's sockets, triggers:
 * [] for none). */
int rpc_get_required_list(struct rpc_call *call, const char *key, size_t max_entries, char ***ret);

/* Handlers, by file. */
rpc_handler_fn rpc_ping, rpc_query_status, rpc_query_config, rpc_query_resources, rpc_enumerate,
        rpc_query_timeline;                                                    /* rpc_query.c */
rpc_fast_fn rpc_query_status_fast;                                             /* rpc_query.c */
rpc_handler_fn rpc_create, rpc_change_config, rpc_delete, rpc_open, rpc_close; /* rpc_config.c */
rpc_handler_fn rpc_start, rpc_control;                                         /* rpc_control.c */
/* The right a control needs: stop, pause-continue, interrogate or user-defined-control. */
uint32_t rpc_control_rights(const struct rpc_call *call);
rpc_handler_fn rpc_subscribe, rpc_unsubscribe, rpc_service_message; /* rpc_events.c */

/* Per-connection open handles (rpc_config.c). */
void conn_handles_release(struct manager *m, struct conn *c);

/* ----------------------------------------------------------- rpc_boot.c */
rpc_handler_fn rpc_query_boot_phase, rpc_shutdown, rpc_daemon_reexec, rpc_power_event;

rpc_handler_fn rpc_query_object_security, rpc_set_object_security;
/* rpc_lock.c: the service database lock (struct manager's lock). */
rpc_handler_fn rpc_lock_service_database, rpc_unlock_service_database, rpc_query_lock_status;
rpc_handler_fn rpc_get_key_name, rpc_get_display_name; /* rpc_names.c */
rpc_handler_fn rpc_query_parameters, rpc_set_parameter, rpc_delete_parameter,
        rpc_delete_parameter_key; /* rpc_param.c */
/* rpc_security.c */
rpc_handler_fn rpc_add_account_rights, rpc_remove_account_rights, rpc_query_account_rights,
        rpc_query_security;
/* rpc_failure.c */
rpc_handler_fn rpc_change_failure_actions, rpc_query_failure_actions, rpc_query_boot_status,
        rpc_notify_boot_config_status, rpc_restore_last_known_good;
/* rpc_secret.c */
rpc_handler_fn rpc_set_secret, rpc_list_secrets, rpc_delete_secret, rpc_task_set_secret,
        rpc_task_list_secrets, rpc_task_delete_secret;
/* rpc_depend.c */
rpc_handler_fn rpc_query_group_order, rpc_set_group_order, rpc_enumerate_dependents;
rpc_handler_fn rpc_query_counters; /* counters.c */
rpc_handler_fn rpc_batch;          /* rpc_batch.c */
/* The calls c sent ahead for a batch it did not run are dropped. */
void rpc_batch_conn_closed(struct conn *c);
rpc_handler_fn rpc_read_log; /* rpc_log.c */
/* rpc_task.c: scheduled tasks (their rights are checked on each task's own list) */
rpc_handler_fn rpc_task_create, rpc_task_change, rpc_task_delete, rpc_task_run, rpc_task_end,
        rpc_task_query, rpc_task_list, rpc_task_history;
struct task;
/* The prologue of a method on one task: the scheduler runs, params has
 * only keys (NULL-terminated), the task params.name names exists, and the
 * caller holds rights on it (its own list).  0 with *ret, or rpc_fail(). */
int rpc_task_named(struct rpc_call *call, const char *const *keys, uint32_t rights,
                   struct task **ret);
/* rpc_socket.c: socket activation */
rpc_handler_fn rpc_set_sockets, rpc_query_sockets;
rpc_handler_fn rpc_set_triggers, rpc_query_triggers, rpc_fire_trigger;
