/* SPDX-License-Identifier: MIT */
/*
 * What the parts of boot/depend*.c share: the running cascades' objects,
 * their one state, and the steps one part takes of another.  Nothing
 * outside them includes it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <scm/types.h>

#include "loop.h"

struct manager;
struct service;
struct service_config;
struct start_waiter;
/* ---- the running cascades ---- */

/* One registration of a waiter on a target. */
struct dep_watch {
        struct dep_watch *next;
        struct start_target *on; /* NULL when not registered (or answered) */
        void *owner;             /* a start_target or a start_all */
        void (*fn)(struct dep_watch *w, int win32, const char *message);
};

struct start_target {
        struct start_target *next;
        struct start_target **pprev; /* what points at it in the list; NULL: out */
        struct manager *m;
        struct service *service; /* a service target; NULL for a group */
        char *group;             /* a group target */
        bool building;           /* being made: an answer now would be too early */
        bool started;            /* service_start() was called */
        struct dep_watch *watchers;
        struct start_waiter *clients;
        char **args;
        struct dep_watch *deps; /* one per dependency (a group: one per member) */
        char **dep_names;       /* a service: its dependencies when it was made */
        size_t n_deps, pending;
        size_t met;       /* a group: members running */
        char *first_text; /* and its sentence */
};

struct start_all {
        struct start_all *next;
        struct manager *m;
        enum scm_start_type type;
        void (*done)(struct manager *m);
        size_t phase; /* the index of the group order list; its length: the rest */
        size_t pending;
        struct dep_watch *watches;
        size_t n_watches;
};

struct stop_job {
        struct stop_job *next;
        struct manager *m;
        struct service **services; /* NULL once gone */
        size_t n;
        bool *asked;
        bool *stopped;                /* asked, and seen STOPPED since */
        struct service ***dependents; /* of services[i], NULL-terminated; NULL entries gone */
        int (*stop)(struct stop_job *job, struct service *s);
        void (*done)(struct stop_job *job, int win32, const char *message);
        void (*public_stop)(struct service *s);
        void (*public_done)(struct manager *m);
        void (*client_done)(void *userdata, int win32, const char *message);
        void *userdata;
        bool kicking, again;
        unsigned round; /* kick_stop_jobs()'s last round that kicked it */
};

struct depend_run {
        struct start_target *targets;
        struct start_all *boots;
        struct stop_job *stops;
        struct loop_timer kick; /* the stop jobs move on: armed at a STOPPED */
        bool cancelling;        /* depend_cancel_starts(): every answer is its own */
};
extern struct depend_run depend_run;

/* depend.c: the graph as the configuration says it. */
bool depend_is_group(const char *d);
/* Whether c is a member of group (any case). */
bool depend_in_group(const struct service_config *c, const char *group);
/* Whether x depends on s, by name or through s's group. */
bool depend_directly_on(const struct service *x, const struct service *s);
size_t depend_count(char *const *v);
/* Running as far as a dependent is concerned: started, maybe paused. */
bool depend_is_up(const struct service *s);

/* depend_run.c: a sentence, malloc'd; NULL on out-of-memory. */
char *depend_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* depend_start.c */
void depend_watch_cancel(struct dep_watch *w);
/* Registers w on the start target of s, made (and launched) if it has
 * none; 0, or SCM_ERR(win32) with *ret_message when s cannot start. */
int depend_ensure_service(struct manager *m, struct service *s, struct dep_watch *w,
                          char **ret_message);
void depend_answer_clients(struct start_target *t, int win32, const char *message);
void depend_target_free(struct start_target *t);
/* The target is answered: 0 when its service runs (a group: a member
 * runs), else the failure.  Frees t. */
void depend_target_done(struct start_target *t, int win32, const char *message);

/* depend_boot.c */
void depend_start_all_free(struct start_all *job);

/* depend_stop.c */
void depend_stop_job_free(struct stop_job *job);
/* Asks to stop what may stop now; finishes the job when all have stopped. */
void depend_stop_job_kick(struct stop_job *job);
