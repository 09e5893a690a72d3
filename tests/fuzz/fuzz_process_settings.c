/* SPDX-License-Identifier: MIT */
/* Fuzz target: a method's parameter reader, the process settings of create
 * and change_config (and of the database's load), from any JSON. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "process_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        json_t *o = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
        if (!o)
                return 0;
        struct service_process *p = NULL;
        char *why = NULL;
        if (service_process_apply_json(&p, o, &why) == 0) {
                json_t *back = service_process_json(p);
                struct service_process *again = NULL;
                char *why2 = NULL;
                if (back && service_process_apply_json(&again, back, &why2) != 0)
                        abort(); /* what scmd writes it must read back */
                free(why2);
                service_process_free(again);
                json_decref(back);
        }
        free(why);
        service_process_free(p);
        json_decref(o);
        return 0;
}
