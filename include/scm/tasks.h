/* SPDX-License-Identifier: MIT */
/*
 * Scheduled tasks, as Windows' Task Scheduler (schtasks.exe) has them: a
 * program with its arguments run under an account when its triggers say,
 * with a run-time limit, an overlap policy, missed runs and a history
 * (docs/protocol.md, "Scheduled tasks").  Triggers travel in their text
 * form: "once 2026-12-24 18:00", "every 15m", "daily 03:00",
 * "weekly mon,fri 19:30", "monthly 1,15 06:00", "boot".
 * A task's least privilege and sandbox are a service's, in the same words
 * ("required_privileges", "sid_type", "writable_paths", "private_tmp",
 * "system_call_deny", ...): scm_task_create_with() and
 * scm_task_change_with() take them as a struct scm_change of
 * <scm/manage.h>, and scm_task_query() reads them back, field by field.
 * Every call returns 0, SCM_ERR(win32) for a refusal, or -errno.
 */
#ifndef SCM_TASKS_H
#define SCM_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include <scm/client.h>
#include <scm/manage.h>

/* What task_create sets, or task_change changes: NULL (or -1) leaves a
 * setting alone (at create: its default). */
struct scm_task_settings {
        const char *command_line;    /* required at create */
        const char *account;         /* "" / LocalSystem: scmd's own user */
        const char *const *triggers; /* NULL-terminated; replaces them all */
        const char *overlap;         /* "skip" (default), "queue", "parallel", "stop_old" */
        const char *time_zone;       /* a tz database name; "": scmd's */
        const char *access;          /* an access list's text form */
        int enabled;                 /* 1 (default) or 0 */
        int run_missed;              /* 1 (default) or 0 */
        int64_t time_limit_s;        /* 0 (default): none */
        int64_t random_delay_s;      /* 0 (default) */
};
#define SCM_TASK_SETTINGS_INIT                                                                     \
        { .enabled = -1, .run_missed = -1, .time_limit_s = -1, .random_delay_s = -1 }

struct scm_task_run {
        int64_t id;
        char reason[16];                    /* scheduled, missed, boot, manual, queued */
        char result[24];                    /* running, exited, killed, time_limit, ended, skipped,
                                               stopped_by_newer_run, failed_to_start, interrupted */
        int64_t started_at_ms, ended_at_ms; /* unix ms; ended 0 while it runs */
        int pid;
        int exit_code; /* -1: none */
        int signal;    /* 0: none */
};

int scm_task_create(struct scm_client *c, const char *name, const struct scm_task_settings *s);
int scm_task_change(struct scm_client *c, const char *name, const struct scm_task_settings *s);
/* The same, with the fields of more (may be NULL) that s does not set: a
 * service's least-privilege and sandbox fields, by their protocol names
 * (a field s sets wins).  *ret_task (may be NULL) is the task after it,
 * as scm_task_query() gives it. */
int scm_task_create_with(struct scm_client *c, const char *name, const struct scm_task_settings *s,
                         const struct scm_change *more, struct scm_object **ret_task);
int scm_task_change_with(struct scm_client *c, const char *name, const struct scm_task_settings *s,
                         const struct scm_change *more, struct scm_object **ret_task);
/* The task as task_query returns it: its settings (least privilege and
 * sandbox included, and what they derive: "service_gid",
 * "state_directory", ...), "next_run", "running", "pids". */
int scm_task_query(struct scm_client *c, const char *name, struct scm_object **ret);
int scm_task_delete(struct scm_client *c, const char *name);
/* A run now, under the task's overlap policy; *ret_started (may be NULL)
 * is 1 when it started, 0 when it was queued or skipped. */
int scm_task_run(struct scm_client *c, const char *name, int *ret_started);
/* Stops every run of the task. */
int scm_task_end(struct scm_client *c, const char *name);
/* The names of the tasks the caller may see (NULL-terminated, malloc'd;
 * free each and the vector). */
int scm_task_list(struct scm_client *c, char ***ret_names);
/* The task's runs, newest first (malloc'd; free()).  */
int scm_task_history(struct scm_client *c, const char *name, struct scm_task_run **ret,
                     size_t *ret_n);

#endif
