/* SPDX-License-Identifier: MIT */
/*
 * One service: its configuration, its status, and what it says.  Its
 * process is process.c's.
 *
 * service_dispatch() is the only way a service changes state: it looks the
 * (kind, state, event) triple up in state.c's table, refuses what the
 * table refuses, carries out the listed effects in a fixed order, then
 * enters the new state.  Entering a state is where the status-tracking
 * record is persisted and where waiting clients are answered.
 */
#include "service.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "cgroup.h"
#include "channel.h"
#include "cleanup.h"
#include "command.h"
#include "log.h"
#include "manager.h"
#include "process.h"
#include "process_config.h"
#include "fence_config.h"
#include "syscall_config.h"
#include "resource_config.h"
#include "registry.h"
#include "credentials.h"
#include "folders.h"
#include "secrets.h"

static void enter(struct service *s, enum scm_state state);

/* Tells the layers above (struct service_hooks) of a moment in s's life. */
#define HOOK(s, name, ...)                                                                         \
        do {                                                                                       \
                if ((s)->manager->hooks.name)                                                      \
                        (s)->manager->hooks.name(__VA_ARGS__);                                     \
        } while (0)

/* A kernel driver's load or unload; without one (no driver layer) it
 * cannot be done. */
static int driver_hook(struct service *s, int (*fn)(struct service *s)) {
        return fn ? fn(s) : SCM_ERR(SCM_ERROR_NOT_SUPPORTED);
}

int service_new(struct manager *m, int64_t id, struct service_config *config,
                struct service **ret) {
        struct service *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        _cleanup_free_ char *fname = service_file_name(config->name);
        if (!fname || asprintf(&s->log_path, "%s/%s.log", m->paths.log_dir, fname) < 0) {
                free(s);
                return -ENOMEM;
        }
        s->manager = m;
        s->id = id;
        s->config = *config;
        *config = (struct service_config){0};
        s->state = SCM_STATE_STOPPED;
        s->desired = SCM_STATE_STOPPED;
        *ret = s;
        return 0;
}

void service_free(struct service *s) {
        if (!s)
                return;
        HOOK(s, depend_gone, s);
        HOOK(s, failure_gone, s);
        HOOK(s, driver_gone, s);
        command_abandon(s);
        service_config_clear(&s->config);
        free(s->log_path);
        free(s->last_error);
        free(s->status_text);
        free(s->stop_comment);
        secrets_withdraw(&s->credentials_dir); /* nothing left: it has no process */
        free(s);
}

/* ---- status persistence and reporting ---- */

static void persist_status(struct service *s) {
        struct db_status st = {
                .state = s->state,
                .win32_exit_code = s->win32_exit_code,
                .service_exit_code = s->service_exit_code,
                .pid = service_pid(s),
        };
        int r = db_save_status(s->manager->db, s->id, &st);
        if (r == -ENOENT)
                log_debug("service %s: no longer in the configuration; its status is not recorded",
                          s->config.name);
        else if (r < 0)
                log_warning("service %s: cannot record its status: %s", s->config.name,
                            strerror(-r));
}

void service_set_last_error(struct service *s, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(s->last_error);
        if (vasprintf(&s->last_error, fmt, ap) < 0)
                s->last_error = NULL;
        va_end(ap);
}

void service_add_start_waiter(struct service *s, struct start_waiter *w) {
        w->next = s->start_waiters;
        s->start_waiters = w;
}

static void answer_start_waiters(struct service *s, int win32) {
        struct start_waiter *w = s->start_waiters;
        s->start_waiters = NULL;
        while (w) {
                struct start_waiter *next = w->next;
                w->fn(w, s, win32, s->last_error ? s->last_error : scm_error_message(win32));
                w = next;
        }
}

/* ---- the table's executor ---- */

/* How long past a wait hint a pending state may go without progress. */
#define PROGRESS_GRACE (1 * USEC_PER_SEC)

static void on_progress_timeout(struct loop_timer *t);
static void on_watchdog_timeout(struct loop_timer *t);

static bool is_pending(enum scm_state state) {
        return state == SCM_STATE_START_PENDING || state == SCM_STATE_STOP_PENDING ||
               state == SCM_STATE_PAUSE_PENDING || state == SCM_STATE_CONTINUE_PENDING;
}

/* Whether scmd watches a pending state for progress: native services in
 * every pending state, notify services until READY=1, forking services
 * until their daemon is known.  Plain services and stops by signal have the
 * stop timer instead, and a one-shot job runs as long as it needs. */
static bool watches_progress(const struct service *s) {
        if (s->config.kind == SCM_KIND_NATIVE)
                return is_pending(s->state);
        return (s->config.kind == SCM_KIND_NOTIFY || s->config.kind == SCM_KIND_FORKING) &&
               s->state == SCM_STATE_START_PENDING;
}

/* (Re)arms the progress deadline: the wait hint, or the control timeout
 * while the service has given none, plus a grace. */
static void progress_arm(struct service *s) {
        uint32_t idle = s->state == SCM_STATE_START_PENDING ? PROCESS_START_TIMEOUT_MS(&s->config)
                                                            : s->config.control_timeout_ms;
        usec_t hint = (usec_t)(s->wait_hint ? s->wait_hint : idle);
        loop_timer_arm(s->manager->loop, &s->progress_timer,
                       now_usec() + hint * USEC_PER_MSEC + PROGRESS_GRACE, on_progress_timeout);
}

static void set_exit_code_once(struct service *s, uint32_t win32) {
        if (!s->win32_exit_code)
                s->win32_exit_code = win32;
}

/* Freezes or thaws every process of the service (pause by freezing). */
static void freeze(struct service *s, bool frozen) {
        int fd = s->process ? process_cgroup(s->process) : -1;
        int r = fd >= 0 ? cgroup_freeze(fd, frozen) : -ENOTSUP;
        if (r < 0)
                log_warning("service %s: cannot %s it: %s", s->config.name,
                            frozen ? "freeze" : "thaw", strerror(-r));
}

static int deliver(struct service *s) {
        return s->control_request ? channel_deliver(s, s->control_request)
                                  : SCM_ERR(SCM_ERROR_INVALID_SERVICE_CONTROL);
}

static void reset_run(struct service *s) {
        s->win32_exit_code = s->service_exit_code = 0;
        s->checkpoint = s->wait_hint = 0;
        s->exit_kind = EXIT_NONE;
        free(s->status_text);
        s->status_text = NULL;
        s->connected = false;
        s->stop_reported = false;
        free(s->last_error);
        s->last_error = NULL;
}

static int apply(struct service *s, const struct transition *t) {
        uint32_t eff = t->effects;
        int r;

        if (eff & EFF_RESET_EXIT)
                reset_run(s);
        bool driver = s->config.type == SCM_TYPE_KERNEL_DRIVER;
        if (eff & EFF_SPAWN &&
            (r = driver ? driver_hook(s, s->manager->hooks.driver_load) : process_spawn(s)) < 0) {
                s->win32_exit_code = (uint32_t)scm_error_win32(r);
                log_warning("%s", s->last_error ? s->last_error : "start failed");
                persist_status(s);
                return r;
        }
        if (eff & EFF_DELIVER && (r = deliver(s)) < 0)
                return r;
        if (eff & EFF_UNLOAD && (r = driver_hook(s, s->manager->hooks.driver_unload)) < 0)
                return r;
        if (eff & EFF_RELOAD && (r = command_reload(s)) < 0)
                return r;
        if (eff & EFF_THAW)
                freeze(s, false);
        if (eff & EFF_SIGNAL_STOP) {
                s->desired = SCM_STATE_STOPPED;
                process_signal(s, process_stop_signal(s));
        }
        if (eff & (EFF_SIGNAL_STOP | EFF_STOP_TIMER))
                process_arm_stop_timer(s);
        if (eff & EFF_FREEZE)
                freeze(s, true);
        if (eff & EFF_KILL)
                service_kill(s);
        if (eff & EFF_ABORTED)
                set_exit_code_once(s, SCM_ERROR_PROCESS_ABORTED);
        if (eff & EFF_TIMED_OUT && !s->stop_reported)
                set_exit_code_once(s, SCM_ERROR_SERVICE_REQUEST_TIMEOUT);
        if (eff & EFF_START_HANG)
                set_exit_code_once(s, SCM_ERROR_SERVICE_START_HANG);
        if (eff & EFF_FINISH) {
                /* The process record it lets go of, and the STOPPED that
                 * enter() writes next: one transaction, not two. */
                s->persist_open = t->to == SCM_STATE_STOPPED && s->state != SCM_STATE_STOPPED &&
                                  s->process && s->manager->db && db_begin(s->manager->db) >= 0;
                process_release(s);
        }
        if (t->to)
                enter(s, t->to);
        /* After entering: a plain start is answered with RUNNING.  Never
         * with STOPPED, where enter() may have freed s (test_state.c). */
        if (eff & EFF_ACK_START)
                answer_start_waiters(s, 0);
        return 0;
}

static uint32_t signalled_accepts(const struct service *s, enum scm_state state);

void service_config_changed(struct service *s) {
        if (s->config.kind != SCM_KIND_NATIVE)
                s->controls_accepted = signalled_accepts(s, s->state);
}

int service_dispatch(struct service *s, enum svc_event event) {
        const struct transition *t = state_transition(state_rows_of(&s->config), s->state, event);
        if (svc_event_is_request(event)) {
                /* scmd answers for a service without a handler: from its
                 * configuration as it is now (a reload set while it runs). */
                service_config_changed(s);
                if (t->refuse)
                        return SCM_ERR(t->refuse);
                if (t->needs_accept && !(s->controls_accepted & t->needs_accept))
                        return SCM_ERR(SCM_ERROR_INVALID_SERVICE_CONTROL);
        } else if (!t->to && !t->effects) {
                log_debug("service %s: %s ignored in state %s", s->config.name,
                          svc_event_name(event), scm_state_name(s->state));
                return 0;
        }
        return apply(s, t);
}

int service_control(struct service *s, enum svc_event event, struct control_request *req) {
        req->delivered = false;
        s->control_request = req;
        int r = service_dispatch(s, event);
        s->control_request = NULL;
        if (r < 0)
                return r;
        if (event == EV_STOP || event == EV_SHUTDOWN || event == EV_PRESHUTDOWN) {
                s->desired = SCM_STATE_STOPPED;
                s->stop_requested = true; /* so never a failure (failure.c) */
        }
        return req->delivered ? 1 : 0;
}

static void internal_stop_answered(struct control_request *req, struct service *s, int win32) {
        if (win32)
                log_warning("service %s: its handler answered scmd's stop with %d (%s)",
                            s->config.name, win32, scm_error_name(win32) ?: "its own code");
        free(req);
}

int service_stop(struct service *s) {
        struct control_request *req = calloc(1, sizeof(*req));
        if (!req)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        *req = (struct control_request){.code = SCM_CONTROL_STOP, .fn = internal_stop_answered};
        int r = service_control(s, EV_STOP, req);
        if (r != 1)
                free(req);
        return r < 0 ? r : 0;
}

int service_start(struct service *s, char **args, char **ret_message) {
        s->start_args = args;
        int r = service_dispatch(s, EV_START);
        s->start_args = NULL;
        if (r < 0 && ret_message)
                *ret_message = s->last_error ? strdup(s->last_error) : NULL;
        return r;
}

void service_fail_start(struct service *s, int win32, const char *message) {
        s->win32_exit_code = (uint32_t)win32;
        s->service_exit_code = 0;
        free(s->last_error);
        s->last_error = message ? strdup(message) : NULL;
        persist_status(s);
}

/* Whether a PARAMCHANGE has something to do: a reload signal or command. */
static bool reloads(const struct service *s) {
        const struct service_process *p = s->config.process;
        return p && (p->reload_signal || p->reload_command);
}

/* What a plain, notify, forking or oneshot service accepts in each state:
 * scmd answers for it. */
static uint32_t signalled_accepts(const struct service *s, enum scm_state state) {
        bool frozen_ok = s->config.pause_by_freeze && s->process && process_has_cgroup(s->process);
        uint32_t pause = frozen_ok ? SCM_ACCEPT_PAUSE_CONTINUE : 0;
        uint32_t reload = reloads(s) ? SCM_ACCEPT_PARAMCHANGE : 0;
        if (s->config.type == SCM_TYPE_KERNEL_DRIVER)
                return state == SCM_STATE_RUNNING ? SCM_ACCEPT_STOP : 0;
        switch (state) {
        case SCM_STATE_START_PENDING:
                return SCM_ACCEPT_STOP;
        case SCM_STATE_RUNNING:
                return SCM_ACCEPT_STOP | pause | reload;
        case SCM_STATE_PAUSED:
                return SCM_ACCEPT_STOP | pause;
        default:
                return 0;
        }
}

static void log_transition(const struct service *s, enum scm_state old, enum scm_state state) {
        if (state == SCM_STATE_STOPPED && s->win32_exit_code)
                log_info("service %s: %s -> stopped (%s)", s->config.name, scm_state_name(old),
                         scm_error_name((int)s->win32_exit_code));
        else
                log_info("service %s: %s -> %s (pid %d)", s->config.name, scm_state_name(old),
                         scm_state_name(state), (int)service_pid(s));
}

/* What the next scmd must know of the state just entered: the status at
 * RUNNING and STOPPED, and the process record that lets it take the
 * process back, in one transaction (with the record apply() deleted).  A
 * transaction that cannot begin (within another one) leaves each write
 * its own, or the other's. */
static void persist_entered(struct service *s, enum scm_state state) {
        struct db *db = s->manager->db;
        bool status = state == SCM_STATE_RUNNING || state == SCM_STATE_STOPPED;
        bool record = state != SCM_STATE_STOPPED && s->process;
        bool open = s->persist_open;
        s->persist_open = false;
        if (!open && status && record && db)
                open = db_begin(db) >= 0;
        if (status)
                persist_status(s);
        if (record)
                process_record(s);
        if (open && db_commit(db) < 0) {
                log_warning("service %s: cannot record its state (%s)", s->config.name,
                            scm_state_name(state));
                db_rollback(db);
        }
}

static void enter(struct service *s, enum scm_state state) {
        enum scm_state old = s->state;
        s->state = state;
        if (s->config.kind != SCM_KIND_NATIVE)
                s->controls_accepted = signalled_accepts(s, state);
        else if (state == SCM_STATE_STOP_PENDING || state == SCM_STATE_STOPPED)
                s->controls_accepted = 0; /* nothing more once a stop is under way */
        if (old == state)
                return;
        log_transition(s, old, state);

        if (watches_progress(s))
                progress_arm(s);
        else
                loop_timer_disarm(s->manager->loop, &s->progress_timer);
        if (s->config.kind == SCM_KIND_NOTIFY && s->config.watchdog_ms &&
            state == SCM_STATE_RUNNING)
                loop_timer_arm(s->manager->loop, &s->watchdog_timer,
                               now_usec() + (usec_t)s->config.watchdog_ms * USEC_PER_MSEC,
                               on_watchdog_timeout);
        else if (state != SCM_STATE_RUNNING && state != SCM_STATE_PAUSED)
                loop_timer_disarm(s->manager->loop, &s->watchdog_timer);

        if (state == SCM_STATE_RUNNING)
                HOOK(s, running, s); /* a delayed-auto start back to normal priority */
        persist_entered(s, state);
        timeline_service_entered(s, old);
        HOOK(s, state_changed, s, old);
        HOOK(s, failure_entered, s, old); /* failure actions, boot acceptance */
        HOOK(s, depend_entered, s, old);  /* start and stop cascades */
        if (state == SCM_STATE_STOPPED) {
                /* Its runtime folders go when it stops, not when its process
                 * goes (a job that remains after exit keeps them). */
                service_folders_remove(&s->config, &s->manager->paths);
                answer_start_waiters(s, (int)s->win32_exit_code);
                HOOK(s, stopped, s);
        }
}

/* ---- after a restart of scmd (core/adopt.c) ---- */

void service_adopt(struct service *s, enum scm_state state, uint32_t accepted) {
        /* A change under way when scmd went is not known to have ended:
         * the state it was leaving, or RUNNING. */
        switch (state) {
        case SCM_STATE_START_PENDING:
        case SCM_STATE_PAUSED:
                break;
        case SCM_STATE_PAUSE_PENDING:
        case SCM_STATE_CONTINUE_PENDING:
        default:
                state = SCM_STATE_RUNNING;
                break;
        }
        if (s->config.kind == SCM_KIND_NATIVE)
                s->controls_accepted = accepted;
        enter(s, state);
}

void service_adopt_gone(struct service *s, enum scm_state state) {
        /* It was running when scmd went, and has gone since: as if its
         * process had ended under this scmd's eyes (PROCESS_ABORTED, its
         * failure actions).  Its exit code is unknown. */
        s->state = state == SCM_STATE_STOPPED ? SCM_STATE_RUNNING : state;
        s->desired = state == SCM_STATE_STOP_PENDING ? SCM_STATE_STOPPED : SCM_STATE_RUNNING;
        s->stop_requested = state == SCM_STATE_STOP_PENDING;
        log_warning("service %s: its process ended while scmd was down", s->config.name);
        service_dispatch(s, EV_EXITED);
}

/* ---- what the service says ---- */

void service_connected(struct service *s) {
        s->connected = true;
        service_dispatch(s, EV_CONNECTED);
}

void service_report(struct service *s, const struct control_status *st) {
        /* A member that joined a connected process hears the hello first. */
        if (!s->connected && s->process && s->process->connected)
                service_connected(s);
        bool progressed = st->state != (uint32_t)s->state || st->checkpoint != s->checkpoint ||
                          st->wait_hint != s->wait_hint;
        s->controls_accepted = st->controls_accepted;
        s->checkpoint = st->checkpoint;
        s->wait_hint = st->wait_hint;
        if (st->state == SCM_STATE_STOPPED) {
                s->stop_reported = true;
                s->win32_exit_code = st->win32_exit_code;
                s->service_exit_code = st->service_exit_code;
                s->desired = SCM_STATE_STOPPED;
        }
        if (st->state == SCM_STATE_STOPPED && process_member_leaves(s)) {
                /* The others go on in its process; s is STOPPED, perhaps freed. */
                service_dispatch(s, EV_LEFT_PROCESS);
                return;
        }
        enum scm_state before = s->state;
        service_dispatch(s, EV_REPORT((enum scm_state)st->state));
        /* A pending state that moved on (or was entered) gets a new deadline. */
        if (s->process && watches_progress(s) && progressed)
                progress_arm(s);
        if (progressed && s->state == before)
                HOOK(s, progress, s); /* a change of state made its own event */
}

static void notify_extend(struct service *s, const char *value) {
        unsigned long long usec = strtoull(value, NULL, 10);
        s->wait_hint = (uint32_t)(usec / 1000 > UINT32_MAX ? UINT32_MAX : usec / 1000);
        if (watches_progress(s))
                progress_arm(s);
        HOOK(s, progress, s);
}

/* Held on the heap, only while there is one: most services never set one. */
static void notify_status_text(struct service *s, const char *value) {
        if (strncmp(service_status_text(s), value, SCM_STATUS_TEXT_MAX_BYTES) == 0)
                return;
        free(s->status_text);
        s->status_text = *value ? strndup(value, SCM_STATUS_TEXT_MAX_BYTES) : NULL;
        HOOK(s, progress, s);
}

void service_notify(struct service *s, const char *key, const char *value) {
        if (strcmp(key, "READY") == 0 && strcmp(value, "1") == 0) {
                if (s->reloading && !s->command) {
                        s->reloading = false;
                        HOOK(s, progress, s);
                }
                service_dispatch(s, EV_READY);
        } else if (strcmp(key, "RELOADING") == 0 && strcmp(value, "1") == 0) {
                s->reloading = true;
                HOOK(s, progress, s);
        } else if (strcmp(key, "MAINPID") == 0) {
                process_main_pid(s, value);
        } else if (strcmp(key, "STOPPING") == 0 && strcmp(value, "1") == 0) {
                s->desired = SCM_STATE_STOPPED;
                service_dispatch(s, EV_STOPPING);
        } else if (strcmp(key, "STATUS") == 0) {
                notify_status_text(s, value);
        } else if (strcmp(key, "EXTEND_TIMEOUT_USEC") == 0) {
                notify_extend(s, value);
        } else if (strcmp(key, "ERRNO") == 0) {
                s->service_exit_code = (uint32_t)strtoul(value, NULL, 10);
                s->win32_exit_code = SCM_ERROR_SERVICE_SPECIFIC_ERROR;
        } else if (strcmp(key, "WATCHDOG") == 0 && strcmp(value, "1") == 0 &&
                   loop_timer_armed(&s->watchdog_timer)) {
                loop_timer_arm(s->manager->loop, &s->watchdog_timer,
                               now_usec() + (usec_t)s->config.watchdog_ms * USEC_PER_MSEC,
                               on_watchdog_timeout);
        }
}

static void on_progress_timeout(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, progress_timer);
        if (s->config.kind == SCM_KIND_NATIVE && !s->connected) {
                /* Never reached its dispatcher: not a hang, no answer at all. */
                log_warning("service %s: its dispatcher did not connect within %u ms; stopping it",
                            s->config.name, s->config.control_timeout_ms);
                set_exit_code_once(s, SCM_ERROR_SERVICE_REQUEST_TIMEOUT);
        } else {
                log_warning("service %s: hung in %s (checkpoint %u, wait hint %u ms); stopping it",
                            s->config.name, scm_state_name(s->state), s->checkpoint, s->wait_hint);
        }
        service_dispatch(s, EV_HANG);
}

static void on_watchdog_timeout(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, watchdog_timer);
        log_warning("service %s: no WATCHDOG=1 within %u ms; stopping it", s->config.name,
                    s->config.watchdog_ms);
        service_dispatch(s, EV_WATCHDOG);
}

void service_reload_ended(struct service *s) {
        s->reloading = false;
        HOOK(s, progress, s);
}

/* ---- JSON views (the status: service_status.c) ---- */

json_t *service_config_json(const struct service *s) {
        const struct service_config *c = &s->config;
        json_t *deps = json_array();
        for (char **d = c->dependencies; deps && d && *d; d++)
                json_array_append_new(deps, json_string(*d));
        json_t *o = json_pack(
                "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:b, s:I}",
                "name", c->name, "display_name", c->display_name, "description", c->description,
                "type", scm_type_name(c->type), "start_type", scm_start_type_name(c->start_type),
                "error_control", scm_error_control_name(c->error_control), "command_line",
                c->command_line, "account", c->account, "group", c->group, "dependencies", deps,
                "log_file", s->log_path, "kind", scm_kind_name(c->kind), "control_timeout_ms",
                (json_int_t)c->control_timeout_ms, "watchdog_ms", (json_int_t)c->watchdog_ms,
                "pause_by_freeze", c->pause_by_freeze, "preshutdown_timeout_ms",
                (json_int_t)c->preshutdown_timeout_ms);
        json_t *process = o ? service_process_json(c->process) : NULL;
        json_t *resources = o ? service_resources_json(c->resources) : NULL;
        json_t *fences = o ? service_fences_json(c->fences) : NULL;
        json_t *syscalls = o ? service_syscalls_json(c->syscalls) : NULL;
        if (!process || !resources || !fences || !syscalls || json_object_update(o, process) < 0 ||
            json_object_update(o, resources) < 0 || json_object_update(o, fences) < 0 ||
            json_object_update(o, syscalls) < 0) {
                json_decref(o);
                o = NULL;
        }
        json_decref(process);
        json_decref(resources);
        json_decref(fences);
        json_decref(syscalls);
        return o;
}

/* ---- deletion ---- */

bool service_reap_if_deleted(struct service *s) {
        if (!s->marked_for_delete || s->state != SCM_STATE_STOPPED || s->open_handles > 0)
                return false;
        struct manager *m = s->manager;
        int r = db_delete_service(m->db, s->id);
        if (r < 0) {
                /* Still marked in the database: it goes at the next start-up. */
                log_warning("service %s: cannot delete it now: %s", s->config.name, strerror(-r));
                return false;
        }
        log_info("service %s: deleted", s->config.name);
        HOOK(s, deleted, s);
        registry_remove(m->registry, s);
        service_free(s);
        return true;
}

uint64_t events_seq(const struct service *s) {
        return s->event_changes + 1;
}
