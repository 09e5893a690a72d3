/* SPDX-License-Identifier: MIT */
/* Fuzz target: the reader of a listening socket's text (set_sockets'
 * entries, socket activation), with what it promises checked: a parsed
 * socket has a known kind, an address length that fits, and a name
 * ended within its buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = strndup((const char *)data, size);
        if (!text)
                return 0;
        struct listen_spec spec;
        char *why = NULL;
        if (listen_parse(text, "svc", &spec, &why) == 0) {
                if (spec.kind > LISTEN_UNIX_DGRAM || spec.addr_len > sizeof(spec.addr) ||
                    !memchr(spec.name, '\0', sizeof(spec.name)))
                        abort();
        }
        free(why);
        free(text);
        return 0;
}
