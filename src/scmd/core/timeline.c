/* SPDX-License-Identifier: MIT */
/*
 * The timeline: when each service's last run went through its states, and
 * when scmd itself started and ran its auto-start, so a client can show
 * why the machine took the time it took (scctl analyze).
 *
 * Memory only, never the database: it describes this scmd's life.  A
 * service keeps one struct service_timeline (five times, 48 bytes) inside
 * struct service; a run begins when the service leaves STOPPED, which
 * clears the times of the run before.  Each transition takes one reading of
 * CLOCK_REALTIME (microseconds since the epoch, for display; 0 is "never"),
 * so times of different services compare, and a client can put them on a
 * wall clock.  Within a run a time is written once (the first RUNNING, the
 * first STOP_PENDING): pause and continue do not move the start.
 *
 * The hooks are one line each where the thing happens: service.c's enter()
 * calls timeline_service_entered(), main.c calls timeline_scmd_started(),
 * supervisor.c's manager_autostart() calls the two auto-start ones, and a
 * start that must wait (for its dependencies) calls
 * timeline_start_requested() when the request came.
 */
#include "timeline.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <scm/types.h>

#include "manager.h"
#include "service.h"

static int64_t realtime_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A new run of t begins at now: the last run's times go, except a start
 * request made for this run (since the last run stopped: a flag, as the
 * clock may read the same microsecond twice). */
static void begin_run(struct service_timeline *t, int64_t now) {
        *t = (struct service_timeline){
                .start_requested = t->request_waiting ? t->start_requested : 0,
                .start_pending = now,
        };
}

void timeline_service_entered(struct service *s, enum scm_state old) {
        struct service_timeline *t = &s->timeline;
        int64_t now = realtime_usec();

        if (old == SCM_STATE_STOPPED && s->state != SCM_STATE_STOPPED)
                begin_run(t, now);
        switch (s->state) {
        case SCM_STATE_RUNNING:
                if (!t->running)
                        t->running = now;
                break;
        case SCM_STATE_STOP_PENDING:
                if (!t->stop_pending)
                        t->stop_pending = now;
                break;
        case SCM_STATE_STOPPED:
                t->stopped = now;
                break;
        default:
                break;
        }
}

void timeline_start_requested(struct service *s) {
        if (s->state == SCM_STATE_STOPPED) {
                s->timeline.start_requested = realtime_usec();
                s->timeline.request_waiting = true;
        }
}

void timeline_scmd_started(struct manager *m) {
        m->timeline.scmd_started = realtime_usec();
}

void timeline_autostart_began(struct manager *m) {
        m->timeline.autostart_started = realtime_usec();
        m->timeline.autostart_done = 0;
}

void timeline_autostart_done(struct manager *m) {
        m->timeline.autostart_done = realtime_usec();
}

/* t as JSON: an integer, or null for never. */
static json_t *time_json(int64_t t) {
        return t ? json_integer((json_int_t)t) : json_null();
}

/* A NULL-terminated list (may be NULL) as a JSON list; NULL on out-of-memory. */
static json_t *strv_json(char *const *v) {
        json_t *list = json_array();
        for (char *const *p = v; list && p && *p; p++)
                if (json_array_append_new(list, json_string(*p)) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list;
}

json_t *timeline_service_json(const struct service *s) {
        const struct service_config *c = &s->config;
        const struct service_timeline *t = &s->timeline;
        return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "name",
                         c->name, "display_name", c->display_name, "group", c->group ?: "",
                         "dependencies", strv_json(c->dependencies), "start_type",
                         scm_start_type_name(c->start_type), "state", scm_state_name(s->state),
                         "start_requested_at", time_json(t->start_requested), "start_pending_at",
                         time_json(t->start_pending), "running_at", time_json(t->running),
                         "stop_pending_at", time_json(t->stop_pending), "stopped_at",
                         time_json(t->stopped), "win32_exit_code", (json_int_t)s->win32_exit_code);
}

json_t *timeline_manager_json(const struct manager *m) {
        const struct boot_timeline *t = &m->timeline;
        return json_pack("{s:o, s:o, s:o, s:I, s:o}", "scmd_started_at", time_json(t->scmd_started),
                         "autostart_started_at", time_json(t->autostart_started),
                         "autostart_done_at", time_json(t->autostart_done), "now",
                         (json_int_t)realtime_usec(), "group_order", strv_json(m->group_order));
}
