/* SPDX-License-Identifier: MIT */
/*
 * spawn.c: starting a process: fork, the child's steps, exec, and the report of a
 * failed step through a close-on-exec pipe.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct security_plan;
struct process_limit;
struct service_fences;
struct service_syscalls;

enum spawn_stage {
        SPAWN_STAGE_SIGNALS,
        SPAWN_STAGE_SESSION,
        SPAWN_STAGE_STDIO,
        SPAWN_STAGE_CGROUP,
        SPAWN_STAGE_PRIORITY,
        SPAWN_STAGE_ACCOUNT,
        SPAWN_STAGE_CONSOLE,
        SPAWN_STAGE_NETWORK,
        SPAWN_STAGE_PRIVILEGES,
        SPAWN_STAGE_KEYRING,
        SPAWN_STAGE_SANDBOX,
        SPAWN_STAGE_CHDIR,
        SPAWN_STAGE_EXEC,
        SPAWN_STAGE_LIMITS,
        SPAWN_STAGE_LOGON,
        SPAWN_STAGE_FENCES,
        SPAWN_STAGE_SYSCALLS,
        _SPAWN_STAGE_MAX
};

struct spawn_request {
        const char *path; /* resolved program */
        int control_fd;   /* native: becomes fd 3; -1 none */
        char **argv;
        char **envp;
        int stdout_fd; /* also stderr */
        int cgroup_fd; /* -1: none */
        /* The account, its privileges, its confinement; NULL: none. */
        const struct security_plan *security;
        bool low_priority; /* nice 19 and SCHED_IDLE (a delayed-auto start, boot.c) */
        /* Process settings (process_config.h): NULL "/", -1 0022, none. */
        const char *working_directory;
        int umask;
        const struct process_limit *limits;
        size_t n_limits;
        /* Socket activation: at 3, 4, ... with LISTEN_FDS, LISTEN_PID and
         * LISTEN_FDNAMES (names joined by ':'); 0: none.  With a control
         * channel (a native service) at 4, 5, ... with SCM_LISTEN_FDS,
         * SCM_LISTEN_PID and SCM_LISTEN_FDNAMES (control.h). */
        const int *listen_fds;
        size_t n_listen_fds;
        const char *listen_names;
        /* inetd style (a connection's instance): stdin and stdout are
         * listen_fds[0] too; stderr stays stdout_fd. */
        bool listen_stdio;
        /* Its private view of the filesystem (fences.c); NULL: none. */
        const struct service_fences *fences;
        const char *fences_keep; /* scmd's run folder: visible whatever the fences */
        /* Its system-call filter (syscall_filter.c); NULL: none. */
        const struct service_syscalls *syscalls;
        /* The outcome in the result (settled) where it is known when
         * spawn_process() returns, without a report descriptor. */
        bool report_in_result;
        /* No pidfd (the result's is -1): the caller watches the child
         * through SIGCHLD and reaps it, so its pid is not reused before. */
        bool no_pidfd;
};

struct spawn_report {
        int32_t stage;
        int32_t error;
};

struct spawn_result {
        pid_t pid;
        int pidfd;     /* -1 with no_pidfd */
        int report_fd; /* EOF: exec succeeded; else a struct spawn_report; -1: settled */
        bool settled;  /* report_in_result: executed (!failed) or failed at report */
        bool failed;
        struct spawn_report report;
};

/* Reserves the descriptor numbers a child keeps (spawn.c), once, early in
 * scmd's start-up: from then on a spawn costs the same whatever the number
 * of scmd's descriptors.  -errno: every child copies scmd's table. */
int spawn_reserve_descriptors(void);
int spawn_process(const struct spawn_request *req, struct spawn_result *ret);
/* 0: exec succeeded; 1: *ret filled with the failure; -EAGAIN: not yet. */
int spawn_read_report(int report_fd, struct spawn_report *ret);
const char *spawn_stage_name(enum spawn_stage stage);
/* Finds program in PATH (or checks it when it holds a '/').  Returns a
 * malloc'd path, or NULL with errno (ENOENT, EACCES, ...). */
char *spawn_resolve_program(const char *program);
