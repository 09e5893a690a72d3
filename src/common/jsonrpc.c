/* SPDX-License-Identifier: MIT */
/* JSON-RPC 2.0 request parsing and reply building; see jsonrpc.h. */
#include "jsonrpc.h"

#include <stdlib.h>
#include <string.h>

#include <scm/error.h>

#include "json_scan.h"
#include "json_writer.h"

void jsonrpc_request_clear(struct jsonrpc_request *req) {
        json_decref(req->root);
        *req = (struct jsonrpc_request){0};
}

static int invalid(const char *why, const char **ret_reason) {
        *ret_reason = why;
        return JSONRPC_INVALID_REQUEST;
}

int jsonrpc_parse(const char *line, size_t len, struct jsonrpc_request *ret,
                  const char **ret_reason) {
        *ret = (struct jsonrpc_request){.id = json_null()};
        json_error_t err;
        /* REJECT_DUPLICATES: {"name":"a","name":"b"} must not pick one silently. */
        json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
        if (!root) {
                *ret_reason = "the request is not valid JSON";
                return JSONRPC_PARSE_ERROR;
        }
        ret->root = root;
        if (!json_is_object(root))
                return invalid("the request is not a JSON object", ret_reason);

        json_t *id = json_object_get(root, "id");
        if (id && (json_is_string(id) || json_is_integer(id)))
                ret->id = id;
        else if (id && !json_is_null(id))
                return invalid("the request's id must be a number or a string", ret_reason);

        json_t *version = json_object_get(root, "jsonrpc");
        if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0)
                return invalid("the request lacks \"jsonrpc\": \"2.0\"", ret_reason);
        if (!id)
                return invalid("the request has no id (scmd takes no notifications)", ret_reason);

        json_t *method = json_object_get(root, "method");
        if (!json_is_string(method))
                return invalid("the request's method must be a string", ret_reason);
        ret->method = json_string_value(method);

        json_t *params = json_object_get(root, "params");
        if (!params || json_is_null(params)) {
                params = json_object();
                if (!params || json_object_set_new(root, "params", params) < 0)
                        return invalid("out of memory", ret_reason);
        } else if (!json_is_object(params)) {
                return invalid("the request's params must be an object", ret_reason);
        }
        ret->params = params;
        return 0;
}

json_t *jsonrpc_result(json_t *id, json_t *result) {
        return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "result",
                         result ? result : json_object());
}

json_t *jsonrpc_error(json_t *id, int code, int win32, const char *message) {
        const char *name = scm_error_name(win32);
        if (!message)
                message = scm_error_message(win32);
        return json_pack("{s:s, s:O, s:{s:i, s:s, s:{s:s, s:i}}}", "jsonrpc", "2.0", "id",
                         id ? id : json_null(), "error", "code", code, "message",
                         message ? message : "error", "data", "error", name ? name : "UNKNOWN",
                         "win32", win32);
}

char *jsonrpc_line(const json_t *msg, size_t *ret_len) {
        char *s = json_dumps(msg, JSON_COMPACT);
        if (!s)
                return NULL;
        size_t n = strlen(s);
        char *line = realloc(s, n + 2);
        if (!line) {
                free(s);
                return NULL;
        }
        line[n] = '\n';
        line[n + 1] = '\0';
        *ret_len = n + 1;
        return line;
}

/* ---- without a tree ---- */

/* The params of a named call: {"name": S} and nothing else. */
static int read_name_params(struct json_scan *s, struct jsonrpc_named_call *ret) {
        bool first = true, seen = false;
        char key[8];
        size_t len;
        int r;
        if (!json_scan_take(s, '{'))
                return -1;
        while ((r = json_scan_next_key(s, &first, key, sizeof(key))) > 0) {
                if (seen || strcmp(key, "name") != 0 ||
                    json_scan_string(s, ret->name, sizeof(ret->name), &len) < 0 ||
                    len >= sizeof(ret->name))
                        return -1;
                seen = true;
        }
        return r == 0 && seen ? 0 : -1;
}

/* One member of the request whose key is key, into ret; bit its bit. */
static int read_request_member(struct json_scan *s, const char *key, struct jsonrpc_named_call *ret,
                               unsigned *bit) {
        char version[4];
        size_t len;
        if (strcmp(key, "jsonrpc") == 0) {
                *bit = 1;
                return json_scan_string(s, version, sizeof(version), &len) == 0 &&
                                       strcmp(version, "2.0") == 0
                               ? 0
                               : -1;
        }
        if (strcmp(key, "id") == 0) {
                *bit = 2;
                return json_scan_int(s, &ret->id);
        }
        if (strcmp(key, "method") == 0) {
                *bit = 4;
                return json_scan_string(s, ret->method, sizeof(ret->method), &len) == 0 &&
                                       len < sizeof(ret->method)
                               ? 0
                               : -1;
        }
        if (strcmp(key, "params") == 0) {
                *bit = 8;
                return read_name_params(s, ret);
        }
        return -1; /* jsonrpc_parse() ignores it; this reader leaves it to it */
}

int jsonrpc_read_named_call(const char *line, size_t len, struct jsonrpc_named_call *ret) {
        struct json_scan s;
        bool first = true;
        unsigned seen = 0;
        char key[8];
        int r;
        json_scan_init(&s, line, len);
        if (!json_scan_take(&s, '{'))
                return -1;
        while ((r = json_scan_next_key(&s, &first, key, sizeof(key))) > 0) {
                unsigned bit = 0;
                /* A key twice is jsonrpc_parse()'s to refuse. */
                if (read_request_member(&s, key, ret, &bit) < 0 || (seen & bit))
                        return -1;
                seen |= bit;
        }
        return r == 0 && seen == 15 && json_scan_at_end(&s) ? 0 : -1;
}

static void write_version_and_id_key(struct json_writer *w) {
        json_write_object_begin(w);
        json_write_key(w, "jsonrpc");
        json_write_string(w, "2.0");
        json_write_key(w, "id");
}

void jsonrpc_write_result_head(struct json_writer *w, int64_t id) {
        write_version_and_id_key(w);
        json_write_int(w, id);
        json_write_key(w, "result");
}

void jsonrpc_write_result_head_for(struct json_writer *w, const json_t *id) {
        write_version_and_id_key(w);
        if (json_is_integer(id))
                json_write_int(w, json_integer_value(id));
        else if (json_is_string(id))
                json_write_string(w, json_string_value(id));
        else
                json_write_null(w);
        json_write_key(w, "result");
}

void jsonrpc_write_request_head(struct json_writer *w, int64_t id, const char *method) {
        write_version_and_id_key(w);
        json_write_int(w, id);
        json_write_key(w, "method");
        json_write_string(w, method);
        json_write_key(w, "params");
}

void jsonrpc_write_tail(struct json_writer *w) {
        json_write_object_end(w);
        json_write_raw(w, "\n", 1);
}
