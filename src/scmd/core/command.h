/* SPDX-License-Identifier: MIT */
/*
 * A service's commands around its process (command.c): the pre-start
 * commands before it, the reload command while it runs, the post-stop
 * commands after it has gone.  At most one runs at a time per service.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "logcapture.h"
#include "loop.h"
#include "state.h"

struct service;
struct manager;

enum command_purpose { COMMAND_START_PRE, COMMAND_RELOAD, COMMAND_STOP_POST };

struct service_command {
        struct service *service;
        enum command_purpose purpose;
        size_t index;        /* the entry of its list that runs */
        enum svc_event then; /* post-stop: the event its process's end dispatches after */
        pid_t pid;
        int pidfd;
        struct loop_io pidfd_io;
        int report_fd;
        int cgroup_fd;   /* borrowed from the process, or its own (pre-start) */
        bool own_cgroup; /* it opened cgroup_fd itself */
        struct log_capture log;
        struct loop_timer deadline;
        struct service_command *next; /* the manager's list, for the reaping */
};

/* The pre-start commands of s, then its process (process_spawn_main()).
 * 0 once the first is running, or <0 (s stays STOPPED) as process_spawn(). */
int command_start_pre(struct service *s);
/* The post-stop commands of s, whose process has gone; then, as if it had
 * just gone, event.  Returns false when s has none to run (nothing done). */
bool command_stop_post(struct service *s, enum svc_event event);
/* The EFF_RELOAD effect: the reload signal, or the reload command. */
int command_reload(struct service *s);
/* A stop or kill of s reaches its running command too. */
void command_signal(struct service *s, int sig);
/* supervisor.c: pid has ended; true when it was a command (now handled). */
bool command_reap(struct manager *m, pid_t pid);
/* Kills the command of a service being freed, without its callback. */
void command_abandon(struct service *s);
