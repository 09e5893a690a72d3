/* SPDX-License-Identifier: MIT */
/*
 * A forking daemon's main pid, once its first process has exited 0
 * (forking.c): from its PID file, or the one process left in its cgroup.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct forking_search {
        const char *pid_file;    /* NULL: none configured */
        uid_t owner;             /* the service's account: the file's owner, or root */
        int cgroup_fd;           /* -1: no cgroups */
        const char *cgroup_base; /* scmd's cgroup as /proc/PID/cgroup names it */
        const char *cgroup_name; /* the service's folder in it */
};

/* 1 with *ret (a process of the service), 0 when the PID file is not there
 * yet, or -errno with *ret_why (malloc'd) saying what is wrong. */
int forking_main_pid(const struct forking_search *q, pid_t *ret, char **ret_why);
/* Whether pid is in the service's cgroup (true without cgroups). */
bool forking_in_cgroup(const struct forking_search *q, pid_t pid);
