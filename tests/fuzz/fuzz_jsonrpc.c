/* SPDX-License-Identifier: MIT */
/* Fuzz target: scmd's request reader (one JSON-RPC line from a client). */
#include <stddef.h>
#include <stdint.h>

#include "jsonrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct jsonrpc_request req;
        const char *why = NULL;
        jsonrpc_parse((const char *)data, size, &req, &why);
        jsonrpc_request_clear(&req);
        return 0;
}
