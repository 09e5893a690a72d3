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
 * PBT_APMSUSPEND, so the machine sleeps after they are ready, but no
 * longer than timeout_ms (POWER_WAIT_MS when not given): a handler that
 * takes its whole control timeout must not hold a suspend back that long.
 * The reply says how many had not answered yet ("late").  A resume needs
 * no announcement: clock_watch.c notices it. */
#define POWER_WAIT_MS 5000
#define POWER_WAIT_MAX_MS 30000

struct power_wait {
        struct system_event_wait wait; /* first: done gets it */
        struct manager *manager;
        uint64_t conn_id;
        json_t *id; /* NULL once replied */
        struct loop_timer cap;
};

static void power_reply(struct power_wait *w) {
        if (!w->id)
                return;
        const struct system_event_wait *e = &w->wait;
        server_reply(w->manager->server, w->conn_id, w->id,
                     json_pack("{s:i, s:i, s:i}", "told", e->told, "failed", e->failed, "late",
                               e->told - e->answered));
        json_decref(w->id);
        w->id = NULL;
}

static void power_cap(struct loop_timer *t) {
        struct power_wait *w = container_of(t, struct power_wait, cap);
        log_info("the machine is about to suspend: %d service%s had not answered in time",
                 w->wait.told - w->wait.answered, w->wait.told - w->wait.answered == 1 ? "" : "s");
        power_reply(w);
}

static void power_answered(struct system_event_wait *e) {
        struct power_wait *w = container_of(e, struct power_wait, wait);
        loop_timer_disarm(w->manager->loop, &w->cap);
        power_reply(w);
        free(w);
}

int rpc_power_event(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"event", "timeout_ms", NULL};
        const char *event;
        json_int_t wait_ms = POWER_WAIT_MS;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = rpc_get_string(call, "event", true, 16, &event);
        if (r < 0)
                return r;
        json_t *t = json_object_get(call->params, "timeout_ms");
        if (t && (!json_is_integer(t) || json_integer_value(t) < 0 ||
                  json_integer_value(t) > POWER_WAIT_MAX_MS))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'timeout_ms' must be a number of milliseconds "
                                "from 0 to %d",
                                POWER_WAIT_MAX_MS);
        if (t)
                wait_ms = json_integer_value(t);
        if (strcmp(event, "suspend") != 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown power event '%s': only 'suspend' is announced (scmd "
                                "notices a resume by itself)",
                                event);
        struct power_wait *w = calloc(1, sizeof(*w));
        if (!w)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        w->wait.done = power_answered;
        w->manager = call->manager;
        w->conn_id = call->conn_id;
        w->id = json_incref(call->id);
        loop_timer_arm(call->manager->loop, &w->cap, now_usec() + (usec_t)wait_ms * USEC_PER_MSEC,
                       power_cap);
        struct system_event ev = {
                SCM_CONTROL_POWEREVENT, SCM_ACCEPT_POWEREVENT, SCM_POWER_SUSPEND, 0, 0, 0};
        int n = system_event_send_then(call->manager, &ev, &w->wait);
        log_info("the machine is about to suspend: told %d service%s", n < 0 ? 0 : n,
                 n == 1 ? "" : "s");
        if (n > 0)
                return RPC_DEFERRED; /* w is power_answered's, which may have run */
        loop_timer_disarm(call->manager->loop, &w->cap);
        json_decref(w->id);
        free(w);
        if (n < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        *ret = json_pack("{s:i, s:i, s:i}", "told", 0, "failed", 0, "late", 0);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
