/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for work/trigger_spec.c: the text form of a service trigger,
 * "start|stop EVENT": every kind read into its parts, and every refusal
 * saying in a sentence what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "trigger_spec.h"

static struct trigger_spec parsed(const char *text) {
        struct trigger_spec t;
        char *why = NULL;
        int r = trigger_spec_parse(text, &t, &why);
        if (r != 0)
                fail_msg("'%s' refused: %s", text, why ? why : "(no reason)");
        assert_null(why);
        return t;
}

static void refused(const char *text, const char *reason) {
        struct trigger_spec t;
        char *why = NULL;
        assert_int_equal(trigger_spec_parse(text, &t, &why), -EINVAL);
        assert_non_null(why);
        if (!strstr(why, reason))
                fail_msg("'%s': expected a reason holding '%s', got '%s'", text, reason, why);
        assert_null(t.arg);
        free(why);
}

static void test_kinds(void **state) {
        (void)state;
        struct trigger_spec t = parsed("start path:/srv/incoming/ready");
        assert_false(t.stop);
        assert_int_equal(t.kind, TRIGGER_PATH);
        assert_string_equal(t.arg, "/srv/incoming/ready");
        trigger_spec_done(&t);

        t = parsed("stop address:last");
        assert_true(t.stop);
        assert_int_equal(t.kind, TRIGGER_ADDRESS_LAST);
        assert_null(t.arg);
        trigger_spec_done(&t);

        t = parsed("start address:first");
        assert_int_equal(t.kind, TRIGGER_ADDRESS_FIRST);
        trigger_spec_done(&t);

        t = parsed("start device:net:*:eth*");
        assert_int_equal(t.kind, TRIGGER_DEVICE_ARRIVAL);
        assert_string_equal(t.arg, "net");
        assert_null(t.devtype); /* "*" is any */
        assert_string_equal(t.devname, "eth*");
        trigger_spec_done(&t);

        t = parsed("stop device-removal:block:disk");
        assert_int_equal(t.kind, TRIGGER_DEVICE_REMOVAL);
        assert_string_equal(t.arg, "block");
        assert_string_equal(t.devtype, "disk");
        assert_null(t.devname);
        trigger_spec_done(&t);

        t = parsed("start mount:/mnt/backup");
        assert_int_equal(t.kind, TRIGGER_MOUNT);
        assert_string_equal(t.arg, "/mnt/backup");
        trigger_spec_done(&t);

        t = parsed("stop unmount:/");
        assert_int_equal(t.kind, TRIGGER_UNMOUNT);
        assert_string_equal(t.arg, "/");
        trigger_spec_done(&t);

        t = parsed("start custom:backup.done-1");
        assert_int_equal(t.kind, TRIGGER_CUSTOM);
        assert_string_equal(t.arg, "backup.done-1");
        assert_null(t.data);
        trigger_spec_done(&t);

        t = parsed("stop custom:deploy data=blue green");
        assert_int_equal(t.kind, TRIGGER_CUSTOM);
        assert_true(t.stop);
        assert_string_equal(t.arg, "deploy");
        assert_string_equal(t.data, "blue green");
        trigger_spec_done(&t);
}

static void test_refusals(void **state) {
        (void)state;
        refused("path:/x", "does not begin with the action");
        refused("restart path:/x", "does not begin with the action");
        refused("start network-endpoint:tcp:80", "declare it with set_sockets");
        refused("start path:relative", "not an absolute path");
        refused("start path:/a/../b", "not an absolute path");
        refused("start path:/srv/", "names no file");
        refused("start path:/", "names no file");
        refused("start address:firstly", "is not 'address:first' or 'address:last'");
        refused("start address:any", "is no event");
        refused("start device:", "is no subsystem");
        refused("start device:Net", "is no subsystem");
        refused("start custom:", "is no custom event name");
        refused("start custom:a b", "is no custom event name");
        refused("start custom: data=x", "is no custom event name");
        refused("start custom:a data=", "is no trigger data");
        refused("start custom:a data=\x1b[2J", "is no trigger data");
        refused("start custom:a b data=x", "is no custom event name");
        char big[200];
        memset(big, 'e', sizeof(big));
        memcpy(big, "start custom:", 13);
        big[sizeof(big) - 1] = '\0';
        refused(big, "is no custom event name");
        refused("start sunrise:", "is no event");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kinds),
                cmocka_unit_test(test_refusals),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
