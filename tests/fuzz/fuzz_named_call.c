/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: scmd's fast reader of a request naming one service
 * (jsonrpc_read_named_call), against the general reader it stands in for.
 * Whatever line the fast reader takes, jsonrpc_parse() must take too, with
 * the same id, method and params {"name": the same text}; anything else
 * aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"

static bool agrees(const struct jsonrpc_request *req, const struct jsonrpc_named_call *call) {
        json_t *name = json_object_get(req->params, "name");
        return json_is_integer(req->id) && json_integer_value(req->id) == call->id &&
               strcmp(req->method, call->method) == 0 && json_object_size(req->params) == 1 &&
               json_is_string(name) && json_string_length(name) == strlen(call->name) &&
               strcmp(json_string_value(name), call->name) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct jsonrpc_named_call call;
        if (jsonrpc_read_named_call((const char *)data, size, &call) < 0)
                return 0;
        struct jsonrpc_request req;
        const char *why = NULL;
        if (jsonrpc_parse((const char *)data, size, &req, &why) != 0 || !agrees(&req, &call))
                abort();
        jsonrpc_request_clear(&req);
        return 0;
}
