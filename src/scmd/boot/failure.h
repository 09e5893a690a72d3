/* SPDX-License-Identifier: MIT */
/*
 * Failure actions: what a failure makes scmd do, and when.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <scm/types.h>

#include "failure_config.h"
#include "loop.h"

struct manager;
struct service;

/* Why a stop is a failure. */
enum failure_kind {
        FAILURE_NOT,       /* not a failure */
        FAILURE_CRASH,     /* the process ended without reporting STOPPED (1067) */
        FAILURE_HANG,      /* a start hang, a pending hang or a missed watchdog (1070, 1053) */
        FAILURE_NON_CRASH, /* STOPPED with a non-zero exit code, and the flag is set */
};

/* What scmd keeps for one service beyond its status; allocated on first
 * need, freed with the service (failure_service_free). */
struct service_recovery {
        struct service *service;
        unsigned failure_count;
        usec_t last_failure; /* monotonic; meaningful while failure_count > 0 */
        struct loop_timer action_timer;
        enum failure_action_type pending; /* what action_timer carries out */
        unsigned pending_count;           /* for the failure with that number */
        bool boot_pending; /* lkg.c: an auto-start service the boot still waits for */
};

/* The arithmetic (pure; tests/unit/test_failure.c).  The failure count as
 * it stands at now: count, or 0 once the reset period has passed since
 * the last failure. */
unsigned failure_count_current(unsigned count, usec_t last_failure, usec_t now,
                               uint32_t reset_period_s);
/* The action of failure number count (1 = the first): the Nth action, the
 * last one for any later failure; NULL when there are none. */
const struct failure_action *failure_action_for(const struct failure_config *c, unsigned count);
/* Whether a service that reached STOPPED with win32 failed. */
enum failure_kind failure_classify(uint32_t win32, bool desired_running, bool stop_requested,
                                   bool exec_failed, bool non_crash_failures);
/* cmd with every "%1%" replaced by count (malloc'd), or NULL. */
char *failure_expand_command(const char *cmd, unsigned count);

/* Hooks.  service.c's enter() calls failure_service_entered() after a
 * state change (before a STOPPED service is reaped), service_free() calls
 * failure_service_free(), supervisor.c's reap_children() offers every
 * ended child that is not a service's to failure_command_reap(). */
void failure_service_entered(struct service *s, enum scm_state old);
void failure_service_free(struct service *s);
/* s->recovery, allocated if it was not yet; NULL on out-of-memory. */
struct service_recovery *failure_recovery_of(struct service *s);
void failure_command_reap(struct manager *m, pid_t pid);
/* Cancels every waiting action (a roll back to last known good). */
void failure_cancel_all(struct manager *m);
/* After adoption: the actions an earlier scmd left waiting (a crash or a
 * re-exec) are armed again at their due time, or at once if it passed;
 * one whose service is no longer stopped is dropped. */
void failure_resume_pending(struct manager *m);
/* The failure count now and the waiting action, added to o (a
 * query_failure_actions result). */
int failure_runtime_json(const struct service *s, const struct failure_config *c, json_t *o);

/* scmd's options of this section (--reboot-command, --boot-accept), by
 * name without dashes; prints why on stderr and returns -EINVAL when
 * refused. */
int recovery_set_option(const char *name, const char *value);
extern const char recovery_options_help[];
/* After the loop (main.c): runs the reboot hook if a reboot action asked
 * for it, and lets go of everything of this section. */
void recovery_finish(struct manager *m);
