/* SPDX-License-Identifier: MIT */
/*
 * One service: its configuration, its status, and its process.
 *
 * service_dispatch() is the only way a service changes state: it looks the
 * (state, event) pair up in state.c's table, refuses what the table
 * refuses, carries out the listed effects in a fixed order, then enters
 * the new state.  Entering a state is where the status-tracking record is
 * persisted and where waiting clients are answered.
 *
 * A process is watched through three handles, all in the loop: its pidfd
 * (it ended), its exec report pipe (exec succeeded or which step failed),
 * and, after the main process ended, its cgroup.events (every process of
 * the service has gone).  The service is STOPPED only when all of its
 * processes are gone, so no grandchild outlives a stop.
 */
#include "scmd.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
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

static void enter(struct service *s, enum scm_state state);

/* ---- configuration ---- */

void service_config_clear(struct service_config *c) {
        free(c->name);
        free(c->display_name);
        free(c->description);
        free(c->command_line);
        free(c->account);
        free(c->group);
        strv_free(c->dependencies);
        *c = (struct service_config){0};
}

static char **strv_copy(char **v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        char **c = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; c && i < n; i++)
                if (!(c[i] = strdup(v[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

int service_config_copy(const struct service_config *from, struct service_config *to) {
        struct service_config c = {
                .name = strdup(from->name ? from->name : ""),
                .display_name = strdup(from->display_name ? from->display_name : ""),
                .description = strdup(from->description ? from->description : ""),
                .type = from->type,
                .start_type = from->start_type,
                .error_control = from->error_control,
                .command_line = strdup(from->command_line ? from->command_line : ""),
                .account = strdup(from->account ? from->account : ""),
                .group = strdup(from->group ? from->group : ""),
                .dependencies = strv_copy(from->dependencies),
                .kind = from->kind,
                .control_timeout_ms = from->control_timeout_ms,
                .watchdog_ms = from->watchdog_ms,
                .pause_by_freeze = from->pause_by_freeze,
        };
        if (!c.name || !c.display_name || !c.description || !c.command_line || !c.account ||
            !c.group || !c.dependencies) {
                service_config_clear(&c);
                return -ENOMEM;
        }
        *to = c;
        return 0;
}

/* The name as a file name: itself when short, else a prefix and a hash,
 * so that "NAME.service" and "NAME.log.N" stay under NAME_MAX. */
static char *file_name(const char *name) {
        size_t len = strlen(name);
        if (len <= 200)
                return strdup(name);
        uint64_t h = 1469598103934665603ULL;
        for (const char *p = name; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        size_t cut = 180;
        while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
                cut--; /* never split a UTF-8 sequence */
        char *s;
        return asprintf(&s, "%.*s~%016llx", (int)cut, name, (unsigned long long)h) < 0 ? NULL : s;
}

int service_new(struct manager *m, int64_t id, struct service_config *config,
                struct service **ret) {
        struct service *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        _cleanup_free_ char *fname = file_name(config->name);
        if (!fname || asprintf(&s->log_path, "%s/%s.log", m->paths.log_dir, fname) < 0) {
                free(s);
                return -ENOMEM;
        }
        s->manager = m;
        s->id = id;
        s->config = *config;
        *config = (struct service_config){0};
        s->state = SCM_STATE_STOPPED;
        s->desired = SCM_STATE_STOPPED;
        s->pidfd = s->exec_report_fd = s->cgroup_fd = s->cgroup_events_fd = -1;
        s->pidfd_io.fd = s->exec_report_io.fd = s->cgroup_io.fd = -1;
        log_capture_init(&s->log);
        *ret = s;
        return 0;
}

void service_free(struct service *s) {
        if (!s)
                return;
        service_config_clear(&s->config);
        free(s->log_path);
        free(s->last_error);
        free(s);
}

/* ---- status persistence and reporting ---- */

static void persist_status(struct service *s) {
        struct db_status st = {
                .state = s->state,
                .win32_exit_code = s->win32_exit_code,
                .service_exit_code = s->service_exit_code,
                .pid = s->pid,
        };
        int r = db_save_status(s->manager->db, s->id, &st);
        if (r < 0)
                log_warning("service %s: cannot record its status: %s", s->config.name,
                            strerror(-r));
}

static void set_last_error(struct service *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void set_last_error(struct service *s, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(s->last_error);
        if (vasprintf(&s->last_error, fmt, ap) < 0)
                s->last_error = NULL;
        va_end(ap);
}

void service_add_start_waiter(struct service *s, struct start_waiter *w) {
        w->next = s->start_waiters;
        s->start_waiters = w;
}

static void answer_start_waiters(struct service *s, int win32) {
        struct start_waiter *w = s->start_waiters;
        s->start_waiters = NULL;
        while (w) {
                struct start_waiter *next = w->next;
                w->fn(w, s, win32, s->last_error ? s->last_error : scm_error_message(win32));
                w = next;
        }
}

/* ---- the process ---- */

static void on_stop_timeout(struct loop_timer *t);
static void release_process(struct service *s);
static void on_pidfd(struct loop_io *io, uint32_t events);
static void on_exec_report(struct loop_io *io, uint32_t events);

static int resolve_account(struct service *s, struct spawn_request *req,
                           const struct passwd **ret_pw) {
        const char *account = s->config.account;
        bool own = !account[0] || strcmp(account, "LocalSystem") == 0;
        struct passwd *pw = own ? getpwuid(geteuid()) : getpwnam(account);
        if (!pw) {
                set_last_error(s, "service %s: account '%s' does not exist", s->config.name,
                               own ? "(scmd's own)" : account);
                return SCM_ERR(SCM_ERROR_INVALID_SERVICE_ACCOUNT);
        }
        if (!own && pw->pw_uid != geteuid()) {
                if (geteuid() != 0) {
                        set_last_error(s,
                                       "service %s: scmd runs as uid %u and cannot start a service "
                                       "as '%s'; run scmd as root, or clear the account",
                                       s->config.name, (unsigned)geteuid(), account);
                        return SCM_ERR(SCM_ERROR_SERVICE_LOGON_FAILED);
                }
                req->switch_account = true;
                req->uid = pw->pw_uid;
                req->gid = pw->pw_gid;
                req->user = pw->pw_name;
        }
        *ret_pw = pw;
        return 0;
}

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
                set_last_error(s, "service %s: bad command line: %s", s->config.name, reason);
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
        _cleanup_free_ char *fname = file_name(s->config.name), *dir = NULL;
        if (!fname || asprintf(&dir, "%s.service", fname) < 0)
                return -ENOMEM;
        int fd = cgroup_service_open(s->manager->cgroup_base_fd, dir);
        if (fd < 0)
                log_warning("service %s: no cgroup (%s); holding it by process group",
                            s->config.name, strerror(-fd));
        return fd;
}

static int fail_errno(struct service *s, const char *what, int e) {
        set_last_error(s, "service %s: cannot %s: %s", s->config.name, what, strerror(e));
        return SCM_ERR(scm_error_from_errno(e));
}

/* The EFF_SPAWN effect.  On failure the service stays STOPPED with the
 * Win32 error in win32_exit_code and a sentence in last_error. */
static int spawn(struct service *s) {
        struct spawn_request req = {.cgroup_fd = -1, .stdout_fd = -1};
        const struct passwd *pw;
        int r = resolve_account(s, &req, &pw);
        if (r < 0)
                return r;
        _cleanup_(strv_free_p) char **argv = NULL;
        r = build_argv(s, s->start_args, &argv);
        if (r < 0)
                return r;
        _cleanup_free_ char *path = spawn_resolve_program(argv[0]);
        if (!path) {
                int e = errno;
                set_last_error(s, "service %s: cannot start program '%s': %s%s", s->config.name,
                               argv[0], strerror(e),
                               strchr(argv[0], '/') ? "" : " (searched the service's PATH)");
                return SCM_ERR(scm_error_from_errno(e));
        }
        _cleanup_(strv_free_p) char **envp = build_env(s, pw);
        if (!envp)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);

        _cleanup_close_ int out_fd = -1;
        r = log_capture_open(&s->log, s->manager->loop, s->log_path, &out_fd);
        if (r < 0)
                return fail_errno(s, "capture its output", -r);
        s->cgroup_fd = open_cgroup(s);

        req.path = path;
        req.argv = argv;
        req.envp = envp;
        req.stdout_fd = out_fd;
        req.cgroup_fd = s->cgroup_fd >= 0 ? s->cgroup_fd : -1;
        struct spawn_result res;
        r = spawn_process(&req, &res);
        if (r < 0) {
                release_process(s); /* the log pipe and the cgroup folder */
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

static void signal_main(struct service *s, int sig) {
        if (s->pidfd >= 0 && syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0) < 0 &&
            errno != ESRCH)
                log_warning("service %s: cannot signal pid %d: %m", s->config.name, (int)s->pid);
}

void service_kill(struct service *s) {
        signal_main(s, SIGKILL);
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
static void release_process(struct service *s) {
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
                _cleanup_free_ char *fname = file_name(s->config.name), *dir = NULL;
                if (fname && asprintf(&dir, "%s.service", fname) >= 0)
                        cgroup_service_remove(s->manager->cgroup_base_fd, dir);
        }
        s->pidfd = s->cgroup_fd = s->cgroup_events_fd = -1;
        s->pid = 0;
        manager_untrack(s->manager, s);
        log_capture_close(&s->log);
}

/* ---- the table's executor ---- */

static int apply(struct service *s, const struct transition *t) {
        uint32_t eff = t->effects;

        if (eff & EFF_RESET_EXIT) {
                s->win32_exit_code = s->service_exit_code = 0;
                s->checkpoint = s->wait_hint = 0;
                s->exit_kind = EXIT_NONE;
                free(s->last_error);
                s->last_error = NULL;
        }
        if (eff & EFF_SPAWN) {
                int r = spawn(s);
                if (r < 0) {
                        s->win32_exit_code = (uint32_t)scm_error_win32(r);
                        log_warning("%s", s->last_error ? s->last_error : "start failed");
                        persist_status(s);
                        return r;
                }
        }
        if (eff & EFF_SIGNAL_STOP) {
                s->desired = SCM_STATE_STOPPED;
                signal_main(s, SIGTERM);
                loop_timer_arm(s->manager->loop, &s->timer,
                               now_usec() + s->manager->options.stop_timeout, on_stop_timeout);
        }
        if (eff & EFF_KILL)
                service_kill(s);
        if (eff & EFF_ABORTED)
                s->win32_exit_code = SCM_ERROR_PROCESS_ABORTED;
        if (eff & EFF_TIMED_OUT)
                s->win32_exit_code = SCM_ERROR_SERVICE_REQUEST_TIMEOUT;
        if (eff & EFF_FINISH)
                release_process(s);
        if (t->to)
                enter(s, t->to);
        return 0;
}

int service_dispatch(struct service *s, enum svc_event event) {
        const struct transition *t = state_transition(s->state, event);
        if (svc_event_is_request(event)) {
                if (t->refuse)
                        return SCM_ERR(t->refuse);
                if (t->needs_accept && !(s->controls_accepted & t->needs_accept))
                        return SCM_ERR(SCM_ERROR_INVALID_SERVICE_CONTROL);
        } else if (!t->to && !t->effects) {
                log_debug("service %s: %s ignored in state %s", s->config.name,
                          svc_event_name(event), scm_state_name(s->state));
                return 0;
        }
        return apply(s, t);
}

int service_start(struct service *s, char **args, char **ret_message) {
        s->start_args = args;
        int r = service_dispatch(s, EV_START);
        s->start_args = NULL;
        if (r < 0 && ret_message)
                *ret_message = s->last_error ? strdup(s->last_error) : NULL;
        return r;
}

static void enter(struct service *s, enum scm_state state) {
        enum scm_state old = s->state;
        s->state = state;
        /* A plain service accepts stop once it runs, nothing else. */
        s->controls_accepted = state == SCM_STATE_RUNNING ? SCM_ACCEPT_STOP : 0;
        if (old == state)
                return;
        if (state == SCM_STATE_STOPPED && s->win32_exit_code)
                log_info("service %s: %s -> stopped (%s)", s->config.name, scm_state_name(old),
                         scm_error_name((int)s->win32_exit_code));
        else
                log_info("service %s: %s -> %s (pid %d)", s->config.name, scm_state_name(old),
                         scm_state_name(state), (int)s->pid);

        if (state == SCM_STATE_RUNNING || state == SCM_STATE_STOPPED)
                persist_status(s);
        if (old == SCM_STATE_START_PENDING)
                answer_start_waiters(s, state == SCM_STATE_STOPPED ? (int)s->win32_exit_code : 0);
        if (state == SCM_STATE_STOPPED)
                manager_service_stopped(s->manager, s);
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
        set_last_error(s, "service %s: cannot %s: %s", s->config.name,
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

/* ---- JSON views ---- */

json_t *service_status_json(const struct service *s) {
        json_t *accepted = json_array();
        const char *names[8];
        int n = scm_accept_names(s->controls_accepted, names, 8);
        for (int i = 0; accepted && i < n && i < 8; i++)
                json_array_append_new(accepted, json_string(names[i]));

        json_t *exit = json_null();
        if (s->exit_kind == EXIT_CODE)
                exit = json_pack("{s:i}", "code", s->exit_value);
        else if (s->exit_kind == EXIT_SIGNAL)
                exit = json_pack("{s:i}", "signal", s->exit_value);

        return json_pack("{s:s, s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:s, s:b, s:o}", "name",
                         s->config.name, "type", scm_type_name(s->config.type), "state",
                         scm_state_name(s->state), "controls_accepted", accepted, "win32_exit_code",
                         (json_int_t)s->win32_exit_code, "service_exit_code",
                         (json_int_t)s->service_exit_code, "checkpoint", (json_int_t)s->checkpoint,
                         "wait_hint", (json_int_t)s->wait_hint, "pid", (json_int_t)s->pid,
                         "desired", scm_state_name(s->desired), "marked_for_delete",
                         s->marked_for_delete, "process_exit", exit);
}

json_t *service_config_json(const struct service *s) {
        const struct service_config *c = &s->config;
        json_t *deps = json_array();
        for (char **d = c->dependencies; deps && d && *d; d++)
                json_array_append_new(deps, json_string(*d));
        json_t *o = json_pack(
                "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:I, s:b}",
                "name", c->name, "display_name", c->display_name, "description", c->description,
                "type", scm_type_name(c->type), "start_type", scm_start_type_name(c->start_type),
                "error_control", scm_error_control_name(c->error_control), "command_line",
                c->command_line, "account", c->account, "group", c->group, "dependencies", deps,
                "log_file", s->log_path, "kind", scm_kind_name(c->kind), "control_timeout_ms",
                (json_int_t)c->control_timeout_ms, "watchdog_ms", (json_int_t)c->watchdog_ms,
                "pause_by_freeze", c->pause_by_freeze);
        return o;
}

/* ---- deletion ---- */

bool service_reap_if_deleted(struct service *s) {
        if (!s->marked_for_delete || s->state != SCM_STATE_STOPPED || s->open_handles > 0)
                return false;
        struct manager *m = s->manager;
        int r = db_delete_service(m->db, s->id);
        if (r < 0) {
                /* Still marked in the database: it goes at the next start-up. */
                log_warning("service %s: cannot delete it now: %s", s->config.name, strerror(-r));
                return false;
        }
        log_info("service %s: deleted", s->config.name);
        registry_remove(m->registry, s);
        service_free(s);
        return true;
}
