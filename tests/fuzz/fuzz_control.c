/* SPDX-License-Identifier: MIT */
/* Fuzz target: the control channel's packet reader (what a native
 * service's process sends scmd). */
#include <stddef.h>
#include <stdint.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct control_msg m;
        const char *why = NULL;
        if (control_msg_parse((const char *)data, size, &m, &why) == 0)
                control_msg_clear(&m);
        return 0;
}
