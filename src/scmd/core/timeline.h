/* SPDX-License-Identifier: MIT */
/*
 * When each service's last run entered its states, and scmd's own times:
 * what analyze blame, critical-chain and plot draw (query_timeline).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <scm/types.h>

struct service;
struct manager;

/* timeline.c: when a service's last run entered its states, realtime
 * microseconds since the epoch; 0 never.  A run begins when it leaves
 * STOPPED; start_requested is when a start through depend.c was asked for. */
struct service_timeline {
        int64_t start_requested;
        int64_t start_pending;
        int64_t running;
        int64_t stop_pending;
        int64_t stopped;
        bool request_waiting; /* start_requested is for the run to come */
};

/* timeline.c: scmd's own times, as struct service_timeline's. */
struct boot_timeline {
        int64_t scmd_started;
        int64_t autostart_started;
        int64_t autostart_done;
};

/* The hooks (one line each where it happens).  enter() in service.c calls
 * timeline_service_entered() after every change of state; a start that
 * waits before START_PENDING (for its dependencies) calls
 * timeline_start_requested() when the request came (ignored unless s is
 * stopped); main.c and manager_autostart() call the others. */
void timeline_service_entered(struct service *s, enum scm_state old);
void timeline_start_requested(struct service *s);
void timeline_scmd_started(struct manager *m);
/* The auto-start began (clears the end), and it ended: every auto-start
 * service has been started (or failed to). */
void timeline_autostart_began(struct manager *m);
void timeline_autostart_done(struct manager *m);
/* The query_timeline entry of s, and scmd's own times plus "now" and the
 * group order (both
 * docs/protocol.md, query_timeline); NULL on out-of-memory. */
json_t *timeline_service_json(const struct service *s);
json_t *timeline_manager_json(const struct manager *m);
