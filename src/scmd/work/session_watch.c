/* SPDX-License-Identifier: MIT */
/*
 * Logons and logoffs for native services' handlers: SESSIONCHANGE with
 * WTS_SESSION_LOGON or WTS_SESSION_LOGOFF and the session's number (the
 * login program's process id), to each service whose status accepts
 * SERVICE_ACCEPT_SESSIONCHANGE (core/system_event.c sends them).
 *
 * The sessions are utmp's (utmp.c).  One inotify descriptor watches the
 * file for writes and its folder for the file being created, renamed
 * over or removed (only those: the folder's other files do not wake
 * scmd), so an idle scmd sleeps.  At each change the sessions are read
 * again and compared with the last reading by process id: a new one is a
 * logon, one gone is a logoff.  Sessions that began before scmd did, or
 * while it was down, are taken as they are: no event for them.  When the
 * inotify queue overflowed, the file is read again as for a change; when a
 * writer holds the file's lock, it is read again RETRY_MS later.
 */
#include "session_watch.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <scm/types.h>

#include "log.h"
#include "loop.h"
#include "manager.h"
#include "system_event.h"
#include "utmp.h"

#define FILE_EVENTS (IN_MODIFY | IN_CLOSE_WRITE)
#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_ONLYDIR)
#define RETRY_MS 50

struct session_watch {
        struct manager *manager;
        int fd, dir_wd;
        char *base; /* the file's name in its folder */
        struct loop_io io;
        struct loop_timer retry; /* the file was locked by a writer */
        struct utmp_session *sessions;
        size_t count;
};

static struct session_watch *watch;

static bool has_pid(const struct utmp_session *v, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (v[i].pid == pid)
                        return true;
        return false;
}

static void tell(struct session_watch *w, const struct utmp_session *s, uint32_t what) {
        struct system_event ev = {.control = SCM_CONTROL_SESSIONCHANGE,
                                  .accept_bit = SCM_ACCEPT_SESSIONCHANGE,
                                  .event_type = what,
                                  .session_id = (uint32_t)s->pid};
        int n = system_event_send(w->manager, &ev);
        log_info("session %d of %s%s%s %s: told %d service%s", (int)s->pid, s->user,
                 s->line[0] ? " on " : "", s->line, what == SCM_SESSION_LOGON ? "began" : "ended",
                 n, n == 1 ? "" : "s");
}

static void on_retry(struct loop_timer *t);

static void compare(struct session_watch *w) {
        struct utmp_session *now;
        ssize_t n = utmp_sessions(&now);
        if (n == -EAGAIN) {
                if (!loop_timer_armed(&w->retry))
                        loop_timer_arm(w->manager->loop, &w->retry,
                                       now_usec() + RETRY_MS * USEC_PER_MSEC, on_retry);
                return;
        }
        if (n < 0) {
                log_warning("cannot read the login sessions from %s: %s", utmp_path(),
                            strerror((int)-n));
                return;
        }
        for (size_t i = 0; i < w->count; i++)
                if (!has_pid(now, (size_t)n, w->sessions[i].pid))
                        tell(w, &w->sessions[i], SCM_SESSION_LOGOFF);
        for (ssize_t i = 0; i < n; i++)
                if (!has_pid(w->sessions, w->count, now[i].pid))
                        tell(w, &now[i], SCM_SESSION_LOGON);
        free(w->sessions);
        w->sessions = now;
        w->count = (size_t)n;
}

static void on_retry(struct loop_timer *t) {
        compare(container_of(t, struct session_watch, retry));
}

/* Watches the file itself; it may not exist yet (the folder's watch will
 * tell when it does). */
static void watch_file(struct session_watch *w) {
        if (inotify_add_watch(w->fd, utmp_path(), FILE_EVENTS) < 0 && errno != ENOENT)
                log_warning("cannot watch %s: %m; logons will be noticed only as the file "
                            "is replaced",
                            utmp_path());
}

/* Whether the events in buf concern the file; re-watches it when it was
 * created or renamed into place. */
static bool concerns_file(struct session_watch *w, const char *buf, ssize_t len) {
        bool changed = false;
        for (const char *p = buf; p < buf + len;) {
                const struct inotify_event *e = (const void *)p;
                p += sizeof(*e) + e->len;
                if (e->mask & IN_Q_OVERFLOW) { /* events were lost: read it anyway */
                        changed = true;
                        continue;
                }
                if (e->wd != w->dir_wd) {
                        changed |= (e->mask & FILE_EVENTS) != 0;
                        continue;
                }
                if (e->len == 0 || strcmp(e->name, w->base) != 0)
                        continue;
                if (e->mask & (IN_CREATE | IN_MOVED_TO))
                        watch_file(w);
                changed = true;
        }
        return changed;
}

static void on_change(struct loop_io *io, uint32_t events) {
        struct session_watch *w = container_of(io, struct session_watch, io);
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;
        ssize_t len;
        (void)events;
        while ((len = read(w->fd, buf, sizeof(buf))) > 0)
                changed |= concerns_file(w, buf, len);
        if (changed)
                compare(w);
}

static void watch_free(struct session_watch *w) {
        if (w->fd >= 0)
                close(w->fd);
        free(w->base);
        free(w->sessions);
        free(w);
}

static int watch_open(struct session_watch *w) {
        char *dir = strdup(utmp_path()), *base = strdup(utmp_path());
        int r = dir && base ? 0 : -ENOMEM;
        if (r >= 0)
                w->base = strdup(basename(base));
        if (r >= 0 && !w->base)
                r = -ENOMEM;
        if (r >= 0)
                w->dir_wd = inotify_add_watch(w->fd, dirname(dir), DIR_EVENTS);
        if (r >= 0 && w->dir_wd < 0)
                r = -errno;
        free(dir);
        free(base);
        if (r >= 0)
                watch_file(w);
        return r;
}

/* The sessions there are at start: a writer's lock is waited out here,
 * briefly, since what is read now is taken without events. */
static ssize_t first_reading(struct utmp_session **ret) {
        ssize_t n = utmp_sessions(ret);
        for (int i = 0; n == -EAGAIN && i < 20; i++) {
                nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
                n = utmp_sessions(ret);
        }
        return n;
}

int session_watch_start(struct manager *m) {
        struct session_watch *w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->manager = m;
        w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        int r = w->fd < 0 ? -errno : watch_open(w);
        ssize_t n = r < 0 ? 0 : first_reading(&w->sessions);
        if (n < 0)
                r = (int)n;
        w->count = n < 0 ? 0 : (size_t)n;
        if (r >= 0)
                r = loop_io_add(m->loop, &w->io, w->fd, EPOLLIN, on_change);
        if (r < 0) {
                log_warning("cannot watch the login sessions in %s: %s; services will not hear "
                            "of logons",
                            utmp_path(), strerror(-r));
                watch_free(w);
                return r;
        }
        watch = w;
        return 0;
}

void session_watch_free(struct manager *m) {
        if (!watch)
                return;
        loop_timer_disarm(m->loop, &watch->retry);
        loop_io_remove(m->loop, &watch->io);
        watch_free(watch);
        watch = NULL;
}
