/* SPDX-License-Identifier: MIT */
/*
 * A service's process settings as configured (struct service_process):
 * working directory, environment and environment files, umask, resource
 * limits, stop signal and stop timeout, primary and supplementary groups,
 * the folders made for it (runtime, state, cache, logs, configuration);
 * and the commands around its process (process_commands.c): pre-start,
 * reload, post-stop, the PID file of a forking daemon, a job's remaining
 * after exit.  Their protocol form is a JSON object of docs/protocol.md's
 * fields, which is also how the database keeps them
 * (db_process_settings.c); this file turns one into the other.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#include <jansson.h>

#define PROCESS_ENV_MAX 256
#define PROCESS_LIMITS_MAX 16
#define PROCESS_GROUPS_MAX 64
#define PROCESS_FOLDERS_MAX 16 /* names per kind */
#define PROCESS_FOLDER_MODE_DEFAULT 0755

/* The kinds of folder a service may have made for it (systemd's
 * RuntimeDirectory=, StateDirectory=, ...): exec/folders.c says where. */
enum process_folder_kind {
        FOLDER_RUNTIME,
        FOLDER_STATE,
        FOLDER_CACHE,
        FOLDER_LOGS,
        FOLDER_CONFIGURATION,
        _FOLDER_KIND_MAX
};
/* "runtime", "state", ...: the protocol's keys are NAME_directory and
 * NAME_directory_mode. */
extern const char *const process_folder_kind_names[_FOLDER_KIND_MAX];

/* The folders of one kind: names relative to the kind's base. */
struct process_folders {
        char **names; /* NULL-terminated; NULL none */
        int mode;     /* -1: 0755 */
};

/* One setrlimit(): resource, soft and hard (RLIM_INFINITY: infinity). */
struct process_limit {
        int resource;
        rlim_t soft, hard;
};

/* NULL in a service_config: every default. */
struct service_process {
        char *working_directory;  /* NULL: "/" */
        char **environment;       /* "KEY=VALUE", NULL-terminated; NULL none */
        char **environment_files; /* absolute paths, "-" before an optional one; NULL none */
        int umask;                /* -1: 0022 */
        struct process_limit limits[PROCESS_LIMITS_MAX];
        size_t n_limits;
        int stop_signal;             /* 0: SIGTERM */
        uint32_t stop_timeout_ms;    /* 0: scmd's --stop-timeout */
        uint32_t idle_stop_ms;       /* socket activation: stop after this long without a
                                        client (work/activation.c); 0: never */
        uint32_t accept_connections; /* socket activation: scmd accepts each connection and
                                        starts an instance for it, at most this many at
                                        once (work/instance.c); 0: the service accepts */
        bool accept_stdio;           /* its instances' stdin and stdout are the connection */
        char *primary_group;         /* a group name or gid; NULL: the account's */
        char **supplementary_groups; /* names or gids, NULL-terminated; NULL none */
        struct process_folders folders[_FOLDER_KIND_MAX];
        char *pam_name; /* the PAM service of its logon session (/etc/pam.d/NAME); NULL none */
        /* process_commands.c */
        char **start_pre;       /* command lines, NULL-terminated; "-" first: may fail */
        char **stop_post;       /* the same, after the process has gone */
        char *reload_command;   /* NULL: none */
        int reload_signal;      /* 0: none */
        char *pid_file;         /* forking: absolute path; NULL: the one process left */
        bool remain_after_exit; /* oneshot: RUNNING after exit 0 */
        bool setuid_allowed; /* an unprivileged account keeps its bounding set, no no_new_privs */
        uint32_t start_timeout_ms; /* forking, notify, pre-start: 0: control_timeout_ms */
};

/* How long a start may take (forking, notify, pre-start): its
 * start_timeout_ms, else control_timeout_ms; in milliseconds. */
#define PROCESS_START_TIMEOUT_MS(config)                                                           \
        ((config)->process && (config)->process->start_timeout_ms                                  \
                 ? (config)->process->start_timeout_ms                                             \
                 : (config)->control_timeout_ms)

/* The most instances accept_connections may allow at once. */
#define PROCESS_ACCEPT_MAX 1024

/* The protocol's keys of these settings (NULL-terminated). */
extern const char *const process_config_keys[];

void service_process_free(struct service_process *p);
/* A deep copy; NULL for NULL, and NULL with errno ENOMEM on failure. */
struct service_process *service_process_dup(const struct service_process *p);

/* Applies the keys of o that are process settings onto *p (allocated when
 * NULL; freed and set NULL when everything is back to the default).
 * Returns 0, -EINVAL with *ret_error (malloc'd) naming the key and the
 * problem, or -ENOMEM. */
int service_process_apply_json(struct service_process **p, const json_t *o, char **ret_error);
/* Every setting as the protocol's object, defaults included (p NULL: all
 * defaults); NULL on out-of-memory. */
json_t *service_process_json(const struct service_process *p);

/* *ret_error := the sentence; -EINVAL (or -ENOMEM when it cannot be made). */
/* v, a JSON list of at most max strings each checked by ok (which says
 * why not), as a new NULL-terminated list in *ret; null or [] gives NULL.
 * 0, -EINVAL with *ret_error naming the key and the entry, or -ENOMEM. */
int config_read_list(const json_t *v, const char *key, size_t max,
                     bool (*ok)(const char *s, const char **why), char ***ret, char **ret_error);
int process_config_say(char **ret_error, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* A list of strings as a JSON array (NULL: []); NULL on out-of-memory. */
json_t *process_strv_json(char *const *v);

/* "NOFILE" -> RLIMIT_NOFILE; -1 unknown.  And back. */
int process_limit_from_name(const char *name);
const char *process_limit_name(int resource);
/* "TERM" or "SIGTERM" -> SIGTERM; 0 unknown.  And back ("TERM"). */
int process_signal_from_name(const char *name);
const char *process_signal_name(int sig);
