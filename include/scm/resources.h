/* SPDX-License-Identifier: MIT */
/*
 * libscm: a service's resource limits (cgroup v2 controllers) and its
 * usage beside them (docs/protocol.md, the config object's resource
 * limits and query_resources).  The names are the protocol's.
 */
#ifndef SCM_RESOURCES_H
#define SCM_RESOURCES_H

#include <stdint.h>

#include <scm/client.h>

/* Not set: the kernel's default (no limit, weight 100); for tasks_max,
 * scmd's default cap (query_resources' tasks_max_default, 4096). */
#define SCM_LIMIT_UNSET (-1)
/* tasks_max only: no cap at all. */
#define SCM_LIMIT_INFINITY INT64_MAX

struct scm_resource_limits {
        int64_t memory_max;        /* bytes, >= 4096 */
        int64_t memory_high;       /* bytes, >= 4096, <= memory_max */
        int64_t memory_swap_max;   /* bytes; 0 no swap */
        int64_t cpu_weight;        /* 1..10000 */
        int64_t cpu_quota_percent; /* of one CPU, 1..100000 */
        int64_t tasks_max;         /* 1..4194304, or SCM_LIMIT_INFINITY */
        int64_t io_weight;         /* 1..10000 */
};

#define SCM_RESOURCE_LIMITS_INIT                                                                   \
        {                                                                                          \
                SCM_LIMIT_UNSET, SCM_LIMIT_UNSET, SCM_LIMIT_UNSET, SCM_LIMIT_UNSET,                \
                        SCM_LIMIT_UNSET, SCM_LIMIT_UNSET, SCM_LIMIT_UNSET                          \
        }

/* What the service's cgroup holds now; -1 where the kernel does not say
 * (no process runs, or scmd lacks the controller). */
struct scm_resource_usage {
        int64_t memory_current; /* bytes */
        int64_t memory_peak;    /* bytes (kernels from 5.19) */
        int64_t cpu_usage_usec;
        int64_t tasks_current;
        int64_t oom_kills; /* memory.events oom_kill */
};

/* Sets every limit of name to *limits (change_config; SCM_LIMIT_UNSET
 * unsets one).  SCM_ERR(SCM_ERROR_NOT_SUPPORTED) when a limit needs a
 * controller scmd does not have, SCM_ERR(SCM_ERROR_INVALID_PARAMETER) for
 * a value out of range; the message names the field. */
int scm_set_resource_limits(struct scm_client *c, const char *name,
                            const struct scm_resource_limits *limits);

/* The limits set for name, and (usage may be NULL) its usage now. */
int scm_query_resources(struct scm_client *c, const char *name, struct scm_resource_limits *ret,
                        struct scm_resource_usage *usage);

#endif
