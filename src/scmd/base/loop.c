/* SPDX-License-Identifier: MIT */
/*
 * epoll plus a binary min-heap of timers.  The heap grows by doubling and
 * never shrinks; arming and disarming are O(log n) and make no system
 * call: the loop runs the timers that are due before each wait, and waits
 * in epoll_pwait2() until the earliest of the others, so thousands of
 * services with their own deadlines cost nothing while idle, and a timer
 * armed for now (a restart without delay) costs no more than the turn of
 * the loop.  With no timer armed the loop sleeps without a timeout.
 */
#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

struct loop {
        int epoll_fd;
        struct loop_timer **heap;
        size_t heap_len, heap_cap;
        unsigned turn; /* counts the passes over the due timers */
        struct epoll_event batch[BATCH];
        int batch_len, batch_pos;
        bool quit;
};

usec_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
}

int loop_io_add(struct loop *l, struct loop_io *io, int fd, uint32_t events, loop_io_fn *fn) {
        struct epoll_event ev = {.events = events, .data.ptr = io};
        if (epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        io->fd = fd;
        io->fn = fn;
        return 0;
}

int loop_io_modify(struct loop *l, struct loop_io *io, uint32_t events) {
        struct epoll_event ev = {.events = events, .data.ptr = io};
        return epoll_ctl(l->epoll_fd, EPOLL_CTL_MOD, io->fd, &ev) < 0 ? -errno : 0;
}

void loop_io_remove(struct loop *l, struct loop_io *io) {
        if (!loop_io_active(io))
                return;
        epoll_ctl(l->epoll_fd, EPOLL_CTL_DEL, io->fd, NULL);
        /* Forget events of this io still waiting in the current batch. */
        for (int i = l->batch_pos; i < l->batch_len; i++)
                if (l->batch[i].data.ptr == io)
                        l->batch[i].data.ptr = NULL;
        io->fd = -1;
        io->fn = NULL;
}

/* ---- timer heap ---- */

static void heap_set(struct loop *l, size_t i, struct loop_timer *t) {
        l->heap[i] = t;
        t->heap_index = i + 1;
}

static void heap_up(struct loop *l, size_t i) {
        struct loop_timer *t = l->heap[i];
        while (i > 0) {
                size_t parent = (i - 1) / 2;
                if (l->heap[parent]->when <= t->when)
                        break;
                heap_set(l, i, l->heap[parent]);
                i = parent;
        }
        heap_set(l, i, t);
}

static void heap_down(struct loop *l, size_t i) {
        struct loop_timer *t = l->heap[i];
        for (;;) {
                size_t child = 2 * i + 1;
                if (child >= l->heap_len)
                        break;
                if (child + 1 < l->heap_len && l->heap[child + 1]->when < l->heap[child]->when)
                        child++;
                if (t->when <= l->heap[child]->when)
                        break;
                heap_set(l, i, l->heap[child]);
                i = child;
        }
        heap_set(l, i, t);
}

void loop_timer_disarm(struct loop *l, struct loop_timer *t) {
        if (!t->heap_index)
                return;
        size_t i = t->heap_index - 1;
        t->heap_index = 0;
        l->heap_len--;
        if (i != l->heap_len) {
                struct loop_timer *moved = l->heap[l->heap_len];
                heap_set(l, i, moved);
                heap_up(l, i);
                heap_down(l, moved->heap_index - 1);
        }
}

void loop_timer_arm(struct loop *l, struct loop_timer *t, usec_t when, loop_timer_fn *fn) {
        loop_timer_disarm(l, t);
        if (l->heap_len == l->heap_cap) {
                size_t cap = l->heap_cap ? l->heap_cap * 2 : 16;
                struct loop_timer **h = realloc(l->heap, cap * sizeof(*h));
                if (!h)
                        abort(); /* a few bytes per timer; see docs/architecture.md */
                l->heap = h;
                l->heap_cap = cap;
        }
        t->when = when ? when : 1;
        t->fn = fn;
        t->armed_turn = l->turn;
        heap_set(l, l->heap_len++, t);
        heap_up(l, l->heap_len - 1);
}

/* Runs the timers due by now that were armed before this turn (one armed
 * by one of them, even for a time already past, waits for the next turn,
 * after the I/O that is ready), and returns how long the loop may wait
 * for the earliest of the rest, or NULL when none is armed. */
static struct timespec *run_due(struct loop *l, struct timespec *ts) {
        usec_t now = now_usec();
        l->turn++; /* what a timer armed from now on records: wraps safely */
        while (l->heap_len && l->heap[0]->when <= now && l->heap[0]->armed_turn != l->turn &&
               !l->quit) {
                struct loop_timer *t = l->heap[0];
                loop_timer_disarm(l, t);
                t->fn(t);
        }
        if (!l->heap_len)
                return NULL;
        usec_t left = l->heap[0]->when > now ? l->heap[0]->when - now : 0;
        ts->tv_sec = (time_t)(left / USEC_PER_SEC);
        ts->tv_nsec = (long)(left % USEC_PER_SEC) * 1000;
        return ts;
}

/* epoll_pwait2(), or on a kernel before 5.11 epoll_wait() with the
 * timeout rounded up to a millisecond, so that a timer is never early. */
static int wait_events(struct loop *l, const struct timespec *timeout) {
        static bool no_pwait2;
        if (!no_pwait2) {
                int n = epoll_pwait2(l->epoll_fd, l->batch, BATCH, timeout, NULL);
                if (n >= 0 || errno != ENOSYS)
                        return n;
                no_pwait2 = true;
        }
        int ms = -1;
        if (timeout) {
                long long left =
                        (long long)timeout->tv_sec * 1000 + (timeout->tv_nsec + 999999) / 1000000;
                ms = left > INT_MAX ? INT_MAX : (int)left;
        }
        return epoll_wait(l->epoll_fd, l->batch, BATCH, ms);
}

/* ---- lifecycle ---- */

int loop_new(struct loop **ret) {
        struct loop *l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (l->epoll_fd < 0) {
                int r = -errno;
                free(l);
                return r;
        }
        *ret = l;
        return 0;
}

void loop_free(struct loop *l) {
        if (!l)
                return;
        if (l->epoll_fd >= 0)
                close(l->epoll_fd);
        free(l->heap);
        free(l);
}

void loop_quit(struct loop *l) {
        l->quit = true;
}

int loop_run(struct loop *l) {
        while (!l->quit) {
                struct timespec ts;
                const struct timespec *timeout = run_due(l, &ts);
                if (l->quit)
                        break;
                int n = wait_events(l, timeout);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                l->batch_len = n;
                for (l->batch_pos = 0; l->batch_pos < l->batch_len;) {
                        struct epoll_event ev = l->batch[l->batch_pos++];
                        struct loop_io *io = ev.data.ptr;
                        if (io && io->fn)
                                io->fn(io, ev.events);
                }
                l->batch_len = l->batch_pos = 0;
        }
        return 0;
}
