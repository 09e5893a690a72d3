/* SPDX-License-Identifier: MIT */
/*
 * A scheduled task's runs: each is a process made as a service's is
 * (exec/spawn.c, with the security plan exec/security.c builds for the
 * task's account), in a session of its own, its stdout and stderr going
 * to the task's log (LOG_DIR/NAME.task.log), in a cgroup of its own below
 * scmd's (CGROUP/tasks/NAME.N.service, N counting runs), and a row in the task's history
 * from its start to its end.
 *
 * Its fences, network rules and system-call filter are a service's too
 * (exec/fences.c, netfilter.c on the run's cgroup, syscall_filter.c).
 *
 * A task with secrets gets them as a service does (exec/credentials.c),
 * in a folder of the run's own, RUN_DIR/task-credentials/NAME.N, named
 * by CREDENTIALS_DIRECTORY and removed when the run ends.
 *
 * A run ends when its main process does: SIGCHLD reaches the supervisor
 * (boot/supervisor.c), which hands every child that is no service's to
 * scheduler_child_exited() before reaping it, so the exit status is read
 * once, here.  Whatever the run left in its cgroup is killed then.
 * Stopping a run (its time limit, `task end`, a newer run under the
 * stop_old policy) is SIGTERM to its process group, then SIGKILL to its
 * cgroup (or group) after a grace of 5 seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <scm/error.h>

#include "cgroup.h"
#include "credentials.h"
#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "db_task.h"
#include "log.h"
#include "manager.h"
#include "netfilter.h"
#include "process_config.h"
#include "security.h"
#include "security_config.h"
#include "service_config.h"
#include "environment.h"
#include "spawner.h"
#include "task.h"

#define STOP_GRACE (5 * USEC_PER_SEC)

int64_t task_wall_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fresh environment, as a service's (exec/environment.c). */
static char **build_env(const struct task *t, const struct passwd *pw) {
        return environment_for_account(pw, "SCM_TASK_NAME", t->config.name);
}

/* The service t stands in as: its name and account, with its
 * least-privilege settings, no_new_privileges (process, which the caller
 * provides), fences and system-call filter. */
static void stand_in(const struct task *t, struct service_process *process,
                     struct service_config *ret) {
        *process = (struct service_process){.setuid_allowed = t->config.setuid_allowed};
        *ret = (struct service_config){
                .name = t->config.name,
                .account = t->config.account,
                .type = SCM_TYPE_OWN_PROCESS,
                .security = t->config.security,
                .process = t->config.setuid_allowed ? process : NULL,
                .fences = t->config.fences,
                .syscalls = t->config.syscalls,
        };
}

/* The security plan of the task, built as a service's is: the task stands
 * in as a service; the owner OWNER_TASK gives it the tasks' folders and
 * sentences that say "task NAME". */
static int plan_for(struct task *t, struct security_plan **ret, char **ret_error) {
        struct manager *m = t->scheduler->manager;
        struct service_process process;
        struct service_config as_service;
        stand_in(t, &process, &as_service);
        uint64_t caps = t->config.security ? t->config.security->privileges : 0;
        struct security_request rq = {
                .config = &as_service,
                .owner = OWNER_TASK,
                .db = m->db,
                .paths = &m->paths,
                .caps_as_root = caps,
                .caps_as_user = caps,
        };
        int r = security_plan_build(&rq, ret);
        if (r < 0)
                *ret_error = rq.error ? rq.error : strdup("cannot build the security plan");
        else
                free(rq.error);
        return r;
}

/* The task's secrets into a folder of r's own (none: nothing made), and
 * CREDENTIALS_DIRECTORY into *envp. */
static int deliver_secrets(struct task_run *r, const struct security_plan *plan, char ***envp,
                           char **ret_error) {
        struct task *t = r->task;
        struct manager *m = t->scheduler->manager;
        _cleanup_free_ char *key = task_identity_key(t->config.name);
        _cleanup_free_ char *fname = service_file_name(t->config.name);
        _cleanup_free_ char *folder = NULL;
        if (!key || !fname || asprintf(&folder, "%s.%u", fname, r->seq) < 0) {
                folder = NULL;
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        }
        struct service_process process;
        struct service_config as_service;
        stand_in(t, &process, &as_service);
        struct secrets_request rq = {
                .config = &as_service,
                .owner = OWNER_TASK,
                .key = key,
                .folder = folder,
                .db = m->db,
                .paths = &m->paths,
                .credentials_dir = &r->credentials_dir,
                .error = ret_error,
        };
        int e = secrets_deliver(&rq, plan);
        if (e < 0 || !r->credentials_dir)
                return e;
        size_t n = 0;
        while ((*envp)[n])
                n++;
        return environment_push(envp, &n, "CREDENTIALS_DIRECTORY", r->credentials_dir) < 0
                       ? SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY)
                       : 0;
}

static void run_free(struct task_run *r) {
        struct loop *l = r->task->scheduler->manager->loop;
        loop_timer_disarm(l, &r->timer);
        secrets_withdraw(&r->credentials_dir);
        log_capture_close(&r->log);
        if (r->report_fd >= 0)
                close(r->report_fd);
        if (r->cgroup_fd >= 0)
                close(r->cgroup_fd);
        if (r->cgroup_name && r->task->scheduler->cgroup_fd >= 0)
                cgroup_service_remove(r->task->scheduler->cgroup_fd, r->cgroup_name);
        free(r->cgroup_name);
        free(r->log_path);
        free(r);
}

static void open_cgroup(struct task_run *r) {
        struct scheduler *s = r->task->scheduler;
        _cleanup_free_ char *fname = service_file_name(r->task->config.name);
        if (s->cgroup_fd < 0 || !fname ||
            asprintf(&r->cgroup_name, "%s.%u.service", fname, r->seq) < 0) {
                r->cgroup_name = NULL;
                return;
        }
        r->cgroup_fd = cgroup_service_open(s->cgroup_fd, r->cgroup_name);
        if (r->cgroup_fd < 0)
                log_warning("task %s: no cgroup for its run (%s); holding it by process group",
                            r->task->config.name, strerror(-r->cgroup_fd));
}

/* What a run needs before the fork; *ret_error on failure. */
static int prepare(struct task_run *r, char ***ret_argv, char **ret_path, char **ret_error) {
        struct task *t = r->task;
        int argc;
        const char *reason;
        char **argv = NULL;
        int e = cmdline_split(t->config.command_line, &argv, &argc, &reason);
        if (e < 0 || argc == 0) {
                strv_free(argv);
                return asprintf(ret_error, "bad command line: %s", e < 0 ? reason : "empty") < 0
                               ? -ENOMEM
                               : -EINVAL;
        }
        char *path = spawn_resolve_program(argv[0]);
        if (!path) {
                e = errno;
                int n = asprintf(ret_error, "cannot find the program %s: %s", argv[0], strerror(e));
                strv_free(argv);
                return n < 0 ? -ENOMEM : -e;
        }
        *ret_argv = argv;
        *ret_path = path;
        return 0;
}

static int spawn_run(struct task_run *r, char **ret_error) {
        struct task *t = r->task;
        struct manager *m = t->scheduler->manager;
        _cleanup_(strv_free_p) char **argv = NULL;
        _cleanup_free_ char *path = NULL;
        int e = prepare(r, &argv, &path, ret_error);
        if (e < 0)
                return e;
        _cleanup_(security_plan_freep) struct security_plan *plan = NULL;
        e = plan_for(t, &plan, ret_error);
        if (e < 0)
                return e;
        _cleanup_(strv_free_p) char **envp = build_env(t, plan->pw);
        if (!envp || security_plan_env(plan, &envp) < 0)
                return -ENOMEM;
        e = deliver_secrets(r, plan, &envp, ret_error);
        if (e < 0)
                return e;
        _cleanup_close_ int out_fd = -1;
        e = log_capture_open(&r->log, m->loop, r->log_path, &out_fd);
        if (e < 0)
                return asprintf(ret_error, "cannot capture its output: %s", strerror(-e)) < 0
                               ? -ENOMEM
                               : e;
        open_cgroup(r);
        _cleanup_free_ char *why = NULL;
        e = netfilter_attach(r->cgroup_fd, t->config.fences, &why); /* before it holds a process */
        if (e < 0) {
                int n = asprintf(ret_error, "task %s: %s", t->config.name,
                                 why ? why : strerror(-e));
                if (n < 0)
                        *ret_error = NULL;
                return SCM_ERR(e == -EOPNOTSUPP ? SCM_ERROR_NOT_SUPPORTED
                                                : scm_error_from_errno(-e));
        }
        struct spawn_request req = {
                .path = path,
                .control_fd = -1,
                .argv = argv,
                .envp = envp,
                .stdout_fd = out_fd,
                .cgroup_fd = r->cgroup_fd,
                .security = plan,
                .umask = -1,
                .fences = t->config.fences,
                .fences_keep = m->paths.run_dir,
                .syscalls = t->config.syscalls,
                .no_pidfd = true, /* the supervisor's SIGCHLD tells us it ended */
        };
        struct spawn_result res;
        e = spawn_process(&req, &res);
        if (e < 0)
                return asprintf(ret_error, "cannot create its process: %s", strerror(-e)) < 0
                               ? -ENOMEM
                               : e;
        r->pid = res.pid;
        r->report_fd = res.report_fd;
        return 0;
}

static void on_limit(struct loop_timer *timer) {
        struct task_run *r = container_of(timer, struct task_run, timer);
        log_info("task %s: run %lld passed its time limit of %u s; stopping it",
                 r->task->config.name, (long long)r->id, r->task->config.time_limit_s);
        task_run_stop(r, "time_limit");
}

int task_run_start(struct task *t, const char *reason, char **ret_error) {
        struct manager *m = t->scheduler->manager;
        struct task_run *r = calloc(1, sizeof(*r));
        _cleanup_free_ char *fname = service_file_name(t->config.name);
        if (!r || !fname || asprintf(&r->log_path, "%s/%s.task.log", m->paths.log_dir, fname) < 0) {
                free(r);
                *ret_error = NULL;
                return -ENOMEM;
        }
        static unsigned count;
        r->task = t;
        r->seq = ++count;
        r->report_fd = r->cgroup_fd = -1;
        log_capture_init(&r->log);
        int64_t started = task_wall_ms();
        *ret_error = NULL;
        int e = spawn_run(r, ret_error);
        int b = db_task_run_begin(m->db, t->id, reason, started, e < 0 ? 0 : (int)r->pid, &r->id);
        if (b < 0)
                log_warning("task %s: cannot record its run: %s", t->config.name, strerror(-b));
        if (e < 0) {
                log_warning("task %s: run not made: %s", t->config.name,
                            *ret_error ? *ret_error : strerror(-e));
                if (b >= 0)
                        db_task_run_end(m->db, r->id, task_wall_ms(), "failed_to_start", -1, 0,
                                        scm_error_win32(e) ? scm_error_win32(e)
                                                           : scm_error_from_errno(-e),
                                        *ret_error ? *ret_error : strerror(-e));
                run_free(r);
                return e;
        }
        r->next = t->runs;
        t->runs = r;
        t->n_running++;
        if (t->config.time_limit_s)
                loop_timer_arm(m->loop, &r->timer,
                               now_usec() + (usec_t)t->config.time_limit_s * USEC_PER_SEC,
                               on_limit);
        log_info("task %s: run %lld started (%s), pid %d", t->config.name, (long long)r->id, reason,
                 (int)r->pid);
        return 0;
}

static void on_grace_over(struct loop_timer *timer) {
        struct task_run *r = container_of(timer, struct task_run, timer);
        if (r->cgroup_fd >= 0)
                cgroup_kill(r->cgroup_fd);
        else
                kill(-r->pid, SIGKILL);
}

void task_run_stop(struct task_run *r, const char *result) {
        if (r->stopping)
                return;
        r->stopping = true;
        r->stop_result = result;
        kill(-r->pid, SIGTERM);
        loop_timer_arm(r->task->scheduler->manager->loop, &r->timer, now_usec() + STOP_GRACE,
                       on_grace_over);
}

/* What the history says of how r ended. */
static const char *result_of(struct task_run *r, const siginfo_t *si, int *exit_code, int *sig,
                             int *win32, char **error) {
        struct spawn_report rep;
        if (r->report_fd >= 0 && spawn_read_report(r->report_fd, &rep) == 1) {
                *win32 = scm_error_from_errno(rep.error);
                if (asprintf(error, "cannot %s: %s", spawn_stage_name((enum spawn_stage)rep.stage),
                             strerror(rep.error)) < 0)
                        *error = NULL;
                return "failed_to_start";
        }
        if (si->si_code == CLD_EXITED)
                *exit_code = si->si_status;
        else
                *sig = si->si_status;
        if (r->stop_result)
                return r->stop_result;
        return si->si_code == CLD_EXITED ? "exited" : "killed";
}

void task_run_ended(struct task_run *r, const siginfo_t *si) {
        struct task *t = r->task;
        struct manager *m = t->scheduler->manager;
        int exit_code = -1, sig = 0, win32 = 0;
        _cleanup_free_ char *error = NULL;
        const char *result = result_of(r, si, &exit_code, &sig, &win32, &error);
        if (r->cgroup_fd >= 0 && cgroup_populated(r->cgroup_fd) == 1)
                cgroup_kill(r->cgroup_fd); /* what the run left behind */
        int e = db_task_run_end(m->db, r->id, task_wall_ms(), result, exit_code, sig, win32, error);
        if (e < 0 && !t->deleted)
                log_warning("task %s: cannot record the end of run %lld: %s", t->config.name,
                            (long long)r->id, strerror(-e));
        log_info("task %s: run %lld ended: %s%s%s", t->config.name, (long long)r->id, result,
                 error ? ": " : "", error ? error : "");
        for (struct task_run **p = &t->runs; *p; p = &(*p)->next)
                if (*p == r) {
                        *p = r->next;
                        break;
                }
        t->n_running--;
        run_free(r);
}

void task_run_abandon(struct task_run *r) {
        struct manager *m = r->task->scheduler->manager;
        if (r->cgroup_fd >= 0)
                cgroup_kill(r->cgroup_fd);
        else
                kill(-r->pid, SIGKILL);
        db_task_run_end(m->db, r->id, task_wall_ms(), "interrupted", -1, SIGKILL, 0,
                        "scmd exited while it ran");
        run_free(r);
}
