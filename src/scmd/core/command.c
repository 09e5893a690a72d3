/* SPDX-License-Identifier: MIT */
/*
 * A service's commands around its process (struct service_command): the
 * pre-start commands, run one after the other before its process, the
 * reload command while it runs, and the post-stop commands after its
 * process has gone, before the table hears of it.
 *
 * A command runs as the service's process does (process_prepare(): its
 * account, privileges, sandbox and environment, with MAINPID while there
 * is a main process), in the service's cgroup, its output in the service's
 * log.  It is watched through its pidfd and has a deadline: the start's
 * (start_timeout_ms, else control_timeout_ms) for a pre-start or reload
 * command, the stop's after the process; past it the command's process
 * group is killed.  A stop of the service signals a running pre-start or
 * post-stop command as it would the process, so a stop is never held up by
 * one, and a service with a command running counts as active (the
 * shutdown stops and waits for it).  A command runs the list as it was
 * when the first of it started: a change of the configuration meanwhile
 * takes effect at the next start.  What a pre-start or post-stop command
 * leaves running in the cgroup is killed when it ends.
 *
 * What a command's end means:
 *   - pre-start: exit 0 (or an entry marked '-') runs the next, then the
 *     process; anything else fails the start: SERVICE_SPECIFIC_ERROR with
 *     the exit code, and a sentence naming the command;
 *   - reload: the service stays RUNNING whatever the end; a failure is
 *     logged and shown in the status (last_reload);
 *   - post-stop: a failure is logged; then the process's end goes on.
 */
#include "command.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scm/error.h>

#include "cgroup.h"
#include "cleanup.h"
#include "cmdline.h"
#include "log.h"
#include "manager.h"
#include "procinfo.h"
#include "process.h"
#include "process_commands.h"
#include "process_config.h"
#include "service.h"
#include "service_config.h"
#include "spawner.h"

static void on_pidfd(struct loop_io *io, uint32_t events);
static void on_deadline(struct loop_timer *t);

/* A copy of the list purpose runs (one entry for a reload); NULL on
 * out-of-memory; an empty list when there is none. */
static char **copy_list(const struct service *s, enum command_purpose purpose) {
        const struct service_process *p = s->config.process;
        char *none[] = {NULL};
        if (purpose == COMMAND_RELOAD) {
                char *one[] = {p ? p->reload_command : NULL, NULL};
                return strv_copy(one);
        }
        char *const *from = !p ? NULL : purpose == COMMAND_START_PRE ? p->start_pre : p->stop_post;
        return strv_copy(from ? from : none);
}

static const char *purpose_name(enum command_purpose purpose) {
        return purpose == COMMAND_START_PRE ? "pre-start"
               : purpose == COMMAND_RELOAD  ? "reload"
                                            : "post-stop";
}

static void unlink_command(struct service_command *c) {
        struct manager *m = c->service->manager;
        for (struct service_command **pp = &m->commands; *pp; pp = &(*pp)->next)
                if (*pp == c) {
                        *pp = c->next;
                        break;
                }
}

/* Lets go of c's handles; its process has gone (or is let go of). */
static void command_free(struct service_command *c) {
        struct loop *l = c->service->manager->loop;
        unlink_command(c);
        loop_timer_disarm(l, &c->deadline);
        loop_io_remove(l, &c->pidfd_io);
        if (c->pidfd >= 0)
                close(c->pidfd);
        if (c->report_fd >= 0)
                close(c->report_fd);
        if (c->own_cgroup && c->cgroup_fd >= 0)
                close(c->cgroup_fd);
        log_capture_close(&c->log);
        strv_free(c->lines);
        if (c->service->command == c)
                c->service->command = NULL;
        if (!c->service->process)
                manager_untrack(c->service->manager, c->service);
        free(c);
}

/* "NAME.commands.service": the cgroup folder of s's pre-start and
 * post-stop commands, apart from its process's, so that nothing they leave
 * mixes with the process, and a folder the process's stop killed is never
 * reused (a process made into a cgroup that was killed can be killed at
 * birth). */
static char *commands_cgroup_name(const struct service *s) {
        _cleanup_free_ char *fname = service_file_name(s->config.name);
        char *name;
        return fname && asprintf(&name, "%s.commands.service", fname) >= 0 ? name : NULL;
}

/* The cgroup a command runs in: a reload command its process's, the
 * others their own folder. */
static int command_cgroup(struct service_command *c) {
        struct service *s = c->service;
        if (c->purpose == COMMAND_RELOAD && s->process) {
                c->cgroup_fd = process_cgroup(s->process);
                return 0;
        }
        if (s->manager->cgroup_base_fd < 0)
                return 0;
        _cleanup_free_ char *name = commands_cgroup_name(s);
        if (!name)
                return -ENOMEM;
        int fd = cgroup_service_open(s->manager->cgroup_base_fd, name);
        if (fd < 0)
                return fd;
        c->cgroup_fd = fd;
        c->own_cgroup = true;
        return 0;
}

static int spawn_command(struct service_command *c, const char *line) {
        struct service *s = c->service;
        struct process_prep prep;
        int r = process_prepare(s, line, NULL, &prep);
        if (r < 0)
                return r;
        _cleanup_close_ int out_fd = -1;
        int e = log_capture_open(&c->log, s->manager->loop, s->log_path, &out_fd);
        if (e >= 0)
                e = command_cgroup(c);
        struct spawn_request req;
        process_request(s, &prep, &req);
        req.stdout_fd = out_fd;
        req.cgroup_fd = c->cgroup_fd;
        struct spawn_result res;
        if (e >= 0)
                e = spawn_process(&req, &res);
        process_prep_clear(&prep);
        if (e < 0) {
                service_set_last_error(s, "service %s: cannot run its %s command: %s",
                                       s->config.name, purpose_name(c->purpose), strerror(-e));
                return SCM_ERR(scm_error_from_errno(-e));
        }
        c->pid = res.pid;
        c->pidfd = res.pidfd;
        c->report_fd = res.report_fd;
        loop_io_add(s->manager->loop, &c->pidfd_io, c->pidfd, EPOLLIN, on_pidfd);
        log_info("service %s: %s command '%s' runs as pid %d", s->config.name,
                 purpose_name(c->purpose), line, (int)c->pid);
        return 0;
}

static usec_t deadline_of(const struct service *s, enum command_purpose purpose) {
        const struct service_process *p = s->config.process;
        if (purpose != COMMAND_STOP_POST)
                return (usec_t)PROCESS_START_TIMEOUT_MS(&s->config) * USEC_PER_MSEC;
        return p && p->stop_timeout_ms ? (usec_t)p->stop_timeout_ms * USEC_PER_MSEC
                                       : s->manager->options.stop_timeout;
}

/* Runs lines[index] (lines taken over, freed on failure too). */
static int run(struct service *s, enum command_purpose purpose, char **lines, size_t index,
               enum svc_event then) {
        struct service_command *c = calloc(1, sizeof(*c));
        if (!c) {
                strv_free(lines);
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        *c = (struct service_command){.service = s,
                                      .purpose = purpose,
                                      .lines = lines,
                                      .index = index,
                                      .then = then,
                                      .pidfd = -1,
                                      .report_fd = -1,
                                      .cgroup_fd = -1};
        c->pidfd_io.fd = -1;
        log_capture_init(&c->log);
        c->next = s->manager->commands;
        s->manager->commands = c;
        s->command = c;
        manager_track(s->manager, s); /* the shutdown stops it and waits for it */
        int r = spawn_command(c, process_command_line(lines[index], NULL));
        if (r < 0) {
                command_free(c);
                return r;
        }
        loop_timer_arm(s->manager->loop, &c->deadline, now_usec() + deadline_of(s, purpose),
                       on_deadline);
        return 0;
}

/* ---- how it ended ---- */

struct command_end {
        enum process_exit_kind kind; /* EXIT_NONE: how is unknown */
        int value;
        bool timed_out;
        usec_t deadline;
        struct spawn_report failed; /* stage and error when a step before exec failed */
};

static bool succeeded(const struct command_end *e) {
        return !e->failed.error && e->kind == EXIT_CODE && e->value == 0;
}

static void describe(const struct command_end *e, char *buf, size_t size) {
        if (e->timed_out)
                snprintf(buf, size, "ran past its deadline (%llu ms) and was killed",
                         (unsigned long long)(e->deadline / USEC_PER_MSEC));
        else if (e->failed.error)
                snprintf(buf, size, "could not start (%s: %s)",
                         spawn_stage_name((enum spawn_stage)e->failed.stage),
                         strerror(e->failed.error));
        else if (e->kind == EXIT_CODE)
                snprintf(buf, size, "exited with code %d", e->value);
        else if (e->kind == EXIT_SIGNAL)
                snprintf(buf, size, "was killed by signal %d", e->value);
        else
                snprintf(buf, size, "ended");
}

static void pre_ended(struct service *s, char **lines, size_t index, const struct command_end *e) {
        bool may_fail;
        const char *line = process_command_line(lines[index], &may_fail);
        if (s->state != SCM_STATE_START_PENDING || s->win32_exit_code) {
                /* A stop, or a hang of the start, came meanwhile: it ends here. */
                strv_free(lines);
                service_dispatch(s,
                                 s->state == SCM_STATE_START_PENDING ? EV_SPAWN_FAILED : EV_EXITED);
                return;
        }
        int r = 0;
        if (!succeeded(e) && (!may_fail || e->timed_out)) {
                char how[160];
                describe(e, how, sizeof(how));
                service_set_last_error(
                        s, "service %s: its pre-start command '%s' %s%s", s->config.name, line, how,
                        e->timed_out ? "; raise --start-timeout if it needs longer" : "");
                log_warning("%s", s->last_error);
                s->win32_exit_code = SCM_ERROR_SERVICE_SPECIFIC_ERROR;
                s->service_exit_code = e->kind == EXIT_CODE ? (uint32_t)e->value : 1;
                strv_free(lines);
                r = -1;
        } else if (lines[index + 1]) {
                r = run(s, COMMAND_START_PRE, lines, index + 1, 0);
        } else {
                strv_free(lines);
                r = process_spawn_main(s);
        }
        if (r < 0) {
                if (!s->win32_exit_code)
                        s->win32_exit_code = (uint32_t)scm_error_win32(r);
                service_dispatch(s, EV_SPAWN_FAILED);
        }
}

static void post_ended(struct service *s, char **lines, size_t index, enum svc_event then,
                       const struct command_end *e) {
        struct process *p = s->process;
        if (!p) {
                strv_free(lines);
                return;
        }
        /* A command killed (its deadline, a stop's kill) ends the list. */
        bool killed = e->kind == EXIT_SIGNAL && e->value == SIGKILL;
        if (!killed && lines[index + 1]) {
                if (run(s, COMMAND_STOP_POST, lines, index + 1, then) >= 0)
                        return;
        } else {
                strv_free(lines);
        }
        process_gone(p, then);
}

static void reload_ended(struct service *s, const struct command_end *e) {
        s->reload_exit_kind = e->failed.error ? EXIT_NONE : e->kind;
        s->reload_exit_value = e->value;
        s->reload_failed = !succeeded(e);
        service_reload_ended(s);
}

/* c's process has ended (si NULL: how is unknown): what follows is its
 * purpose's. */
static void ended(struct service_command *c, const siginfo_t *si) {
        struct service *s = c->service;
        struct command_end e = {
                .kind = !si                         ? EXIT_NONE
                        : si->si_code == CLD_EXITED ? EXIT_CODE
                                                    : EXIT_SIGNAL,
                .value = si ? si->si_status : 0,
                .timed_out = c->timed_out,
                .deadline = deadline_of(s, c->purpose),
        };
        if (c->report_fd >= 0 && spawn_read_report(c->report_fd, &e.failed) != 1)
                e.failed.error = 0;
        char how[160];
        describe(&e, how, sizeof(how));
        const char *line = process_command_line(c->lines[c->index], NULL);
        if (succeeded(&e))
                log_info("service %s: %s command '%s' %s", s->config.name, purpose_name(c->purpose),
                         line, how);
        else
                log_warning("service %s: %s command '%s' %s", s->config.name,
                            purpose_name(c->purpose), line, how);
        enum command_purpose purpose = c->purpose;
        size_t index = c->index;
        enum svc_event then = c->then;
        char **lines = TAKE_PTR(c->lines);
        if (c->own_cgroup && c->cgroup_fd >= 0)
                cgroup_kill(c->cgroup_fd); /* what it left behind goes with it */
        bool own = c->own_cgroup;
        command_free(c);
        /* Its folder goes; the next command makes it anew. */
        if (own && s->manager->cgroup_base_fd >= 0) {
                _cleanup_free_ char *name = commands_cgroup_name(s);
                if (name)
                        cgroup_service_remove(s->manager->cgroup_base_fd, name);
        }
        if (purpose == COMMAND_START_PRE) {
                pre_ended(s, lines, index, &e);
        } else if (purpose == COMMAND_STOP_POST) {
                post_ended(s, lines, index, then, &e);
        } else {
                strv_free(lines);
                reload_ended(s, &e);
        }
}

static void collect(struct service_command *c) {
        siginfo_t si = {0};
        if (waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si, WEXITED | WNOHANG) < 0) {
                /* Reaped by someone else: it has ended, how is unknown. */
                if (errno == ECHILD && proc_pidfd_exited(c->pidfd) == 1)
                        ended(c, NULL);
                return;
        }
        if (si.si_pid != 0)
                ended(c, &si);
}

static void on_pidfd(struct loop_io *io, uint32_t events) {
        (void)events;
        collect(container_of(io, struct service_command, pidfd_io));
}

bool command_reap(struct manager *m, pid_t pid) {
        for (struct service_command *c = m->commands; c; c = c->next)
                if (c->pid == pid) {
                        collect(c);
                        return true;
                }
        return false;
}

static void on_deadline(struct loop_timer *t) {
        struct service_command *c = container_of(t, struct service_command, deadline);
        log_warning("service %s: its %s command (pid %d) ran past its deadline; killing it",
                    c->service->config.name, purpose_name(c->purpose), (int)c->pid);
        c->timed_out = true;
        kill(-c->pid, SIGKILL); /* its session's process group */
}

/* ---- the three uses ---- */

int command_start_pre(struct service *s) {
        if (s->command)
                return SCM_ERR(SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        char **lines = copy_list(s, COMMAND_START_PRE);
        if (!lines)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        return run(s, COMMAND_START_PRE, lines, 0, 0);
}

bool command_stop_post(struct service *s, enum svc_event event) {
        /* A reload cannot outlive the process it reloads. */
        if (s->command && s->command->purpose == COMMAND_RELOAD) {
                command_abandon(s);
                service_reload_ended(s);
        }
        char **lines = s->command ? NULL : copy_list(s, COMMAND_STOP_POST);
        if (!lines || !lines[0]) {
                strv_free(lines);
                return false;
        }
        return run(s, COMMAND_STOP_POST, lines, 0, event) >= 0;
}

int command_reload(struct service *s) {
        const struct service_process *p = s->config.process;
        s->reload_failed = false; /* a new reload: the last one's end is history */
        s->reload_exit_kind = EXIT_NONE;
        if (p && p->reload_signal) {
                process_signal(s, p->reload_signal);
                log_info("service %s: reload signal %s sent", s->config.name,
                         process_signal_name(p->reload_signal));
                return 0;
        }
        if (!p || !p->reload_command)
                return SCM_ERR(SCM_ERROR_INVALID_SERVICE_CONTROL);
        if (s->command)
                return SCM_ERR(SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        char **lines = copy_list(s, COMMAND_RELOAD);
        if (!lines)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        int r = run(s, COMMAND_RELOAD, lines, 0, 0);
        if (r >= 0)
                s->reloading = true;
        return r;
}

void command_signal(struct service *s, int sig) {
        struct service_command *c = s->command;
        if (c && c->purpose != COMMAND_RELOAD && c->pid > 0)
                kill(-c->pid, sig);
}

bool command_has_pid(const struct manager *m, pid_t pid) {
        for (const struct service_command *c = m->commands; c; c = c->next)
                if (c->pid == pid)
                        return true;
        return false;
}

void command_abandon(struct service *s) {
        if (!s->command)
                return;
        if (s->command->pid > 0)
                kill(-s->command->pid, SIGKILL); /* nothing of it may outlive its service */
        command_free(s->command);
}
