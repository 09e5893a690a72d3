/* SPDX-License-Identifier: MIT */
/*
 * A process of the operating system and everything scmd holds for it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup_usage.h"
#include "log.h"
#include "logcapture.h"
#include "loop.h"
#include "service.h"
#include "spawner.h"

struct security_plan;

/* One process of the operating system and everything scmd holds for it.
 * A service runs in one; its members are the services attached to it.
 * pid 0 and fds -1 when none. */
struct process {
        struct manager *manager;
        struct service *members; /* attached, linked by member_next */
        unsigned refs;           /* one per member, plus short holds */
        pid_t pid;
        uid_t uid; /* its account's (a PID file's owner may be it or root) */
        /* Watched through a pidfd only when it is not scmd's child (taken
         * back after a crash) or not one scmd made (a forking daemon, a
         * MAINPID): scmd's own child is watched through SIGCHLD, its pid
         * ours until reaped, and costs no descriptor.  -1 none. */
        int pidfd;
        struct loop_io pidfd_io;
        struct process *by_pid_next; /* its chain in the manager's table by pid (manager.c) */
        struct loop_io exec_report_io;
        int exec_report_fd;
        /* The outcome known at the spawn (spawn.c, report_in_result),
         * dispatched on the loop's next turn; no descriptor is held. */
        struct spawn_report exec_report;
        struct loop_timer exec_timer;
        uint64_t start_time;             /* field 22 of /proc/PID/stat: with pid, who it is */
        usec_t forking_deadline;         /* forking: the daemon must be known by then */
        struct loop_timer forking_timer; /* forking: look for the PID file again */
        enum process_exit_kind exit_kind;
        int exit_value;
        bool filed;        /* in the manager's table by pid */
        bool exec_pending; /* exec_report holds the outcome */
        bool adopted;      /* taken back after a restart of scmd: maybe not our child */
        bool forked;       /* forking: pid is the daemon its first process left */
        bool main_exited;
        bool exec_failed; /* the exec report named a failed step */
        /* Its cgroup folder: open while scmd works on it, let go while the
         * process runs (process_cgroup()); -1 without cgroups, or let go. */
        bool cgroup_let_go; /* it has one (cgroup_name), opened again on demand */
        /* Its usage files, held open once queried (process_cgroup_usage()). */
        bool usage_held;
        int cgroup_fd;
        int cgroup_events_fd;
        struct cgroup_usage_files usage_files;
        char *cgroup_name; /* the folder's name while it has one */
        struct loop_io cgroup_io;
        struct loop_timer drain_timer; /* killed, the cgroup must empty by then */
        struct log_capture log;
        char *log_path;
        /* native: the control channel (channel.c). */
        struct loop_io channel_io;
        int channel_fd;
        bool connected; /* the dispatcher said hello */
        /* type share (share.c): what its members must have in common. */
        bool shared;
        bool closed; /* it takes no new members */
        bool restrict_network;
        bool root;                     /* its account is uid 0, whose own are every capability */
        struct log_ratelimit warnings; /* what its channel makes scmd warn of */
        char *command_line;
        char *account;
        char *fence_key; /* share_fence_key() of the member that started it */
        uint64_t caps;   /* its capabilities; 0: the account's own */
};

/* What a program of s needs to run as s: its security plan, the program,
 * its argv and its environment (process_prepare()). */
struct process_prep {
        struct security_plan *plan;
        char *path;
        char **argv;
        char **envp;
};
struct spawn_request;
/* For line (and args after its words), as s's own process would run; on
 * failure s's last error says why.  0 or SCM_ERR(). */
int process_prepare(struct service *s, const char *line, char **args, struct process_prep *ret);
void process_prep_clear(struct process_prep *prep);
/* The spawn request of prep with s's process settings (no stdio, no cgroup). */
void process_request(const struct service *s, const struct process_prep *prep,
                     struct spawn_request *req);
/* p's cgroup folder, opened again from the base when it was let go (a
 * running service costs scmd no descriptor for it); -1 without one.
 * Borrowed: p keeps it until process_cgroup_let_go() or its end. */
int process_cgroup(struct process *p);
void process_cgroup_let_go(struct process *p);
/* p has a cgroup folder, open or let go. */
bool process_has_cgroup(const struct process *p);
/* What p's cgroup folder uses now; false when p has none.  The first
 * PROCESS_USAGE_HELD_MAX processes queried at once keep the files open
 * until they end: a reading is then one pread() a file.  The others open
 * each file by its path from the base and close it again (the folder
 * itself is never opened for it), as does a process whose files could not
 * all be opened: they are tried again at its next query. */
bool process_cgroup_usage(struct process *p, struct cgroup_usage *ret);
#define PROCESS_USAGE_HELD_MAX 64
/* s's own process (after its pre-start commands); as process_spawn(). */
int process_spawn_main(struct service *s);
/* Every process of p has gone (and the post-stop commands have run): the
 * table hears event for every member. */
void process_gone(struct process *p, enum svc_event event);

/* notify MAINPID=: the main process is now that pid, if it is one of s's. */
void process_main_pid(struct service *s, const char *value);

/* The EFF_SPAWN effect: starts s's process.  On failure s stays STOPPED
 * with a sentence in last_error; returns SCM_ERR(win32). */
int process_spawn(struct service *s);
/* The EFF_FINISH effect: s lets go of its process, whose handles are
 * released when no member is left (every process has gone by then). */
void process_release(struct service *s);
/* The security plan of s's process (security_plan_build() told of s's
 * configuration and its process's capabilities): 0 with *ret, or
 * SCM_ERR(win32) with *ret_error the sentence (malloc'd) or NULL. */
int process_security_plan(struct service *s, struct security_plan **ret, char **ret_error);
/* Signals s's main process until it is reaped: by pid (scmd's child), or
 * through its pidfd. */
void process_signal(struct service *s, int sig);
/* The signal that asks s to stop: its stop_signal, else SIGTERM. */
int process_stop_signal(const struct service *s);
/* Arms the stop timer: EV_STOP_TIMEOUT after s's stop_timeout_ms, else
 * scmd's --stop-timeout. */
void process_arm_stop_timer(struct service *s);
/* Collects the main process's exit if it has ended (SIGCHLD's reaping,
 * or its pidfd), and unfiles it from the manager's table by pid. */
void process_reap(struct process *p);
/* Asks every process of s to go now (shutdown escalation). */
void service_kill(struct service *s);
/* A short hold on p across calls that may let members go; the last
 * unref releases its handles. */
void process_ref(struct process *p);
void process_unref(struct process *p);
/* s's main pid, 0 when it has no process. */
pid_t service_pid(const struct service *s);
/* The member of p called name (any case), or NULL. */
struct service *process_member(struct process *p, const char *name);
/* A name for p in the log: its first member's. */
const char *process_name(const struct process *p);
/* Records s's process and state for the next scmd (db_process.c); the
 * record goes when s lets go of its process. */
void process_record(struct service *s);

/* After a restart of scmd: what the database recorded of s's process and
 * the descriptors the holder kept for it (fds[0] the log pipe's read end,
 * fds[1] a native process's control channel; -1 none, taken over). */
struct process_found {
        pid_t pid;
        uint64_t start_time;
        const char *cgroup;
        int fds[2];
};
/* 1 when found's process still runs (same pid, same start time, in its
 * cgroup) and s is attached to it (a new struct process, or into *shared,
 * one adopted for an earlier member of the same process); 0 when it has
 * gone.  s's state is not changed: see service_adopt(). */
int process_adopt(struct service *s, const struct process_found *found, struct process **shared);
/* A forking service whose program (launcher's process) ended while scmd
 * was down: the daemon it left in launcher's cgroup (its PID file, or the
 * one process left) is attached as s's main process.  1 when one was
 * found, else as process_adopt().  The descriptors go with it. */
int process_adopt_daemon(struct service *s, const struct process_found *launcher,
                         struct process **shared);
/* The holder's key for a process's descriptors. */
void process_holder_key(pid_t pid, uint64_t start_time, char *buf, size_t size);

/* native share: s reported STOPPED.  True when other members still run in
 * its process, so s leaves it (EV_LEFT_PROCESS); false when s is the last,
 * and the process is expected to end. */
bool process_member_leaves(struct service *s);
