/* SPDX-License-Identifier: MIT */
/*
 * The event loop: one epoll set and a heap of deadlines, waited for in
 * epoll_pwait2().
 * Everything scmd reacts to (client sockets, pidfds, log pipes, signals,
 * exec reports, timeouts) is a struct loop_io or a struct loop_timer
 * embedded in the object it concerns; the loop only dispatches.  No heap
 * allocation happens per event.
 *
 * Invariant: an io removed with loop_io_remove() is never called again,
 * even when its event is already in the batch being dispatched, so an
 * owner may free itself from inside any callback.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

typedef uint64_t usec_t;
#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MSEC 1000ULL

/* CLOCK_MONOTONIC in microseconds. */
usec_t now_usec(void);

struct loop;
struct loop_io;
struct loop_timer;

typedef void loop_io_fn(struct loop_io *io, uint32_t events);
typedef void loop_timer_fn(struct loop_timer *t);

struct loop_io {
        int fd; /* -1 when not registered */
        loop_io_fn *fn;
};

/* 24 bytes: a service holds several. */
struct loop_timer {
        usec_t when;
        loop_timer_fn *fn;
        uint32_t heap_index; /* 0 when not armed; else index + 1 */
        unsigned armed_turn; /* the loop's turn when it was armed */
};

/* Creates a loop.  Returns 0 or -errno. */
int loop_new(struct loop **ret);
void loop_free(struct loop *l);

/* Watches fd for events (EPOLLIN, ...), calling fn.  io->fd is set; the
 * caller keeps owning fd.  Returns 0 or -errno. */
int loop_io_add(struct loop *l, struct loop_io *io, int fd, uint32_t events, loop_io_fn *fn);
int loop_io_modify(struct loop *l, struct loop_io *io, uint32_t events);
/* Stops watching; safe on an io that is not registered. */
void loop_io_remove(struct loop *l, struct loop_io *io);
static inline bool loop_io_active(const struct loop_io *io) {
        return io->fn && io->fd >= 0;
}

/* Arms (or re-arms) t to call fn at the monotonic time when. */
void loop_timer_arm(struct loop *l, struct loop_timer *t, usec_t when, loop_timer_fn *fn);
void loop_timer_disarm(struct loop *l, struct loop_timer *t);
static inline bool loop_timer_armed(const struct loop_timer *t) {
        return t->heap_index != 0;
}

/* Runs until loop_quit().  Returns 0, or -errno when epoll itself fails. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l);
