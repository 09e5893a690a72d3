/* SPDX-License-Identifier: MIT */
/*
 * System events for native services' handlers (system_event.c).
 */
#ifndef SCMD_SYSTEM_EVENT_H
#define SCMD_SYSTEM_EVENT_H

#include <stdint.h>

struct manager;

/* What a handler gets with a system event's control. */
struct system_event {
        uint32_t control;    /* SCM_CONTROL_TIMECHANGE, SCM_CONTROL_POWEREVENT */
        uint32_t accept_bit; /* SCM_ACCEPT_* a service must have to get it */
        uint32_t event_type;
        int64_t new_time, old_time; /* TIMECHANGE: FILETIME units */
        uint32_t session_id;        /* SESSIONCHANGE: the session */
};

/* Sends ev to every service whose handler accepts it now; returns how
 * many it went to.  Nobody waits for the answers. */
int system_event_send(struct manager *m, const struct system_event *ev);

/* Called once every service told has answered, or timed out (the
 * control's own timeout); failed counts the answers other than NO_ERROR. */
typedef void system_event_done_fn(void *userdata, int failed);
/* As system_event_send, then done(userdata) once all have answered: only
 * when it returns more than 0 (nobody told: done is never called).  Or
 * -ENOMEM. */
int system_event_send_then(struct manager *m, const struct system_event *ev,
                           system_event_done_fn *done, void *userdata);

#endif
