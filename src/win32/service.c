/* SPDX-License-Identifier: MIT */
/*
 * The service handle: OpenService, DeleteService, StartService,
 * ControlService(Ex), QueryServiceStatus(Ex).  A service handle names its
 * service and holds scmd's own handle on it (the protocol's `open`), so a
 * service deleted while a handle is open stays, marked for delete, until
 * the last handle closes, as on Windows.  It talks through the connection
 * of the SCM handle it was opened from, which it keeps alive: closing the
 * SCM handle first leaves it working.  Rights asked for are mapped as
 * Windows maps the generic ones, and every call checks its right here
 * before scmd checks its own list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "w32.h"

static DWORD map_generic(DWORD access) {
        DWORD out = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL |
                               MAXIMUM_ALLOWED);
        if (access & GENERIC_READ)
                out |= STANDARD_RIGHTS_READ | SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS |
                       SERVICE_INTERROGATE | SERVICE_ENUMERATE_DEPENDENTS;
        if (access & GENERIC_WRITE)
                out |= STANDARD_RIGHTS_WRITE | SERVICE_CHANGE_CONFIG;
        if (access & GENERIC_EXECUTE)
                out |= STANDARD_RIGHTS_EXECUTE | SERVICE_START | SERVICE_STOP |
                       SERVICE_PAUSE_CONTINUE | SERVICE_USER_DEFINED_CONTROL;
        if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
                out |= SERVICE_ALL_ACCESS;
        return out;
}

DWORD type_to_win32(enum scm_service_type t) {
        switch (t) {
        case SCM_TYPE_KERNEL_DRIVER:
                return SERVICE_KERNEL_DRIVER;
        case SCM_TYPE_SHARE_PROCESS:
                return SERVICE_WIN32_SHARE_PROCESS;
        default:
                return SERVICE_WIN32_OWN_PROCESS;
        }
}

void status_to_win32(const struct scm_status *st, SERVICE_STATUS_PROCESS *ret) {
        *ret = (SERVICE_STATUS_PROCESS){
                .dwServiceType = type_to_win32(st->type),
                .dwCurrentState = (DWORD)st->state,
                .dwControlsAccepted = st->controls_accepted,
                .dwWin32ExitCode = st->win32_exit_code,
                .dwServiceSpecificExitCode = st->service_exit_code,
                .dwCheckPoint = st->checkpoint,
                .dwWaitHint = st->wait_hint,
                .dwProcessId = (DWORD)st->pid,
                .dwServiceFlags = 0,
        };
}

static void service_destroy(struct w32_object *o) {
        struct w32_service *s = (struct w32_service *)o;
        object_unref(&s->manager->obj);
        pthread_mutex_destroy(&s->pending.lock);
        free(s->name);
        free(s);
}

struct w32_service *service_get(SC_HANDLE h, DWORD need) {
        struct w32_service *s = (struct w32_service *)handle_get(h, W32_SERVICE);
        if (s && (s->access & need) != need) {
                object_unref(&s->obj);
                w32_fail(ERROR_ACCESS_DENIED);
                return NULL;
        }
        return s;
}

int service_call(struct w32_service *s, const char *method, json_t *params, json_t **ret) {
        if (!params)
                params = json_object();
        if (!params || json_object_set_new(params, "name", json_string(s->name)) < 0) {
                json_decref(params);
                return -ENOMEM;
        }
        return manager_call(s->manager, method, params, ret);
}

/* scmd's handle on name: >= 0, -1 when the caller may not hold one (no
 * query-status right) but asked for none, or a libscm error. */
static int open_on_server(struct w32_manager *m, const char *name, DWORD access, json_int_t *ret) {
        json_t *res = NULL;
        int r = manager_call(m, "open", json_pack("{ss}", "name", name), &res);
        if (r == SCM_ERR(SCM_ERROR_ACCESS_DENIED) && !(access & SERVICE_QUERY_STATUS)) {
                *ret = -1;
                return 0;
        }
        if (r >= 0)
                *ret = json_integer_value(json_object_get(res, "handle"));
        json_decref(res);
        return r;
}

SC_HANDLE service_open(struct w32_manager *m, const char *name, DWORD access) {
        struct w32_service *s = calloc(1, sizeof(*s));
        char *copy = strdup(name);
        if (!s || !copy) {
                free(s);
                free(copy);
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
                return NULL;
        }
        *s = (struct w32_service){.obj = {W32_SERVICE, 1, service_destroy},
                                  .manager = m,
                                  .name = copy,
                                  .access = map_generic(access)};
        pthread_mutex_init(&s->pending.lock, NULL);
        object_ref(&m->obj);
        int r = open_on_server(m, name, access, &s->server_handle);
        if (r < 0) {
                service_destroy(&s->obj);
                w32_fail_r(r);
                return NULL;
        }
        SC_HANDLE h = handle_insert(&s->obj);
        if (!h) {
                if (s->server_handle >= 0)
                        manager_call(m, "close", json_pack("{sI}", "handle", s->server_handle),
                                     NULL);
                service_destroy(&s->obj);
        }
        return h;
}

static SC_HANDLE open_service(SC_HANDLE hSCManager, const char *name, DWORD access) {
        struct w32_manager *m = manager_get(hSCManager, 0);
        if (!m)
                return NULL;
        SC_HANDLE h = NULL;
        if (!name)
                w32_fail(ERROR_INVALID_ADDRESS);
        else if (!name[0])
                w32_fail(ERROR_INVALID_NAME);
        else
                h = service_open(m, name, access);
        object_unref(&m->obj);
        return h;
}

SC_HANDLE WINAPI OpenServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName, DWORD dwDesiredAccess) {
        return open_service(hSCManager, lpServiceName, dwDesiredAccess);
}

SC_HANDLE WINAPI OpenServiceW(SC_HANDLE hSCManager, LPCWSTR lpServiceName, DWORD dwDesiredAccess) {
        bool oom = false;
        char *name = w32_utf8(lpServiceName, &oom);
        SC_HANDLE h = NULL;
        if (oom)
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        else
                h = open_service(hSCManager, name, dwDesiredAccess);
        free(name);
        return h;
}

BOOL WINAPI DeleteService(SC_HANDLE hService) {
        struct w32_service *s = service_get(hService, DELETE);
        if (!s)
                return FALSE;
        json_t *res = NULL;
        int r = service_call(s, "delete", NULL, &res);
        json_decref(res);
        object_unref(&s->obj);
        return r < 0 ? w32_fail_r(r) : TRUE;
}

/* ---- status ----------------------------------------------------------------- */

static int query_status(struct w32_service *s, SERVICE_STATUS_PROCESS *ret) {
        struct scm_status st;
        int r = manager_query_status(s->manager, s->name, &st);
        if (r >= 0)
                status_to_win32(&st, ret);
        return r;
}

BOOL WINAPI QueryServiceStatus(SC_HANDLE hService, LPSERVICE_STATUS lpServiceStatus) {
        struct w32_service *s = service_get(hService, SERVICE_QUERY_STATUS);
        if (!s)
                return FALSE;
        SERVICE_STATUS_PROCESS sp;
        int r = lpServiceStatus ? query_status(s, &sp) : -EFAULT;
        object_unref(&s->obj);
        if (r == -EFAULT)
                return w32_fail(ERROR_INVALID_ADDRESS);
        if (r < 0)
                return w32_fail_r(r);
        memcpy(lpServiceStatus, &sp, sizeof(*lpServiceStatus));
        return TRUE;
}

BOOL WINAPI QueryServiceStatusEx(SC_HANDLE hService, SC_STATUS_TYPE InfoLevel, LPBYTE lpBuffer,
                                 DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        struct w32_service *s = service_get(hService, SERVICE_QUERY_STATUS);
        if (!s)
                return FALSE;
        DWORD e = ERROR_SUCCESS;
        SERVICE_STATUS_PROCESS sp;
        if (InfoLevel != SC_STATUS_PROCESS_INFO)
                e = ERROR_INVALID_LEVEL;
        else if (!pcbBytesNeeded)
                e = ERROR_INVALID_ADDRESS;
        else if (!lpBuffer || cbBufSize < sizeof(sp))
                e = ERROR_INSUFFICIENT_BUFFER, *pcbBytesNeeded = sizeof(sp);
        else
                e = w32_error_of(query_status(s, &sp));
        object_unref(&s->obj);
        if (e)
                return w32_fail(e);
        memcpy(lpBuffer, &sp, sizeof(sp));
        return TRUE;
}

/* ---- start and control ---------------------------------------------------- */

static BOOL start_service(SC_HANDLE h, DWORD argc, const char *const *argv) {
        struct w32_service *s = service_get(h, SERVICE_START);
        if (!s)
                return FALSE;
        json_t *args = json_array();
        for (DWORD i = 0; args && i < argc; i++) {
                if (!argv || !argv[i]) {
                        json_decref(args);
                        object_unref(&s->obj);
                        return w32_fail(ERROR_INVALID_PARAMETER);
                }
                json_array_append_new(args, json_string(argv[i]));
        }
        json_t *res = NULL;
        int r = args ? service_call(s, "start", json_pack("{so}", "args", args), &res) : -ENOMEM;
        json_decref(res);
        object_unref(&s->obj);
        return r < 0 ? w32_fail_r(r) : TRUE;
}

BOOL WINAPI StartServiceA(SC_HANDLE hService, DWORD dwNumServiceArgs, LPCSTR *lpServiceArgVectors) {
        return start_service(hService, dwNumServiceArgs, (const char *const *)lpServiceArgVectors);
}

BOOL WINAPI StartServiceW(SC_HANDLE hService, DWORD dwNumServiceArgs,
                          LPCWSTR *lpServiceArgVectors) {
        if (dwNumServiceArgs > SCM_ARGS_MAX)
                return w32_fail(ERROR_INVALID_PARAMETER);
        char **argv = calloc(dwNumServiceArgs + 1, sizeof(char *));
        bool oom = !argv;
        for (DWORD i = 0; !oom && lpServiceArgVectors && i < dwNumServiceArgs; i++)
                argv[i] = w32_utf8(lpServiceArgVectors[i], &oom);
        BOOL ok = oom ? w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                      : start_service(hService, dwNumServiceArgs,
                                      lpServiceArgVectors ? (const char *const *)argv : NULL);
        for (DWORD i = 0; argv && i < dwNumServiceArgs; i++)
                free(argv[i]);
        free(argv);
        return ok;
}

/* The right a control needs, or 0 for a code a client may not send. */
static DWORD control_right(DWORD control) {
        if (control >= 128 && control <= 255)
                return SERVICE_USER_DEFINED_CONTROL;
        switch (control) {
        case SERVICE_CONTROL_STOP:
                return SERVICE_STOP;
        case SERVICE_CONTROL_PAUSE:
        case SERVICE_CONTROL_CONTINUE:
        case SERVICE_CONTROL_PARAMCHANGE:
        case SERVICE_CONTROL_NETBINDADD:
        case SERVICE_CONTROL_NETBINDREMOVE:
        case SERVICE_CONTROL_NETBINDENABLE:
        case SERVICE_CONTROL_NETBINDDISABLE:
                return SERVICE_PAUSE_CONTINUE;
        case SERVICE_CONTROL_INTERROGATE:
                return SERVICE_INTERROGATE;
        default:
                return 0;
        }
}

/* The errors after which ControlService still reports the status. */
static bool reports_status(DWORD e) {
        return e == ERROR_INVALID_SERVICE_CONTROL || e == ERROR_SERVICE_CANNOT_ACCEPT_CTRL ||
               e == ERROR_SERVICE_NOT_ACTIVE;
}

/* A stop reason of ControlServiceEx: code 0 for none. */
struct stop_reason {
        DWORD code;
        const char *comment;
};

static int send_control(struct w32_service *s, DWORD control, const struct stop_reason *why,
                        SERVICE_STATUS_PROCESS *ret) {
        if (control >= SERVICE_CONTROL_NETBINDADD && control <= SERVICE_CONTROL_NETBINDDISABLE)
                return SCM_ERR(SCM_ERROR_INVALID_SERVICE_CONTROL); /* never accepted here */
        struct scm_status st;
        pthread_mutex_lock(&s->manager->lock);
        int r = scm_control_service_reason(s->manager->client, s->name, (int)control, why->code,
                                           why->code ? why->comment : NULL, &st);
        pthread_mutex_unlock(&s->manager->lock);
        if (r >= 0)
                status_to_win32(&st, ret);
        return r;
}

/* ControlService's work: e is the error, *ret the status when there is one. */
static DWORD control(SC_HANDLE h, DWORD code, const struct stop_reason *why,
                     SERVICE_STATUS_PROCESS *ret, bool *ret_status) {
        struct w32_service *s = (struct w32_service *)handle_get(h, W32_SERVICE);
        *ret_status = false;
        if (!s)
                return ERROR_INVALID_HANDLE;
        DWORD right = control_right(code), e;
        if (!right)
                e = ERROR_INVALID_PARAMETER;
        else if ((s->access & right) != right)
                e = ERROR_ACCESS_DENIED;
        else
                e = w32_error_of(send_control(s, code, why, ret));
        if (e == ERROR_SUCCESS || (reports_status(e) && query_status(s, ret) >= 0))
                *ret_status = true;
        object_unref(&s->obj);
        return e;
}

BOOL WINAPI ControlService(SC_HANDLE hService, DWORD dwControl, LPSERVICE_STATUS lpServiceStatus) {
        SERVICE_STATUS_PROCESS sp;
        bool has_status;
        if (!lpServiceStatus) {
                struct w32_object *o = handle_get(hService, W32_SERVICE);
                object_unref(o);
                return o ? w32_fail(ERROR_INVALID_ADDRESS) : FALSE;
        }
        static const struct stop_reason none = {0, NULL};
        DWORD e = control(hService, dwControl, &none, &sp, &has_status);
        if (has_status)
                memcpy(lpServiceStatus, &sp, sizeof(*lpServiceStatus));
        return e ? w32_fail(e) : TRUE;
}

/* Windows checks the reason only with SERVICE_CONTROL_STOP; scmd checks
 * the code and records it with the stop (queryex shows it). */
static BOOL control_ex(SC_HANDLE h, DWORD code, DWORD level, void *params, const char *comment) {
        SERVICE_CONTROL_STATUS_REASON_PARAMSA *p = params;
        SERVICE_STATUS_PROCESS sp;
        bool has_status;
        if (level != SERVICE_CONTROL_STATUS_REASON_INFO)
                return w32_fail(ERROR_INVALID_LEVEL);
        if (!p)
                return w32_fail(ERROR_INVALID_PARAMETER);
        struct stop_reason why = {code == SERVICE_CONTROL_STOP ? p->dwReason : 0, comment};
        if (code == SERVICE_CONTROL_STOP && !why.code)
                return w32_fail(ERROR_INVALID_PARAMETER);
        DWORD e = control(h, code, &why, &sp, &has_status);
        if (has_status)
                p->ServiceStatus = sp;
        return e ? w32_fail(e) : TRUE;
}

BOOL WINAPI ControlServiceExA(SC_HANDLE hService, DWORD dwControl, DWORD dwInfoLevel,
                              PVOID pControlParams) {
        SERVICE_CONTROL_STATUS_REASON_PARAMSA *p = pControlParams;
        return control_ex(hService, dwControl, dwInfoLevel, pControlParams,
                          p ? p->pszComment : NULL);
}

BOOL WINAPI ControlServiceExW(SC_HANDLE hService, DWORD dwControl, DWORD dwInfoLevel,
                              PVOID pControlParams) {
        SERVICE_CONTROL_STATUS_REASON_PARAMSW *p = pControlParams;
        bool oom = false;
        char *comment = p ? w32_utf8(p->pszComment, &oom) : NULL;
        BOOL ok = oom ? w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                      : control_ex(hService, dwControl, dwInfoLevel, pControlParams, comment);
        free(comment);
        return ok;
}
