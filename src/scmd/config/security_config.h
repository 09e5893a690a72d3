/* SPDX-License-Identifier: MIT */
/*
 * A service's least-privilege settings as configured (a scheduled task
 * has the same, task_config.h), and whose they are.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* SERVICE_SID_TYPE_*: what identity a service has beside its account. */
enum sid_type {
        SID_TYPE_NONE,         /* the account's identity only */
        SID_TYPE_UNRESTRICTED, /* plus a group of its own and its own folders */
        SID_TYPE_RESTRICTED,   /* plus writes only where it is granted */
        _SID_TYPE_MAX,
        SID_TYPE_INVALID = -1,
};

/* A service's least-privilege settings, part of its configuration; a NULL
 * pointer in a service_config means every default. */
struct service_security {
        uint64_t privileges; /* required capabilities, bit n = capability n; 0: the account's own */
        enum sid_type sid_type;
        gid_t gid;             /* the service's group, kept for its name; 0: none allocated */
        char **writable_paths; /* restricted: more paths it may write; NULL-terminated, or NULL */
        bool allow_weak_isolation; /* restricted: run without Landlock when the kernel lacks it */
        bool restrict_network;     /* a network namespace of its own with only loopback */
        bool interactive;          /* LocalSystem only: standard I/O on scmd's --console */
};

/* Whose settings a plan or a delivery of secrets is made for
 * (exec/security.c, exec/credentials.c): a service's, or a scheduled
 * task's, whose identity (group, folders, secrets) is kept apart from
 * every service's (task_config.h, identity.c). */
enum owner_kind {
        OWNER_SERVICE,
        OWNER_TASK,
        _OWNER_KIND_MAX,
};

/* "service", "task": how a sentence names the owner. */
const char *owner_kind_name(enum owner_kind k);
/* "services", "tasks": the word of the owner's folders (identity.c). */
const char *owner_kind_folder(enum owner_kind k);

/* Frees sec and everything it holds; NULL is fine. */
void service_security_free(struct service_security *sec);
/* A deep copy; NULL for NULL, and NULL with errno ENOMEM on failure. */
struct service_security *service_security_dup(const struct service_security *sec);
const char *sid_type_name(enum sid_type t);
enum sid_type sid_type_from_name(const char *name);
