/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/common/error.c: the one error table shared by scmd,
 * libscm and scctl.  The table itself is private, so it is walked through
 * the public lookups: every Win32 number the header names must be in it,
 * every name must be unique and map back to its number, and every errno
 * must map to a number the table knows.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <scm/error.h>

/* Every enumerator of enum scm_win32_error; keep in step with <scm/error.h>. */
static const int header_errors[] = {
        SCM_OK,
        SCM_ERROR_INVALID_FUNCTION,
        SCM_ERROR_FILE_NOT_FOUND,
        SCM_ERROR_PATH_NOT_FOUND,
        SCM_ERROR_ACCESS_DENIED,
        SCM_ERROR_INVALID_HANDLE,
        SCM_ERROR_NOT_ENOUGH_MEMORY,
        SCM_ERROR_INVALID_DATA,
        SCM_ERROR_NOT_SUPPORTED,
        SCM_ERROR_INVALID_PARAMETER,
        SCM_ERROR_INVALID_NAME,
        SCM_ERROR_BAD_EXE_FORMAT,
        SCM_ERROR_DEPENDENT_SERVICES_RUNNING,
        SCM_ERROR_INVALID_SERVICE_CONTROL,
        SCM_ERROR_SERVICE_REQUEST_TIMEOUT,
        SCM_ERROR_SERVICE_NO_THREAD,
        SCM_ERROR_SERVICE_DATABASE_LOCKED,
        SCM_ERROR_SERVICE_ALREADY_RUNNING,
        SCM_ERROR_INVALID_SERVICE_ACCOUNT,
        SCM_ERROR_SERVICE_DISABLED,
        SCM_ERROR_CIRCULAR_DEPENDENCY,
        SCM_ERROR_SERVICE_DOES_NOT_EXIST,
        SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL,
        SCM_ERROR_SERVICE_NOT_ACTIVE,
        SCM_ERROR_FAILED_SERVICE_CONTROLLER_CONNECT,
        SCM_ERROR_EXCEPTION_IN_SERVICE,
        SCM_ERROR_DATABASE_DOES_NOT_EXIST,
        SCM_ERROR_SERVICE_SPECIFIC_ERROR,
        SCM_ERROR_PROCESS_ABORTED,
        SCM_ERROR_SERVICE_DEPENDENCY_FAIL,
        SCM_ERROR_SERVICE_LOGON_FAILED,
        SCM_ERROR_SERVICE_START_HANG,
        SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
        SCM_ERROR_SERVICE_EXISTS,
        SCM_ERROR_ALREADY_RUNNING_LKG,
        SCM_ERROR_SERVICE_DEPENDENCY_DELETED,
        SCM_ERROR_BOOT_ALREADY_ACCEPTED,
        SCM_ERROR_DUPLICATE_SERVICE_NAME,
        SCM_ERROR_DIFFERENT_SERVICE_ACCOUNT,
        SCM_ERROR_SHUTDOWN_IN_PROGRESS,
        SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING,
        SCM_ERROR_PRIVILEGE_NOT_HELD,
        SCM_ERROR_NOT_FOUND,
        SCM_ERROR_TIMEOUT,
        SCM_ERROR_RPC_SERVER_UNAVAILABLE,
};

#define N_HEADER_ERRORS ((int)(sizeof(header_errors) / sizeof(header_errors[0])))

/* Past the largest Win32 number the table could reasonably hold. */
#define SCAN_LIMIT 20000

static void test_every_header_error_is_in_table(void **state) {
        (void)state;
        for (int i = 0; i < N_HEADER_ERRORS; i++) {
                const char *name = scm_error_name(header_errors[i]);
                const char *message = scm_error_message(header_errors[i]);
                if (!name || !message)
                        fail_msg("win32 %d has no entry in the error table", header_errors[i]);
                assert_true(strlen(name) > 0);
                assert_true(strlen(message) > 0);
        }
}

/* The protocol's names (docs/protocol.md, "Errors") are a stable contract. */
static void test_protocol_names(void **state) {
        (void)state;
        static const struct {
                const char *name;
                int win32;
        } contract[] = {
                {"INVALID_DATA", 13},
                {"INVALID_FUNCTION", 1},
                {"INVALID_PARAMETER", 87},
                {"INVALID_NAME", 123},
                {"FILE_NOT_FOUND", 2},
                {"ACCESS_DENIED", 5},
                {"BAD_EXE_FORMAT", 193},
                {"DEPENDENT_SERVICES_RUNNING", 1051},
                {"INVALID_SERVICE_CONTROL", 1052},
                {"SERVICE_ALREADY_RUNNING", 1056},
                {"INVALID_SERVICE_ACCOUNT", 1057},
                {"SERVICE_DISABLED", 1058},
                {"SERVICE_DOES_NOT_EXIST", 1060},
                {"SERVICE_CANNOT_ACCEPT_CTRL", 1061},
                {"SERVICE_NOT_ACTIVE", 1062},
                {"PROCESS_ABORTED", 1067},
                {"SERVICE_LOGON_FAILED", 1069},
                {"SERVICE_MARKED_FOR_DELETE", 1072},
                {"SERVICE_EXISTS", 1073},
                {"DUPLICATE_SERVICE_NAME", 1078},
                {"SHUTDOWN_IN_PROGRESS", 1115},
                {"NOT_ENOUGH_MEMORY", 8},
                {"SERVICE_DATABASE_LOCKED", 1055},
                {"INVALID_HANDLE", 6},
                {"ALREADY_RUNNING_LKG", 1074},
                {"BOOT_ALREADY_ACCEPTED", 1076},
                {"NOT_FOUND", 1168},
        };
        for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
                assert_int_equal(scm_error_from_name(contract[i].name), contract[i].win32);
                assert_string_equal(scm_error_name(contract[i].win32), contract[i].name);
        }
}

static void test_names_unique_and_round_trip(void **state) {
        (void)state;
        const char **seen = calloc(SCAN_LIMIT, sizeof(*seen));
        int n_seen = 0;
        assert_non_null(seen);

        for (int win32 = 0; win32 < SCAN_LIMIT; win32++) {
                const char *name = scm_error_name(win32);
                if (!name) {
                        assert_null(scm_error_message(win32));
                        continue;
                }
                assert_non_null(scm_error_message(win32));
                /* Upper-case symbol characters only: it is a stable identifier. */
                for (const char *p = name; *p; p++)
                        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
                                fail_msg("error name \"%s\" has character '%c'", name, *p);
                for (int j = 0; j < n_seen; j++)
                        if (strcmp(seen[j], name) == 0)
                                fail_msg("error name \"%s\" is used twice", name);
                seen[n_seen++] = name;
                if (scm_error_from_name(name) != win32)
                        fail_msg("\"%s\" maps back to %d, not %d", name, scm_error_from_name(name),
                                 win32);
        }
        /* At least every number of the header was found by the scan. */
        assert_true(n_seen >= N_HEADER_ERRORS);
        free(seen);
}

static void test_unknown(void **state) {
        (void)state;
        assert_null(scm_error_name(-1));
        assert_null(scm_error_name(4));
        assert_null(scm_error_message(99999));
        assert_int_equal(scm_error_from_name("NO_SUCH_ERROR"), -1);
        assert_int_equal(scm_error_from_name(""), -1);
        assert_int_equal(scm_error_from_name(NULL), -1);
        /* Names are exact: no case folding, no "ERROR_" prefix. */
        assert_int_equal(scm_error_from_name("service_disabled"), -1);
        assert_int_equal(scm_error_from_name("ERROR_SERVICE_DISABLED"), -1);
}

static void test_errno_mapping(void **state) {
        (void)state;
        assert_int_equal(scm_error_from_errno(0), SCM_OK);
        assert_int_equal(scm_error_from_errno(ENOENT), SCM_ERROR_FILE_NOT_FOUND);
        assert_int_equal(scm_error_from_errno(ENOTDIR), SCM_ERROR_PATH_NOT_FOUND);
        assert_int_equal(scm_error_from_errno(ELOOP), SCM_ERROR_PATH_NOT_FOUND);
        assert_int_equal(scm_error_from_errno(EACCES), SCM_ERROR_ACCESS_DENIED);
        assert_int_equal(scm_error_from_errno(EPERM), SCM_ERROR_ACCESS_DENIED);
        assert_int_equal(scm_error_from_errno(ETXTBSY), SCM_ERROR_ACCESS_DENIED);
        assert_int_equal(scm_error_from_errno(ENOEXEC), SCM_ERROR_BAD_EXE_FORMAT);
        assert_int_equal(scm_error_from_errno(ENOMEM), SCM_ERROR_NOT_ENOUGH_MEMORY);
        assert_int_equal(scm_error_from_errno(EMFILE), SCM_ERROR_NOT_ENOUGH_MEMORY);
        assert_int_equal(scm_error_from_errno(ENFILE), SCM_ERROR_NOT_ENOUGH_MEMORY);
        assert_int_equal(scm_error_from_errno(EINVAL), SCM_ERROR_INVALID_PARAMETER);
        assert_int_equal(scm_error_from_errno(ENAMETOOLONG), SCM_ERROR_INVALID_PARAMETER);
        assert_int_equal(scm_error_from_errno(ETIMEDOUT), SCM_ERROR_TIMEOUT);
}

static void test_every_errno_maps_into_table(void **state) {
        (void)state;
        for (int e = 0; e < 200; e++) {
                int win32 = scm_error_from_errno(e);
                if (!scm_error_name(win32))
                        fail_msg("errno %d maps to %d, which is not in the table", e, win32);
                if (e != 0 && win32 == SCM_OK)
                        fail_msg("errno %d maps to success", e);
        }
}

static void test_scm_err_encoding(void **state) {
        (void)state;
        for (int i = 0; i < N_HEADER_ERRORS; i++) {
                int w = header_errors[i];
                if (w == SCM_OK)
                        continue;
                int r = SCM_ERR(w);
                assert_true(r < 0);
                assert_true(r < -4095); /* never mistaken for -errno */
                assert_int_equal(scm_error_win32(r), w);
        }
        assert_int_equal(scm_error_win32(0), 0);
        assert_int_equal(scm_error_win32(-ENOENT), 0);
        assert_int_equal(scm_error_win32(-4095), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_header_error_is_in_table),
                cmocka_unit_test(test_protocol_names),
                cmocka_unit_test(test_names_unique_and_round_trip),
                cmocka_unit_test(test_unknown),
                cmocka_unit_test(test_errno_mapping),
                cmocka_unit_test(test_every_errno_maps_into_table),
                cmocka_unit_test(test_scm_err_encoding),
        };
        return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
