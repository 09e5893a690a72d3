/* SPDX-License-Identifier: MIT */
/*
 * The state table: for each kind of service, each state and each event,
 * the transition (the new state and the effects).  service.c is its only
 * executor; tests/unit/test_state.c walks every pair.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <scm/types.h>

/* What can happen to a service.  The first group are requests (from a
 * client or from scmd itself); the rest are facts reported by the system
 * or by the service. */
enum svc_event {
        EV_START,
        EV_STOP,
        EV_PAUSE,
        EV_CONTINUE,
        EV_INTERROGATE,
        EV_PARAMCHANGE,
        EV_CUSTOM,
        EV_SHUTDOWN,    /* scmd's shutdown, to a service that accepts it (shutdown.c) */
        EV_PRESHUTDOWN, /* the same, before everything else, waited for on progress */
        _EV_REQUEST_MAX,
        EV_SPAWNED = _EV_REQUEST_MAX, /* exec succeeded */
        EV_SPAWN_FAILED,              /* a step before exec failed */
        EV_EXITED,                    /* the process and all of its cgroup ended */
        EV_SUCCEEDED,                 /* as exited, the main process with code 0 */
        EV_STOP_TIMEOUT,              /* the stop grace period passed */
        EV_HANG,                      /* a pending state made no progress in time */
        EV_CONNECTED,                 /* native: the dispatcher said hello */
        EV_LEFT_PROCESS,              /* share: it reported STOPPED; its process goes on */
        EV_READY,                     /* notify: READY=1 */
        EV_STOPPING,                  /* notify: STOPPING=1 */
        EV_WATCHDOG,                  /* notify: WATCHDOG=1 did not come in time */
        EV_FORKED,                    /* forking: it has daemonized and its main pid is known */
        /* native: the service reported a state; in the order of enum scm_state */
        EV_REPORT_STOPPED,
        EV_REPORT_START_PENDING,
        EV_REPORT_STOP_PENDING,
        EV_REPORT_RUNNING,
        EV_REPORT_CONTINUE_PENDING,
        EV_REPORT_PAUSE_PENDING,
        EV_REPORT_PAUSED,
        _EV_MAX
};

#define EV_REPORT(state) ((enum svc_event)(EV_REPORT_STOPPED + (state)-SCM_STATE_STOPPED))

/* Side effects of a transition, carried out by service.c in this order. */
enum svc_effect {
        EFF_RESET_EXIT = 1u << 0,  /* clear exit codes before a new run */
        EFF_SPAWN = 1u << 1,       /* start the process */
        EFF_ACK_START = 1u << 2,   /* the start is under way: answer the client */
        EFF_SIGNAL_STOP = 1u << 3, /* SIGTERM to the process; arm the stop timer */
        EFF_STOP_TIMER = 1u << 4,  /* arm the stop timer only (it is going by itself) */
        EFF_DELIVER = 1u << 5,     /* send the control to the service's handler */
        EFF_FREEZE = 1u << 6,      /* freeze the cgroup (pause) */
        EFF_THAW = 1u << 7,        /* thaw the cgroup (continue, and before a stop) */
        EFF_KILL = 1u << 8,        /* kill every process of the service */
        EFF_ABORTED = 1u << 9,     /* win32 exit code := PROCESS_ABORTED, unless set */
        EFF_TIMED_OUT = 1u << 10,  /* win32 exit code := SERVICE_REQUEST_TIMEOUT, unless set */
        EFF_START_HANG = 1u << 11, /* win32 exit code := SERVICE_START_HANG, unless set */
        EFF_FINISH = 1u << 12,     /* release the process handles; persist the result */
        EFF_UNLOAD = 1u << 13,     /* kernel driver: unload the module (driver.c) */
        EFF_RELOAD = 1u << 14,     /* plain, notify, forking: its reload signal or command */
};

/* The table's rows: a service's kind, or a kernel driver's rows whatever
 * its kind (state_rows_of()). */
enum svc_rows {
        SVC_ROWS_PLAIN = SCM_KIND_PLAIN,
        SVC_ROWS_NATIVE = SCM_KIND_NATIVE,
        SVC_ROWS_NOTIFY = SCM_KIND_NOTIFY,
        SVC_ROWS_FORKING = SCM_KIND_FORKING,
        SVC_ROWS_ONESHOT = SCM_KIND_ONESHOT,
        SVC_ROWS_DRIVER = _SCM_KIND_MAX, /* type kernel-driver: a module, no process */
        SVC_ROWS_ONESHOT_REMAIN,         /* a one-shot job that stays RUNNING after exit 0 */
        _SVC_ROWS_MAX,
};

struct transition {
        enum scm_state to;     /* 0: the state does not change */
        uint32_t effects;      /* enum svc_effect bits */
        int refuse;            /* requests only: the Win32 error; 0 accepts */
        uint32_t needs_accept; /* requests only: SCM_ACCEPT_* bit the service must accept */
};

/* The transition for event in state; never NULL.  An all-zero entry means
 * the event is ignored in that state, except for EV_SUCCEEDED, which is
 * EV_EXITED wherever a row does not name it. */
const struct transition *state_transition(enum svc_rows rows, enum scm_state state,
                                          enum svc_event event);
struct service_config;
/* Which rows of the table a service with config c follows. */
enum svc_rows state_rows_of(const struct service_config *c);
const char *svc_event_name(enum svc_event event);
/* True for events that a client may request (and that may be refused). */
bool svc_event_is_request(enum svc_event event);
