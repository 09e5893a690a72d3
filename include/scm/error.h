/* SPDX-License-Identifier: MIT */
/*
 * Every error the SCM reports, by its Win32 number, with a stable symbolic
 * name (the Win32 name without "ERROR_") and a sentence a person can act on;
 * with them the errors a service's own handler commonly answers, which the
 * SCM passes on as they came (CALL_NOT_IMPLEMENTED, 120, ...).  A number
 * outside the table has no name: scctl prints it as the number alone.
 * The same table serves scmd (error replies), libscm (return values) and
 * scctl (messages), so a number means one thing everywhere.
 *
 * libscm functions return -errno for local failures and SCM_ERR(win32) for
 * errors the SCM reported; scm_error_win32() tells which.
 */
#ifndef SCM_ERROR_H
#define SCM_ERROR_H

#include <stdbool.h>

enum scm_win32_error {
        SCM_OK = 0,
        SCM_ERROR_INVALID_FUNCTION = 1,
        SCM_ERROR_FILE_NOT_FOUND = 2,
        SCM_ERROR_PATH_NOT_FOUND = 3,
        SCM_ERROR_ACCESS_DENIED = 5,
        SCM_ERROR_INVALID_HANDLE = 6,
        SCM_ERROR_NOT_ENOUGH_MEMORY = 8,
        SCM_ERROR_INVALID_DATA = 13,
        SCM_ERROR_OUTOFMEMORY = 14,
        SCM_ERROR_NOT_SAME_DEVICE = 17,
        SCM_ERROR_NOT_READY = 21,
        SCM_ERROR_WRITE_FAULT = 29,
        SCM_ERROR_READ_FAULT = 30,
        SCM_ERROR_GEN_FAILURE = 31,
        SCM_ERROR_SHARING_VIOLATION = 32,
        SCM_ERROR_LOCK_VIOLATION = 33,
        SCM_ERROR_HANDLE_EOF = 38,
        SCM_ERROR_NOT_SUPPORTED = 50,
        SCM_ERROR_FILE_EXISTS = 80,
        SCM_ERROR_INVALID_PARAMETER = 87,
        SCM_ERROR_BROKEN_PIPE = 109,
        SCM_ERROR_DISK_FULL = 112,
        SCM_ERROR_CALL_NOT_IMPLEMENTED = 120,
        SCM_ERROR_INSUFFICIENT_BUFFER = 122,
        SCM_ERROR_INVALID_NAME = 123,
        SCM_ERROR_INVALID_LEVEL = 124,
        SCM_ERROR_DIR_NOT_EMPTY = 145,
        SCM_ERROR_BAD_ARGUMENTS = 160,
        SCM_ERROR_BAD_PATHNAME = 161,
        SCM_ERROR_BUSY = 170,
        SCM_ERROR_ALREADY_EXISTS = 183,
        SCM_ERROR_BAD_EXE_FORMAT = 193,
        SCM_ERROR_PIPE_BUSY = 231,
        SCM_ERROR_NO_DATA = 232,
        SCM_ERROR_PIPE_NOT_CONNECTED = 233,
        SCM_ERROR_MORE_DATA = 234,
        SCM_ERROR_WAIT_TIMEOUT = 258,
        SCM_ERROR_NO_MORE_ITEMS = 259,
        SCM_ERROR_OPERATION_ABORTED = 995,
        SCM_ERROR_IO_PENDING = 997,
        SCM_ERROR_NOACCESS = 998,
        SCM_ERROR_INVALID_FLAGS = 1004,
        SCM_ERROR_DEPENDENT_SERVICES_RUNNING = 1051,
        SCM_ERROR_INVALID_SERVICE_CONTROL = 1052,
        SCM_ERROR_SERVICE_REQUEST_TIMEOUT = 1053,
        SCM_ERROR_SERVICE_NO_THREAD = 1054,
        SCM_ERROR_SERVICE_DATABASE_LOCKED = 1055,
        SCM_ERROR_SERVICE_ALREADY_RUNNING = 1056,
        SCM_ERROR_INVALID_SERVICE_ACCOUNT = 1057,
        SCM_ERROR_SERVICE_DISABLED = 1058,
        SCM_ERROR_CIRCULAR_DEPENDENCY = 1059,
        SCM_ERROR_SERVICE_DOES_NOT_EXIST = 1060,
        SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061,
        SCM_ERROR_SERVICE_NOT_ACTIVE = 1062,
        SCM_ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063,
        SCM_ERROR_EXCEPTION_IN_SERVICE = 1064,
        SCM_ERROR_DATABASE_DOES_NOT_EXIST = 1065,
        SCM_ERROR_SERVICE_SPECIFIC_ERROR = 1066,
        SCM_ERROR_PROCESS_ABORTED = 1067,
        SCM_ERROR_SERVICE_DEPENDENCY_FAIL = 1068,
        SCM_ERROR_SERVICE_LOGON_FAILED = 1069,
        SCM_ERROR_SERVICE_START_HANG = 1070,
        SCM_ERROR_INVALID_SERVICE_LOCK = 1071,
        SCM_ERROR_SERVICE_MARKED_FOR_DELETE = 1072,
        SCM_ERROR_SERVICE_EXISTS = 1073,
        SCM_ERROR_ALREADY_RUNNING_LKG = 1074,
        SCM_ERROR_SERVICE_DEPENDENCY_DELETED = 1075,
        SCM_ERROR_BOOT_ALREADY_ACCEPTED = 1076,
        SCM_ERROR_SERVICE_NEVER_STARTED = 1077,
        SCM_ERROR_DUPLICATE_SERVICE_NAME = 1078,
        SCM_ERROR_DIFFERENT_SERVICE_ACCOUNT = 1079,
        SCM_ERROR_SERVICE_NOT_IN_EXE = 1083,
        SCM_ERROR_DLL_INIT_FAILED = 1114,
        SCM_ERROR_SHUTDOWN_IN_PROGRESS = 1115,
        SCM_ERROR_DEVICE_NOT_CONNECTED = 1167,
        SCM_ERROR_NOT_FOUND = 1168,
        SCM_ERROR_CANCELLED = 1223,
        SCM_ERROR_CONNECTION_REFUSED = 1225,
        SCM_ERROR_REQUEST_ABORTED = 1235,
        SCM_ERROR_RETRY = 1237,
        SCM_ERROR_SERVICE_NOT_FOUND = 1243,
        SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING = 1294,
        SCM_ERROR_NO_SUCH_PRIVILEGE = 1313,
        SCM_ERROR_PRIVILEGE_NOT_HELD = 1314,
        SCM_ERROR_INTERNAL_ERROR = 1359,
        SCM_ERROR_TIMEOUT = 1460,
        SCM_ERROR_RPC_SERVER_UNAVAILABLE = 1722,
        SCM_ERROR_NOT_ENOUGH_QUOTA = 1816,
        SCM_ERROR_INVALID_STATE = 5023,
};

/* libscm's encoding of an SCM-reported error as a negative return value.
 * Distinct from every -errno (errno values stay far below 0x10000). */
#define SCM_ERROR_BASE 0x10000
#define SCM_ERR(win32) (-(SCM_ERROR_BASE + (int)(win32)))

/* The Win32 number inside a SCM_ERR() value, or 0 when r is not one. */
static inline int scm_error_win32(int r) {
        return r <= -SCM_ERROR_BASE ? -r - SCM_ERROR_BASE : 0;
}

/* Symbolic name ("SERVICE_DISABLED") and default message of a Win32 number;
 * NULL for a number not in the table. */
const char *scm_error_name(int win32);
const char *scm_error_message(int win32);

/* The Win32 number for a symbolic name, or -1. */
int scm_error_from_name(const char *name);

/* The Win32 error that best describes errno e (ENOENT -> FILE_NOT_FOUND, ...). */
int scm_error_from_errno(int e);

#endif
