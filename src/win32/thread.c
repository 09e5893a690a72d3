/* SPDX-License-Identifier: MIT */
/*
 * Threads, kernel32's way: CreateThread, ExitThread, GetExitCodeThread,
 * the thread handle (signaled once the thread has returned, for
 * WaitForSingleObject), CloseHandle for every kernel object of the layer.
 * A thread is a detached pthread; its object lives as long as its handle
 * or the thread, whichever is longer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "w32.h"

struct w32_thread_object {
        struct w32_object obj;
        LPTHREAD_START_ROUTINE start;
        LPVOID param;
        bool done; /* under the sync lock */
        DWORD tid; /* its GetCurrentThreadId(), once it runs; under the sync lock */
        DWORD exit_code;
};

static __thread struct w32_thread_object *current;

bool thread_object_done(struct w32_object *o) {
        return o->kind == W32_THREAD && ((struct w32_thread_object *)o)->done;
}

static void thread_destroy(struct w32_object *o) {
        free(o);
}

static void finish(struct w32_thread_object *t, DWORD code) {
        sync_lock();
        t->exit_code = code;
        t->done = true;
        sync_broadcast();
        sync_unlock();
        object_unref(&t->obj);
}

static void *run(void *p) {
        struct w32_thread_object *t = p;
        current = t;
        sync_lock();
        t->tid = GetCurrentThreadId();
        sync_broadcast();
        sync_unlock();
        finish(t, t->start(t->param));
        return NULL;
}

void WINAPI ExitThread(DWORD dwExitCode) {
        if (current)
                finish(current, dwExitCode);
        current = NULL;
        pthread_exit(NULL);
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId) {
        (void)lpThreadAttributes;
        if (!lpStartAddress)
                return w32_fail(ERROR_INVALID_PARAMETER), NULL;
        if (dwCreationFlags & CREATE_SUSPENDED)
                return w32_fail(ERROR_NOT_SUPPORTED), NULL;
        struct w32_thread_object *t = calloc(1, sizeof(*t));
        if (!t)
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
        *t = (struct w32_thread_object){.obj = {W32_THREAD, 2, thread_destroy},
                                        .start = lpStartAddress,
                                        .param = lpParameter,
                                        .exit_code = STILL_ACTIVE};
        HANDLE h = handle_insert(&t->obj);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (dwStackSize >= 65536)
                pthread_attr_setstacksize(&attr, dwStackSize);
        pthread_t id;
        int e = h ? pthread_create(&id, &attr, run, t) : ENOMEM;
        pthread_attr_destroy(&attr);
        if (e) {
                if (h)
                        object_unref(handle_remove(h, W32_THREAD));
                object_unref(&t->obj);
                return w32_fail(ERROR_NOT_ENOUGH_MEMORY), NULL;
        }
        if (lpThreadId) {
                /* The id GetCurrentThreadId() gives inside it, as on Windows. */
                sync_lock();
                while (!t->tid)
                        sync_wait();
                *lpThreadId = t->tid;
                sync_unlock();
        }
        return h;
}

BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) {
        struct w32_thread_object *t = (struct w32_thread_object *)handle_get(hThread, W32_THREAD);
        if (!t)
                return FALSE;
        sync_lock();
        DWORD code = t->exit_code;
        sync_unlock();
        object_unref(&t->obj);
        if (!lpExitCode)
                return w32_fail(ERROR_INVALID_PARAMETER);
        *lpExitCode = code;
        return TRUE;
}

DWORD WINAPI GetCurrentThreadId(void) {
        return (DWORD)syscall(SYS_gettid);
}

DWORD WINAPI GetCurrentProcessId(void) {
        return (DWORD)getpid();
}

HANDLE WINAPI GetCurrentThread(void) {
        return (HANDLE)(LONG_PTR)-2;
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
        struct w32_object *o = handle_get(hObject, W32_ANY);
        if (!o)
                return FALSE;
        enum w32_kind kind = o->kind;
        object_unref(o);
        if (kind != W32_EVENT && kind != W32_THREAD)
                return w32_fail(ERROR_INVALID_HANDLE);
        o = handle_remove(hObject, kind);
        if (!o)
                return FALSE;
        object_unref(o);
        return TRUE;
}
