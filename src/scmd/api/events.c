/* SPDX-License-Identifier: MIT */
/*
 * Status notifications: who subscribed to what, and the fan-out of every
 * event to them (NotifyServiceStatusChange).
 *
 * A subscription belongs to one connection and asks for state changes of
 * some services (or of every service, including those created later)
 * whose new state is in its mask, and for the SCM's own events: created,
 * deleted, and the messages services send for the interactive user.  A
 * subscription to all services sits on the hub's list; one to named
 * services has a watch on each of them, so an event costs time in the
 * number of subscriptions that may want it, not in the number there are.
 *
 * A subscription may also ask for progress: a status_progress event each
 * time a service it covers changes checkpoint, wait hint or status text
 * without changing state, so a client can show a start or stop as it
 * goes (scctl start --wait on a terminal).  These do not count in seq:
 * they carry the seq of the state they happen in.
 *
 * Every service numbers its state changes: seq is 1 when scmd loads the
 * service or it is created and grows by one with each change, so a client
 * subscribed to every state of a service sees 1, 2, 3 ... and can tell it
 * missed nothing.  An event is serialised once, whatever the number of
 * subscribers; each connection gets it once, with the ids of its
 * subscriptions that asked for it spliced in front.
 *
 * Nothing here is lost quietly: a connection that cannot take an event
 * (it does not read, or memory ran out) is cut off by server.c with
 * SERVICE_NOTIFY_CLIENT_LAGGING as its last message.
 */
#include "events.h"
#include "mounts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "cleanup.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "rpc_acl.h"
#include "server.h"
#include "service.h"
#include "messenger.h"

struct event_watch {
        struct event_sub *sub;
        struct service *service;         /* NULL once the service is deleted */
        struct event_watch *prev, *next; /* the service's watches */
};

struct event_sub {
        struct conn_events *owner;
        uint32_t id;
        uint32_t states; /* EVENTS_STATE_BIT() of the states asked for */
        uint32_t kinds;  /* EVENTS_CREATED | EVENTS_DELETED | EVENTS_MESSAGE */
        bool all;
        struct event_sub *prev, *next;               /* the hub's subscriptions to all, when all */
        struct event_sub *mounts_prev, *mounts_next; /* the hub's to mounts, when asked */
        struct event_sub *owner_next;                /* the connection's subscriptions */
        size_t n_watches;
        struct event_watch watches[];
};

/* A connection's share: its subscriptions, and where one fan-out collects
 * the ids of those that matched. */
struct conn_events {
        struct conn *conn;
        struct event_sub *subs;
        unsigned count;
        uint32_t last_id;
        uint64_t generation; /* the fan-out that last matched this connection */
        unsigned n_matched;
        uint32_t matched[EVENTS_SUBSCRIPTIONS_MAX];
        struct conn_events *next_target;
};

enum event_type {
        EVENT_STATUS,
        EVENT_PROGRESS,
        EVENT_CREATED,
        EVENT_DELETED,
        EVENT_MESSAGE,
        EVENT_MOUNT,
        _EVENT_TYPE_MAX,
};

static int64_t realtime_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- matching ---- */

static bool sub_wants(const struct event_sub *sub, enum event_type type, uint32_t state_bit) {
        switch (type) {
        case EVENT_STATUS:
                return sub->states & state_bit;
        case EVENT_PROGRESS:
                return (sub->kinds & EVENTS_PROGRESS) && (sub->states & state_bit);
        case EVENT_CREATED:
                return sub->kinds & EVENTS_CREATED;
        case EVENT_DELETED:
                return sub->kinds & EVENTS_DELETED;
        case EVENT_MESSAGE:
                return sub->kinds & EVENTS_MESSAGE;
        case EVENT_MOUNT:
                return sub->kinds & EVENTS_MOUNTS;
        case _EVENT_TYPE_MAX:
                break;
        }
        return false;
}

/* Adds sub's id to its connection's matches, and the connection to the
 * targets of this fan-out when it is the first of its subscriptions. */
static void collect(struct event_sub *sub, const struct service *s, uint64_t generation,
                    struct conn_events **targets) {
        struct conn_events *ce = sub->owner;
        /* Nothing about a service reaches a caller who may not query it,
         * whatever it subscribed to: access lists change.  (An event of no
         * service, the mount table's, is what /proc shows every user.) */
        if (s && !conn_may_query(ce->conn, s))
                return;
        if (ce->generation != generation) {
                ce->generation = generation;
                ce->n_matched = 0;
                ce->next_target = *targets;
                *targets = ce;
        }
        if (ce->n_matched < EVENTS_SUBSCRIPTIONS_MAX)
                ce->matched[ce->n_matched++] = sub->id;
}

/* ---- sending ---- */

/* The line of an event up to its subscription ids, the same for every
 * connection. */
#define EVENT_HEAD(method)                                                                         \
        "{\"jsonrpc\":\"2.0\",\"method\":\"" method "\",\"params\":{\"subscriptions\":["
static const char *const heads[] = {
        [EVENT_STATUS] = EVENT_HEAD("status_changed"),
        [EVENT_PROGRESS] = EVENT_HEAD("status_progress"),
        [EVENT_CREATED] = EVENT_HEAD("service_created"),
        [EVENT_DELETED] = EVENT_HEAD("service_deleted"),
        [EVENT_MESSAGE] = EVENT_HEAD("service_message"),
        [EVENT_MOUNT] = EVENT_HEAD("mount_changed"),
};
_Static_assert(ELEMENTSOF(heads) == _EVENT_TYPE_MAX, "an event type without its head");

/* Writes "ID,ID,...]," to buf (EVENTS_SUBSCRIPTIONS_MAX * 11 + 2 bytes at
 * most) and returns its length.  By hand: this runs once per subscriber
 * of every event, and snprintf was the fan-out's largest cost in scmd's
 * own code. */
static size_t format_ids(char *buf, const uint32_t *ids, unsigned n) {
        size_t len = 0;
        for (unsigned i = 0; i < n; i++) {
                char digits[10];
                unsigned k = 0;
                uint32_t v = ids[i];
                do
                        digits[k++] = (char)('0' + v % 10);
                while ((v /= 10) > 0);
                if (i > 0)
                        buf[len++] = ',';
                while (k > 0)
                        buf[len++] = digits[--k];
        }
        buf[len++] = ']';
        buf[len++] = ',';
        return len;
}

/* Sends the event to ce, naming the subscriptions in ce->matched.  body
 * is its params' compact JSON, serialised once for every connection. */
static void send_to(struct conn_events *ce, enum event_type type, const char *body, size_t body_len,
                    bool counted) {
        char ids[EVENTS_SUBSCRIPTIONS_MAX * 11 + 2];
        /* body is "{...}": its members follow ours, its brace closes params. */
        const struct iovec parts[] = {
                {.iov_base = (char *)heads[type], .iov_len = strlen(heads[type])},
                {.iov_base = ids, .iov_len = format_ids(ids, ce->matched, ce->n_matched)},
                {.iov_base = (char *)body + 1, .iov_len = body_len - 1},
                {.iov_base = (char *)"}\n", .iov_len = 2},
        };
        conn_send_event(ce->conn, parts, ELEMENTSOF(parts), counted);
}

/* Serialises params (consumed) once and sends it to every target. */
static void send_all(struct conn_events *targets, enum event_type type, json_t *params,
                     bool counted) {
        _cleanup_free_ char *body = params ? json_dumps(params, JSON_COMPACT) : NULL;
        size_t body_len = body ? strlen(body) : 0;
        json_decref(params);
        for (struct conn_events *ce = targets, *next; ce; ce = next) {
                next = ce->next_target;
                if (body)
                        send_to(ce, type, body, body_len, counted);
                else /* out of memory: better cut off than an event missed unawares */
                        conn_cut_off(ce->conn, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                     "scmd ran out of memory for an event of the client");
        }
}

static json_t *status_params(struct service *s, const char *previous) {
        json_t *status = service_status_json(s);
        if (!status)
                return NULL;
        return json_pack("{s:s, s:I, s:s?, s:I, s:o}", "name", s->config.name, "seq",
                         (json_int_t)events_seq(s), "previous", previous, "time_us",
                         (json_int_t)realtime_usec(), "status", status);
}

/* Sends an event about s to every subscription that wants it.  params
 * is built only when someone does. */
static void fan_out(struct service *s, enum event_type type, uint32_t state_bit,
                    json_t *(*build)(struct service *s, const void *arg), const void *arg) {
        struct event_hub *hub = s->manager->events;
        struct conn_events *targets = NULL;
        uint64_t generation = ++hub->generation;

        for (struct event_sub *sub = hub->all; sub; sub = sub->next)
                if (sub_wants(sub, type, state_bit))
                        collect(sub, s, generation, &targets);
        for (struct event_watch *w = s->event_watches; w; w = w->next)
                if (sub_wants(w->sub, type, state_bit))
                        collect(w->sub, s, generation, &targets);
        if (targets)
                send_all(targets, type, build(s, arg), true);
}

/* ---- the hooks ---- */

static json_t *build_status(struct service *s, const void *arg) {
        return status_params(s, scm_state_name(*(const enum scm_state *)arg));
}

void events_status_changed(struct service *s, enum scm_state old) {
        s->event_changes++;
        fan_out(s, EVENT_STATUS, EVENTS_STATE_BIT(s->state), build_status, &old);
}

static json_t *build_progress(struct service *s, const void *arg) {
        json_t *params = status_params(s, NULL);
        (void)arg;
        json_object_del(params, "previous"); /* it is still in its state */
        return params;
}

void events_status_progress(struct service *s) {
        fan_out(s, EVENT_PROGRESS, EVENTS_STATE_BIT(s->state), build_progress, NULL);
}

static json_t *build_created(struct service *s, const void *arg) {
        json_t *params = status_params(s, NULL);
        (void)arg;
        json_object_del(params, "previous"); /* it had none */
        return params;
}

void events_service_created(struct service *s) {
        fan_out(s, EVENT_CREATED, 0, build_created, NULL);
}

static json_t *build_deleted(struct service *s, const void *arg) {
        (void)arg;
        return json_pack("{s:s, s:I, s:I}", "name", s->config.name, "seq",
                         (json_int_t)events_seq(s), "time_us", (json_int_t)realtime_usec());
}

void events_service_deleted(struct service *s) {
        fan_out(s, EVENT_DELETED, 0, build_deleted, NULL);
        /* The subscriptions that named it keep their other services. */
        for (struct event_watch *w = s->event_watches, *next; w; w = next) {
                next = w->next;
                w->service = NULL;
                w->prev = w->next = NULL;
        }
        s->event_watches = NULL;
}

static json_t *build_message(struct service *s, const void *arg) {
        return json_pack("{s:s, s:s, s:I}", "name", s->config.name, "text", (const char *)arg,
                         "time_us", (json_int_t)realtime_usec());
}

/* text as it may be shown and logged: at most EVENTS_MESSAGE_MAX_BYTES,
 * cut at a character boundary, control characters as spaces, and invalid
 * UTF-8 as '?'. */
static char *clean_message(const char *text) {
        size_t len = strnlen(text, EVENTS_MESSAGE_MAX_BYTES + 1);
        if (len > EVENTS_MESSAGE_MAX_BYTES) {
                len = EVENTS_MESSAGE_MAX_BYTES;
                while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
                        len--;
        }
        char *copy = strndup(text, len);
        if (!copy)
                return NULL;
        for (char *p = copy; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        *p = ' ';
        json_t *probe = json_string(copy); /* jansson checks the UTF-8 */
        if (!probe)
                for (char *p = copy; *p; p++)
                        if ((unsigned char)*p >= 0x80)
                                *p = '?';
        json_decref(probe);
        return copy;
}

/* A service's own messages for people: at most USERS_BURST a window of
 * USERS_WINDOW_SEC each (an administrator's are not counted), so a
 * service cannot flood people's terminals.  Those over go to subscribers
 * and the log only. */
#define USERS_BURST 3
#define USERS_WINDOW_SEC 60

static void to_users(struct service *s, const char *clean, bool own) {
        if (own && !ratelimit_take(&s->to_users, USERS_BURST, USERS_WINDOW_SEC)) {
                if (s->to_users.suppressed == 1)
                        log_warning("service %s: more than %d messages for people in %d s; the "
                                    "rest of this window's reach subscribers and this log only",
                                    s->config.name, USERS_BURST, USERS_WINDOW_SEC);
                return;
        }
        int r = messenger_send(s->config.name, clean);
        if (r < 0)
                log_warning("service %s: its message for people was not sent: %s", s->config.name,
                            r == -EBUSY ? "the messengers of earlier messages are still at work"
                                        : strerror(-r));
}

void events_service_message(struct service *s, const char *text, bool users) {
        _cleanup_free_ char *clean = clean_message(text ? text : "");
        if (!clean)
                return;
        log_info("service %s: message for the interactive user: %s", s->config.name, clean);
        fan_out(s, EVENT_MESSAGE, 0, build_message, clean);
        if (users)
                to_users(s, clean, false);
}

void events_service_said(struct service *s, const char *text, bool users) {
        _cleanup_free_ char *clean = clean_message(text ? text : "");
        if (!clean)
                return;
        fan_out(s, EVENT_MESSAGE, 0, build_message, clean);
        if (users)
                to_users(s, clean, true);
}

void events_mount_changed(struct manager *m, const char *action, const struct mount_entry *e) {
        struct event_hub *hub = m->events;
        struct conn_events *targets = NULL;
        uint64_t generation = ++hub->generation;
        for (struct event_sub *sub = hub->mounts; sub; sub = sub->mounts_next)
                collect(sub, NULL, generation, &targets);
        if (!targets)
                return;
        send_all(targets, EVENT_MOUNT,
                 json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:I}", "name", e->mount_point, "action",
                           action, "mount_id", e->id, "fstype", e->fstype, "source", e->source,
                           "options", e->options, "time_us", (json_int_t)realtime_usec()),
                 true);
}

/* ---- subscriptions ---- */

static void sub_free(struct event_hub *hub, struct event_sub *sub) {
        if (sub->kinds & EVENTS_MOUNTS) {
                if (sub->mounts_prev)
                        sub->mounts_prev->mounts_next = sub->mounts_next;
                else
                        hub->mounts = sub->mounts_next;
                if (sub->mounts_next)
                        sub->mounts_next->mounts_prev = sub->mounts_prev;
        }
        if (sub->all) {
                if (sub->prev)
                        sub->prev->next = sub->next;
                else
                        hub->all = sub->next;
                if (sub->next)
                        sub->next->prev = sub->prev;
        }
        for (size_t i = 0; i < sub->n_watches; i++) {
                struct event_watch *w = &sub->watches[i];
                if (!w->service)
                        continue;
                if (w->prev)
                        w->prev->next = w->next;
                else
                        w->service->event_watches = w->next;
                if (w->next)
                        w->next->prev = w->prev;
        }
        free(sub);
}

static int compare_pointers(const void *a, const void *b) {
        uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
        return x < y ? -1 : x > y;
}

/* Reports the current state of s to this new subscription, when asked. */
static void report_current(struct event_sub *sub, struct service *s) {
        struct conn_events *ce = sub->owner;
        if (!(sub->states & EVENTS_STATE_BIT(s->state)) || !conn_may_query(ce->conn, s))
                return;
        ce->n_matched = 1;
        ce->matched[0] = sub->id;
        ce->next_target = NULL;
        /* Part of the answer to subscribe: bounded like a reply, not like
         * events, so subscribing to thousands of services is not lagging. */
        send_all(ce, EVENT_STATUS, status_params(s, NULL), false);
}

int events_subscribe(struct manager *m, struct conn *conn, struct service **services,
                     size_t n_services, uint32_t states, uint32_t kinds, uint32_t *ret_id) {
        struct conn_events **slot = conn_events_slot(conn), *ce = *slot;
        if (ce && ce->count >= EVENTS_SUBSCRIPTIONS_MAX)
                return -E2BIG;
        if (!ce) {
                ce = calloc(1, sizeof(*ce));
                if (!ce)
                        return -ENOMEM;
                ce->conn = conn;
                *slot = ce;
        }

        /* The same service named twice is watched once. */
        if (services && n_services > 1) {
                qsort(services, n_services, sizeof(*services), compare_pointers);
                size_t k = 1;
                for (size_t i = 1; i < n_services; i++)
                        if (services[i] != services[k - 1])
                                services[k++] = services[i];
                n_services = k;
        }
        size_t n_watches = services ? n_services : 0;
        struct event_sub *sub = calloc(1, sizeof(*sub) + n_watches * sizeof(sub->watches[0]));
        if (!sub)
                return -ENOMEM;
        sub->owner = ce;
        sub->id = ++ce->last_id;
        sub->states = states;
        sub->kinds = kinds;
        sub->all = !services;
        sub->n_watches = n_watches;

        /* The current states first, so that every later change is news. */
        if (sub->all) {
                _cleanup_free_ struct service **all = NULL;
                ssize_t n = registry_sorted(m->registry, &all);
                if (n < 0) {
                        free(sub);
                        return -ENOMEM;
                }
                for (ssize_t i = 0; i < n; i++)
                        report_current(sub, all[i]);
                sub->next = m->events->all;
                if (sub->next)
                        sub->next->prev = sub;
                m->events->all = sub;
        } else {
                for (size_t i = 0; i < n_watches; i++) {
                        struct event_watch *w = &sub->watches[i];
                        struct service *s = services[i];
                        report_current(sub, s);
                        w->sub = sub;
                        w->service = s;
                        w->next = s->event_watches;
                        if (w->next)
                                w->next->prev = w;
                        s->event_watches = w;
                }
        }
        if (kinds & EVENTS_MOUNTS) {
                sub->mounts_next = m->events->mounts;
                if (sub->mounts_next)
                        sub->mounts_next->mounts_prev = sub;
                m->events->mounts = sub;
        }
        sub->owner_next = ce->subs;
        ce->subs = sub;
        ce->count++;
        *ret_id = sub->id;
        return 0;
}

int events_unsubscribe(struct manager *m, struct conn *conn, uint32_t id) {
        struct conn_events *ce = *conn_events_slot(conn);
        for (struct event_sub **p = ce ? &ce->subs : NULL; p && *p; p = &(*p)->owner_next)
                if ((*p)->id == id) {
                        struct event_sub *sub = *p;
                        *p = sub->owner_next;
                        ce->count--;
                        sub_free(m->events, sub);
                        return 0;
                }
        return -ENOENT;
}

void events_conn_closed(struct manager *m, struct conn *conn) {
        struct conn_events **slot = conn_events_slot(conn), *ce = *slot;
        if (!ce)
                return;
        while (ce->subs) {
                struct event_sub *sub = ce->subs;
                ce->subs = sub->owner_next;
                sub_free(m->events, sub);
        }
        free(ce);
        *slot = NULL;
}
