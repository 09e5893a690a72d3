/* SPDX-License-Identifier: MIT */
/*
 * The scheduler and its tasks in memory (scheduler.c decides when a task
 * runs, task_run.c makes and ends its runs), and what the api layer calls.
 *
 * One timerfd on CLOCK_REALTIME, armed at the earliest due run of all
 * tasks with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET: scmd wakes only
 * when a run is due, and a change of the wall clock (settimeofday, NTP
 * stepping it, a resume) cancels the timer, which scheduler.c notices and
 * answers by recomputing every task's next run.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "logcapture.h"
#include "loop.h"
#include "task_config.h"
#include "trigger.h"

struct manager;
struct scheduler;

/* One run of a task: a process in a cgroup of its own, its output going to
 * the task's log, its secrets (if the task has any) in a folder of its own. */
struct task_run {
        struct task *task;
        struct task_run *next;
        int64_t id;   /* its row in task_runs */
        unsigned seq; /* counts runs since scmd started: names its cgroup and secrets folder */
        pid_t pid;
        int report_fd; /* spawn.c's exec report; read when the process ends */
        int cgroup_fd; /* -1: none (held by its process group) */
        char *cgroup_name;
        char *log_path;
        char *credentials_dir; /* its secrets (exec/credentials.c), or NULL */
        struct log_capture log;
        struct loop_timer timer; /* the time limit, then the grace before SIGKILL */
        bool stopping;
        const char *stop_result; /* "time_limit", "ended", "stopped_by_newer_run" */
};

struct task {
        struct scheduler *scheduler;
        struct task *next;
        int64_t id;
        struct task_config config;
        struct trigger *triggers;
        size_t n_triggers;
        int64_t checked_until; /* wall-clock second up to which due runs were handled */
        int64_t next_due;      /* wall clock, 0: none */
        int64_t next_fire;     /* next_due plus the random delay */
        struct task_run *runs; /* those running */
        unsigned n_running;
        const char *queued; /* a run waits for the running ones to end: its reason */
        bool deleted;       /* gone from the database; freed with its last run */
};

struct scheduler {
        struct manager *manager;
        struct task *tasks;
        int timer_fd;
        struct loop_io timer_io;
        int cgroup_fd; /* the "tasks" folder in scmd's cgroup; -1 none */
};

/* ---- scheduler.c ---- */

/* Makes the scheduler, loads the tasks, runs those missed while scmd was
 * down and the boot triggers, and arms the timer; main.c, after the
 * auto-start round began.  0 or -errno (then no task runs). */
int scheduler_start(struct manager *m);
void scheduler_free(struct manager *m);
struct task *scheduler_find(struct scheduler *s, const char *name);
/* Checks c (triggers, time zone, command line, limits); 0, or
 * SCM_ERR(win32) with *ret_error (malloc'd). */
int scheduler_check(const struct task_config *c, char **ret_error);
/* Creates a task from c (its contents taken on success): persisted, then
 * scheduled.  0, -EEXIST, or -errno. */
int scheduler_create(struct scheduler *s, struct task_config *c, struct task **ret);
/* Replaces t's configuration by c (taken on success); 0 or -errno. */
int scheduler_change(struct task *t, struct task_config *c);
/* Deletes t: its runs are stopped, its record and history go. */
int scheduler_delete(struct task *t);
/* A run now (reason "manual", ...), under its overlap policy: 0 with the
 * outcome "started", "queued" or "skipped" in *ret_outcome, or, when the
 * run could not be made, SCM_ERR(win32) or -errno with *ret_error
 * (malloc'd, may be NULL) saying why. */
int task_due(struct task *t, const char *reason, const char **ret_outcome, char **ret_error);
/* The hook of a child that is no service's (struct service_hooks): true
 * when it was a task's run, now recorded. */
bool scheduler_child_exited(struct manager *m, const siginfo_t *si);

/* ---- task_run.c ---- */

/* Makes a run of t (reason: "scheduled", "missed", "boot", "manual",
 * "queued").  0, or SCM_ERR(win32) (a step of its security plan:
 * SERVICE_LOGON_FAILED, PRIVILEGE_NOT_HELD, PATH_NOT_FOUND, ...) or
 * -errno, with *ret_error; the history records it either way. */
int task_run_start(struct task *t, const char *reason, char **ret_error);
/* Stops r: SIGTERM to its process group, SIGKILL to its cgroup 5 s later;
 * result is what its history will say. */
void task_run_stop(struct task_run *r, const char *result);
/* r's process ended (si from waitid): records it, lets go of r. */
void task_run_ended(struct task_run *r, const siginfo_t *si);
/* scmd exits while r runs: kills it, records it interrupted, lets go of r. */
void task_run_abandon(struct task_run *r);
/* The wall clock in milliseconds. */
int64_t task_wall_ms(void);
