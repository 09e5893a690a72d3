/* SPDX-License-Identifier: MIT */
/*
 * Socket activation (activation.h).
 *
 * Each service that declares sockets has an entry here: its socket texts
 * (as stored), the bound descriptors, and one loop_io per descriptor.
 * scmd holds the sockets for as long as the service declares them, also
 * while it runs and across its stops, so a connection that comes while it
 * is stopped or restarting waits in the backlog and is never refused.
 *
 * The descriptors are watched (EPOLLIN) only while the service is
 * STOPPED: the first connection or datagram starts it (as a failure
 * action's restart does: dependencies first, nobody waiting) and the
 * watch stops at once, so the pending connection, which the service will
 * accept, does not wake scmd again.  When the service is STOPPED again
 * the watch resumes.  A start that fails at once is tried again on the
 * next connection, no sooner than RETRY_DELAY later; a service whose runs
 * fail (a program that exits with an error at once, while its client
 * waits in the backlog) is started at most FAILED_BURST times in
 * FAILED_WINDOW_SEC, then its sockets wait that long before they start it
 * again: no start loop at full speed.
 *
 * A service whose idle_stop_ms is set (a process setting) is stopped once
 * it has had no client for that long.  While it runs, scmd watches its
 * sockets edge-triggered: one wake-up when a connection or datagram
 * arrives to an empty queue, which re-arms the idle timer; when the timer
 * is up, an arrival the kernel counted meanwhile (socket_arrivals.c: the
 * service may take one before scmd is woken for it) or a connection the
 * service accepted and still has open (socket_clients.c) keeps it running
 * another period.  No periodic wake-up while nothing happens but the
 * timer's, once a period.  It is stopped as a stop trigger stops: not
 * while a service that depends on it runs.
 *
 * A service whose accept_connections is set (a process setting) has no
 * process of its own: its connections are accepted by scmd, which starts
 * an instance of the service for each (work/instance.c), at most
 * accept_connections at once; further connections wait in the backlog.
 * Its start (core/process.c's accept_start hook) checks that it has a
 * listening stream socket and that an instance could be prepared, and it
 * is RUNNING on the loop's next turn; while it runs scmd watches its
 * stream sockets (level-triggered) and accepts until the cap, when the
 * watch stops until an instance has gone.  A stop signals the instances
 * (the instances_signal hook, from process_signal() and service_kill()) and the service is STOPPED
 * once the last has gone.  Its datagram sockets are bound but unused: there is no connection to
 * hand over.  Its idle stop counts instances instead of the kernel's tables: it is stopped once it
 * has had none for idle_stop_ms.
 *
 * At each spawn core/process.c asks for the descriptors
 * (activation_listen_fds()), and exec/spawn.c puts them at 3, 4, ... in
 * the child with LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES: what
 * sd_listen_fds() reads, so daemons written for systemd's socket
 * activation work unchanged.  A native service's descriptor 3 is its
 * control channel: its sockets go at 4, 5, ... with SCM_LISTEN_FDS,
 * SCM_LISTEN_PID and SCM_LISTEN_FDNAMES, which libscm's scm_listen_fds()
 * reads (and no sd_listen_fds() takes for its own).
 */
#include "activation.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "db_text_list.h"
#include "depend.h"
#include "instance.h"
#include "listen.h"
#include "listen_held.h"
#include "log.h"
#include "loop.h"
#include "manager.h"
#include "process.h"
#include "process_config.h"
#include "registry.h"
#include "service.h"
#include "socket_arrivals.h"
#include "socket_clients.h"

#define RETRY_DELAY (2 * USEC_PER_SEC)
#define FAILED_BURST 5
#define FAILED_WINDOW_SEC 10
#define SOCKETS_MAX 16

struct activated;

struct activation_io {
        struct activated *owner;
        struct loop_io io;
};

struct activated {
        struct activated *next;
        struct service *service;
        char **specs;
        size_t n;
        int fds[SOCKETS_MAX];
        struct listen_id ids[SOCKETS_MAX]; /* a Unix socket's file (listen_held.c) */
        bool stream[SOCKETS_MAX];          /* a listening stream socket (connections to accept) */
        char *errors[SOCKETS_MAX];         /* why a socket is not bound, or NULL */
        struct activation_io ios[SOCKETS_MAX];
        struct socket_arrivals arrivals[SOCKETS_MAX]; /* counted while it runs with an idle stop */
        char *names;                                  /* "a:b:c" */
        bool watching;
        struct loop_timer retry;
        struct log_ratelimit failed_runs; /* FAILED_BURST in FAILED_WINDOW_SEC */
        usec_t last_failure;
        struct loop_timer idle; /* the idle stop, while it runs */
        /* An instance per connection: the event the table hears on the
         * loop's next turn (EV_SPAWNED once the accepting has begun,
         * EV_EXITED once a stop has no instance left). */
        struct loop_timer settle;
        enum svc_event settle_event;
        bool accept_run; /* this run of the service is scmd's accepting (accept_start) */
        uint32_t cap;    /* its instances at most, this run (a cap set to 0 waits for a stop) */
        bool stdio;      /* this run's instances take the connection on stdin and stdout */
        bool at_cap;     /* not watching: as many instances as it may have */
        bool cap_said;   /* the log has said so this run */
};

static struct activated *entries;

static struct activated *find(const struct service *s) {
        for (struct activated *a = entries; a; a = a->next)
                if (a->service == s)
                        return a;
        return NULL;
}

static void unwatch(struct activated *a) {
        struct loop *l = a->service->manager->loop;
        for (size_t i = 0; i < a->n; i++)
                loop_io_remove(l, &a->ios[i].io);
        a->watching = false;
}

static void on_ready(struct loop_io *io, uint32_t events);
static void on_activity(struct loop_io *io, uint32_t events);

/* Its connections are accepted by scmd, an instance for each. */
static bool accepts(const struct service *s) {
        return s->config.process && s->config.process->accept_connections;
}

static void watch_with(struct activated *a, uint32_t events, loop_io_fn *fn) {
        if (a->watching)
                return;
        struct loop *l = a->service->manager->loop;
        bool stream_only = accepts(a->service); /* no datagram is ever read */
        for (size_t i = 0; i < a->n; i++)
                if (a->fds[i] >= 0 && (a->stream[i] || !stream_only))
                        loop_io_add(l, &a->ios[i].io, a->fds[i], events, fn);
        a->watching = true;
}

/* Stopped: the first client starts it. */
static void watch(struct activated *a) {
        watch_with(a, EPOLLIN, on_ready);
}

/* ---- the idle stop ---- */

static uint32_t idle_ms(const struct service *s) {
        return s->config.process ? s->config.process->idle_stop_ms : 0;
}

static void on_idle(struct loop_timer *t);

static void idle_rearm(struct activated *a) {
        loop_timer_arm(a->service->manager->loop, &a->idle,
                       now_usec() + (usec_t)idle_ms(a->service) * USEC_PER_MSEC, on_idle);
}

/* Whether the kernel counted an arrival at one of its sockets since the
 * last look (all are looked at: each count is then seen). */
static bool arrived(struct activated *a) {
        bool any = false;
        for (size_t i = 0; i < a->n; i++)
                any |= socket_arrivals_new(&a->arrivals[i]);
        return any;
}

static void on_activity(struct loop_io *io, uint32_t events) {
        (void)events;
        struct activated *a = container_of(io, struct activation_io, io)->owner;
        arrived(a); /* this period counts from now */
        idle_rearm(a);
}

static void on_idle(struct loop_timer *t) {
        struct activated *a = container_of(t, struct activated, idle);
        struct service *s = a->service;
        if (s->state != SCM_STATE_RUNNING || !idle_ms(s))
                return;
        if (a->accept_run && instance_count(s))
                return; /* re-armed when its last instance has gone */
        if ((!a->accept_run && (arrived(a) || socket_clients(a->fds, a->n))) ||
            depend_dependents_running(s)) {
                idle_rearm(a); /* a client came or is still connected, or it is needed */
                return;
        }
        log_info("service %s: no client came to its sockets for %u ms: stopping it", s->config.name,
                 (unsigned)idle_ms(s));
        int r = service_stop(s);
        if (r < 0)
                log_warning("service %s: its idle stop failed: %s", s->config.name,
                            scm_error_name(scm_error_win32(r)) ?: strerror(-r));
}

/* Running with an idle stop: every arrival re-arms the timer.  The
 * service may take an arrival before scmd is woken for it; the kernel's
 * count (socket_arrivals.c) sees those when the period is up. */
static void watch_activity(struct activated *a) {
        for (size_t i = 0; i < a->n; i++)
                if (a->fds[i] >= 0 && !a->arrivals[i].count)
                        socket_arrivals_count(&a->arrivals[i], a->fds[i]);
        arrived(a); /* what came before (the client that started it) is seen */
        watch_with(a, EPOLLIN | EPOLLET, on_activity);
        idle_rearm(a);
}

/* ---- the sockets, bound or taken back ----
 * Each bound socket has a copy in the descriptor holder (listen_held.c):
 * a re-execution or a crash of scmd closes no socket (a client in between
 * waits in its backlog, a running service's socket stays the one at its
 * address), and the next scmd takes each one back while it is still what
 * the configuration says. */

/* Lets socket i go: the holder's copy first, waited for (its address is
 * then free for a new bind), then scmd's. */
static void let_go(struct activated *a, size_t i) {
        if (a->fds[i] >= 0) {
                listen_held_drop(a->service->manager->fdholder, a->service->config.name, i,
                                 &a->ids[i]);
                close(a->fds[i]);
        }
        socket_arrivals_end(&a->arrivals[i]);
        a->fds[i] = -1;
        free(a->errors[i]);
        a->errors[i] = NULL;
}

/* Stops watching and lets every socket go but those keep marks (NULL:
 * none), which stay bound and held at their place. */
static void close_all(struct activated *a, const bool *keep) {
        unwatch(a);
        a->at_cap = false;
        loop_timer_disarm(a->service->manager->loop, &a->retry);
        loop_timer_disarm(a->service->manager->loop, &a->idle);
        for (size_t i = 0; i < a->n; i++)
                if (!keep || !keep[i])
                        let_go(a, i);
        strv_free(a->specs);
        a->specs = NULL;
        free(a->names);
        a->names = NULL;
        a->n = 0;
}

/* Binds socket i (its spec parsed as *spec), or takes it back from the
 * holder; a failure is kept for query_sockets and logged. */
static void bind_one(struct activated *a, size_t i, struct listen_spec *spec) {
        struct manager *m = a->service->manager;
        const char *name = a->service->config.name;
        _cleanup_free_ char *why = NULL;
        a->fds[i] = -1;
        a->stream[i] = false;
        int r = listen_parse(a->specs[i], name, spec, &why);
        if (r >= 0 && (r = listen_held_take(m->fdholder, name, i, spec, &a->ids[i])) < 0 &&
            (r = listen_bind(spec, &a->ids[i])) < 0 &&
            asprintf(&why, "cannot bind it: %s", strerror(-r)) < 0)
                why = NULL;
        if (r < 0) {
                log_warning("service %s: socket '%s' is not listening: %s", name, a->specs[i],
                            why ? why : "out of memory");
                a->errors[i] = why ? TAKE_PTR(why) : NULL;
                snprintf(spec->name, sizeof(spec->name), "%s", "unbound");
                return;
        }
        a->fds[i] = r;
        a->stream[i] = listen_is_stream(spec);
        r = listen_held_put(m->fdholder, name, i, r, &a->ids[i]);
        if (r < 0)
                log_warning("service %s: the descriptor holder did not take socket '%s' (%s): a "
                            "restart of scmd would close it",
                            name, a->specs[i], strerror(-r));
}

/* Binds every socket of a (its specs set) but those keep marks (NULL:
 * none), which are bound already; names them all. */
static void bind_all(struct activated *a, const bool *keep) {
        size_t len = 1;
        for (size_t i = 0; i < a->n; i++) {
                struct listen_spec spec;
                a->ios[i].owner = a;
                a->ios[i].io.fd = -1;
                if (keep && keep[i]) {
                        _cleanup_free_ char *why = NULL;
                        if (listen_parse(a->specs[i], a->service->config.name, &spec, &why) < 0)
                                snprintf(spec.name, sizeof(spec.name), "%s", "unbound");
                } else {
                        bind_one(a, i, &spec);
                }
                len += strlen(spec.name) + 1;
                char *names = realloc(a->names, len);
                if (!names)
                        continue;
                if (!a->names)
                        names[0] = '\0';
                a->names = names;
                if (i)
                        strcat(a->names, ":");
                strcat(a->names, spec.name);
        }
}

/* ---- an instance per connection ---- */

static void on_accept(struct loop_io *io, uint32_t events);
static void on_retry(struct loop_timer *t);

static uint32_t accept_cap(const struct service *s) {
        return s->config.process ? s->config.process->accept_connections : 0;
}

/* This run takes the configuration's cap and stdio; a cap of 0 (the
 * service accepts itself, from its next start) leaves the run as it was:
 * a run without a cap would accept nothing and never end. */
static void accept_take_config(struct activated *a) {
        struct service *s = a->service;
        if (!accept_cap(s)) {
                log_info("service %s: accept_connections 0 applies from its next start; until "
                         "it stops, scmd accepts on, at most %u instances at once",
                         s->config.name, (unsigned)a->cap);
                return;
        }
        a->cap = accept_cap(s);
        a->stdio = s->config.process->accept_stdio;
}

/* Running: its stream sockets are watched while it has fewer instances
 * than it may; at the cap, connections wait in the backlog. */
static void accept_watch(struct activated *a) {
        a->at_cap = instance_count(a->service) >= a->cap;
        if (!a->at_cap)
                watch_with(a, EPOLLIN, on_accept);
}

static void on_settle(struct loop_timer *t) {
        struct activated *a = container_of(t, struct activated, settle);
        service_dispatch(a->service, a->settle_event); /* may free a (STOPPED, no sockets) */
}

/* The table hears event on the loop's next turn (not inside the
 * transition that asked for it). */
static void settle(struct activated *a, enum svc_event event) {
        a->settle_event = event;
        loop_timer_arm(a->service->manager->loop, &a->settle, now_usec(), on_settle);
}

/* The client in words, for the log: an address, or a Unix peer's pid. */
static void peer_text(int fd, const struct sockaddr_storage *sa, char *buf, size_t size) {
        char host[INET6_ADDRSTRLEN] = "";
        struct ucred cred;
        socklen_t len = sizeof(cred);
        if (sa->ss_family == AF_INET) {
                const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
                inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
                snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
        } else if (sa->ss_family == AF_INET6) {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
                inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
                snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
        } else if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
                snprintf(buf, size, "pid %d (uid %u)", (int)cred.pid, (unsigned)cred.uid);
        } else {
                snprintf(buf, size, "a Unix socket");
        }
}

static void on_instance_gone(struct instance *i, void *userdata) {
        struct service *s = userdata;
        struct activated *a = find(s);
        (void)i;
        if (!a || !a->accept_run)
                return;
        unsigned left = instance_count(s);
        if (s->state == SCM_STATE_STOP_PENDING && !left)
                settle(a, EV_EXITED); /* the stop is complete */
        if (s->state != SCM_STATE_RUNNING)
                return;
        if (a->at_cap)
                accept_watch(a);
        if (!left && idle_ms(s))
                idle_rearm(a);
}

/* One connection taken from the backlog and given to a new instance; false
 * when there is none now (or accept() fails: tried again later). */
static bool accept_one(struct activated *a, int fd) {
        struct service *s = a->service;
        struct sockaddr_storage sa = {0};
        socklen_t len = sizeof(sa);
        int c = accept4(fd, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
        if (c < 0 && (errno == EINTR || errno == ECONNABORTED))
                return true;
        if (c < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                        log_warning("service %s: cannot accept a connection: %m; trying again "
                                    "in %llu s",
                                    s->config.name, RETRY_DELAY / USEC_PER_SEC);
                        unwatch(a);
                        loop_timer_arm(s->manager->loop, &a->retry, now_usec() + RETRY_DELAY,
                                       on_retry);
                }
                return false;
        }
        char peer[96];
        peer_text(c, &sa, peer, sizeof(peer));
        int r = instance_start(s, c, a->stdio, peer, on_instance_gone, s);
        close(c); /* the instance has its own; a failed one's client sees the end */
        if (r >= 0) {
                loop_timer_disarm(s->manager->loop, &a->idle);
                return true;
        }
        /* scmd could not make it (descriptors, memory, processes): the
         * next connections wait in the backlog for a while rather than be
         * taken and closed one after the other. */
        log_warning_limited(&s->instance_warnings, s->config.name, "%s; accepting again in %llu s",
                            s->last_error ? s->last_error : "an instance did not start",
                            RETRY_DELAY / USEC_PER_SEC);
        unwatch(a);
        loop_timer_arm(s->manager->loop, &a->retry, now_usec() + RETRY_DELAY, on_retry);
        return false;
}

static void on_accept(struct loop_io *io, uint32_t events) {
        struct activated *a = container_of(io, struct activation_io, io)->owner;
        struct service *s = a->service;
        (void)events;
        if (!a->accept_run || s->state != SCM_STATE_RUNNING)
                return;
        while (instance_count(s) < a->cap)
                if (!accept_one(a, io->fd))
                        return;
        /* Said once a run: a busy service reaches its cap at every connection. */
        log_msg(a->cap_said ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO,
                "service %s: %u instances run, as many as it may have at once: further "
                "connections wait",
                s->config.name, instance_count(s));
        a->cap_said = true;
        unwatch(a);
        a->at_cap = true;
}

int activation_accept_start(struct service *s) {
        struct activated *a = find(s);
        bool listening = false;
        for (size_t i = 0; a && i < a->n; i++)
                listening = listening || (a->fds[i] >= 0 && a->stream[i]);
        if (!listening) {
                service_set_last_error(s,
                                       "service %s: scmd accepts its connections, and no stream "
                                       "socket of its is listening (scctl sockets %s)",
                                       s->config.name, s->config.name);
                return SCM_ERR(SCM_ERROR_NOT_FOUND);
        }
        /* What every instance needs (its account, its program, its
         * environment files) is checked now: a bad configuration fails the
         * start, not each connection. */
        struct process_prep prep;
        int r = process_prepare(s, s->config.command_line, NULL, &prep);
        if (r < 0)
                return r;
        process_prep_clear(&prep);
        a->accept_run = true;
        accept_take_config(a);
        manager_track(s->manager, s); /* active: the shutdown stops it and waits */
        settle(a, EV_SPAWNED);
        return 0;
}

/* Its accepting run, as the service's state moves (not STOPPED). */
static void accept_state_changed(struct activated *a) {
        struct service *s = a->service;
        if (s->state == SCM_STATE_RUNNING) {
                unwatch(a);
                accept_watch(a);
                if (idle_ms(s) && !instance_count(s))
                        idle_rearm(a);
        } else if (s->state == SCM_STATE_STOP_PENDING) {
                unwatch(a);
                loop_timer_disarm(s->manager->loop, &a->idle);
                if (!instance_count(s))
                        settle(a, EV_EXITED); /* nothing to wait for (also a start under way) */
        }
}

/* STOPPED: its accepting run is over (every instance has gone). */
static void accept_run_end(struct activated *a) {
        a->accept_run = false;
        a->at_cap = a->cap_said = false;
        loop_timer_disarm(a->service->manager->loop, &a->settle);
        manager_untrack(a->service->manager, a->service);
}

static void on_retry(struct loop_timer *t) {
        struct activated *a = container_of(t, struct activated, retry);
        if (a->service->state == SCM_STATE_STOPPED)
                watch(a);
        else if (a->accept_run && a->service->state == SCM_STATE_RUNNING)
                accept_watch(a);
}

static void on_ready(struct loop_io *io, uint32_t events) {
        struct activated *a = container_of(io, struct activation_io, io)->owner;
        struct service *s = a->service;
        (void)events;
        unwatch(a); /* the service takes the connection; no wake-up until it stops */
        if (s->state != SCM_STATE_STOPPED)
                return;
        log_info("service %s: a client came to its socket: starting it", s->config.name);
        _cleanup_free_ char *why = NULL;
        int r = depend_start_service(s, &why);
        if (r < 0) {
                log_warning("service %s: the start its socket asked for failed: %s",
                            s->config.name, why ? why : scm_error_name(scm_error_win32(r)) ?: strerror(-r));
                loop_timer_arm(s->manager->loop, &a->retry, now_usec() + RETRY_DELAY, on_retry);
        }
}

static int entry_for(struct service *s, struct activated **ret) {
        struct activated *a = find(s);
        if (!a) {
                a = calloc(1, sizeof(*a));
                if (!a)
                        return -ENOMEM;
                a->service = s;
                a->next = entries;
                entries = a;
        }
        *ret = a;
        return 0;
}

static void entry_free(struct activated *a) {
        close_all(a, NULL);
        loop_timer_disarm(a->service->manager->loop, &a->settle);
        for (struct activated **p = &entries; *p; p = &(*p)->next)
                if (*p == a) {
                        *p = a->next;
                        break;
                }
        free(a);
}

/* Takes specs (a NULL-terminated vector).  A socket whose text is
 * unchanged at its place is kept as it is (bound, held, its clients
 * queued); the others are let go and bound anew. */
static void publish(struct service *s, char **specs) {
        struct activated *a = find(s);
        if (!specs || !specs[0]) {
                strv_free(specs);
                if (a && a->accept_run)
                        close_all(a, NULL); /* its run goes on until STOPPED, with no socket */
                else if (a)
                        entry_free(a);
                return;
        }
        if (!a && entry_for(s, &a) < 0) {
                strv_free(specs);
                return;
        }
        size_t n = 0;
        while (n < SOCKETS_MAX && specs[n])
                n++;
        bool keep[SOCKETS_MAX] = {false};
        for (size_t i = 0; i < a->n && i < n; i++)
                keep[i] = a->fds[i] >= 0 && strcmp(a->specs[i], specs[i]) == 0;
        close_all(a, keep);
        a->specs = specs;
        a->n = n;
        bind_all(a, keep);
        if (s->state == SCM_STATE_STOPPED)
                watch(a);
        else if (a->accept_run && s->state == SCM_STATE_RUNNING)
                accept_watch(a);
        else if (s->state == SCM_STATE_RUNNING && idle_ms(s))
                watch_activity(a); /* taken back running by this scmd, or its list set */
}

/* After the sockets nobody took back were let go: a service with a
 * socket that could not be bound (its address was held for it) has its
 * list set again, which binds those and keeps the others. */
static void bind_failed(void) {
        for (struct activated *a = entries; a; a = a->next) {
                bool failed = false;
                for (size_t i = 0; i < a->n; i++)
                        failed = failed || a->fds[i] < 0;
                char **copy = failed ? strv_copy(a->specs) : NULL;
                if (copy)
                        publish(a->service, copy);
        }
}

int activation_start(struct manager *m, struct fdholder_entry *kept, size_t n_kept) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        if (n < 0)
                return (int)n;
        listen_held_begin(kept, n_kept);
        for (ssize_t i = 0; i < n; i++) {
                char **specs = NULL;
                int r = db_text_list_load(m->db, DB_LIST_SOCKETS, all[i]->id, &specs);
                if (r < 0)
                        log_warning("service %s: cannot load its sockets: %s", all[i]->config.name,
                                    strerror(-r));
                else if (specs)
                        publish(all[i], specs);
        }
        if (listen_held_end(m->fdholder) > 0)
                bind_failed();
        return 0;
}

void activation_free(struct manager *m) {
        (void)m;
        while (entries) {
                instance_abandon_all(entries->service); /* none after a clean shutdown */
                entry_free(entries);
        }
}

void activation_before_exec(struct manager *m) {
        (void)m;
        for (struct activated *a = entries; a; a = a->next) {
                instance_abandon_all(a->service);
                for (size_t i = 0; i < a->n; i++)
                        if (a->fds[i] >= 0)
                                socket_arrivals_detach(&a->arrivals[i], a->fds[i]);
        }
}

/* STOPPED: the watch resumes, unless its runs keep failing. */
static void watch_unless_failing(struct activated *a) {
        struct service *s = a->service;
        if (!s->win32_exit_code ||
            ratelimit_take(&a->failed_runs, FAILED_BURST, FAILED_WINDOW_SEC)) {
                watch(a);
                return;
        }
        if (a->failed_runs.suppressed == 1)
                log_warning("service %s: more than %d of its runs failed within %d s; its sockets "
                            "start it again in %d s",
                            s->config.name, FAILED_BURST, FAILED_WINDOW_SEC, FAILED_WINDOW_SEC);
        loop_timer_arm(s->manager->loop, &a->retry,
                       now_usec() + (usec_t)FAILED_WINDOW_SEC * USEC_PER_SEC, on_retry);
}

void activation_state_changed(struct service *s, enum scm_state old) {
        struct activated *a = find(s);
        if (!a)
                return;
        struct loop *l = s->manager->loop;
        if (s->state == SCM_STATE_STOPPED) {
                if (a->accept_run)
                        accept_run_end(a);
                loop_timer_disarm(l, &a->idle);
                unwatch(a);
                if (!a->n)
                        entry_free(a); /* its sockets were cleared while it ran */
                else if (!loop_timer_armed(&a->retry))
                        watch_unless_failing(a);
        } else if (a->accept_run) {
                accept_state_changed(a);
        } else if (s->state == SCM_STATE_RUNNING && idle_ms(s) && old != SCM_STATE_RUNNING) {
                unwatch(a);
                watch_activity(a);
        } else if (s->state != SCM_STATE_RUNNING) {
                unwatch(a);
        }
}

void activation_config_changed(struct service *s) {
        struct activated *a = find(s);
        if (!a)
                return;
        struct loop *l = s->manager->loop;
        if (s->state == SCM_STATE_STOPPED && a->watching) {
                unwatch(a); /* whether it accepts decides which sockets start it */
                watch(a);
        }
        if (s->state != SCM_STATE_RUNNING)
                return;
        if (a->accept_run) {
                accept_take_config(a);
                unwatch(a); /* its cap may have changed */
                accept_watch(a);
                if (!idle_ms(s))
                        loop_timer_disarm(l, &a->idle);
                else if (!instance_count(s))
                        idle_rearm(a);
        } else if (idle_ms(s)) {
                if (a->watching)
                        idle_rearm(a); /* a new period, from now */
                else
                        watch_activity(a);
        } else {
                unwatch(a);
                loop_timer_disarm(l, &a->idle);
        }
}

void activation_service_deleted(struct service *s) {
        struct activated *a = find(s);
        instance_abandon_all(s); /* none: it is deleted stopped */
        if (a)
                entry_free(a);
}

size_t activation_listen_fds(struct service *s, const int **ret_fds, const char **ret_names) {
        struct activated *a = find(s);
        if (!a || !a->n)
                return 0;
        *ret_fds = a->fds;
        *ret_names = a->names ? a->names : "";
        return a->n;
}

int activation_set(struct service *s, char **specs, char **ret_error) {
        *ret_error = NULL;
        size_t n = 0;
        while (specs && specs[n])
                n++;
        if (n > SOCKETS_MAX)
                return asprintf(ret_error, "a service has at most %d sockets", SOCKETS_MAX) < 0
                               ? SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY)
                               : SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        for (size_t i = 0; i < n; i++) {
                struct listen_spec spec;
                _cleanup_free_ char *why = NULL;
                int r = listen_parse(specs[i], s->config.name, &spec, &why);
                if (r < 0)
                        return asprintf(ret_error, "socket %zu: %s", i + 1,
                                        why ? why : "out of memory") < 0
                                       ? SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY)
                                       : SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        }
        char **copy = n ? strv_copy(specs) : NULL;
        if (n && !copy)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        int r = db_text_list_save(s->manager->db, DB_LIST_SOCKETS, s->id, specs);
        if (r < 0) {
                strv_free(copy);
                if (asprintf(ret_error,
                             "the database could not be written (%s); nothing was "
                             "changed",
                             strerror(-r)) < 0)
                        *ret_error = NULL;
                return SCM_ERR(SCM_ERROR_SERVICE_DATABASE_LOCKED);
        }
        publish(s, copy);
        return 0;
}

uint32_t activation_accept_cap(const struct service *s) {
        const struct activated *a = find(s);
        return a && a->accept_run ? a->cap : accept_cap(s);
}

size_t activation_query(struct service *s, char ***ret_specs, const char ***ret_errors) {
        struct activated *a = find(s);
        if (!a)
                return 0;
        *ret_specs = a->specs;
        *ret_errors = (const char **)a->errors;
        return a->n;
}
