/* SPDX-License-Identifier: MIT */
/*
 * The complete behaviour of a service, as one table indexed by kind (the
 * rows: plain, native, notify, forking, oneshot, a oneshot that remains
 * after exit, or a kernel driver whatever its kind), state and event.  Nothing else in scmd decides
 * whether a request is accepted or which state follows which: service.c only carries out the
 * effects the table names.  tests/unit/test_state.c walks every (kind, state, event).
 *
 * The kinds differ only where their processes differ:
 *   - plain: running once exec succeeds; stop is SIGTERM; pause, when
 *     configured, freezes the cgroup;
 *   - notify: as plain, but running only at READY=1, stopping at STOPPING=1,
 *     and a missed watchdog or a start without READY in time is a hang;
 *   - forking: as plain, but running only once its first process has
 *     exited 0 and its main pid is known (process.c: from its PID file or
 *     the one process left); that pid's death is the service's;
 *   - oneshot: a job.  It is START_PENDING while it runs, and its clean
 *     exit 0 is a success: STOPPED with NO_ERROR, or RUNNING with no
 *     process when it remains after exit (stop then needs no signal);
 *     any other end is PROCESS_ABORTED, as for plain;
 *   - reload (PARAMCHANGE) of plain, notify and forking services runs the
 *     reload command or sends the reload signal; it is accepted only when
 *     one is configured (service.c's accept bits);
 *   - native: every control goes to the service's handler and every state
 *     comes from the service's own reports; scmd enters STOP_PENDING itself
 *     when it delivers a stop, so no further control follows a stop.  A
 *     member of a shared process that reports STOPPED while other members
 *     run in it is STOPPED at once (left-process); the last one waits for
 *     the process to end, as an own-process service does;
 *   - driver (type kernel-driver): no process; start loads the module and
 *     stop unloads it (driver.c), each pending until modprobe has ended.
 *
 * Control gating follows ControlService: a stopped service is
 * SERVICE_NOT_ACTIVE; a stop-pending one CANNOT_ACCEPT_CTRL; a start-pending
 * one takes only stop; an accepted control still needs its SERVICE_ACCEPT_*
 * bit, else INVALID_SERVICE_CONTROL.  Interrogate needs no bit, nor do the
 * custom controls 128-255, which go to a native handler as they are.
 * Shutdown and preshutdown are scmd's own requests (shutdown.c), never a
 * client's: delivered to a native handler that accepts them, they end the
 * service as a stop does; plain and notify services are stopped instead.
 */
#include "state.h"

#include <stdbool.h>

#include <scm/error.h>
#include <scm/types.h>

#include "cleanup.h"
#include "process_config.h"
#include "service_config.h"

/* The table reads best as a table: */
/* clang-format off */
#define REFUSE(err)        {.refuse = SCM_ERROR_##err}
#define NOT_ACTIVE         REFUSE(SERVICE_NOT_ACTIVE)
#define CANNOT_ACCEPT      REFUSE(SERVICE_CANNOT_ACCEPT_CTRL)
#define ALREADY_RUNNING    REFUSE(SERVICE_ALREADY_RUNNING)
#define INVALID_CONTROL    REFUSE(INVALID_SERVICE_CONTROL)
#define ACCEPT(bit)        {.needs_accept = (bit)}
#define GO(state, eff)     {.to = SCM_STATE_##state, .effects = (eff)}
#define DO(eff)            {.effects = (eff)}
#define CONTROL(state, eff, bit) {.to = (state), .effects = (eff), .needs_accept = (bit)}

/* The process went without being asked. */
#define ABORTED            GO(STOPPED, EFF_ABORTED | EFF_FINISH)
/* Every process has gone after a stop (or after a kill that set the code). */
#define STOPPED_CLEANLY    GO(STOPPED, EFF_FINISH)

/* ---- rows shared by every kind ---- */

#define STOPPED_ROW                                                                                \
        [EV_START] = GO(START_PENDING, EFF_RESET_EXIT | EFF_SPAWN),                               \
        [EV_STOP] = NOT_ACTIVE, [EV_PAUSE] = NOT_ACTIVE, [EV_CONTINUE] = NOT_ACTIVE,              \
        [EV_INTERROGATE] = NOT_ACTIVE, [EV_PARAMCHANGE] = NOT_ACTIVE, [EV_CUSTOM] = NOT_ACTIVE,   \
        [EV_SHUTDOWN] = NOT_ACTIVE, [EV_PRESHUTDOWN] = NOT_ACTIVE

#define STOP_PENDING_ROW                                                                           \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = CANNOT_ACCEPT, [EV_PAUSE] = CANNOT_ACCEPT, [EV_CONTINUE] = CANNOT_ACCEPT,      \
        [EV_INTERROGATE] = CANNOT_ACCEPT, [EV_PARAMCHANGE] = CANNOT_ACCEPT,                        \
        [EV_CUSTOM] = CANNOT_ACCEPT, [EV_SHUTDOWN] = CANNOT_ACCEPT,                                \
        [EV_PRESHUTDOWN] = CANNOT_ACCEPT,                                                          \
        [EV_EXITED] = STOPPED_CLEANLY,                                                             \
        [EV_STOP_TIMEOUT] = DO(EFF_KILL | EFF_TIMED_OUT),                                          \
        [EV_HANG] = DO(EFF_KILL | EFF_TIMED_OUT)

/* Start-pending takes only stop (with its accept bit). */
#define START_PENDING_GATES(stop)                                                                  \
        [EV_START] = ALREADY_RUNNING, [EV_STOP] = stop,                                            \
        [EV_PAUSE] = CANNOT_ACCEPT, [EV_CONTINUE] = CANNOT_ACCEPT,                                 \
        [EV_INTERROGATE] = CANNOT_ACCEPT, [EV_PARAMCHANGE] = CANNOT_ACCEPT,                        \
        [EV_CUSTOM] = CANNOT_ACCEPT, [EV_SHUTDOWN] = CANNOT_ACCEPT,                                \
        [EV_PRESHUTDOWN] = CANNOT_ACCEPT,                                                          \
        [EV_SPAWN_FAILED] = STOPPED_CLEANLY,                                                       \
        [EV_EXITED] = ABORTED,                                                                     \
        [EV_HANG] = DO(EFF_KILL | EFF_START_HANG)

/* ---- plain and notify: scmd drives the process by signals ---- */

#define SIGNAL_STOP        CONTROL(SCM_STATE_STOP_PENDING, EFF_SIGNAL_STOP, SCM_ACCEPT_STOP)
#define RELOAD             CONTROL(0, EFF_RELOAD, SCM_ACCEPT_PARAMCHANGE)
#define THAW_AND_STOP      CONTROL(SCM_STATE_STOP_PENDING, EFF_THAW | EFF_SIGNAL_STOP, SCM_ACCEPT_STOP)

#define SIGNALLED_RUNNING_ROW                                                                      \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = SIGNAL_STOP,                                                                   \
        [EV_PAUSE] = CONTROL(SCM_STATE_PAUSED, EFF_FREEZE, SCM_ACCEPT_PAUSE_CONTINUE),            \
        [EV_CONTINUE] = ACCEPT(SCM_ACCEPT_PAUSE_CONTINUE),                                         \
        [EV_INTERROGATE] = ACCEPT(0),                                                              \
        [EV_PARAMCHANGE] = RELOAD,                                                                 \
        [EV_CUSTOM] = INVALID_CONTROL, /* no handler to deliver it to */                          \
        [EV_SHUTDOWN] = INVALID_CONTROL, [EV_PRESHUTDOWN] = INVALID_CONTROL,                       \
        [EV_EXITED] = ABORTED

#define SIGNALLED_PAUSED_ROW                                                                       \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = THAW_AND_STOP,                                                                 \
        [EV_PAUSE] = ACCEPT(SCM_ACCEPT_PAUSE_CONTINUE),                                            \
        [EV_CONTINUE] = CONTROL(SCM_STATE_RUNNING, EFF_THAW, SCM_ACCEPT_PAUSE_CONTINUE),          \
        [EV_INTERROGATE] = ACCEPT(0),                                                              \
        [EV_PARAMCHANGE] = CANNOT_ACCEPT, /* frozen: it could not reload */                       \
        [EV_CUSTOM] = INVALID_CONTROL,                                                             \
        [EV_SHUTDOWN] = INVALID_CONTROL, [EV_PRESHUTDOWN] = INVALID_CONTROL,                       \
        [EV_EXITED] = ABORTED

/* Never entered by plain or notify services: they pause in one step. */
#define SIGNALLED_UNUSED_ROW                                                                       \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = THAW_AND_STOP,                                                                 \
        [EV_PAUSE] = CANNOT_ACCEPT, [EV_CONTINUE] = CANNOT_ACCEPT,                                 \
        [EV_INTERROGATE] = ACCEPT(0), [EV_PARAMCHANGE] = CANNOT_ACCEPT,                            \
        [EV_CUSTOM] = INVALID_CONTROL,                                                             \
        [EV_SHUTDOWN] = INVALID_CONTROL, [EV_PRESHUTDOWN] = INVALID_CONTROL,                       \
        [EV_EXITED] = ABORTED

/* ---- oneshot that remains after exit: RUNNING with no process ---- */

#define REMAINING_ROW                                                                              \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = CONTROL(SCM_STATE_STOPPED, 0, SCM_ACCEPT_STOP),                               \
        [EV_PAUSE] = INVALID_CONTROL, [EV_CONTINUE] = INVALID_CONTROL,                             \
        [EV_INTERROGATE] = ACCEPT(0), [EV_PARAMCHANGE] = INVALID_CONTROL,                          \
        [EV_CUSTOM] = INVALID_CONTROL,                                                             \
        [EV_SHUTDOWN] = INVALID_CONTROL, [EV_PRESHUTDOWN] = INVALID_CONTROL

#define ONESHOT_ROWS(success)                                                                      \
        [SCM_STATE_STOPPED] = { STOPPED_ROW },                                                     \
        [SCM_STATE_START_PENDING] = {                                                              \
                START_PENDING_GATES(SIGNAL_STOP),                                                  \
                [EV_SPAWNED] = DO(EFF_ACK_START),                                                  \
                [EV_SUCCEEDED] = success,                                                          \
        },                                                                                         \
        [SCM_STATE_RUNNING] = { REMAINING_ROW },                                                   \
        [SCM_STATE_PAUSED] = { SIGNALLED_UNUSED_ROW },                                             \
        [SCM_STATE_PAUSE_PENDING] = { SIGNALLED_UNUSED_ROW },                                      \
        [SCM_STATE_CONTINUE_PENDING] = { SIGNALLED_UNUSED_ROW },                                   \
        [SCM_STATE_STOP_PENDING] = { STOP_PENDING_ROW }

/* ---- native: controls go to the handler, states come from reports ---- */

#define DELIVER(bit)       CONTROL(0, EFF_DELIVER, bit)
#define DELIVER_STOP       CONTROL(SCM_STATE_STOP_PENDING, EFF_DELIVER, SCM_ACCEPT_STOP)
/* Shutdown and preshutdown end the service as a stop does (shutdown.c). */
#define DELIVER_ENDING(bit) CONTROL(SCM_STATE_STOP_PENDING, EFF_DELIVER, bit)
/* The service says it has stopped: its process should end now. */
#define REPORTED_STOPPED   GO(STOP_PENDING, EFF_STOP_TIMER)

/* A member of a shared process stopped while others run in it: it leaves. */
#define LEFT_PROCESS       GO(STOPPED, EFF_FINISH)

#define REPORTS REPORTS_BUT_STOPPED, [EV_REPORT_STOPPED] = REPORTED_STOPPED
#define REPORTS_BUT_STOPPED                                                                        \
        [EV_LEFT_PROCESS] = LEFT_PROCESS,                                                          \
        [EV_REPORT_START_PENDING] = GO(START_PENDING, 0),                                          \
        [EV_REPORT_STOP_PENDING] = GO(STOP_PENDING, 0),                                            \
        [EV_REPORT_RUNNING] = GO(RUNNING, 0),                                                      \
        [EV_REPORT_CONTINUE_PENDING] = GO(CONTINUE_PENDING, 0),                                    \
        [EV_REPORT_PAUSE_PENDING] = GO(PAUSE_PENDING, 0),                                          \
        [EV_REPORT_PAUSED] = GO(PAUSED, 0)

#define NATIVE_ACTIVE_ROW(pending_hang)                                                            \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = DELIVER_STOP,                                                                  \
        [EV_PAUSE] = DELIVER(SCM_ACCEPT_PAUSE_CONTINUE),                                           \
        [EV_CONTINUE] = DELIVER(SCM_ACCEPT_PAUSE_CONTINUE),                                        \
        [EV_INTERROGATE] = DELIVER(0),                                                             \
        [EV_PARAMCHANGE] = DELIVER(SCM_ACCEPT_PARAMCHANGE),                                        \
        [EV_CUSTOM] = DELIVER(0),                                                                  \
        [EV_SHUTDOWN] = DELIVER_ENDING(SCM_ACCEPT_SHUTDOWN),                                       \
        [EV_PRESHUTDOWN] = DELIVER_ENDING(SCM_ACCEPT_PRESHUTDOWN),                                 \
        [EV_EXITED] = ABORTED,                                                                     \
        [EV_HANG] = pending_hang,                                                                  \
        REPORTS

/* ---- kernel drivers: a module loaded by modprobe, no process (driver.c) ----
 * Their facts reuse the process events: spawned = the module is loaded,
 * spawn-failed = modprobe failed (loading, or unloading), exited = the
 * module is gone. */

#define UNLOAD             CONTROL(SCM_STATE_STOP_PENDING, EFF_UNLOAD, SCM_ACCEPT_STOP)

#define DRIVER_BUSY_ROW                                                                            \
        [EV_START] = ALREADY_RUNNING,                                                              \
        [EV_STOP] = CANNOT_ACCEPT, [EV_PAUSE] = CANNOT_ACCEPT, [EV_CONTINUE] = CANNOT_ACCEPT,      \
        [EV_INTERROGATE] = CANNOT_ACCEPT, [EV_PARAMCHANGE] = CANNOT_ACCEPT,                        \
        [EV_CUSTOM] = CANNOT_ACCEPT, [EV_SHUTDOWN] = CANNOT_ACCEPT,                                \
        [EV_PRESHUTDOWN] = CANNOT_ACCEPT,                                                          \
        [EV_EXITED] = ABORTED

static const struct transition table[_SVC_ROWS_MAX][_SCM_STATE_MAX][_EV_MAX] = {
        [SCM_KIND_PLAIN] = {
                [SCM_STATE_STOPPED] = { STOPPED_ROW },
                [SCM_STATE_START_PENDING] = {
                        START_PENDING_GATES(SIGNAL_STOP),
                        [EV_SPAWNED] = GO(RUNNING, EFF_ACK_START),
                },
                [SCM_STATE_RUNNING] = { SIGNALLED_RUNNING_ROW },
                [SCM_STATE_PAUSED] = { SIGNALLED_PAUSED_ROW },
                [SCM_STATE_PAUSE_PENDING] = { SIGNALLED_UNUSED_ROW },
                [SCM_STATE_CONTINUE_PENDING] = { SIGNALLED_UNUSED_ROW },
                [SCM_STATE_STOP_PENDING] = { STOP_PENDING_ROW },
        },
        [SCM_KIND_NOTIFY] = {
                [SCM_STATE_STOPPED] = { STOPPED_ROW },
                [SCM_STATE_START_PENDING] = {
                        START_PENDING_GATES(SIGNAL_STOP),
                        [EV_SPAWNED] = DO(EFF_ACK_START),
                        [EV_READY] = GO(RUNNING, 0),
                        [EV_STOPPING] = GO(STOP_PENDING, EFF_STOP_TIMER),
                },
                [SCM_STATE_RUNNING] = {
                        SIGNALLED_RUNNING_ROW,
                        [EV_STOPPING] = GO(STOP_PENDING, EFF_STOP_TIMER),
                        [EV_WATCHDOG] = DO(EFF_KILL | EFF_TIMED_OUT),
                },
                [SCM_STATE_PAUSED] = { SIGNALLED_PAUSED_ROW },
                [SCM_STATE_PAUSE_PENDING] = { SIGNALLED_UNUSED_ROW },
                [SCM_STATE_CONTINUE_PENDING] = { SIGNALLED_UNUSED_ROW },
                [SCM_STATE_STOP_PENDING] = { STOP_PENDING_ROW },
        },
        [SCM_KIND_FORKING] = {
                [SCM_STATE_STOPPED] = { STOPPED_ROW },
                [SCM_STATE_START_PENDING] = {
                        START_PENDING_GATES(SIGNAL_STOP),
                        [EV_FORKED] = GO(RUNNING, EFF_ACK_START),
                },
                [SCM_STATE_RUNNING] = { SIGNALLED_RUNNING_ROW },
                [SCM_STATE_PAUSED] = { SIGNALLED_PAUSED_ROW },
                [SCM_STATE_PAUSE_PENDING] = { SIGNALLED_UNUSED_ROW },
                [SCM_STATE_CONTINUE_PENDING] = { SIGNALLED_UNUSED_ROW },
                [SCM_STATE_STOP_PENDING] = { STOP_PENDING_ROW },
        },
        /* A job's start is answered once it runs; it is START_PENDING until
         * it ends (scctl start --wait waits for that). */
        [SCM_KIND_ONESHOT] = { ONESHOT_ROWS(STOPPED_CLEANLY) },
        [SVC_ROWS_ONESHOT_REMAIN] = { ONESHOT_ROWS(GO(RUNNING, EFF_FINISH)) },
        [SCM_KIND_NATIVE] = {
                [SCM_STATE_STOPPED] = { STOPPED_ROW },
                [SCM_STATE_START_PENDING] = {
                        START_PENDING_GATES(DELIVER_STOP),
                        [EV_CONNECTED] = DO(EFF_ACK_START),
                        REPORTS,
                },
                [SCM_STATE_RUNNING] = { NATIVE_ACTIVE_ROW({0}) },
                [SCM_STATE_PAUSED] = { NATIVE_ACTIVE_ROW({0}) },
                [SCM_STATE_PAUSE_PENDING] = { NATIVE_ACTIVE_ROW(DO(EFF_KILL | EFF_TIMED_OUT)) },
                [SCM_STATE_CONTINUE_PENDING] = { NATIVE_ACTIVE_ROW(DO(EFF_KILL | EFF_TIMED_OUT)) },
                [SCM_STATE_STOP_PENDING] = {
                        STOP_PENDING_ROW,
                        REPORTS_BUT_STOPPED,
                        [EV_REPORT_STOPPED] = DO(EFF_STOP_TIMER),
                },
        },
        [SVC_ROWS_DRIVER] = {
                [SCM_STATE_STOPPED] = { STOPPED_ROW },
                [SCM_STATE_START_PENDING] = {
                        DRIVER_BUSY_ROW,
                        [EV_SPAWNED] = GO(RUNNING, EFF_ACK_START),
                        [EV_SPAWN_FAILED] = STOPPED_CLEANLY,
                },
                [SCM_STATE_RUNNING] = {
                        [EV_START] = ALREADY_RUNNING,
                        [EV_STOP] = UNLOAD,
                        [EV_PAUSE] = INVALID_CONTROL, [EV_CONTINUE] = INVALID_CONTROL,
                        [EV_INTERROGATE] = ACCEPT(0), [EV_PARAMCHANGE] = INVALID_CONTROL,
                        [EV_CUSTOM] = INVALID_CONTROL, [EV_SHUTDOWN] = INVALID_CONTROL,
                        [EV_PRESHUTDOWN] = INVALID_CONTROL,
                        [EV_EXITED] = ABORTED, /* unloaded behind scmd's back */
                },
                [SCM_STATE_PAUSED] = { DRIVER_BUSY_ROW },
                [SCM_STATE_PAUSE_PENDING] = { DRIVER_BUSY_ROW },
                [SCM_STATE_CONTINUE_PENDING] = { DRIVER_BUSY_ROW },
                [SCM_STATE_STOP_PENDING] = {
                        STOP_PENDING_ROW,
                        [EV_SPAWN_FAILED] = GO(RUNNING, 0), /* still loaded */
                },
        },
};
/* clang-format on */

static const struct transition ignored;

static bool is_empty(const struct transition *t) {
        return !t->to && !t->effects && !t->refuse && !t->needs_accept;
}

const struct transition *state_transition(enum svc_rows rows, enum scm_state state,
                                          enum svc_event event) {
        if (rows < 0 || rows >= _SVC_ROWS_MAX || state <= 0 || state >= _SCM_STATE_MAX ||
            event < 0 || event >= _EV_MAX)
                return &ignored;
        const struct transition *t = &table[rows][state][event];
        if (event == EV_SUCCEEDED && is_empty(t))
                t = &table[rows][state][EV_EXITED];
        return t;
}

enum svc_rows state_rows_of(const struct service_config *c) {
        if (c->type == SCM_TYPE_KERNEL_DRIVER)
                return SVC_ROWS_DRIVER;
        if (c->kind == SCM_KIND_ONESHOT && c->process && c->process->remain_after_exit)
                return SVC_ROWS_ONESHOT_REMAIN;
        return (enum svc_rows)c->kind;
}

static const char *const event_names[_EV_MAX] = {
        [EV_START] = "start",
        [EV_STOP] = "stop",
        [EV_PAUSE] = "pause",
        [EV_CONTINUE] = "continue",
        [EV_INTERROGATE] = "interrogate",
        [EV_PARAMCHANGE] = "paramchange",
        [EV_CUSTOM] = "custom",
        [EV_SHUTDOWN] = "shutdown",
        [EV_PRESHUTDOWN] = "preshutdown",
        [EV_SPAWNED] = "spawned",
        [EV_SPAWN_FAILED] = "spawn-failed",
        [EV_EXITED] = "exited",
        [EV_SUCCEEDED] = "succeeded",
        [EV_STOP_TIMEOUT] = "stop-timeout",
        [EV_HANG] = "hang",
        [EV_CONNECTED] = "connected",
        [EV_LEFT_PROCESS] = "left-process",
        [EV_READY] = "ready",
        [EV_STOPPING] = "stopping",
        [EV_WATCHDOG] = "watchdog",
        [EV_FORKED] = "forked",
        [EV_REPORT_STOPPED] = "report-stopped",
        [EV_REPORT_START_PENDING] = "report-start-pending",
        [EV_REPORT_STOP_PENDING] = "report-stop-pending",
        [EV_REPORT_RUNNING] = "report-running",
        [EV_REPORT_CONTINUE_PENDING] = "report-continue-pending",
        [EV_REPORT_PAUSE_PENDING] = "report-pause-pending",
        [EV_REPORT_PAUSED] = "report-paused",
};
_Static_assert(ELEMENTSOF(event_names) == _EV_MAX, "every event has a name");

const char *svc_event_name(enum svc_event event) {
        return event >= 0 && event < _EV_MAX ? event_names[event] : "?";
}

bool svc_event_is_request(enum svc_event event) {
        return event >= 0 && event < _EV_REQUEST_MAX;
}
