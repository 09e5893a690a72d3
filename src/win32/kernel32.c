/* SPDX-License-Identifier: MIT */
/*
 * The small rest of kernel32 a service skeleton uses: ticks
 * (GetTickCount, GetTickCount64: CLOCK_MONOTONIC in milliseconds),
 * OutputDebugString (to stderr, which scmd keeps as the service's log),
 * the lstr* string functions, and the event log: RegisterEventSource
 * gives a source, ReportEvent writes one line per event to stderr, so the
 * service's events are in its log (scctl logs NAME) instead of the
 * Application log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <wctype.h>

#include "w32.h"

ULONGLONG WINAPI GetTickCount64(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (ULONGLONG)ts.tv_sec * 1000 + (ULONGLONG)ts.tv_nsec / 1000000;
}

DWORD WINAPI GetTickCount(void) {
        return (DWORD)GetTickCount64();
}

void WINAPI OutputDebugStringA(LPCSTR lpOutputString) {
        if (lpOutputString)
                fputs(lpOutputString, stderr);
        fflush(stderr);
}

void WINAPI OutputDebugStringW(LPCWSTR lpOutputString) {
        char *s = w32_utf8(lpOutputString, NULL);
        OutputDebugStringA(s);
        free(s);
}

int WINAPI lstrlenA(LPCSTR lpString) {
        return lpString ? (int)strlen(lpString) : 0;
}

int WINAPI lstrlenW(LPCWSTR lpString) {
        return lpString ? (int)wcslen(lpString) : 0;
}

int WINAPI lstrcmpA(LPCSTR a, LPCSTR b) {
        return strcmp(a ? a : "", b ? b : "");
}

int WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b) {
        return wcscmp(a ? a : L"", b ? b : L"");
}

int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b) {
        return strcasecmp(a ? a : "", b ? b : "");
}

int WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b) {
        return wcscasecmp(a ? a : L"", b ? b : L"");
}

LPSTR WINAPI lstrcpyA(LPSTR a, LPCSTR b) {
        return a && b ? strcpy(a, b) : NULL;
}

LPWSTR WINAPI lstrcpyW(LPWSTR a, LPCWSTR b) {
        return a && b ? wcscpy(a, b) : NULL;
}

/* ---- the event log --------------------------------------------------------- */

struct event_source {
        struct w32_object obj;
        char *name;
};

static void source_destroy(struct w32_object *o) {
        free(((struct event_source *)o)->name);
        free(o);
}

static HANDLE register_source(const char *server, const char *name) {
        if (server && server[0])
                return w32_fail(RPC_S_SERVER_UNAVAILABLE), NULL;
        struct event_source *s = calloc(1, sizeof(*s));
        char *copy = strdup(name ? name : "");
        if (!s || !copy) {
                free(s);
                free(copy);
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
        }
        *s = (struct event_source){.obj = {W32_EVENT_SOURCE, 1, source_destroy}, .name = copy};
        HANDLE h = handle_insert(&s->obj);
        if (!h)
                source_destroy(&s->obj);
        return h;
}

HANDLE WINAPI RegisterEventSourceA(LPCSTR lpUNCServerName, LPCSTR lpSourceName) {
        return register_source(lpUNCServerName, lpSourceName);
}

HANDLE WINAPI RegisterEventSourceW(LPCWSTR lpUNCServerName, LPCWSTR lpSourceName) {
        char *server = w32_utf8(lpUNCServerName, NULL), *name = w32_utf8(lpSourceName, NULL);
        HANDLE h = register_source(server, name);
        free(server);
        free(name);
        return h;
}

BOOL WINAPI DeregisterEventSource(HANDLE hEventLog) {
        struct w32_object *o = handle_remove(hEventLog, W32_EVENT_SOURCE);
        object_unref(o);
        return o != NULL;
}

static const char *type_name(WORD type) {
        switch (type) {
        case EVENTLOG_ERROR_TYPE:
                return "error";
        case EVENTLOG_WARNING_TYPE:
                return "warning";
        case EVENTLOG_AUDIT_SUCCESS:
                return "audit-success";
        case EVENTLOG_AUDIT_FAILURE:
                return "audit-failure";
        default:
                return "information";
        }
}

static BOOL report(HANDLE h, WORD type, DWORD id, WORD n, const char *const *strings) {
        struct event_source *s = (struct event_source *)handle_get(h, W32_EVENT_SOURCE);
        if (!s)
                return FALSE;
        flockfile(stderr);
        fprintf(stderr, "%s: %s %u:", s->name, type_name(type), (unsigned)(id & 0xffff));
        for (WORD i = 0; strings && i < n; i++)
                fprintf(stderr, "%s %s", i ? ";" : "", strings[i] ? strings[i] : "");
        fputc('\n', stderr);
        fflush(stderr);
        funlockfile(stderr);
        object_unref(&s->obj);
        return TRUE;
}

BOOL WINAPI ReportEventA(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID,
                         PSID lpUserSid, WORD wNumStrings, DWORD dwDataSize, LPCSTR *lpStrings,
                         LPVOID lpRawData) {
        (void)wCategory, (void)lpUserSid, (void)dwDataSize, (void)lpRawData;
        return report(hEventLog, wType, dwEventID, wNumStrings, (const char *const *)lpStrings);
}

BOOL WINAPI ReportEventW(HANDLE hEventLog, WORD wType, WORD wCategory, DWORD dwEventID,
                         PSID lpUserSid, WORD wNumStrings, DWORD dwDataSize, LPCWSTR *lpStrings,
                         LPVOID lpRawData) {
        (void)wCategory, (void)lpUserSid, (void)dwDataSize, (void)lpRawData;
        char **s = calloc(wNumStrings + 1, sizeof(char *));
        for (WORD i = 0; s && lpStrings && i < wNumStrings; i++)
                s[i] = w32_utf8(lpStrings[i], NULL);
        BOOL ok = s ? report(hEventLog, wType, dwEventID, wNumStrings, (const char *const *)s)
                    : w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        for (WORD i = 0; s && i < wNumStrings; i++)
                free(s[i]);
        free(s);
        return ok;
}

/* The program's own path (/proc/self/exe); another module's is not known.
 * Windows' rules: the count copied without the terminator, or nSize with
 * the path cut and ERROR_INSUFFICIENT_BUFFER. */
DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize) {
        char path[4096];
        if (hModule)
                return w32_fail(ERROR_MOD_NOT_FOUND), 0;
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        if (n < 0)
                return w32_fail(ERROR_FILE_NOT_FOUND), 0;
        path[n] = '\0';
        if (!lpFilename || nSize == 0)
                return w32_fail(ERROR_INSUFFICIENT_BUFFER), 0;
        if ((DWORD)n >= nSize) {
                memcpy(lpFilename, path, nSize - 1);
                lpFilename[nSize - 1] = '\0';
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return nSize;
        }
        memcpy(lpFilename, path, (size_t)n + 1);
        SetLastError(ERROR_SUCCESS);
        return (DWORD)n;
}

DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize) {
        char path[4096];
        DWORD n = GetModuleFileNameA(hModule, path, sizeof(path));
        if (n == 0 || n >= sizeof(path))
                return n == 0 ? 0 : (w32_fail(ERROR_INSUFFICIENT_BUFFER), 0);
        WCHAR *w = w32_wide(path);
        if (!w)
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY), 0;
        size_t len = wcslen(w);
        if (!lpFilename || nSize == 0) {
                free(w);
                return w32_fail(ERROR_INSUFFICIENT_BUFFER), 0;
        }
        if (len >= nSize) {
                wmemcpy(lpFilename, w, nSize - 1);
                lpFilename[nSize - 1] = L'\0';
                free(w);
                SetLastError(ERROR_INSUFFICIENT_BUFFER);
                return nSize;
        }
        wmemcpy(lpFilename, w, len + 1);
        free(w);
        SetLastError(ERROR_SUCCESS);
        return (DWORD)len;
}
