/* SPDX-License-Identifier: MIT */
/*
 * A service's network rules enforced on its cgroup (netfilter.c).
 */
#pragma once

struct service_fences;

/* Compiles f's network rules into cgroup BPF programs and attaches them
 * to the cgroup (a folder descriptor) before any process is in it.  0
 * (also when f has no rule), or -errno with *ret_why (malloc'd) saying
 * what failed. */
int netfilter_attach(int cgroup_fd, const struct service_fences *f, char **ret_why);
