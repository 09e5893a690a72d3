/* SPDX-License-Identifier: MIT */
/*
 * The methods of the boot and shutdown sequences: query_boot_phase (where
 * the boot or the shutdown is, and what it waits for) and shutdown (what
 * SIGTERM does, asked over the socket), daemon_reexec, and power_event
 * (the host's sleep hook announcing a suspend to the services).  The boot's acceptance and the
 * last known good configuration are rpc_failure.c's.
 */
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "boot.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "server.h"
#include "shutdown.h"
#include "supervisor.h"
#include "system_event.h"

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

/* power_event: the host's sleep hook announces a suspend; the reply waits
 * until every service that accepts POWEREVENT has answered
 * PBT_APMSUSPEND (or timed out), so the machine sleeps after they are
 * ready.  A resume needs no announcement: clock_watch.c notices it. */
struct power_wait {
        struct server *server;
        uint64_t conn_id;
        json_t *id;
        int told;
};

static void power_answered(void *userdata, int failed) {
        struct power_wait *w = userdata;
        server_reply(w->server, w->conn_id, w->id,
                     json_pack("{s:i, s:i}", "told", w->told, "failed", failed));
        json_decref(w->id);
        free(w);
}

int rpc_power_event(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"event", NULL};
        const char *event;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = rpc_get_string(call, "event", true, 16, &event);
        if (r < 0)
                return r;
        if (strcmp(event, "suspend") != 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown power event '%s': only 'suspend' is announced (scmd "
                                "notices a resume by itself)",
                                event);
        struct power_wait *w = calloc(1, sizeof(*w));
        if (!w)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        *w = (struct power_wait){call->manager->server, call->conn_id, json_incref(call->id), 0};
        struct system_event ev = {
                SCM_CONTROL_POWEREVENT, SCM_ACCEPT_POWEREVENT, SCM_POWER_SUSPEND, 0, 0, 0};
        int n = system_event_send_then(call->manager, &ev, power_answered, w);
        log_info("the machine is about to suspend: told %d service%s", n < 0 ? 0 : n,
                 n == 1 ? "" : "s");
        if (n > 0) {
                w->told = n;
                return RPC_DEFERRED;
        }
        json_decref(w->id);
        free(w);
        if (n < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        *ret = json_pack("{s:i, s:i}", "told", 0, "failed", 0);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
