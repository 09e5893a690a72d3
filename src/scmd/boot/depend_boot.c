/* SPDX-License-Identifier: MIT */
/*
 * The boot's start cascade (depend_start_all): one phase per group of the
 * order list, then one for everything else; in each, every service of the
 * start type is ensured at once, and the next phase begins when every one
 * has started or failed.
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
#include "depend.h"
#include "depend_internal.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "service.h"

/* ---- the boot: group by group ---- */

static void start_all_advance(struct start_all *job);

static void on_boot_answered(struct dep_watch *w, int win32, const char *message) {
        struct start_all *job = w->owner;
        (void)win32;
        (void)message;
        if (--job->pending == 0)
                start_all_advance(job);
}

static bool boots_this(const struct start_all *job, const struct service *s) {
        return s->config.start_type == job->type && s->state == SCM_STATE_STOPPED &&
               !s->marked_for_delete && s->config.type != SCM_TYPE_KERNEL_DRIVER &&
               depend_group_rank(job->m, s->config.group) == job->phase;
}

void depend_start_all_free(struct start_all *job) {
        for (struct start_all **p = &depend_run.boots; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        break;
                }
        for (size_t i = 0; i < job->n_watches; i++)
                depend_watch_cancel(&job->watches[i]);
        free(job->watches);
        free(job);
}

/* Starts one phase: every service of it at once. */
static void start_all_phase(struct start_all *job) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = job->m->shutting_down ? 0 : registry_sorted(job->m->registry, &all);
        free(job->watches);
        job->watches = calloc(n > 0 ? (size_t)n : 1, sizeof(*job->watches));
        job->n_watches = job->watches && n > 0 ? (size_t)n : 0;
        for (size_t i = 0; i < job->n_watches; i++) {
                struct service *s = all[i];
                if (!boots_this(job, s))
                        continue;
                job->watches[i] = (struct dep_watch){.owner = job, .fn = on_boot_answered};
                _cleanup_free_ char *why = NULL;
                int r = depend_ensure_service(job->m, s, &job->watches[i], &why);
                if (r == 0)
                        job->pending++;
                else if (r < 0)
                        log_warning("service %s: %s failed: %s", s->config.name,
                                    scm_start_type_name(job->type),
                                    why ? why : scm_error_message(scm_error_win32(r)));
        }
}

static void start_all_advance(struct start_all *job) {
        size_t phases = depend_count(job->m->group_order);
        while (job->pending == 0) {
                if (job->phase > phases) {
                        void (*done)(struct manager * m) = job->done;
                        struct manager *m = job->m;
                        depend_start_all_free(job);
                        if (done)
                                done(m);
                        return;
                }
                start_all_phase(job);
                job->phase++;
        }
}

void depend_start_all(struct manager *m, enum scm_start_type type,
                      void (*done)(struct manager *m)) {
        struct start_all *job = calloc(1, sizeof(*job));
        if (!job) {
                log_error("out of memory: the %s services are not started",
                          scm_start_type_name(type));
                if (done)
                        done(m);
                return;
        }
        *job = (struct start_all){.next = depend_run.boots, .m = m, .type = type, .done = done};
        depend_run.boots = job;
        log_info("starting the %s services: %zu groups in the group order, then the rest",
                 scm_start_type_name(type), depend_count(m->group_order));
        start_all_advance(job);
}
