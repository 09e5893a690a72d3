/* SPDX-License-Identifier: MIT */
/*
 * batch: several configuration calls as one transaction, for a document
 * applied whole (scctl apply).  Each call runs through rpc_dispatch(), so
 * the caller's rights are checked per call as if it came alone, and each
 * call's own transaction becomes a savepoint of the batch's
 * (db_batch_begin()).  The first call that fails ends the batch: the
 * database rolls back whole, and memory, which each call changed after
 * its write as always (persist, then publish), follows the database back
 * (lkg_memory_follow()): a service the batch created goes again, every
 * other gets its configuration as stored.  A crash before the commit
 * leaves none of it, and a connection that breaks while a batch is read
 * never ran one: the batch runs in one turn of the loop, once all of it is
 * there.  A batch larger than a request line (64 KiB) comes in parts:
 * each part but the last says "more", and its calls wait on the
 * connection, checked but not run; the last part runs them all.  A
 * connection that closes first drops them.  Only administrators send
 * parts, and at most BATCH_MAX calls wait on all connections together, so
 * nobody else can make scmd hold memory past one request line.
 *
 * Only the calls that change stored configuration alone may be batched:
 * no start, stop or delete, nothing that binds sockets or arms timers
 * (sockets, triggers, tasks), whose effects outside the database a
 * rollback could not take back.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>

#include "db.h"
#include "lkg.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "server.h"

#define BATCH_MAX 100000

static size_t waiting; /* calls sent ahead, on every connection */

static const char *const batchable[] = {
        "create",        "change_config",    "change_failure_actions", "set_object_security",
        "set_parameter", "delete_parameter", "set_group_order",        NULL,
};

static const struct rpc_method *batchable_method(const json_t *c) {
        const char *name = json_string_value(json_object_get(c, "method"));
        for (const char *const *b = batchable; name && *b; b++)
                if (strcmp(*b, name) == 0)
                        return rpc_find_method(name);
        return NULL;
}

/* Every call is {"method": one of batchable, "params": {...}}. */
static int check_calls(struct rpc_call *call, json_t *calls) {
        if (!json_is_array(calls) || json_array_size(calls) == 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'calls' must be a list of calls");
        if (waiting + json_array_size(calls) > BATCH_MAX)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_QUOTA,
                                "a batch may have %d calls at most, with those other "
                                "connections have sent ahead",
                                BATCH_MAX);
        size_t i;
        json_t *c;
        json_array_foreach(calls, i, c) {
                json_t *params = json_object_get(c, "params");
                if (!json_is_object(c) || (params && !json_is_object(params)) ||
                    json_object_size(c) != 1 + (params != NULL))
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "call %zu of the batch must be {\"method\": M, "
                                        "\"params\": {...}}",
                                        i);
                if (!batchable_method(c))
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "call %zu of the batch: '%.64s' cannot be batched (only "
                                        "create, change_config, change_failure_actions, "
                                        "set_object_security, set_parameter, delete_parameter "
                                        "and set_group_order)",
                                        i, json_string_value(json_object_get(c, "method")) ?: "?");
        }
        return 0;
}

/* Runs call i; on failure its error becomes the batch's, naming it. */
static int run_one(struct rpc_call *call, size_t i, json_t *c, json_t *results) {
        json_t *empty = json_object();
        json_t *params = json_object_get(c, "params");
        struct rpc_call sub = {.manager = call->manager,
                               .conn = call->conn,
                               .conn_id = call->conn_id,
                               .id = call->id,
                               .params = params ? params : empty};
        json_t *result = NULL;
        const struct rpc_method *m = batchable_method(c);
        int r = rpc_dispatch(m, &sub, &result);
        json_decref(empty);
        if (r >= 0) {
                json_array_append_new(results, result ? result : json_object());
                free(sub.error);
                return 0;
        }
        const char *name = json_string_value(json_object_get(params, "name"));
        rpc_fail(call, scm_error_win32(r), "call %zu of the batch (%s%s%s%s): %s", i, m->name,
                 name ? " of '" : "", name ? name : "", name ? "'" : "",
                 sub.error ? sub.error : "failed");
        call->jsonrpc_code = sub.jsonrpc_code;
        free(sub.error);
        return r;
}

/* After a rollback: memory as the database is again. */
static void follow_back(struct manager *m) {
        json_t *added = json_array(), *removed = json_array();
        int r = added && removed ? lkg_memory_follow(m, added, removed) : -ENOMEM;
        json_decref(added);
        json_decref(removed);
        if (r < 0)
                log_error("a batch was rolled back, but memory could not follow the database "
                          "(%s): restart scmd",
                          strerror(-r));
}

void rpc_batch_conn_closed(struct conn *c) {
        json_t **ahead = conn_batch_slot(c);
        waiting -= json_array_size(*ahead);
        json_decref(*ahead);
        *ahead = NULL;
}

/* Runs calls as one transaction. */
static int run_all(struct rpc_call *call, json_t *calls, json_t **ret) {
        struct manager *m = call->manager;
        int r = db_batch_begin(m->db);
        if (r < 0)
                return rpc_database_failed(call, r);
        json_t *results = json_array();
        size_t i;
        json_t *c;
        json_array_foreach(calls, i, c) {
                if ((r = run_one(call, i, c, results)) < 0)
                        break;
        }
        if (r >= 0 && (r = db_batch_end(m->db, true)) < 0) {
                json_decref(results);
                follow_back(m);
                return rpc_database_failed(call, r);
        }
        if (r < 0) {
                json_decref(results);
                db_batch_end(m->db, false);
                follow_back(m);
                log_info("a batch of %zu calls was rolled back at call %zu", json_array_size(calls),
                         i);
                return r;
        }
        log_info("a batch of %zu calls was committed", json_array_size(calls));
        *ret = json_pack("{s:o}", "results", results);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_batch(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"calls", "more", NULL};
        json_t *calls = json_object_get(call->params, "calls");
        json_t *more = json_object_get(call->params, "more");
        json_t **ahead = conn_batch_slot(call->conn);
        int r = rpc_check_keys(call, keys);
        if (r >= 0 && more && !json_is_boolean(more))
                r = rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                             "the parameter 'more' must be true or false");
        if (r >= 0 && json_is_true(more) && !rpc_caller(call)->admin)
                r = rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                             "access denied: a batch in parts is for administrators only (root, "
                             "scmd's own user, members of scmd's --admin-group); others send "
                             "one part of 64 KiB at most");
        if (r >= 0)
                r = check_calls(call, calls);
        if (r >= 0 && !*ahead && !(*ahead = json_array()))
                r = rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r >= 0 && json_array_extend(*ahead, calls) < 0)
                r = rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r < 0) { /* the parts before go too: the batch is refused whole */
                rpc_batch_conn_closed(call->conn);
                return r;
        }
        waiting += json_array_size(calls);
        if (json_is_true(more)) {
                *ret = json_pack("{s:I}", "waiting", (json_int_t)json_array_size(*ahead));
                return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        json_t *all = json_incref(*ahead);
        rpc_batch_conn_closed(call->conn);
        r = run_all(call, all, ret);
        json_decref(all);
        return r;
}
