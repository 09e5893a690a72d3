/* SPDX-License-Identifier: MIT */
/*
 * The socket's counters (counters.h) and the method that reports them,
 * query_counters (docs/protocol.md).
 */
#include "counters.h"

#include <jansson.h>
#include <scm/error.h>

#include "manager.h"
#include "rpc.h"
#include "server.h"

#define METHODS_MAX 128

struct api_counters api_counters;

static struct { uint64_t calls, failures; } per_method[METHODS_MAX];

void counters_request(size_t method, int failed) {
        if (method >= METHODS_MAX)
                return;
        per_method[method].calls++;
        per_method[method].failures += failed != 0;
}

void counters_of_method(size_t method, uint64_t *ret_calls, uint64_t *ret_failures) {
        *ret_calls = method < METHODS_MAX ? per_method[method].calls : 0;
        *ret_failures = method < METHODS_MAX ? per_method[method].failures : 0;
}

int rpc_query_counters(struct rpc_call *call, json_t **ret) {
        size_t n;
        const struct rpc_method *m = rpc_methods(&n);
        json_t *requests = json_object();
        for (size_t i = 0; requests && i < n; i++) {
                uint64_t calls, failures;
                counters_of_method(i, &calls, &failures);
                if (json_object_set_new(requests, m[i].name,
                                        json_pack("{s:I, s:I}", "calls", (json_int_t)calls,
                                                  "failures", (json_int_t)failures)) < 0) {
                        json_decref(requests);
                        requests = NULL;
                }
        }
        *ret = requests ? json_pack("{s:{s:I, s:I, s:I, s:I}, s:o}", "connections", "open",
                                    (json_int_t)server_connections(call->manager->server),
                                    "accepted", (json_int_t)api_counters.accepted, "cut_off",
                                    (json_int_t)api_counters.cut_off, "lagging",
                                    (json_int_t)api_counters.lagging, "requests", requests)
                        : NULL;
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
