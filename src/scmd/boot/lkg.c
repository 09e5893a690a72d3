/* SPDX-License-Identifier: MIT */
/*
 * Error control at boot, boot acceptance, and the last known good
 * configuration.
 *
 * The boot: manager_autostart() starts every auto-start service (group by
 * group, dependencies first: depend.c) and, once each has started or
 * failed, calls lkg_autostart_done(), which judges them (and marks any one
 * still pending as one the boot waits for).  A
 * service is settled when it reaches RUNNING (it started) or STOPPED before
 * that (it failed, when with an error); failure_service_entered() passes
 * every state change on.  A failure is handled by the service's error
 * control: ignore says nothing, normal logs, severe and critical roll the
 * configuration back to the last known good copy and run the auto-start
 * again, once; a failure in that second round is logged and left as it is.
 * When every service is settled and no severe or critical one failed, the
 * boot is accepted (at once with --boot-accept auto, the default, else by
 * a client: NotifyBootConfigStatus) and the configuration is saved as the
 * last known good copy.
 *
 * A roll back, in steps on a timer (never inside a service's transition):
 * cancel the waiting failure actions and stop every service, as a shutdown
 * does; once all have stopped (or after the stop timeout and a grace),
 * replace the configuration tables with the copy in one transaction
 * (db_lkg.c), make memory follow, and auto-start again.  A crash at any
 * point leaves the configuration as it was before or the copy, never a
 * mix, and the copy itself is only ever replaced whole.
 *
 * Memory follows the database by name: a service in both gets the copy's
 * configuration (a running process keeps the settings it started with, as
 * after change_config); one only in memory is deleted (kept, marked for
 * delete, while it runs or is open); one only in the copy is created.
 *
 * The state is one static: there is one scmd, and one boot, per process.
 *
 * Why one file of just over 600 lines: judging the boot, rolling back and
 * restoring share the one boot record (the static "boot" below); the
 * database side is config/db_lkg.c.
 */
#include "lkg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "acl.h"
#include "boot.h"
#include "cleanup.h"
#include "db.h"
#include "depend.h"
#include "failure.h"
#include "log.h"
#include "manager.h"
#include "process.h"
#include "registry.h"
#include "validate.h"

/* Beyond the stop timeout: time for killed processes to go. */
#define ROLLBACK_GRACE (10 * USEC_PER_SEC)

enum boot_phase {
        BOOT_STARTING,     /* auto-start services not all settled yet */
        BOOT_WAITING,      /* all started; --boot-accept manual waits for a client */
        BOOT_ACCEPTED,     /* saved as last known good */
        BOOT_NOT_ACCEPTED, /* a severe or critical service failed */
        BOOT_ROLLING_BACK, /* stopping everything, then restoring the copy */
        _BOOT_PHASE_MAX,
};

static const char *const phase_names[_BOOT_PHASE_MAX] = {
        [BOOT_STARTING] = "starting",         [BOOT_WAITING] = "waiting-for-accept",
        [BOOT_ACCEPTED] = "accepted",         [BOOT_NOT_ACCEPTED] = "not-accepted",
        [BOOT_ROLLING_BACK] = "rolling-back",
};
_Static_assert(ELEMENTSOF(phase_names) == _BOOT_PHASE_MAX, "every phase has a name");

static struct {
        struct manager *m;
        enum boot_phase phase;
        bool manual_accept;
        bool running_lkg;     /* the configuration was restored from the copy since scmd started */
        bool severe_failed;   /* a severe or critical service failed in this round */
        bool restore_step;    /* roll back: the services were told to stop; restore next */
        bool finished;        /* scmd is exiting: nothing more happens */
        unsigned round;       /* auto-start rounds so far */
        size_t pending;       /* services the boot still waits for */
        char *reason;         /* why the configuration is what it is; NULL: as it was saved */
        char *reason_service; /* the service reason names, or NULL (lkg_reason_service()) */
        json_t *failures;     /* this scmd's boot failures */
        int64_t accepted_at;
        const char *accepted_by;
        struct loop_timer timer;
} boot;

int lkg_set_boot_accept(const char *value) {
        if (strcmp(value, "auto") != 0 && strcmp(value, "manual") != 0) {
                fprintf(stderr, "scmd: --boot-accept '%s' is not one of: auto, manual\n", value);
                return -EINVAL;
        }
        boot.manual_accept = strcmp(value, "manual") == 0;
        return 0;
}

void lkg_finish(void) {
        boot.finished = true;
        if (boot.m)
                loop_timer_disarm(boot.m->loop, &boot.timer);
        json_decref(boot.failures);
        boot.failures = NULL;
        free(boot.reason);
        boot.reason = NULL;
        free(boot.reason_service);
        boot.reason_service = NULL;
}

static void set_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void set_reason(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(boot.reason_service); /* set again by the one reason that names one */
        boot.reason_service = NULL;
        free(boot.reason);
        if (vasprintf(&boot.reason, fmt, ap) < 0)
                boot.reason = NULL;
        va_end(ap);
}

static const char *utc(int64_t t, char *buf, size_t size) {
        time_t v = (time_t)t;
        struct tm tm;
        if (!gmtime_r(&v, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                snprintf(buf, size, "at %lld", (long long)t);
        return buf;
}

static bool is_autostart(const struct service *s) {
        return s->config.start_type == SCM_START_AUTO && !s->marked_for_delete &&
               s->config.type != SCM_TYPE_KERNEL_DRIVER;
}

/* The boot no longer waits for any service. */
static void clear_pending(void) {
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(boot.m->registry, &all);
        for (ssize_t i = 0; i < n; i++)
                if (all[i]->recovery)
                        all[i]->recovery->boot_pending = false;
        boot.pending = 0;
}

/* ---- acceptance ---- */

static int accept_boot(const char *by) {
        struct db_lkg_info info;
        int r = db_lkg_save(boot.m->db, &info);
        if (r < 0) {
                log_error("boot: cannot save the configuration as last known good: %s",
                          strerror(-r));
                return r;
        }
        clear_pending();
        boot.phase = BOOT_ACCEPTED;
        boot.accepted_at = info.saved_at;
        boot.accepted_by = by;
        log_info("boot accepted (%s): the configuration of %lld services is saved as last known "
                 "good",
                 by, (long long)info.services);
        return 0;
}

/* Every auto-start service has started or failed. */
static void settled(void) {
        if (boot.severe_failed) {
                boot.phase = BOOT_NOT_ACCEPTED;
                log_error("boot: not accepted: a service with error control severe or critical "
                          "failed to start; the last known good configuration is left as it is");
                return;
        }
        if (boot.manual_accept) {
                boot.phase = BOOT_WAITING;
                log_info("boot: every auto-start service is settled; the boot waits to be "
                         "accepted by a client");
                return;
        }
        if (accept_boot("auto-start") < 0)
                boot.phase = BOOT_NOT_ACCEPTED;
}

/* ---- roll back ---- */

static void on_rollback(struct loop_timer *t);

static void begin_rollback(void) {
        struct manager *m = boot.m;
        boot.phase = BOOT_ROLLING_BACK;
        boot.restore_step = false;
        clear_pending();
        loop_timer_arm(m->loop, &boot.timer, now_usec(), on_rollback);
}

static int add_failure(const struct service *s) {
        if (!boot.failures && !(boot.failures = json_array()))
                return -ENOMEM;
        int win32 = (int)s->win32_exit_code;
        json_t *f =
                json_pack("{s:s, s:s, s:i, s:s, s:s, s:i}", "name", s->config.name, "error_control",
                          scm_error_control_name(s->config.error_control), "win32_exit_code", win32,
                          "error", scm_error_name(win32) ?: "", "message",
                          s->last_error ? s->last_error : "", "round", (int)boot.round);
        return f ? json_array_append_new(boot.failures, f) : -ENOMEM;
}

static void boot_failure(struct service *s) {
        enum scm_error_control ec = s->config.error_control;
        int win32 = (int)s->win32_exit_code;
        const char *error = scm_error_name(win32) ?: "an error of its own";
        if (ec == SCM_ERROR_IGNORE)
                return;
        add_failure(s);
        const char *ecname = scm_error_control_name(ec);
        log_msg(ec == SCM_ERROR_NORMAL ? LOG_LEVEL_WARNING : LOG_LEVEL_ERROR,
                "boot: service %s (error control %s) failed to start: %s%s%s", s->config.name,
                ecname, error, s->last_error ? ": " : "", s->last_error ? s->last_error : "");
        if (ec == SCM_ERROR_NORMAL)
                return;
        boot.severe_failed = true;
        if (boot.phase == BOOT_ROLLING_BACK)
                return;
        if (boot.round > 1 || boot.running_lkg) {
                log_error("boot: the configuration already is the last known good one; service "
                          "%s is left as it is",
                          s->config.name);
                return;
        }
        struct db_lkg_info info;
        int r = db_lkg_info(boot.m->db, &info);
        if (r <= 0) {
                log_error("boot: %s%s; the configuration is left as it is",
                          r < 0 ? "cannot read the last known good configuration: "
                                : "there is no last known good configuration to roll back to (no "
                                  "boot was accepted yet)",
                          r < 0 ? strerror(-r) : "");
                return;
        }
        set_reason("rolled back at boot: service %s (error control %s) failed to start: %s",
                   s->config.name, ecname, error);
        boot.reason_service = strdup(s->config.name);
        begin_rollback();
}

static void settle(struct service *s, bool failed) {
        s->recovery->boot_pending = false;
        if (boot.pending > 0)
                boot.pending--;
        if (failed)
                boot_failure(s);
        if (boot.pending == 0 && boot.phase == BOOT_STARTING)
                settled();
}

void lkg_autostart_done(struct manager *m) {
        boot.m = m;
        if (boot.finished)
                return;
        boot.round++;
        boot.phase = BOOT_STARTING;
        boot.severe_failed = false;
        boot.pending = 0;
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        /* First every service that started, then those that failed at once:
         * a failure may begin a roll back, which needs the whole picture. */
        for (ssize_t i = 0; i < n; i++) {
                struct service *s = all[i];
                /* Called once every one has started or failed (depend.c):
                 * running means settled; only one still pending is waited for. */
                if (!is_autostart(s) || s->state == SCM_STATE_STOPPED ||
                    s->state == SCM_STATE_RUNNING || s->state == SCM_STATE_PAUSED)
                        continue;
                struct service_recovery *rec = failure_recovery_of(s);
                if (!rec) {
                        log_error("service %s: out of memory: the boot does not wait for it",
                                  s->config.name);
                        continue;
                }
                rec->boot_pending = true;
                boot.pending++;
        }
        log_info("boot: auto-start round %u: waiting for %zu services", boot.round, boot.pending);
        for (ssize_t i = 0; i < n; i++)
                if (is_autostart(all[i]) && all[i]->state == SCM_STATE_STOPPED &&
                    all[i]->win32_exit_code)
                        boot_failure(all[i]);
        if (boot.pending == 0 && boot.phase == BOOT_STARTING)
                settled();
}

void lkg_service_entered(struct service *s, enum scm_state old) {
        (void)old;
        if (boot.finished)
                return;
        if (boot.phase == BOOT_ROLLING_BACK) {
                /* The last one has stopped: restore now. */
                if (boot.restore_step && s->state == SCM_STATE_STOPPED && !s->manager->active)
                        loop_timer_arm(s->manager->loop, &boot.timer, now_usec(), on_rollback);
                return;
        }
        if (boot.phase != BOOT_STARTING || !s->recovery || !s->recovery->boot_pending)
                return;
        if (s->state == SCM_STATE_RUNNING)
                settle(s, false);
        else if (s->state == SCM_STATE_STOPPED)
                settle(s, s->win32_exit_code != 0);
}

void lkg_service_gone(struct service *s) {
        if (!boot.finished && boot.phase == BOOT_STARTING && s->recovery->boot_pending)
                settle(s, false);
}

/* ---- restoring ---- */

struct restored {
        int64_t id;
        struct service_config config;
};

struct restored_list {
        struct restored *v;
        size_t n;
};

static int collect(void *userdata, int64_t id, struct service_config *config,
                   const struct db_status *status) {
        struct restored_list *l = userdata;
        (void)status;
        struct restored *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        l->v = v;
        v[l->n].id = id;
        v[l->n].config = *config;
        *config = (struct service_config){0};
        l->n++;
        return 0;
}

static void restored_list_clear(struct restored_list *l) {
        for (size_t i = 0; i < l->n; i++)
                service_config_clear(&l->v[i].config);
        free(l->v);
}

static bool in_list(const struct restored_list *l, const char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (names_equal(l->v[i].config.name, name))
                        return true;
        return false;
}

/* Makes memory follow the restored tables.  Returns 0 or -errno (memory
 * then only partly follows, and a restart of scmd finishes the job). */
static int follow(struct manager *m, json_t *added, json_t *removed) {
        _cleanup_(restored_list_clear) struct restored_list l = {0};
        int r = db_load(m->db, collect, &l);
        if (r < 0)
                return r;
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        if (n < 0)
                return (int)n;
        for (ssize_t i = 0; i < n; i++) {
                struct service *s = all[i];
                if (in_list(&l, s->config.name))
                        continue;
                json_array_append_new(removed, json_string(s->config.name));
                /* Its row is gone; its id may already be another service's. */
                s->id = -1;
                s->marked_for_delete = true;
                if (!service_reap_if_deleted(s))
                        log_info("service %s: not in the last known good configuration; it goes "
                                 "once it has stopped and is closed",
                                 s->config.name);
        }
        for (size_t i = 0; i < l.n; i++) {
                struct restored *e = &l.v[i];
                struct service *s = registry_find(m->registry, e->config.name);
                if (s) {
                        registry_remove(m->registry, s);
                        service_config_clear(&s->config);
                        s->config = e->config;
                        e->config = (struct service_config){0};
                        s->id = e->id;
                        s->marked_for_delete = false;
                        registry_add(m->registry, s); /* cannot grow: one was just removed */
                        continue;
                }
                r = service_new(m, e->id, &e->config, &s);
                if (r >= 0 && (r = registry_add(m->registry, s)) < 0)
                        service_free(s);
                if (r < 0)
                        return r;
                json_array_append_new(added, json_string(s->config.name));
        }
        return 0;
}

int lkg_memory_follow(struct manager *m, json_t *added, json_t *removed) {
        int r = follow(m, added, removed);
        if (r >= 0)
                r = depend_load(m); /* the group order list is configuration too */
        struct acl *scm_access = NULL;
        if (r >= 0 && (r = db_acl_load_scm(m->db, &scm_access)) >= 0) {
                acl_free(m->scm_access);
                m->scm_access = scm_access;
        }
        return r;
}

/* Restores the copy, in the database and in memory. */
static int restore(struct manager *m, json_t **ret_result) {
        struct db_lkg_info info;
        int r = db_lkg_info(m->db, &info);
        if (r == 0)
                return -ENOENT;
        if (r > 0)
                r = db_lkg_restore(m->db);
        if (r < 0)
                return r;
        json_t *added = json_array(), *removed = json_array();
        r = added && removed ? lkg_memory_follow(m, added, removed) : -ENOMEM;
        if (r < 0) {
                log_error("the last known good configuration is restored in the database, but "
                          "memory could not follow (%s): restart scmd",
                          strerror(-r));
                json_decref(added);
                json_decref(removed);
                return r;
        }
        boot.running_lkg = true;
        char when[64];
        log_warning("the configuration is now the last known good copy saved %s (%lld services)",
                    utc(info.saved_at, when, sizeof(when)), (long long)info.services);
        json_t *result =
                json_pack("{s:I, s:I, s:o, s:o}", "saved_at", (json_int_t)info.saved_at, "services",
                          (json_int_t)info.services, "added", added, "removed", removed);
        if (ret_result)
                *ret_result = result;
        else
                json_decref(result);
        return 0;
}

static void on_rollback(struct loop_timer *t) {
        struct manager *m = boot.m;
        (void)t;
        if (m->shutting_down) {
                log_warning("boot: shutting down; the roll back is abandoned");
                boot.phase = BOOT_NOT_ACCEPTED;
                return;
        }
        if (!boot.restore_step) {
                log_warning("boot: %s; stopping every service",
                            boot.reason ? boot.reason : "rolling back");
                failure_cancel_all(m);
                /* Nothing more starts meanwhile: not the boot's next group,
                 * not the delayed-auto services, not a start that waited
                 * for a dependency stopped here (manager_autostart() below
                 * starts the boot again). */
                boot_rollback_begins(m);
                depend_cancel_starts(m, SCM_ERROR_ALREADY_RUNNING_LKG,
                                     "a roll back to the last known good configuration is under "
                                     "way; the start is cancelled");
                for (struct service *s = m->active, *next; s; s = next) {
                        next = s->active_next;
                        if (service_stop(s) < 0 && s->state != SCM_STATE_STOP_PENDING) {
                                s->stop_requested = true; /* the kill is not a failure */
                                service_kill(s);          /* it cannot take a stop now */
                        }
                }
                boot.restore_step = true;
                if (m->active) {
                        loop_timer_arm(m->loop, &boot.timer,
                                       now_usec() + m->options.stop_timeout + ROLLBACK_GRACE,
                                       on_rollback);
                        return;
                }
        }
        for (struct service *s = m->active; s; s = s->active_next)
                log_warning("boot: service %s did not stop in time; rolling back anyway",
                            s->config.name);
        int r = restore(m, NULL);
        if (r < 0)
                log_error("boot: cannot roll back to the last known good configuration (%s); the "
                          "auto-start runs again with the configuration as it is",
                          strerror(-r));
        /* The second round: nothing here waits until it is done (then
         * lkg_autostart_done()); a service stopping meanwhile is not a cue
         * to restore again. */
        boot.restore_step = false;
        boot.phase = BOOT_STARTING;
        manager_autostart(m);
}

/* ---- the methods ---- */

static int refuse(char **ret_error, int win32, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int refuse(char **ret_error, int win32, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return SCM_ERR(win32);
}

static int refuse_busy(char **ret_error) {
        if (boot.phase == BOOT_ROLLING_BACK)
                return refuse(ret_error, SCM_ERROR_ALREADY_RUNNING_LKG,
                              "a roll back to the last known good configuration is under way");
        char when[64];
        if (boot.phase == BOOT_ACCEPTED)
                return refuse(ret_error, SCM_ERROR_BOOT_ALREADY_ACCEPTED,
                              "the boot was accepted by %s at %s; the next start of scmd saves "
                              "the configuration again",
                              boot.accepted_by, utc(boot.accepted_at, when, sizeof(when)));
        return 0;
}

int lkg_accept_boot(struct manager *m, char **ret_error) {
        boot.m = m;
        int r = refuse_busy(ret_error);
        if (r < 0)
                return r;
        r = accept_boot("a client");
        if (r < 0)
                return refuse(ret_error, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                              "the last known good copy could not be written (%s); nothing was "
                              "changed",
                              strerror(-r));
        return 0;
}

int lkg_reject_boot(struct manager *m, char **ret_error) {
        boot.m = m;
        int r = refuse_busy(ret_error);
        if (r < 0)
                return r;
        if (boot.running_lkg)
                return refuse(ret_error, SCM_ERROR_ALREADY_RUNNING_LKG,
                              "the configuration already is the last known good one (%s)",
                              boot.reason ? boot.reason : "restored");
        struct db_lkg_info info;
        r = db_lkg_info(m->db, &info);
        if (r <= 0)
                return refuse(ret_error,
                              r < 0 ? SCM_ERROR_SERVICE_DATABASE_LOCKED : SCM_ERROR_NOT_FOUND, "%s",
                              r < 0 ? strerror(-r)
                                    : "there is no last known good configuration: no boot "
                                      "was accepted yet");
        set_reason("rolled back: a client said the boot is not acceptable");
        begin_rollback();
        return 0;
}

int lkg_restore_by_hand(struct manager *m, json_t **ret_result, char **ret_error) {
        boot.m = m;
        if (boot.phase == BOOT_ROLLING_BACK)
                return refuse(ret_error, SCM_ERROR_ALREADY_RUNNING_LKG,
                              "a roll back to the last known good configuration is under way");
        int r = restore(m, ret_result);
        if (r == -ENOENT)
                return refuse(ret_error, SCM_ERROR_NOT_FOUND,
                              "there is no last known good configuration: no boot was accepted "
                              "yet");
        if (r < 0)
                return refuse(ret_error, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                              "the last known good configuration could not be restored (%s)",
                              strerror(-r));
        char when[64];
        set_reason("restored by a client at %s", utc(time(NULL), when, sizeof(when)));
        return 0;
}

const char *lkg_reason_service(void) {
        return boot.reason_service;
}

json_t *lkg_boot_status_json(struct manager *m) {
        boot.m = m;
        json_t *pending = json_array();
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        for (ssize_t i = 0; pending && i < n; i++)
                if (all[i]->recovery && all[i]->recovery->boot_pending)
                        json_array_append_new(pending, json_string(all[i]->config.name));
        struct db_lkg_info info;
        int r = db_lkg_info(m->db, &info);
        json_t *lkg = r > 0 ? json_pack("{s:I, s:I}", "saved_at", (json_int_t)info.saved_at,
                                        "services", (json_int_t)info.services)
                            : json_null();
        json_t *accepted = boot.phase == BOOT_ACCEPTED
                                   ? json_pack("{s:I, s:s}", "at", (json_int_t)boot.accepted_at,
                                               "by", boot.accepted_by)
                                   : json_null();
        json_t *failures = boot.failures ? json_copy(boot.failures) : json_array();
        return json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "configuration",
                         boot.running_lkg ? "last-known-good" : "current", "reason",
                         boot.reason ? boot.reason : "", "boot",
                         boot.round ? phase_names[boot.phase] : "starting", "boot_accept",
                         boot.manual_accept ? "manual" : "auto", "round", (int)boot.round,
                         "accepted", accepted, "pending", pending, "failures", failures,
                         "last_known_good", lkg);
}
