/* SPDX-License-Identifier: MIT */
/*
 * The methods of the boot and shutdown sequences: query_boot_phase (where
 * the boot or the shutdown is, and what it waits for) and shutdown (what
 * SIGTERM does, asked over the socket).  The boot's acceptance and the
 * last known good configuration are rpc_failure.c's.
 */
#include <sys/socket.h>

#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>

#include "boot.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "server.h"
#include "shutdown.h"
#include "supervisor.h"

static int no_params(struct rpc_call *call) {
        static const char *const none[] = {NULL};
        return rpc_check_keys(call, none);
}

int rpc_query_boot_phase(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        *ret = boot_phase_json(call->manager);
        if (!*ret)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        /* The services a caller may not query are not there (rpc_acl.c). */
        rpc_hide_unqueryable(call, json_object_get(*ret, "pending"));
        rpc_hide_unqueryable(call, json_object_get(*ret, "failed_drivers"));
        return 0;
}

/* Ends the loop after this turn (so this reply, and every request already
 * read, is answered); main.c then tells each connection and executes scmd
 * again, which takes its services back (core/adopt.c). */
int rpc_daemon_reexec(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        struct manager *m = call->manager;
        if (m->shutting_down)
                return rpc_fail(call, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                                "scmd is shutting down: it cannot execute itself again");
        log_info("re-execution asked by a client (uid %d)", (int)conn_peer(call->conn)->uid);
        m->reexec = true;
        loop_quit(m->loop);
        *ret = json_pack("{s:i}", "pid", (int)getpid());
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int rpc_shutdown(struct rpc_call *call, json_t **ret) {
        int r = no_params(call);
        if (r < 0)
                return r;
        struct manager *m = call->manager;
        if (m->shutting_down)
                return rpc_fail(call, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                                "scmd is already shutting down (%s)",
                                shutdown_phase_name(m->shutdown->phase));
        log_info("shutdown asked by a client (uid %d)", (int)conn_peer(call->conn)->uid);
        manager_begin_shutdown(m);
        /* The reply goes out before scmd exits: server_free() flushes it. */
        *ret = boot_phase_json(m);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
