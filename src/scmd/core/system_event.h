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

/* A caller's wait for the answers (the power_event method's): the counts
 * as they come, and done, called once every service told has answered or
 * timed out (the control's own timeout).  It must stay until done. */
struct system_event_wait;
typedef void system_event_done_fn(struct system_event_wait *w);
struct system_event_wait {
        int told;     /* the services it went to */
        int answered; /* the answers so far; a control timed out counts */
        int failed;   /* of those, the ones other than NO_ERROR */
        system_event_done_fn *done;
};
/* As system_event_send, counting in w and calling w->done once all have
 * answered: only when it returns more than 0 (nobody told: done is never
 * called).  done may be called before this returns.  Or -ENOMEM. */
int system_event_send_then(struct manager *m, const struct system_event *ev,
                           struct system_event_wait *w);

#endif
