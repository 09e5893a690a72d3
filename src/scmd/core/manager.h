/* SPDX-License-Identifier: MIT */
/*
 * The manager: what scmd holds as a whole (the loop, the database, the
 * registry, the paths, the options), and the hooks through which the
 * layers above core hear of each service's life.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "paths.h"
#include "timeline.h"

/* Until these become pointers: the parts of the manager that the layers
 * above own. */
#include "boot.h"
#include "driver.h"
#include "events.h"
#include "lock.h"
#include "shutdown.h"

struct db;
struct registry;
struct server;
struct service;
struct process;
struct acl;
struct boot_sequence;
struct shutdown_state;
struct driver_state;
struct event_hub;
struct scm_lock;

struct manager_options {
        usec_t stop_timeout;
        uint64_t log_max_size;
        unsigned log_keep;
        usec_t shutdown_budget;    /* shutdown.c: the stop phase, then kill (--shutdown-budget) */
        usec_t delayed_auto_delay; /* boot.c: auto-start done -> delayed-auto (--delayed-auto-delay)
                                    */
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
        char *cgroup_base_rel; /* as /proc/PID/cgroup names it */
        int signal_fd;
        struct loop_io signal_io;
        struct boot_sequence boot;
        struct shutdown_state shutdown;
        struct driver_state drivers;
        struct service *active; /* list of services with a process */
        int notify_fd;          /* the sd_notify socket; -1 none */
        struct loop_io notify_io;
        char *notify_path;
        struct event_hub events;
        char **group_order;     /* depend.c: the group order list (NULL-terminated) */
        struct acl *scm_access; /* the SCM's access list (acl.c); NULL: the default */
        struct scm_lock lock;   /* rpc_lock.c */
        bool shutting_down;
        int exit_status;
        struct boot_timeline timeline; /* timeline.c */
};

/* The process of a service by its main pid, or NULL. */
struct process *manager_find_process(struct manager *m, pid_t pid);
/* Adds s to / removes s from the services that have a process. */
void manager_track(struct manager *m, struct service *s);
void manager_untrack(struct manager *m, struct service *s);
