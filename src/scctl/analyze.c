/* SPDX-License-Identifier: MIT */
/*
 * The timeline of scctl analyze as data, and the questions asked of it:
 * which service took longest to start (blame), which dependencies held a
 * service back (the critical chain), in what order the plot draws them.
 * No I/O but the two escaping writers; analyze.h has the contracts.
 *
 * The critical chain follows systemd-analyze's idea with scm's
 * dependencies: a service could not start before its dependencies ran, so
 * the one among them that became RUNNING last before the service started
 * is the one that held it back; a "+Group" dependency is met when the
 * first member runs, so it stands for that member.  A dependency that
 * became RUNNING after the service started did not hold it back (it was
 * started by hand, or the service was started without waiting for it) and
 * is not followed.  The auto-start adds one more kind of wait: it runs the
 * groups of the group order one after the other (then the services of no
 * group listed), each once the one before has come up or failed, so an
 * auto-start service also waited for every auto-start service of an
 * earlier phase.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "validate.h"

/* ---- reading ---- */

static int64_t time_field(const json_t *o, const char *key) {
        return (int64_t)json_integer_value(json_object_get(o, key)); /* null: 0 */
}

static const char *string_field(const json_t *o, const char *key) {
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "";
}

static int read_service(json_t *o, struct analyze_service *s) {
        json_t *deps = json_object_get(o, "dependencies");
        const char *name = json_string_value(json_object_get(o, "name"));
        if (!json_is_object(o) || !name || (deps && !json_is_array(deps)))
                return -EPROTO;

        *s = (struct analyze_service){
                .name = name,
                .display_name = string_field(o, "display_name"),
                .group = string_field(o, "group"),
                .state = string_field(o, "state"),
                .start_type = string_field(o, "start_type"),
                .start_requested = time_field(o, "start_requested_at"),
                .start_pending = time_field(o, "start_pending_at"),
                .running = time_field(o, "running_at"),
                .stop_pending = time_field(o, "stop_pending_at"),
                .stopped = time_field(o, "stopped_at"),
                .win32_exit_code =
                        (uint32_t)json_integer_value(json_object_get(o, "win32_exit_code")),
        };
        size_t n = json_array_size(deps);
        s->dependencies = calloc(n + 1, sizeof(char *));
        if (!s->dependencies)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *d = json_string_value(json_array_get(deps, i));
                if (d)
                        s->dependencies[s->n_dependencies++] = d;
        }
        return 0;
}

static int read_group_order(const json_t *list, struct analyze_timeline *tl) {
        size_t n = json_array_size(list);
        tl->group_order = calloc(n + 1, sizeof(char *));
        if (!tl->group_order)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *g = json_string_value(json_array_get(list, i));
                if (g)
                        tl->group_order[tl->n_group_order++] = g;
        }
        return 0;
}

int analyze_timeline_read(json_t *result, struct analyze_timeline *ret) {
        json_t *list = json_object_get(result, "services");
        json_t *order = json_object_get(result, "group_order");
        if (!json_is_array(list) || (order && !json_is_array(order) && !json_is_null(order)))
                return -EPROTO;
        struct analyze_timeline tl = {
                .scmd_started = time_field(result, "scmd_started_at"),
                .autostart_started = time_field(result, "autostart_started_at"),
                .autostart_done = time_field(result, "autostart_done_at"),
                .now = time_field(result, "now"),
                .source = json_incref(result),
        };
        tl.services = calloc(json_array_size(list) + 1, sizeof(*tl.services));
        if (!tl.services || read_group_order(order, &tl) < 0) {
                analyze_timeline_clear(&tl);
                return -ENOMEM;
        }
        for (size_t i = 0; i < json_array_size(list); i++) {
                int r = read_service(json_array_get(list, i), &tl.services[tl.n_services]);
                if (r < 0) {
                        analyze_timeline_clear(&tl);
                        return r;
                }
                tl.n_services++;
        }
        *ret = tl;
        return 0;
}

void analyze_timeline_clear(struct analyze_timeline *tl) {
        for (size_t i = 0; i < tl->n_services; i++)
                free(tl->services[i].dependencies);
        free(tl->services);
        free(tl->group_order);
        json_decref(tl->source);
        *tl = (struct analyze_timeline){0};
}

ssize_t analyze_find(const struct analyze_timeline *tl, const char *name) {
        for (size_t i = 0; i < tl->n_services; i++)
                if (names_equal(tl->services[i].name, name))
                        return (ssize_t)i;
        return -1;
}

/* ---- time ---- */

static void widen(int64_t t, int64_t *lo, int64_t *hi) {
        if (t <= 0)
                return;
        if (!*lo || t < *lo)
                *lo = t;
        if (t > *hi)
                *hi = t;
}

static void span(const struct analyze_timeline *tl, int64_t *lo, int64_t *hi) {
        *lo = *hi = 0;
        widen(tl->scmd_started, lo, hi);
        widen(tl->autostart_started, lo, hi);
        widen(tl->autostart_done, lo, hi);
        for (size_t i = 0; i < tl->n_services; i++) {
                const struct analyze_service *s = &tl->services[i];
                widen(s->start_requested, lo, hi);
                widen(s->start_pending, lo, hi);
                widen(s->running, lo, hi);
                widen(s->stop_pending, lo, hi);
                widen(s->stopped, lo, hi);
        }
}

int64_t analyze_origin(const struct analyze_timeline *tl) {
        int64_t lo, hi;
        span(tl, &lo, &hi);
        return lo;
}

int64_t analyze_end(const struct analyze_timeline *tl) {
        int64_t lo, hi;
        span(tl, &lo, &hi);
        return hi > lo + 1000 ? hi : lo + 1000;
}

/* ---- classes ---- */

enum analyze_class analyze_class_of(const struct analyze_service *s) {
        if (strcmp(s->state, "stopped") == 0)
                return s->win32_exit_code ? ANALYZE_FAILED : ANALYZE_STOPPED;
        if (strcmp(s->state, "start-pending") == 0 || strcmp(s->state, "stop-pending") == 0)
                return ANALYZE_PENDING;
        return ANALYZE_RUNNING;
}

const char *analyze_class_name(enum analyze_class c) {
        static const char *const names[_ANALYZE_CLASS_MAX] = {
                [ANALYZE_RUNNING] = "running",
                [ANALYZE_STOPPED] = "stopped",
                [ANALYZE_FAILED] = "failed",
                [ANALYZE_PENDING] = "pending",
        };
        return c < _ANALYZE_CLASS_MAX ? names[c] : "?";
}

/* ---- orders ---- */

/* qsort() has no context argument; the comparisons read this one. */
static const struct analyze_timeline *sorting;

static int by_name(size_t a, size_t b) {
        return strcasecmp(sorting->services[a].name, sorting->services[b].name);
}

static int by_duration(const void *pa, const void *pb) {
        const struct analyze_service *a = &sorting->services[*(const size_t *)pa];
        const struct analyze_service *b = &sorting->services[*(const size_t *)pb];
        int64_t da = a->running - a->start_pending, db = b->running - b->start_pending;
        if (da != db)
                return da > db ? -1 : 1;
        return by_name(*(const size_t *)pa, *(const size_t *)pb);
}

/* By START_PENDING, not by request: a boot requests every auto-start
 * service at once, and the order they could begin in is the story. */
static int by_start(const void *pa, const void *pb) {
        int64_t a = sorting->services[*(const size_t *)pa].start_pending;
        int64_t b = sorting->services[*(const size_t *)pb].start_pending;
        if (a != b)
                return a < b ? -1 : 1;
        return by_name(*(const size_t *)pa, *(const size_t *)pb);
}

size_t analyze_blame(const struct analyze_timeline *tl, size_t *ret) {
        size_t n = 0;
        for (size_t i = 0; i < tl->n_services; i++)
                if (tl->services[i].start_pending && tl->services[i].running)
                        ret[n++] = i;
        sorting = tl;
        qsort(ret, n, sizeof(*ret), by_duration);
        return n;
}

size_t analyze_plot_rows(const struct analyze_timeline *tl, size_t *ret) {
        size_t n = 0;
        for (size_t i = 0; i < tl->n_services; i++)
                if (tl->services[i].start_pending)
                        ret[n++] = i;
        sorting = tl;
        qsort(ret, n, sizeof(*ret), by_start);
        return n;
}

/* ---- the critical chain ---- */

ssize_t analyze_resolve_dependency(const struct analyze_timeline *tl, const char *dep) {
        if (dep[0] != '+') {
                ssize_t i = analyze_find(tl, dep);
                return i >= 0 && tl->services[i].running ? i : -1;
        }
        ssize_t first = -1;
        for (size_t i = 0; i < tl->n_services; i++) {
                const struct analyze_service *s = &tl->services[i];
                if (s->running && names_equal(s->group, dep + 1) &&
                    (first < 0 || s->running < tl->services[first].running))
                        first = (ssize_t)i;
        }
        return first;
}

/* The phase of the auto-start that starts a service of group. */
static size_t phase_of(const struct analyze_timeline *tl, const char *group) {
        for (size_t i = 0; group[0] && i < tl->n_group_order; i++)
                if (names_equal(tl->group_order[i], group))
                        return i;
        return tl->n_group_order;
}

/* Whether the auto-start started s (its request came while it ran). */
static bool autostarted(const struct analyze_timeline *tl, const struct analyze_service *s) {
        return strcmp(s->start_type, "auto") == 0 && s->start_requested && tl->autostart_started &&
               s->start_requested >= tl->autostart_started &&
               (!tl->autostart_done || s->start_requested <= tl->autostart_done);
}

/* The auto-start service of an earlier phase than s's that came up or
 * failed last before s started, or -1; *ret_when is when. */
static ssize_t phase_holder(const struct analyze_timeline *tl, const struct analyze_service *s,
                            int64_t *ret_when) {
        ssize_t best = -1;
        if (!autostarted(tl, s))
                return -1;
        size_t phase = phase_of(tl, s->group);
        for (size_t i = 0; i < tl->n_services; i++) {
                const struct analyze_service *x = &tl->services[i];
                int64_t settled = x->running ? x->running : x->stopped;
                if (!autostarted(tl, x) || phase_of(tl, x->group) >= phase || !settled ||
                    settled > s->start_pending)
                        continue;
                if (best < 0 || settled > *ret_when) {
                        best = (ssize_t)i;
                        *ret_when = settled;
                }
        }
        return best;
}

/* What held s back, or -1. */
static ssize_t holder(const struct analyze_timeline *tl, const struct analyze_service *s) {
        ssize_t best = -1;
        if (!s->start_pending)
                return -1;
        for (size_t d = 0; d < s->n_dependencies; d++) {
                ssize_t i = analyze_resolve_dependency(tl, s->dependencies[d]);
                if (i < 0 || tl->services[i].running > s->start_pending)
                        continue;
                if (best < 0 || tl->services[i].running > tl->services[best].running)
                        best = i;
        }
        int64_t when = 0;
        ssize_t phase = phase_holder(tl, s, &when);
        if (phase >= 0 && (best < 0 || when > tl->services[best].running))
                best = phase;
        return best;
}

const char *analyze_held_by(const struct analyze_timeline *tl, const struct analyze_service *s,
                            size_t next) {
        const char *via = "group order";
        for (size_t d = 0; d < s->n_dependencies; d++) {
                if (analyze_resolve_dependency(tl, s->dependencies[d]) != (ssize_t)next)
                        continue;
                if (s->dependencies[d][0] != '+')
                        return NULL;
                via = s->dependencies[d];
        }
        return via;
}

size_t analyze_critical_chain(const struct analyze_timeline *tl, size_t first, size_t *ret) {
        size_t n = 0;
        ssize_t next = (ssize_t)first;
        while (next >= 0 && n < tl->n_services) {
                for (size_t k = 0; k < n; k++)
                        if (ret[k] == (size_t)next)
                                return n; /* a cycle: the configuration refuses them, but */
                ret[n++] = (size_t)next;
                next = holder(tl, &tl->services[next]);
        }
        return n;
}

ssize_t analyze_last_running(const struct analyze_timeline *tl) {
        ssize_t last = -1;
        for (size_t i = 0; i < tl->n_services; i++)
                if (tl->services[i].running &&
                    (last < 0 || tl->services[i].running > tl->services[last].running))
                        last = (ssize_t)i;
        return last;
}

/* ---- escaping ---- */

void analyze_xml_escape(FILE *f, const char *text) {
        for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
                switch (*p) {
                case '&':
                        fputs("&amp;", f);
                        break;
                case '<':
                        fputs("&lt;", f);
                        break;
                case '>':
                        fputs("&gt;", f);
                        break;
                case '"':
                        fputs("&quot;", f);
                        break;
                case '\'':
                        fputs("&apos;", f);
                        break;
                default:
                        fputc(*p < 0x20 && *p != '\t' && *p != '\n' ? '?' : *p, f);
                }
        }
}

void analyze_dot_quote(FILE *f, const char *text) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
                if (*p == '"')
                        fputs("\\\"", f);
                else if (*p == '\\') /* "\\" before the closing quote would escape it */
                        fputs("&#92;", f);
                else if (*p == '&')
                        fputs("&amp;", f);
                else if (*p >= 0x20 && *p != 0x7f)
                        fputc(*p, f);
        }
        fputc('"', f);
}
