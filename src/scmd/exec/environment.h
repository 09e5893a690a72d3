/* SPDX-License-Identifier: MIT */
/*
 * environment.c: a service's own environment on top of the one scmd made
 * for it: its environment files, read at each start, then its
 * environment entries.
 */
#pragma once

#include <stddef.h>

struct passwd;
struct service_process;

/* A fresh environment for a program run as pw's account, never a filtered
 * copy of scmd's: PATH, HOME, USER, LOGNAME and SHELL from its passwd
 * entry, scmd's LANG, LC_ALL and TZ when it has them, then name_key=name
 * (SCM_SERVICE_NAME, SCM_TASK_NAME).  NULL on out-of-memory. */
char **environment_for_account(const struct passwd *pw, const char *name_key, const char *name);
/* Appends KEY=VALUE to *env, whose count *n is (and stays) kept. */
int environment_push(char ***env, size_t *n, const char *key, const char *value);

/* Sets in *envp (a malloc'd NULL-terminated list of "KEY=VALUE", which it
 * may grow) every assignment of p's environment files, in order, then of
 * p's environment entries; a later one replaces an earlier one of the
 * same KEY.  0; -ENOENT (or another -errno) with *ret_error (malloc'd)
 * when a file that is not optional cannot be read; -ENOMEM. */
int environment_apply(char ***envp, const struct service_process *p, char **ret_error);
