/* SPDX-License-Identifier: MIT */
/*
 * A service's configuration as scmd holds it in memory: the row of the
 * services table with its parts (security settings, access list).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <scm/types.h>

struct service_security;
struct service_process;
struct service_resources;
struct service_fences;
struct service_syscalls;
struct acl;

struct service_config {
        char *name;
        char *display_name;
        char *description;
        enum scm_service_type type;
        enum scm_start_type start_type;
        enum scm_error_control error_control;
        enum scm_service_kind kind;
        char *command_line;
        char *account;
        char *group;
        char **dependencies; /* NULL-terminated; "+Group" for a group */
        /* Least privilege (security.c); NULL: every default. */
        struct service_security *security;
        /* Process settings (process_config.c); NULL: every default. */
        struct service_process *process;
        /* Resource limits (resource_config.c); NULL: every default. */
        struct service_resources *resources;
        /* Its private view of the filesystem (fence_config.c); NULL: none. */
        struct service_fences *fences;
        /* Its system-call filter (syscall_config.c); NULL: none. */
        struct service_syscalls *syscalls;
        /* Who may do what to it (acl.c); NULL: the default list. */
        struct acl *access;
        uint32_t control_timeout_ms; /* a control's answer; a native start's first report */
        uint32_t watchdog_ms;        /* notify: WATCHDOG=1 at least this often; 0 off */
        /* native: how long a preshutdown may take while it makes progress;
         * SCM_PRESHUTDOWN_TIMEOUT_INFINITE: as long as it makes progress */
        uint32_t preshutdown_timeout_ms;
        bool pause_by_freeze; /* plain/notify: pause freezes the cgroup */
};

/* Frees the strings of a config and zeroes it. */
void service_config_clear(struct service_config *c);
/* Deep copy; returns 0 or -ENOMEM. */
int service_config_copy(const struct service_config *from, struct service_config *to);
/* The name as a file name: itself when short, else a prefix and a hash,
 * so "NAME.service" and "NAME.log.N" stay under NAME_MAX.  malloc'd. */
char *service_file_name(const char *name);
