/* SPDX-License-Identifier: MIT */
/*
 * Waiting, kernel32's way: events (CreateEvent, SetEvent, ResetEvent),
 * WaitForSingleObject(Ex), WaitForMultipleObjects(Ex), Sleep, SleepEx,
 * and asynchronous procedure calls (QueueUserAPC, and the notifications
 * of NotifyServiceStatusChange), which run on their thread only while it
 * waits alertably.
 *
 * One lock and one condition variable (on CLOCK_MONOTONIC) serve every
 * waitable object and every thread's APC queue: a change of any signal
 * state or queue wakes every waiter, which looks again.  Services wait on
 * a handful of objects; simplicity wins over throughput here.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "w32.h"

struct apc {
        struct apc *next;
        void (*fn)(void *);
        void *arg;
        const void *owner;
};

struct w32_thread_state {
        int refs;   /* under S.lock */
        bool ended; /* the thread has exited: nothing more is queued */
        struct apc *head, **tail;
};

struct w32_event {
        struct w32_object obj;
        bool manual;
        bool signaled; /* under S.lock */
};

static struct {
        pthread_mutex_t lock;
        pthread_cond_t cond;
        pthread_once_t once;
        pthread_key_t key;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT};

static __thread struct w32_thread_state *self;

void sync_lock(void) {
        pthread_mutex_lock(&S.lock);
}

void sync_unlock(void) {
        pthread_mutex_unlock(&S.lock);
}

void sync_broadcast(void) {
        pthread_cond_broadcast(&S.cond);
}

void sync_wait(void) {
        pthread_cond_wait(&S.cond, &S.lock);
}

static void free_apcs(struct apc *a) {
        while (a) {
                struct apc *next = a->next;
                free(a);
                a = next;
        }
}

static void state_unref_locked(struct w32_thread_state *t) {
        if (--t->refs == 0) {
                free_apcs(t->head);
                free(t);
        }
}

void thread_state_unref(struct w32_thread_state *t) {
        sync_lock();
        state_unref_locked(t);
        sync_unlock();
}

static void thread_exit(void *p) {
        struct w32_thread_state *t = p;
        sync_lock();
        t->ended = true;
        free_apcs(t->head);
        t->head = NULL;
        t->tail = &t->head;
        state_unref_locked(t);
        sync_unlock();
}

static void init_once(void) {
        pthread_condattr_t a;
        pthread_condattr_init(&a);
        pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
        pthread_cond_init(&S.cond, &a);
        pthread_condattr_destroy(&a);
        pthread_key_create(&S.key, thread_exit);
}

static struct w32_thread_state *self_state(void) {
        pthread_once(&S.once, init_once);
        if (!self) {
                struct w32_thread_state *t = calloc(1, sizeof(*t));
                if (!t)
                        return NULL;
                t->refs = 1; /* the thread's own, dropped at its exit */
                t->tail = &t->head;
                pthread_setspecific(S.key, t);
                self = t;
        }
        return self;
}

struct w32_thread_state *thread_state_self(void) {
        struct w32_thread_state *t = self_state();
        if (t) {
                sync_lock();
                t->refs++;
                sync_unlock();
        }
        return t;
}

bool apc_queue(struct w32_thread_state *t, void (*fn)(void *), void *arg, const void *owner) {
        struct apc *a = calloc(1, sizeof(*a));
        if (!a)
                return false;
        *a = (struct apc){.fn = fn, .arg = arg, .owner = owner};
        sync_lock();
        bool ok = !t->ended;
        if (ok) {
                *t->tail = a;
                t->tail = &a->next;
                sync_broadcast();
        }
        sync_unlock();
        if (!ok)
                free(a);
        return ok;
}

int apc_cancel(struct w32_thread_state *t, const void *owner) {
        int n = 0;
        sync_lock();
        for (struct apc **link = &t->head; *link;) {
                struct apc *a = *link;
                if (a->owner == owner) {
                        *link = a->next;
                        free(a);
                        n++;
                } else {
                        link = &a->next;
                }
        }
        t->tail = &t->head;
        while (*t->tail)
                t->tail = &(*t->tail)->next;
        sync_unlock();
        return n;
}

/* Runs the calling thread's queued APCs, unlocked; true when it ran any. */
static bool run_apcs_locked(struct w32_thread_state *t) {
        struct apc *list = t->head;
        if (!list)
                return false;
        t->head = NULL;
        t->tail = &t->head;
        sync_unlock();
        while (list) {
                struct apc *next = list->next;
                list->fn(list->arg);
                free(list);
                list = next;
        }
        sync_lock();
        return true;
}

/* ---- events ------------------------------------------------------------------ */

static void event_destroy(struct w32_object *o) {
        free(o);
}

static HANDLE create_event(BOOL manual, BOOL initial) {
        struct w32_event *e = calloc(1, sizeof(*e));
        if (!e) {
                w32_fail(ERROR_NOT_ENOUGH_MEMORY);
                return NULL;
        }
        *e = (struct w32_event){
                .obj = {W32_EVENT, 1, event_destroy}, .manual = manual, .signaled = initial};
        pthread_once(&S.once, init_once);
        HANDLE h = handle_insert(&e->obj);
        if (!h)
                free(e);
        return h;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName) {
        (void)lpEventAttributes;
        if (lpName)
                return w32_fail(ERROR_NOT_SUPPORTED), NULL; /* no named objects */
        return create_event(bManualReset, bInitialState);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName) {
        (void)lpEventAttributes;
        if (lpName)
                return w32_fail(ERROR_NOT_SUPPORTED), NULL;
        return create_event(bManualReset, bInitialState);
}

static BOOL set_event(HANDLE h, bool signaled) {
        struct w32_event *e = (struct w32_event *)handle_get(h, W32_EVENT);
        if (!e)
                return FALSE;
        sync_lock();
        e->signaled = signaled;
        sync_broadcast();
        sync_unlock();
        object_unref(&e->obj);
        return TRUE;
}

BOOL WINAPI SetEvent(HANDLE hEvent) {
        return set_event(hEvent, true);
}

BOOL WINAPI ResetEvent(HANDLE hEvent) {
        return set_event(hEvent, false);
}

/* Under S.lock: whether o is signaled, without consuming it. */
static bool is_signaled(struct w32_object *o) {
        if (o->kind == W32_EVENT)
                return ((struct w32_event *)o)->signaled;
        return thread_object_done(o);
}

static void consume(struct w32_object *o) {
        if (o->kind == W32_EVENT && !((struct w32_event *)o)->manual)
                ((struct w32_event *)o)->signaled = false;
}

/* ---- waits ---------------------------------------------------------------------- */

static void deadline_of(DWORD ms, struct timespec *ret) {
        clock_gettime(CLOCK_MONOTONIC, ret);
        ret->tv_sec += ms / 1000;
        ret->tv_nsec += (long)(ms % 1000) * 1000000;
        if (ret->tv_nsec >= 1000000000) {
                ret->tv_sec++;
                ret->tv_nsec -= 1000000000;
        }
}

/* Under S.lock: the result when the wait is over, or WAIT_FAILED - 1 when
 * it is not yet. */
static DWORD check(struct w32_object **objs, DWORD n, bool all) {
        DWORD ready = 0;
        for (DWORD i = 0; i < n; i++) {
                if (!is_signaled(objs[i]))
                        continue;
                if (!all) {
                        consume(objs[i]);
                        return WAIT_OBJECT_0 + i;
                }
                ready++;
        }
        if (!all || ready < n || n == 0)
                return WAIT_FAILED - 1;
        for (DWORD i = 0; i < n; i++)
                consume(objs[i]);
        return WAIT_OBJECT_0;
}

static DWORD wait_locked(struct w32_object **objs, DWORD n, bool all, DWORD ms, bool alertable,
                         struct w32_thread_state *t) {
        struct timespec deadline;
        deadline_of(ms, &deadline);
        for (;;) {
                if (alertable && t && run_apcs_locked(t))
                        return WAIT_IO_COMPLETION;
                DWORD r = check(objs, n, all);
                if (r != WAIT_FAILED - 1)
                        return r;
                if (ms == 0)
                        return WAIT_TIMEOUT;
                int e = ms == INFINITE ? pthread_cond_wait(&S.cond, &S.lock)
                                       : pthread_cond_timedwait(&S.cond, &S.lock, &deadline);
                if (e == ETIMEDOUT)
                        return alertable && t && run_apcs_locked(t) ? WAIT_IO_COMPLETION
                                                                    : WAIT_TIMEOUT;
        }
}

static DWORD wait_objects(DWORD n, const HANDLE *handles, bool all, DWORD ms, bool alertable) {
        struct w32_object *objs[MAXIMUM_WAIT_OBJECTS];
        if (n > MAXIMUM_WAIT_OBJECTS || (n && !handles))
                return w32_fail(ERROR_INVALID_PARAMETER), WAIT_FAILED;
        for (DWORD i = 0; i < n; i++) {
                objs[i] = handle_get(handles[i], W32_ANY);
                if (objs[i] && objs[i]->kind != W32_EVENT && objs[i]->kind != W32_THREAD) {
                        object_unref(objs[i]);
                        objs[i] = NULL;
                        w32_fail(ERROR_INVALID_HANDLE);
                }
                if (!objs[i]) {
                        while (i--)
                                object_unref(objs[i]);
                        return WAIT_FAILED;
                }
        }
        struct w32_thread_state *t = self_state();
        sync_lock();
        DWORD r = wait_locked(objs, n, all, ms, alertable, t);
        sync_unlock();
        for (DWORD i = 0; i < n; i++)
                object_unref(objs[i]);
        return r;
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
        return wait_objects(1, &hHandle, false, dwMilliseconds, false);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable) {
        return wait_objects(1, &hHandle, false, dwMilliseconds, bAlertable);
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds) {
        if (nCount == 0)
                return w32_fail(ERROR_INVALID_PARAMETER), WAIT_FAILED;
        return wait_objects(nCount, lpHandles, bWaitAll, dwMilliseconds, false);
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable) {
        if (nCount == 0)
                return w32_fail(ERROR_INVALID_PARAMETER), WAIT_FAILED;
        return wait_objects(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
}

DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
        if (!bAlertable) {
                Sleep(dwMilliseconds);
                return 0;
        }
        DWORD r = wait_objects(0, NULL, false, dwMilliseconds, true);
        return r == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}

void WINAPI Sleep(DWORD dwMilliseconds) {
        if (dwMilliseconds == INFINITE) {
                for (;;)
                        pause();
        }
        struct timespec ts = {dwMilliseconds / 1000, (long)(dwMilliseconds % 1000) * 1000000};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* ---- QueueUserAPC ---------------------------------------------------------------- */

struct user_apc {
        PAPCFUNC fn;
        ULONG_PTR data;
};

static void run_user_apc(void *p) {
        struct user_apc *u = p;
        u->fn(u->data);
        free(u);
}

DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData) {
        struct user_apc *u = calloc(1, sizeof(*u));
        if (!pfnAPC || hThread != GetCurrentThread() || !u) {
                free(u);
                return w32_fail(!pfnAPC || u ? ERROR_INVALID_PARAMETER : ERROR_NOT_ENOUGH_MEMORY);
        }
        *u = (struct user_apc){pfnAPC, dwData};
        struct w32_thread_state *t = self_state();
        if (!t || !apc_queue(t, run_user_apc, u, NULL)) {
                free(u);
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY);
        }
        return 1;
}
