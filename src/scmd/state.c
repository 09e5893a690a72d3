/* SPDX-License-Identifier: MIT */
/*
 * The complete behaviour of a service, as one table indexed by state and
 * event.  Nothing else in scmd decides whether a request is accepted or
 * which state follows which: service.c only carries out the effects the
 * table names.  tests/unit/test_state.c walks every (state, event) pair.
 *
 * Control gating follows ControlService: a stopped service is
 * SERVICE_NOT_ACTIVE; start- and stop-pending ones CANNOT_ACCEPT_CTRL; an
 * accepted control still needs its SERVICE_ACCEPT_* bit, else
 * INVALID_SERVICE_CONTROL.  Interrogate needs no bit.
 */
#include "scmd.h"

#include "cleanup.h"

/* The table reads best as a table: */
/* clang-format off */
#define REFUSE(err) {.refuse = SCM_ERROR_##err}
#define NOT_ACTIVE REFUSE(SERVICE_NOT_ACTIVE)
#define CANNOT_ACCEPT REFUSE(SERVICE_CANNOT_ACCEPT_CTRL)
#define ALREADY_RUNNING REFUSE(SERVICE_ALREADY_RUNNING)

/* Stop from a state where the service runs: ask it, arm the timer. */
#define STOP_FROM_RUNNING                                                                          \
        {.to = SCM_STATE_STOP_PENDING, .effects = EFF_SIGNAL_STOP, .needs_accept = SCM_ACCEPT_STOP}
/* The process went without being asked. */
#define ABORTED {.to = SCM_STATE_STOPPED, .effects = EFF_ABORTED | EFF_FINISH}
#define ACCEPT(bit) {.needs_accept = (bit)}

static const struct transition table[_SCM_STATE_MAX][_EV_MAX] = {
        [SCM_STATE_STOPPED] = {
                [EV_START] = {.to = SCM_STATE_START_PENDING, .effects = EFF_RESET_EXIT | EFF_SPAWN},
                [EV_STOP] = NOT_ACTIVE,
                [EV_PAUSE] = NOT_ACTIVE,
                [EV_CONTINUE] = NOT_ACTIVE,
                [EV_INTERROGATE] = NOT_ACTIVE,
                [EV_PARAMCHANGE] = NOT_ACTIVE,
                [EV_CUSTOM] = NOT_ACTIVE,
        },
        [SCM_STATE_START_PENDING] = {
                [EV_START] = ALREADY_RUNNING,
                [EV_STOP] = CANNOT_ACCEPT,
                [EV_PAUSE] = CANNOT_ACCEPT,
                [EV_CONTINUE] = CANNOT_ACCEPT,
                [EV_INTERROGATE] = CANNOT_ACCEPT,
                [EV_PARAMCHANGE] = CANNOT_ACCEPT,
                [EV_CUSTOM] = CANNOT_ACCEPT,
                [EV_SPAWNED] = {.to = SCM_STATE_RUNNING},
                [EV_SPAWN_FAILED] = {.to = SCM_STATE_STOPPED, .effects = EFF_FINISH},
                [EV_EXITED] = ABORTED,
        },
        [SCM_STATE_RUNNING] = {
                [EV_START] = ALREADY_RUNNING,
                [EV_STOP] = STOP_FROM_RUNNING,
                [EV_PAUSE] = {.to = SCM_STATE_PAUSE_PENDING, .needs_accept = SCM_ACCEPT_PAUSE_CONTINUE},
                [EV_CONTINUE] = ACCEPT(SCM_ACCEPT_PAUSE_CONTINUE),
                [EV_INTERROGATE] = ACCEPT(0),
                [EV_PARAMCHANGE] = ACCEPT(SCM_ACCEPT_PARAMCHANGE),
                [EV_CUSTOM] = REFUSE(INVALID_SERVICE_CONTROL), /* plain: no channel yet */
                [EV_EXITED] = ABORTED,
        },
        [SCM_STATE_STOP_PENDING] = {
                [EV_START] = ALREADY_RUNNING,
                [EV_STOP] = CANNOT_ACCEPT,
                [EV_PAUSE] = CANNOT_ACCEPT,
                [EV_CONTINUE] = CANNOT_ACCEPT,
                [EV_INTERROGATE] = CANNOT_ACCEPT,
                [EV_PARAMCHANGE] = CANNOT_ACCEPT,
                [EV_CUSTOM] = CANNOT_ACCEPT,
                [EV_EXITED] = {.to = SCM_STATE_STOPPED, .effects = EFF_FINISH},
                [EV_STOP_TIMEOUT] = {.effects = EFF_KILL | EFF_TIMED_OUT},
        },
        [SCM_STATE_PAUSE_PENDING] = {
                [EV_START] = ALREADY_RUNNING,
                [EV_STOP] = STOP_FROM_RUNNING,
                [EV_PAUSE] = ACCEPT(SCM_ACCEPT_PAUSE_CONTINUE),
                [EV_CONTINUE] = {.to = SCM_STATE_CONTINUE_PENDING, .needs_accept = SCM_ACCEPT_PAUSE_CONTINUE},
                [EV_INTERROGATE] = ACCEPT(0),
                [EV_PARAMCHANGE] = ACCEPT(SCM_ACCEPT_PARAMCHANGE),
                [EV_CUSTOM] = REFUSE(INVALID_SERVICE_CONTROL),
                [EV_EXITED] = ABORTED,
        },
        [SCM_STATE_PAUSED] = {
                [EV_START] = ALREADY_RUNNING,
                [EV_STOP] = STOP_FROM_RUNNING,
                [EV_PAUSE] = ACCEPT(SCM_ACCEPT_PAUSE_CONTINUE),
                [EV_CONTINUE] = {.to = SCM_STATE_CONTINUE_PENDING, .needs_accept = SCM_ACCEPT_PAUSE_CONTINUE},
                [EV_INTERROGATE] = ACCEPT(0),
                [EV_PARAMCHANGE] = ACCEPT(SCM_ACCEPT_PARAMCHANGE),
                [EV_CUSTOM] = REFUSE(INVALID_SERVICE_CONTROL),
                [EV_EXITED] = ABORTED,
        },
        [SCM_STATE_CONTINUE_PENDING] = {
                [EV_START] = ALREADY_RUNNING,
                [EV_STOP] = STOP_FROM_RUNNING,
                [EV_PAUSE] = {.to = SCM_STATE_PAUSE_PENDING, .needs_accept = SCM_ACCEPT_PAUSE_CONTINUE},
                [EV_CONTINUE] = ACCEPT(SCM_ACCEPT_PAUSE_CONTINUE),
                [EV_INTERROGATE] = ACCEPT(0),
                [EV_PARAMCHANGE] = ACCEPT(SCM_ACCEPT_PARAMCHANGE),
                [EV_CUSTOM] = REFUSE(INVALID_SERVICE_CONTROL),
                [EV_EXITED] = ABORTED,
        },
};

/* clang-format on */

static const struct transition ignored;

const struct transition *state_transition(enum scm_state state, enum svc_event event) {
        if (state <= 0 || state >= _SCM_STATE_MAX || event < 0 || event >= _EV_MAX)
                return &ignored;
        return &table[state][event];
}

static const char *const event_names[_EV_MAX] = {
        [EV_START] = "start",
        [EV_STOP] = "stop",
        [EV_PAUSE] = "pause",
        [EV_CONTINUE] = "continue",
        [EV_INTERROGATE] = "interrogate",
        [EV_PARAMCHANGE] = "paramchange",
        [EV_CUSTOM] = "custom",
        [EV_SPAWNED] = "spawned",
        [EV_SPAWN_FAILED] = "spawn-failed",
        [EV_EXITED] = "exited",
        [EV_STOP_TIMEOUT] = "stop-timeout",
};
_Static_assert(ELEMENTSOF(event_names) == _EV_MAX, "every event has a name");

const char *svc_event_name(enum svc_event event) {
        return event >= 0 && event < _EV_MAX ? event_names[event] : "?";
}

bool svc_event_is_request(enum svc_event event) {
        return event >= 0 && event < _EV_REQUEST_MAX;
}
