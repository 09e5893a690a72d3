/* SPDX-License-Identifier: MIT */
/*
 * QueryServiceObjectSecurity and SetServiceObjectSecurity: scm's access
 * list in its text form (docs/protocol.md, "Access lists") stands for the
 * security descriptor, a NUL-terminated string in the caller's buffer.
 * Only the DACL is modelled; READ_CONTROL or WRITE_DAC on the handle, as
 * on Windows, and scmd's read-control / write-dac rights besides.
 */
#include <stdlib.h>
#include <string.h>

#include "w32.h"

static int call_locked(struct w32_service *s, char **ret_text, const char *set) {
        pthread_mutex_lock(&s->manager->lock);
        int r = set ? scm_set_object_security(s->manager->client, s->name, set)
                    : scm_query_object_security(s->manager->client, s->name, ret_text);
        pthread_mutex_unlock(&s->manager->lock);
        return r;
}

BOOL WINAPI QueryServiceObjectSecurity(SC_HANDLE hService,
                                       SECURITY_INFORMATION dwSecurityInformation,
                                       PSECURITY_DESCRIPTOR lpSecurityDescriptor, DWORD cbBufSize,
                                       LPDWORD pcbBytesNeeded) {
        struct w32_service *s = service_get(hService, READ_CONTROL);
        if (!s)
                return FALSE;
        char *text = NULL;
        DWORD e = !pcbBytesNeeded ? ERROR_INVALID_ADDRESS
                  : !(dwSecurityInformation & DACL_SECURITY_INFORMATION)
                          ? ERROR_INVALID_PARAMETER
                          : w32_error_of(call_locked(s, &text, NULL));
        object_unref(&s->obj);
        if (!e) {
                *pcbBytesNeeded = (DWORD)strlen(text) + 1;
                if (!lpSecurityDescriptor || cbBufSize < *pcbBytesNeeded)
                        e = ERROR_INSUFFICIENT_BUFFER;
                else
                        memcpy(lpSecurityDescriptor, text, *pcbBytesNeeded);
        }
        free(text);
        return e ? w32_fail(e) : TRUE;
}

BOOL WINAPI SetServiceObjectSecurity(SC_HANDLE hService, SECURITY_INFORMATION dwSecurityInformation,
                                     PSECURITY_DESCRIPTOR lpSecurityDescriptor) {
        struct w32_service *s = service_get(hService, WRITE_DAC);
        if (!s)
                return FALSE;
        DWORD e = !lpSecurityDescriptor ? ERROR_INVALID_ADDRESS
                  : dwSecurityInformation != DACL_SECURITY_INFORMATION
                          ? ERROR_INVALID_PARAMETER
                          : w32_error_of(call_locked(s, NULL, lpSecurityDescriptor));
        object_unref(&s->obj);
        return e ? w32_fail(e) : TRUE;
}
