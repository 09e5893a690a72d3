/* SPDX-License-Identifier: MIT */
/*
 * A service's resource limits at the moments of its life: written into its
 * cgroup before its process starts, its OOM kills counted as it ends, its
 * usage shown beside its limits (resource.c over exec/resources.c).
 */
#pragma once

#include <jansson.h>

struct service;
struct process;

/* Writes s's limits into the fresh cgroup folder cgroup_fd (-1: none).
 * 0, or SCM_ERR(...) with s's last_error saying which limit cannot be
 * had and why (NOT_SUPPORTED when its controller or the cgroup is
 * missing): the start fails rather than run unlimited. */
int resource_apply(struct service *s, int cgroup_fd);

/* p's main process ended: counts the OOM kills of its cgroup into each
 * member's oom_kills, and says so in the log. */
void resource_note_exit(struct process *p);

/* s's limits in force and usage (query_resources), or a result with only
 * "limits" when no process runs; NULL on out-of-memory. */
json_t *resource_usage_json(const struct service *s);
