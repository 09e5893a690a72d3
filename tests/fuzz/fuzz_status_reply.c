/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: libscm's reader of a query_status reply line
 * (src/libscm/status.c's status_reply_read), against the general path it
 * stands in for.  Whatever line the fast reader takes, jansson must read
 * too, as our reply (id 7, a result, no error), and scm_status_from_json()
 * must give the same status; anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/raw.h>

#include "client-internal.h"

#define ID 7

static bool same(const struct scm_status *a, const struct scm_status *b) {
        return a->state == b->state && a->type == b->type &&
               a->controls_accepted == b->controls_accepted &&
               a->win32_exit_code == b->win32_exit_code &&
               a->service_exit_code == b->service_exit_code && a->checkpoint == b->checkpoint &&
               a->wait_hint == b->wait_hint && a->pid == b->pid &&
               a->marked_for_delete == b->marked_for_delete && a->seq == b->seq;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct scm_status fast;
        if (status_reply_read((const char *)data, size, ID, &fast) != 1)
                return 0;
        json_t *reply = json_loadb((const char *)data, size, 0, NULL);
        json_t *id = json_object_get(reply, "id");
        json_t *result = json_object_get(reply, "result");
        struct scm_status general;
        if (!json_is_object(reply) || !json_is_integer(id) || json_integer_value(id) != ID ||
            !result || json_object_get(reply, "error") ||
            scm_status_from_json(result, &general) < 0 || !same(&fast, &general))
                abort();
        json_decref(reply);
        return 0;
}
