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

/* Reads the usage of the cgroup folder cgroup_fd.  A file a controller
 * would provide is absent when the controller is not enabled for the
 * cgroup (memory, pids); its field is -1 then.  Never fails. */
void cgroup_usage_read(int cgroup_fd, struct cgroup_usage *ret);
