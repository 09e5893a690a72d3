/* SPDX-License-Identifier: MIT */
/*
 * A service's system-call filter as configured (struct service_syscalls):
 * an allow list, a deny list (names of system calls and of groups, "@"
 * before a group's), and what a call the filter refuses gets: an errno or
 * the kill of the process.  Its protocol form is docs/protocol.md's
 * system_call_* keys, which the database keeps too (db_resource.c);
 * exec/syscall_filter.c turns it into a seccomp filter.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#define SYSCALL_LIST_MAX 512
/* action_errno of a filter whose refused calls kill the process. */
#define SYSCALL_ACTION_KILL 0

struct service_syscalls {
        char **allow;     /* NULL-terminated; NULL: every call but the denied */
        char **deny;      /* NULL-terminated; NULL: none */
        int action_errno; /* errno a refused call fails with; SYSCALL_ACTION_KILL */
        /* The address families socket() may make ("AF_INET" ...): an allow
         * list, or a deny list; NULL: any.  A refused one fails with
         * EAFNOSUPPORT, whatever action_errno says. */
        char **families_allow;
        char **families_deny;
};

/* "AF_INET6" -> AF_INET6; -1 unknown.  AF_MAX: the families there are. */
int address_family_from_name(const char *name);

extern const char *const syscall_config_keys[];

void service_syscalls_free(struct service_syscalls *s);
struct service_syscalls *service_syscalls_dup(const struct service_syscalls *s);
/* As service_resources_apply_json (resource_config.h). */
int service_syscalls_apply_json(struct service_syscalls **s, const json_t *o, char **ret_error);
/* The protocol's object (s NULL: no filter); NULL on OOM. */
json_t *service_syscalls_json(const struct service_syscalls *s);

/* The system calls of group name ("@mount"), NULL-terminated; NULL when no
 * such group.  Names a group holds that this architecture lacks are
 * skipped by the filter. */
const char *const *syscall_group(const char *name);
/* Every group's name, NULL-terminated (for help and docs). */
extern const char *const syscall_group_names[];
