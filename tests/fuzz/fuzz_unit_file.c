/* SPDX-License-Identifier: MIT */
/* Fuzz target: scctl's systemd unit-file reader (scctl import). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        struct unit_file u = {0};
        if (unit_file_set_name(&u, "fuzz.service") >= 0)
                unit_file_parse(&u, "fuzz.service", text);
        unit_file_done(&u);
        free(text);
        return 0;
}
