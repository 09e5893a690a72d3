/* SPDX-License-Identifier: MIT */
/*
 * Lists and names: EnumServicesStatus(Ex), EnumDependentServices,
 * GetServiceDisplayName, GetServiceKeyName (scmd's get_display_name and
 * get_key_name, which need only an SCM handle).  scmd's `enumerate` returns
 * every service at once, sorted by name; the layer filters by type and
 * state and pages it Windows' way: as many entries as fit, then
 * ERROR_MORE_DATA with the bytes the rest need and the resume handle set
 * to the index of the first entry not returned (0 once all are).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "w32.h"

static bool type_matches(DWORD mask, const struct scm_status *st) {
        return (mask & type_to_win32(st->type)) != 0;
}

static bool state_matches(DWORD mask, const struct scm_status *st) {
        bool active = st->state != SCM_STATE_STOPPED;
        return (mask & (active ? SERVICE_ACTIVE : SERVICE_INACTIVE)) != 0;
}

struct entry {
        const char *name, *display;
        SERVICE_STATUS_PROCESS status;
};

/* The services of res that pass the filters, in order. */
static struct entry *entries_of(json_t *res, DWORD type, DWORD state, size_t *ret_n) {
        json_t *list = json_object_get(res, "services"), *v;
        struct entry *out = calloc(json_array_size(list) + 1, sizeof(*out));
        size_t i, n = 0;
        if (!out)
                return NULL;
        json_array_foreach(list, i, v) {
                struct scm_status st;
                if (scm_status_from_json(json_object_get(v, "status"), &st) < 0 ||
                    !type_matches(type, &st) || !state_matches(state, &st))
                        continue;
                out[n].name = json_string_value(json_object_get(v, "name"));
                out[n].display = json_string_value(json_object_get(v, "display_name"));
                status_to_win32(&st, &out[n].status);
                n++;
        }
        *ret_n = n;
        return out;
}

/* The size one entry takes, in the layout asked for. */
static size_t entry_size(const struct entry *e, size_t fixed, bool wide) {
        struct w32_pack p;
        pack_init(&p, NULL, 0, fixed, wide);
        pack_string(&p, e->name);
        pack_string(&p, e->display);
        return (p.used + sizeof(void *) - 1) / sizeof(void *) * sizeof(void *);
}

/* Writes entries [first, n) that fit into buf; returns how many. */
static size_t write_entries(const struct entry *e, size_t first, size_t n, uint8_t *buf,
                            size_t size, bool ex, bool wide, size_t *ret_rest) {
        size_t fixed = ex ? sizeof(ENUM_SERVICE_STATUS_PROCESSA) : sizeof(ENUM_SERVICE_STATUSA);
        size_t count = 0, strings = 0;
        /* Fixed parts first, strings packed from the end of what fits. */
        while (first + count < n &&
               (count + 1) * fixed + strings + entry_size(&e[first + count], fixed, wide) - fixed <=
                       size) {
                strings += entry_size(&e[first + count], fixed, wide) - fixed;
                count++;
        }
        struct w32_pack p;
        pack_init(&p, buf, size, count * fixed, wide);
        for (size_t i = 0; i < count; i++) {
                ENUM_SERVICE_STATUS_PROCESSA out = {.ServiceStatusProcess = e[first + i].status};
                out.lpServiceName = pack_string(&p, e[first + i].name);
                out.lpDisplayName = pack_string(&p, e[first + i].display);
                if (ex)
                        memcpy(buf + i * fixed, &out, fixed);
                else {
                        ENUM_SERVICE_STATUSA s = {out.lpServiceName, out.lpDisplayName};
                        memcpy(&s.ServiceStatus, &out.ServiceStatusProcess, sizeof(SERVICE_STATUS));
                        memcpy(buf + i * fixed, &s, fixed);
                }
        }
        size_t rest = 0;
        for (size_t i = first + count; i < n; i++)
                rest += entry_size(&e[i], fixed, wide);
        *ret_rest = rest;
        return count;
}

static DWORD check_filters(DWORD type, DWORD state) {
        if (!(type & SERVICE_TYPE_ALL) || (type & ~(DWORD)SERVICE_TYPE_ALL))
                return ERROR_INVALID_PARAMETER;
        if (state == 0 || (state & ~(DWORD)SERVICE_STATE_ALL))
                return ERROR_INVALID_PARAMETER;
        return ERROR_SUCCESS;
}

/* Pages entries into the caller's buffer. */
static DWORD deliver(const struct entry *e, size_t n, void *buf, DWORD size, LPDWORD needed,
                     LPDWORD returned, LPDWORD resume, bool ex, bool wide) {
        size_t first = resume ? *resume : 0, rest;
        if (first > n)
                first = n;
        size_t count = write_entries(e, first, n, buf, buf ? size : 0, ex, wide, &rest);
        *returned = (DWORD)count;
        *needed = (DWORD)rest;
        if (first + count < n) {
                if (resume)
                        *resume = (DWORD)(first + count);
                return ERROR_MORE_DATA;
        }
        if (resume)
                *resume = 0;
        return ERROR_SUCCESS;
}

BOOL enum_services(SC_HANDLE h, bool ex, DWORD type, DWORD state, void *buf, DWORD size,
                   LPDWORD needed, LPDWORD returned, LPDWORD resume, const char *group, bool wide) {
        struct w32_manager *m = manager_get(h, SC_MANAGER_ENUMERATE_SERVICE);
        if (!m)
                return FALSE;
        DWORD e = !needed || !returned ? ERROR_INVALID_ADDRESS : check_filters(type, state);
        json_t *res = NULL;
        if (!e)
                e = w32_error_of(manager_call(
                        m, "enumerate", group ? json_pack("{ss}", "group", group) : NULL, &res));
        object_unref(&m->obj);
        size_t n = 0;
        struct entry *entries = e ? NULL : entries_of(res, type, state, &n);
        if (!e && !entries)
                e = ERROR_NOT_ENOUGH_MEMORY;
        if (!e)
                e = deliver(entries, n, buf, size, needed, returned, resume, ex, wide);
        free(entries);
        json_decref(res);
        return e ? w32_fail(e) : TRUE;
}

BOOL enum_dependents(SC_HANDLE h, DWORD state, void *buf, DWORD size, LPDWORD needed,
                     LPDWORD returned, bool wide) {
        struct w32_service *s = service_get(h, SERVICE_ENUMERATE_DEPENDENTS);
        if (!s)
                return FALSE;
        DWORD e = !needed || !returned ? ERROR_INVALID_ADDRESS
                                       : check_filters(SERVICE_TYPE_ALL, state);
        json_t *res = NULL;
        if (!e)
                e = w32_error_of(service_call(s, "enumerate_dependents", NULL, &res));
        object_unref(&s->obj);
        size_t n = 0;
        struct entry *entries = e ? NULL : entries_of(res, SERVICE_TYPE_ALL, state, &n);
        if (!e && !entries)
                e = ERROR_NOT_ENOUGH_MEMORY;
        if (!e)
                e = deliver(entries, n, buf, size, needed, returned, NULL, false, wide);
        free(entries);
        json_decref(res);
        return e ? w32_fail(e) : TRUE;
}

/* ---- names ---------------------------------------------------------------------- */

/* Copies s to buf (chars or WCHARs) as GetServiceDisplayName does:
 * *cch is the length without the NUL when it does not fit, or after. */
static DWORD give_name(const char *s, void *buf, LPDWORD cch, bool wide) {
        size_t len = wide ? w32_wide_len(s) : strlen(s);
        if (!buf || *cch <= len) {
                *cch = (DWORD)len;
                return ERROR_INSUFFICIENT_BUFFER;
        }
        if (wide)
                w32_wide_write(s, buf);
        else
                memcpy(buf, s, len + 1);
        *cch = (DWORD)len;
        return ERROR_SUCCESS;
}

static void clear_name(void *buf, LPDWORD cch, bool wide) {
        if (buf && *cch > 0) {
                if (wide)
                        *(WCHAR *)buf = 0;
                else
                        *(char *)buf = 0;
        }
}

/* One of libscm's name look-ups on the manager's connection; an unknown
 * name is ERROR_SERVICE_DOES_NOT_EXIST with the caller's buffer emptied. */
static BOOL names_lookup(SC_HANDLE h, int (*lookup)(struct scm_client *, const char *, char **),
                         const char *text, void *buf, LPDWORD cch, bool wide) {
        struct w32_manager *m = manager_get(h, 0);
        if (!m)
                return FALSE;
        char *found = NULL;
        DWORD e = ERROR_INVALID_ADDRESS;
        if (text && cch) {
                pthread_mutex_lock(&m->lock);
                e = w32_error_of(lookup(m->client, text, &found));
                pthread_mutex_unlock(&m->lock);
        }
        object_unref(&m->obj);
        if (e == ERROR_SERVICE_DOES_NOT_EXIST || e == ERROR_INVALID_NAME) {
                clear_name(buf, cch, wide);
                e = ERROR_SERVICE_DOES_NOT_EXIST;
        }
        if (!e)
                e = give_name(found, buf, cch, wide);
        free(found);
        return e ? w32_fail(e) : TRUE;
}

BOOL names_display(SC_HANDLE h, const char *name, void *buf, LPDWORD cch, bool wide) {
        return names_lookup(h, scm_get_display_name, name, buf, cch, wide);
}

/* The display name only, as Windows: a service's own name is found only
 * when it is also its display name (the default). */
BOOL names_key(SC_HANDLE h, const char *display, void *buf, LPDWORD cch, bool wide) {
        return names_lookup(h, scm_get_key_name, display, buf, cch, wide);
}

/* ---- the A and W entry points ------------------------------------------------- */

BOOL WINAPI EnumServicesStatusA(SC_HANDLE hSCManager, DWORD dwServiceType, DWORD dwServiceState,
                                LPENUM_SERVICE_STATUSA lpServices, DWORD cbBufSize,
                                LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned,
                                LPDWORD lpResumeHandle) {
        return enum_services(hSCManager, false, dwServiceType, dwServiceState, lpServices,
                             cbBufSize, pcbBytesNeeded, lpServicesReturned, lpResumeHandle, NULL,
                             false);
}

BOOL WINAPI EnumServicesStatusW(SC_HANDLE hSCManager, DWORD dwServiceType, DWORD dwServiceState,
                                LPENUM_SERVICE_STATUSW lpServices, DWORD cbBufSize,
                                LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned,
                                LPDWORD lpResumeHandle) {
        return enum_services(hSCManager, false, dwServiceType, dwServiceState, lpServices,
                             cbBufSize, pcbBytesNeeded, lpServicesReturned, lpResumeHandle, NULL,
                             true);
}

BOOL WINAPI EnumServicesStatusExA(SC_HANDLE hSCManager, SC_ENUM_TYPE InfoLevel, DWORD dwServiceType,
                                  DWORD dwServiceState, LPBYTE lpServices, DWORD cbBufSize,
                                  LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned,
                                  LPDWORD lpResumeHandle, LPCSTR pszGroupName) {
        if (InfoLevel != SC_ENUM_PROCESS_INFO)
                return w32_fail(ERROR_INVALID_LEVEL);
        return enum_services(hSCManager, true, dwServiceType, dwServiceState, lpServices, cbBufSize,
                             pcbBytesNeeded, lpServicesReturned, lpResumeHandle, pszGroupName,
                             false);
}

BOOL WINAPI EnumServicesStatusExW(SC_HANDLE hSCManager, SC_ENUM_TYPE InfoLevel, DWORD dwServiceType,
                                  DWORD dwServiceState, LPBYTE lpServices, DWORD cbBufSize,
                                  LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned,
                                  LPDWORD lpResumeHandle, LPCWSTR pszGroupName) {
        bool oom = false;
        if (InfoLevel != SC_ENUM_PROCESS_INFO)
                return w32_fail(ERROR_INVALID_LEVEL);
        char *group = w32_utf8(pszGroupName, &oom);
        BOOL ok = oom ? w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                      : enum_services(hSCManager, true, dwServiceType, dwServiceState, lpServices,
                                      cbBufSize, pcbBytesNeeded, lpServicesReturned, lpResumeHandle,
                                      group, true);
        free(group);
        return ok;
}

BOOL WINAPI EnumDependentServicesA(SC_HANDLE hService, DWORD dwServiceState,
                                   LPENUM_SERVICE_STATUSA lpServices, DWORD cbBufSize,
                                   LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned) {
        return enum_dependents(hService, dwServiceState, lpServices, cbBufSize, pcbBytesNeeded,
                               lpServicesReturned, false);
}

BOOL WINAPI EnumDependentServicesW(SC_HANDLE hService, DWORD dwServiceState,
                                   LPENUM_SERVICE_STATUSW lpServices, DWORD cbBufSize,
                                   LPDWORD pcbBytesNeeded, LPDWORD lpServicesReturned) {
        return enum_dependents(hService, dwServiceState, lpServices, cbBufSize, pcbBytesNeeded,
                               lpServicesReturned, true);
}

BOOL WINAPI GetServiceDisplayNameA(SC_HANDLE hSCManager, LPCSTR lpServiceName, LPSTR lpDisplayName,
                                   LPDWORD lpcchBuffer) {
        return names_display(hSCManager, lpServiceName, lpDisplayName, lpcchBuffer, false);
}

BOOL WINAPI GetServiceDisplayNameW(SC_HANDLE hSCManager, LPCWSTR lpServiceName,
                                   LPWSTR lpDisplayName, LPDWORD lpcchBuffer) {
        bool oom = false;
        char *name = w32_utf8(lpServiceName, &oom);
        BOOL ok = oom ? w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                      : names_display(hSCManager, name, lpDisplayName, lpcchBuffer, true);
        free(name);
        return ok;
}

BOOL WINAPI GetServiceKeyNameA(SC_HANDLE hSCManager, LPCSTR lpDisplayName, LPSTR lpServiceName,
                               LPDWORD lpcchBuffer) {
        return names_key(hSCManager, lpDisplayName, lpServiceName, lpcchBuffer, false);
}

BOOL WINAPI GetServiceKeyNameW(SC_HANDLE hSCManager, LPCWSTR lpDisplayName, LPWSTR lpServiceName,
                               LPDWORD lpcchBuffer) {
        bool oom = false;
        char *display = w32_utf8(lpDisplayName, &oom);
        BOOL ok = oom ? w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                      : names_key(hSCManager, display, lpServiceName, lpcchBuffer, true);
        free(display);
        return ok;
}
