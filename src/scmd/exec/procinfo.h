/* SPDX-License-Identifier: MIT */
/*
 * What /proc says of a process that scmd did not just make: its start
 * time and its cgroup, to know a process again after scmd restarted.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* pid's start time (field 22 of /proc/PID/stat, clock ticks since boot):
 * 0 with *ret, -ESRCH when there is no such process (or only its zombie), or
 * -errno.  A pid
 * reused by another process has another start time. */
int proc_start_time(pid_t pid, uint64_t *ret);
/* pid's parent (field 4): 0 with *ret, or as proc_start_time(). */
int proc_parent(pid_t pid, pid_t *ret);
/* pid's cgroup v2 path ("0::" line of /proc/PID/cgroup) into buf; "" when
 * unknown.  0 or -errno. */
int proc_cgroup(pid_t pid, char *buf, size_t size);
/* A pidfd for pid (pidfd_open), O_CLOEXEC; -errno. */
int proc_pidfd_open(pid_t pid);
/* 1 when the process behind pidfd has ended, 0 while it runs. */
int proc_pidfd_exited(int pidfd);
