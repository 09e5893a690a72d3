/* SPDX-License-Identifier: MIT */
/*
 * A service's cgroup (v2): made, watched, frozen, killed, removed.
 */
#pragma once

#include <stdbool.h>

/* The leaf scmd moves itself into to give controllers to its services
 * (resources.c). */
#define CGROUP_SCMD_LEAF "scmd.daemon"

/* Finds scmd's own cgroup v2 folder and creates instance below it.
 * Returns a folder fd, its path in *ret_path and the path as
 * /proc/PID/cgroup shows it ("/scm") in *ret_rel, or -errno when cgroups
 * cannot be used (then services are held by their process group). */
int cgroup_setup(const char *instance, char **ret_path, char **ret_rel);
/* Removes the instance folder if it is empty (at exit). */
void cgroup_teardown(const char *path);
/* Creates (if needed) and opens the folder for a service. */
int cgroup_service_open(int base_fd, const char *dirname);
/* Kills every process in the cgroup; 0 or -errno. */
int cgroup_kill(int cgroup_fd);
/* Freezes (pause) or thaws every process in the cgroup; 0 or -errno. */
int cgroup_freeze(int cgroup_fd, bool frozen);
/* 1 populated, 0 empty, -errno. */
int cgroup_populated(int cgroup_fd);
/* Opens cgroup.events for EPOLLPRI watching. */
int cgroup_events_open(int cgroup_fd);
/* Removes an empty service cgroup; errors are ignored. */
void cgroup_service_remove(int base_fd, const char *dirname);
/* Kills and removes every service cgroup left by an earlier scmd, but
 * those for which keep (if set) says true (services taken back). */
void cgroup_sweep(int base_fd, bool (*keep)(void *userdata, const char *name), void *userdata);
