/* SPDX-License-Identifier: MIT */
/*
 * The error table: Win32 number, symbolic name, and the default sentence.
 * Callers add the specifics (which service, which path) in front of the
 * sentence; the table only says what the error means and what to do.
 */
#include <errno.h>
#include <string.h>

#include <scm/error.h>

#include "cleanup.h"

static const struct {
        int win32;
        const char *name;
        const char *message;
} errors[] = {
        {SCM_OK, "SUCCESS", "The operation completed successfully."},
        {SCM_ERROR_INVALID_FUNCTION, "INVALID_FUNCTION",
         "Incorrect function: the SCM has no such method."},
        {SCM_ERROR_FILE_NOT_FOUND, "FILE_NOT_FOUND", "The system cannot find the file specified."},
        {SCM_ERROR_PATH_NOT_FOUND, "PATH_NOT_FOUND", "The system cannot find the path specified."},
        {SCM_ERROR_ACCESS_DENIED, "ACCESS_DENIED", "Access is denied."},
        {SCM_ERROR_INVALID_HANDLE, "INVALID_HANDLE", "The handle is invalid."},
        {SCM_ERROR_NOT_ENOUGH_MEMORY, "NOT_ENOUGH_MEMORY",
         "Not enough memory resources are available to process this command."},
        {SCM_ERROR_INVALID_DATA, "INVALID_DATA", "The data is invalid."},
        {SCM_ERROR_OUTOFMEMORY, "OUTOFMEMORY", "Not enough memory to finish the operation."},
        {SCM_ERROR_NOT_SAME_DEVICE, "NOT_SAME_DEVICE",
         "The file cannot be moved to another device."},
        {SCM_ERROR_NOT_READY, "NOT_READY", "The device is not ready."},
        {SCM_ERROR_WRITE_FAULT, "WRITE_FAULT", "A write to the device failed."},
        {SCM_ERROR_READ_FAULT, "READ_FAULT", "A read from the device failed."},
        {SCM_ERROR_GEN_FAILURE, "GEN_FAILURE", "A device attached to the system is not working."},
        {SCM_ERROR_SHARING_VIOLATION, "SHARING_VIOLATION", "Another process is using the file."},
        {SCM_ERROR_LOCK_VIOLATION, "LOCK_VIOLATION",
         "Another process has locked part of the file."},
        {SCM_ERROR_HANDLE_EOF, "HANDLE_EOF", "The end of the file was reached."},
        {SCM_ERROR_NOT_SUPPORTED, "NOT_SUPPORTED", "The request is not supported."},
        {SCM_ERROR_FILE_EXISTS, "FILE_EXISTS", "The file exists."},
        {SCM_ERROR_INVALID_PARAMETER, "INVALID_PARAMETER", "The parameter is incorrect."},
        {SCM_ERROR_BROKEN_PIPE, "BROKEN_PIPE", "The pipe has been ended."},
        {SCM_ERROR_DISK_FULL, "DISK_FULL", "There is not enough space on the disk."},
        {SCM_ERROR_CALL_NOT_IMPLEMENTED, "CALL_NOT_IMPLEMENTED",
         "The function is not implemented by the service."},
        {SCM_ERROR_INSUFFICIENT_BUFFER, "INSUFFICIENT_BUFFER",
         "The buffer is too small for the data."},
        {SCM_ERROR_INVALID_NAME, "INVALID_NAME", "The name is invalid."},
        {SCM_ERROR_INVALID_LEVEL, "INVALID_LEVEL", "The information level is not valid."},
        {SCM_ERROR_DIR_NOT_EMPTY, "DIR_NOT_EMPTY", "The directory is not empty."},
        {SCM_ERROR_BAD_ARGUMENTS, "BAD_ARGUMENTS", "One or more arguments are not valid."},
        {SCM_ERROR_BAD_PATHNAME, "BAD_PATHNAME", "The path is not valid."},
        {SCM_ERROR_BUSY, "BUSY", "The resource is in use."},
        {SCM_ERROR_ALREADY_EXISTS, "ALREADY_EXISTS", "The thing to be created already exists."},
        {SCM_ERROR_BAD_EXE_FORMAT, "BAD_EXE_FORMAT", "The program is not a valid executable."},
        {SCM_ERROR_PIPE_BUSY, "PIPE_BUSY", "Every instance of the pipe is busy."},
        {SCM_ERROR_NO_DATA, "NO_DATA", "The pipe is being closed."},
        {SCM_ERROR_PIPE_NOT_CONNECTED, "PIPE_NOT_CONNECTED",
         "No process is on the other end of the pipe."},
        {SCM_ERROR_MORE_DATA, "MORE_DATA", "More data is available."},
        {SCM_ERROR_WAIT_TIMEOUT, "WAIT_TIMEOUT", "The wait timed out."},
        {SCM_ERROR_NO_MORE_ITEMS, "NO_MORE_ITEMS", "No more data is available."},
        {SCM_ERROR_OPERATION_ABORTED, "OPERATION_ABORTED", "The operation was aborted."},
        {SCM_ERROR_IO_PENDING, "IO_PENDING", "The operation is in progress."},
        {SCM_ERROR_NOACCESS, "NOACCESS", "Invalid access to a memory location."},
        {SCM_ERROR_INVALID_FLAGS, "INVALID_FLAGS", "The flags are not valid."},
        {SCM_ERROR_DEPENDENT_SERVICES_RUNNING, "DEPENDENT_SERVICES_RUNNING",
         "A stop control has been sent to a service that other running services are dependent on."},
        {SCM_ERROR_INVALID_SERVICE_CONTROL, "INVALID_SERVICE_CONTROL",
         "The requested control is not valid for this service."},
        {SCM_ERROR_SERVICE_REQUEST_TIMEOUT, "SERVICE_REQUEST_TIMEOUT",
         "The service did not respond to the start or control request in a timely fashion."},
        {SCM_ERROR_SERVICE_NO_THREAD, "SERVICE_NO_THREAD",
         "A thread could not be created for the service."},
        {SCM_ERROR_SERVICE_DATABASE_LOCKED, "SERVICE_DATABASE_LOCKED",
         "The service database could not be written; nothing was changed."},
        {SCM_ERROR_SERVICE_ALREADY_RUNNING, "SERVICE_ALREADY_RUNNING",
         "An instance of the service is already running."},
        {SCM_ERROR_INVALID_SERVICE_ACCOUNT, "INVALID_SERVICE_ACCOUNT",
         "The account name is invalid or does not exist."},
        {SCM_ERROR_SERVICE_DISABLED, "SERVICE_DISABLED",
         "The service cannot be started because it is disabled."},
        {SCM_ERROR_CIRCULAR_DEPENDENCY, "CIRCULAR_DEPENDENCY",
         "Circular service dependency was specified."},
        {SCM_ERROR_SERVICE_DOES_NOT_EXIST, "SERVICE_DOES_NOT_EXIST",
         "The specified service does not exist as an installed service."},
        {SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL, "SERVICE_CANNOT_ACCEPT_CTRL",
         "The service cannot accept control messages at this time."},
        {SCM_ERROR_SERVICE_NOT_ACTIVE, "SERVICE_NOT_ACTIVE", "The service has not been started."},
        {SCM_ERROR_FAILED_SERVICE_CONTROLLER_CONNECT, "FAILED_SERVICE_CONTROLLER_CONNECT",
         "The service process could not connect to the service controller."},
        {SCM_ERROR_EXCEPTION_IN_SERVICE, "EXCEPTION_IN_SERVICE",
         "An exception occurred in the service when handling the control request."},
        {SCM_ERROR_DATABASE_DOES_NOT_EXIST, "DATABASE_DOES_NOT_EXIST",
         "The database specified does not exist."},
        {SCM_ERROR_SERVICE_SPECIFIC_ERROR, "SERVICE_SPECIFIC_ERROR",
         "The service has returned a service-specific error code."},
        {SCM_ERROR_PROCESS_ABORTED, "PROCESS_ABORTED", "The process terminated unexpectedly."},
        {SCM_ERROR_SERVICE_DEPENDENCY_FAIL, "SERVICE_DEPENDENCY_FAIL",
         "The dependency service or group failed to start."},
        {SCM_ERROR_SERVICE_LOGON_FAILED, "SERVICE_LOGON_FAILED",
         "The service did not start due to a logon failure."},
        {SCM_ERROR_SERVICE_START_HANG, "SERVICE_START_HANG",
         "After starting, the service hung in a start-pending state."},
        {SCM_ERROR_INVALID_SERVICE_LOCK, "INVALID_SERVICE_LOCK",
         "The specified service database lock is invalid."},
        {SCM_ERROR_SERVICE_MARKED_FOR_DELETE, "SERVICE_MARKED_FOR_DELETE",
         "The specified service has been marked for deletion."},
        {SCM_ERROR_SERVICE_EXISTS, "SERVICE_EXISTS", "The specified service already exists."},
        {SCM_ERROR_ALREADY_RUNNING_LKG, "ALREADY_RUNNING_LKG",
         "The system is currently running with the last-known-good configuration."},
        {SCM_ERROR_SERVICE_DEPENDENCY_DELETED, "SERVICE_DEPENDENCY_DELETED",
         "The dependency service does not exist or has been marked for deletion."},
        {SCM_ERROR_BOOT_ALREADY_ACCEPTED, "BOOT_ALREADY_ACCEPTED",
         "The current boot has already been accepted for use as the last-known-good control set."},
        {SCM_ERROR_SERVICE_NEVER_STARTED, "SERVICE_NEVER_STARTED",
         "The service has not been started since the last boot."},
        {SCM_ERROR_DUPLICATE_SERVICE_NAME, "DUPLICATE_SERVICE_NAME",
         "The name is already in use as either a service name or a service display name."},
        {SCM_ERROR_DIFFERENT_SERVICE_ACCOUNT, "DIFFERENT_SERVICE_ACCOUNT",
         "The account specified for this service is different from the account specified for "
         "other services running in the same process."},
        {SCM_ERROR_SERVICE_NOT_IN_EXE, "SERVICE_NOT_IN_EXE",
         "The executable program that this service is configured to run in does not implement the "
         "service."},
        {SCM_ERROR_DLL_INIT_FAILED, "DLL_INIT_FAILED", "A library failed to initialise."},
        {SCM_ERROR_SHUTDOWN_IN_PROGRESS, "SHUTDOWN_IN_PROGRESS",
         "A system shutdown is in progress."},
        {SCM_ERROR_DEVICE_NOT_CONNECTED, "DEVICE_NOT_CONNECTED", "The device is not connected."},
        {SCM_ERROR_NOT_FOUND, "NOT_FOUND", "Element not found."},
        {SCM_ERROR_CANCELLED, "CANCELLED", "The operation was cancelled by the user."},
        {SCM_ERROR_CONNECTION_REFUSED, "CONNECTION_REFUSED",
         "The remote end refused the connection."},
        {SCM_ERROR_REQUEST_ABORTED, "REQUEST_ABORTED", "The request was aborted."},
        {SCM_ERROR_RETRY, "RETRY", "The operation could not be finished; it may be retried."},
        {SCM_ERROR_SERVICE_NOT_FOUND, "SERVICE_NOT_FOUND", "The service does not exist."},
        {SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING, "SERVICE_NOTIFY_CLIENT_LAGGING",
         "The service notification client is lagging too far behind the current state of "
         "services in the machine."},
        {SCM_ERROR_NO_SUCH_PRIVILEGE, "NO_SUCH_PRIVILEGE", "The privilege named does not exist."},
        {SCM_ERROR_PRIVILEGE_NOT_HELD, "PRIVILEGE_NOT_HELD",
         "A required privilege is not held by the client."},
        {SCM_ERROR_INTERNAL_ERROR, "INTERNAL_ERROR", "An internal error occurred."},
        {SCM_ERROR_TIMEOUT, "TIMEOUT",
         "This operation returned because the timeout period expired."},
        {SCM_ERROR_RPC_SERVER_UNAVAILABLE, "RPC_S_SERVER_UNAVAILABLE",
         "The SCM is unavailable: scmd is not running, or not for this mode (see --root, --user, "
         "--system, --socket)."},
        {SCM_ERROR_NOT_ENOUGH_QUOTA, "NOT_ENOUGH_QUOTA",
         "Not enough quota to finish the operation."},
        {SCM_ERROR_INVALID_STATE, "INVALID_STATE",
         "The object is in a state that does not allow this operation."},
};

static int find(int win32) {
        for (size_t i = 0; i < ELEMENTSOF(errors); i++)
                if (errors[i].win32 == win32)
                        return (int)i;
        return -1;
}

const char *scm_error_name(int win32) {
        int i = find(win32);
        return i < 0 ? NULL : errors[i].name;
}

const char *scm_error_message(int win32) {
        int i = find(win32);
        return i < 0 ? NULL : errors[i].message;
}

int scm_error_from_name(const char *name) {
        for (size_t i = 0; name && i < ELEMENTSOF(errors); i++)
                if (strcmp(errors[i].name, name) == 0)
                        return errors[i].win32;
        return -1;
}

int scm_error_from_errno(int e) {
        switch (e) {
        case 0:
                return SCM_OK;
        case ENOENT:
                return SCM_ERROR_FILE_NOT_FOUND;
        case ENOTDIR:
        case ELOOP:
                return SCM_ERROR_PATH_NOT_FOUND;
        case EACCES:
        case EPERM:
        case ETXTBSY:
                return SCM_ERROR_ACCESS_DENIED;
        case ENOEXEC:
        case ELIBBAD:
                return SCM_ERROR_BAD_EXE_FORMAT;
        case ENOMEM:
        case EMFILE:
        case ENFILE:
        case EAGAIN:
                return SCM_ERROR_NOT_ENOUGH_MEMORY;
        case ENAMETOOLONG:
        case EINVAL:
                return SCM_ERROR_INVALID_PARAMETER;
        case ETIMEDOUT:
                return SCM_ERROR_TIMEOUT;
        default:
                return SCM_ERROR_INVALID_FUNCTION;
        }
}
