/* SPDX-License-Identifier: MIT */
/*
 * start and control: the methods that ask a service to change state.  The
 * checks that depend on configuration (disabled, marked for delete,
 * shutting down) are made here; whether the state allows the request is
 * the state table's alone (service_dispatch()).
 *
 * A start is answered when exec has succeeded or failed, not before: the
 * reply is deferred through a start waiter, so a missing library or a
 * refused account comes back to the caller as the start's own error.
 */
#include "scmd.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "jsonrpc.h"

struct deferred_start {
        struct start_waiter waiter;
        struct server *server;
        uint64_t conn_id;
        json_t *id;
};

static void start_answered(struct start_waiter *w, struct service *s, int win32,
                           const char *message) {
        struct deferred_start *d = container_of(w, struct deferred_start, waiter);
        if (win32 == 0)
                server_reply(d->server, d->conn_id, d->id, service_status_json(s));
        else
                server_reply_error(d->server, d->conn_id, d->id, win32, win32, message);
        json_decref(d->id);
        free(d);
}

static int refused(struct rpc_call *call, struct service *s, int r, const char *what) {
        int win32 = scm_error_win32(r);
        return rpc_fail(call, win32, "service %s is %s and cannot take '%s' now: %s",
                        s->config.name, scm_state_name(s->state), what, scm_error_message(win32));
}

int rpc_start(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "args", NULL};
        struct service *s;
        _cleanup_(strv_free_p) char **args = NULL;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = rpc_get_string_list(call, "args", SCM_ARGS_MAX, &args);
        if (r < 0)
                return r;

        if (s->marked_for_delete)
                return rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                                "service %s is marked for delete and cannot be started",
                                s->config.name);
        if (s->config.start_type == SCM_START_DISABLED)
                return rpc_fail(call, SCM_ERROR_SERVICE_DISABLED,
                                "service %s is disabled; change its start type to start it",
                                s->config.name);
        if (call->manager->shutting_down)
                return rpc_fail(call, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                                "scmd is shutting down and starts nothing more");
        if (s->config.type == SCM_TYPE_KERNEL_DRIVER)
                return rpc_fail(
                        call, SCM_ERROR_NOT_SUPPORTED,
                        "service %s is a kernel driver; this scmd does not load drivers yet",
                        s->config.name);

        struct deferred_start *d = calloc(1, sizeof(*d));
        if (!d)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        _cleanup_free_ char *message = NULL;
        boot_start_by_hand(s); /* a delayed-auto service: at once, normal priority */
        r = service_start(s, args, &message);
        if (r < 0) {
                free(d);
                if (message)
                        return rpc_fail(call, scm_error_win32(r), "%s", message);
                return refused(call, s, r, "start");
        }
        if (s->state != SCM_STATE_START_PENDING) {
                free(d);
                *ret = service_status_json(s);
                return 0;
        }
        d->waiter.fn = start_answered;
        d->server = call->manager->server;
        d->conn_id = call->conn_id;
        d->id = json_incref(call->id);
        service_add_start_waiter(s, &d->waiter);
        return RPC_DEFERRED;
}

/* The control parameter as an event and its code; custom codes 128..255. */
static int read_control(struct rpc_call *call, enum svc_event *ret, uint32_t *ret_code) {
        static const struct {
                const char *name;
                enum svc_event event;
                uint32_t code;
        } names[] = {
                {"stop", EV_STOP, SCM_CONTROL_STOP},
                {"pause", EV_PAUSE, SCM_CONTROL_PAUSE},
                {"continue", EV_CONTINUE, SCM_CONTROL_CONTINUE},
                {"interrogate", EV_INTERROGATE, SCM_CONTROL_INTERROGATE},
                {"paramchange", EV_PARAMCHANGE, SCM_CONTROL_PARAMCHANGE},
        };
        json_t *v = json_object_get(call->params, "control");
        if (json_is_string(v)) {
                for (size_t i = 0; i < ELEMENTSOF(names); i++)
                        if (strcmp(names[i].name, json_string_value(v)) == 0) {
                                *ret = names[i].event;
                                *ret_code = names[i].code;
                                return 0;
                        }
        } else if (json_is_integer(v)) {
                json_int_t code = json_integer_value(v);
                if (code >= SCM_CONTROL_CUSTOM_FIRST && code <= SCM_CONTROL_CUSTOM_LAST) {
                        *ret = EV_CUSTOM;
                        *ret_code = (uint32_t)code;
                        return 0;
                }
        }
        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                        "the parameter 'control' must be stop, pause, continue, interrogate, "
                        "paramchange or a number from 128 to 255");
}

/* A control waiting for a native handler's answer. */
struct deferred_control {
        struct control_request request;
        struct server *server;
        uint64_t conn_id;
        json_t *id;
};

static void control_answered(struct control_request *req, struct service *s, int win32) {
        struct deferred_control *d = container_of(req, struct deferred_control, request);
        /* A stop whose process went before it could answer has done its job. */
        bool stopped = req->code == SCM_CONTROL_STOP && win32 != 0 &&
                       win32 != SCM_ERROR_SERVICE_REQUEST_TIMEOUT &&
                       (s->state == SCM_STATE_STOP_PENDING || s->state == SCM_STATE_STOPPED);
        if (win32 == 0 || stopped) {
                json_t *status = service_status_json(s);
                json_object_set_new(status, "control_result", json_integer(0));
                server_reply(d->server, d->conn_id, d->id, status);
        } else {
                char message[256];
                if (win32 == SCM_ERROR_SERVICE_REQUEST_TIMEOUT)
                        snprintf(message, sizeof(message),
                                 "service %s did not answer control %u within %u ms",
                                 s->config.name, req->code, s->config.control_timeout_ms);
                else
                        snprintf(message, sizeof(message),
                                 "service %s's handler answered control %u with error %d (%s)",
                                 s->config.name, req->code, win32,
                                 scm_error_name(win32) ? scm_error_name(win32)
                                                       : "a code of its own");
                server_reply_error(d->server, d->conn_id, d->id, win32, win32, message);
        }
        json_decref(d->id);
        free(d);
}

int rpc_control(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "control", NULL};
        struct service *s;
        enum svc_event event = EV_INTERROGATE;
        uint32_t code = 0;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = read_control(call, &event, &code);
        if (r < 0)
                return r;
        struct deferred_control *d = calloc(1, sizeof(*d));
        if (!d)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        d->request = (struct control_request){.code = code, .fn = control_answered};
        r = service_control(s, event, &d->request);
        if (r == 1) {
                d->server = call->manager->server;
                d->conn_id = call->conn_id;
                d->id = json_incref(call->id);
                return RPC_DEFERRED;
        }
        free(d);
        if (r < 0)
                return refused(call, s, r, svc_event_name(event));
        *ret = service_status_json(s);
        return 0;
}
