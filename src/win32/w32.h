/* SPDX-License-Identifier: MIT */
/*
 * The Win32 layer's internal header: the handle table and its objects, the
 * last-error helpers, strings (UTF-8 <-> WCHAR, output buffers), the SCM
 * connection a handle talks through, and the alertable-wait machinery that
 * notifications use.  Declarations grouped by the file that defines them.
 * The layer is a client of libscm only: it never reads scmd's files.
 */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <scm/client.h>
#include <scm/notify.h>
#include <scm/raw.h>

#include <windows.h>

/* ---- handles.c: every HANDLE, SC_HANDLE, SC_LOCK the layer gives out --- */
enum w32_kind {
        W32_ANY = 0,
        W32_MANAGER,
        W32_SERVICE,
        W32_LOCK,
        W32_EVENT,
        W32_THREAD,
        W32_EVENT_SOURCE,
        W32_STATUS, /* a SERVICE_STATUS_HANDLE: lives as long as the process */
        W32_KEY,    /* an HKEY under a service's key (registry.c) */
};

struct w32_object {
        enum w32_kind kind;
        int refs; /* under the table's lock */
        void (*destroy)(struct w32_object *o);
};

/* Puts o (with one reference, now the table's) in the table; NULL with
 * ERROR_NOT_ENOUGH_MEMORY when full. */
void *handle_insert(struct w32_object *o);
/* The object of h when it is of kind (or W32_ANY), with a new reference
 * for the caller; NULL (last error ERROR_INVALID_HANDLE) otherwise. */
struct w32_object *handle_get(const void *h, enum w32_kind kind);
/* Takes h out of the table and hands the table's reference to the caller;
 * NULL (ERROR_INVALID_HANDLE) when h is not open or not of kind. */
struct w32_object *handle_remove(const void *h, enum w32_kind kind);
void object_ref(struct w32_object *o);
/* Drops a reference; destroys o with the last. */
void object_unref(struct w32_object *o);

/* ---- errors.c -------------------------------------------------------------- */
/* Sets the last error and returns FALSE, for `return w32_fail(...)`. */
BOOL w32_fail(DWORD error);
/* The Win32 error of a libscm return value (SCM_ERR or -errno). */
DWORD w32_error_of(int r);
/* w32_fail(w32_error_of(r)). */
BOOL w32_fail_r(int r);
/* The sentence of a system error number, or NULL. */
const char *w32_error_sentence(DWORD error);

/* ---- strings.c ------------------------------------------------------------- */
/* A malloc'd UTF-8 copy of a WCHAR string; NULL for NULL (and on ENOMEM,
 * with *ret_oom set when ret_oom is not NULL). */
char *w32_utf8(const WCHAR *w, bool *ret_oom);
/* A malloc'd UTF-8 copy of a double-NUL-terminated WCHAR list. */
char *w32_utf8_multi(const WCHAR *w, bool *ret_oom);
/* A malloc'd WCHAR copy of a UTF-8 string (NULL for NULL or ENOMEM). */
WCHAR *w32_wide(const char *s);
/* How many WCHARs s takes without its NUL. */
size_t w32_wide_len(const char *s);
/* Writes s as WCHARs (with the NUL) into out, which has room. */
void w32_wide_write(const char *s, WCHAR *out);
/* The UTF-8 strings of a double-NUL-terminated list, NULL-terminated, in
 * one allocation; NULL for NULL. */
char **w32_multi_split(const char *multi, bool *ret_oom);

/* Fills a caller's buffer the way Windows does: a fixed part at the
 * start, the strings it points to after it.  When the buffer is too
 * small nothing is written, but `used` still counts every byte needed. */
struct w32_pack {
        uint8_t *buf;
        size_t size;
        size_t used;
        bool wide;
};
void pack_init(struct w32_pack *p, void *buf, size_t size, size_t fixed, bool wide);
bool pack_fits(const struct w32_pack *p);
/* Reserves room for s (NULL: nothing, returns NULL) and copies it in when
 * it fits; returns where it is (char * or WCHAR *), or NULL. */
void *pack_string(struct w32_pack *p, const char *s);
/* The same for a list, as a double-NUL-terminated multi-string. */
void *pack_multi(struct w32_pack *p, const char *const *list);
/* Reserves n bytes aligned for pointers; returns where, or NULL. */
void *pack_reserve(struct w32_pack *p, size_t n);

/* ---- manager.c: the SCM handle and its connection ------------------------- */
struct w32_notification;

/* The notification NotifyServiceStatusChange left waiting on a handle. */
struct w32_pending {
        pthread_mutex_t lock;
        struct w32_notification *n;
        bool starting; /* a registration connects to scmd, without the lock */
        bool closed;   /* the handle was closed: no registration may land */
};

struct w32_manager {
        struct w32_object obj;
        pthread_mutex_t lock; /* one call at a time on client */
        struct scm_client *client;
        DWORD access;
        struct w32_pending pending;
};

/* The manager of h, referenced, when it holds every right in need; else
 * NULL with ERROR_INVALID_HANDLE or ERROR_ACCESS_DENIED. */
struct w32_manager *manager_get(SC_HANDLE h, DWORD need);
/* One JSON-RPC call on m's connection, under its lock. */
int manager_call(struct w32_manager *m, const char *method, json_t *params, json_t **ret);
/* scm_query_status() under m's lock: libscm's fast path for the call a
 * program makes in a loop (QueryServiceStatus(Ex)). */
int manager_query_status(struct w32_manager *m, const char *name, struct scm_status *ret);
/* Connects to scmd as OpenSCManager does: ERROR_* on failure. */
DWORD manager_connect(struct scm_client **ret);

/* ---- service.c: the service handle -------------------------------------- */
struct w32_service {
        struct w32_object obj;
        struct w32_manager *manager; /* referenced */
        char *name;
        DWORD access;
        json_int_t server_handle; /* scmd's `open` handle, or -1 */
        struct w32_pending pending;
};

/* The service of h, referenced, when it holds every right in need. */
struct w32_service *service_get(SC_HANDLE h, DWORD need);
/* A call naming the service: params (consumed) gets "name". */
int service_call(struct w32_service *s, const char *method, json_t *params, json_t **ret);
SC_HANDLE service_open(struct w32_manager *m, const char *name, DWORD access);
void status_to_win32(const struct scm_status *st, SERVICE_STATUS_PROCESS *ret);
DWORD type_to_win32(enum scm_service_type t);

/* ---- config.c ------------------------------------------------------------- */
/* The account a Windows caller names, as scmd spells it (malloc'd; "" for
 * LocalSystem), or NULL with *ret_error. */
char *account_from_win32(const char *account, DWORD *ret_error);
/* The account scmd reports, as Windows spells it (malloc'd). */
char *account_to_win32(const char *account);
BOOL config_create(SC_HANDLE h, const char *name, const char *display, DWORD access, DWORD type,
                   DWORD start, DWORD error_control, const char *path, const char *group,
                   LPDWORD tag, const char *deps, const char *account, SC_HANDLE *ret);
BOOL config_change(SC_HANDLE h, DWORD type, DWORD start, DWORD error_control, const char *path,
                   const char *group, LPDWORD tag, const char *deps, const char *account,
                   const char *display);
BOOL config_query(SC_HANDLE h, void *buf, DWORD size, LPDWORD needed, bool wide);

/* ---- config2.c -------------------------------------------------------------- */
struct config2_in {
        const char *description;
        const char *reboot_message;
        const char *command;
        const char *privileges; /* multi-string */
};
BOOL config2_change(SC_HANDLE h, DWORD level, void *info, const struct config2_in *strings);

/* ---- triggers.c: SERVICE_CONFIG_TRIGGER_INFO ---------------------------------- */
/* info as set_triggers' "triggers" in p. */
DWORD triggers_params(const SERVICE_TRIGGER_INFO *info, json_t *p);
/* query_triggers' result packed as a SERVICE_TRIGGER_INFO. */
void triggers_fill(json_t *res, struct w32_pack *p);
BOOL config2_query(SC_HANDLE h, DWORD level, void *buf, DWORD size, LPDWORD needed, bool wide);

/* ---- enum.c --------------------------------------------------------------- */
BOOL enum_services(SC_HANDLE h, bool ex, DWORD type, DWORD state, void *buf, DWORD size,
                   LPDWORD needed, LPDWORD returned, LPDWORD resume, const char *group, bool wide);
BOOL enum_dependents(SC_HANDLE h, DWORD state, void *buf, DWORD size, LPDWORD needed,
                     LPDWORD returned, bool wide);
BOOL names_display(SC_HANDLE h, const char *name, void *buf, LPDWORD cch, bool wide);
BOOL names_key(SC_HANDLE h, const char *display, void *buf, LPDWORD cch, bool wide);

/* ---- notify.c ------------------------------------------------------------- */
DWORD notify_register(SC_HANDLE h, DWORD mask, void *buffer, bool wide);
/* Cancels the notification pending on a handle being closed, and waits
 * until its watcher has ended; its callback is not called. */
void notify_cancel(struct w32_pending *p);

/* ---- sync.c: alertable waits and asynchronous procedure calls ------------ */
struct w32_thread_state;
/* The calling thread's state, referenced (made at first use). */
struct w32_thread_state *thread_state_self(void);
void thread_state_unref(struct w32_thread_state *t);
/* Queues fn(arg) to t, tagged with owner (for apc_cancel); false when t
 * has ended or memory ran out. */
bool apc_queue(struct w32_thread_state *t, void (*fn)(void *), void *arg, const void *owner);
/* Removes every APC of owner not yet run; returns how many. */
int apc_cancel(struct w32_thread_state *t, const void *owner);
/* Wakes every waiter (an object's signal state changed). */
void sync_broadcast(void);
void sync_lock(void);
void sync_unlock(void);
/* With the sync lock held: waits for the next sync_broadcast(). */
void sync_wait(void);

/* ---- thread.c ------------------------------------------------------------- */
struct w32_thread_object;
bool thread_object_done(struct w32_object *o);
bool event_object_take(struct w32_object *o); /* sync.c: signaled? auto-reset it */
