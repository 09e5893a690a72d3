/* SPDX-License-Identifier: MIT */
/*
 * A service's resource limits (resource_config.h): their checks, their
 * protocol form, copying and freeing.  One function applies a request's
 * keys for create, change_config and the database's load alike, so a value
 * is judged by one rule wherever it comes from.
 */
#include "resource_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

const char *const resource_config_keys[] = {
        "memory_max",        "memory_high", "memory_swap_max", "cpu_weight",
        "cpu_quota_percent", "tasks_max",   "io_weight",       NULL,
};

/* Each key: where it lives, its range, its controller. */
static const struct resource_key {
        const char *key;
        size_t offset;
        int64_t min, max;
        enum resource_controller controller;
        const char *unit;
} resource_keys[] = {
        {"memory_max", offsetof(struct service_resources, memory_max), 4096, INT64_MAX - 1,
         RESOURCE_CTL_MEMORY, "a number of bytes (at least 4096)"},
        {"memory_high", offsetof(struct service_resources, memory_high), 4096, INT64_MAX - 1,
         RESOURCE_CTL_MEMORY, "a number of bytes (at least 4096)"},
        {"memory_swap_max", offsetof(struct service_resources, memory_swap_max), 0, INT64_MAX - 1,
         RESOURCE_CTL_MEMORY, "a number of bytes (0: no swap)"},
        {"cpu_weight", offsetof(struct service_resources, cpu_weight), 1, 10000, RESOURCE_CTL_CPU,
         "a weight from 1 to 10000 (the default is 100)"},
        {"cpu_quota_percent", offsetof(struct service_resources, cpu_quota_percent), 1, 100000,
         RESOURCE_CTL_CPU, "a percentage of one CPU from 1 to 100000 (200: two CPUs)"},
        {"tasks_max", offsetof(struct service_resources, tasks_max), 1, 4194304, RESOURCE_CTL_PIDS,
         "a number of tasks from 1 to 4194304, or \"infinity\""},
        {"io_weight", offsetof(struct service_resources, io_weight), 1, 10000, RESOURCE_CTL_IO,
         "a weight from 1 to 10000 (the default is 100)"},
};
_Static_assert(ELEMENTSOF(resource_keys) + 1 == ELEMENTSOF(resource_config_keys),
               "every key has a row");

static int64_t *slot(struct service_resources *r, const struct resource_key *k) {
        return (int64_t *)((char *)r + k->offset);
}

static int64_t value_of(const struct service_resources *r, const struct resource_key *k) {
        return *(const int64_t *)((const char *)r + k->offset);
}

static const struct service_resources all_unset = {
        .memory_max = RESOURCE_UNSET,
        .memory_high = RESOURCE_UNSET,
        .memory_swap_max = RESOURCE_UNSET,
        .cpu_weight = RESOURCE_UNSET,
        .cpu_quota_percent = RESOURCE_UNSET,
        .tasks_max = RESOURCE_UNSET,
        .io_weight = RESOURCE_UNSET,
};

void service_resources_free(struct service_resources *r) {
        free(r);
}

struct service_resources *service_resources_dup(const struct service_resources *r) {
        if (!r)
                return NULL;
        struct service_resources *c = malloc(sizeof(*c));
        if (c)
                *c = *r;
        return c;
}

static int say(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(char **ret_error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

static int read_key(const struct resource_key *k, const json_t *v, struct service_resources *r,
                    char **ret_error) {
        if (json_is_null(v)) {
                *slot(r, k) = RESOURCE_UNSET;
                return 0;
        }
        if (k->controller == RESOURCE_CTL_PIDS && json_is_string(v) &&
            strcmp(json_string_value(v), "infinity") == 0) {
                *slot(r, k) = RESOURCE_INFINITY;
                return 0;
        }
        if (!json_is_integer(v) || json_integer_value(v) < k->min || json_integer_value(v) > k->max)
                return say(ret_error, "the parameter '%s' must be %s, or null for none", k->key,
                           k->unit);
        *slot(r, k) = json_integer_value(v);
        return 0;
}

static bool is_default(const struct service_resources *r) {
        return memcmp(r, &all_unset, sizeof(*r)) == 0;
}

int service_resources_apply_json(struct service_resources **r, const json_t *o, char **ret_error) {
        struct service_resources next = *r ? **r : all_unset;
        for (size_t i = 0; i < ELEMENTSOF(resource_keys); i++) {
                const json_t *v = json_object_get(o, resource_keys[i].key);
                int e = v ? read_key(&resource_keys[i], v, &next, ret_error) : 0;
                if (e < 0)
                        return e;
        }
        if (next.memory_high != RESOURCE_UNSET && next.memory_max != RESOURCE_UNSET &&
            next.memory_high > next.memory_max)
                return say(ret_error,
                           "'memory_high' (%lld) is above 'memory_max' (%lld): the "
                           "throttling point must be at or below the hard limit",
                           (long long)next.memory_high, (long long)next.memory_max);
        if (is_default(&next)) {
                service_resources_free(*r);
                *r = NULL;
                return 0;
        }
        if (!*r && !(*r = malloc(sizeof(**r))))
                return -ENOMEM;
        **r = next;
        return 0;
}

json_t *service_resources_json(const struct service_resources *r) {
        json_t *o = json_object();
        for (size_t i = 0; o && i < ELEMENTSOF(resource_keys); i++) {
                int64_t v = r ? value_of(r, &resource_keys[i]) : RESOURCE_UNSET;
                json_t *j = v == RESOURCE_UNSET      ? json_null()
                            : v == RESOURCE_INFINITY ? json_string("infinity")
                                                     : json_integer(v);
                if (json_object_set_new(o, resource_keys[i].key, j) < 0) {
                        json_decref(o);
                        return NULL;
                }
        }
        return o;
}

unsigned service_resources_controllers(const struct service_resources *r) {
        unsigned need = 0;
        for (size_t i = 0; r && i < ELEMENTSOF(resource_keys); i++) {
                int64_t v = value_of(r, &resource_keys[i]);
                /* "infinity" lifts a cap: without the controller there is none. */
                if (v != RESOURCE_UNSET && v != RESOURCE_INFINITY)
                        need |= resource_keys[i].controller;
        }
        return need;
}

unsigned resource_key_controller(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(resource_keys); i++)
                if (strcmp(resource_keys[i].key, key) == 0)
                        return resource_keys[i].controller;
        return 0;
}

const char *resource_controller_name(enum resource_controller c) {
        switch (c) {
        case RESOURCE_CTL_MEMORY:
                return "memory";
        case RESOURCE_CTL_CPU:
                return "cpu";
        case RESOURCE_CTL_PIDS:
                return "pids";
        case RESOURCE_CTL_IO:
                return "io";
        }
        return "?";
}
