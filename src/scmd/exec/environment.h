/* SPDX-License-Identifier: MIT */
/*
 * environment.c: a service's own environment on top of the one scmd made
 * for it: its environment files, read at each start, then its
 * environment entries.
 */
#pragma once

struct service_process;

/* Sets in *envp (a malloc'd NULL-terminated list of "KEY=VALUE", which it
 * may grow) every assignment of p's environment files, in order, then of
 * p's environment entries; a later one replaces an earlier one of the
 * same KEY.  0; -ENOENT (or another -errno) with *ret_error (malloc'd)
 * when a file that is not optional cannot be read; -ENOMEM. */
int environment_apply(char ***envp, const struct service_process *p, char **ret_error);
