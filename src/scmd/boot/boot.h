/* SPDX-License-Identifier: MIT */
/*
 * The boot sequence: drivers, auto-start group by group, then (after the
 * delay) the delayed-auto services.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "loop.h"

struct manager;
struct manager_options;
struct service;

/* boot.c: where the boot sequence is. */
enum boot_step {
        BOOT_STEP_DRIVERS,      /* boot and system drivers checked, loaded when not yet */
        BOOT_STEP_AUTO_START,   /* auto-start services, group order, dependencies first */
        BOOT_STEP_DELAYED_WAIT, /* the delay before the delayed-auto services */
        BOOT_STEP_DELAYED_AUTO, /* delayed-auto services, at the lowest CPU priority */
        BOOT_STEP_DONE,
        _BOOT_STEP_MAX,
};

struct boot_sequence {
        struct manager *manager;
        enum boot_step step;
        int64_t since;           /* unix time the step began */
        int64_t delayed_at;      /* unix time the delayed-auto services start; 0: not armed */
        bool lower_priority;     /* scmd can raise a lowered priority back (CAP_SYS_NICE) */
        int normal_nice;         /* scmd's own nice: what a service goes back to */
        struct loop_timer timer; /* the delay before the delayed-auto services */
};

struct driver_job;

/* The boot sequence, from main.c once the socket is open: drivers, then an
 * auto-start round, then (after the delay) the delayed-auto services. */
void boot_start(struct manager *m);
/* One auto-start round and what follows it; lkg.c runs it again after a
 * roll back. */
void manager_autostart(struct manager *m);
/* The shutdown began: nothing more is started. */
void boot_shutdown_begins(struct manager *m);
/* A roll back began (lkg.c): the delayed-auto timer is off and no
 * delayed-auto service keeps the lowered priority of its next spawn; the
 * auto-start round after it arms the timer again. */
void boot_rollback_begins(struct manager *m);
/* A start by a client: at once, at normal priority (rpc_start). */
void boot_start_by_hand(struct service *s);
/* service.c: s reached RUNNING; a lowered priority goes back to normal. */
void boot_service_running(struct service *s);
/* query_boot_phase's result (docs/protocol.md). */
json_t *boot_phase_json(struct manager *m);
const char *boot_step_name(enum boot_step step);
/* scmd's --delayed-auto-delay and --shutdown-budget (seconds), by name
 * without dashes, into o; prints why on stderr and returns -EINVAL. */
int boot_set_option(struct manager_options *o, const char *name, const char *value);
extern const char boot_options_help[];
