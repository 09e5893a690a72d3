/* SPDX-License-Identifier: MIT */
/*
 * A service's configuration, Windows' way: CreateService,
 * ChangeServiceConfig, QueryServiceConfig.  A service created here is
 * native (it links this layer, whose dispatcher speaks scm's control
 * channel), or a plain kernel-driver service for SERVICE_KERNEL_DRIVER.
 *
 * Accounts, in and out:
 *   NULL, "LocalSystem", ".\LocalSystem"      <-> ""  (scmd's own user)
 *   "NT AUTHORITY\LocalService"               <-> "LocalService"
 *   "NT AUTHORITY\NetworkService"             <-> "NetworkService"
 *   ".\user", "HOST\user" (this host), "user"  -> "user"  -> ".\user"
 *   "OTHER\user", "user@domain"                -> ERROR_INVALID_SERVICE_ACCOUNT
 * A password is not needed (scmd switches to the account itself) and is
 * ignored.  SERVICE_AUTO_START on a delayed-auto service keeps it
 * delayed, as Windows keeps the delayed flag; the flag itself is
 * ChangeServiceConfig2's (config2.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "w32.h"

static const char NT_AUTHORITY[] = "NT AUTHORITY\\";

static bool well_known(const char *a, const char *name) {
        if (strncasecmp(a, NT_AUTHORITY, strlen(NT_AUTHORITY)) == 0)
                a += strlen(NT_AUTHORITY);
        else if (strncmp(a, ".\\", 2) == 0)
                a += 2;
        return strcasecmp(a, name) == 0;
}

/* The user part of "DOMAIN\user" when DOMAIN is this machine; NULL when
 * it is another one. */
static const char *local_user(const char *a) {
        const char *slash = strchr(a, '\\');
        if (!slash)
                return strchr(a, '@') ? NULL : a;
        char host[256] = "";
        gethostname(host, sizeof(host) - 1);
        size_t n = (size_t)(slash - a);
        if ((n == 1 && a[0] == '.') || (n == strlen(host) && strncasecmp(a, host, n) == 0))
                return slash + 1;
        return NULL;
}

char *account_from_win32(const char *account, DWORD *ret_error) {
        const char *out;
        if (!account || well_known(account, "LocalSystem"))
                out = "";
        else if (well_known(account, "LocalService"))
                out = "LocalService";
        else if (well_known(account, "NetworkService"))
                out = "NetworkService";
        else
                out = local_user(account);
        if (!out || (account && !account[0])) {
                *ret_error = ERROR_INVALID_SERVICE_ACCOUNT;
                return NULL;
        }
        char *copy = strdup(out);
        if (!copy)
                *ret_error = ERROR_NOT_ENOUGH_MEMORY;
        return copy;
}

char *account_to_win32(const char *account) {
        char *out = NULL;
        if (!account || !account[0] || well_known(account, "LocalSystem"))
                return strdup("LocalSystem");
        if (well_known(account, "LocalService"))
                return strdup("NT AUTHORITY\\LocalService");
        if (well_known(account, "NetworkService"))
                return strdup("NT AUTHORITY\\NetworkService");
        return asprintf(&out, ".\\%s", account) < 0 ? NULL : out;
}

/* ---- Windows values -> protocol params ------------------------------------ */

static DWORD set_type(json_t *p, DWORD type) {
        DWORD base = type & ~(DWORD)SERVICE_INTERACTIVE_PROCESS;
        bool interactive = type & SERVICE_INTERACTIVE_PROCESS;
        const char *name = base == SERVICE_WIN32_OWN_PROCESS               ? "own"
                           : base == SERVICE_WIN32_SHARE_PROCESS           ? "share"
                           : base == SERVICE_KERNEL_DRIVER && !interactive ? "kernel-driver"
                                                                           : NULL;
        if (!name)
                return ERROR_INVALID_PARAMETER;
        json_object_set_new(p, "type", json_string(name));
        json_object_set_new(p, "kind",
                            json_string(strcmp(name, "kernel-driver") ? "native" : "plain"));
        json_object_set_new(p, "interactive", json_boolean(interactive));
        return ERROR_SUCCESS;
}

static DWORD set_start(json_t *p, DWORD start, bool keep_delayed) {
        const char *name = scm_start_type_name(
                start <= SERVICE_DISABLED ? (enum scm_start_type)start : SCM_START_INVALID);
        if (!name)
                return ERROR_INVALID_PARAMETER;
        if (start == SERVICE_AUTO_START && keep_delayed)
                name = "delayed-auto";
        json_object_set_new(p, "start_type", json_string(name));
        return ERROR_SUCCESS;
}

static DWORD set_error_control(json_t *p, DWORD e) {
        const char *name = e <= SERVICE_ERROR_CRITICAL ? scm_error_control_name(e) : NULL;
        if (!name)
                return ERROR_INVALID_PARAMETER;
        json_object_set_new(p, "error_control", json_string(name));
        return ERROR_SUCCESS;
}

static DWORD set_dependencies(json_t *p, const char *deps) {
        json_t *list = json_array();
        for (const char *d = deps; list && *d; d += strlen(d) + 1)
                json_array_append_new(list, json_string(d));
        if (!list)
                return ERROR_NOT_ENOUGH_MEMORY;
        json_object_set_new(p, "dependencies", list);
        return ERROR_SUCCESS;
}

static DWORD set_account(json_t *p, const char *account) {
        DWORD e = ERROR_SUCCESS;
        char *a = account_from_win32(account, &e);
        if (a)
                json_object_set_new(p, "account", json_string(a));
        free(a);
        return e;
}

static void set_string(json_t *p, const char *key, const char *value) {
        if (value)
                json_object_set_new(p, key, json_string(value));
}

/* ---- CreateService ---------------------------------------------------------- */

static DWORD create_params(json_t *p, const char *name, const char *display, DWORD type,
                           DWORD start, DWORD error_control, const char *path, const char *group,
                           const char *deps, const char *account) {
        DWORD e;
        if (!name[0])
                return ERROR_INVALID_NAME;
        if (!path[0])
                return ERROR_INVALID_PARAMETER;
        set_string(p, "name", name);
        set_string(p, "command_line", path);
        set_string(p, "display_name", display && display[0] ? display : NULL);
        set_string(p, "group", group);
        if ((e = set_type(p, type)) || (e = set_start(p, start, false)) ||
            (e = set_error_control(p, error_control)))
                return e;
        if (deps && (e = set_dependencies(p, deps)))
                return e;
        return account ? set_account(p, account) : ERROR_SUCCESS;
}

BOOL config_create(SC_HANDLE h, const char *name, const char *display, DWORD access, DWORD type,
                   DWORD start, DWORD error_control, const char *path, const char *group,
                   LPDWORD tag, const char *deps, const char *account, SC_HANDLE *ret) {
        struct w32_manager *m = (struct w32_manager *)handle_get(h, W32_MANAGER);
        if (!m)
                return FALSE;
        DWORD e = ERROR_SUCCESS;
        json_t *p = json_object(), *res = NULL;
        if (!name || !path)
                e = ERROR_INVALID_ADDRESS;
        else if (!(m->access & SC_MANAGER_CREATE_SERVICE))
                e = ERROR_ACCESS_DENIED;
        else if (!p)
                e = ERROR_NOT_ENOUGH_MEMORY;
        else
                e = create_params(p, name, display, type, start, error_control, path, group, deps,
                                  account);
        if (!e) {
                e = w32_error_of(manager_call(m, "create", p, &res));
                p = NULL;
        }
        json_decref(p);
        json_decref(res);
        if (!e && tag)
                *tag = 0;
        if (!e)
                *ret = service_open(m, name, access);
        object_unref(&m->obj);
        return e ? w32_fail(e) : *ret != NULL;
}

/* ---- ChangeServiceConfig ---------------------------------------------------- */

static bool is_delayed(struct w32_service *s) {
        json_t *res = NULL;
        bool delayed = false;
        if (service_call(s, "query_config", NULL, &res) >= 0)
                delayed = scm_start_type_from_name(json_string_value(
                                  json_object_get(res, "start_type"))) == SCM_START_DELAYED_AUTO;
        json_decref(res);
        return delayed;
}

static DWORD change_params(struct w32_service *s, json_t *p, DWORD type, DWORD start,
                           DWORD error_control, const char *path, const char *group,
                           const char *deps, const char *account, const char *display) {
        DWORD e = ERROR_SUCCESS;
        if (type != SERVICE_NO_CHANGE && (e = set_type(p, type)))
                return e;
        if (start != SERVICE_NO_CHANGE &&
            (e = set_start(p, start, start == SERVICE_AUTO_START && is_delayed(s))))
                return e;
        if (error_control != SERVICE_NO_CHANGE && (e = set_error_control(p, error_control)))
                return e;
        if (path && !path[0])
                return ERROR_INVALID_PARAMETER;
        set_string(p, "command_line", path);
        set_string(p, "group", group);
        set_string(p, "display_name", display && display[0] ? display : NULL);
        if (deps && (e = set_dependencies(p, deps)))
                return e;
        return account ? set_account(p, account) : ERROR_SUCCESS;
}

BOOL config_change(SC_HANDLE h, DWORD type, DWORD start, DWORD error_control, const char *path,
                   const char *group, LPDWORD tag, const char *deps, const char *account,
                   const char *display) {
        struct w32_service *s = service_get(h, SERVICE_CHANGE_CONFIG);
        if (!s)
                return FALSE;
        json_t *p = json_object(), *res = NULL;
        DWORD e = p ? change_params(s, p, type, start, error_control, path, group, deps, account,
                                    display)
                    : ERROR_NOT_ENOUGH_MEMORY;
        if (!e) {
                e = w32_error_of(service_call(s, "change_config", p, &res));
                p = NULL;
        }
        json_decref(p);
        json_decref(res);
        object_unref(&s->obj);
        if (!e && tag)
                *tag = 0;
        return e ? w32_fail(e) : TRUE;
}

/* ---- QueryServiceConfig ------------------------------------------------------ */

static const char **string_list(json_t *array) {
        size_t n = json_array_size(array);
        const char **list = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; list && i < n; i++)
                list[i] = json_string_value(json_array_get(array, i));
        return list;
}

static DWORD fill_config(json_t *cfg, bool interactive, void *buf, DWORD size, LPDWORD needed,
                         bool wide) {
        struct w32_pack p;
        QUERY_SERVICE_CONFIGA qc = {0};
        enum scm_start_type st =
                scm_start_type_from_name(json_string_value(json_object_get(cfg, "start_type")));
        qc.dwServiceType =
                type_to_win32(scm_type_from_name(json_string_value(json_object_get(cfg, "type")))) |
                (interactive ? SERVICE_INTERACTIVE_PROCESS : 0);
        qc.dwStartType = st == SCM_START_DELAYED_AUTO ? SERVICE_AUTO_START : (DWORD)st;
        qc.dwErrorControl = (DWORD)scm_error_control_from_name(
                json_string_value(json_object_get(cfg, "error_control")));
        const char **deps = string_list(json_object_get(cfg, "dependencies"));
        char *account = account_to_win32(json_string_value(json_object_get(cfg, "account")));
        if (!deps || !account) {
                free(deps);
                free(account);
                return ERROR_NOT_ENOUGH_MEMORY;
        }
        pack_init(&p, buf, size, sizeof(qc), wide);
        qc.lpBinaryPathName =
                pack_string(&p, json_string_value(json_object_get(cfg, "command_line")));
        qc.lpLoadOrderGroup = pack_string(&p, json_string_value(json_object_get(cfg, "group")));
        qc.lpDependencies = pack_multi(&p, deps);
        qc.lpServiceStartName = pack_string(&p, account);
        qc.lpDisplayName = pack_string(&p, json_string_value(json_object_get(cfg, "display_name")));
        free(deps);
        free(account);
        *needed = (DWORD)p.used;
        if (!pack_fits(&p))
                return ERROR_INSUFFICIENT_BUFFER;
        memcpy(buf, &qc, sizeof(qc));
        return ERROR_SUCCESS;
}

BOOL config_query(SC_HANDLE h, void *buf, DWORD size, LPDWORD needed, bool wide) {
        struct w32_service *s = service_get(h, SERVICE_QUERY_CONFIG);
        if (!s)
                return FALSE;
        json_t *cfg = NULL, *sec = NULL;
        DWORD e = needed ? w32_error_of(service_call(s, "query_config", NULL, &cfg))
                         : ERROR_INVALID_ADDRESS;
        if (!e)
                e = w32_error_of(service_call(s, "query_security", NULL, &sec));
        object_unref(&s->obj);
        if (!e)
                e = fill_config(cfg, json_is_true(json_object_get(sec, "interactive")), buf, size,
                                needed, wide);
        json_decref(cfg);
        json_decref(sec);
        return e ? w32_fail(e) : TRUE;
}

/* ---- the A and W entry points ------------------------------------------------- */

SC_HANDLE WINAPI CreateServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName, LPCSTR lpDisplayName,
                                DWORD dwDesiredAccess, DWORD dwServiceType, DWORD dwStartType,
                                DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId, LPCSTR lpDependencies,
                                LPCSTR lpServiceStartName, LPCSTR lpPassword) {
        SC_HANDLE h = NULL;
        (void)lpPassword;
        config_create(hSCManager, lpServiceName, lpDisplayName, dwDesiredAccess, dwServiceType,
                      dwStartType, dwErrorControl, lpBinaryPathName, lpLoadOrderGroup, lpdwTagId,
                      lpDependencies, lpServiceStartName, &h);
        return h;
}

SC_HANDLE WINAPI CreateServiceW(SC_HANDLE hSCManager, LPCWSTR lpServiceName, LPCWSTR lpDisplayName,
                                DWORD dwDesiredAccess, DWORD dwServiceType, DWORD dwStartType,
                                DWORD dwErrorControl, LPCWSTR lpBinaryPathName,
                                LPCWSTR lpLoadOrderGroup, LPDWORD lpdwTagId, LPCWSTR lpDependencies,
                                LPCWSTR lpServiceStartName, LPCWSTR lpPassword) {
        bool oom = false;
        SC_HANDLE h = NULL;
        char *name = w32_utf8(lpServiceName, &oom), *display = w32_utf8(lpDisplayName, &oom),
             *path = w32_utf8(lpBinaryPathName, &oom), *group = w32_utf8(lpLoadOrderGroup, &oom),
             *deps = w32_utf8_multi(lpDependencies, &oom),
             *account = w32_utf8(lpServiceStartName, &oom);
        (void)lpPassword;
        if (oom)
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        else
                config_create(hSCManager, name, display, dwDesiredAccess, dwServiceType,
                              dwStartType, dwErrorControl, path, group, lpdwTagId, deps, account,
                              &h);
        free(name), free(display), free(path), free(group), free(deps), free(account);
        return h;
}

BOOL WINAPI ChangeServiceConfigA(SC_HANDLE hService, DWORD dwServiceType, DWORD dwStartType,
                                 DWORD dwErrorControl, LPCSTR lpBinaryPathName,
                                 LPCSTR lpLoadOrderGroup, LPDWORD lpdwTagId, LPCSTR lpDependencies,
                                 LPCSTR lpServiceStartName, LPCSTR lpPassword,
                                 LPCSTR lpDisplayName) {
        (void)lpPassword;
        return config_change(hService, dwServiceType, dwStartType, dwErrorControl, lpBinaryPathName,
                             lpLoadOrderGroup, lpdwTagId, lpDependencies, lpServiceStartName,
                             lpDisplayName);
}

BOOL WINAPI ChangeServiceConfigW(SC_HANDLE hService, DWORD dwServiceType, DWORD dwStartType,
                                 DWORD dwErrorControl, LPCWSTR lpBinaryPathName,
                                 LPCWSTR lpLoadOrderGroup, LPDWORD lpdwTagId,
                                 LPCWSTR lpDependencies, LPCWSTR lpServiceStartName,
                                 LPCWSTR lpPassword, LPCWSTR lpDisplayName) {
        bool oom = false;
        BOOL ok = FALSE;
        char *path = w32_utf8(lpBinaryPathName, &oom), *group = w32_utf8(lpLoadOrderGroup, &oom),
             *deps = w32_utf8_multi(lpDependencies, &oom),
             *account = w32_utf8(lpServiceStartName, &oom),
             *display = w32_utf8(lpDisplayName, &oom);
        (void)lpPassword;
        if (oom)
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        else
                ok = config_change(hService, dwServiceType, dwStartType, dwErrorControl, path,
                                   group, lpdwTagId, deps, account, display);
        free(path), free(group), free(deps), free(account), free(display);
        return ok;
}

BOOL WINAPI QueryServiceConfigA(SC_HANDLE hService, LPQUERY_SERVICE_CONFIGA lpServiceConfig,
                                DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        return config_query(hService, lpServiceConfig, cbBufSize, pcbBytesNeeded, false);
}

BOOL WINAPI QueryServiceConfigW(SC_HANDLE hService, LPQUERY_SERVICE_CONFIGW lpServiceConfig,
                                DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        return config_query(hService, lpServiceConfig, cbBufSize, pcbBytesNeeded, true);
}
