/* SPDX-License-Identifier: MIT */
/*
 * The stop cascade (depend_stop_all, depend_stop_dependents): a stop job
 * holds a set of services and, for each, the services that depend on it; it
 * asks a service to stop once none of those is running, and is done when
 * the whole set has stopped.  Each STOPPED moves every job on.
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
#include "process.h"
#include "registry.h"

/* ---- stopping: dependents first ---- */

void depend_stop_job_free(struct stop_job *job) {
        for (struct stop_job **p = &depend_run.stops; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        break;
                }
        for (size_t i = 0; job->dependents && i < job->n; i++)
                free(job->dependents[i]);
        free(job->dependents);
        free(job->services);
        free(job->asked);
        free(job->stopped);
        free(job);
}

/* ---- the dependents of a job's services, in one pass ---- */

/* A job's service and its place in the job, sorted by address. */
struct job_index {
        const struct service *s;
        size_t i;
};

static int compare_index(const void *a, const void *b) {
        const struct job_index *x = a, *y = b;
        return x->s < y->s ? -1 : x->s > y->s;
}

static int compare_groups(const void *a, const void *b) {
        const struct service *x = *(struct service *const *)a, *y = *(struct service *const *)b;
        return strcasecmp(x->config.group, y->config.group);
}

/* What the pass reads: the job's services by address, and the services
 * that are in a group, sorted by group. */
struct dependents_pass {
        struct stop_job *job;
        struct job_index *index;
        struct service **grouped;
        size_t n_grouped;
        size_t *len, *cap; /* of job->dependents[i] */
};

/* Adds x as a dependent of t when t is one of the job's services.  Every
 * edge of x is added before the next service's: x is already there only
 * as the last of t's list. */
static int add_dependent(struct dependents_pass *d, struct service *x, const struct service *t) {
        struct stop_job *job = d->job;
        struct job_index key = {.s = t};
        const struct job_index *hit =
                t == x ? NULL : bsearch(&key, d->index, job->n, sizeof(key), compare_index);
        if (!hit)
                return 0;
        struct service **v = job->dependents[hit->i];
        size_t k = d->len[hit->i];
        if (k && v[k - 1] == x)
                return 0;
        if (k + 2 > d->cap[hit->i]) {
                size_t cap = d->cap[hit->i] ? d->cap[hit->i] * 2 : 4;
                if (!(v = realloc(v, cap * sizeof(*v))))
                        return -ENOMEM;
                job->dependents[hit->i] = v;
                d->cap[hit->i] = cap;
        }
        v[k] = x;
        v[k + 1] = NULL;
        d->len[hit->i] = k + 1;
        return 0;
}

/* The members of group (any case), as a range of d->grouped. */
static int add_group_dependents(struct dependents_pass *d, struct service *x, const char *group) {
        size_t lo = 0, hi = d->n_grouped;
        while (lo < hi) { /* the first member whose group is not before group */
                size_t mid = (lo + hi) / 2;
                if (strcasecmp(d->grouped[mid]->config.group, group) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        int r = 0;
        for (size_t k = lo;
             r >= 0 && k < d->n_grouped && depend_in_group(&d->grouped[k]->config, group); k++)
                r = add_dependent(d, x, d->grouped[k]);
        return r;
}

/* For each of the job's services, the services of the registry that depend
 * on it directly (job->dependents[i], NULL-terminated, NULL for none), each
 * list in the order of names: one walk over every service's dependencies,
 * O((N + E) log N), where a search of the registry for each of the job's
 * services made the shutdown of 10,000 O(N^2 log N). */
static int find_dependents(struct manager *m, struct stop_job *job) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        if (n < 0)
                return (int)n;
        _cleanup_free_ struct job_index *index = calloc(job->n + 1, sizeof(*index));
        _cleanup_free_ struct service **grouped = calloc((size_t)n + 1, sizeof(*grouped));
        _cleanup_free_ size_t *len = calloc(job->n + 1, sizeof(*len));
        _cleanup_free_ size_t *cap = calloc(job->n + 1, sizeof(*cap));
        if (!index || !grouped || !len || !cap)
                return -ENOMEM;
        for (size_t i = 0; i < job->n; i++)
                index[i] = (struct job_index){.s = job->services[i], .i = i};
        qsort(index, job->n, sizeof(*index), compare_index);
        struct dependents_pass d = {
                .job = job, .index = index, .grouped = grouped, .len = len, .cap = cap};
        for (ssize_t i = 0; i < n; i++)
                if (all[i]->config.group && all[i]->config.group[0])
                        grouped[d.n_grouped++] = all[i];
        qsort(grouped, d.n_grouped, sizeof(*grouped), compare_groups);
        int r = 0;
        for (ssize_t i = 0; r >= 0 && i < n; i++)
                for (char **dep = all[i]->config.dependencies; r >= 0 && dep && *dep; dep++) {
                        if (depend_is_group(*dep)) {
                                r = add_group_dependents(&d, all[i], *dep + 1);
                                continue;
                        }
                        struct service *t = registry_find(m->registry, *dep);
                        if (t)
                                r = add_dependent(&d, all[i], t);
                }
        return r;
}

/* A dependent the job must see stopped first is not.  The shutdown's job
 * (no client) leaves kernel drivers loaded: one never holds its
 * dependencies up. */
static bool dependent_running(const struct stop_job *job, struct service **dependents) {
        for (size_t i = 0; dependents && dependents[i]; i++) {
                const struct service *d = dependents[i];
                if (!job->client_done && d->config.type == SCM_TYPE_KERNEL_DRIVER)
                        continue;
                if (d->state != SCM_STATE_STOPPED)
                        return true;
        }
        return false;
}

static bool in_job(const struct stop_job *job, const struct service *s) {
        for (size_t i = 0; i < job->n; i++)
                if (job->services[i] == s)
                        return true;
        return false;
}

/* A running dependent the job will not stop: one outside its set, or one
 * it stopped already that was started again.  Only a client's job can meet
 * one (the shutdown refuses every start); waiting for it would keep the
 * client waiting for ever. */
static struct service *stop_blocker(const struct stop_job *job, struct service **dependents) {
        for (size_t k = 0; dependents && dependents[k]; k++) {
                struct service *d = dependents[k];
                if (d->state == SCM_STATE_STOPPED)
                        continue;
                size_t j = 0;
                while (j < job->n && job->services[j] != d)
                        j++;
                if (j == job->n || job->stopped[j])
                        return d;
        }
        return NULL;
}

static void stop_job_finish(struct stop_job *job, int win32, const char *message) {
        void (*done)(struct stop_job * j, int w, const char *msg) = job->done;
        for (struct stop_job **p = &depend_run.stops; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        break;
                }
        job->next = NULL;
        done(job, win32, message); /* frees job */
}

/* Asks every service whose dependents have all stopped; finishes the job
 * once every service has stopped.  Re-entered from a stop (the service
 * changes state inside it): the outer call goes round again. */
void depend_stop_job_kick(struct stop_job *job) {
        if (job->kicking) {
                job->again = true;
                return;
        }
        job->kicking = true;
        bool all_stopped;
        do {
                job->again = false;
                all_stopped = true;
                for (size_t i = 0; i < job->n; i++) {
                        struct service *s = job->services[i];
                        if (!s)
                                continue;
                        if (s->state == SCM_STATE_STOPPED) {
                                job->stopped[i] |= job->asked[i];
                                continue;
                        }
                        all_stopped = false;
                        struct service *b = NULL;
                        if (job->client_done && job->stopped[i])
                                b = s;
                        else if (job->client_done && !job->asked[i])
                                b = stop_blocker(job, job->dependents[i]);
                        if (b) {
                                /* Named only when the caller's stop right
                                 * on it was checked (rpc_control.c). */
                                _cleanup_free_ char *why =
                                        in_job(job, b)
                                                ? depend_text(
                                                          "service %s was started while its "
                                                          "dependencies waited to stop with their "
                                                          "dependents; stop it first",
                                                          b->config.name)
                                                : depend_text("a service that depends on %s was "
                                                              "started "
                                                              "while it waited to stop; stop that "
                                                              "service first",
                                                              s->config.name);
                                job->kicking = false;
                                stop_job_finish(job, SCM_ERROR_DEPENDENT_SERVICES_RUNNING, why);
                                return;
                        }
                        if (job->asked[i])
                                continue;
                        if (dependent_running(job, job->dependents[i]))
                                continue;
                        job->asked[i] = true;
                        int r = job->stop(job, s);
                        if (r < 0) {
                                _cleanup_free_ char *why = depend_text(
                                        "service %s depends on the service and cannot take a "
                                        "stop now (it is %s): %s",
                                        s->config.name, scm_state_name(s->state),
                                        scm_error_message(scm_error_win32(r)));
                                job->kicking = false;
                                stop_job_finish(job, scm_error_win32(r), why);
                                return;
                        }
                }
        } while (job->again);
        job->kicking = false;
        if (all_stopped)
                stop_job_finish(job, 0, NULL);
}

static struct stop_job *stop_job_new(struct manager *m, struct service **services, size_t n) {
        struct stop_job *job = calloc(1, sizeof(*job));
        if (!job)
                return NULL;
        job->m = m;
        job->n = n;
        job->services = calloc(n + 1, sizeof(*job->services));
        job->asked = calloc(n + 1, sizeof(bool));
        job->stopped = calloc(n + 1, sizeof(bool));
        job->dependents = calloc(n + 1, sizeof(*job->dependents));
        bool ok = job->services && job->asked && job->stopped && job->dependents;
        for (size_t i = 0; ok && i < n; i++)
                job->services[i] = services[i];
        if (!ok || find_dependents(m, job) < 0) {
                depend_stop_job_free(job);
                return NULL;
        }
        job->next = depend_run.stops;
        depend_run.stops = job;
        return job;
}

static void default_stop(struct service *s) {
        if (service_stop(s) < 0 && s->state != SCM_STATE_STOP_PENDING)
                service_kill(s); /* it cannot take a stop now: no time to wait */
}

static int public_stop(struct stop_job *job, struct service *s) {
        (job->public_stop ? job->public_stop : default_stop)(s);
        return 0;
}

static void public_done(struct stop_job *job, int win32, const char *message) {
        void (*done)(struct manager * m) = job->public_done;
        struct manager *m = job->m;
        (void)win32;
        (void)message;
        depend_stop_job_free(job);
        if (done)
                done(m);
}

void depend_cancel_starts(struct manager *m, int win32, const char *message) {
        (void)m;
        while (depend_run.boots)
                depend_start_all_free(depend_run.boots);
        depend_run.cancelling = true;
        while (depend_run.targets)
                depend_target_done(depend_run.targets, win32, message);
        depend_run.cancelling = false;
}

void depend_stop_all(struct manager *m, struct service **services, size_t n,
                     void (*stop)(struct service *s), void (*done)(struct manager *m)) {
        _cleanup_free_ struct service **active = NULL;
        if (!services) {
                depend_cancel_starts(m, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                                     "scmd is shutting down and starts nothing more");
                n = 0;
                for (struct service *s = m->active; s; s = s->active_next)
                        n++;
                active = calloc(n + 1, sizeof(*active));
                n = 0;
                for (struct service *s = m->active; active && s; s = s->active_next)
                        active[n++] = s;
                services = active;
        }
        struct stop_job *job = services ? stop_job_new(m, services, n) : NULL;
        if (!job) {
                /* Out of memory: stop them all at once rather than not at all. */
                log_error("out of memory: stopping services without their order");
                for (struct service *s = m->active, *next; s; s = next) {
                        next = s->active_next;
                        (stop ? stop : default_stop)(s);
                }
                if (done && !m->active)
                        done(m);
                return;
        }
        job->stop = public_stop;
        job->done = public_done;
        job->public_stop = stop;
        job->public_done = done;
        depend_stop_job_kick(job);
}

static int client_stop(struct stop_job *job, struct service *s) {
        (void)job;
        int r = service_stop(s);
        return r < 0 && s->state != SCM_STATE_STOP_PENDING && s->state != SCM_STATE_STOPPED ? r : 0;
}

static void client_done(struct stop_job *job, int win32, const char *message) {
        void (*done)(void *userdata, int w, const char *msg) = job->client_done;
        void *userdata = job->userdata;
        depend_stop_job_free(job);
        done(userdata, win32, message);
}

int depend_stop_dependents(struct service *s,
                           void (*done)(void *userdata, int win32, const char *message),
                           void *userdata) {
        _cleanup_free_ struct service **deps = NULL;
        ssize_t n = depend_dependents(s->manager, s, &deps);
        if (n < 0)
                return (int)n;
        size_t k = 0;
        for (ssize_t i = 0; i < n; i++)
                if (deps[i]->state != SCM_STATE_STOPPED)
                        deps[k++] = deps[i];
        if (k == 0)
                return 0;
        struct stop_job *job = stop_job_new(s->manager, deps, k);
        if (!job)
                return -ENOMEM;
        job->stop = client_stop;
        job->done = client_done;
        job->client_done = done;
        job->userdata = userdata;
        depend_stop_job_kick(job);
        return 1;
}
