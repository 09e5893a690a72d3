/* SPDX-License-Identifier: MIT */
/*
 * What a service's cgroup (v2) uses now: memory, CPU time, tasks, read from
 * the cgroup's own files for query_status and enumerate.
 */
#pragma once

#include <stdint.h>

struct cgroup_usage {
        int64_t memory_bytes; /* memory.current; -1 when the file is not there */
        int64_t cpu_usec;     /* cpu.stat usage_usec; -1 likewise */
        int64_t tasks;        /* pids.current; -1 likewise */
};

/* Reads the usage of the cgroup folder folder under dir_fd (folder NULL:
 * dir_fd is the folder).  controllers (RESOURCE_CTL_*) are those enabled
 * for the folder: the file of a controller not among them is not there
 * and not looked for (memory, pids; cpu.stat always is), its field -1.
 * Never fails. */
void cgroup_usage_read(int dir_fd, const char *folder, unsigned controllers,
                       struct cgroup_usage *ret);

/* The same files held open: each reading is then one pread() a file (the
 * kernel makes a cgroup file's text again for a read at offset 0). */
struct cgroup_usage_files {
        int fd[3]; /* memory.current, cpu.stat, pids.current; -1: not there */
};

/* Opens the files cgroup_usage_read() would read into *ret: 0 when every
 * file of an enabled controller is open (a disabled one's is -1), else
 * -errno with none held (the caller reads by path, and tries again later:
 * a file held as missing would read as null until the process ends). */
int cgroup_usage_open(int dir_fd, const char *folder, unsigned controllers,
                      struct cgroup_usage_files *ret);
void cgroup_usage_read_open(const struct cgroup_usage_files *f, struct cgroup_usage *ret);
void cgroup_usage_close(struct cgroup_usage_files *f);
