/* SPDX-License-Identifier: MIT */
/*
 * A service's process (struct process): starting it (argv, a fresh
 * environment, the log pipe, the control channel, the cgroup, spawn.c),
 * signalling and killing it, and watching it go.
 *
 * The process is an object of its own, apart from the service: it holds
 * what belongs to the operating system's process (pid, pidfd, exec report,
 * log capture, cgroup, control channel) and lists the services attached to
 * it, its members.  Each member holds a reference; the handles are released
 * when the last member lets go (EFF_FINISH), which happens only after every
 * process of the cgroup has gone.  A service of type own is the only member
 * of its process; services of type share join a running one (share.c says
 * which), and a member is never signalled or killed alone while others run
 * in its process: it is cut loose instead.
 *
 * A process is watched through three handles, all in the loop: its end
 * (SIGCHLD for scmd's own child, which needs no descriptor: its pid stays
 * scmd's until reaped, so it is signalled by pid; a pidfd for one that is
 * not its child, taken back after a crash, or not made by scmd, a forking
 * daemon's), its exec report (exec succeeded or which step failed), and,
 * after the main process ended, its cgroup.events (every process of the
 * cgroup has gone).  What they report becomes an event of the table
 * (spawned, spawn-failed, exited, stop-timeout) for every member; a service
 * is STOPPED only when all of its processes are gone, so no grandchild
 * outlives it.
 *
 * Why one file of about 700 lines: the process's life (made, watched
 * through SIGCHLD or its pidfd, exec report and cgroup, reaped, drained,
 * released) is one object whose handlers share its private state; the
 * parts that stand on their own already have files (exec/spawn.c,
 * exec/cgroup.c, exec/logcapture.c, core/channel.c, core/share.c).
 */
#include "process.h"
#include "process_config.h"
#include "resource.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scm/error.h>
#include <scm/types.h>

#include "account.h"
#include "cgroup.h"
#include "cgroup_usage.h"
#include "channel.h"
#include "cleanup.h"
#include "cmdline.h"
#include "command.h"
#include "forking.h"
#include "log.h"
#include "manager.h"
#include "netfilter.h"
#include "credentials.h"
#include "environment.h"
#include "db.h"
#include "fdholder.h"
#include "procinfo.h"
#include "security.h"
#include "share.h"
#include "validate.h"

int process_security_plan(struct service *s, struct security_plan **ret, char **ret_error) {
        struct security_request rq = {
                .config = &s->config,
                .db = s->manager->db,
                .paths = &s->manager->paths,
                .caps_as_root = share_required_privileges(s, true),
                .caps_as_user = share_required_privileges(s, false),
        };
        int r = security_plan_build(&rq, ret);
        *ret_error = rq.error;
        return r;
}

/* secrets_deliver() for s, its sentence (if any) becoming s's last error. */
static int deliver_secrets(struct service *s, const struct security_plan *plan) {
        struct secrets_request rq = {
                .config = &s->config,
                .db = s->manager->db,
                .paths = &s->manager->paths,
                .credentials_dir = &s->credentials_dir,
                .error = &s->last_error,
        };
        return secrets_deliver(&rq, plan);
}

/* process_security_plan(), its sentence (if any) becoming s's last error. */
static int plan_for(struct service *s, struct security_plan **ret) {
        char *why = NULL;
        int r = process_security_plan(s, ret, &why);
        if (why) {
                free(s->last_error);
                s->last_error = why;
        }
        return r;
}

/* How long a killed cgroup may take to empty before we stop waiting. */
#define DRAIN_TIMEOUT (5 * USEC_PER_SEC)

static void on_stop_timeout(struct loop_timer *t);
static void on_forking_retry(struct loop_timer *t);
static bool forking_launcher(const struct process *p);
static void on_pidfd(struct loop_io *io, uint32_t events);
static void on_exec_report(struct loop_io *io, uint32_t events);
static void on_exec_settled(struct loop_timer *t);
static void hold(struct process *p);

/* How the process finds its way back to scmd, by kind. */
static int push_protocol_env(const struct service *s, char ***env, size_t *n) {
        char num[32];
        int r = 0;
        switch (s->config.kind) {
        case SCM_KIND_NATIVE:
                snprintf(num, sizeof(num), "%d", SCM_CONTROL_FD_NUMBER);
                return environment_push(env, n, SCM_CONTROL_FD_ENV, num);
        case SCM_KIND_NOTIFY:
                if (s->manager->notify_path)
                        r = environment_push(env, n, "NOTIFY_SOCKET", s->manager->notify_path);
                if (r >= 0 && s->config.watchdog_ms) {
                        snprintf(num, sizeof(num), "%llu",
                                 (unsigned long long)s->config.watchdog_ms * 1000ULL);
                        r = environment_push(env, n, "WATCHDOG_USEC", num);
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
        char **env = environment_for_account(pw, "SCM_SERVICE_NAME", s->config.name);
        size_t n = 0;
        while (env && env[n])
                n++;
        if (env && push_protocol_env(s, &env, &n) < 0) {
                strv_free(env);
                return NULL;
        }
        return env;
}

/* The service's own environment files and entries on top (environment.c);
 * a file that cannot be read fails the start, naming it. */
static int settings_env(struct service *s, char ***envp) {
        _cleanup_free_ char *why = NULL;
        int r = environment_apply(envp, s->config.process, &why);
        if (r == -ENOMEM || (r < 0 && !why))
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r < 0) {
                service_set_last_error(s, "service %s: %s", s->config.name, why);
                return SCM_ERR(scm_error_from_errno(-r));
        }
        return 0;
}

/* Only paths: a secret itself never goes into the environment.  A shared
 * process also learns where every member's folder is (by its name). */
static int push_credentials_env(const struct service *s, char ***env) {
        size_t n = 0;
        while ((*env)[n])
                n++;
        int r = s->credentials_dir
                        ? environment_push(env, &n, "CREDENTIALS_DIRECTORY", s->credentials_dir)
                        : 0;
        if (r >= 0 && s->config.type == SCM_TYPE_SHARE_PROCESS) {
                _cleanup_free_ char *root = secrets_folder_root(&s->manager->paths);
                r = root ? environment_push(env, &n, "SCM_CREDENTIALS_ROOT", root) : -ENOMEM;
        }
        return r;
}

/* argv: the command line's words, then the start arguments. */
static int build_argv(struct service *s, const char *line, char **args, char ***ret) {
        char **argv;
        int argc;
        const char *reason;
        int r = cmdline_split(line, &argv, &argc, &reason);
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

/* ---- the object ---- */

static int process_new(struct service *s, struct process **ret) {
        struct process *p = calloc(1, sizeof(*p));
        if (!p || !(p->log_path = strdup(s->log_path))) {
                free(p);
                return -ENOMEM;
        }
        p->manager = s->manager;
        p->pidfd = p->exec_report_fd = p->cgroup_fd = p->cgroup_events_fd = -1;
        p->pidfd_io.fd = p->exec_report_io.fd = p->cgroup_io.fd = -1;
        p->channel_fd = p->channel_io.fd = -1;
        log_capture_init(&p->log);
        *ret = p;
        return 0;
}

static void close_exec_report(struct process *p) {
        loop_timer_disarm(p->manager->loop, &p->exec_timer);
        p->exec_pending = false;
        loop_io_remove(p->manager->loop, &p->exec_report_io);
        if (p->exec_report_fd >= 0)
                close(p->exec_report_fd);
        p->exec_report_fd = -1;
}

/* Lets go of every handle; the processes have gone (or never were). */
static void process_free(struct process *p) {
        struct loop *l = p->manager->loop;
        if (p->pid > 0 && p->manager->fdholder) {
                char key[FDHOLDER_KEY_MAX];
                process_holder_key(p->pid, p->start_time, key, sizeof(key));
                fdholder_drop(p->manager->fdholder, key);
        }
        manager_unfile_process(p->manager, p);
        loop_timer_disarm(l, &p->drain_timer);
        loop_timer_disarm(l, &p->forking_timer);
        close_exec_report(p);
        loop_io_remove(l, &p->pidfd_io);
        if (p->pidfd >= 0)
                close(p->pidfd);
        loop_io_remove(l, &p->cgroup_io);
        if (p->cgroup_events_fd >= 0)
                close(p->cgroup_events_fd);
        if (p->usage_held) {
                cgroup_usage_close(&p->usage_files);
                p->manager->usage_held--;
        }
        if (process_has_cgroup(p)) {
                if (p->cgroup_fd >= 0)
                        close(p->cgroup_fd);
                if (p->cgroup_name)
                        cgroup_service_remove(p->manager->cgroup_base_fd, p->cgroup_name);
        }
        channel_close(p, SCM_ERROR_SERVICE_NOT_ACTIVE);
        log_capture_close(&p->log);
        free(p->cgroup_name);
        free(p->log_path);
        free(p->command_line);
        free(p->account);
        free(p->fence_key);
        free(p);
}

void process_ref(struct process *p) {
        p->refs++;
}

void process_unref(struct process *p) {
        if (--p->refs == 0)
                process_free(p);
}

static void attach(struct process *p, struct service *s) {
        struct service **tail = &p->members;
        while (*tail)
                tail = &(*tail)->member_next;
        *tail = s;
        s->member_next = NULL;
        s->process = p;
        p->refs++;
        manager_track(p->manager, s);
}

static void detach(struct service *s) {
        struct process *p = s->process;
        struct service **pp = &p->members;
        while (*pp && *pp != s)
                pp = &(*pp)->member_next;
        if (*pp)
                *pp = s->member_next;
        s->member_next = NULL;
        s->process = NULL;
        s->cut_loose = false;
        if (s->manager->db && db_process_delete(s->manager->db, s->id) < 0)
                log_warning("service %s: cannot forget its process record", s->config.name);
        manager_untrack(p->manager, s);
        process_unref(p);
}

struct service *process_member(struct process *p, const char *name) {
        for (struct service *s = p->members; s; s = s->member_next)
                if (names_equal(s->config.name, name))
                        return s;
        return NULL;
}

const char *process_name(const struct process *p) {
        return p->members ? p->members->config.name : "(gone)";
}

pid_t service_pid(const struct service *s) {
        return s->process ? s->process->pid : 0;
}

/* ---- starting ---- */

/* An own process's cgroup is "NAME.service"; a shared one's
 * "NAME.share-N.service", after the member that spawned it and numbered,
 * since a new one may start while the last is still ending. */
static int open_cgroup(struct process *p, const struct service *s) {
        static unsigned shared_count;
        if (p->manager->cgroup_base_fd < 0)
                return -1;
        _cleanup_free_ char *fname = service_file_name(s->config.name);
        int n = !fname ? -1
                : p->shared
                        ? asprintf(&p->cgroup_name, "%s.share-%u.service", fname, ++shared_count)
                        : asprintf(&p->cgroup_name, "%s.service", fname);
        if (n < 0) {
                p->cgroup_name = NULL;
                return -ENOMEM;
        }
        int fd = cgroup_service_open(p->manager->cgroup_base_fd, p->cgroup_name);
        if (fd < 0)
                log_warning("service %s: no cgroup (%s); holding it by process group",
                            s->config.name, strerror(-fd));
        return fd;
}

int process_cgroup(struct process *p) {
        if (p->cgroup_fd < 0 && p->cgroup_let_go && p->manager->cgroup_base_fd >= 0) {
                int fd = cgroup_service_open(p->manager->cgroup_base_fd, p->cgroup_name);
                if (fd >= 0) {
                        p->cgroup_fd = fd;
                        p->cgroup_let_go = false;
                }
        }
        return p->cgroup_fd;
}

void process_cgroup_let_go(struct process *p) {
        if (p->cgroup_fd < 0 || !p->cgroup_name)
                return;
        close(p->cgroup_fd);
        p->cgroup_fd = -1;
        p->cgroup_let_go = true;
}

bool process_has_cgroup(const struct process *p) {
        return p->cgroup_fd >= 0 || p->cgroup_let_go;
}

bool process_cgroup_usage(struct process *p, struct cgroup_usage *ret) {
        struct manager *m = p->manager;
        int dir_fd = p->cgroup_fd;
        const char *folder = NULL;
        if (dir_fd < 0 && p->cgroup_let_go && p->cgroup_name && m->cgroup_base_fd >= 0) {
                dir_fd = m->cgroup_base_fd;
                folder = p->cgroup_name;
        }
        if (dir_fd < 0)
                return false;
        if (!p->usage_held && m->usage_held < PROCESS_USAGE_HELD_MAX &&
            cgroup_usage_open(dir_fd, folder, m->cgroup_controllers, &p->usage_files) == 0) {
                p->usage_held = true;
                m->usage_held++;
        }
        if (p->usage_held)
                cgroup_usage_read_open(&p->usage_files, ret);
        else
                cgroup_usage_read(dir_fd, folder, m->cgroup_controllers, ret);
        return true;
}

static int fail_errno(struct service *s, const char *what, int e) {
        service_set_last_error(s, "service %s: cannot %s: %s", s->config.name, what, strerror(e));
        return SCM_ERR(scm_error_from_errno(e));
}

/* Makes p's process for s: log pipe, channel, cgroup, spawn.  On failure
 * p holds what it had made, for process_free(). */
static int spawn_into(struct process *p, struct service *s, const struct process_prep *prep) {
        struct spawn_request req;
        _cleanup_close_ int out_fd = -1, control_fd = -1;
        int r = log_capture_open(&p->log, p->manager->loop, p->log_path, &out_fd);
        if (r < 0)
                return fail_errno(s, "capture its output", -r);
        if (s->config.kind == SCM_KIND_NATIVE &&
            (r = channel_open(p, s, s->start_args, &control_fd)) < 0)
                return fail_errno(s, "open its control channel", -r);
        p->cgroup_fd = open_cgroup(p, s);
        if ((r = resource_apply(s, p->cgroup_fd)) < 0) /* before the process is in it */
                return r;
        _cleanup_free_ char *why = NULL;
        if ((r = netfilter_attach(p->cgroup_fd, s->config.fences, &why)) < 0) {
                service_set_last_error(s, "service %s: %s", s->config.name,
                                       why ? why : strerror(-r));
                return SCM_ERR(r == -EOPNOTSUPP ? SCM_ERROR_NOT_SUPPORTED
                                                : scm_error_from_errno(-r));
        }

        process_request(s, prep, &req);
        req.stdout_fd = out_fd;
        req.control_fd = control_fd;
        req.cgroup_fd = p->cgroup_fd >= 0 ? p->cgroup_fd : -1;
        req.low_priority = s->start_low_priority;
        req.report_in_result = true; /* no descriptor per spawn in flight */
        req.no_pidfd = true;         /* our child: watched through SIGCHLD */
        p->uid = prep->plan->pw ? prep->plan->pw->pw_uid : 0;
        p->forking_deadline =
                now_usec() + (usec_t)PROCESS_START_TIMEOUT_MS(&s->config) * USEC_PER_MSEC;
        if (s->manager->hooks.listen_fds) /* socket activation: work/activation.c */
                req.n_listen_fds =
                        s->manager->hooks.listen_fds(s, &req.listen_fds, &req.listen_names);
        struct spawn_result res;
        r = spawn_process(&req, &res);
        if (r < 0)
                return fail_errno(s, "create its process", -r);
        p->pid = res.pid;
        manager_file_process(p->manager, p); /* before its SIGCHLD is read */
        p->exec_report_fd = res.report_fd;
        p->exec_pending = res.settled;
        p->exec_report = res.report;
        if (proc_start_time(p->pid, &p->start_time) < 0)
                log_warning("service %s: cannot read the start time of pid %d: a restart of scmd "
                            "will not take it back",
                            s->config.name, (int)p->pid);
        hold(p);
        if (p->exec_pending)
                loop_timer_arm(p->manager->loop, &p->exec_timer, now_usec(), on_exec_settled);
        else
                loop_io_add(p->manager->loop, &p->exec_report_io, p->exec_report_fd, EPOLLIN,
                            on_exec_report);
        log_debug("service %s: spawned %s as pid %d", s->config.name, prep->path, (int)p->pid);
        process_cgroup_let_go(p);
        return 0;
}

void process_holder_key(pid_t pid, uint64_t start_time, char *buf, size_t size) {
        snprintf(buf, size, "proc %d %llu", (int)pid, (unsigned long long)start_time);
}

/* The holder keeps a copy of p's log pipe and control channel, so that a
 * crash of scmd breaks neither (exec/fdholder.c). */
static void hold(struct process *p) {
        int fds[2];
        size_t n = 0;
        if (!p->manager->fdholder || p->log.pipe_fd < 0)
                return;
        fds[n++] = p->log.pipe_fd;
        if (p->channel_fd >= 0)
                fds[n++] = p->channel_fd;
        char key[FDHOLDER_KEY_MAX];
        process_holder_key(p->pid, p->start_time, key, sizeof(key));
        int r = fdholder_put(p->manager->fdholder, key, fds, n);
        if (r < 0)
                log_warning("service %s: the descriptor holder did not take its output pipe (%s): "
                            "a crash of scmd would break it",
                            process_name(p), strerror(-r));
}

void process_record(struct service *s) {
        struct process *p = s->process;
        if (!p || p->pid <= 0 || !s->manager->db)
                return;
        struct db_process rec = {
                .pid = p->pid,
                .start_time = p->start_time,
                .cgroup = process_has_cgroup(p) ? p->cgroup_name : "",
                .state = s->state,
                .controls_accepted = s->controls_accepted,
        };
        int r = db_process_save(s->manager->db, s->id, &rec);
        if (r < 0)
                log_warning("service %s: cannot record its process: %s", s->config.name,
                            strerror(-r));
}

/* A process just attached to s is recorded at once, unless s is still
 * STOPPED: then its start (EV_START) enters START_PENDING in the same turn,
 * whose transaction writes the record (service.c, persist_entered()). */
static void record_unless_entering(struct service *s) {
        if (s->state != SCM_STATE_STOPPED)
                process_record(s);
}

/* A shared process records what its members must have in common. */
static int make_shared(struct process *p, const struct service *s,
                       const struct security_plan *plan) {
        p->shared = true;
        p->command_line = strdup(s->config.command_line);
        p->account = strdup(s->config.account);
        p->restrict_network = plan->new_netns;
        p->caps = plan->set_caps ? plan->caps : 0;
        p->root = plan->pw && plan->pw->pw_uid == 0;
        p->fence_key = share_fence_key(s);
        return p->command_line && p->account && p->fence_key ? 0 : -ENOMEM;
}

static void on_joined(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, timer);
        if (s->process && s->process->connected && !s->connected)
                service_connected(s);
}

/* s joins p, a running shared process: its start goes on p's channel.  If
 * p's dispatcher has said hello, s hears it after its start has been
 * entered and its waiters set: on the next turn of the loop, or before its
 * first report if that comes first (service_report()). */
static int join(struct process *p, struct service *s) {
        /* Its secrets in a folder of its own, as for a start (the process
         * finds it under $SCM_CREDENTIALS_ROOT, by the member's name). */
        _cleanup_(security_plan_freep) struct security_plan *plan = NULL;
        int r = plan_for(s, &plan);
        if (r < 0)
                return r;
        r = deliver_secrets(s, plan);
        if (r < 0)
                return r;
        r = control_send(p->channel_fd, control_start(s->config.name, s->start_args), MSG_DONTWAIT);
        if (r < 0) {
                secrets_withdraw(&s->credentials_dir);
                return fail_errno(s, "send its start to its process", -r);
        }
        attach(p, s);
        record_unless_entering(s);
        s->next_control_id = 0;
        s->desired = SCM_STATE_RUNNING;
        if (p->connected)
                loop_timer_arm(s->manager->loop, &s->timer, now_usec(), on_joined);
        log_debug("service %s: joins the process of %s (pid %d)", s->config.name, process_name(p),
                  (int)p->pid);
        return 0;
}

/* ---- taking a process back after a restart of scmd ---- */

/* Is found's process still the one recorded: the same start time, and
 * (with cgroups) in the recorded folder, so in no other service's? */
static bool still_runs(const struct manager *m, const struct process_found *found) {
        uint64_t start;
        if (found->pid <= 0 || proc_start_time(found->pid, &start) < 0 ||
            start != found->start_time)
                return false;
        if (m->cgroup_base_fd < 0 || !found->cgroup[0])
                return m->cgroup_base_fd < 0; /* without cgroups: pid and start time */
        struct forking_search q = {.cgroup_fd = m->cgroup_base_fd,
                                   .cgroup_base = m->cgroup_base_rel,
                                   .cgroup_name = found->cgroup};
        return forking_in_cgroup(&q, found->pid);
}

/* A struct process for a process scmd did not just make: its handles
 * opened again (pidfd, cgroup folder) or taken from the holder. */
static int adopt_new(struct service *s, const struct process_found *found, struct process **ret) {
        struct process *p;
        int r = process_new(s, &p);
        if (r < 0)
                return r;
        p->adopted = true;
        p->pid = found->pid;
        p->start_time = found->start_time;
        if (proc_uid(found->pid, &p->uid) < 0)
                p->uid = 0;
        /* A forking start under way gets a whole start timeout again to
         * name its daemon (when the earlier scmd began it is not known). */
        p->forking_deadline =
                now_usec() + (usec_t)PROCESS_START_TIMEOUT_MS(&s->config) * USEC_PER_MSEC;
        /* After a re-exec it is still scmd's child, watched through
         * SIGCHLD; after a crash it is another's, watched through a pidfd. */
        pid_t parent = 0;
        if (proc_parent(found->pid, &parent) < 0 || parent != getpid()) {
                p->pidfd = proc_pidfd_open(found->pid);
                if (p->pidfd < 0) {
                        r = p->pidfd;
                        process_free(p);
                        return r;
                }
        }
        manager_file_process(s->manager, p);
        if (found->cgroup[0] && s->manager->cgroup_base_fd >= 0) {
                p->cgroup_name = strdup(found->cgroup);
                p->cgroup_fd = p->cgroup_name ? cgroup_service_open(s->manager->cgroup_base_fd,
                                                                    p->cgroup_name)
                                              : -ENOMEM;
                if (p->cgroup_fd < 0)
                        log_warning("service %s: cannot open its cgroup %s again: %s",
                                    s->config.name, found->cgroup, strerror(-p->cgroup_fd));
                process_cgroup_let_go(p);
        }
        if (found->fds[0] >= 0 &&
            log_capture_adopt(&p->log, s->manager->loop, p->log_path, found->fds[0]) < 0)
                log_warning("service %s: cannot read its output again", s->config.name);
        if (found->fds[1] >= 0 && channel_adopt(p, found->fds[1]) < 0)
                log_warning("service %s: cannot take its control channel back", s->config.name);
        if (s->config.type == SCM_TYPE_SHARE_PROCESS) {
                /* What its members had in common is not known again: it
                 * takes no new member, and ends with its last. */
                p->shared = true;
                p->closed = true;
                p->command_line = strdup(s->config.command_line);
                p->account = strdup(s->config.account);
        }
        p->connected = p->channel_fd >= 0;
        if (p->pidfd >= 0)
                loop_io_add(s->manager->loop, &p->pidfd_io, p->pidfd, EPOLLIN, on_pidfd);
        *ret = p;
        return 0;
}

int process_adopt(struct service *s, const struct process_found *found, struct process **shared) {
        if (!still_runs(s->manager, found))
                return 0;
        struct process *p = *shared;
        if (!p || p->pid != found->pid) {
                int r = adopt_new(s, found, &p);
                if (r < 0)
                        return r;
        }
        attach(p, s);
        s->desired = SCM_STATE_RUNNING;
        s->connected = p->connected;
        s->next_control_id = 1u << 30; /* no answer meant for the last scmd is taken as ours */
        *shared = p;
        log_info("service %s: took back pid %d, still running since before this scmd",
                 s->config.name, (int)p->pid);
        return 1;
}

int process_adopt_daemon(struct service *s, const struct process_found *launcher,
                         struct process **shared) {
        struct manager *m = s->manager;
        if (s->config.kind != SCM_KIND_FORKING || m->cgroup_base_fd < 0 || !launcher->cgroup[0])
                return 0;
        int cg = cgroup_service_open(m->cgroup_base_fd, launcher->cgroup);
        if (cg < 0)
                return 0;
        struct passwd *pw = NULL;
        char *why = NULL;
        uid_t owner = account_lookup(s->config.account, &pw, &why) >= 0 ? pw->pw_uid : 0;
        free(pw);
        free(why);
        why = NULL;
        const struct service_process *settings = s->config.process;
        struct forking_search q = {.pid_file = settings ? settings->pid_file : NULL,
                                   .owner = owner,
                                   .cgroup_fd = cg,
                                   .cgroup_base = m->cgroup_base_rel,
                                   .cgroup_name = launcher->cgroup};
        struct process_found found = *launcher;
        int r = forking_main_pid(&q, &found.pid, &why);
        close(cg);
        free(why);
        if (r <= 0 || command_has_pid(m, found.pid) ||
            proc_start_time(found.pid, &found.start_time) < 0)
                return 0;
        r = process_adopt(s, &found, shared);
        if (r <= 0)
                return r;
        (*shared)->forked = true;
        log_info("service %s: its program ended while scmd was down, leaving its daemon, pid "
                 "%d: taken back as its main process",
                 s->config.name, (int)found.pid);
        return 1;
}

void process_request(const struct service *s, const struct process_prep *prep,
                     struct spawn_request *req) {
        const struct service_process *settings = s->config.process;
        *req = (struct spawn_request){
                .path = prep->path,
                .argv = prep->argv,
                .envp = prep->envp,
                .security = prep->plan,
                .stdout_fd = -1,
                .control_fd = -1,
                .cgroup_fd = -1,
                .umask = settings ? settings->umask : -1,
                /* Its commands too see its view and meet its filter. */
                .fences = s->config.fences,
                .fences_keep = s->manager->paths.run_dir,
                .syscalls = s->config.syscalls,
        };
        if (settings) {
                req->working_directory = settings->working_directory;
                req->limits = settings->limits;
                req->n_limits = settings->n_limits;
        }
}

void process_prep_clear(struct process_prep *prep) {
        security_plan_free(prep->plan);
        free(prep->path);
        strv_free(prep->argv);
        strv_free(prep->envp);
        *prep = (struct process_prep){0};
}

/* While it has a main process, its commands learn its pid, as systemd's do. */
static int push_main_pid(const struct service *s, char ***envp) {
        if (!s->process || s->process->pid <= 0 || s->process->main_exited)
                return 0;
        size_t n = 0;
        while ((*envp)[n])
                n++;
        char num[16];
        snprintf(num, sizeof(num), "%d", (int)s->process->pid);
        return environment_push(envp, &n, "MAINPID", num);
}

int process_prepare(struct service *s, const char *line, char **args, struct process_prep *ret) {
        *ret = (struct process_prep){0};
        /* The account, privileges and confinement: security.c. */
        int r = plan_for(s, &ret->plan);
        if (r >= 0)
                r = build_argv(s, line, args, &ret->argv);
        if (r >= 0 && !(ret->path = spawn_resolve_program(ret->argv[0]))) {
                int e = errno;
                service_set_last_error(
                        s, "service %s: cannot start program '%s': %s%s", s->config.name,
                        ret->argv[0], strerror(e),
                        strchr(ret->argv[0], '/') ? "" : " (searched the service's PATH)");
                r = SCM_ERR(scm_error_from_errno(e));
        }
        if (r >= 0 &&
            (!(ret->envp = build_env(s, ret->plan->pw)) ||
             security_plan_env(ret->plan, &ret->envp) < 0 || push_main_pid(s, &ret->envp) < 0))
                r = SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r >= 0)
                r = settings_env(s, &ret->envp);
        if (r < 0)
                process_prep_clear(ret);
        return r;
}

int process_spawn_main(struct service *s) {
        struct process_prep prep;
        bool native = s->config.kind == SCM_KIND_NATIVE;
        int r = process_prepare(s, s->config.command_line, native ? NULL : s->start_args, &prep);
        if (r < 0)
                return r;
        /* Its secrets, as files in a private memory-backed folder (secrets.c). */
        r = deliver_secrets(s, prep.plan);
        if (r >= 0 && push_credentials_env(s, &prep.envp) < 0)
                r = SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        struct process *p = NULL;
        if (r >= 0 && process_new(s, &p) < 0)
                r = SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r >= 0 && s->config.type == SCM_TYPE_SHARE_PROCESS && make_shared(p, s, prep.plan) < 0)
                r = SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r >= 0)
                r = spawn_into(p, s, &prep);
        process_prep_clear(&prep);
        if (r < 0) {
                if (p)
                        process_free(p); /* the log pipe, the channel and the cgroup folder */
                secrets_withdraw(&s->credentials_dir);
                return r;
        }
        attach(p, s);
        record_unless_entering(s);
        s->low_priority = s->start_low_priority; /* boot.c raises it at RUNNING */
        return 0;
}

/* Its connections are accepted by scmd, an instance of it for each (the
 * accept_start hook: work/activation.c). */
static bool accepts_connections(const struct service *s) {
        return s->config.process && s->config.process->accept_connections;
}

/* The EFF_SPAWN effect.  On failure the service stays STOPPED with the
 * Win32 error in win32_exit_code and a sentence in last_error.  With
 * pre-start commands, they run first (command.c), which then spawns.  A
 * service whose connections scmd accepts has no process: its accepting
 * begins instead. */
int process_spawn(struct service *s) {
        if (accepts_connections(s)) { /* no process of its own: the accepting begins */
                int r = s->manager->hooks.accept_start ? s->manager->hooks.accept_start(s)
                                                       : SCM_ERR(SCM_ERROR_NOT_SUPPORTED);
                if (r >= 0)
                        s->desired = SCM_STATE_RUNNING;
                return r;
        }
        struct process *running = NULL;
        int r = s->config.type == SCM_TYPE_SHARE_PROCESS ? share_find_process(s, &running) : 0;
        if (r < 0)
                return r;
        if (running)
                return join(running, s);
        const struct service_process *settings = s->config.process;
        r = settings && settings->start_pre ? command_start_pre(s) : process_spawn_main(s);
        if (r >= 0)
                s->desired = SCM_STATE_RUNNING;
        return r;
}

void process_signal(struct service *s, int sig) {
        struct process *p = s->process;
        command_signal(s, sig);
        if (s->manager->hooks.instances_signal) /* an instance per connection's */
                s->manager->hooks.instances_signal(s, sig);
        if (p && !p->forked && p->main_exited && loop_timer_armed(&p->forking_timer)) {
                /* A forking service whose daemon is not known yet: the next
                 * look for it finds it stopping, and ends what it left. */
                loop_timer_arm(p->manager->loop, &p->forking_timer, now_usec(), on_forking_retry);
                return;
        }
        if (!p || p->pid <= 0 || p->main_exited)
                return; /* reaped: its pid may be another's now */
        /* Not reaped: the pid is still its own (a child's is ours until we
         * reap it; any other is held by its pidfd). */
        int r = p->pidfd >= 0 ? (int)syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0)
                              : kill(p->pid, sig);
        if (r < 0 && errno != ESRCH)
                log_warning("service %s: cannot signal pid %d: %m", s->config.name, (int)p->pid);
}

static bool others_run(const struct service *s) {
        for (const struct service *m = s->process->members; m; m = m->member_next)
                if (m != s && !m->cut_loose)
                        return true;
        return false;
}

bool process_member_leaves(struct service *s) {
        struct process *p = s->process;
        if (!p || !p->shared)
                return false;
        if (others_run(s))
                return true;
        p->closed = true; /* its dispatcher returns now: nobody may join */
        return false;
}

static void on_cut_loose(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, timer);
        if (s->process && s->cut_loose)
                service_dispatch(s, EV_EXITED);
}

/* A member of a shared process that must go while others run in it: it is
 * given up on (on the next turn of the loop, as if its process had ended)
 * and the process takes no new member, since it may still run the member's
 * threads.  The process ends, or is killed, with its last member. */
static void cut_loose(struct service *s) {
        log_warning("service %s: giving up on it; its process (pid %d) goes on for the other "
                    "services in it",
                    s->config.name, (int)s->process->pid);
        s->cut_loose = true;
        s->process->closed = true;
        loop_timer_arm(s->manager->loop, &s->timer, now_usec(), on_cut_loose);
}

void service_kill(struct service *s) {
        struct process *p = s->process;
        command_signal(s, SIGKILL);
        if (s->manager->hooks.instances_signal)
                s->manager->hooks.instances_signal(s, SIGKILL);
        if (!p)
                return;
        if (p->shared && others_run(s)) {
                cut_loose(s);
                return;
        }
        p->closed = true;
        process_signal(s, SIGKILL);
        if (process_cgroup(p) >= 0)
                cgroup_kill(p->cgroup_fd);
        else if (p->pid > 0)
                kill(-p->pid, SIGKILL); /* its session's process group */
}

/* The EFF_FINISH effect: s lets go of its process. */
void process_release(struct service *s) {
        struct loop *l = s->manager->loop;
        loop_timer_disarm(l, &s->timer);
        loop_timer_disarm(l, &s->progress_timer);
        loop_timer_disarm(l, &s->watchdog_timer);
        channel_forget(s, SCM_ERROR_SERVICE_NOT_ACTIVE);
        if (s->process)
                detach(s);
        secrets_withdraw(&s->credentials_dir); /* its own folder, even when the process goes on */
}

/* ---- events from the system ---- */

static void on_stop_timeout(struct loop_timer *t) {
        struct service *s = container_of(t, struct service, timer);
        log_warning("service %s: did not stop within %llu ms; killing it", s->config.name,
                    (unsigned long long)(s->manager->options.stop_timeout / USEC_PER_MSEC));
        service_dispatch(s, EV_STOP_TIMEOUT);
}

/* Reads the exec report; returns true when it is settled (and dispatched). */
static bool settle_exec_report(struct process *p) {
        struct spawn_report rep = p->exec_report;
        int r;
        if (p->exec_pending)
                r = rep.stage >= 0 ? 1 : 0;
        else if (p->exec_report_fd < 0)
                return true;
        else if ((r = spawn_read_report(p->exec_report_fd, &rep)) == -EAGAIN)
                return false;
        close_exec_report(p);
        process_ref(p);
        for (struct service *s = p->members, *next; s; s = next) {
                next = s->member_next;
                if (r == 0) {
                        service_dispatch(s, EV_SPAWNED);
                        continue;
                }
                s->win32_exit_code = (uint32_t)scm_error_from_errno(rep.error);
                service_set_last_error(s, "service %s: cannot %s: %s", s->config.name,
                                       spawn_stage_name((enum spawn_stage)rep.stage),
                                       strerror(rep.error));
                log_warning("%s", s->last_error);
        }
        p->exec_failed = r != 0;
        process_unref(p);
        return true;
}

static void on_exec_report(struct loop_io *io, uint32_t events) {
        struct process *p = container_of(io, struct process, exec_report_io);
        (void)events;
        settle_exec_report(p);
}

static void on_exec_settled(struct loop_timer *t) {
        settle_exec_report(container_of(t, struct process, exec_timer));
}

/* Every process of the cgroup has gone: the post-stop commands of its
 * service (an own process's), then the table hears of it. */
static void all_gone(struct process *p) {
        bool clean = p->exit_kind == EXIT_CODE && p->exit_value == 0;
        enum svc_event event = p->exec_failed ? EV_SPAWN_FAILED : clean ? EV_SUCCEEDED : EV_EXITED;
        p->exec_failed = false;
        /* Once: a post-stop command in the cgroup must not make it "gone" again. */
        loop_io_remove(p->manager->loop, &p->cgroup_io);
        loop_timer_disarm(p->manager->loop, &p->drain_timer);
        loop_timer_disarm(p->manager->loop, &p->forking_timer);
        /* A job that remains after exit is not stopping: its post-stop
         * commands are not run at its success. */
        bool remains = p->members && event == EV_SUCCEEDED &&
                       state_rows_of(&p->members->config) == SVC_ROWS_ONESHOT_REMAIN;
        if (!p->shared && p->members && !remains && command_stop_post(p->members, event))
                return;
        process_gone(p, event);
}

void process_gone(struct process *p, enum svc_event event) {
        process_ref(p);
        while (p->members) {
                struct service *s = p->members;
                service_dispatch(s, event);
                if (p->members == s) {
                        /* The table kept it in its process: it cannot stay in one that is gone. */
                        log_warning("service %s: its process has gone in state %s", s->config.name,
                                    scm_state_name(s->state));
                        process_release(s);
                }
        }
        process_unref(p);
}

static void on_drain_timeout(struct loop_timer *t) {
        struct process *p = container_of(t, struct process, drain_timer);
        log_warning("service %s: processes are still in its cgroup %llu s after being killed; "
                    "giving up on them",
                    process_name(p), (unsigned long long)(DRAIN_TIMEOUT / USEC_PER_SEC));
        all_gone(p);
}

static void on_cgroup_event(struct loop_io *io, uint32_t events) {
        struct process *p = container_of(io, struct process, cgroup_io);
        (void)events;
        if (cgroup_populated(p->cgroup_fd) != 1)
                all_gone(p);
}

/* The main process ended: kill what it left behind, then wait for the
 * cgroup to empty (or, without cgroups, for nothing). */
static void drain(struct process *p) {
        if (process_cgroup(p) < 0) {
                kill(-p->pid, SIGKILL);
                all_gone(p);
                return;
        }
        if (cgroup_populated(p->cgroup_fd) != 1) {
                all_gone(p);
                return;
        }
        cgroup_kill(p->cgroup_fd);
        p->cgroup_events_fd = cgroup_events_open(p->cgroup_fd);
        if (p->cgroup_events_fd < 0 ||
            loop_io_add(p->manager->loop, &p->cgroup_io, p->cgroup_events_fd, EPOLLPRI,
                        on_cgroup_event) < 0) {
                all_gone(p);
                return;
        }
        /* The drain deadline takes over from the members' stop timers. */
        for (struct service *s = p->members; s; s = s->member_next)
                loop_timer_disarm(p->manager->loop, &s->timer);
        loop_timer_arm(p->manager->loop, &p->drain_timer, now_usec() + DRAIN_TIMEOUT,
                       on_drain_timeout);
        /* It may have emptied between the check and the watch. */
        if (cgroup_populated(p->cgroup_fd) != 1)
                all_gone(p);
}

static void record_exit(struct process *p, const siginfo_t *si) {
        p->exit_kind = si->si_code == CLD_EXITED ? EXIT_CODE : EXIT_SIGNAL;
        p->exit_value = si->si_status;
        resource_note_exit(p);
        for (struct service *s = p->members; s; s = s->member_next) {
                s->exit_kind = p->exit_kind;
                s->exit_value = p->exit_value;
        }
        log_info("service %s: pid %d %s %d", process_name(p), (int)p->pid,
                 p->exit_kind == EXIT_CODE ? "exited with code" : "was killed by signal",
                 p->exit_value);
}

/* An adopted process that is not our child (its parent was the scmd that
 * crashed): it has ended, but only its parent could learn how. */
static void record_unknown_exit(struct process *p) {
        p->exit_kind = EXIT_NONE;
        for (struct service *s = p->members; s; s = s->member_next)
                s->exit_kind = EXIT_NONE;
        log_info("service %s: pid %d ended (how is unknown: it was taken back after a restart "
                 "of scmd, and is not scmd's child)",
                 process_name(p), (int)p->pid);
}

/* ---- a forking daemon (forking.c finds it) ---- */

/* How often to look for the PID file while the daemon has not written it. */
#define FORKING_RETRY (20 * USEC_PER_MSEC)

/* p is the program scmd started for a forking service, still starting. */
static bool forking_launcher(const struct process *p) {
        const struct service *s = p->members;
        return s && s->config.kind == SCM_KIND_FORKING && !p->forked && !p->exec_failed &&
               s->state == SCM_STATE_START_PENDING;
}

/* The program scmd started for a forking service has exited 0. */
static bool launcher_done(const struct process *p) {
        const struct service *s = p->members;
        return s && s->config.kind == SCM_KIND_FORKING && !p->forked && !p->exec_failed &&
               p->exit_kind == EXIT_CODE && p->exit_value == 0 &&
               s->state == SCM_STATE_START_PENDING;
}

/* ... or has ended otherwise, failing the start. */
static bool launcher_failed(const struct process *p) {
        const struct service *s = p->members;
        return s && s->config.kind == SCM_KIND_FORKING && !p->forked && !p->exec_failed &&
               !launcher_done(p) && p->exit_kind != EXIT_NONE && !s->win32_exit_code &&
               s->state == SCM_STATE_START_PENDING;
}

/* From now on p is pid, the daemon: its death is the service's.  The
 * pidfd is opened first and the pid checked after, so a pid reused in
 * between is never followed; it is kept, since the daemon may not be
 * scmd's child (a MAINPID's parent may still live). */
static int follow(struct process *p, pid_t pid, const struct forking_search *q) {
        int fd = proc_pidfd_open(pid);
        if (fd < 0)
                return fd;
        if (!forking_in_cgroup(q, pid) || proc_pidfd_exited(fd) != 0 ||
            command_has_pid(p->manager, pid)) {
                close(fd);
                return -ESRCH;
        }
        struct loop *l = p->manager->loop;
        loop_io_remove(l, &p->pidfd_io);
        if (p->pidfd >= 0)
                close(p->pidfd);
        manager_unfile_process(p->manager, p);
        if (p->manager->fdholder) {
                char key[FDHOLDER_KEY_MAX];
                process_holder_key(p->pid, p->start_time, key, sizeof(key));
                fdholder_drop(p->manager->fdholder, key);
        }
        p->pidfd = fd;
        p->pid = pid;
        manager_file_process(p->manager, p);
        p->forked = true;
        p->main_exited = false;
        p->exit_kind = EXIT_NONE;
        if (proc_start_time(pid, &p->start_time) < 0)
                p->start_time = 0;
        hold(p);
        loop_io_add(l, &p->pidfd_io, p->pidfd, EPOLLIN, on_pidfd);
        return 0;
}

/* The service and its account as forking.c and follow() check a pid. */
static struct forking_search search_of(struct process *p) {
        const struct service_process *settings = p->members->config.process;
        return (struct forking_search){
                .pid_file = settings ? settings->pid_file : NULL,
                .owner = p->uid,
                .cgroup_fd = process_cgroup(p),
                .cgroup_base = p->manager->cgroup_base_rel,
                .cgroup_name = p->cgroup_name,
                .main_pid = p->main_exited ? 0 : p->pid,
        };
}

static void find_daemon(struct process *p) {
        struct service *s = p->members;
        if (s->state != SCM_STATE_START_PENDING) {
                /* Stopped while its daemon was looked for: whatever it left goes. */
                if (process_cgroup(p) >= 0)
                        cgroup_kill(p->cgroup_fd);
                drain(p);
                return;
        }
        struct forking_search q = search_of(p);
        pid_t pid = 0;
        _cleanup_free_ char *why = NULL;
        int r = forking_main_pid(&q, &pid, &why);
        if (r == 0 && now_usec() < p->forking_deadline) {
                loop_timer_arm(p->manager->loop, &p->forking_timer, now_usec() + FORKING_RETRY,
                               on_forking_retry);
                return;
        }
        if (r > 0 && (r = follow(p, pid, &q)) >= 0) {
                s->exit_kind = EXIT_NONE;
                log_info("service %s: daemonized; its main process is pid %d", s->config.name,
                         (int)pid);
                process_record(s);
                service_dispatch(s, EV_FORKED);
                return;
        }
        service_set_last_error(s, "service %s: cannot tell which process is the daemon: %s",
                               s->config.name,
                               why      ? why
                               : r == 0 ? "its PID file did not appear in time"
                                        : strerror(-r));
        log_warning("%s", s->last_error);
        p->exit_kind = EXIT_NONE; /* not a clean end: the start failed */
        drain(p);
}

void process_main_pid(struct service *s, const char *value) {
        struct process *p = s->process;
        char *end;
        long pid = strtol(value, &end, 10);
        if (!p || p->shared || *end || pid <= 1 || pid == p->pid || p->main_exited)
                return;
        struct forking_search q = search_of(p);
        if (follow(p, (pid_t)pid, &q) < 0) {
                log_warning("service %s: MAINPID=%ld is not one of its processes; ignored",
                            s->config.name, pid);
                return;
        }
        log_info("service %s: its main process is now pid %ld (MAINPID)", s->config.name, pid);
        process_record(s);
}

static void on_forking_retry(struct loop_timer *t) {
        struct process *p = container_of(t, struct process, forking_timer);
        if (p->members && !p->forked)
                find_daemon(p);
}

/* Reaps p's main process: 1 with *si when it has ended and was scmd's
 * child, 2 when it has ended but how is unknown, 0 while it runs. */
static int collect_exit(struct process *p, siginfo_t *si) {
        if (p->pidfd < 0) {
                /* Our child, watched through SIGCHLD: only the reaping of
                 * children (supervisor.c) calls this, for a pid that has
                 * ended.  Should the wait fail, the pid is given up as
                 * ended, so it is never signalled again. */
                if (waitid(P_PID, (id_t)p->pid, si, WEXITED | WNOHANG) < 0)
                        return 2;
                return si->si_pid != 0;
        }
        if (waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, si, WEXITED | WNOHANG) < 0)
                return errno == ECHILD && (p->adopted || p->forked) &&
                                       proc_pidfd_exited(p->pidfd) == 1
                               ? 2
                               : 0;
        return si->si_pid != 0;
}

void process_reap(struct process *p) {
        if (p->main_exited || p->pid <= 0)
                return;
        siginfo_t si = {0};
        int r = collect_exit(p, &si);
        if (r == 0)
                return; /* not yet */
        bool unknown = r == 2;
        p->main_exited = true;
        manager_unfile_process(p->manager, p); /* the pid is no longer its own */
        loop_io_remove(p->manager->loop, &p->pidfd_io);
        process_ref(p);
        if (unknown)
                record_unknown_exit(p);
        else
                record_exit(p, &si);
        if (unknown && forking_launcher(p)) {
                /* Taken back while it ran: its exit status went to the
                 * earlier scmd's successor as a parent, not here.  Its
                 * daemon, if it left one, says whether it succeeded. */
                p->exit_kind = EXIT_CODE;
                p->exit_value = 0;
                log_info("service %s: its program ended after a restart of scmd; looking for "
                         "the daemon it left",
                         process_name(p));
        }
        /* The report pipe is settled now: the child has exec'd or died. */
        settle_exec_report(p);
        if (launcher_done(p)) {
                find_daemon(p);
        } else {
                if (launcher_failed(p))
                        service_set_last_error(p->members,
                                               "service %s: its program %s %d before it daemonized",
                                               p->members->config.name,
                                               p->exit_kind == EXIT_CODE ? "exited with code"
                                                                         : "was killed by signal",
                                               p->exit_value);
                drain(p);
        }
        process_unref(p);
}

static void on_pidfd(struct loop_io *io, uint32_t events) {
        (void)events;
        process_reap(container_of(io, struct process, pidfd_io));
}

void process_arm_stop_timer(struct service *s) {
        const struct service_process *settings = s->config.process;
        usec_t timeout = settings && settings->stop_timeout_ms
                                 ? (usec_t)settings->stop_timeout_ms * USEC_PER_MSEC
                                 : s->manager->options.stop_timeout;
        loop_timer_arm(s->manager->loop, &s->timer, now_usec() + timeout, on_stop_timeout);
}

int process_stop_signal(const struct service *s) {
        const struct service_process *settings = s->config.process;
        return settings && settings->stop_signal ? settings->stop_signal : SIGTERM;
}
