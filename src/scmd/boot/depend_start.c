/* SPDX-License-Identifier: MIT */
/*
 * The start cascade.  A start target is one service (or group) being
 * brought up: it waits for each of its dependencies (their own targets,
 * shared by every dependent), then starts its service, then waits until the
 * service is RUNNING or has failed, and answers everyone who waits on it:
 * the dependents' targets (dep_watch) and the clients (start waiters,
 * answered by the start's own rule once the service's start is under way).
 * Nothing blocks: a target moves on only from depend_service_entered(), the
 * hook of every state change.  A target is never answered while it is being
 * built, so the answers always come from the loop, never from the middle of
 * building another target.
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
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "service.h"
#include "validate.h"

/* ---- targets ---- */

static void watch_register(struct dep_watch *w, struct start_target *t) {
        w->on = t;
        w->next = t->watchers;
        t->watchers = w;
}

void depend_watch_cancel(struct dep_watch *w) {
        if (!w->on)
                return;
        for (struct dep_watch **p = &w->on->watchers; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        break;
                }
        w->on = NULL;
}

static struct start_target *target_new(struct manager *m, size_t n_deps) {
        struct start_target *t = calloc(1, sizeof(*t));
        if (!t)
                return NULL;
        t->deps = calloc(n_deps + 1, sizeof(*t->deps));
        if (!t->deps) {
                free(t);
                return NULL;
        }
        t->m = m;
        t->n_deps = n_deps;
        t->building = true;
        t->next = depend_run.targets;
        if (t->next)
                t->next->pprev = &t->next;
        t->pprev = &depend_run.targets;
        depend_run.targets = t;
        return t;
}

/* Takes t out of the list of targets, in O(1): at a boot of 10,000 every
 * service's target is answered, and a walk of the list each time made the
 * boot O(N^2). */
static void target_unlink(struct start_target *t) {
        if (!t->pprev)
                return;
        *t->pprev = t->next;
        if (t->next)
                t->next->pprev = t->pprev;
        t->next = NULL;
        t->pprev = NULL;
}

/* Unlinks t and frees it; it must have no watcher and no client left. */
void depend_target_free(struct start_target *t) {
        target_unlink(t);
        for (size_t i = 0; i < t->n_deps; i++)
                depend_watch_cancel(&t->deps[i]);
        if (t->service && t->service->start_target == t)
                t->service->start_target = NULL;
        strv_free(t->args);
        strv_free(t->dep_names);
        free(t->group);
        free(t->first_text);
        free(t->deps);
        free(t);
}

void depend_answer_clients(struct start_target *t, int win32, const char *message) {
        while (t->clients) {
                struct start_waiter *c = t->clients;
                t->clients = c->next;
                c->fn(c, t->service, win32, message ? message : scm_error_message(win32));
        }
}

/* The target is answered: 0 when its service runs (a group: a member
 * runs), else the failure.  Frees t. */
void depend_target_done(struct start_target *t, int win32, const char *message) {
        struct service *s = t->service;
        for (size_t i = 0; i < t->n_deps; i++)
                depend_watch_cancel(&t->deps[i]);
        if (s && s->start_target == t)
                s->start_target = NULL;
        /* Out of the list first: nobody joins a target being answered. */
        target_unlink(t);
        if (s && win32 && !t->started && !depend_run.cancelling) {
                log_warning("service %s: not started: %s", s->config.name, message);
                service_fail_start(s, win32, message);
        }
        if (s)
                depend_answer_clients(t, win32, message);
        /* One at a time: an answer may end another waiter of t. */
        struct dep_watch *w;
        while ((w = t->watchers)) {
                t->watchers = w->next;
                w->on = NULL;
                w->fn(w, win32, message);
        }
        t->service = NULL;
        depend_target_free(t);
}

static void on_dependency_answered(struct dep_watch *w, int win32, const char *message);

/* Makes sure the dependency dep of `who` is met.  Returns 1 when it is met
 * now, 0 when w was registered and will be called, or SCM_ERR(win32) with
 * *ret_message. */
static int ensure_group(struct manager *m, const char *group, struct dep_watch *w,
                        char **ret_message);

static int ensure_dependency(struct manager *m, const char *who, const char *dep,
                             struct dep_watch *w, char **ret_message) {
        _cleanup_free_ char *why = NULL;
        if (depend_is_group(dep)) {
                int r = ensure_group(m, dep + 1, w, &why);
                if (r < 0)
                        *ret_message = depend_text("service %s depends on group %s: %s", who,
                                                   dep + 1, why ? why : "it cannot run");
                return r;
        }
        struct service *d = registry_find(m->registry, dep);
        if (!d || d->marked_for_delete) {
                *ret_message = depend_text("service %s depends on %s, which %s", who, dep,
                                           d ? "is marked for delete" : "does not exist");
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_DELETED);
        }
        if (d->config.start_type == SCM_START_DISABLED) {
                *ret_message = depend_text("service %s depends on %s, which is disabled", who, dep);
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL);
        }
        if (d->state == SCM_STATE_STOP_PENDING) {
                *ret_message = depend_text("service %s depends on %s, which is stopping", who, dep);
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL);
        }
        int r = depend_ensure_service(m, d, w, &why);
        if (r < 0)
                *ret_message = depend_text("service %s depends on %s, which cannot start: %s", who,
                                           d->config.name,
                                           why ? why : scm_error_message(scm_error_win32(r)));
        return r < 0 ? SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL) : r;
}

/* Ensures every dependency of t's service; counts the pending ones. */
static int ensure_dependencies(struct start_target *t, char **ret_message) {
        struct service *s = t->service;
        /* A change_config meanwhile must not move what the answers refer to. */
        if (!(t->dep_names = strv_copy(s->config.dependencies))) {
                *ret_message = depend_text("out of memory");
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        size_t i = 0;
        for (char **d = t->dep_names; *d && i < t->n_deps; d++, i++) {
                t->deps[i] = (struct dep_watch){.owner = t, .fn = on_dependency_answered};
                int r = ensure_dependency(t->m, s->config.name, *d, &t->deps[i], ret_message);
                if (r < 0)
                        return r;
                if (r == 0)
                        t->pending++;
        }
        return 0;
}

/* Every dependency of t is met: start its service. */
static void target_launch(struct start_target *t) {
        struct service *s = t->service;
        _cleanup_free_ char *message = NULL;
        if (t->m->shutting_down) {
                depend_target_done(t, SCM_ERROR_SHUTDOWN_IN_PROGRESS,
                                   "scmd is shutting down and starts nothing more");
                return;
        }
        if (s->marked_for_delete || s->config.start_type == SCM_START_DISABLED) {
                /* Changed while it waited: refused as a start would be. */
                _cleanup_free_ char *why =
                        depend_text("service %s is %s and cannot be started", s->config.name,
                                    s->marked_for_delete ? "marked for delete" : "disabled");
                t->started = true; /* nothing ran: its exit code stays */
                depend_target_done(t,
                                   s->marked_for_delete ? SCM_ERROR_SERVICE_MARKED_FOR_DELETE
                                                        : SCM_ERROR_SERVICE_DISABLED,
                                   why);
                return;
        }
        int r = service_start(s, t->args, &message);
        if (r < 0) {
                int win32 = scm_error_win32(r);
                _cleanup_free_ char *why =
                        message ? TAKE_PTR(message)
                                : depend_text("service %s is %s and cannot start: %s",
                                              s->config.name, scm_state_name(s->state),
                                              scm_error_message(win32));
                t->started = true; /* its own failure: its exit code says it */
                if (s->state == SCM_STATE_STOPPED || s->state == SCM_STATE_STOP_PENDING) {
                        depend_target_done(t, win32, why);
                        return;
                }
                /* Someone else started it meanwhile: the clients' start is
                 * refused, the dependents wait for it as for ours. */
                depend_answer_clients(t, win32, why);
        }
        t->started = true;
        /* The clients are answered by the start's own rule from here. */
        while (t->clients) {
                struct start_waiter *c = t->clients;
                t->clients = c->next;
                if (s->state == SCM_STATE_START_PENDING)
                        service_add_start_waiter(s, c);
                else
                        c->fn(c, s, 0, NULL);
        }
        if (depend_is_up(s))
                depend_target_done(t, 0, NULL);
}

static void on_dependency_answered(struct dep_watch *w, int win32, const char *message) {
        struct start_target *t = w->owner;
        if (depend_run.cancelling) {
                /* Not the dependency's failure: the dependent's start is
                 * cancelled for the same reason. */
                depend_target_done(t, win32, message);
                return;
        }
        if (win32) {
                const char *dep = t->dep_names[w - t->deps];
                _cleanup_free_ char *why = depend_text(
                        "service %s depends on %s, which failed to start: %s",
                        t->service->config.name, dep, message ? message : scm_error_message(win32));
                depend_target_done(t, SCM_ERROR_SERVICE_DEPENDENCY_FAIL, why);
                return;
        }
        if (--t->pending == 0)
                target_launch(t);
}

int depend_ensure_service(struct manager *m, struct service *s, struct dep_watch *w,
                          char **ret_message) {
        struct start_target *t = s->start_target;
        if (t) {
                if (t->building) {
                        *ret_message =
                                depend_text("a dependency cycle passes through %s", s->config.name);
                        return SCM_ERR(SCM_ERROR_CIRCULAR_DEPENDENCY);
                }
                if (w)
                        watch_register(w, t);
                return 0;
        }
        if (depend_is_up(s))
                return 1;
        if (s->state != SCM_STATE_STOPPED && s->state != SCM_STATE_START_PENDING) {
                *ret_message =
                        depend_text("service %s is %s", s->config.name, scm_state_name(s->state));
                return SCM_ERR(SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        }
        t = target_new(m, depend_count(s->config.dependencies));
        if (!t) {
                *ret_message = depend_text("out of memory");
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        t->service = s;
        s->start_target = t;
        timeline_start_requested(s); /* (when stopped) it waits for its dependencies now */
        if (s->state == SCM_STATE_START_PENDING) {
                /* Started by someone else: wait for it like for our own. */
                t->started = true;
        } else {
                int r = ensure_dependencies(t, ret_message);
                if (r < 0) {
                        log_warning("service %s: not started: %s", s->config.name,
                                    *ret_message ? *ret_message : "?");
                        service_fail_start(s, scm_error_win32(r), *ret_message);
                        depend_target_free(t);
                        return r;
                }
                if (t->pending == 0) {
                        _cleanup_free_ char *message = NULL;
                        r = service_start(s, NULL, &message);
                        if (r < 0) {
                                *ret_message =
                                        message ? TAKE_PTR(message)
                                                : depend_text("%s", scm_error_message(
                                                                            scm_error_win32(r)));
                                depend_target_free(t);
                                return r;
                        }
                        t->started = true;
                }
        }
        t->building = false;
        if (depend_is_up(s)) {
                depend_target_free(t);
                return 1;
        }
        if (w)
                watch_register(w, t);
        return 0;
}

/* The group target's verdict once every member was tried. */
static int group_verdict(struct start_target *t, char **ret_message) {
        if (t->met > 0)
                return 1;
        *ret_message = t->first_text ? depend_text("no service of it is running: %s", t->first_text)
                                     : depend_text("no service of it is running");
        return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_FAIL);
}

static void group_member_failed(struct start_target *t, int win32, const char *message) {
        (void)win32;
        if (t->first_text)
                return;
        t->first_text = depend_text("%s", message ? message : scm_error_message(win32));
}

static void on_member_answered(struct dep_watch *w, int win32, const char *message) {
        struct start_target *t = w->owner;
        if (depend_run.cancelling) {
                depend_target_done(t, win32, message);
                return;
        }
        if (win32)
                group_member_failed(t, win32, message);
        else
                t->met++;
        if (--t->pending > 0)
                return;
        _cleanup_free_ char *why = NULL;
        int r = group_verdict(t, &why);
        depend_target_done(t, r < 0 ? scm_error_win32(r) : 0, why);
}

/* Tries member x of group target t (slot i). */
static void try_member(struct start_target *t, struct service *x, size_t i) {
        _cleanup_free_ char *why = NULL;
        t->deps[i] = (struct dep_watch){.owner = t, .fn = on_member_answered};
        if (depend_is_up(x)) {
                /* Running is what the group needs, whatever its start type
                 * became since (disabled, marked) or whatever it is (a
                 * loaded kernel driver). */
                t->met++;
                return;
        }
        if (x->marked_for_delete || x->config.start_type == SCM_START_DISABLED ||
            x->config.type == SCM_TYPE_KERNEL_DRIVER) {
                why = depend_text(
                        "service %s is %s", x->config.name,
                        x->marked_for_delete ? "marked for delete"
                        : x->config.type == SCM_TYPE_KERNEL_DRIVER
                                ? "a kernel driver that is not loaded (only the boot loads one)"
                                : "disabled");
                group_member_failed(t, SCM_ERROR_SERVICE_DEPENDENCY_FAIL, why);
                return;
        }
        int r = depend_ensure_service(t->m, x, &t->deps[i], &why);
        if (r == 1)
                t->met++;
        else if (r == 0)
                t->pending++;
        else
                group_member_failed(t, scm_error_win32(r), why);
}

static int ensure_group(struct manager *m, const char *group, struct dep_watch *w,
                        char **ret_message) {
        for (struct start_target *t = depend_run.targets; t; t = t->next)
                if (t->group && names_equal(t->group, group)) {
                        if (t->building) {
                                *ret_message = depend_text(
                                        "a dependency cycle passes through group %s", group);
                                return SCM_ERR(SCM_ERROR_CIRCULAR_DEPENDENCY);
                        }
                        watch_register(w, t);
                        return 0;
                }
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        size_t members = 0;
        for (ssize_t i = 0; i < n; i++)
                members += depend_in_group(&all[i]->config, group);
        if (n < 0 || members == 0) {
                *ret_message = depend_text("no service is in group %s", group);
                return SCM_ERR(SCM_ERROR_SERVICE_DEPENDENCY_DELETED);
        }
        struct start_target *t = target_new(m, members);
        if (!t || !(t->group = strdup(group))) {
                if (t)
                        depend_target_free(t);
                *ret_message = depend_text("out of memory");
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        size_t k = 0;
        for (ssize_t i = 0; i < n; i++)
                if (depend_in_group(&all[i]->config, group))
                        try_member(t, all[i], k++);
        t->building = false;
        if (t->pending > 0) {
                watch_register(w, t);
                return 0;
        }
        int r = group_verdict(t, ret_message);
        depend_target_free(t);
        return r;
}

bool depend_start_waiting(const struct service *s) {
        return s->start_target && !s->start_target->started;
}

int depend_start_service(struct service *s, char **ret_message) {
        if (s->manager->shutting_down)
                return SCM_ERR(SCM_ERROR_SHUTDOWN_IN_PROGRESS);
        int r = depend_ensure_service(s->manager, s, NULL, ret_message);
        return r < 0 ? r : 0;
}

int depend_start(struct service *s, char **args, struct start_waiter *w, char **ret_message) {
        struct start_target *t = s->start_target;
        if (t && !t->started) {
                /* Already on its way up for someone else: wait with them. */
                w->next = t->clients;
                t->clients = w;
                return 1;
        }
        if (t || s->state != SCM_STATE_STOPPED || !s->config.dependencies ||
            !s->config.dependencies[0])
                return service_start(s, args, ret_message);
        t = target_new(s->manager, depend_count(s->config.dependencies));
        if (!t)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        t->service = s;
        s->start_target = t;
        timeline_start_requested(s);
        _cleanup_free_ char *why = NULL;
        int r = ensure_dependencies(t, &why);
        if (r < 0) {
                log_warning("service %s: not started: %s", s->config.name, why ? why : "?");
                service_fail_start(s, scm_error_win32(r), why);
                depend_target_free(t);
                *ret_message = TAKE_PTR(why);
                return r;
        }
        t->building = false;
        if (t->pending == 0) {
                depend_target_free(t);
                return service_start(s, args, ret_message);
        }
        if (args && !(t->args = strv_copy(args))) {
                depend_target_free(t);
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        w->next = NULL;
        t->clients = w;
        return 1;
}
