/* SPDX-License-Identifier: MIT */
/*
 * Resource limits on a service's cgroup (cgroup v2 controllers): enabling
 * the controllers on scmd's subtree, writing a service's limits before its
 * process starts, and reading its usage and its OOM kills.
 */
#pragma once

#include <jansson.h>

struct service_resources;

/* Enables the memory, cpu, pids and io controllers on the instance folder
 * base_path (and on its parent, scmd's own cgroup, which must give them).
 * When scmd's own cgroup holds scmd alone and cannot give them for that
 * reason (the kernel's "no internal processes" rule), scmd moves itself
 * into a leaf of its own, CGROUP_SCMD_LEAF beside the instance folder.  Returns
 * the RESOURCE_CTL_* bits the services' folders can use; *ret_why
 * (malloc'd, may be NULL) says why the others cannot be had. */
unsigned resources_enable(const char *base_path, char **ret_why);

/* Writes r's limits (NULL: the defaults) into the service folder
 * cgroup_fd, given the controllers available.  Every service gets
 * RESOURCE_TASKS_MAX_DEFAULT tasks unless it sets its own.  A limit whose
 * controller is not available fails: -EOPNOTSUPP with *ret_error
 * (malloc'd) naming the limit and the controller; another failure to write
 * one is -errno with *ret_error naming the file. */
int resources_apply(int cgroup_fd, const struct service_resources *r, unsigned available,
                    char **ret_error);

/* The limits in force and the usage of the service folder cgroup_fd, as
 * docs/protocol.md's query_resources result (fields a controller does not
 * give are absent).  NULL on out-of-memory. */
json_t *resources_usage_json(int cgroup_fd);

/* How many processes of the folder the kernel's OOM killer ended
 * (memory.events oom_kill); 0 when it cannot be read. */
long resources_oom_kills(int cgroup_fd);
