/* SPDX-License-Identifier: MIT */
/*
 * The manager: what scmd does as a whole rather than per service.  Loading
 * the database at start-up, reaping every child (scmd is a child subreaper,
 * or PID 1 in a container), and turning SIGTERM, SIGINT and SIGPWR into the
 * shutdown sequence (shutdown.c).  The boot sequence is boot.c's.
 */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scm/types.h>

#include "cgroup.h"
#include "cleanup.h"
#include "command.h"
#include "depend.h"
#include "driver.h"
#include "failure.h"
#include "log.h"
#include "manager.h"
#include "notify.h"
#include "process.h"
#include "registry.h"
#include "secrets.h"
#include "shutdown.h"

/* ---- loading ---- */

/* Whether this scmd runs in the boot the last one ran in (the kernel's
 * boot id, kept in the run folder): what was RUNNING without a process
 * is so only within one boot. */
static bool loading_same_boot;

static bool same_boot(const struct scm_paths *paths) {
        char now[64] = "", then[64] = "";
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
        if (!f || !fgets(now, sizeof(now), f) || asprintf(&path, "%s/boot_id", paths->run_dir) < 0)
                return false;
        _cleanup_fclose_ FILE *old = fopen(path, "re");
        bool same = old && fgets(then, sizeof(then), old) && strcmp(now, then) == 0;
        _cleanup_fclose_ FILE *w = same ? NULL : fopen(path, "we");
        if (w)
                fputs(now, w);
        return same;
}

static int load_one(void *userdata, int64_t id, struct service_config *config,
                    const struct db_status *status) {
        struct manager *m = userdata;
        /* Marked for delete while it ran, and maybe running still: loaded
         * as marked, it goes once adopt.c has taken it back and it stops. */
        bool running_marked = status->marked_for_delete && db_process_recorded(m->db, id) == 1;
        if (status->marked_for_delete && !running_marked) {
                /* Nothing runs yet, so a service marked before a restart goes now. */
                int r = db_delete_service(m->db, id);
                if (r < 0)
                        return r;
                log_info("service %s: deleted (it was marked for delete)", config->name);
                return 0;
        }
        /* One that was running when scmd last ended is taken back, or
         * stopped as aborted, by core/adopt.c once every service is loaded. */
        struct service *s;
        int r = service_new(m, id, config, &s);
        if (r < 0)
                return r;
        s->marked_for_delete = running_marked;
        s->win32_exit_code = status->win32_exit_code;
        s->service_exit_code = status->service_exit_code;
        s->stop_reason = status->stop_reason;
        s->stop_reason_time_us = status->stop_reason_time_us;
        if (status->stop_comment && !(s->stop_comment = strdup(status->stop_comment))) {
                service_free(s);
                return -ENOMEM;
        }
        r = registry_add(m->registry, s);
        if (r < 0) {
                service_free(s);
                return r;
        }
        /* A job that remains after its exit has no process to take back:
         * it is RUNNING again as its status record says. */
        if (status->state == SCM_STATE_RUNNING && loading_same_boot &&
            state_rows_of(&s->config) == SVC_ROWS_ONESHOT_REMAIN)
                service_adopt(s, SCM_STATE_RUNNING, 0);
        return 0;
}

int manager_load(struct manager *m) {
        /* Secrets of services that are gone (db_secret.c has no foreign key). */
        int r = db_secret_drop_orphans(m->db);
        if (r < 0)
                log_warning("cannot drop the secrets of deleted services: %s", strerror(-r));
        r = db_acl_load_scm(m->db, &m->scm_access);
        loading_same_boot = same_boot(&m->paths);
        if (r >= 0)
                r = db_load(m->db, load_one, m);
        if (r >= 0)
                r = depend_load(m);
        if (r < 0)
                log_error("cannot load the services from the database: %s", strerror(-r));
        else
                log_info("loaded %zu services", registry_count(m->registry));
        return r;
}

/* ---- shutdown ---- */

void manager_begin_shutdown(struct manager *m) {
        shutdown_begin(m);
}

void manager_service_stopped(struct service *s) {
        struct manager *m = s->manager;
        bool shutting_down = m->shutting_down;
        service_reap_if_deleted(s);
        if (shutting_down)
                shutdown_service_stopped(m);
}

/* ---- signals ---- */

/* How many ended children one turn of the loop reaps at most: a storm of
 * them (a stop of 10,000) is taken in turns, between which the rest of
 * scmd's events are served. */
#define REAP_BATCH 256

static void on_reap_more(struct loop_timer *t);

/* Reaps every child that has ended: a service's main process through its
 * process (found by pid in O(1)), anything else (a command, a task's run,
 * an instance, orphans re-parented to us) through its owner or directly.
 * SIGCHLDs coalesce, and a service's own process has no pidfd to tell of
 * its end (process.c): so reaping goes on until no ended child is left,
 * REAP_BATCH a turn, the next turn armed when this one stops at the bound. */
static void reap_children(struct manager *m) {
        pid_t last = 0;
        for (int i = 0; i < REAP_BATCH; i++) {
                siginfo_t si = {0};
                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
                        return;
                if (si.si_pid == last)
                        return; /* it could not be reaped: never spin on it */
                last = si.si_pid;
                struct process *p = manager_find_process(m, si.si_pid);
                if (p)
                        process_reap(p);
                if (!p && command_reap(m, si.si_pid)) /* a pre-start, reload or post-stop command */
                        continue;
                if (!p && m->hooks.child_exited && m->hooks.child_exited(m, &si))
                        ;                                    /* a scheduled task's run */
                else if (!p && !driver_child_exited(m, &si)) /* a kernel driver's modprobe */
                        failure_command_reap(m, si.si_pid);  /* a failure command's */
                /* Still there (not a service's, or reaping failed): reap it here. */
                siginfo_t gone = {0};
                waitid(P_PID, (id_t)si.si_pid, &gone, WEXITED | WNOHANG);
                if (!p && gone.si_pid)
                        log_debug("reaped orphan pid %d", (int)si.si_pid);
        }
        loop_timer_arm(m->loop, &m->reap_timer, now_usec(), on_reap_more);
}

static void on_reap_more(struct loop_timer *t) {
        reap_children(container_of(t, struct manager, reap_timer));
}

static void on_signal(struct loop_io *io, uint32_t events) {
        struct manager *m = container_of(io, struct manager, signal_io);
        struct signalfd_siginfo info;
        (void)events;
        while (read(m->signal_fd, &info, sizeof(info)) == sizeof(info)) {
                switch (info.ssi_signo) {
                case SIGCHLD:
                        reap_children(m);
                        break;
                case SIGTERM:
                case SIGINT:
                case SIGPWR:
                        log_info("received %s", strsignal((int)info.ssi_signo));
                        manager_begin_shutdown(m);
                        break;
                default:
                        break;
                }
        }
}

static void ignore_signal(int sig) {
        (void)sig;
}

int manager_setup_signals(struct manager *m) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGPWR);
        sigaddset(&set, SIGHUP);
        /* As PID 1 a signal with the default action is dropped by the
         * kernel; a handler (never run: the signals are blocked) makes
         * sure they are queued for the signalfd. */
        struct sigaction sa = {.sa_handler = ignore_signal};
        for (int sig = 1; sig < _NSIG; sig++)
                if (sigismember(&set, sig))
                        sigaction(sig, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                return -errno;
        m->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
        if (m->signal_fd < 0)
                return -errno;
        if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                log_warning("cannot become a child subreaper: %m");
        return loop_io_add(m->loop, &m->signal_io, m->signal_fd, EPOLLIN, on_signal);
}

void manager_free(struct manager *m) {
        notify_close(m);
        driver_finish(m); /* before the services go */
        registry_free(m->registry);
        manager_processes_free(m);
        loop_timer_disarm(m->loop, &m->reap_timer);
        db_close(m->db);
        if (m->signal_fd >= 0) {
                loop_io_remove(m->loop, &m->signal_io);
                close(m->signal_fd);
        }
        if (m->cgroup_base_fd >= 0)
                close(m->cgroup_base_fd);
        if (m->cgroup_base_path)
                cgroup_teardown(m->cgroup_base_path);
        free(m->cgroup_base_path);
        free(m->cgroup_base_rel);
        free(m->cgroup_controllers_why);
        acl_free(m->scm_access);
        loop_free(m->loop);
        scm_paths_free(&m->paths);
        secrets_finish();
}
