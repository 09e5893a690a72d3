/* SPDX-License-Identifier: MIT */
/*
 * JSON-RPC 2.0 framing as docs/protocol.md defines it: parse one request
 * line, build reply and error objects, serialise one line.  Pure functions
 * over jansson, and for the fast paths of query_status without it (a
 * reader of one shape of request, the heads of a reply and a request); no
 * I/O, no logging.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include <scm/types.h>

#define JSONRPC_PARSE_ERROR (-32700)
#define JSONRPC_INVALID_REQUEST (-32600)
#define JSONRPC_METHOD_NOT_FOUND (-32601)
#define JSONRPC_INVALID_PARAMS (-32602)

struct jsonrpc_request {
        json_t *root;       /* owns everything below */
        json_t *id;         /* borrowed; JSON null when absent */
        const char *method; /* borrowed */
        json_t *params;     /* borrowed; an object (empty when absent) */
};

/* Parses one request line (without its newline).  Returns 0, or a
 * JSON-RPC error code with *ret_reason (static text); in both cases *ret
 * holds what could be read (at least id, maybe null) and must be cleared
 * with jsonrpc_request_clear(). */
int jsonrpc_parse(const char *line, size_t len, struct jsonrpc_request *ret,
                  const char **ret_reason);
void jsonrpc_request_clear(struct jsonrpc_request *req);

/* {"jsonrpc":"2.0","id":id,"result":result}; result is consumed. */
json_t *jsonrpc_result(json_t *id, json_t *result);
/* {"jsonrpc":"2.0","id":id,"error":{"code":code,"message":..,"data":{"error":NAME,"win32":win32}}}
 */
json_t *jsonrpc_error(json_t *id, int code, int win32, const char *message);
/* The compact serialisation plus '\n', malloc'd; NULL on out-of-memory. */
char *jsonrpc_line(const json_t *msg, size_t *ret_len);

/* ---- without a tree: the fast paths (json_scan.h, json_writer.h) ---- */

struct json_writer;

/* A request naming one service, the shape of query_status. */
struct jsonrpc_named_call {
        int64_t id;
        char method[32];
        char name[SCM_NAME_MAX_CHARS * 4 + 1];
};

/* Reads line when it is exactly {"jsonrpc":"2.0","id":N,"method":M,
 * "params":{"name":S}} (members in any order, N an integer, M and S
 * strings that fit): 0 with *ret, when jsonrpc_parse() would read the same
 * id, method and params.  -1 for anything else, which jsonrpc_parse() is
 * then to read. */
int jsonrpc_read_named_call(const char *line, size_t len, struct jsonrpc_named_call *ret);

/* {"jsonrpc":"2.0","id":id,"result": — the result's value comes next. */
void jsonrpc_write_result_head(struct json_writer *w, int64_t id);
/* The same for an id as jsonrpc_parse() read it (integer, string, null). */
void jsonrpc_write_result_head_for(struct json_writer *w, const json_t *id);
/* {"jsonrpc":"2.0","id":id,"method":method,"params": — the params next. */
void jsonrpc_write_request_head(struct json_writer *w, int64_t id, const char *method);
/* Closes the message begun with a head, and its line ("}\n"). */
void jsonrpc_write_tail(struct json_writer *w);
