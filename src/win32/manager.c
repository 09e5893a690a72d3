/* SPDX-License-Identifier: MIT */
/*
 * The SCM handle: OpenSCManager, CloseServiceHandle, the database lock
 * (LockServiceDatabase, UnlockServiceDatabase, QueryServiceLockStatus),
 * NotifyBootConfigStatus.  Each SCM handle is one connection to scmd (as
 * each OpenSCManager is one RPC context on Windows), used by it and by the
 * service handles opened through it, one call at a time.  Only the local
 * machine and the active database exist: another machine is
 * RPC_S_SERVER_UNAVAILABLE, SERVICES_FAILED_DATABASE is
 * ERROR_DATABASE_DOES_NOT_EXIST and any other name ERROR_INVALID_NAME, as
 * Windows answers.  The access mask asked for (generic rights mapped as
 * Windows maps them, SC_MANAGER_CONNECT always granted) bounds what the
 * handle may do; scmd checks its own access list on every call besides.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <scm/client.h>

#include "w32.h"

#define CONNECT_TIMEOUT_MS 30000

static DWORD map_generic(DWORD access) {
        DWORD out = access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL |
                               MAXIMUM_ALLOWED);
        if (access & GENERIC_READ)
                out |= STANDARD_RIGHTS_READ | SC_MANAGER_ENUMERATE_SERVICE |
                       SC_MANAGER_QUERY_LOCK_STATUS;
        if (access & GENERIC_WRITE)
                out |= STANDARD_RIGHTS_WRITE | SC_MANAGER_CREATE_SERVICE |
                       SC_MANAGER_MODIFY_BOOT_CONFIG;
        if (access & GENERIC_EXECUTE)
                out |= STANDARD_RIGHTS_EXECUTE | SC_MANAGER_CONNECT | SC_MANAGER_LOCK;
        if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
                out |= SC_MANAGER_ALL_ACCESS;
        return out | SC_MANAGER_CONNECT;
}

static bool is_local_machine(const char *name) {
        char host[256] = "";
        if (!name || !name[0])
                return true;
        if (strncmp(name, "\\\\", 2) == 0)
                name += 2;
        gethostname(host, sizeof(host) - 1);
        return strcmp(name, ".") == 0 || strcasecmp(name, "localhost") == 0 ||
               strcasecmp(name, host) == 0;
}

static DWORD check_database(const char *db) {
        if (!db || strcasecmp(db, SERVICES_ACTIVE_DATABASEA) == 0)
                return ERROR_SUCCESS;
        if (strcasecmp(db, SERVICES_FAILED_DATABASEA) == 0)
                return ERROR_DATABASE_DOES_NOT_EXIST;
        return ERROR_INVALID_NAME;
}

static void manager_destroy(struct w32_object *o) {
        struct w32_manager *m = (struct w32_manager *)o;
        scm_disconnect(m->client);
        pthread_mutex_destroy(&m->lock);
        pthread_mutex_destroy(&m->pending.lock);
        free(m);
}

DWORD manager_connect(struct scm_client **ret) {
        int r = scm_connect(NULL, CONNECT_TIMEOUT_MS, ret);
        return r < 0 ? w32_error_of(r) : ERROR_SUCCESS;
}

static SC_HANDLE open_manager(const char *machine, const char *db, DWORD access) {
        if (!is_local_machine(machine))
                return (SC_HANDLE)(uintptr_t)w32_fail(RPC_S_SERVER_UNAVAILABLE);
        DWORD e = check_database(db);
        if (e)
                return (SC_HANDLE)(uintptr_t)w32_fail(e);
        struct w32_manager *m = calloc(1, sizeof(*m));
        if (!m)
                return (SC_HANDLE)(uintptr_t)w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        *m = (struct w32_manager){.obj = {W32_MANAGER, 1, manager_destroy},
                                  .access = map_generic(access)};
        pthread_mutex_init(&m->lock, NULL);
        pthread_mutex_init(&m->pending.lock, NULL);
        e = manager_connect(&m->client);
        if (e) {
                manager_destroy(&m->obj);
                return (SC_HANDLE)(uintptr_t)w32_fail(e);
        }
        SC_HANDLE h = handle_insert(&m->obj);
        if (!h)
                manager_destroy(&m->obj);
        else
                SetLastError(ERROR_SUCCESS);
        return h;
}

SC_HANDLE WINAPI OpenSCManagerA(LPCSTR lpMachineName, LPCSTR lpDatabaseName,
                                DWORD dwDesiredAccess) {
        return open_manager(lpMachineName, lpDatabaseName, dwDesiredAccess);
}

SC_HANDLE WINAPI OpenSCManagerW(LPCWSTR lpMachineName, LPCWSTR lpDatabaseName,
                                DWORD dwDesiredAccess) {
        bool oom = false;
        char *machine = w32_utf8(lpMachineName, &oom), *db = w32_utf8(lpDatabaseName, &oom);
        SC_HANDLE h = oom ? (SC_HANDLE)(uintptr_t)w32_fail(ERROR_NOT_ENOUGH_MEMORY)
                          : open_manager(machine, db, dwDesiredAccess);
        free(machine);
        free(db);
        return h;
}

struct w32_manager *manager_get(SC_HANDLE h, DWORD need) {
        struct w32_manager *m = (struct w32_manager *)handle_get(h, W32_MANAGER);
        if (m && (m->access & need) != need) {
                object_unref(&m->obj);
                w32_fail(ERROR_ACCESS_DENIED);
                return NULL;
        }
        return m;
}

int manager_call(struct w32_manager *m, const char *method, json_t *params, json_t **ret) {
        json_t *result = NULL;
        pthread_mutex_lock(&m->lock);
        int r = scm_call(m->client, method, params, &result);
        pthread_mutex_unlock(&m->lock);
        if (r >= 0 && ret)
                *ret = result;
        else
                json_decref(result);
        return r;
}

int manager_query_status(struct w32_manager *m, const char *name, struct scm_status *ret) {
        pthread_mutex_lock(&m->lock);
        int r = scm_query_status(m->client, name, ret);
        pthread_mutex_unlock(&m->lock);
        return r;
}

static BOOL close_service(struct w32_service *s) {
        notify_cancel(&s->pending);
        if (s->server_handle >= 0)
                manager_call(s->manager, "close",
                             json_pack("{sI}", "handle", (json_int_t)s->server_handle), NULL);
        object_unref(&s->obj);
        return TRUE;
}

BOOL WINAPI CloseServiceHandle(SC_HANDLE hSCObject) {
        struct w32_object *o = handle_get(hSCObject, W32_ANY);
        if (!o)
                return FALSE;
        enum w32_kind kind = o->kind;
        object_unref(o);
        if (kind != W32_MANAGER && kind != W32_SERVICE)
                return w32_fail(ERROR_INVALID_HANDLE);
        o = handle_remove(hSCObject, kind);
        if (!o)
                return FALSE;
        if (kind == W32_SERVICE)
                return close_service((struct w32_service *)o);
        notify_cancel(&((struct w32_manager *)o)->pending);
        object_unref(o);
        return TRUE;
}

/* ---- the database lock -------------------------------------------------- */

struct w32_lock {
        struct w32_object obj;
        struct w32_manager *manager;
};

static void lock_destroy(struct w32_object *o) {
        struct w32_lock *l = (struct w32_lock *)o;
        object_unref(&l->manager->obj);
        free(l);
}

SC_LOCK WINAPI LockServiceDatabase(SC_HANDLE hSCManager) {
        struct w32_manager *m = manager_get(hSCManager, SC_MANAGER_LOCK);
        if (!m)
                return NULL;
        struct w32_lock *l = calloc(1, sizeof(*l));
        int r = l ? manager_call(m, "lock_service_database", NULL, NULL) : -ENOMEM;
        if (r < 0) {
                free(l);
                object_unref(&m->obj);
                w32_fail_r(r);
                return NULL;
        }
        *l = (struct w32_lock){.obj = {W32_LOCK, 1, lock_destroy}, .manager = m};
        SC_LOCK h = handle_insert(&l->obj);
        if (!h) {
                manager_call(m, "unlock_service_database", NULL, NULL);
                lock_destroy(&l->obj);
        }
        return h;
}

BOOL WINAPI UnlockServiceDatabase(SC_LOCK ScLock) {
        struct w32_lock *l = (struct w32_lock *)handle_remove(ScLock, W32_LOCK);
        if (!l)
                return w32_fail(ERROR_INVALID_SERVICE_LOCK);
        int r = manager_call(l->manager, "unlock_service_database", NULL, NULL);
        object_unref(&l->obj);
        return r < 0 ? w32_fail_r(r) : TRUE;
}

static BOOL lock_status(SC_HANDLE h, void *buf, DWORD size, LPDWORD needed, bool wide) {
        struct w32_manager *m = manager_get(h, SC_MANAGER_QUERY_LOCK_STATUS);
        if (!m)
                return FALSE;
        if (!needed) {
                object_unref(&m->obj);
                return w32_fail(ERROR_INVALID_ADDRESS);
        }
        json_t *res = NULL;
        int r = manager_call(m, "query_lock_status", NULL, &res);
        object_unref(&m->obj);
        if (r < 0)
                return w32_fail_r(r);
        struct w32_pack p;
        QUERY_SERVICE_LOCK_STATUSA st = {
                .fIsLocked = json_is_true(json_object_get(res, "locked")),
                .dwLockDuration = (DWORD)json_integer_value(json_object_get(res, "duration_s")),
        };
        const char *owner = json_string_value(json_object_get(res, "owner"));
        pack_init(&p, buf, size, sizeof(st), wide);
        st.lpLockOwner = pack_string(&p, owner ? owner : "");
        json_decref(res);
        *needed = (DWORD)p.used;
        if (!pack_fits(&p))
                return w32_fail(ERROR_INSUFFICIENT_BUFFER);
        memcpy(buf, &st, sizeof(st));
        return TRUE;
}

BOOL WINAPI QueryServiceLockStatusA(SC_HANDLE hSCManager, LPQUERY_SERVICE_LOCK_STATUSA lpLockStatus,
                                    DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        return lock_status(hSCManager, lpLockStatus, cbBufSize, pcbBytesNeeded, false);
}

BOOL WINAPI QueryServiceLockStatusW(SC_HANDLE hSCManager, LPQUERY_SERVICE_LOCK_STATUSW lpLockStatus,
                                    DWORD cbBufSize, LPDWORD pcbBytesNeeded) {
        return lock_status(hSCManager, lpLockStatus, cbBufSize, pcbBytesNeeded, true);
}

BOOL WINAPI NotifyBootConfigStatus(BOOL BootAcceptable) {
        struct scm_client *c;
        DWORD e = manager_connect(&c);
        if (e)
                return w32_fail(e);
        json_t *res = NULL;
        int r = scm_call(c, "notify_boot_config_status",
                         json_pack("{sb}", "acceptable", BootAcceptable ? 1 : 0), &res);
        json_decref(res);
        scm_disconnect(c);
        return r < 0 ? w32_fail_r(r) : TRUE;
}
