/* SPDX-License-Identifier: MIT */
/*
 * start and control: the methods that ask a service to change state.  The
 * checks that depend on configuration (disabled, marked for delete,
 * shutting down) are made here; whether the state allows the request is
 * the state table's alone (service_dispatch()).
 *
 * A start is answered when exec has succeeded or failed, not before: the
 * reply is deferred through a start waiter, so a missing library or a
 * refused account comes back to the caller as the start's own error.  A
 * service with dependencies starts after them (depend_start()): the reply
 * waits for them too, and a dependency that fails is the start's error.
 * A stop is refused while a dependent runs, unless it is asked to stop the
 * dependents first (depend_stop_dependents()).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "acl.h"
#include "boot.h"
#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "depend.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "rpc.h"
#include "rpc_acl.h"
#include "server.h"
#include "service.h"
#include "validate.h"

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
        /* A kernel driver's unload that could not begin says why itself. */
        if (s->config.type == SCM_TYPE_KERNEL_DRIVER && s->last_error &&
            (win32 == SCM_ERROR_PRIVILEGE_NOT_HELD || win32 == SCM_ERROR_FILE_NOT_FOUND))
                return rpc_fail(call, win32, "%s", s->last_error);
        return rpc_fail(call, win32, "service %s is %s and cannot take '%s' now: %s",
                        s->config.name, scm_state_name(s->state), what, scm_error_message(win32));
}

/* Start arguments of a plain or notify service are appended to its
 * command line: they choose what runs, as the command line does, so they
 * need change-config as well as start.  A native service's go to its
 * ServiceMain, which takes them from any start-right holder, as on
 * Windows. */
static int check_args_right(struct rpc_call *call, const struct service *s) {
        if (s->config.kind == SCM_KIND_NATIVE || rpc_may(call, s, ACL_BIT(ACL_CHANGE_CONFIG)))
                return 0;
        return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                        "access denied: start arguments of service %s (kind %s) are added to its "
                        "command line, so passing them needs the right 'change-config' on it, "
                        "which you lack; start it without arguments",
                        s->config.name, scm_kind_name(s->config.kind));
}

int rpc_start(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "args", NULL};
        struct service *s;
        _cleanup_(strv_free_p) char **args = NULL;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = rpc_get_string_list(call, "args", SCM_ARGS_MAX, &args);
        if (r >= 0 && args && args[0])
                r = check_args_right(call, s);
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
        struct deferred_start *d = calloc(1, sizeof(*d));
        if (!d)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        d->waiter.fn = start_answered;
        d->server = call->manager->server;
        d->conn_id = call->conn_id;
        _cleanup_free_ char *message = NULL;
        boot_start_by_hand(s); /* a delayed-auto service: at once, normal priority */
        r = depend_start(s, args, &d->waiter, &message);
        if (r == 1) {
                d->id = json_incref(call->id); /* after its dependencies */
                return RPC_DEFERRED;
        }
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

uint32_t rpc_control_rights(const struct rpc_call *call) {
        enum svc_event event;
        uint32_t code;
        /* Without the call's failure recorded: the handler reports a bad
         * control itself. */
        struct rpc_call probe = *call;
        probe.error = NULL;
        int r = read_control(&probe, &event, &code);
        free(probe.error);
        if (r < 0)
                return ACL_BIT(ACL_USER_DEFINED_CONTROL); /* the handler refuses it anyway */
        switch (event) {
        case EV_STOP:
                return ACL_BIT(ACL_STOP);
        case EV_PAUSE:
        case EV_CONTINUE:
        case EV_PARAMCHANGE:
                return ACL_BIT(ACL_PAUSE_CONTINUE);
        case EV_INTERROGATE:
                return ACL_BIT(ACL_INTERROGATE);
        default:
                return ACL_BIT(ACL_USER_DEFINED_CONTROL);
        }
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

/* Sends the control; 0 with *ret, RPC_DEFERRED (d answers later), or the
 * refusal. */
static int send_control(struct rpc_call *call, struct service *s, enum svc_event event,
                        uint32_t code, json_t **ret) {
        struct deferred_control *d = calloc(1, sizeof(*d));
        if (!d)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        d->request = (struct control_request){.code = code, .fn = control_answered};
        int r = service_control(s, event, &d->request);
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

/* "a, b and c" of the running ones among services (n of them), into a
 * malloc'd string; NULL when none runs. */
/* The running ones among services, as "a, b": those the caller may not
 * query-status are counted, not named, as enumerate would not show them.
 * NULL when none runs (or out of memory). */
static char *running_names(const struct rpc_call *call, struct service **services, size_t n) {
        char *list = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&list, &len);
        if (!f)
                return NULL;
        size_t named = 0, hidden = 0;
        for (size_t i = 0; i < n; i++) {
                if (services[i]->state == SCM_STATE_STOPPED)
                        continue;
                if (!rpc_may(call, services[i], ACL_BIT(ACL_QUERY_STATUS)))
                        hidden++;
                else
                        fprintf(f, "%s%s", named++ ? ", " : "", services[i]->config.name);
        }
        if (hidden)
                fprintf(f, "%s%zu you may not query", named ? " and " : "", hidden);
        fclose(f);
        if (named + hidden == 0) {
                free(list);
                return NULL;
        }
        return list;
}

/* A stop waiting for the dependents to stop first (with_dependents). */
struct deferred_stop {
        struct manager *manager;
        uint64_t conn_id;
        json_t *id;
        char *name;
};

static void dependents_stopped(void *userdata, int win32, const char *message) {
        struct deferred_stop *d = userdata;
        struct server *srv = d->manager->server;
        struct service *s = registry_find(d->manager->registry, d->name);
        json_t *result = NULL;
        struct rpc_call call = {.manager = d->manager, .conn_id = d->conn_id, .id = d->id};
        if (win32) {
                server_reply_error(srv, d->conn_id, d->id, win32, win32, message);
        } else if (!s) {
                server_reply_error(srv, d->conn_id, d->id, SCM_ERROR_SERVICE_DOES_NOT_EXIST,
                                   SCM_ERROR_SERVICE_DOES_NOT_EXIST,
                                   "the service was deleted while its dependents stopped");
        } else {
                /* The last dependent stopped just now: s's own stop, as a
                 * plain control would have been sent. */
                int r = send_control(&call, s, EV_STOP, SCM_CONTROL_STOP, &result);
                if (r == 0)
                        server_reply(srv, d->conn_id, d->id, result);
                else if (r < 0)
                        server_reply_error(srv, d->conn_id, d->id, scm_error_win32(r),
                                           scm_error_win32(r), call.error);
        }
        free(call.error);
        json_decref(d->id);
        free(d->name);
        free(d);
}

/* A stop of a service that has running dependents: refused, or (with
 * with_dependents) carried out after they have stopped.  Returns 0 when
 * no dependent runs: the stop goes on as any control. */
static int stop_with_dependents(struct rpc_call *call, struct service *s, bool with_dependents) {
        _cleanup_free_ struct service **deps = NULL;
        ssize_t n = depend_dependents(call->manager, s, &deps);
        if (n < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        _cleanup_free_ char *running = running_names(call, deps, (size_t)n);
        if (!running)
                return 0;
        if (!with_dependents)
                return rpc_fail(call, SCM_ERROR_DEPENDENT_SERVICES_RUNNING,
                                "service %s cannot stop while services that depend on it run: %s; "
                                "stop them first, or stop it with its dependents",
                                s->config.name, running);
        /* Stopping a dependent this way is stopping it: the caller needs the
         * right on each, or --with-dependents would reach past its list. */
        for (ssize_t i = 0; i < n; i++)
                if (deps[i]->state != SCM_STATE_STOPPED &&
                    !rpc_may(call, deps[i], ACL_BIT(ACL_STOP))) {
                        if (rpc_may(call, deps[i], ACL_BIT(ACL_QUERY_STATUS)))
                                return rpc_require(call, deps[i], ACL_BIT(ACL_STOP));
                        return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                                        "access denied: a service that depends on %s runs, and "
                                        "you lack the right 'stop' on it",
                                        s->config.name);
                }
        struct deferred_stop *d = calloc(1, sizeof(*d));
        if (!d || !(d->name = strdup(s->config.name))) {
                free(d);
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        d->manager = call->manager;
        d->conn_id = call->conn_id;
        d->id = json_incref(call->id);
        int r = depend_stop_dependents(s, dependents_stopped, d);
        if (r == 1)
                return RPC_DEFERRED;
        json_decref(d->id);
        free(d->name);
        free(d);
        return r == 0 ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

/* ---- stop reasons (ControlServiceEx) ---- */

#define REASON_FLAGS 0x70000000u /* unplanned, custom, planned */
#define REASON_CUSTOM 0x20000000u
#define REASON_COMMENT_MAX_CHARS 128

/* A valid code: one or more of the flags, a major reason 1-6 (or, with
 * the custom flag, 0x40-0xff too) and a minor reason 1-0x18 (custom: any
 * but 0), nothing else; as ControlServiceEx checks. */
static bool reason_valid(json_int_t v) {
        if (v <= 0 || v > UINT32_MAX)
                return false;
        uint32_t r = (uint32_t)v, major = (r >> 16) & 0xff, minor = r & 0xffff;
        bool custom = r & REASON_CUSTOM;
        if (!(r & REASON_FLAGS) || (r & ~(REASON_FLAGS | 0x00ffffffu)))
                return false;
        if (!((major >= 1 && major <= 6) || (custom && major >= 0x40)))
                return false;
        return minor >= 1 && (custom || minor <= 0x18);
}

/* The optional reason and comment: only with stop. */
static int read_reason(struct rpc_call *call, enum svc_event event, uint32_t *ret_reason,
                       const char **ret_comment) {
        json_t *v = json_object_get(call->params, "reason");
        int r = rpc_get_string(call, "comment", false, REASON_COMMENT_MAX_CHARS * 4, ret_comment);
        if (r < 0)
                return r;
        if (!v && !*ret_comment)
                return 0;
        if (event != EV_STOP || !v)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "a stop reason (and its comment) goes with the control stop only, "
                                "and a comment needs a reason");
        if (!json_is_integer(v) || !reason_valid(json_integer_value(v)))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'reason' must be a stop reason code: a flag "
                                "(planned, unplanned, custom), a major and a minor reason");
        if (*ret_comment && utf8_text_chars(*ret_comment) > REASON_COMMENT_MAX_CHARS)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the stop comment is longer than %d characters",
                                REASON_COMMENT_MAX_CHARS);
        *ret_reason = (uint32_t)json_integer_value(v);
        return 0;
}

/* Records the reason of a stop that went out: in the database (so a
 * restart of scmd keeps it), then in memory and the log.  A database that
 * refuses costs the record, not the stop. */
static void record_reason(struct rpc_call *call, struct service *s, uint32_t reason,
                          const char *comment) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t when = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
        int r = db_save_stop_reason(call->manager->db, s->id, reason, comment, when);
        if (r < 0)
                log_warning("service %s: cannot record its stop's reason: %s", s->config.name,
                            strerror(-r));
        char *copy = comment ? strdup(comment) : NULL;
        free(s->stop_comment);
        s->stop_reason = reason;
        s->stop_comment = copy;
        s->stop_reason_time_us = when;
        log_info("service %s: stop asked by uid %u with reason 0x%08x%s%s", s->config.name,
                 (unsigned)rpc_caller(call)->uid, reason, comment ? ": " : "",
                 comment ? comment : "");
}

int rpc_control(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name",   "control", "with_dependents",
                                           "reason", "comment", NULL};
        struct service *s;
        enum svc_event event = EV_INTERROGATE;
        uint32_t code = 0, reason = 0;
        const char *comment = NULL;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r >= 0)
                r = read_control(call, &event, &code);
        if (r >= 0)
                r = read_reason(call, event, &reason, &comment);
        if (r < 0)
                return r;
        json_t *with = json_object_get(call->params, "with_dependents");
        if (with && (!json_is_boolean(with) || (json_is_true(with) && event != EV_STOP)))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'with_dependents' must be true or false, and true "
                                "only with the control stop");
        if (event == EV_STOP && s->state != SCM_STATE_STOPPED &&
            s->state != SCM_STATE_STOP_PENDING) {
                r = stop_with_dependents(call, s, json_is_true(with));
                if (r == RPC_DEFERRED && reason)
                        record_reason(call, s, reason, comment);
                if (r != 0)
                        return r;
        }
        r = send_control(call, s, event, code, ret);
        if (r >= 0 && reason) {
                record_reason(call, s, reason, comment);
                if (r == 0) { /* the status in the reply shows it */
                        json_decref(*ret);
                        *ret = service_status_json(s);
                }
        }
        return r;
}
