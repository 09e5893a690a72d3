/* SPDX-License-Identifier: MIT */
/*
 * A service's resource limits as configured (struct service_resources):
 * the cgroup v2 controllers' limits on memory (memory.max, memory.high,
 * memory.swap.max), CPU (cpu.weight, cpu.max as a quota), tasks
 * (pids.max) and IO (io.weight).  Their protocol form is a JSON object of
 * docs/protocol.md's keys, which is also how the database keeps them
 * (db_resource.c); this file turns one into the other and judges values.
 *
 * Every service gets RESOURCE_TASKS_MAX_DEFAULT tasks unless it says
 * otherwise ("infinity" lifts the cap): see docs/architecture.md,
 * "Resource limits", for why that number.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

/* Not set: the kernel's default (no limit; weight 100). */
#define RESOURCE_UNSET (-1)
/* tasks_max "infinity": no cap at all, not even the default one. */
#define RESOURCE_INFINITY INT64_MAX
/* pids.max of a service that names none. */
#define RESOURCE_TASKS_MAX_DEFAULT 4096

/* The cgroup v2 controllers these limits need, as bits. */
enum resource_controller {
        RESOURCE_CTL_MEMORY = 1u << 0,
        RESOURCE_CTL_CPU = 1u << 1,
        RESOURCE_CTL_PIDS = 1u << 2,
        RESOURCE_CTL_IO = 1u << 3,
};

/* NULL in a service_config: every default. */
struct service_resources {
        int64_t memory_max;        /* bytes; RESOURCE_UNSET */
        int64_t memory_high;       /* bytes; RESOURCE_UNSET */
        int64_t memory_swap_max;   /* bytes (0: no swap); RESOURCE_UNSET */
        int64_t cpu_weight;        /* 1..10000; RESOURCE_UNSET (the kernel's 100) */
        int64_t cpu_quota_percent; /* of one CPU, 1..100000; RESOURCE_UNSET */
        int64_t tasks_max;         /* 1..; RESOURCE_INFINITY; RESOURCE_UNSET (the default cap) */
        int64_t io_weight;         /* 1..10000; RESOURCE_UNSET (the kernel's 100) */
};

/* The protocol's keys of these settings (NULL-terminated). */
extern const char *const resource_config_keys[];

void service_resources_free(struct service_resources *r);
/* A copy; NULL for NULL, and NULL with errno ENOMEM on failure. */
struct service_resources *service_resources_dup(const struct service_resources *r);

/* Applies the keys of o that are resource limits onto *r (allocated when
 * NULL; freed and set NULL when everything is back to the default).  null
 * unsets a key.  Returns 0, -EINVAL with *ret_error (malloc'd) naming the
 * key and the problem, or -ENOMEM. */
int service_resources_apply_json(struct service_resources **r, const json_t *o, char **ret_error);
/* Every limit as the protocol's object, unset ones as null (r NULL: all
 * null); NULL on out-of-memory. */
json_t *service_resources_json(const struct service_resources *r);

/* The controllers r's set limits need (tasks_max's default not counted). */
unsigned service_resources_controllers(const struct service_resources *r);
/* The controller bit of a protocol key; 0 for none. */
unsigned resource_key_controller(const char *key);
/* "memory", "cpu", "pids", "io" for one bit. */
const char *resource_controller_name(enum resource_controller c);
