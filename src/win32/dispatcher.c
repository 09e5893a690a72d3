/* SPDX-License-Identifier: MIT */
/*
 * The service side: StartServiceCtrlDispatcher, RegisterServiceCtrlHandler
 * (Ex), SetServiceStatus, over libscm's <scm/service.h>.  The dispatcher
 * table is copied (names to UTF-8) and run by scm_service_dispatcher();
 * each ServiceMain is called through a trampoline that finds its entry by
 * the name scmd started (a one-entry table runs whatever service scmd
 * starts, as on Windows) and, for a W table, gives it WCHAR arguments.
 * A SERVICE_STATUS_HANDLE is a handle of the layer's table (never closed,
 * as on Windows), so SetServiceStatus on a made-up one is
 * ERROR_INVALID_HANDLE.  Unlike Windows, each service's handler runs on a
 * thread of that service's own (libscm's promise), not on the thread that
 * called StartServiceCtrlDispatcher.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <scm/service.h>

#include "w32.h"

#define ENTRIES_MAX 64

/* libscm's event data is Windows' (call_handler passes it on). */
_Static_assert(sizeof(struct scm_timechange_info) == sizeof(SERVICE_TIMECHANGE_INFO) &&
                       offsetof(SERVICE_TIMECHANGE_INFO, liOldTime) ==
                               offsetof(struct scm_timechange_info, old_time),
               "SERVICE_TIMECHANGE_INFO is struct scm_timechange_info");
_Static_assert(sizeof(struct scm_session_info) == sizeof(WTSSESSION_NOTIFICATION) &&
                       offsetof(WTSSESSION_NOTIFICATION, dwSessionId) ==
                               offsetof(struct scm_session_info, session_id),
               "WTSSESSION_NOTIFICATION is struct scm_session_info");

static struct {
        pthread_mutex_t lock;
        int count;
        bool wide;
        bool running; /* a dispatcher runs on this table: no second one may replace it */
        char *names[ENTRIES_MAX];
        LPSERVICE_MAIN_FUNCTIONA main_a[ENTRIES_MAX];
        LPSERVICE_MAIN_FUNCTIONW main_w[ENTRIES_MAX];
} T = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int entry_of(const char *name) {
        if (T.count == 1)
                return 0;
        for (int i = 0; i < T.count; i++)
                if (name && strcasecmp(T.names[i], name) == 0)
                        return i;
        return -1;
}

static void run_wide(int i, int argc, char **argv) {
        WCHAR **wargv = calloc((size_t)argc + 1, sizeof(WCHAR *));
        for (int a = 0; wargv && a < argc; a++)
                wargv[a] = w32_wide(argv[a]);
        if (wargv)
                T.main_w[i]((DWORD)argc, wargv);
        for (int a = 0; wargv && a < argc; a++)
                free(wargv[a]);
        free(wargv);
}

static void trampoline(int argc, char **argv) {
        int i = entry_of(argc > 0 ? argv[0] : NULL);
        if (i < 0)
                return;
        if (T.wide)
                run_wide(i, argc, argv);
        else
                T.main_a[i]((DWORD)argc, argv);
}

static void clear_table(void) {
        for (int i = 0; i < T.count; i++)
                free(T.names[i]);
        T.count = 0;
}

static BOOL run_dispatcher(void) {
        struct scm_dispatch_entry table[ENTRIES_MAX + 1] = {{0}};
        for (int i = 0; i < T.count; i++)
                table[i] = (struct scm_dispatch_entry){T.names[i], trampoline};
        int r = scm_service_dispatcher(table);
        return r < 0 ? w32_fail_r(r) : TRUE;
}

/* With T.lock held and T.names[0..n) copied: runs the dispatcher on the
 * table, or fails when a copy is missing (out of memory). */
static BOOL table_filled(int n, bool wide) {
        T.count = n;
        T.wide = wide;
        for (int i = 0; i < n; i++)
                if (!T.names[i]) {
                        clear_table();
                        pthread_mutex_unlock(&T.lock);
                        return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
                }
        T.running = true;
        pthread_mutex_unlock(&T.lock);
        BOOL ok = run_dispatcher();
        pthread_mutex_lock(&T.lock);
        T.running = false;
        pthread_mutex_unlock(&T.lock);
        return ok;
}

/* Counts a table's entries: -1 when it is NULL, empty or too long. */
static int table_size(const void *table, size_t entry_size) {
        if (!table)
                return -1;
        int n = 0;
        const uint8_t *p = table;
        while (n <= ENTRIES_MAX && *(void *const *)(p + (size_t)n * entry_size))
                n++;
        return n == 0 || n > ENTRIES_MAX ? -1 : n;
}

BOOL WINAPI StartServiceCtrlDispatcherA(const SERVICE_TABLE_ENTRYA *lpServiceStartTable) {
        int n = table_size(lpServiceStartTable, sizeof(*lpServiceStartTable));
        if (n < 0)
                return w32_fail(ERROR_INVALID_PARAMETER);
        pthread_mutex_lock(&T.lock);
        if (T.running) {
                pthread_mutex_unlock(&T.lock);
                return w32_fail(ERROR_SERVICE_ALREADY_RUNNING);
        }
        clear_table();
        for (int i = 0; i < n; i++) {
                T.names[i] = strdup(lpServiceStartTable[i].lpServiceName);
                T.main_a[i] = lpServiceStartTable[i].lpServiceProc;
        }
        return table_filled(n, false);
}

BOOL WINAPI StartServiceCtrlDispatcherW(const SERVICE_TABLE_ENTRYW *lpServiceStartTable) {
        int n = table_size(lpServiceStartTable, sizeof(*lpServiceStartTable));
        if (n < 0)
                return w32_fail(ERROR_INVALID_PARAMETER);
        pthread_mutex_lock(&T.lock);
        if (T.running) {
                pthread_mutex_unlock(&T.lock);
                return w32_fail(ERROR_SERVICE_ALREADY_RUNNING);
        }
        clear_table();
        for (int i = 0; i < n; i++) {
                T.names[i] = w32_utf8(lpServiceStartTable[i].lpServiceName, NULL);
                T.main_w[i] = lpServiceStartTable[i].lpServiceProc;
        }
        return table_filled(n, true);
}

/* ---- handlers and status ------------------------------------------------------- */

struct w32_status {
        struct w32_object obj;
        scm_status_handle *h;
        LPHANDLER_FUNCTION handler;
        LPHANDLER_FUNCTION_EX handler_ex;
        void *context;
};

static void status_destroy(struct w32_object *o) {
        free(o);
}

static uint32_t call_handler(uint32_t control, uint32_t event_type, void *event_data,
                             void *context) {
        struct w32_status *s = context;
        if (s->handler_ex)
                return s->handler_ex(control, event_type, event_data, s->context);
        s->handler(control);
        return NO_ERROR;
}

/* The service MessageBox speaks for: the first registered in this process. */
static scm_status_handle *_Atomic speaker;

static SERVICE_STATUS_HANDLE register_handler(const char *name, LPHANDLER_FUNCTION fn,
                                              LPHANDLER_FUNCTION_EX fn_ex, void *context) {
        if (!name || (!fn && !fn_ex))
                return w32_fail(ERROR_INVALID_PARAMETER), NULL;
        struct w32_status *s = calloc(1, sizeof(*s));
        if (!s)
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
        *s = (struct w32_status){.obj = {W32_STATUS, 1, status_destroy},
                                 .handler = fn,
                                 .handler_ex = fn_ex,
                                 .context = context};
        int r = scm_register_handler(name, call_handler, s, &s->h);
        if (r == SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST))
                r = SCM_ERR(SCM_ERROR_SERVICE_NOT_IN_EXE);
        if (r < 0) {
                free(s); /* libscm did not take it */
                return w32_fail_r(r), NULL;
        }
        scm_status_handle *none = NULL;
        atomic_compare_exchange_strong(&speaker, &none, s->h);
        /* Registered, libscm calls the handler with s from now on: s stays
         * even when no handle can be made for it (the table is full). */
        SERVICE_STATUS_HANDLE h = handle_insert(&s->obj);
        if (!h)
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        return h;
}

SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerA(LPCSTR lpServiceName,
                                                         LPHANDLER_FUNCTION lpHandlerProc) {
        return register_handler(lpServiceName, lpHandlerProc, NULL, NULL);
}

SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerW(LPCWSTR lpServiceName,
                                                         LPHANDLER_FUNCTION lpHandlerProc) {
        char *name = w32_utf8(lpServiceName, NULL);
        SERVICE_STATUS_HANDLE h = register_handler(name, lpHandlerProc, NULL, NULL);
        free(name);
        return h;
}

SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerExA(LPCSTR lpServiceName,
                                                           LPHANDLER_FUNCTION_EX lpHandlerProc,
                                                           LPVOID lpContext) {
        return register_handler(lpServiceName, NULL, lpHandlerProc, lpContext);
}

SERVICE_STATUS_HANDLE WINAPI RegisterServiceCtrlHandlerExW(LPCWSTR lpServiceName,
                                                           LPHANDLER_FUNCTION_EX lpHandlerProc,
                                                           LPVOID lpContext) {
        char *name = w32_utf8(lpServiceName, NULL);
        SERVICE_STATUS_HANDLE h = register_handler(name, NULL, lpHandlerProc, lpContext);
        free(name);
        return h;
}

BOOL WINAPI SetServiceStatus(SERVICE_STATUS_HANDLE hServiceStatus,
                             LPSERVICE_STATUS lpServiceStatus) {
        struct w32_status *s = (struct w32_status *)handle_get(hServiceStatus, W32_STATUS);
        if (!s)
                return FALSE;
        int r = -EFAULT;
        if (lpServiceStatus) {
                struct scm_service_status st = {
                        .state = lpServiceStatus->dwCurrentState,
                        .controls_accepted = lpServiceStatus->dwControlsAccepted,
                        .win32_exit_code = lpServiceStatus->dwWin32ExitCode,
                        .service_exit_code = lpServiceStatus->dwServiceSpecificExitCode,
                        .checkpoint = lpServiceStatus->dwCheckPoint,
                        .wait_hint = lpServiceStatus->dwWaitHint,
                };
                r = scm_set_service_status(s->h, &st);
        }
        object_unref(&s->obj);
        if (r == -EFAULT)
                return w32_fail(ERROR_INVALID_ADDRESS);
        return r < 0 ? w32_fail_r(r) : TRUE;
}

/* ---- MessageBox -------------------------------------------------------------- */

/* The answer of a person who cannot be asked, or declines. */
static int declined(UINT type) {
        switch (type & MB_TYPEMASK) {
        case MB_OK:
                return IDOK;
        case MB_YESNO:
                return IDNO;
        case MB_ABORTRETRYIGNORE:
                return IDABORT;
        default:
                return IDCANCEL;
        }
}

int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType) {
        (void)hWnd;
        char *text = NULL;
        if (asprintf(&text, "%s%s%s", lpCaption ? lpCaption : "", lpCaption ? ": " : "",
                     lpText ? lpText : "") < 0)
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY), 0;
        scm_status_handle *h = atomic_load(&speaker);
        if (strlen(text) > 1024) /* the protocol's limit; cut at a character */
                for (size_t n = 1024; n > 0; n--)
                        if (((unsigned char)text[n] & 0xc0) != 0x80) {
                                text[n] = '\0';
                                break;
                        }
        /* Only a box meant for the interactive desktop reaches people. */
        bool people = uType & (MB_SERVICE_NOTIFICATION | MB_DEFAULT_DESKTOP_ONLY);
        int r = 0;
        if (h)
                r = scm_service_message_ex(h, text, people ? SCM_MESSAGE_TO_USERS : 0);
        else
                fprintf(stderr, "%s\n", text);
        free(text);
        if (r < 0)
                return w32_fail_r(r), 0;
        return declined(uType);
}

int WINAPI MessageBoxW(HWND hWnd, LPCWSTR lpText, LPCWSTR lpCaption, UINT uType) {
        char *text = lpText ? w32_utf8(lpText, NULL) : NULL;
        char *caption = lpCaption ? w32_utf8(lpCaption, NULL) : NULL;
        int r = (lpText && !text) || (lpCaption && !caption)
                        ? (w32_fail(ERROR_NOT_ENOUGH_MEMORY), 0)
                        : MessageBoxA(hWnd, text, caption, uType);
        free(text);
        free(caption);
        return r;
}
