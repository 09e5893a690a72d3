/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for core/notify_message.c: the lines of an sd_notify message
 * as a notify service sends them, what is skipped, a message refused for a
 * NUL byte, and a reader told to stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "notify_message.h"

/* What the reader gave, as "NAME=value;" after each other. */
struct seen {
        char text[512];
        const char *stop_at;
};

static bool record(const char *name, const char *value, void *userdata) {
        struct seen *s = userdata;
        size_t used = strlen(s->text);
        snprintf(s->text + used, sizeof(s->text) - used, "%s=%s;", name, value);
        return !s->stop_at || strcmp(name, s->stop_at) != 0;
}

static int parse(const char *msg, size_t size, struct seen *s) {
        return notify_message_parse(msg, size, record, s);
}

static void test_lines(void **state) {
        (void)state;
        struct seen s = {0};
        const char *msg = "READY=1\nSTATUS=Serving: 3 clients = ok\nMAINPID=42";
        assert_int_equal(parse(msg, strlen(msg), &s), 3);
        assert_string_equal(s.text, "READY=1;STATUS=Serving: 3 clients = ok;MAINPID=42;");
}

static void test_skipped(void **state) {
        (void)state;
        struct seen s = {0};
        const char *msg = "\n\nno assignment\n=value\nSTATUS=\nWATCHDOG=1\n";
        assert_int_equal(parse(msg, strlen(msg), &s), 2);
        assert_string_equal(s.text, "STATUS=;WATCHDOG=1;");
}

static void test_empty(void **state) {
        (void)state;
        struct seen s = {0};
        assert_int_equal(parse("", 0, &s), 0);
        assert_string_equal(s.text, "");
}

static void test_not_terminated(void **state) {
        (void)state;
        /* Only size bytes are read: the rest of the buffer is not the message. */
        struct seen s = {0};
        const char buf[] = "READY=1\nSTATUS=abcdef";
        assert_int_equal(parse(buf, strlen("READY=1\nSTATUS=abc"), &s), 2);
        assert_string_equal(s.text, "READY=1;STATUS=abc;");
}

static void test_nul_refused(void **state) {
        (void)state;
        struct seen s = {0};
        const char buf[] = "READY=1\nSTATUS=a\0b";
        assert_int_equal(parse(buf, sizeof(buf) - 1, &s), -EINVAL);
        assert_string_equal(s.text, ""); /* nothing of it was acted on */
}

static void test_stop(void **state) {
        (void)state;
        struct seen s = {.stop_at = "STOPPING"};
        const char *msg = "STATUS=bye\nSTOPPING=1\nREADY=1";
        assert_int_equal(parse(msg, strlen(msg), &s), 2);
        assert_string_equal(s.text, "STATUS=bye;STOPPING=1;");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lines),       cmocka_unit_test(test_skipped),
                cmocka_unit_test(test_empty),       cmocka_unit_test(test_not_terminated),
                cmocka_unit_test(test_nul_refused), cmocka_unit_test(test_stop),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
