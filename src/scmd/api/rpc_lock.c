/* SPDX-License-Identifier: MIT */
/*
 * The service database lock: lock_service_database,
 * unlock_service_database and query_lock_status (LockServiceDatabase,
 * UnlockServiceDatabase, QueryServiceLockStatus).
 *
 * One connection at a time may hold the lock; it goes with an unlock or
 * when that connection closes (server.c calls lock_conn_closed()).  As on
 * Windows since Vista, the lock changes nothing else: services still
 * start.  It is here so that the SCM rights lock and query-lock-status
 * guard something real, and for programs that take it out of habit.
 */
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>
#include <scm/error.h>

#include "acl.h"
#include "lock.h"
#include "manager.h"
#include "rpc.h"
#include "rpc_acl.h"

static int no_params(struct rpc_call *call) {
        static const char *const none[] = {NULL};
        return rpc_check_keys(call, none);
}

static json_t *status_json(const struct manager *m) {
        const struct scm_lock *l = m->lock;
        if (!l->held)
                return json_pack("{s:b, s:s, s:I}", "locked", false, "owner", "", "duration_s",
                                 (json_int_t)0);
        char buf[1024], uid[32];
        struct passwd pw, *res = NULL;
        getpwuid_r(l->uid, &pw, buf, sizeof(buf), &res);
        snprintf(uid, sizeof(uid), "uid %u", (unsigned)l->uid);
        return json_pack("{s:b, s:s, s:I}", "locked", true, "owner", res ? res->pw_name : uid,
                         "duration_s", (json_int_t)(time(NULL) - l->since));
}

int rpc_lock_service_database(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        struct scm_lock *l = call->manager->lock;
        if (l->held)
                return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                "the service database is already locked%s",
                                l->conn_id == call->conn_id ? " by this connection" : "");
        *l = (struct scm_lock){
                .held = true,
                .conn_id = call->conn_id,
                .uid = rpc_caller(call)->uid,
                .since = time(NULL),
        };
        *ret = status_json(call->manager);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_unlock_service_database(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        struct scm_lock *l = call->manager->lock;
        if (!l->held || l->conn_id != call->conn_id)
                return rpc_fail(call, SCM_ERROR_INVALID_SERVICE_LOCK,
                                "this connection does not hold the service database lock");
        *l = (struct scm_lock){0};
        *ret = status_json(call->manager);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_query_lock_status(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        *ret = status_json(call->manager);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

void lock_conn_closed(struct manager *m, uint64_t conn_id) {
        if (m->lock->held && m->lock->conn_id == conn_id)
                *m->lock = (struct scm_lock){0};
}
