/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/common/names.c: the wire names of the enums in
 * <scm/types.h>.  Every value must have exactly the name docs/protocol.md
 * ("Values") gives it, every name must map back, and anything else must be
 * refused with the INVALID value or NULL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <scm/types.h>

static void test_states(void **state) {
        (void)state;
        static const struct {
                enum scm_state value;
                const char *name;
        } table[] = {
                {SCM_STATE_STOPPED, "stopped"},
                {SCM_STATE_START_PENDING, "start-pending"},
                {SCM_STATE_STOP_PENDING, "stop-pending"},
                {SCM_STATE_RUNNING, "running"},
                {SCM_STATE_CONTINUE_PENDING, "continue-pending"},
                {SCM_STATE_PAUSE_PENDING, "pause-pending"},
                {SCM_STATE_PAUSED, "paused"},
        };
        assert_int_equal(sizeof(table) / sizeof(table[0]), _SCM_STATE_MAX - 1);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                assert_string_equal(scm_state_name(table[i].value), table[i].name);
                assert_int_equal(scm_state_from_name(table[i].name), table[i].value);
        }
        assert_null(scm_state_name(0));
        assert_null(scm_state_name(_SCM_STATE_MAX));
        assert_null(scm_state_name(SCM_STATE_INVALID));
        assert_int_equal(scm_state_from_name("RUNNING"), SCM_STATE_INVALID);
        assert_int_equal(scm_state_from_name("start_pending"), SCM_STATE_INVALID);
        assert_int_equal(scm_state_from_name(""), SCM_STATE_INVALID);
        assert_int_equal(scm_state_from_name(NULL), SCM_STATE_INVALID);
}

static void test_types(void **state) {
        (void)state;
        static const struct {
                enum scm_service_type value;
                const char *name;
        } table[] = {
                {SCM_TYPE_OWN_PROCESS, "own"},
                {SCM_TYPE_SHARE_PROCESS, "share"},
                {SCM_TYPE_KERNEL_DRIVER, "kernel-driver"},
        };
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                assert_string_equal(scm_type_name(table[i].value), table[i].name);
                assert_int_equal(scm_type_from_name(table[i].name), table[i].value);
        }
        assert_null(scm_type_name(0));
        assert_null(scm_type_name(0x30));
        assert_null(scm_type_name(SCM_TYPE_INVALID));
        assert_int_equal(scm_type_from_name("own-process"), SCM_TYPE_INVALID);
        assert_int_equal(scm_type_from_name("OWN"), SCM_TYPE_INVALID);
        assert_int_equal(scm_type_from_name(NULL), SCM_TYPE_INVALID);
}

static void test_start_types(void **state) {
        (void)state;
        static const struct {
                enum scm_start_type value;
                const char *name;
        } table[] = {
                {SCM_START_BOOT, "boot"},         {SCM_START_SYSTEM, "system"},
                {SCM_START_AUTO, "auto"},         {SCM_START_DEMAND, "demand"},
                {SCM_START_DISABLED, "disabled"}, {SCM_START_DELAYED_AUTO, "delayed-auto"},
        };
        assert_int_equal(sizeof(table) / sizeof(table[0]), _SCM_START_MAX);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                assert_string_equal(scm_start_type_name(table[i].value), table[i].name);
                assert_int_equal(scm_start_type_from_name(table[i].name), table[i].value);
        }
        assert_null(scm_start_type_name(_SCM_START_MAX));
        assert_null(scm_start_type_name(SCM_START_INVALID));
        assert_int_equal(scm_start_type_from_name("delayed_auto"), SCM_START_INVALID);
        assert_int_equal(scm_start_type_from_name("manual"), SCM_START_INVALID);
        assert_int_equal(scm_start_type_from_name(NULL), SCM_START_INVALID);
}

static void test_error_controls(void **state) {
        (void)state;
        static const struct {
                enum scm_error_control value;
                const char *name;
        } table[] = {
                {SCM_ERROR_IGNORE, "ignore"},
                {SCM_ERROR_NORMAL, "normal"},
                {SCM_ERROR_SEVERE, "severe"},
                {SCM_ERROR_CRITICAL, "critical"},
        };
        assert_int_equal(sizeof(table) / sizeof(table[0]), _SCM_ERROR_CONTROL_MAX);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                assert_string_equal(scm_error_control_name(table[i].value), table[i].name);
                assert_int_equal(scm_error_control_from_name(table[i].name), table[i].value);
        }
        assert_null(scm_error_control_name(_SCM_ERROR_CONTROL_MAX));
        assert_null(scm_error_control_name(SCM_ERROR_CONTROL_INVALID));
        assert_int_equal(scm_error_control_from_name("Normal"), SCM_ERROR_CONTROL_INVALID);
        assert_int_equal(scm_error_control_from_name(NULL), SCM_ERROR_CONTROL_INVALID);
}

static void test_accept_names(void **state) {
        (void)state;
        const char *names[8];

        assert_int_equal(scm_accept_names(0, names, 8), 0);

        assert_int_equal(scm_accept_names(SCM_ACCEPT_STOP, names, 8), 1);
        assert_string_equal(names[0], "stop");

        uint32_t all = SCM_ACCEPT_STOP | SCM_ACCEPT_PAUSE_CONTINUE | SCM_ACCEPT_SHUTDOWN |
                       SCM_ACCEPT_PARAMCHANGE | SCM_ACCEPT_PRESHUTDOWN;
        assert_int_equal(scm_accept_names(all, names, 8), 5);
        assert_string_equal(names[0], "stop");
        assert_string_equal(names[1], "pause-continue");
        assert_string_equal(names[2], "shutdown");
        assert_string_equal(names[3], "paramchange");
        assert_string_equal(names[4], "preshutdown");

        /* Unknown bits are not named. */
        assert_int_equal(scm_accept_names(0x80000000u | SCM_ACCEPT_SHUTDOWN, names, 8), 1);
        assert_string_equal(names[0], "shutdown");
}

static void test_accept_names_truncated(void **state) {
        (void)state;
        const char *names[2] = {"sentinel0", "sentinel1"};
        uint32_t mask = SCM_ACCEPT_STOP | SCM_ACCEPT_SHUTDOWN | SCM_ACCEPT_PRESHUTDOWN;

        /* Returns how many apply, writes only as many as fit. */
        assert_int_equal(scm_accept_names(mask, names, 1), 3);
        assert_string_equal(names[0], "stop");
        assert_string_equal(names[1], "sentinel1");
        assert_int_equal(scm_accept_names(mask, NULL, 0), 3);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_states),       cmocka_unit_test(test_types),
                cmocka_unit_test(test_start_types),  cmocka_unit_test(test_error_controls),
                cmocka_unit_test(test_accept_names), cmocka_unit_test(test_accept_names_truncated),
        };
        return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
