/* SPDX-License-Identifier: MIT */
/*
 * NotifyServiceStatusChange: at most one callback per call, run as an
 * asynchronous procedure call on the thread that registered it, when that
 * thread waits alertably (SleepEx, WaitFor...Ex with bAlertable TRUE).
 *
 * Each registration is a connection of its own to scmd with one
 * subscription (<scm/notify.h>) and a watcher thread.  A service handle
 * asks for the states of its service (the current one counts, as on
 * Windows: a service already in a state asked for is reported at once) and
 * SERVICE_NOTIFY_DELETE_PENDING; an SCM handle for SERVICE_NOTIFY_CREATED
 * and SERVICE_NOTIFY_DELETED of any service, whose name comes in
 * pszServiceNames (LocalFree it), created ones prefixed with "/".  The
 * first matching event is stored, the watcher queues the APC and ends; the
 * APC fills the caller's SERVICE_NOTIFY and calls back.  A handle has one
 * registration pending at a time (ERROR_ALREADY_REGISTERED for a second);
 * closing the handle cancels it: the watcher ends and a queued callback is
 * dropped.  A registration whose connection fails is delivered with
 * dwNotificationStatus ERROR_SERVICE_NOTIFY_CLIENT_LAGGING, as Windows
 * does when it lost events: register again.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "w32.h"

#define SERVICE_MASK 0x27fu
#define MANAGER_MASK (SERVICE_NOTIFY_CREATED | SERVICE_NOTIFY_DELETED)

struct w32_notification {
        pthread_mutex_t lock;
        int refs;       /* under lock: the slot, the watcher, a queued APC */
        bool cancelled; /* under lock */
        struct w32_object *owner;
        struct w32_pending *pending;
        struct w32_thread_state *target;
        struct scm_client *client;
        int cancel_fd;
        DWORD mask;
        void *buffer;
        bool wide;
        /* The result, written by the watcher before the APC is queued. */
        DWORD status;
        SERVICE_STATUS_PROCESS service_status;
        DWORD triggered;
        char *name; /* CREATED / DELETED: the service, "/name" when created */
};

static void unref(struct w32_notification *n) {
        pthread_mutex_lock(&n->lock);
        bool last = --n->refs == 0;
        pthread_mutex_unlock(&n->lock);
        if (!last)
                return;
        scm_disconnect(n->client);
        if (n->cancel_fd >= 0)
                close(n->cancel_fd);
        if (n->target)
                thread_state_unref(n->target);
        object_unref(n->owner);
        pthread_mutex_destroy(&n->lock);
        free(n->name);
        free(n);
}

/* ---- delivery, on the registering thread ------------------------------------ */

static char *names_for(const struct w32_notification *n) {
        size_t len = strlen(n->name);
        if (!n->wide) {
                char *s = LocalAlloc(LPTR, len + 2);
                if (s)
                        memcpy(s, n->name, len + 1);
                return s;
        }
        WCHAR *w = LocalAlloc(LPTR, (w32_wide_len(n->name) + 2) * sizeof(WCHAR));
        if (w)
                w32_wide_write(n->name, w);
        return (char *)w;
}

static void fill_buffer(struct w32_notification *n) {
        SERVICE_NOTIFY_2A *b = n->buffer;
        b->dwNotificationStatus = n->status;
        b->ServiceStatus = n->service_status;
        if (b->dwVersion < SERVICE_NOTIFY_STATUS_CHANGE_2)
                return;
        b->dwNotificationTriggered = n->triggered;
        b->pszServiceNames = n->name ? names_for(n) : NULL;
}

static void run_callback(void *p) {
        struct w32_notification *n = p;
        pthread_mutex_lock(&n->pending->lock);
        bool mine = n->pending->n == n;
        if (mine)
                n->pending->n = NULL;
        pthread_mutex_unlock(&n->pending->lock);
        pthread_mutex_lock(&n->lock);
        bool cancelled = n->cancelled;
        pthread_mutex_unlock(&n->lock);
        if (!cancelled) {
                fill_buffer(n);
                ((SERVICE_NOTIFY_2A *)n->buffer)->pfnNotifyCallback(n->buffer);
        }
        if (mine)
                unref(n); /* the slot's */
        unref(n);         /* the APC's */
}

/* ---- the watcher ----------------------------------------------------------------- */

/* Whether e answers n; fills n's result when it does. */
static bool matches(struct w32_notification *n, const struct scm_event *e) {
        DWORD bit = 0;
        if (e->type == SCM_EVENT_STATUS) {
                bit = SCM_NOTIFY_STATE(e->status.state);
                if (e->status.marked_for_delete && (n->mask & SERVICE_NOTIFY_DELETE_PENDING))
                        bit = SERVICE_NOTIFY_DELETE_PENDING;
        } else if (e->type == SCM_EVENT_CREATED) {
                bit = SERVICE_NOTIFY_CREATED;
        } else if (e->type == SCM_EVENT_DELETED) {
                bool service = n->owner->kind == W32_SERVICE;
                bit = service ? SERVICE_NOTIFY_DELETE_PENDING : SERVICE_NOTIFY_DELETED;
                if (service && !(n->mask & bit)) {
                        n->status = ERROR_SERVICE_MARKED_FOR_DELETE;
                        return true;
                }
        }
        if (!(n->mask & bit))
                return false;
        n->triggered = bit;
        if (e->type != SCM_EVENT_DELETED)
                status_to_win32(&e->status, &n->service_status);
        if (n->owner->kind == W32_MANAGER && e->name &&
            asprintf(&n->name, "%s%s", bit == SERVICE_NOTIFY_CREATED ? "/" : "", e->name) < 0)
                n->name = NULL;
        return true;
}

/* Takes queued events: 1 when one matched, 0 when none is left, < 0 on
 * a failure of the connection. */
static int drain(struct w32_notification *n) {
        for (;;) {
                struct scm_event e = {0};
                int r = scm_next_event(n->client, &e);
                if (r <= 0)
                        return r;
                bool hit = matches(n, &e);
                scm_event_clear(&e);
                if (hit)
                        return 1;
        }
}

static void *watch(void *p) {
        struct w32_notification *n = p;
        struct pollfd fds[2] = {{.fd = scm_client_fd(n->client), .events = POLLIN},
                                {.fd = n->cancel_fd, .events = POLLIN}};
        int r;
        while ((r = drain(n)) == 0) {
                if (poll(fds, 2, -1) < 0 && errno != EINTR)
                        break;
                if (fds[1].revents)
                        break;
        }
        if (r != 0 && !(fds[1].revents)) {
                if (r < 0)
                        n->status = ERROR_SERVICE_NOTIFY_CLIENT_LAGGING;
                pthread_mutex_lock(&n->lock);
                if (!n->cancelled) {
                        n->refs++;
                        if (!apc_queue(n->target, run_callback, n, n))
                                n->refs--;
                }
                pthread_mutex_unlock(&n->lock);
        }
        unref(n); /* the watcher's */
        return NULL;
}

/* ---- registration ------------------------------------------------------------------ */

static DWORD check_request(struct w32_object *o, DWORD mask, const SERVICE_NOTIFY_2A *b) {
        DWORD allowed = o->kind == W32_SERVICE ? SERVICE_MASK : MANAGER_MASK;
        if (!b || !b->pfnNotifyCallback ||
            (b->dwVersion != SERVICE_NOTIFY_STATUS_CHANGE_1 &&
             b->dwVersion != SERVICE_NOTIFY_STATUS_CHANGE_2))
                return ERROR_INVALID_PARAMETER;
        if (!mask || (mask & ~allowed))
                return ERROR_INVALID_PARAMETER;
        return ERROR_SUCCESS;
}

static DWORD subscribe(struct w32_notification *n, const char *name) {
        DWORD e = manager_connect(&n->client);
        if (e)
                return e;
        uint32_t mask = n->mask & (SCM_NOTIFY_ALL_STATES | MANAGER_MASK);
        if (n->mask & SERVICE_NOTIFY_DELETE_PENDING)
                mask |= SCM_NOTIFY_ALL_STATES;
        if (name)
                mask |= SCM_NOTIFY_DELETED; /* reported as MARKED_FOR_DELETE if not asked */
        const char *names[] = {name, NULL};
        return w32_error_of(scm_subscribe(n->client, name ? names : NULL, mask, NULL));
}

static DWORD start(struct w32_notification *n, const char *name) {
        DWORD e = subscribe(n, name);
        n->cancel_fd = e ? -1 : eventfd(0, EFD_CLOEXEC);
        if (!e && n->cancel_fd < 0)
                e = ERROR_NOT_ENOUGH_MEMORY;
        n->target = e ? NULL : thread_state_self();
        if (!e && !n->target)
                e = ERROR_NOT_ENOUGH_MEMORY;
        pthread_t thread;
        n->refs = 2; /* the slot's and the watcher's */
        if (!e && pthread_create(&thread, NULL, watch, n) != 0)
                e = ERROR_NOT_ENOUGH_MEMORY;
        if (!e)
                pthread_detach(thread);
        return e;
}

static struct w32_notification *notification_new(struct w32_object *o, DWORD mask, void *buffer,
                                                 bool wide) {
        struct w32_notification *n = calloc(1, sizeof(*n));
        if (!n)
                return NULL;
        *n = (struct w32_notification){.refs = 1,
                                       .owner = o,
                                       .cancel_fd = -1,
                                       .mask = mask,
                                       .buffer = buffer,
                                       .wide = wide};
        pthread_mutex_init(&n->lock, NULL);
        n->pending = o->kind == W32_SERVICE ? &((struct w32_service *)o)->pending
                                            : &((struct w32_manager *)o)->pending;
        return n;
}

/* Stops a started notification: its watcher, its queued APC, the slot's
 * reference. */
static void cancel(struct w32_notification *n) {
        pthread_mutex_lock(&n->lock);
        n->cancelled = true;
        pthread_mutex_unlock(&n->lock);
        uint64_t one = 1;
        (void)!write(n->cancel_fd, &one, sizeof(one));
        if (apc_cancel(n->target, n) > 0)
                unref(n); /* the APC's */
        unref(n);         /* the slot's */
}

DWORD notify_register(SC_HANDLE h, DWORD mask, void *buffer, bool wide) {
        struct w32_object *o = handle_get(h, W32_ANY);
        if (!o)
                return ERROR_INVALID_HANDLE;
        bool service = o->kind == W32_SERVICE;
        DWORD have = service ? ((struct w32_service *)o)->access : 0;
        DWORD e = !service && o->kind != W32_MANAGER          ? ERROR_INVALID_HANDLE
                  : service && !(have & SERVICE_QUERY_STATUS) ? ERROR_ACCESS_DENIED
                  : !service && !(((struct w32_manager *)o)->access & SC_MANAGER_ENUMERATE_SERVICE)
                          ? ERROR_ACCESS_DENIED
                          : check_request(o, mask, buffer);
        struct w32_notification *n = e ? NULL : notification_new(o, mask, buffer, wide);
        if (!e && !n)
                e = ERROR_NOT_ENOUGH_MEMORY;
        if (e) {
                object_unref(o);
                return e;
        }
        /* The slot is claimed under the lock, and scmd reached without it:
         * a slow scmd must not hold up CloseServiceHandle or another
         * thread's registration on the handle. */
        struct w32_pending *p = n->pending;
        pthread_mutex_lock(&p->lock);
        e = p->n || p->starting ? ERROR_ALREADY_REGISTERED : ERROR_SUCCESS;
        p->starting = !e;
        pthread_mutex_unlock(&p->lock);
        if (e)
                goto fail;
        e = start(n, service ? ((struct w32_service *)o)->name : NULL);
        pthread_mutex_lock(&p->lock);
        bool closed = p->closed;
        p->starting = false;
        if (!e && !closed)
                p->n = n;
        pthread_mutex_unlock(&p->lock);
        if (!e && closed) {
                cancel(n); /* the handle went while it connected */
                return ERROR_INVALID_HANDLE;
        }
fail:
        if (e) {
                n->refs = 1;
                unref(n); /* drops o too */
        }
        return e;
}

void notify_cancel(struct w32_pending *p) {
        pthread_mutex_lock(&p->lock);
        struct w32_notification *n = p->n;
        p->n = NULL;
        p->closed = true;
        pthread_mutex_unlock(&p->lock);
        if (n)
                cancel(n);
}

DWORD WINAPI NotifyServiceStatusChangeA(SC_HANDLE hService, DWORD dwNotifyMask,
                                        PSERVICE_NOTIFYA pNotifyBuffer) {
        return notify_register(hService, dwNotifyMask, pNotifyBuffer, false);
}

DWORD WINAPI NotifyServiceStatusChangeW(SC_HANDLE hService, DWORD dwNotifyMask,
                                        PSERVICE_NOTIFYW pNotifyBuffer) {
        return notify_register(hService, dwNotifyMask, pNotifyBuffer, true);
}
