/* SPDX-License-Identifier: MIT */
/*
 * The last error: GetLastError/SetLastError, one value per thread, with
 * Windows' numbers, and FormatMessage for them.  scmd's errors already
 * carry their Win32 number (SCM_ERR in libscm, scm_error_win32()); a
 * local failure (-errno) becomes the nearest Win32 error, except that an
 * SCM that cannot be reached is RPC_S_SERVER_UNAVAILABLE, as it is for a
 * Windows client whose services.exe is gone.  The sentences are scm's own
 * error table (<scm/error.h>) plus the few errors only this layer raises.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/error.h>

#include "w32.h"

static __thread DWORD last_error;

DWORD WINAPI GetLastError(void) {
        return last_error;
}

void WINAPI SetLastError(DWORD dwErrCode) {
        last_error = dwErrCode;
}

BOOL w32_fail(DWORD error) {
        last_error = error;
        return FALSE;
}

DWORD w32_error_of(int r) {
        if (r >= 0)
                return ERROR_SUCCESS;
        int win32 = scm_error_win32(r);
        if (win32)
                return (DWORD)win32;
        switch (-r) {
        case ECONNREFUSED:
        case ENOENT:
        case ETIMEDOUT:
        case ECONNRESET:
        case EPIPE:
        case ENOTCONN:
                return RPC_S_SERVER_UNAVAILABLE;
        case ENOMEM:
                return ERROR_NOT_ENOUGH_MEMORY;
        case EINVAL:
                return ERROR_INVALID_PARAMETER;
        case EPROTO:
                return ERROR_INVALID_DATA;
        default:
                return (DWORD)scm_error_from_errno(-r);
        }
}

BOOL w32_fail_r(int r) {
        return w32_fail(w32_error_of(r));
}

/* Errors of this layer that scm's table does not carry. */
static const struct {
        DWORD error;
        const char *sentence;
} own[] = {
        {ERROR_OUTOFMEMORY,
         "Not enough memory resources are available to complete this operation."},
        {ERROR_CALL_NOT_IMPLEMENTED, "This function is not supported on this system."},
        {ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."},
        {ERROR_INVALID_LEVEL, "The system call level is not correct."},
        {ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."},
        {ERROR_MORE_DATA, "More data is available."},
        {ERROR_NO_MORE_ITEMS, "No more data is available."},
        {WAIT_TIMEOUT, "The wait operation timed out."},
        {ERROR_INVALID_ADDRESS, "Attempt to access invalid address."},
        {ERROR_IO_PENDING, "Overlapped I/O operation is in progress."},
        {ERROR_INVALID_FLAGS, "Invalid flags."},
        {ERROR_SERVICE_NEVER_STARTED, "No attempts to start the service have been made since the "
                                      "last boot."},
        {ERROR_CANCELLED, "The operation was canceled by the user."},
        {ERROR_ALREADY_REGISTERED, "The service is already registered."},
        {ERROR_NO_SUCH_PRIVILEGE, "A specified privilege does not exist."},
        {ERROR_INVALID_SECURITY_DESCR, "The security descriptor structure is invalid."},
        {RPC_S_INVALID_NET_ADDR, "The network address is invalid."},
};

const char *w32_error_sentence(DWORD error) {
        if (error == ERROR_SUCCESS)
                return "The operation completed successfully.";
        for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
                if (own[i].error == error)
                        return own[i].sentence;
        return error <= 0xffff ? scm_error_message((int)error) : NULL;
}

HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes) {
        void *p = (uFlags & LMEM_ZEROINIT) ? calloc(1, uBytes ? uBytes : 1)
                                           : malloc(uBytes ? uBytes : 1);
        if (!p)
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        return p;
}

HLOCAL WINAPI LocalFree(HLOCAL hMem) {
        free(hMem);
        return NULL;
}

/* The sentence of id with "\r\n", cut to the width asked for; malloc'd. */
static char *message_text(DWORD flags, DWORD id) {
        const char *s = w32_error_sentence(id);
        if (!s) {
                w32_fail(ERROR_MR_MID_NOT_FOUND);
                return NULL;
        }
        char *text = NULL;
        bool plain = (flags & FORMAT_MESSAGE_MAX_WIDTH_MASK) != 0;
        if (asprintf(&text, "%s%s", s, plain ? "" : "\r\n") < 0) {
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
                return NULL;
        }
        return text;
}

static bool flags_supported(DWORD flags, LPCVOID source) {
        (void)source;
        return (flags & FORMAT_MESSAGE_FROM_SYSTEM) &&
               !(flags & (FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_FROM_HMODULE));
}

/* Delivers text (chars or WCHARs) as FormatMessage does; frees text. */
static DWORD deliver(DWORD flags, char *text, void *buffer, DWORD size, bool wide) {
        size_t len = wide ? w32_wide_len(text) : strlen(text);
        size_t unit = wide ? sizeof(WCHAR) : 1;
        void *out = buffer;
        if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
                if (!buffer) {
                        free(text);
                        return w32_fail(ERROR_INVALID_PARAMETER);
                }
                out = LocalAlloc(LMEM_FIXED, (len + 1) * unit);
        } else if (!buffer || size < len + 1) {
                free(text);
                return w32_fail(ERROR_INSUFFICIENT_BUFFER);
        }
        if (out && wide)
                w32_wide_write(text, out);
        else if (out)
                memcpy(out, text, len + 1);
        free(text);
        if (!out)
                return 0;
        if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER)
                *(void **)buffer = out;
        return (DWORD)len;
}

static DWORD format_message(DWORD flags, LPCVOID source, DWORD id, void *buffer, DWORD size,
                            bool wide) {
        if (!flags_supported(flags, source))
                return w32_fail(ERROR_INVALID_PARAMETER);
        char *text = message_text(flags, id);
        if (!text)
                return 0;
        return deliver(flags, text, buffer, size, wide);
}

DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPSTR lpBuffer, DWORD nSize, va_list *Arguments) {
        (void)dwLanguageId;
        (void)Arguments;
        return format_message(dwFlags, lpSource, dwMessageId, lpBuffer, nSize, false);
}

DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
                            LPWSTR lpBuffer, DWORD nSize, va_list *Arguments) {
        (void)dwLanguageId;
        (void)Arguments;
        return format_message(dwFlags, lpSource, dwMessageId, lpBuffer, nSize, true);
}
