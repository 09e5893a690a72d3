/* SPDX-License-Identifier: MIT */
/*
 * An instance per connection (instance.h).
 *
 * An instance is made as the service's own process would be
 * (process_prepare(): its account, privileges, sandbox, fences, system-call
 * filter, limits and environment), its output going to the service's log,
 * in a cgroup of its own, "NAME.conn-N.service" (N counting the instances
 * this scmd has made), with the service's resource limits and network
 * rules: a limit holds per instance, as it does for each of systemd's
 * per-connection units.  The connection is its descriptor 3 with
 * LISTEN_FDS=1, LISTEN_PID and LISTEN_FDNAMES=connection (what
 * sd_listen_fds() reads, and the name systemd gives it), and with
 * accept_stdio also its stdin and stdout, as inetd gives it; stderr stays
 * the log.  It gets no secrets and runs no commands: those belong to a
 * service's one process.
 *
 * An instance ends when its main process does: SIGCHLD reaches the
 * supervisor, which hands every child that is no service's main process
 * to instance_child_exited() before reaping it (as it does a task's run),
 * so the exit status is read once, here, and logged.  What the process
 * left in its cgroup is killed, and the instance has gone once the cgroup
 * is empty (5 s at most): only then does work/activation.c hear of it, so
 * a service is STOPPED only when no process of any instance is left.
 */
#include "instance.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <scm/error.h>

#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "logcapture.h"
#include "loop.h"
#include "manager.h"
#include "netfilter.h"
#include "process.h"
#include "process_config.h"
#include "resource.h"
#include "service.h"
#include "service_config.h"
#include "spawner.h"

/* How long the processes an instance left may take to go once killed. */
#define DRAIN_TIMEOUT (5 * USEC_PER_SEC)

struct instance {
        struct instance *next; /* every instance of every service, for the reaping */
        struct service *service;
        unsigned long number; /* N of its cgroup folder's name */
        pid_t pid;
        int report_fd;              /* spawn.c's exec report, read at its end; -1: settled */
        struct spawn_report report; /* settled at the spawn: its outcome */
        int cgroup_fd;              /* -1: none (held by its process group) */
        char *cgroup_name;
        int events_fd; /* cgroup.events while what it left is killed */
        struct loop_io events_io;
        struct loop_timer drain_timer;
        struct log_capture log;
        char peer[96];
        bool exited; /* its main process has ended; the rest is going */
        instance_gone_fn *gone;
        void *userdata;
};

static struct instance *instances;
static unsigned long instances_made;

static void unlink_instance(struct instance *i) {
        for (struct instance **p = &instances; *p; p = &(*p)->next)
                if (*p == i) {
                        *p = i->next;
                        return;
                }
}

/* Lets go of i's handles; it is no longer in the list. */
static void instance_free(struct instance *i) {
        struct manager *m = i->service->manager;
        loop_timer_disarm(m->loop, &i->drain_timer);
        loop_io_remove(m->loop, &i->events_io);
        if (i->events_fd >= 0)
                close(i->events_fd);
        if (i->report_fd >= 0)
                close(i->report_fd);
        if (i->cgroup_fd >= 0)
                close(i->cgroup_fd);
        if (i->cgroup_name && m->cgroup_base_fd >= 0)
                cgroup_service_remove(m->cgroup_base_fd, i->cgroup_name);
        log_capture_close(&i->log);
        free(i->cgroup_name);
        free(i);
}

static int fail_errno(struct service *s, const char *what, int e) {
        service_set_last_error(s, "service %s: cannot %s for a connection: %s", s->config.name,
                               what, strerror(e));
        return SCM_ERR(scm_error_from_errno(e));
}

/* Its cgroup folder, with the service's limits and network rules written
 * before the process is in it.  Without cgroups, or when the folder cannot
 * be made, it is held by its process group, as a service's process is. */
static int open_cgroup(struct instance *i) {
        struct service *s = i->service;
        int base = s->manager->cgroup_base_fd;
        _cleanup_free_ char *fname = service_file_name(s->config.name);
        if (base < 0)
                return 0;
        if (!fname || asprintf(&i->cgroup_name, "%s.conn-%lu.service", fname, i->number) < 0) {
                i->cgroup_name = NULL;
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        i->cgroup_fd = cgroup_service_open(base, i->cgroup_name);
        if (i->cgroup_fd < 0)
                log_warning("service %s: no cgroup for an instance (%s); holding it by process "
                            "group",
                            s->config.name, strerror(-i->cgroup_fd));
        int r = resource_apply(s, i->cgroup_fd);
        if (r < 0)
                return r;
        _cleanup_free_ char *why = NULL;
        r = netfilter_attach(i->cgroup_fd, s->config.fences, &why);
        if (r < 0) {
                service_set_last_error(s, "service %s: %s", s->config.name,
                                       why ? why : strerror(-r));
                return SCM_ERR(r == -EOPNOTSUPP ? SCM_ERROR_NOT_SUPPORTED
                                                : scm_error_from_errno(-r));
        }
        return 0;
}

static int spawn_instance(struct instance *i, int conn_fd, bool on_stdio) {
        struct service *s = i->service;
        struct process_prep prep;
        int r = process_prepare(s, s->config.command_line, NULL, &prep);
        if (r < 0)
                return r;
        _cleanup_close_ int out_fd = -1;
        int e = log_capture_open(&i->log, s->manager->loop, s->log_path, &out_fd);
        r = e < 0 ? fail_errno(s, "capture its output", -e) : open_cgroup(i);
        if (r >= 0) {
                struct spawn_request req;
                process_request(s, &prep, &req);
                req.stdout_fd = out_fd;
                req.cgroup_fd = i->cgroup_fd;
                req.listen_fds = &conn_fd;
                req.n_listen_fds = 1;
                req.listen_names = "connection";
                req.listen_stdio = on_stdio;
                req.report_in_result = true;
                req.no_pidfd = true; /* the supervisor's SIGCHLD tells of its end */
                struct spawn_result res;
                e = spawn_process(&req, &res);
                if (e < 0) {
                        r = fail_errno(s, "create a process", -e);
                } else {
                        i->pid = res.pid;
                        i->report_fd = res.report_fd;
                        i->report = res.report;
                }
        }
        process_prep_clear(&prep);
        return r;
}

int instance_start(struct service *s, int conn_fd, bool on_stdio, const char *peer,
                   instance_gone_fn *gone, void *userdata) {
        struct instance *i = calloc(1, sizeof(*i));
        if (!i)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        *i = (struct instance){.service = s,
                               .number = ++instances_made,
                               .report_fd = -1,
                               .report = {.stage = -1},
                               .cgroup_fd = -1,
                               .events_fd = -1,
                               .gone = gone,
                               .userdata = userdata};
        i->events_io.fd = -1;
        log_capture_init(&i->log);
        snprintf(i->peer, sizeof(i->peer), "%s", peer);
        int r = spawn_instance(i, conn_fd, on_stdio);
        if (r < 0) {
                instance_free(i);
                return r;
        }
        i->next = instances;
        instances = i;
        log_info("service %s: instance %lu, for a connection from %s, runs as pid %d",
                 s->config.name, i->number, i->peer, (int)i->pid);
        return 0;
}

unsigned instance_count(const struct service *s) {
        unsigned n = 0;
        for (const struct instance *i = instances; i; i = i->next)
                n += i->service == s;
        return n;
}

const struct instance *instance_next(const struct service *s, const struct instance *after) {
        for (const struct instance *i = after ? after->next : instances; i; i = i->next)
                if (i->service == s)
                        return i;
        return NULL;
}

pid_t instance_pid(const struct instance *i) {
        return i->pid;
}

const char *instance_peer(const struct instance *i) {
        return i->peer;
}

/* Every process of i, now. */
static void kill_all(struct instance *i) {
        if (i->cgroup_fd >= 0)
                cgroup_kill(i->cgroup_fd);
        else if (i->pid > 0)
                kill(-i->pid, SIGKILL); /* its session's process group */
}

void instance_signal_all(struct service *s, int sig) {
        for (struct instance *i = instances; i; i = i->next) {
                if (i->service != s)
                        continue;
                if (sig == SIGKILL)
                        kill_all(i);
                else if (!i->exited)
                        kill(i->pid, sig); /* not reaped yet: the pid is still its */
        }
}

/* i has gone, with everything it left: activation.c hears of it. */
static void finish(struct instance *i) {
        unlink_instance(i);
        if (i->gone)
                i->gone(i, i->userdata);
        instance_free(i);
}

static void on_drain_timeout(struct loop_timer *t) {
        struct instance *i = container_of(t, struct instance, drain_timer);
        log_warning("service %s: processes of instance %lu are still in its cgroup %llu s after "
                    "being killed; giving up on them",
                    i->service->config.name, i->number,
                    (unsigned long long)(DRAIN_TIMEOUT / USEC_PER_SEC));
        finish(i);
}

static void on_cgroup_event(struct loop_io *io, uint32_t events) {
        struct instance *i = container_of(io, struct instance, events_io);
        (void)events;
        if (cgroup_populated(i->cgroup_fd) != 1)
                finish(i);
}

/* Its main process has ended: what it left is killed, and it has gone
 * once its cgroup is empty. */
static void drain(struct instance *i) {
        struct loop *l = i->service->manager->loop;
        if (i->cgroup_fd < 0 || cgroup_populated(i->cgroup_fd) != 1) {
                if (i->cgroup_fd < 0)
                        kill_all(i);
                finish(i);
                return;
        }
        cgroup_kill(i->cgroup_fd);
        i->events_fd = cgroup_events_open(i->cgroup_fd);
        if (i->events_fd < 0 ||
            loop_io_add(l, &i->events_io, i->events_fd, EPOLLPRI, on_cgroup_event) < 0) {
                finish(i);
                return;
        }
        loop_timer_arm(l, &i->drain_timer, now_usec() + DRAIN_TIMEOUT, on_drain_timeout);
        if (cgroup_populated(i->cgroup_fd) != 1) /* it may have emptied meanwhile */
                finish(i);
}

/* The line that tells of i's end. */
static void log_end(struct instance *i, const siginfo_t *si) {
        struct spawn_report rep = i->report;
        const char *name = i->service->config.name;
        if (rep.stage >= 0 || (i->report_fd >= 0 && spawn_read_report(i->report_fd, &rep) == 1)) {
                service_set_last_error(i->service,
                                       "service %s: instance %lu (pid %d, connection from %s) "
                                       "did not start: cannot %s: %s",
                                       name, i->number, (int)i->pid, i->peer,
                                       spawn_stage_name((enum spawn_stage)rep.stage),
                                       strerror(rep.error));
                log_warning_limited(&i->service->instance_warnings, name, "%s",
                                    i->service->last_error);
                return;
        }
        log_info("service %s: instance %lu (pid %d, connection from %s) %s %d", name, i->number,
                 (int)i->pid, i->peer,
                 si->si_code == CLD_EXITED ? "exited with code" : "was killed by signal",
                 si->si_status);
}

bool instance_child_exited(struct manager *m, const siginfo_t *si) {
        for (struct instance *i = instances; i; i = i->next) {
                if (i->exited || i->pid != si->si_pid || i->service->manager != m)
                        continue;
                i->exited = true;
                log_end(i, si);
                drain(i);
                return true;
        }
        return false;
}

void instance_abandon_all(struct service *s) {
        for (struct instance **p = &instances; *p;) {
                struct instance *i = *p;
                if (i->service != s) {
                        p = &i->next;
                        continue;
                }
                *p = i->next;
                kill_all(i);
                instance_free(i);
        }
}
