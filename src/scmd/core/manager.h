/* SPDX-License-Identifier: MIT */
/*
 * The manager: what scmd holds as a whole (the loop, the database, the
 * registry, the paths, the options), and the hooks through which the
 * layers above core hear of each service's life.
 */
#pragma once

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include <scm/types.h>

#include "loop.h"
#include "paths.h"
#include "timeline.h"

struct db;
struct registry;
struct server;
struct service;
struct service_command;
struct process;
struct acl;
struct boot_sequence;
struct shutdown_state;
struct driver_state;
struct event_hub;
struct scm_lock;
struct fdholder;
struct scheduler;

struct manager_options {
        usec_t stop_timeout;
        uint64_t log_max_size;
        unsigned log_keep;
        usec_t shutdown_budget;    /* shutdown.c: the stop phase, then kill (--shutdown-budget) */
        usec_t delayed_auto_delay; /* boot.c: auto-start done -> delayed-auto (--delayed-auto-delay)
                                    */
};

/* What the layers above core do at the moments of a service's life.  Core
 * calls them and knows nothing of what they do; main.c sets each once at
 * start-up, and one not set does nothing (a unit test's manager). */
struct service_hooks {
        /* enter(), in this order, once s is in its new state: */
        void (*running)(struct service *s); /* RUNNING: boot.c puts the priority back */
        void (*state_changed)(struct service *s, enum scm_state old);   /* events.c */
        void (*failure_entered)(struct service *s, enum scm_state old); /* failure.c */
        void (*depend_entered)(struct service *s, enum scm_state old);  /* depend.c */
        void (*stopped)(struct service *s); /* STOPPED, after the start waiters: supervisor.c */
        /* within a state: a new checkpoint, wait hint or status text (events.c) */
        void (*progress)(struct service *s);
        /* a deleted service, just before it is freed (events.c) */
        void (*deleted)(struct service *s);
        /* service_free(), in this order: each lets go of its part of s */
        void (*depend_gone)(struct service *s);
        void (*failure_gone)(struct service *s);
        void (*driver_gone)(struct service *s);
        /* the EFF_SPAWN and EFF_UNLOAD effects of a kernel driver (driver.c) */
        int (*driver_load)(struct service *s);
        int (*driver_unload)(struct service *s);
        /* a message for the interactive user from the service's own
         * channel, already logged (events.c sends it to subscribers, and
         * with users to people's terminals) */
        void (*message)(struct service *s, const char *text, bool users);
        /* at each spawn of s: its activation sockets and their names joined
         * by ':' (work/activation.c); 0 when none */
        size_t (*listen_fds)(struct service *s, const int **ret_fds, const char **ret_names);
        /* socket activation with an instance per connection (work/activation.c):
         * the EFF_SPAWN of a service whose connections scmd accepts (the
         * accepting begins; EV_SPAWNED follows, EV_EXITED once a stop has
         * ended every instance), and the signals of a stop or a kill, which
         * reach its instances */
        int (*accept_start)(struct service *s);
        void (*instances_signal)(struct service *s, int sig);
        /* a child that is no service's main process ended, not yet reaped:
         * true when it was a scheduled task's run, now recorded (work/) */
        bool (*child_exited)(struct manager *m, const siginfo_t *si);
};

struct manager {
        struct loop *loop;
        struct db *db;
        struct registry *registry;
        struct server *server;
        struct scm_paths paths;
        struct manager_options options;
        int cgroup_base_fd; /* -1: no cgroups */
        char *cgroup_base_path;
        char *cgroup_base_rel;        /* as /proc/PID/cgroup names it */
        unsigned cgroup_controllers;  /* RESOURCE_CTL_* the services' folders have */
        unsigned usage_held;          /* processes whose usage files are held (process.c) */
        char *cgroup_controllers_why; /* why the others are missing; NULL */
        int signal_fd;
        struct loop_io signal_io;
        struct loop_timer reap_timer;    /* supervisor.c: more ended children to reap */
        struct boot_sequence *boot;      /* boot.c */
        struct shutdown_state *shutdown; /* shutdown.c */
        struct driver_state *drivers;    /* driver.c */
        struct service *active;          /* list of services with a process */
        /* manager.c: the processes whose main pid scmd has not reaped yet,
         * by that pid (chained; one bucket of its own before the first
         * table, so filing never fails). */
        struct process **by_pid;
        struct process *by_pid_first;
        size_t by_pid_buckets, by_pid_count;
        struct service_command *commands; /* command.c: those running, for the reaping */
        int notify_fd;                    /* the sd_notify socket; -1 none */
        struct loop_io notify_io;
        char *notify_path;
        struct fdholder *fdholder;   /* exec/fdholder.c: copies kept across a crash; NULL none */
        struct event_hub *events;    /* events.c */
        char **group_order;          /* depend.c: the group order list (NULL-terminated) */
        struct acl *scm_access;      /* the SCM's access list (acl.c); NULL: the default */
        struct scm_lock *lock;       /* rpc_lock.c */
        struct scheduler *scheduler; /* work/scheduler.c: scheduled tasks */
        bool shutting_down;
        bool reexec; /* daemon_reexec: main.c executes scmd again once the loop ends */
        int exit_status;
        struct boot_timeline timeline; /* timeline.c */
        struct service_hooks hooks;
};

/* The process whose main pid is pid and not reaped yet, or NULL: O(1),
 * for the reaping of each child at SIGCHLD. */
struct process *manager_find_process(struct manager *m, pid_t pid);
/* Files p under its main pid (p->pid > 0) once it is known; never fails.
 * manager_unfile_process() once that pid is reaped, before it changes, and
 * before p is freed (safe when p is not filed). */
void manager_file_process(struct manager *m, struct process *p);
void manager_unfile_process(struct manager *m, struct process *p);
/* Frees the table (every process is unfiled by then). */
void manager_processes_free(struct manager *m);
/* Adds s to / removes s from the services that have a process. */
void manager_track(struct manager *m, struct service *s);
void manager_untrack(struct manager *m, struct service *s);
