/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the fast path of query_status, both ends:
 * src/common/json_writer.c (text byte for byte as jansson dumps it),
 * src/common/json_scan.c (a strict reader that takes nothing jansson
 * refuses), jsonrpc_read_named_call() (scmd's reader of the request),
 * core/service_status.c (scmd's writer of the status) and libscm's
 * status.c (the client's reader of the reply), with odd service names and
 * status texts: quotes, backslashes, control characters, UTF-8, and text
 * that is not UTF-8 at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <scm/client.h>
#include <scm/raw.h>
#include <scm/types.h>

#include "cleanup.h"
#include "client-internal.h"
#include "json_scan.h"
#include "json_writer.h"
#include "jsonrpc.h"
#include "process.h"
#include "service.h"

/* Texts a service name (the first ones) or a status text may hold. */
static const char *const odd_texts[] = {
        "web",
        "quote\"d",
        "back\\slash",
        "\\\"\\",
        "slash/ok",
        "caf\xc3\xa9",              /* é */
        "\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
        "smile \xf0\x9f\x98\x80",   /* U+1F600 */
        "line\xe2\x80\xa8sep",      /* U+2028, which jansson leaves as it is */
        "\\u0041 is no escape here",
        "",
        "tab\there",
        "nl\nand cr\r",
        "bell\x07 esc\x1b us\x1f",
        "\b\f\n\r\t",
        "del\x7f",
        "\x01",
};
#define ODD_NAMES 10 /* the first ones pass the name rules */

static char *dumps(json_t *v) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(v);
        assert_non_null(s);
        return s;
}

/* ---- the writer ---- */

static void test_writer_strings_as_jansson(void **state) {
        (void)state;
        struct json_writer w = JSON_WRITER_INIT;
        for (size_t i = 0; i < ELEMENTSOF(odd_texts); i++) {
                json_writer_reset(&w);
                json_write_string(&w, odd_texts[i]);
                char *want = dumps(json_string(odd_texts[i]));
                assert_false(w.failed);
                assert_string_equal(w.buf, want);
                free(want);
        }
        /* Every byte below 0x80, one at a time. */
        for (int c = 1; c < 0x80; c++) {
                char text[2] = {(char)c, 0};
                json_writer_reset(&w);
                json_write_string(&w, text);
                char *want = dumps(json_string(text));
                assert_string_equal(w.buf, want);
                free(want);
        }
        json_writer_free(&w);
}

static void test_writer_values_as_jansson(void **state) {
        (void)state;
        struct json_writer w = JSON_WRITER_INIT;
        json_write_object_begin(&w);
        json_write_key(&w, "list");
        json_write_array_begin(&w);
        json_write_int(&w, 0);
        json_write_int(&w, -1);
        json_write_string(&w, "x");
        json_write_bool(&w, true);
        json_write_bool(&w, false);
        json_write_null(&w);
        json_write_object_begin(&w);
        json_write_object_end(&w);
        json_write_array_begin(&w);
        json_write_array_end(&w);
        json_write_array_end(&w);
        json_write_key(&w, "min");
        json_write_int(&w, INT64_MIN);
        json_write_key(&w, "max");
        json_write_int(&w, INT64_MAX);
        json_write_key(&w, "dword");
        json_write_int(&w, UINT32_MAX);
        json_write_key(&w, "nested");
        json_write_object_begin(&w);
        json_write_key(&w, "k\"ey");
        json_write_null(&w);
        json_write_object_end(&w);
        json_write_object_end(&w);
        char *want = dumps(json_pack("{s:[i,i,s,b,b,n,{},[]], s:I, s:I, s:I, s:{s:n}}", "list", 0,
                                     -1, "x", 1, 0, "min", (json_int_t)INT64_MIN, "max",
                                     (json_int_t)INT64_MAX, "dword", (json_int_t)UINT32_MAX,
                                     "nested", "k\"ey"));
        assert_false(w.failed);
        assert_string_equal(w.buf, want);
        free(want);
        json_writer_free(&w);
}

/* What jansson would refuse whole becomes U+FFFD, byte by byte, and the
 * text stays valid JSON. */
static void test_writer_replaces_invalid_utf8(void **state) {
        (void)state;
        static const struct {
                const char *in, *out;
        } cases[] = {
                {"a\xff"
                 "b",
                 "\"a\xef\xbf\xbd"
                 "b\""},
                {"cut \xc3", "\"cut \xef\xbf\xbd\""},
                {"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},                 /* overlong '/' */
                {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* a surrogate */
                {"\xf4\x90\x80\x80 x", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd x\""},
                {"ok \xc3\xa9 \xe9", "\"ok \xc3\xa9 \xef\xbf\xbd\""},
        };
        struct json_writer w = JSON_WRITER_INIT;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                json_writer_reset(&w);
                json_write_string(&w, cases[i].in);
                assert_string_equal(w.buf, cases[i].out);
                json_t *v = json_loads(w.buf, JSON_DECODE_ANY, NULL);
                assert_true(json_is_string(v));
                json_decref(v);
        }
        json_writer_free(&w);
}

static void test_writer_depth_bound(void **state) {
        (void)state;
        struct json_writer w = JSON_WRITER_INIT;
        for (int i = 0; i < JSON_WRITER_MAX_DEPTH + 2; i++)
                json_write_array_begin(&w);
        assert_true(w.failed);
        json_writer_reset(&w);
        json_write_object_end(&w); /* nothing to close */
        assert_true(w.failed);
        json_writer_free(&w);
}

/* A writer kept between messages (the server's reply, the client's
 * request) gives back the memory of one large message, and keeps a small
 * buffer for the next. */
static void test_writer_shrink(void **state) {
        (void)state;
        struct json_writer w = JSON_WRITER_INIT;
        json_write_string(&w, "small");
        char *small = w.buf;
        json_writer_shrink(&w);
        assert_ptr_equal(w.buf, small);
        assert_int_equal(w.len, 0);
        assert_false(w.failed);

        size_t big = JSON_WRITER_KEEP_BYTES + 1;
        char *text = malloc(big + 1);
        assert_non_null(text);
        memset(text, 'x', big);
        text[big] = '\0';
        json_write_string(&w, text);
        assert_false(w.failed);
        assert_true(w.cap > JSON_WRITER_KEEP_BYTES);
        json_writer_shrink(&w);
        assert_null(w.buf);
        assert_int_equal(w.cap, 0);
        assert_int_equal(w.len, 0);
        json_write_int(&w, 7); /* and it writes again */
        assert_string_equal(w.buf, "7");
        json_writer_free(&w);
        free(text);
}

/* ---- the reader ---- */

static int scan_string(const char *text, char *out, size_t cap) {
        struct json_scan s;
        size_t len;
        json_scan_init(&s, text, strlen(text));
        int r = json_scan_string(&s, out, cap, &len);
        return r < 0 || !json_scan_at_end(&s) ? -1 : (int)len;
}

static void test_scan_strings_as_jansson(void **state) {
        (void)state;
        static const char *const good[] = {
                "\"plain\"",   "\"a\\\"b\"",          "\"\\\\\"",
                "\"\\/\"",     "\"\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u00E9\"",
                "\"\\u001F\"", "\"\\ud83d\\ude00\"",  "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
                "\"\\u2028\"", "  \"spaced\"  ",
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                char out[64];
                int n = scan_string(good[i], out, sizeof(out));
                json_t *v = json_loads(good[i], JSON_DECODE_ANY, NULL);
                assert_true(json_is_string(v));
                assert_int_equal(n, (int)json_string_length(v));
                assert_string_equal(out, json_string_value(v));
                json_decref(v);
        }
        /* Each refused by jansson too; the reader must not take them. */
        static const char *const bad[] = {
                "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                "\"\\x\"",     "\"a\x01\"",   "\"\xff\"",    "\"\xc0\xaf\"",
                "\"abc",       "\"\\u12\"",   "\"\\u12g4\"", "\"\xed\xa0\x80\"",
                "'single'",    "\"a\"b",      "\"\\",        "\"\t\"",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char out[64];
                assert_int_equal(scan_string(bad[i], out, sizeof(out)), -1);
                json_t *v = json_loads(bad[i], JSON_DECODE_ANY, NULL);
                assert_null(v);
        }
        /* Too long for the buffer: its length, and "" in the buffer. */
        char small[4];
        assert_int_equal(scan_string("\"abcdef\"", small, sizeof(small)), 6);
        assert_string_equal(small, "");
}

static void test_scan_numbers(void **state) {
        (void)state;
        static const struct {
                const char *text;
                int64_t value;
        } good[] = {
                {"0", 0},
                {"-0", 0},
                {"123", 123},
                {"-5", -5},
                {"999999999999999999", 999999999999999999},
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                struct json_scan s;
                int64_t v;
                json_scan_init(&s, good[i].text, strlen(good[i].text));
                assert_int_equal(json_scan_int(&s, &v), 0);
                assert_true(json_scan_at_end(&s));
                assert_true(v == good[i].value);
        }
        /* Not JSON integers, or outside the subset (jansson reads the last
         * three; the callers leave them to it). */
        static const char *const bad[] = {"01", "-",   "+1",  "",
                                          "x",  "1.5", "1e3", "1234567890123456789"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct json_scan s;
                int64_t v;
                json_scan_init(&s, bad[i], strlen(bad[i]));
                assert_int_equal(json_scan_int(&s, &v), -1);
        }
}

static void test_scan_skip(void **state) {
        (void)state;
        static const char *const good[] = {
                "{}",          "[]",    "{\"a\":[1,{\"b\":null},\"c\"],\"d\":true}",
                " [ 1 , 2 ] ", "\"s\"", "-3",
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                struct json_scan s;
                json_scan_init(&s, good[i], strlen(good[i]));
                assert_int_equal(json_scan_skip(&s), 0);
                assert_true(json_scan_at_end(&s));
        }
        static const char *const bad[] = {
                "{",     "[1,]", "{\"a\":1,}", "[,1]",  "{\"a\"}",
                "{1:2}", "tru",  "nul",        "[1 2]", "{\"a\":1 \"b\":2}",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct json_scan s;
                json_scan_init(&s, bad[i], strlen(bad[i]));
                int r = json_scan_skip(&s);
                assert_true(r < 0 || !json_scan_at_end(&s));
        }
        char deep[2 * JSON_SCAN_MAX_DEPTH + 3];
        memset(deep, '[', JSON_SCAN_MAX_DEPTH + 1);
        memset(deep + JSON_SCAN_MAX_DEPTH + 1, ']', JSON_SCAN_MAX_DEPTH + 1);
        deep[2 * JSON_SCAN_MAX_DEPTH + 2] = '\0';
        struct json_scan s;
        json_scan_init(&s, deep, strlen(deep));
        assert_int_equal(json_scan_skip(&s), -1);
}

/* ---- the request: libscm writes it, scmd reads it ---- */

/* The request line libscm writes for method on name (without its newline). */
static char *request_for(int64_t id, const char *method, const char *name) {
        struct json_writer w = JSON_WRITER_INIT;
        jsonrpc_write_request_head(&w, id, method);
        json_write_object_begin(&w);
        json_write_key(&w, "name");
        json_write_string(&w, name);
        json_write_object_end(&w);
        jsonrpc_write_tail(&w);
        assert_false(w.failed);
        assert_true(w.len > 0 && w.buf[w.len - 1] == '\n');
        w.buf[w.len - 1] = '\0';
        return w.buf;
}

/* jsonrpc_parse() reads line as read did. */
static void assert_parse_agrees(const char *line, const struct jsonrpc_named_call *read) {
        struct jsonrpc_request req;
        const char *why;
        assert_int_equal(jsonrpc_parse(line, strlen(line), &req, &why), 0);
        assert_true(json_is_integer(req.id));
        assert_true(json_integer_value(req.id) == read->id);
        assert_string_equal(req.method, read->method);
        assert_int_equal(json_object_size(req.params), 1);
        json_t *name = json_object_get(req.params, "name");
        assert_true(json_is_string(name));
        assert_int_equal(json_string_length(name), strlen(read->name));
        assert_string_equal(json_string_value(name), read->name);
        jsonrpc_request_clear(&req);
}

static void test_named_call_round_trip(void **state) {
        (void)state;
        for (size_t i = 0; i < ELEMENTSOF(odd_texts); i++) {
                char *line = request_for(77, "query_status", odd_texts[i]);
                char *want = dumps(json_pack("{s:s, s:I, s:s, s:{s:s}}", "jsonrpc", "2.0", "id",
                                             (json_int_t)77, "method", "query_status", "params",
                                             "name", odd_texts[i]));
                assert_string_equal(line, want); /* the bytes of libscm's general path */
                struct jsonrpc_named_call call;
                assert_int_equal(jsonrpc_read_named_call(line, strlen(line), &call), 0);
                assert_true(call.id == 77);
                assert_string_equal(call.method, "query_status");
                assert_string_equal(call.name, odd_texts[i]);
                assert_parse_agrees(line, &call);
                free(want);
                free(line);
        }
}

static void test_named_call_other_shapes(void **state) {
        (void)state;
        static const char *const good[] = {
                " { \"params\" : { \"name\" : \"a\\u00e9\" } , \"method\":\"query_status\", "
                "\"id\": -3, \"jsonrpc\": \"2.0\" } ",
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"q\\u0075ery_status\","
                "\"params\":{\"name\":\"\\\"\\\\\"}}",
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                struct jsonrpc_named_call call;
                assert_int_equal(jsonrpc_read_named_call(good[i], strlen(good[i]), &call), 0);
                assert_string_equal(call.method, "query_status");
                assert_parse_agrees(good[i], &call);
        }
        /* Each left to jsonrpc_parse(): it reads them or says what is wrong. */
        static const char *const others[] = {
                "{\"jsonrpc\":\"2.0\",\"id\":\"7\",\"method\":\"query_status\",\"params\":{"
                "\"name\":\"a\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\",\"x\":1}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":1}"
                "}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":null}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"id\":8,\"method\":\"query_status\",\"params\":{"
                "\"name\":\"a\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\",\"name\":\"b\"}}",
                "{\"jsonrpc\":\"2.1\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7.0,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\"},\"x\":0}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\"}} x",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"query_status\",\"params\":{\"name\":"
                "\"a\\u0000\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"a_method_name_longer_than_the_buffer\","
                "\"params\":{\"name\":\"a\"}}",
                "[]",
                "",
        };
        for (size_t i = 0; i < ELEMENTSOF(others); i++) {
                struct jsonrpc_named_call call;
                assert_int_equal(jsonrpc_read_named_call(others[i], strlen(others[i]), &call), -1);
        }
        /* A name longer than any service's may be: jsonrpc_parse()'s to refuse. */
        char name[SCM_NAME_MAX_CHARS * 4 + 2];
        memset(name, 'n', sizeof(name) - 1);
        name[sizeof(name) - 1] = '\0';
        char *line = request_for(1, "query_status", name);
        struct jsonrpc_named_call call;
        assert_int_equal(jsonrpc_read_named_call(line, strlen(line), &call), -1);
        free(line);
}

/* ---- the reply: scmd writes it, libscm reads it ---- */

/* The reply line scmd's fast path writes for s (without its newline). */
static char *reply_for(int64_t id, const struct service *s) {
        struct json_writer w = JSON_WRITER_INIT;
        jsonrpc_write_result_head(&w, id);
        json_write_object_begin(&w);
        service_status_write(s, &w);
        json_write_object_end(&w);
        jsonrpc_write_tail(&w);
        assert_false(w.failed);
        w.buf[w.len - 1] = '\0';
        return w.buf;
}

/* libscm's general path on line: its status, or a negative number. */
static int general_read(const char *line, int64_t id, struct scm_status *ret) {
        json_t *reply = json_loads(line, 0, NULL);
        json_t *result = json_object_get(reply, "result");
        json_t *reply_id = json_object_get(reply, "id");
        int r = -1;
        if (result && !json_object_get(reply, "error") && json_is_integer(reply_id) &&
            json_integer_value(reply_id) == id)
                r = scm_status_from_json(result, ret);
        json_decref(reply);
        return r;
}

static void assert_same_status(const struct scm_status *a, const struct scm_status *b) {
        assert_int_equal(a->state, b->state);
        assert_int_equal(a->type, b->type);
        assert_int_equal(a->controls_accepted, b->controls_accepted);
        assert_int_equal(a->win32_exit_code, b->win32_exit_code);
        assert_int_equal(a->service_exit_code, b->service_exit_code);
        assert_int_equal(a->checkpoint, b->checkpoint);
        assert_int_equal(a->wait_hint, b->wait_hint);
        assert_int_equal(a->pid, b->pid);
        assert_int_equal(a->marked_for_delete, b->marked_for_delete);
        assert_true(a->seq == b->seq);
}

static void test_status_written_and_read(void **state) {
        (void)state;
        struct process p = {.pid = 4242};
        for (size_t i = 0; i < ELEMENTSOF(odd_texts); i++) {
                char comment[] = "stopped by \"ops\" \\ \x01";
                struct service s = {
                        .state = i % 2 ? SCM_STATE_RUNNING : SCM_STATE_STOP_PENDING,
                        .desired = SCM_STATE_STOPPED,
                        .controls_accepted = SCM_ACCEPT_STOP | SCM_ACCEPT_PAUSE_CONTINUE,
                        .win32_exit_code = 1066,
                        .service_exit_code = UINT32_MAX,
                        .checkpoint = 3,
                        .wait_hint = 30000,
                        .process = i % 3 ? &p : NULL,
                        .marked_for_delete = i % 4 == 0,
                        .exit_kind = (enum process_exit_kind)(i % 3),
                        .exit_value = 9,
                        .oom_kills = (long)(i % 2),
                        .event_changes = i,
                        .reloading = i % 5 == 0,
                        .reload_failed = i % 2 == 1,
                        .reload_exit_kind = EXIT_CODE,
                        .reload_exit_value = 4,
                        .stop_reason = i % 2 ? 0x40030011u : 0,
                        .stop_comment = comment,
                        .stop_reason_time_us = 1714557600123456,
                };
                s.config.name = (char *)odd_texts[i < ODD_NAMES ? i : 0];
                s.config.type = SCM_TYPE_SHARE_PROCESS;
                s.status_text = (char *)odd_texts[i];

                char *line = reply_for(90 + (int64_t)i, &s);
                /* Valid JSON that jansson reads back to the same texts. */
                json_t *reply = json_loads(line, 0, NULL);
                assert_non_null(reply);
                json_t *result = json_object_get(reply, "result");
                assert_string_equal(json_string_value(json_object_get(result, "status_text")),
                                    odd_texts[i]);
                assert_string_equal(json_string_value(json_object_get(result, "name")),
                                    s.config.name);
                json_t *reason = json_object_get(result, "stop_reason");
                assert_true(!reason == !s.stop_reason);
                if (reason)
                        assert_string_equal(json_string_value(json_object_get(reason, "comment")),
                                            comment);
                /* The one writer also makes the tree of the general path. */
                json_t *tree = service_status_json(&s);
                assert_true(json_equal(tree, result));
                json_decref(tree);
                json_decref(reply);

                struct scm_status fast, general;
                memset(&fast, 0xa5, sizeof(fast));
                assert_int_equal(status_reply_read(line, strlen(line), 90 + (int64_t)i, &fast), 1);
                assert_int_equal(general_read(line, 90 + (int64_t)i, &general), 0);
                assert_same_status(&fast, &general);
                assert_int_equal(fast.state, s.state);
                assert_int_equal(fast.type, SCM_TYPE_SHARE_PROCESS);
                assert_int_equal(fast.controls_accepted, s.controls_accepted);
                assert_int_equal(fast.pid, s.process ? 4242 : 0);
                assert_true(fast.seq == i + 1);
                assert_int_equal(fast.service_exit_code, UINT32_MAX);
                free(line);
        }
}

/* A status text that is not UTF-8 (a notify service's STATUS=): the
 * status is still valid JSON, where the tree refused it whole. */
static void test_status_text_not_utf8(void **state) {
        (void)state;
        struct service s = {.state = SCM_STATE_RUNNING, .desired = SCM_STATE_RUNNING};
        s.config.name = (char *)"n";
        s.config.type = SCM_TYPE_OWN_PROCESS;
        s.status_text = (char *)"50 \xe2\x82 done \xff";
        char *line = reply_for(1, &s);
        json_t *reply = json_loads(line, 0, NULL);
        assert_non_null(reply);
        assert_string_equal(
                json_string_value(json_object_get(json_object_get(reply, "result"), "status_text")),
                "50 \xef\xbf\xbd\xef\xbf\xbd done \xef\xbf\xbd");
        json_decref(reply);
        json_t *tree = service_status_json(&s);
        assert_non_null(tree);
        json_decref(tree);
        struct scm_status st;
        assert_int_equal(status_reply_read(line, strlen(line), 1, &st), 1);
        free(line);
}

static void test_status_reply_other_shapes(void **state) {
        (void)state;
        struct scm_status st;
        static const char *const good[] = {
                /* Members in another order, unknown ones of every kind, spaces. */
                "{ \"result\" : "
                "{\"seq\":2,\"pid\":0,\"usage\":{\"cpu_usec\":null,\"x\":[1,[2,{}]]},"
                "\"marked_for_delete\":true,\"wait_hint\":0,\"checkpoint\":0,"
                "\"service_exit_code\":-1,\"win32_exit_code\":0,"
                "\"controls_accepted\":[\"stop\",\"some-future-control\"],\"state\":\"stopped\","
                "\"type\":\"own\",\"status_text\":\"\\u00e9\\ud83d\\ude00\\n\"}, \"id\" : 5, "
                "\"jsonrpc\":\"2.0\",\"future\":\"x\"}",
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                struct scm_status general;
                assert_int_equal(status_reply_read(good[i], strlen(good[i]), 5, &st), 1);
                assert_int_equal(general_read(good[i], 5, &general), 0);
                assert_same_status(&st, &general);
                assert_int_equal(st.controls_accepted, SCM_ACCEPT_STOP);
                assert_int_equal(st.service_exit_code, UINT32_MAX);
        }
        /* Each left to the general path (which reads it, skips it or
         * fails the call with -EPROTO). */
        static const char *const others[] = {
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":8,\"message\":\"m\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":1060,\"message\":\"m\"}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"status\",\"params\":{}}",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":[]}",
                "{\"jsonrpc\":\"2.0\",\"id\":5}",
                "not json",
        };
        for (size_t i = 0; i < ELEMENTSOF(others); i++)
                assert_int_equal(status_reply_read(others[i], strlen(others[i]), 5, &st), 0);

        /* One field at a time made wrong, missing or doubled. */
        static const char *const fields[] = {
                "\"state\":\"running\"",
                "\"type\":\"own\"",
                "\"controls_accepted\":[]",
                "\"win32_exit_code\":0",
                "\"service_exit_code\":0",
                "\"checkpoint\":0",
                "\"wait_hint\":0",
                "\"pid\":1",
                "\"marked_for_delete\":false",
                "\"seq\":1",
        };
        static const char *const wrong[] = {
                "\"state\":\"dancing\"",
                "\"type\":7",
                "\"controls_accepted\":[1]",
                "\"win32_exit_code\":4294967296",
                "\"service_exit_code\":-2147483649",
                "\"checkpoint\":1.0",
                "\"wait_hint\":null",
                "\"pid\":-1",
                "\"marked_for_delete\":0",
                "\"seq\":0",
        };
        for (size_t k = 0; k < ELEMENTSOF(fields); k++) {
                for (int how = 0; how < 3; how++) {
                        char line[1024];
                        int n = snprintf(line, sizeof(line), "{\"id\":5,\"result\":{");
                        for (size_t j = 0; j < ELEMENTSOF(fields); j++) {
                                const char *f = j != k     ? fields[j]
                                                : how == 0 ? wrong[j]
                                                           : fields[j];
                                if (j == k && how == 1)
                                        continue; /* missing */
                                n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s",
                                              line[n - 1] == '{' ? "" : ",", f);
                                if (j == k && how == 2) /* doubled */
                                        n += snprintf(line + n, sizeof(line) - (size_t)n, ",%s", f);
                        }
                        snprintf(line + n, sizeof(line) - (size_t)n, "}}");
                        assert_int_equal(status_reply_read(line, strlen(line), 5, &st), 0);
                }
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_writer_strings_as_jansson),
                cmocka_unit_test(test_writer_values_as_jansson),
                cmocka_unit_test(test_writer_replaces_invalid_utf8),
                cmocka_unit_test(test_writer_depth_bound),
                cmocka_unit_test(test_writer_shrink),
                cmocka_unit_test(test_scan_strings_as_jansson),
                cmocka_unit_test(test_scan_numbers),
                cmocka_unit_test(test_scan_skip),
                cmocka_unit_test(test_named_call_round_trip),
                cmocka_unit_test(test_named_call_other_shapes),
                cmocka_unit_test(test_status_written_and_read),
                cmocka_unit_test(test_status_text_not_utf8),
                cmocka_unit_test(test_status_reply_other_shapes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
