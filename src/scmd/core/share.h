/* SPDX-License-Identifier: MIT */
/*
 * Shared-process services (type share): several services in one process.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct service;
struct service_config;
struct process;

/* create/change_config: the rules of type share.  0, or
 * SCM_ERR(INVALID_PARAMETER) with *ret_message saying which (malloc'd;
 * NULL when out of memory). */
int share_check_config(const struct service_config *c, char **ret_message);
/* For a share service about to start: 1 with *ret, the running process it
 * joins; 0 when it needs a new process; SCM_ERR(win32) with s->last_error
 * when it may not run in the process of its command line
 * (DIFFERENT_SERVICE_ACCOUNT, PRIVILEGE_NOT_HELD, INVALID_PARAMETER). */
int share_find_process(struct service *s, struct process **ret);
/* What a shared process's members must agree on beside the account: its
 * fences, system-call filter and resource limits, as one text (malloc'd;
 * NULL on out-of-memory).  The process has the starting member's. */
char *share_fence_key(const struct service *s);
/* The capabilities s's process needs: s's own, or for a share service the
 * union of every configured member's.  A member that requires none has
 * the account's own: every capability for root (root: the account is uid
 * 0; then the union is 0, unrestricted), none for any other account. */
uint64_t share_required_privileges(const struct service *s, bool root);
/* Whether two account settings name the same account ("" is LocalSystem). */
bool share_accounts_equal(const char *a, const char *b);
