/* SPDX-License-Identifier: MIT */
/* Fuzz target: a scheduled task's trigger text and its next time. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trigger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        struct trigger t;
        char *why = NULL;
        if (trigger_parse(text, &t, &why) == 0) {
                int64_t next;
                trigger_next(&t, "UTC", 1700000000000LL, &next);
        }
        free(why);
        free(text);
        return 0;
}
