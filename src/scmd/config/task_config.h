/* SPDX-License-Identifier: MIT */
/*
 * A scheduled task's configuration as scmd holds it (the row of the tasks
 * table with its triggers and access list), and one run's record in its
 * history.  The triggers are kept in their text form ("daily 19:30",
 * "every 15m", ...), which work/trigger.c parses and checks: one
 * vocabulary from the database through the protocol to scctl.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acl;
struct service_fences;
struct service_security;
struct service_syscalls;

/* What a due run does while an earlier run of the task still runs. */
enum task_overlap {
        TASK_OVERLAP_SKIP,     /* the new run is not made (recorded as skipped) */
        TASK_OVERLAP_QUEUE,    /* it runs once the running one ends (one waits at most) */
        TASK_OVERLAP_PARALLEL, /* it runs beside the old one */
        TASK_OVERLAP_STOP_OLD, /* the old one is stopped, then the new one runs */
        _TASK_OVERLAP_MAX,
        TASK_OVERLAP_INVALID = -1,
};

#define TASK_TRIGGERS_MAX 16
#define TASK_HISTORY_MAX 50

struct task_config {
        char *name;
        char *command_line;
        char *account;   /* "" or LocalSystem: scmd's own user */
        char **triggers; /* NULL-terminated texts; NULL: none (run by hand only) */
        bool enabled;
        uint32_t time_limit_s; /* a run is stopped past it; 0: no limit */
        enum task_overlap overlap;
        bool run_missed;         /* a run due while scmd was down runs once at start */
        uint32_t random_delay_s; /* each due run waits a random 0..N seconds more */
        char *time_zone;         /* the calendar's zone (a tz database name); "": scmd's */
        struct acl *access;      /* NULL: the default list (acl.c) */
        /* Required privileges, sid type (a group and folders of its own),
         * writable paths, weak isolation, restrict_network, as a service's;
         * never interactive.  NULL: every default. */
        struct service_security *security;
        bool setuid_allowed; /* no_new_privileges false: a setuid program may raise it */
        /* Its private view of the filesystem and network rules
         * (fence_config.h), and its system-call filter (syscall_config.h),
         * as a service's.  NULL: none. */
        struct service_fences *fences;
        struct service_syscalls *syscalls;
};

/* One run of a task, as its history shows it. */
struct task_run_record {
        int64_t id;
        char *reason;                       /* "scheduled", "missed", "boot", "manual", "queued" */
        int64_t started_at_ms, ended_at_ms; /* wall clock; ended 0 while it runs */
        int pid;
        char *result;        /* "running", "exited", "killed", "time_limit", "ended", "skipped",
                                "failed_to_start", "interrupted" */
        int exit_code;       /* -1: none */
        int signal;          /* 0: none */
        int win32_exit_code; /* a run that could not be made: why (0: none) */
        char *error;         /* or NULL */
};

/* The name a task's identity is kept under where a service's is kept
 * under its own name: its group (service_groups), its secrets
 * (service_secrets) and the seal of each.  "task/NAME": a service name
 * never holds '/', so a task and a service of the same name never share
 * one.  malloc'd; NULL on out-of-memory. */
char *task_identity_key(const char *name);
#define TASK_IDENTITY_PREFIX "task/"

const char *task_overlap_name(enum task_overlap o);
enum task_overlap task_overlap_from_name(const char *name);
void task_config_clear(struct task_config *c);
/* A deep copy; 0 or -ENOMEM. */
int task_config_copy(const struct task_config *from, struct task_config *to);
void task_run_records_free(struct task_run_record *v, size_t n);
