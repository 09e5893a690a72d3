/* SPDX-License-Identifier: MIT */
/*
 * Noticing that the wall clock was set, or that the machine slept, and
 * telling the services that asked (core/system_event.c): TIMECHANGE with
 * the time before and after, POWEREVENT PBT_APMRESUMEAUTOMATIC after a
 * resume.
 *
 * One CLOCK_REALTIME timerfd, armed ten years ahead with
 * TFD_TIMER_CANCEL_ON_SET: it never expires by itself, so an idle scmd is
 * not woken, and the kernel cancels it whenever the wall clock is set
 * (clock_settime, settimeofday, a stepping adjtimex) and on resume from
 * suspend, when it corrects the wall clock.  At each arm the offsets of
 * CLOCK_REALTIME and CLOCK_BOOTTIME from CLOCK_MONOTONIC are kept; at a
 * cancel, CLOCK_BOOTTIME having gained more than a second on
 * CLOCK_MONOTONIC means the machine was suspended (monotonic time stops
 * in suspend, boot time does not): a resume.  Otherwise the clock was
 * set: the old time is what the wall clock would read had it kept its
 * offset.  A suspend itself is not announced: that needs logind's
 * inhibitor, which scmd does not depend on (docs/porting-windows.md).
 */
#include "clock_watch.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <scm/types.h>

#include "log.h"
#include "loop.h"
#include "manager.h"
#include "system_event.h"

#define AHEAD_S (10LL * 365 * 24 * 3600)
#define SLEPT_US 1000000LL
/* FILETIME counts 100 ns from 1601-01-01; the Unix epoch is 11,644,473,600 s later. */
#define FILETIME_UNIX_EPOCH 116444736000000000LL

struct clock_watch {
        struct manager *manager;
        int fd;
        struct loop_io io;
        int64_t real_off_us, boot_off_us; /* REALTIME and BOOTTIME minus MONOTONIC */
};

static struct clock_watch *watch;

static int64_t clock_us(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t filetime_of(int64_t unix_us) {
        return unix_us * 10 + FILETIME_UNIX_EPOCH;
}

static int arm(struct clock_watch *w) {
        int64_t mono = clock_us(CLOCK_MONOTONIC), real = clock_us(CLOCK_REALTIME);
        w->real_off_us = real - mono;
        w->boot_off_us = clock_us(CLOCK_BOOTTIME) - mono;
        struct itimerspec its = {.it_value.tv_sec = (time_t)(real / 1000000 + AHEAD_S)};
        if (timerfd_settime(w->fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
                return -errno;
        return 0;
}

static void on_cancel(struct loop_io *io, uint32_t events) {
        struct clock_watch *w = container_of(io, struct clock_watch, io);
        uint64_t ticks;
        (void)events;
        bool set = read(w->fd, &ticks, sizeof(ticks)) < 0 && errno == ECANCELED;
        int64_t mono = clock_us(CLOCK_MONOTONIC), real = clock_us(CLOCK_REALTIME);
        int64_t slept = clock_us(CLOCK_BOOTTIME) - mono - w->boot_off_us;
        int64_t old_real = mono + w->real_off_us;
        if (arm(w) < 0)
                log_error("cannot watch the wall clock again: %m; services will not hear of "
                          "its changes");
        if (!set)
                return; /* ten years passed */
        if (slept > SLEPT_US) {
                struct system_event ev = {SCM_CONTROL_POWEREVENT, SCM_ACCEPT_POWEREVENT,
                                          SCM_POWER_RESUME_AUTOMATIC, 0, 0};
                int n = system_event_send(w->manager, &ev);
                log_info("the machine resumed after %.1f s asleep: told %d service%s",
                         (double)slept / 1e6, n, n == 1 ? "" : "s");
                return;
        }
        struct system_event ev = {SCM_CONTROL_TIMECHANGE, SCM_ACCEPT_TIMECHANGE, 0,
                                  filetime_of(real), filetime_of(old_real)};
        int n = system_event_send(w->manager, &ev);
        log_info("the wall clock was set (by %+.3f s): told %d service%s",
                 (double)(real - old_real) / 1e6, n, n == 1 ? "" : "s");
}

int clock_watch_start(struct manager *m) {
        struct clock_watch *w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->manager = m;
        w->fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
        int r = w->fd < 0 ? -errno : arm(w);
        if (r >= 0)
                r = loop_io_add(m->loop, &w->io, w->fd, EPOLLIN, on_cancel);
        if (r < 0) {
                log_warning("cannot watch the wall clock: %s; services will not hear of its "
                            "changes",
                            strerror(-r));
                if (w->fd >= 0)
                        close(w->fd);
                free(w);
                return r;
        }
        watch = w;
        return 0;
}

void clock_watch_free(struct manager *m) {
        if (!watch)
                return;
        loop_io_remove(m->loop, &watch->io);
        close(watch->fd);
        free(watch);
        watch = NULL;
}
