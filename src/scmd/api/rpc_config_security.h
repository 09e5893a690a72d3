/* SPDX-License-Identifier: MIT */
/*
 * create and change_config (task_create and task_change too): the
 * least-privilege parameters, and their form in a reply.
 */
#pragma once

#include <jansson.h>

#include "security_config.h"

struct rpc_call;
struct scm_paths;
struct service_config;

/* create/change_config: applies the least-privilege parameters of the
 * request onto c (rpc_config.c's read_config), then checks them against the
 * rest of c and allocates the service's group when it first gets an
 * identity (check_config).  Each returns 0 or rpc_fail(). */
int security_read_config(struct rpc_call *call, struct service_config *c);
int security_check_config(struct rpc_call *call, const struct service_config *c);
/* The fences (fence_config.c) and the system-call filter (syscall_config.c)
 * the request names, onto c->fences and c->syscalls; nothing when it
 * names none.  0 or rpc_fail(). */
int security_read_fences(struct rpc_call *call, struct service_config *c);
int security_read_syscalls(struct rpc_call *call, struct service_config *c);
/* The least-privilege settings sec (NULL: every default) of the service
 * or task name as query_security shows them: required_privileges,
 * sid_type, service_gid, the identity's three folders (null without one),
 * writable_paths, allow_weak_isolation, restrict_network, interactive and
 * isolation (how this kernel holds a restricted one's writes).  A new
 * object, or NULL on out-of-memory. */
json_t *security_settings_json(const struct scm_paths *paths, enum owner_kind owner,
                               const char *name, const struct service_security *sec);
