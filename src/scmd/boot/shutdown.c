/* SPDX-License-Identifier: MIT */
/*
 * The shutdown sequence, on SIGTERM, SIGINT or SIGPWR, or a client's
 * `shutdown`: the Windows SCM's order, in three phases.
 *
 *   1. preshutdown: every running native service that accepts PRESHUTDOWN
 *      gets it, all at once.  Each is waited for as long as it makes
 *      progress (the progress timer of a stop-pending service: its
 *      checkpoint must advance within its wait hint, else it is killed as
 *      hung) and at most its own preshutdown_timeout_ms
 *      (SCM_PRESHUTDOWN_TIMEOUT_INFINITE: no limit but progress); at that
 *      deadline it is cut off (the table's stop-timeout row: killed).  A
 *      service that went back to running instead of stopping has done its
 *      preshutdown work and is stopped in the next phase.  The phase ends
 *      when each of them has stopped or was cut off.
 *   2. stopping: every other service gets SHUTDOWN when it accepts it, else
 *      a stop (SIGTERM for plain and notify services), each once every
 *      service that depends on it has stopped, the independent ones at once
 *      (depend_stop_all()); one that handled PRESHUTDOWN never gets
 *      SHUTDOWN.  The whole phase has one budget (--shutdown-budget, 20 s).
 *   3. killing: at the budget every process still there is killed; scmd
 *      waits at most KILL_GRACE for them to be reaped, then exits.
 *
 * So the whole shutdown takes at most the preshutdown phase, plus the
 * budget, plus KILL_GRACE.  While it waits, scmd logs one line per service
 * still waited for (a second into a phase, then every WAITING_LOG_EVERY):
 * its state, checkpoint, wait hint and status text.  Kernel drivers stay
 * loaded, as on Windows.
 *
 * Nothing here decides a service's state: controls go through
 * service_control() and the table; shutdown.c only chooses what to ask
 * and when, and watches the clock.
 */
#include "shutdown.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "boot.h"
#include "cleanup.h"
#include "depend.h"
#include "failure.h"
#include "log.h"
#include "manager.h"
#include "process.h"

/* After the kill at the budget: time for the killed processes to be reaped. */
#define KILL_GRACE (3 * USEC_PER_SEC)
#define WAITING_LOG_FIRST (1 * USEC_PER_SEC) /* into a phase */
#define WAITING_LOG_EVERY (3 * USEC_PER_SEC)
/* How often the preshutdown phase looks at its services at the least. */
#define PRESHUTDOWN_TICK (1 * USEC_PER_SEC)

static const char *const phase_names[_SHUTDOWN_PHASE_MAX] = {
        [SHUTDOWN_NONE] = "running",
        [SHUTDOWN_PRESHUTDOWN] = "preshutdown",
        [SHUTDOWN_STOPPING] = "stopping",
        [SHUTDOWN_KILLING] = "killing",
};
_Static_assert(ELEMENTSOF(phase_names) == _SHUTDOWN_PHASE_MAX, "every phase has a name");

const char *shutdown_phase_name(enum shutdown_phase phase) {
        return phase >= 0 && phase < _SHUTDOWN_PHASE_MAX ? phase_names[phase] : "?";
}

static void enter_phase(struct manager *m, enum shutdown_phase phase) {
        m->shutdown->phase = phase;
        m->shutdown->since = now_usec();
        m->shutdown->since_unix = (int64_t)time(NULL);
        m->shutdown->next_log = m->shutdown->since + WAITING_LOG_FIRST;
}

/* ---- what each service is asked ---- */

static void shutdown_control_answered(struct control_request *req, struct service *s, int win32) {
        /* Its process going (killed, or done) is no answer worth a line. */
        bool gone =
                win32 == SCM_ERROR_EXCEPTION_IN_SERVICE || win32 == SCM_ERROR_SERVICE_NOT_ACTIVE;
        if (win32 && !gone)
                log_warning("service %s: its handler answered %s with %d (%s)", s->config.name,
                            req->code == SCM_CONTROL_PRESHUTDOWN ? "preshutdown" : "shutdown",
                            win32, scm_error_name(win32) ?: "its own code");
        free(req);
}

/* Sends PRESHUTDOWN or SHUTDOWN; 0 when it went out, else SCM_ERR(win32). */
static int send_ending_control(struct service *s, enum svc_event event, uint32_t code) {
        struct control_request *req = calloc(1, sizeof(*req));
        if (!req)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        *req = (struct control_request){.code = code, .fn = shutdown_control_answered};
        int r = service_control(s, event, req);
        if (r != 1)
                free(req);
        return r < 0 ? r : 0;
}

/* Phase 2 for one service: SHUTDOWN when it takes it, else a stop, else
 * (it can take neither now) a kill. */
static void stop_for_shutdown(struct service *s) {
        if (s->state == SCM_STATE_STOP_PENDING)
                return; /* already on its way */
        if (!s->preshutdown_sent && send_ending_control(s, EV_SHUTDOWN, SCM_CONTROL_SHUTDOWN) >= 0)
                return;
        if (service_stop(s) >= 0 || s->state == SCM_STATE_STOP_PENDING)
                return;
        s->stop_requested = true; /* the kill is not a failure */
        service_kill(s);
}

/* ---- the log of what is waited for ---- */

static void log_waiting_for(struct service *s) {
        char hint[32] = "none";
        if (s->wait_hint)
                snprintf(hint, sizeof(hint), "%u ms", s->wait_hint);
        log_info("shutdown (%s): waiting for service %s: %s, checkpoint %u, wait hint %s, "
                 "status text '%s'",
                 phase_names[s->manager->shutdown->phase], s->config.name, scm_state_name(s->state),
                 s->checkpoint, hint, service_status_text(s));
}

/* A preshutdown service the preshutdown phase still waits for. */
static bool in_preshutdown(const struct service *s) {
        return s->active && s->preshutdown_sent && !s->preshutdown_settled;
}

static bool waited_for(const struct service *s) {
        return s->manager->shutdown->phase == SHUTDOWN_PRESHUTDOWN ? in_preshutdown(s) : s->active;
}

static void log_waiting(struct manager *m) {
        for (struct service *s = m->active; s; s = s->active_next)
                if (waited_for(s))
                        log_waiting_for(s);
        m->shutdown->next_log = now_usec() + WAITING_LOG_EVERY;
}

/* ---- the phases ---- */

static void on_timer(struct loop_timer *t);

static void finish(struct manager *m) {
        if (m->shutdown->finished)
                return;
        m->shutdown->finished = true;
        loop_timer_disarm(m->loop, &m->shutdown->timer);
        log_info("shutdown: every service has stopped (%.1f s); scmd exits",
                 (double)(now_usec() - m->shutdown->began) / USEC_PER_SEC);
        loop_quit(m->loop);
}

static void begin_killing(struct manager *m) {
        enter_phase(m, SHUTDOWN_KILLING);
        for (struct service *s = m->active; s; s = s->active_next) {
                log_warning("shutdown: service %s did not stop within the budget of %llu s "
                            "(%s, checkpoint %u); killing it",
                            s->config.name,
                            (unsigned long long)(m->options.shutdown_budget / USEC_PER_SEC),
                            scm_state_name(s->state), s->checkpoint);
                s->stop_requested = true;
                service_kill(s);
        }
        loop_timer_arm(m->loop, &m->shutdown->timer, now_usec() + KILL_GRACE, on_timer);
}

static void begin_stopping(struct manager *m) {
        enter_phase(m, SHUTDOWN_STOPPING);
        m->shutdown->budget_deadline = now_usec() + m->options.shutdown_budget;
        size_t n = 0;
        for (struct service *s = m->active; s; s = s->active_next)
                n++;
        log_info("shutdown: stopping %zu services (budget %llu s)", n,
                 (unsigned long long)(m->options.shutdown_budget / USEC_PER_SEC));
        /* Dependents before their dependencies (depend.c).  A stop may end a
         * service at once: shutdown_service_stopped() finishes when the last
         * has gone. */
        depend_stop_all(m, NULL, 0, stop_for_shutdown, NULL);
        if (m->shutdown->finished)
                return;
        if (!m->active) {
                finish(m);
                return;
        }
        loop_timer_arm(m->loop, &m->shutdown->timer, m->shutdown->next_log, on_timer);
}

/* Settles the preshutdown services that are done: stopped ones untrack
 * themselves; one back in running (or paused) finished its work; one past
 * its deadline is cut off.  Returns the earliest deadline still ahead. */
static usec_t settle_preshutdown(struct manager *m, usec_t now) {
        usec_t next = UINT64_MAX;
        for (struct service *s = m->active, *n; s; s = n) {
                n = s->active_next;
                if (!in_preshutdown(s))
                        continue;
                if (s->state != SCM_STATE_STOP_PENDING) {
                        log_info("service %s: finished its preshutdown work without stopping; "
                                 "it is stopped with the others",
                                 s->config.name);
                        s->preshutdown_settled = true;
                } else if (s->preshutdown_deadline && now >= s->preshutdown_deadline) {
                        log_warning("service %s: still in preshutdown after its preshutdown "
                                    "timeout of %u ms (checkpoint %u); cutting it off",
                                    s->config.name, s->config.preshutdown_timeout_ms,
                                    s->checkpoint);
                        s->preshutdown_settled = true;
                        service_dispatch(s, EV_STOP_TIMEOUT); /* the table kills it */
                } else if (s->preshutdown_deadline && s->preshutdown_deadline < next) {
                        next = s->preshutdown_deadline;
                }
        }
        return next;
}

static bool preshutdown_done(const struct manager *m) {
        for (const struct service *s = m->active; s; s = s->active_next)
                if (in_preshutdown(s))
                        return false;
        return true;
}

/* Looks at the preshutdown phase: moves on when it is over, else sleeps
 * until the next deadline, waiting line or tick. */
static void check_preshutdown(struct manager *m) {
        usec_t now = now_usec();
        usec_t next = settle_preshutdown(m, now);
        if (preshutdown_done(m)) {
                log_info("shutdown: the preshutdown phase is over (%.1f s)",
                         (double)(now - m->shutdown->since) / USEC_PER_SEC);
                begin_stopping(m);
                return;
        }
        if (now >= m->shutdown->next_log)
                log_waiting(m);
        if (next > m->shutdown->next_log)
                next = m->shutdown->next_log;
        if (next > now + PRESHUTDOWN_TICK)
                next = now + PRESHUTDOWN_TICK;
        loop_timer_arm(m->loop, &m->shutdown->timer, next, on_timer);
}

static void begin_preshutdown(struct manager *m) {
        enter_phase(m, SHUTDOWN_PRESHUTDOWN);
        size_t n = 0;
        for (struct service *s = m->active, *next; s; s = next) {
                next = s->active_next;
                if (!(s->controls_accepted & SCM_ACCEPT_PRESHUTDOWN) ||
                    send_ending_control(s, EV_PRESHUTDOWN, SCM_CONTROL_PRESHUTDOWN) < 0)
                        continue;
                uint32_t ms = s->config.preshutdown_timeout_ms;
                s->preshutdown_sent = true;
                s->preshutdown_deadline = ms == SCM_PRESHUTDOWN_TIMEOUT_INFINITE
                                                  ? 0
                                                  : now_usec() + (usec_t)ms * USEC_PER_MSEC;
                n++;
        }
        if (n)
                log_info("shutdown: preshutdown sent to %zu services; waiting while they make "
                         "progress",
                         n);
        check_preshutdown(m);
}

static void on_timer(struct loop_timer *t) {
        struct manager *m = container_of(t, struct shutdown_state, timer)->manager;
        usec_t now = now_usec();
        switch (m->shutdown->phase) {
        case SHUTDOWN_PRESHUTDOWN:
                check_preshutdown(m);
                break;
        case SHUTDOWN_STOPPING:
                if (now >= m->shutdown->budget_deadline) {
                        begin_killing(m);
                        break;
                }
                log_waiting(m);
                usec_t next = m->shutdown->next_log;
                loop_timer_arm(m->loop, t,
                               next < m->shutdown->budget_deadline ? next
                                                                   : m->shutdown->budget_deadline,
                               on_timer);
                break;
        case SHUTDOWN_KILLING:
                for (struct service *s = m->active; s; s = s->active_next)
                        log_error("shutdown: service %s is still there %llu s after it was "
                                  "killed; leaving it",
                                  s->config.name, (unsigned long long)(KILL_GRACE / USEC_PER_SEC));
                m->exit_status = 1;
                loop_quit(m->loop);
                break;
        default:
                break;
        }
}

/* ---- the entry points ---- */

void shutdown_begin(struct manager *m) {
        if (m->shutting_down) {
                log_info("already shutting down (%s)", phase_names[m->shutdown->phase]);
                return;
        }
        m->shutting_down = true;
        m->shutdown->began = now_usec();
        failure_cancel_all(m); /* an orderly stop leaves no action waiting */
        boot_shutdown_begins(m);
        /* No start waiting for its dependencies goes on. */
        depend_cancel_starts(m, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                             "scmd is shutting down and starts nothing more");
        log_info("shutting down");
        begin_preshutdown(m);
}

void shutdown_service_stopped(struct manager *m) {
        switch (m->shutdown->phase) {
        case SHUTDOWN_PRESHUTDOWN:
                if (preshutdown_done(m))
                        loop_timer_arm(m->loop, &m->shutdown->timer, now_usec(), on_timer);
                break;
        case SHUTDOWN_STOPPING:
        case SHUTDOWN_KILLING:
                if (!m->active)
                        finish(m);
                break;
        default:
                break;
        }
}

json_t *shutdown_pending_json(struct manager *m) {
        json_t *list = json_array();
        for (struct service *s = m->active; list && s; s = s->active_next)
                if (waited_for(s))
                        json_array_append_new(
                                list, json_pack("{s:s, s:s, s:I, s:I, s:s}", "name", s->config.name,
                                                "state", scm_state_name(s->state), "checkpoint",
                                                (json_int_t)s->checkpoint, "wait_hint",
                                                (json_int_t)s->wait_hint, "status_text",
                                                service_status_text(s)));
        return list;
}
