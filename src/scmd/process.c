/* SPDX-License-Identifier: MIT */
/*
 * A service's process: starting it (argv, a fresh environment, the log
 * pipe, the control channel, the cgroup, spawn.c), signalling and killing
 * it, and watching it go.
 *
 * A process is watched through three handles, all in the loop: its pidfd
 * (it ended), its exec report pipe (exec succeeded or which step failed),
 * and, after the main process ended, its cgroup.events (every process of
 * the service has gone).  What they report becomes an event of the table
 * (spawned, spawn-failed, exited, stop-timeout); the service is STOPPED
 * only when all of its processes are gone, so no grandchild outlives it.
 */
#include "scmd.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmdline.h"

/* How long a killed cgroup may take to empty before we stop waiting. */
#define DRAIN_TIMEOUT (5 * USEC_PER_SEC)

static void on_stop_timeout(struct loop_timer *t);
static void on_pidfd(struct loop_io *io, uint32_t events);
static void on_exec_report(struct loop_io *io, uint32_t events);

static int env_push(char ***env, size_t *n, const char *key, const char *value) {
        char **v = realloc(*env, (*n + 2) * sizeof(char *));
        if (!v)
                return -ENOMEM;
        *env = v;
        if (asprintf(&v[*n], "%s=%s", key, value) < 0)
                return -ENOMEM;
        v[++*n] = NULL;
        return 0;
}

/* How the process finds its way back to scmd, by kind. */
static int push_protocol_env(const struct service *s, char ***env, size_t *n) {
        char num[32];
        int r = 0;
        switch (s->config.kind) {
        case SCM_KIND_NATIVE:
                snprintf(num, sizeof(num), "%d", SCM_CONTROL_FD_NUMBER);
                return env_push(env, n, SCM_CONTROL_FD_ENV, num);
        case SCM_KIND_NOTIFY:
                if (s->manager->notify_path)
                        r = env_push(env, n, "NOTIFY_SOCKET", s->manager->notify_path);
                if (r >= 0 && s->config.watchdog_ms) {
                        snprintf(num, sizeof(num), "%llu",
                                 (unsigned long long)s->config.watchdog_ms * 1000ULL);
                        r = env_push(env, n, "WATCHDOG_USEC", num);
                }
                return r;
        default:
                return 0;
        }
}

/* A fresh environment, not a filtered copy of scmd's: nothing of a desktop
 * session (DISPLAY, WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS,
 * XDG_RUNTIME_DIR, ...) can leak into a service. */
static char **build_env(const struct service *s, const struct passwd *pw) {
        char **env = calloc(1, sizeof(char *));
        size_t n = 0;
        int r = env ? 0 : -ENOMEM;
        static const char *const passthrough[] = {"LANG", "LC_ALL", "TZ"};

        if (r >= 0)
                r = env_push(&env, &n, "PATH",
                             "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (r >= 0)
                r = env_push(&env, &n, "HOME", pw->pw_dir);
        if (r >= 0)
                r = env_push(&env, &n, "USER", pw->pw_name);
        if (r >= 0)
                r = env_push(&env, &n, "LOGNAME", pw->pw_name);
        if (r >= 0)
                r = env_push(&env, &n, "SHELL",
                             pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(passthrough); i++) {
                const char *v = getenv(passthrough[i]);
                if (v)
                        r = env_push(&env, &n, passthrough[i], v);
        }
        if (r >= 0)
                r = env_push(&env, &n, "SCM_SERVICE_NAME", s->config.name);
        if (r >= 0)
                r = push_protocol_env(s, &env, &n);
        if (r < 0) {
                strv_free(env);
                return NULL;
        }
        return env;
}

/* argv: the command line's words, then the start arguments. */
static int build_argv(struct service *s, char **args, char ***ret) {
        char **argv;
        int argc;
        const char *reason;
        int r = cmdline_split(s->config.command_line, &argv, &argc, &reason);
        if (r == -EINVAL) {
                service_set_last_error(s, "service %s: bad command line: %s", s->config.name,
                                       reason);
                return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        }
        if (r < 0)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        size_t extra = 0;
        while (args && args[extra])
                extra++;
        char **v = realloc(argv, ((size_t)argc + extra + 1) * sizeof(char *));
        if (!v) {
                strv_free(argv);
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        for (size_t i = 0; i < extra; i++)
                if (!(v[argc + (int)i] = strdup(args[i]))) {
                        v[argc + (int)i] = NULL;
                        strv_free(v);
                        return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
                }
        v[argc + extra] = NULL;
        *ret = v;
        return 0;
}

static int open_cgroup(struct service *s) {
        if (s->manager->cgroup_base_fd < 0)
                return -1;
        _cleanup_free_ char *fname = service_file_name(s->config.name);
        free(s->cgroup_name);
        s->cgroup_name = NULL;
        if (!fname || asprintf(&s->cgroup_name, "%s.service", fname) < 0) {
                s->cgroup_name = NULL;
                return -ENOMEM;
        }
        int fd = cgroup_service_open(s->manager->cgroup_base_fd, s->cgroup_name);
        if (fd < 0)
                log_warning("service %s: no cgroup (%s); holding it by process group",
                            s->config.name, strerror(-fd));
        return fd;
}

static int fail_errno(struct service *s, const char *what, int e) {
        service_set_last_error(s, "service %s: cannot %s: %s", s->config.name, what, strerror(e));
        return SCM_ERR(scm_error_from_errno(e));
}

/* The EFF_SPAWN effect.  On failure the service stays STOPPED with the
 * Win32 error in win32_exit_code and a sentence in last_error. */
int process_spawn(struct service *s) {
        struct spawn_request req = {.cgroup_fd = -1, .stdout_fd = -1, .control_fd = -1};
        /* The account, privileges and confinement: security.c. */
        _cleanup_(security_plan_freep) struct security_plan *plan = NULL;
        int r = security_plan_build(s, &plan);
        if (r < 0)
                return r;
        _cleanup_(strv_free_p) char **argv = NULL;
        bool native = s->config.kind == SCM_KIND_NATIVE;
        r = build_argv(s, native ? NULL : s->start_args, &argv);
        if (r < 0)
                return r;
        _cleanup_free_ char *path = spawn_resolve_program(argv[0]);
        if (!path) {
                int e = errno;
                service_set_last_error(
                        s, "service %s: cannot start program '%s': %s%s", s->config.name, argv[0],
                        strerror(e), strchr(argv[0], '/') ? "" : " (searched the service's PATH)");
                return SCM_ERR(scm_error_from_errno(e));
        }
        _cleanup_(strv_free_p) char **envp = build_env(s, plan->pw);
        if (!envp || security_plan_env(plan, &envp) < 0)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);

        _cleanup_close_ int out_fd = -1, control_fd = -1;
        r = log_capture_open(&s->log, s->manager->loop, s->log_path, &out_fd);
        if (r < 0)
                return fail_errno(s, "capture its output", -r);
        if (native && (r = channel_open(s, s->start_args, &control_fd)) < 0) {
                process_release(s);
                return fail_errno(s, "open its control channel", -r);
        }
        s->cgroup_fd = open_cgroup(s);

        req.path = path;
        req.security = plan;
        req.argv = argv;
        req.envp = envp;
        req.stdout_fd = out_fd;
        req.control_fd = control_fd;
        req.cgroup_fd = s->cgroup_fd >= 0 ? s->cgroup_fd : -1;
        struct spawn_result res;
        r = spawn_process(&req, &res);
        if (r < 0) {
                process_release(s); /* the log pipe and the cgroup folder */
                return fail_errno(s, "create its process", -r);
        }
        s->pid = res.pid;
        s->pidfd = res.pidfd;
        s->exec_report_fd = res.report_fd;
        s->main_exited = false;
        manager_track(s->manager, s);
        loop_io_add(s->manager->loop, &s->pidfd_io, s->pidfd, EPOLLIN, on_pidfd);
        loop_io_add(s->manager->loop, &s->exec_report_io, s->exec_report_fd, EPOLLIN,
                    on_exec_report);
        s->desired = SCM_STATE_RUNNING;
        log_debug("service %s: spawned %s as pid %d", s->config.name, path, (int)s->pid);
        return 0;
}

void process_signal(struct service *s, int sig) {
        if (s->pidfd >= 0 && syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0) < 0 &&
            errno != ESRCH)
                log_warning("service %s: cannot signal pid %d: %m", s->config.name, (int)s->pid);
}

void service_kill(struct service *s) {
        process_signal(s, SIGKILL);
        if (s->cgroup_fd >= 0)
                cgroup_kill(s->cgroup_fd);
        else if (s->pid > 0)
                kill(-s->pid, SIGKILL); /* its session's process group */
}

static void close_exec_report(struct service *s) {
        loop_io_remove(s->manager->loop, &s->exec_report_io);
        if (s->exec_report_fd >= 0)
                close(s->exec_report_fd);
        s->exec_report_fd = -1;
}

/* The EFF_FINISH effect: every process has gone; let go of the handles. */
void process_release(struct service *s) {
        struct loop *l = s->manager->loop;
        loop_timer_disarm(l, &s->timer);
        close_exec_report(s);
        loop_io_remove(l, &s->pidfd_io);
        if (s->pidfd >= 0)
                close(s->pidfd);
        loop_io_remove(l, &s->cgroup_io);
        if (s->cgroup_events_fd >= 0)
                close(s->cgroup_events_fd);
        if (s->cgroup_fd >= 0) {
                close(s->cgroup_fd);
                if (s->cgroup_name)
                        cgroup_service_remove(s->manager->cgroup_base_fd, s->cgroup_name);
        }
        free(s->cgroup_name);
        s->cgroup_name = NULL;
        s->pidfd = s->cgroup_fd = s->cgroup_events_fd = -1;
        s->pid = 0;
        loop_timer_disarm(l, &s->progress_timer);
        loop_timer_disarm(l, &s->watchdog_timer);
        channel_close(s, SCM_ERROR_SERVICE_NOT_ACTIVE);
        manager_untrack(s->manager, s);
        log_capture_close(&s->log);
}

/* ---- events from the system ---- */

static void on_stop_timeout(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, timer);
        log_warning("service %s: did not stop within %llu ms; killing it", s->config.name,
                    (unsigned long long)(s->manager->options.stop_timeout / USEC_PER_MSEC));
        service_dispatch(s, EV_STOP_TIMEOUT);
}

/* Reads the exec report; returns true when it is settled (and dispatched). */
static bool settle_exec_report(struct service *s) {
        if (s->exec_report_fd < 0)
                return true;
        struct spawn_report rep;
        int r = spawn_read_report(s->exec_report_fd, &rep);
        if (r == -EAGAIN)
                return false;
        close_exec_report(s);
        if (r == 0) {
                service_dispatch(s, EV_SPAWNED);
                return true;
        }
        s->exec_failed = true;
        s->win32_exit_code = (uint32_t)scm_error_from_errno(rep.error);
        service_set_last_error(s, "service %s: cannot %s: %s", s->config.name,
                               spawn_stage_name((enum spawn_stage)rep.stage), strerror(rep.error));
        log_warning("%s", s->last_error);
        return true;
}

static void on_exec_report(struct loop_io *io, uint32_t events) {
        struct service *s = container_of(io, struct service, exec_report_io);
        (void)events;
        settle_exec_report(s);
}

/* Every process of the service has gone: tell the table. */
static void all_gone(struct service *s) {
        bool failed_exec = s->exec_failed;
        s->exec_failed = false;
        service_dispatch(s, failed_exec ? EV_SPAWN_FAILED : EV_EXITED);
}

static void on_drain_timeout(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, timer);
        log_warning("service %s: processes are still in its cgroup %llu s after being killed; "
                    "giving up on them",
                    s->config.name, (unsigned long long)(DRAIN_TIMEOUT / USEC_PER_SEC));
        all_gone(s);
}

static void on_cgroup_event(struct loop_io *io, uint32_t events) {
        struct service *s = container_of(io, struct service, cgroup_io);
        (void)events;
        if (cgroup_populated(s->cgroup_fd) != 1)
                all_gone(s);
}

/* The main process ended: kill what it left behind, then wait for the
 * cgroup to empty (or, without cgroups, for nothing). */
static void drain(struct service *s) {
        if (s->cgroup_fd < 0) {
                kill(-s->pid, SIGKILL);
                all_gone(s);
                return;
        }
        if (cgroup_populated(s->cgroup_fd) != 1) {
                all_gone(s);
                return;
        }
        cgroup_kill(s->cgroup_fd);
        s->cgroup_events_fd = cgroup_events_open(s->cgroup_fd);
        if (s->cgroup_events_fd < 0 ||
            loop_io_add(s->manager->loop, &s->cgroup_io, s->cgroup_events_fd, EPOLLPRI,
                        on_cgroup_event) < 0) {
                all_gone(s);
                return;
        }
        loop_timer_arm(s->manager->loop, &s->timer, now_usec() + DRAIN_TIMEOUT, on_drain_timeout);
        /* It may have emptied between the check and the watch. */
        if (cgroup_populated(s->cgroup_fd) != 1)
                all_gone(s);
}

static void record_exit(struct service *s, const siginfo_t *si) {
        if (si->si_code == CLD_EXITED) {
                s->exit_kind = EXIT_CODE;
                s->exit_value = si->si_status;
        } else {
                s->exit_kind = EXIT_SIGNAL;
                s->exit_value = si->si_status;
        }
        log_info("service %s: pid %d %s %d", s->config.name, (int)s->pid,
                 s->exit_kind == EXIT_CODE ? "exited with code" : "was killed by signal",
                 s->exit_value);
}

void service_reap(struct service *s) {
        if (s->main_exited || s->pidfd < 0)
                return;
        siginfo_t si = {0};
        if (waitid((idtype_t)P_PIDFD, (id_t)s->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
                return; /* not yet */
        s->main_exited = true;
        loop_io_remove(s->manager->loop, &s->pidfd_io);
        record_exit(s, &si);
        /* The report pipe is settled now: the child has exec'd or died. */
        settle_exec_report(s);
        drain(s);
}

static void on_pidfd(struct loop_io *io, uint32_t events) {
        (void)events;
        service_reap(container_of(io, struct service, pidfd_io));
}

void process_arm_stop_timer(struct service *s) {
        loop_timer_arm(s->manager->loop, &s->timer, now_usec() + s->manager->options.stop_timeout,
                       on_stop_timeout);
}
