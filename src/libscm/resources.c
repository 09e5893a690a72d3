/* SPDX-License-Identifier: MIT */
/*
 * A service's resource limits and usage (<scm/resources.h>): the limits
 * out as change_config's fields, back from query_resources.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <jansson.h>
#include <scm/resources.h>
#include <scm/raw.h>

static const struct {
        const char *key;
        size_t offset;
} limit_keys[] = {
        {"memory_max", offsetof(struct scm_resource_limits, memory_max)},
        {"memory_high", offsetof(struct scm_resource_limits, memory_high)},
        {"memory_swap_max", offsetof(struct scm_resource_limits, memory_swap_max)},
        {"cpu_weight", offsetof(struct scm_resource_limits, cpu_weight)},
        {"cpu_quota_percent", offsetof(struct scm_resource_limits, cpu_quota_percent)},
        {"tasks_max", offsetof(struct scm_resource_limits, tasks_max)},
        {"io_weight", offsetof(struct scm_resource_limits, io_weight)},
};

static const struct {
        const char *key;
        size_t offset;
} usage_keys[] = {
        {"memory_current", offsetof(struct scm_resource_usage, memory_current)},
        {"memory_peak", offsetof(struct scm_resource_usage, memory_peak)},
        {"cpu_usage_usec", offsetof(struct scm_resource_usage, cpu_usage_usec)},
        {"tasks_current", offsetof(struct scm_resource_usage, tasks_current)},
        {"oom_kills", offsetof(struct scm_resource_usage, oom_kills)},
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static json_t *limit_json(int64_t v) {
        if (v == SCM_LIMIT_UNSET)
                return json_null();
        if (v == SCM_LIMIT_INFINITY)
                return json_string("infinity");
        return json_integer(v);
}

int scm_set_resource_limits(struct scm_client *c, const char *name,
                            const struct scm_resource_limits *limits) {
        if (!name || !limits)
                return -EINVAL;
        json_t *params = json_pack("{s:s}", "name", name);
        for (size_t i = 0; params && i < N_OF(limit_keys); i++) {
                int64_t v = *(const int64_t *)((const char *)limits + limit_keys[i].offset);
                if (json_object_set_new(params, limit_keys[i].key, limit_json(v)) < 0) {
                        json_decref(params);
                        params = NULL;
                }
        }
        if (!params)
                return -ENOMEM;
        json_t *result = NULL;
        int r = scm_call(c, "change_config", params, &result);
        json_decref(result);
        return r;
}

static int64_t limit_of(const json_t *v) {
        if (json_is_string(v) && strcmp(json_string_value(v), "infinity") == 0)
                return SCM_LIMIT_INFINITY;
        return json_is_integer(v) ? (int64_t)json_integer_value(v) : SCM_LIMIT_UNSET;
}

int scm_query_resources(struct scm_client *c, const char *name, struct scm_resource_limits *ret,
                        struct scm_resource_usage *usage) {
        if (!name || !ret)
                return -EINVAL;
        json_t *result = NULL;
        int r = scm_call(c, "query_resources", json_pack("{s:s}", "name", name), &result);
        if (r < 0)
                return r;
        const json_t *limits = json_object_get(result, "limits");
        if (!json_is_object(limits)) {
                json_decref(result);
                return -EPROTO;
        }
        for (size_t i = 0; i < N_OF(limit_keys); i++)
                *(int64_t *)((char *)ret + limit_keys[i].offset) =
                        limit_of(json_object_get(limits, limit_keys[i].key));
        const json_t *u = json_object_get(result, "usage");
        for (size_t i = 0; usage && i < N_OF(usage_keys); i++) {
                const json_t *v = json_object_get(u, usage_keys[i].key);
                *(int64_t *)((char *)usage + usage_keys[i].offset) =
                        json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
        }
        json_decref(result);
        return 0;
}
