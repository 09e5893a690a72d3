/* SPDX-License-Identifier: MIT */
/*
 * epoll plus a binary min-heap of timers behind one timerfd.  The heap
 * grows by doubling and never shrinks; arming and disarming are O(log n),
 * so thousands of services with their own deadlines cost nothing while
 * idle: with no timer armed the timerfd is disarmed and the loop sleeps in
 * epoll_wait() without waking.
 */
#include "loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

struct loop {
        int epoll_fd;
        int timer_fd;
        struct loop_io timer_io;
        struct loop_timer **heap;
        size_t heap_len, heap_cap;
        usec_t timer_armed_for; /* what timer_fd is set to; 0 = disarmed */
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

static void timerfd_sync(struct loop *l) {
        usec_t want = l->heap_len ? l->heap[0]->when : 0;
        if (want == l->timer_armed_for)
                return;
        struct itimerspec its = {0};
        if (want) {
                /* 0 would disarm: a deadline already past fires at once. */
                its.it_value.tv_sec = (time_t)(want / USEC_PER_SEC);
                its.it_value.tv_nsec = (long)(want % USEC_PER_SEC) * 1000;
                if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
                        its.it_value.tv_nsec = 1;
        }
        timerfd_settime(l->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
        l->timer_armed_for = want;
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
        timerfd_sync(l);
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
        heap_set(l, l->heap_len++, t);
        heap_up(l, l->heap_len - 1);
        timerfd_sync(l);
}

static void on_timerfd(struct loop_io *io, uint32_t events) {
        struct loop *l = container_of(io, struct loop, timer_io);
        uint64_t expirations;
        (void)events;
        (void)!read(l->timer_fd, &expirations, sizeof(expirations));
        l->timer_armed_for = 0;

        usec_t now = now_usec();
        while (l->heap_len && l->heap[0]->when <= now) {
                struct loop_timer *t = l->heap[0];
                loop_timer_disarm(l, t);
                t->fn(t);
        }
        timerfd_sync(l);
}

/* ---- lifecycle ---- */

int loop_new(struct loop **ret) {
        struct loop *l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        l->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (l->epoll_fd < 0 || l->timer_fd < 0)
                goto fail;
        if (loop_io_add(l, &l->timer_io, l->timer_fd, EPOLLIN, on_timerfd) < 0)
                goto fail;
        *ret = l;
        return 0;
fail:;
        int r = -errno;
        loop_free(l);
        return r;
}

void loop_free(struct loop *l) {
        if (!l)
                return;
        if (l->epoll_fd >= 0)
                close(l->epoll_fd);
        if (l->timer_fd >= 0)
                close(l->timer_fd);
        free(l->heap);
        free(l);
}

void loop_quit(struct loop *l) {
        l->quit = true;
}

int loop_run(struct loop *l) {
        while (!l->quit) {
                int n = epoll_wait(l->epoll_fd, l->batch, BATCH, -1);
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
