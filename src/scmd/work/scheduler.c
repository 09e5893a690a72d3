/* SPDX-License-Identifier: MIT */
/*
 * The task scheduler: when each task runs (task.h has the model).
 *
 * Each task knows its next due run (the earliest of its triggers' next
 * times after what it has handled) and when it fires (that plus its random
 * delay); one timerfd on CLOCK_REALTIME is armed at the earliest fire of
 * all tasks, so an idle scmd never wakes for the schedule.  When it
 * fires, every task whose time has come runs (under its overlap policy),
 * its checked_until is persisted first (persist, then publish: a crash
 * never runs it twice), and the timer is armed again.  A change of the
 * wall clock cancels the timer (TFD_TIMER_CANCEL_ON_SET): the runs the
 * jump passed over run once, and every schedule is computed again.
 *
 * Missed runs: at start, a task whose triggers had a due time between its
 * checked_until and now (scmd or the machine was down) runs once, with
 * reason "missed", when its run_missed is set.  Boot triggers run once
 * scmd has begun its auto-start round.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <scm/error.h>
#include <scm/types.h>

#include "account.h"
#include "cgroup.h"
#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "credentials.h"
#include "db_task.h"
#include "log.h"
#include "manager.h"
#include "task.h"
#include "validate.h"

static int64_t wall_now(void) {
        return (int64_t)time(NULL);
}

static int parse_triggers(char **texts, struct trigger **ret, size_t *ret_n, char **ret_error) {
        size_t n = 0;
        while (texts && texts[n])
                n++;
        struct trigger *v = calloc(n ? n : 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int r = trigger_parse(texts[i], &v[i], ret_error);
                if (r < 0) {
                        free(v);
                        return r;
                }
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int scheduler_check(const struct task_config *c, char **ret_error) {
        *ret_error = NULL;
        _cleanup_free_ struct trigger *triggers = NULL;
        size_t n;
        const char *reason;
        int r = parse_triggers(c->triggers, &triggers, &n, ret_error);
        if (r == -ENOMEM)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        if (r < 0)
                return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        if (n > TASK_TRIGGERS_MAX)
                return asprintf(ret_error, "a task has at most %d triggers", TASK_TRIGGERS_MAX) < 0
                               ? SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY)
                               : SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        if (!trigger_time_zone_valid(c->time_zone, ret_error))
                return SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        char **argv = NULL;
        int argc = 0;
        r = cmdline_split(c->command_line ? c->command_line : "", &argv, &argc, &reason);
        strv_free(argv);
        if (r < 0 || argc == 0)
                return asprintf(ret_error, "the command line is %s",
                                r < 0 ? reason : "empty: name the program to run") < 0
                               ? SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY)
                               : SCM_ERR(SCM_ERROR_INVALID_PARAMETER);
        return 0;
}

struct task *scheduler_find(struct scheduler *s, const char *name) {
        for (struct task *t = s ? s->tasks : NULL; t; t = t->next)
                if (!t->deleted && names_equal(t->config.name, name))
                        return t;
        return NULL;
}

/* The earliest due time of t's triggers after what it has handled. */
static void compute_next(struct task *t) {
        int64_t now = wall_now();
        int64_t after = t->checked_until > now ? t->checked_until : now;
        t->next_due = t->next_fire = 0;
        if (!t->config.enabled || t->deleted)
                return;
        for (size_t i = 0; i < t->n_triggers; i++) {
                int64_t when;
                if (trigger_next(&t->triggers[i], t->config.time_zone, after, &when) == 0 &&
                    (!t->next_due || when < t->next_due))
                        t->next_due = when;
        }
        if (!t->next_due)
                return;
        uint32_t delay = 0;
        if (t->config.random_delay_s) {
                uint32_t rnd = 0;
                if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                        rnd = (uint32_t)rand();
                delay = rnd % (t->config.random_delay_s + 1);
        }
        t->next_fire = t->next_due + delay;
}

/* The timer at the earliest fire of all tasks, or off. */
static void arm(struct scheduler *s) {
        int64_t earliest = 0;
        for (struct task *t = s->tasks; t; t = t->next)
                if (t->next_fire && (!earliest || t->next_fire < earliest))
                        earliest = t->next_fire;
        struct itimerspec its = {0};
        its.it_value.tv_sec = (time_t)earliest;
        if (timerfd_settime(s->timer_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) <
            0)
                log_error("cannot arm the task timer: %m; tasks will not run on time");
        else if (earliest)
                log_debug("task timer armed for %lld", (long long)earliest);
}

static void start_queued(struct task *t) {
        if (!t->queued || t->n_running || t->deleted)
                return;
        const char *reason = t->queued;
        t->queued = NULL;
        _cleanup_free_ char *why = NULL;
        task_run_start(t, reason, &why);
}

int task_due(struct task *t, const char *reason, const char **ret_outcome, char **ret_error) {
        *ret_error = NULL;
        if (t->n_running) {
                switch (t->config.overlap) {
                case TASK_OVERLAP_SKIP: {
                        struct manager *m = t->scheduler->manager;
                        int64_t id, now = task_wall_ms();
                        if (db_task_run_begin(m->db, t->id, reason, now, 0, &id) >= 0)
                                db_task_run_end(m->db, id, now, "skipped", -1, 0, 0,
                                                "the previous run was still running");
                        log_info("task %s: run skipped: the previous one still runs",
                                 t->config.name);
                        *ret_outcome = "skipped";
                        return 0;
                }
                case TASK_OVERLAP_QUEUE:
                        t->queued = "queued";
                        *ret_outcome = "queued";
                        return 0;
                case TASK_OVERLAP_STOP_OLD:
                        for (struct task_run *r = t->runs; r; r = r->next)
                                task_run_stop(r, "stopped_by_newer_run");
                        t->queued = reason;
                        *ret_outcome = "queued";
                        return 0;
                default:
                        break;
                }
        }
        int r = task_run_start(t, reason, ret_error);
        if (r >= 0)
                *ret_outcome = "started";
        return r;
}

/* Runs every task whose time has come, each once. */
static void run_due(struct scheduler *s, const char *reason) {
        int64_t now = wall_now();
        for (struct task *t = s->tasks; t; t = t->next) {
                if (!t->next_fire || t->next_fire > now)
                        continue;
                int64_t due = t->next_due;
                int r = db_task_set_checked(s->manager->db, t->id, due);
                if (r < 0) {
                        log_error("task %s: cannot record its run in the database (%s): not run",
                                  t->config.name, strerror(-r));
                        continue;
                }
                t->checked_until = due;
                _cleanup_free_ char *why = NULL;
                const char *outcome;
                task_due(t, reason, &outcome, &why);
                compute_next(t);
        }
}

static void on_timer(struct loop_io *io, uint32_t events) {
        struct scheduler *s = container_of(io, struct scheduler, timer_io);
        uint64_t ticks;
        (void)events;
        bool jumped = read(s->timer_fd, &ticks, sizeof(ticks)) < 0 && errno == ECANCELED;
        if (jumped)
                log_info("the wall clock was changed: the runs it passed over run once, and "
                         "every task's schedule is computed again");
        run_due(s, "scheduled");
        if (jumped)
                for (struct task *t = s->tasks; t; t = t->next)
                        compute_next(t);
        arm(s);
}

static void task_free(struct task *t) {
        task_config_clear(&t->config);
        free(t->triggers);
        free(t);
}

/* A task in memory from c (taken on success). */
static int task_new(struct scheduler *s, int64_t id, struct task_config *c, int64_t checked,
                    struct task **ret) {
        struct task *t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        _cleanup_free_ char *why = NULL;
        int r = parse_triggers(c->triggers, &t->triggers, &t->n_triggers, &why);
        if (r < 0) {
                log_warning("task %s: a stored trigger no longer parses (%s): it has none", c->name,
                            why ? why : strerror(-r));
                t->n_triggers = 0;
        }
        t->scheduler = s;
        t->id = id;
        t->config = *c;
        memset(c, 0, sizeof(*c));
        t->checked_until = checked;
        t->next = s->tasks;
        s->tasks = t;
        *ret = t;
        return 0;
}

static int on_load(void *userdata, int64_t id, struct task_config *c, int64_t checked) {
        struct task *t;
        return task_new(userdata, id, c, checked, &t);
}

/* At start: whether t had a due run between checked_until and now. */
static bool missed(struct task *t, int64_t now) {
        for (size_t i = 0; i < t->n_triggers; i++) {
                int64_t when;
                if (trigger_next(&t->triggers[i], t->config.time_zone, t->checked_until, &when) ==
                            0 &&
                    when <= now)
                        return true;
        }
        return false;
}

static bool has_boot_trigger(const struct task *t) {
        for (size_t i = 0; i < t->n_triggers; i++)
                if (t->triggers[i].kind == TRIGGER_BOOT)
                        return true;
        return false;
}

static void first_runs(struct scheduler *s) {
        int64_t now = wall_now();
        for (struct task *t = s->tasks; t; t = t->next) {
                bool was_missed = t->config.enabled && t->config.run_missed && missed(t, now);
                if (t->checked_until < now && db_task_set_checked(s->manager->db, t->id, now) >= 0)
                        t->checked_until = now;
                _cleanup_free_ char *why = NULL;
                const char *outcome;
                if (was_missed)
                        task_due(t, "missed", &outcome, &why);
                else if (t->config.enabled && has_boot_trigger(t))
                        task_due(t, "boot", &outcome, &why);
                compute_next(t);
        }
}

static void open_cgroup_folder(struct scheduler *s) {
        struct manager *m = s->manager;
        if (m->cgroup_base_fd < 0)
                return;
        s->cgroup_fd = cgroup_service_open(m->cgroup_base_fd, "tasks");
        if (s->cgroup_fd < 0) {
                log_warning("no cgroup for tasks (%s): their runs are held by process group",
                            strerror(-s->cgroup_fd));
                return;
        }
        /* Runs an earlier scmd left behind: it is gone, so are they. */
        cgroup_sweep(s->cgroup_fd, NULL, NULL);
}

int scheduler_start(struct manager *m) {
        struct scheduler *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->cgroup_fd = -1;
        s->timer_io.fd = -1;
        m->scheduler = s;
        s->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
        if (s->timer_fd < 0) {
                log_error("cannot create the task timer: %m; no task will run");
                return -errno;
        }
        int r = loop_io_add(m->loop, &s->timer_io, s->timer_fd, EPOLLIN, on_timer);
        if (r < 0)
                return r;
        open_cgroup_folder(s);
        /* The secrets of runs an earlier scmd left: they are gone. */
        secrets_sweep(&m->paths, OWNER_TASK, NULL, NULL);
        db_task_runs_interrupted(m->db, task_wall_ms());
        r = db_task_load(m->db, on_load, s);
        if (r < 0) {
                log_error("cannot load the scheduled tasks: %s", strerror(-r));
                return r;
        }
        first_runs(s);
        arm(s);
        return 0;
}

void scheduler_free(struct manager *m) {
        struct scheduler *s = m->scheduler;
        if (!s)
                return;
        while (s->tasks) {
                struct task *t = s->tasks;
                s->tasks = t->next;
                while (t->runs) { /* scmd exits: no run outlives it unwatched */
                        struct task_run *r = t->runs;
                        t->runs = r->next;
                        task_run_abandon(r);
                }
                task_free(t);
        }
        loop_io_remove(m->loop, &s->timer_io);
        if (s->timer_fd >= 0)
                close(s->timer_fd);
        if (s->cgroup_fd >= 0)
                close(s->cgroup_fd);
        free(s);
        m->scheduler = NULL;
}

int scheduler_create(struct scheduler *s, struct task_config *c, struct task **ret) {
        int64_t id;
        int r = db_task_save(s->manager->db, 0, c, &id);
        if (r < 0)
                return r;
        struct task *t;
        r = task_new(s, id, c, wall_now(), &t);
        if (r < 0)
                return r;
        compute_next(t);
        arm(s);
        *ret = t;
        return 0;
}

int scheduler_change(struct task *t, struct task_config *c) {
        struct trigger *triggers;
        size_t n;
        _cleanup_free_ char *why = NULL;
        int r = parse_triggers(c->triggers, &triggers, &n, &why);
        if (r < 0)
                return r;
        r = db_task_save(t->scheduler->manager->db, t->id, c, NULL);
        if (r < 0) {
                free(triggers);
                return r;
        }
        task_config_clear(&t->config);
        t->config = *c;
        memset(c, 0, sizeof(*c));
        free(t->triggers);
        t->triggers = triggers;
        t->n_triggers = n;
        /* What was due before the change is not a missed run of the new
         * settings (a task enabled again, a trigger added). */
        int64_t now = wall_now();
        if (t->checked_until < now &&
            db_task_set_checked(t->scheduler->manager->db, t->id, now) >= 0)
                t->checked_until = now;
        compute_next(t);
        arm(t->scheduler);
        return 0;
}

static void unlink_task(struct task *t) {
        for (struct task **p = &t->scheduler->tasks; *p; p = &(*p)->next)
                if (*p == t) {
                        *p = t->next;
                        return;
                }
}

int scheduler_delete(struct task *t) {
        int r = db_task_delete(t->scheduler->manager->db, t->id);
        if (r < 0)
                return r;
        t->deleted = true;
        t->queued = NULL;
        compute_next(t);
        arm(t->scheduler);
        for (struct task_run *run = t->runs; run; run = run->next)
                task_run_stop(run, "ended");
        if (!t->runs) {
                unlink_task(t);
                task_free(t);
        }
        return 0;
}

bool scheduler_child_exited(struct manager *m, const siginfo_t *si) {
        struct scheduler *s = m->scheduler;
        for (struct task *t = s ? s->tasks : NULL; t; t = t->next)
                for (struct task_run *r = t->runs; r; r = r->next) {
                        if (r->pid != si->si_pid)
                                continue;
                        task_run_ended(r, si);
                        if (t->deleted && !t->runs) {
                                unlink_task(t);
                                task_free(t);
                        } else {
                                start_queued(t);
                        }
                        return true;
                }
        return false;
}
