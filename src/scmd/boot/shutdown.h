/* SPDX-License-Identifier: MIT */
/*
 * The shutdown sequence: preshutdown, then stop in dependency order
 * within a budget, then kill.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "loop.h"

struct manager;

/* shutdown.c: where the shutdown sequence is. */
enum shutdown_phase {
        SHUTDOWN_NONE,
        SHUTDOWN_PRESHUTDOWN, /* waiting for the services that took PRESHUTDOWN */
        SHUTDOWN_STOPPING,    /* SHUTDOWN or stop to the rest, within the budget */
        SHUTDOWN_KILLING,     /* the budget passed: what is left was killed */
        _SHUTDOWN_PHASE_MAX,
};

struct shutdown_state {
        struct manager *manager;
        enum shutdown_phase phase;
        usec_t began;           /* monotonic: the shutdown began */
        usec_t since;           /* monotonic: the phase began */
        int64_t since_unix;     /* the same, unix time */
        usec_t budget_deadline; /* monotonic: the stop phase ends */
        usec_t next_log;        /* monotonic: the next waiting lines */
        bool finished;          /* the loop was told to quit */
        struct loop_timer timer;
};

/* Begins the shutdown sequence (manager_begin_shutdown()). */
void shutdown_begin(struct manager *m);
/* supervisor.c: a service reached STOPPED while shutting down. */
void shutdown_service_stopped(struct manager *m);
const char *shutdown_phase_name(enum shutdown_phase phase);
/* The services the current phase waits for, with their progress. */
json_t *shutdown_pending_json(struct manager *m);
