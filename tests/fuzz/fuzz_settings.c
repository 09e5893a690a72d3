/* SPDX-License-Identifier: MIT */
/* Fuzz target: the parameter readers of change_config's settings beside
 * the process ones: resource limits, the private view of the filesystem
 * and the system-call filter, each given the same JSON (each takes only
 * its own keys).  What scmd writes of a setting it must read back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "fence_config.h"
#include "resource_config.h"
#include "syscall_config.h"

#define ROUND_TRIP(type, apply, to_json, free_fn, o)                                               \
        do {                                                                                       \
                struct type *v = NULL;                                                             \
                char *why = NULL;                                                                  \
                if (apply(&v, o, &why) == 0) {                                                     \
                        json_t *back = to_json(v);                                                 \
                        struct type *again = NULL;                                                 \
                        char *why2 = NULL;                                                         \
                        if (back && apply(&again, back, &why2) != 0)                               \
                                abort(); /* what scmd writes it must read back */                  \
                        free(why2);                                                                \
                        free_fn(again);                                                            \
                        json_decref(back);                                                         \
                }                                                                                  \
                free(why);                                                                         \
                free_fn(v);                                                                        \
        } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        json_t *o = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
        if (!o)
                return 0;
        if (json_is_object(o)) {
                ROUND_TRIP(service_resources, service_resources_apply_json, service_resources_json,
                           service_resources_free, o);
                ROUND_TRIP(service_fences, service_fences_apply_json, service_fences_json,
                           service_fences_free, o);
                ROUND_TRIP(service_syscalls, service_syscalls_apply_json, service_syscalls_json,
                           service_syscalls_free, o);
        }
        json_decref(o);
        return 0;
}
