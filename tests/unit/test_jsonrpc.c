/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/common/jsonrpc.c: which lines are requests, which
 * error each malformed line earns (docs/protocol.md, "Errors"), and the
 * exact shape of replies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <scm/error.h>

#include "jsonrpc.h"

static int parse(const char *line, struct jsonrpc_request *req) {
        const char *reason = NULL;
        int code = jsonrpc_parse(line, strlen(line), req, &reason);
        if (code)
                assert_non_null(reason);
        return code;
}

static void test_valid_request(void **state) {
        (void)state;
        struct jsonrpc_request req;
        assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"start\","
                               "\"params\":{\"name\":\"web\"}}",
                               &req),
                         0);
        assert_string_equal(req.method, "start");
        assert_int_equal(json_integer_value(req.id), 7);
        assert_string_equal(json_string_value(json_object_get(req.params, "name")), "web");
        jsonrpc_request_clear(&req);
}

static void test_params_default_to_empty_object(void **state) {
        (void)state;
        struct jsonrpc_request req;
        assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}", &req), 0);
        assert_true(json_is_object(req.params));
        assert_int_equal(json_object_size(req.params), 0);
        assert_string_equal(json_string_value(req.id), "a");
        jsonrpc_request_clear(&req);
}

static void test_parse_errors(void **state) {
        (void)state;
        static const char *const garbage[] = {
                "", "{", "not json", "\x01\x02\x03", "[1,2", "{\"a\":}", "\xff\xfe{}",
        };
        for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
                struct jsonrpc_request req;
                assert_int_equal(parse(garbage[i], &req), JSONRPC_PARSE_ERROR);
                assert_true(json_is_null(req.id));
                jsonrpc_request_clear(&req);
        }
}

static void test_invalid_requests(void **state) {
        (void)state;
        static const char *const bad[] = {
                "[]",
                "{\"id\":1,\"method\":\"ping\"}",                     /* no jsonrpc */
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", /* wrong version */
                "{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}",          /* notification */
                "{\"jsonrpc\":\"2.0\",\"id\":1}",                     /* no method */
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",        /* method not a string */
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":[1]}", /* positional */
                "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",            /* id an object */
                "42",
                "\"hello\"",
                "null",
                "true", /* JSON, not objects */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct jsonrpc_request req;
                assert_int_equal(parse(bad[i], &req), JSONRPC_INVALID_REQUEST);
                jsonrpc_request_clear(&req);
        }
        /* A duplicate key is refused by the parser itself. */
        struct jsonrpc_request req;
        assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}", &req),
                         JSONRPC_PARSE_ERROR);
        jsonrpc_request_clear(&req);
}

static void test_id_kept_for_error_reply(void **state) {
        (void)state;
        struct jsonrpc_request req;
        assert_int_equal(parse("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":7}", &req),
                         JSONRPC_INVALID_REQUEST);
        assert_int_equal(json_integer_value(req.id), 42);
        jsonrpc_request_clear(&req);
}

static void test_error_shape(void **state) {
        (void)state;
        json_t *id = json_integer(3);
        json_t *e = jsonrpc_error(id, 1058, 1058, NULL);
        size_t len;
        char *line = jsonrpc_line(e, &len);
        assert_non_null(line);
        assert_int_equal(line[len - 1], '\n');
        assert_null(memchr(line, '\n', len - 1));
        json_t *back = json_loads(line, 0, NULL);
        assert_non_null(back);
        json_t *err = json_object_get(back, "error");
        assert_int_equal(json_integer_value(json_object_get(err, "code")), 1058);
        json_t *data = json_object_get(err, "data");
        assert_string_equal(json_string_value(json_object_get(data, "error")), "SERVICE_DISABLED");
        assert_int_equal(json_integer_value(json_object_get(data, "win32")), 1058);
        assert_string_equal(json_string_value(json_object_get(err, "message")),
                            scm_error_message(1058));
        assert_int_equal(json_integer_value(json_object_get(back, "id")), 3);
        free(line);
        json_decref(back);
        json_decref(e);
        json_decref(id);
}

static void test_result_shape(void **state) {
        (void)state;
        json_t *r = jsonrpc_result(NULL, json_pack("{s:i}", "x", 1));
        assert_true(json_is_null(json_object_get(r, "id")));
        assert_string_equal(json_string_value(json_object_get(r, "jsonrpc")), "2.0");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "result"), "x")), 1);
        json_decref(r);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid_request),
                cmocka_unit_test(test_params_default_to_empty_object),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_invalid_requests),
                cmocka_unit_test(test_id_kept_for_error_reply),
                cmocka_unit_test(test_error_shape),
                cmocka_unit_test(test_result_shape),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
