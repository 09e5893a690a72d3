/* SPDX-License-Identifier: MIT */
/*
 * The running cascades' shared state, and the hooks that move them: every
 * change of a service's state (depend_service_entered: a start at once,
 * the stop jobs once a turn of the loop), a service freed
 * (depend_service_gone), and the end (depend_free).
 *
 * The running cascades are kept in one object (there is one scmd, and one
 * manager, per process), as lkg.c keeps its boot.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <scm/error.h>
#include <scm/types.h>

#include "cleanup.h"
#include "cmdline.h"
#include "depend.h"
#include "depend_internal.h"
#include "manager.h"
#include "service.h"

struct depend_run depend_run;

char *depend_text(const char *fmt, ...) {
        va_list ap;
        char *t;
        va_start(ap, fmt);
        if (vasprintf(&t, fmt, ap) < 0)
                t = NULL;
        va_end(ap);
        return t;
}

/* ---- hooks ---- */

/* Moves every stop job on.  A job may end (and be freed, or end others)
 * inside its kick: start again from the head after each, skipping those
 * kicked. */
static void kick_stop_jobs(struct loop_timer *t) {
        (void)t;
        static unsigned round;
        round++;
        for (struct stop_job *j = depend_run.stops; j;) {
                if (j->round == round) {
                        j = j->next;
                        continue;
                }
                j->round = round;
                depend_stop_job_kick(j);
                j = depend_run.stops;
        }
}

/* A one-shot job that has run to its clean end: its dependents may start. */
static bool job_succeeded(const struct service *s) {
        return s->config.kind == SCM_KIND_ONESHOT && s->state == SCM_STATE_STOPPED &&
               !s->win32_exit_code && s->exit_kind == EXIT_CODE && s->exit_value == 0;
}

void depend_service_entered(struct service *s, enum scm_state old) {
        (void)old;
        struct start_target *t = s->start_target;
        if (t && !t->building) {
                if (depend_is_up(s) || (t->started && job_succeeded(s))) {
                        depend_target_done(t, 0, NULL);
                } else if (s->state == SCM_STATE_STOPPED && t->started) {
                        _cleanup_free_ char *why =
                                s->last_error
                                        ? NULL
                                        : depend_text("service %s stopped while starting: %s",
                                                      s->config.name,
                                                      scm_error_message((int)s->win32_exit_code));
                        depend_target_done(t,
                                           s->win32_exit_code ? (int)s->win32_exit_code
                                                              : SCM_ERROR_SERVICE_NOT_ACTIVE,
                                           s->last_error ? s->last_error : why);
                }
        }
        if (s->state != SCM_STATE_STOPPED || !depend_run.stops)
                return;
        /* The stop jobs move on the next turn of the loop, once for every
         * service that stopped in this one: a kick walks its whole job, and
         * one per STOPPED made a stop of 10,000 at once O(N^2). */
        if (!loop_timer_armed(&depend_run.kick))
                loop_timer_arm(s->manager->loop, &depend_run.kick, now_usec(), kick_stop_jobs);
}

void depend_service_gone(struct service *s) {
        if (s->start_target) {
                struct start_target *t = s->start_target;
                _cleanup_free_ char *why = depend_text("service %s was deleted", s->config.name);
                t->started = true; /* nothing to record on a service going away */
                depend_target_done(t, SCM_ERROR_SERVICE_DEPENDENCY_DELETED, why);
        }
        for (struct stop_job *j = depend_run.stops; j; j = j->next)
                for (size_t i = 0; i < j->n; i++) {
                        if (j->services[i] == s)
                                j->services[i] = NULL;
                        struct service **d = j->dependents[i];
                        size_t k = 0;
                        while (d && d[k] && d[k] != s)
                                k++;
                        for (; d && d[k]; k++)
                                d[k] = d[k + 1]; /* closes the gap, NULL included */
                }
}

void depend_free(struct manager *m) {
        while (depend_run.boots)
                depend_start_all_free(depend_run.boots);
        /* Every registration goes with the targets: none is cancelled. */
        for (struct start_target *t = depend_run.targets; t; t = t->next) {
                t->watchers = NULL;
                for (size_t i = 0; i < t->n_deps; i++)
                        t->deps[i].on = NULL;
        }
        while (depend_run.targets) {
                struct start_target *t = depend_run.targets;
                depend_answer_clients(t, SCM_ERROR_SHUTDOWN_IN_PROGRESS, NULL);
                depend_target_free(t);
        }
        while (depend_run.stops)
                depend_stop_job_free(depend_run.stops);
        loop_timer_disarm(m->loop, &depend_run.kick);
        strv_free(m->group_order);
        m->group_order = NULL;
}
