/* SPDX-License-Identifier: MIT */
/*
 * The boot sequence, once the socket is open, in the Windows SCM's order:
 *
 *   1. drivers: every kernel driver of start type boot or system is
 *      checked, and loaded when it is not (driver.c); the step ends when
 *      each is loaded or failed (`query_boot_phase` lists the failed ones);
 *   2. auto-start: every auto-start service, in group order, dependencies
 *      first, all that are independent at once; lkg.c's boot acceptance
 *      waits for them;
 *   3. the delay (--delayed-auto-delay, 120 s), then the delayed-auto
 *      services, each spawned at the lowest CPU priority (nice 19 and
 *      SCHED_IDLE, in the child before exec) and put back to normal
 *      (SCHED_OTHER at scmd's own nice, every thread of its cgroup) when it
 *      reports RUNNING.  A client's start of a delayed-auto service runs it
 *      at once, at normal priority.
 *
 * Lowering a priority is only done when scmd can raise it back: that needs
 * CAP_SYS_NICE (or an RLIMIT_NICE that allows it).  Without, as an ordinary
 * user's scmd usually is, delayed-auto services start at normal priority
 * and this is logged once: a service stuck at the lowest priority for its
 * whole life would be worse than one started normally.
 *
 * The step is kept for `query_boot_phase`; once the shutdown begins, that
 * reports the shutdown's phase instead (shutdown.c).
 */
#include "boot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/types.h>

#include "boot_progress.h"
#include "cleanup.h"
#include "depend.h"
#include "driver.h"
#include "lkg.h"
#include "log.h"
#include "manager.h"
#include "process.h"
#include "registry.h"
#include "shutdown.h"

static const char *const step_names[_BOOT_STEP_MAX] = {
        [BOOT_STEP_DRIVERS] = "drivers",
        [BOOT_STEP_AUTO_START] = "auto-start",
        [BOOT_STEP_DELAYED_WAIT] = "waiting-for-delayed",
        [BOOT_STEP_DELAYED_AUTO] = "delayed-auto",
        [BOOT_STEP_DONE] = "done",
};
_Static_assert(ELEMENTSOF(step_names) == _BOOT_STEP_MAX, "every step has a name");

const char *boot_step_name(enum boot_step step) {
        return step >= 0 && step < _BOOT_STEP_MAX ? step_names[step] : "?";
}

static void enter_step(struct manager *m, enum boot_step step) {
        m->boot->step = step;
        m->boot->since = (int64_t)time(NULL);
        log_info("boot: %s", step_names[step]);
}

/* ---- options ---- */

const char boot_options_help[] =
        "  --delayed-auto-delay SEC  from the end of the auto-start to the delayed-auto\n"
        "                        services (default 120)\n"
        "  --shutdown-budget SEC time the services have to stop at shutdown, after the\n"
        "                        preshutdown phase, before they are killed (default 20)\n";

int boot_set_option(struct manager_options *o, const char *name, const char *value) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (errno || end == value || *end || value[0] == '-' || v > 24ULL * 3600) {
                fprintf(stderr, "scmd: --%s takes seconds from 0 to 86400, not '%s'\n", name,
                        value);
                return -EINVAL;
        }
        if (strcmp(name, "delayed-auto-delay") == 0)
                o->delayed_auto_delay = v * USEC_PER_SEC;
        else
                o->shutdown_budget = v * USEC_PER_SEC;
        return 0;
}

/* ---- priority ---- */

static bool has_cap_sys_nice(void) {
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2] = {0};
        if (syscall(SYS_capget, &h, d) < 0)
                return false;
        return d[CAP_SYS_NICE / 32].effective & (1u << (CAP_SYS_NICE % 32));
}

/* Whether a thread at nice 19 and SCHED_IDLE can be put back to nice. */
static bool can_raise_to(int nice) {
        struct rlimit rl;
        if (has_cap_sys_nice())
                return true;
        return getrlimit(RLIMIT_NICE, &rl) == 0 &&
               (rl.rlim_cur == RLIM_INFINITY || (long long)rl.rlim_cur >= 20 - nice);
}

static void probe_priority(struct manager *m) {
        errno = 0;
        int nice = getpriority(PRIO_PROCESS, 0);
        m->boot->normal_nice = errno ? 0 : nice;
        m->boot->lower_priority = can_raise_to(m->boot->normal_nice);
        if (!m->boot->lower_priority)
                log_info("boot: delayed-auto services start at normal CPU priority: scmd could "
                         "not raise a lowered priority back (it lacks CAP_SYS_NICE)");
}

/* Puts thread tid back to SCHED_OTHER at nice; 0 or -errno. */
static int raise_thread(pid_t tid, int nice) {
        struct sched_param p = {0};
        if (sched_setscheduler(tid, SCHED_OTHER, &p) < 0 && errno != ESRCH)
                return -errno;
        if (setpriority(PRIO_PROCESS, (id_t)tid, nice) < 0 && errno != ESRCH)
                return -errno;
        return 0;
}

/* Every thread of the service: cgroup.threads, else the main process's
 * /proc/PID/task.  Returns how many were raised, or -errno. */
static int raise_service(struct service *s, int nice) {
        int n = 0, r = 0;
        struct process *p = s->process;
        if (!p)
                return 0;
        if (process_cgroup(p) >= 0) {
                int fd = openat(p->cgroup_fd, "cgroup.threads", O_RDONLY | O_CLOEXEC);
                process_cgroup_let_go(p);
                FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
                if (!f) {
                        if (fd >= 0)
                                close(fd);
                        return -errno;
                }
                long tid;
                while (r >= 0 && fscanf(f, "%ld", &tid) == 1)
                        if ((r = raise_thread((pid_t)tid, nice)) >= 0)
                                n++;
                fclose(f);
                return r < 0 ? r : n;
        }
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
        DIR *d = opendir(path);
        if (!d)
                return -errno;
        for (struct dirent *e; r >= 0 && (e = readdir(d));)
                if (e->d_name[0] != '.' && (r = raise_thread((pid_t)atoi(e->d_name), nice)) >= 0)
                        n++;
        closedir(d);
        return r < 0 ? r : n;
}

void boot_service_running(struct service *s) {
        if (!s->low_priority)
                return;
        s->low_priority = false;
        int r = raise_service(s, s->manager->boot->normal_nice);
        if (r < 0)
                log_warning("service %s: cannot put it back to normal CPU priority: %s",
                            s->config.name, strerror(-r));
        else
                log_info("service %s: running; back to normal CPU priority (%d threads)",
                         s->config.name, r);
}

void boot_start_by_hand(struct service *s) {
        s->start_low_priority = false;
}

/* ---- the steps ---- */

/* Every delayed-auto service about to be started gets (low: true) or
 * loses the lowered priority of its next spawn.  The spawns happen inside
 * depend_start_all(), each when its dependencies run. */
static void mark_delayed_auto(struct manager *m, bool low) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        for (ssize_t i = 0; i < n; i++)
                if (all[i]->config.start_type == SCM_START_DELAYED_AUTO)
                        all[i]->start_low_priority = low && all[i]->state == SCM_STATE_STOPPED;
}

static void delayed_auto_done(struct manager *m) {
        mark_delayed_auto(m, false);
        if (m->shutting_down)
                return;
        boot_progress_finished(m);
        enter_step(m, BOOT_STEP_DONE);
}

static void on_delayed_auto_start(struct loop_timer *t) {
        struct manager *m = container_of(t, struct boot_sequence, timer)->manager;
        if (m->shutting_down)
                return;
        m->boot->delayed_at = 0;
        boot_progress_began(m);
        enter_step(m, BOOT_STEP_DELAYED_AUTO);
        mark_delayed_auto(m, m->boot->lower_priority);
        /* Group by group, dependencies first (depend.c). */
        depend_start_all(m, SCM_START_DELAYED_AUTO, delayed_auto_done);
}

static void auto_start_done(struct manager *m) {
        if (m->shutting_down)
                return;
        int64_t due_ms;
        enum delayed_plan plan = boot_progress_plan(
                m, (int64_t)(m->options.delayed_auto_delay / USEC_PER_MSEC), &due_ms);
        if (plan == DELAYED_DONE) {
                log_info("boot: an earlier scmd of this boot started the delayed-auto services: "
                         "not again");
                enter_step(m, BOOT_STEP_DONE);
                return;
        }
        if (plan == DELAYED_KEPT)
                log_info("boot: the delayed-auto services keep the due time an earlier scmd of "
                         "this boot set");
        else if (plan == DELAYED_NOW)
                log_info("boot: an earlier scmd of this boot began starting the delayed-auto "
                         "services: the rest start now");
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t left_ms = due_ms - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
        if (plan == DELAYED_NOW || left_ms < 0)
                left_ms = 0;
        enter_step(m, BOOT_STEP_DELAYED_WAIT);
        m->boot->delayed_at = due_ms / 1000;
        loop_timer_arm(m->loop, &m->boot->timer, now_usec() + (usec_t)left_ms * USEC_PER_MSEC,
                       on_delayed_auto_start);
}

/* Every auto-start service has started or failed (depend_start_all()). */
static void on_autostart_done(struct manager *m) {
        timeline_autostart_done(m);
        lkg_autostart_done(m); /* error control, last known good */
        auto_start_done(m);
}

void manager_autostart(struct manager *m) {
        enter_step(m, BOOT_STEP_AUTO_START);
        timeline_autostart_began(m);
        /* Group by group, dependencies first, the independent ones at once. */
        depend_start_all(m, SCM_START_AUTO, on_autostart_done);
}

static void drivers_done(struct manager *m) {
        if (!m->shutting_down)
                manager_autostart(m);
}

void boot_start(struct manager *m) {
        probe_priority(m);
        enter_step(m, BOOT_STEP_DRIVERS);
        driver_boot(m, drivers_done);
}

void boot_shutdown_begins(struct manager *m) {
        loop_timer_disarm(m->loop, &m->boot->timer);
        m->boot->delayed_at = 0;
        boot_progress_forget(m);
}

void boot_rollback_begins(struct manager *m) {
        boot_shutdown_begins(m);
        mark_delayed_auto(m, false);
}

/* ---- query_boot_phase ---- */

static json_t *progress_json(const struct service *s) {
        return json_pack("{s:s, s:s, s:I, s:I, s:s}", "name", s->config.name, "state",
                         scm_state_name(s->state), "checkpoint", (json_int_t)s->checkpoint,
                         "wait_hint", (json_int_t)s->wait_hint, "status_text",
                         service_status_text(s));
}

/* What the boot step still waits for: the drivers being loaded, the
 * services of its start type that are starting or waiting for their
 * dependencies (or, before the delayed-auto step, not started yet). */
static json_t *boot_pending_json(struct manager *m) {
        json_t *list = json_array();
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        enum boot_step step = m->boot->step;
        for (ssize_t i = 0; list && i < n; i++) {
                const struct service *s = all[i];
                enum scm_start_type t = s->config.start_type;
                bool pending = false;
                /* Starting, or waiting for its dependencies (depend.c). */
                bool starting = s->state == SCM_STATE_START_PENDING || depend_start_waiting(s);
                if (step == BOOT_STEP_DRIVERS)
                        pending = s->config.type == SCM_TYPE_KERNEL_DRIVER &&
                                  s->state == SCM_STATE_START_PENDING;
                else if (step == BOOT_STEP_AUTO_START)
                        pending = t == SCM_START_AUTO && starting;
                else if (step == BOOT_STEP_DELAYED_AUTO)
                        pending = t == SCM_START_DELAYED_AUTO && starting;
                else if (step == BOOT_STEP_DELAYED_WAIT)
                        pending = t == SCM_START_DELAYED_AUTO && s->state == SCM_STATE_STOPPED &&
                                  !s->marked_for_delete;
                if (pending)
                        json_array_append_new(list, progress_json(s));
        }
        return list;
}

json_t *boot_phase_json(struct manager *m) {
        bool down = m->shutting_down;
        json_t *delayed_at = m->boot->delayed_at ? json_integer(m->boot->delayed_at) : json_null();
        return json_pack("{s:s, s:s, s:I, s:o, s:o, s:I, s:I, s:o}", "phase",
                         down ? shutdown_phase_name(m->shutdown->phase) : step_names[m->boot->step],
                         "boot_step", step_names[m->boot->step], "since",
                         (json_int_t)(down ? m->shutdown->since_unix : m->boot->since), "pending",
                         down ? shutdown_pending_json(m) : boot_pending_json(m), "delayed_auto_at",
                         delayed_at, "delayed_auto_delay_s",
                         (json_int_t)(m->options.delayed_auto_delay / USEC_PER_SEC),
                         "shutdown_budget_s",
                         (json_int_t)(m->options.shutdown_budget / USEC_PER_SEC), "failed_drivers",
                         driver_failed_json(m));
}
