/* SPDX-License-Identifier: MIT */
/*
 * The event side of <scm/notify.h>: subscribing, the queue of
 * notifications, and turning each into a struct scm_event.
 *
 * client.c hands over every line without an id, whichever call read it;
 * they wait here, oldest first, until scm_next_event() or scm_wait_event()
 * takes them.  The queue is bounded in bytes like scmd's own queue for the
 * client: past the bound the events are dropped, and the reader is told
 * once (SERVICE_NOTIFY_CLIENT_LAGGING) where they would have been, so a
 * gap is never silent.
 *
 * scm_wait_status() is a subscription of its own, for the time of the
 * wait: it takes only what was sent for that subscription, and strips its
 * id from an event that other subscriptions of the caller share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scm/notify.h>
#include <scm/raw.h>

#include "cleanup.h"
#include "client-internal.h"

#define QUEUE_MAX_BYTES (4u << 20)
#define FOREVER_MS (INT64_MAX / 4)
#define KNOWN_BITS                                                                                 \
        (SCM_NOTIFY_ALL_STATES | SCM_NOTIFY_CREATED | SCM_NOTIFY_DELETED | SCM_NOTIFY_MESSAGE |    \
         SCM_NOTIFY_PROGRESS | SCM_NOTIFY_MOUNTS)

static const char *const methods[] = {
        [SCM_EVENT_STATUS] = "status_changed",    [SCM_EVENT_CREATED] = "service_created",
        [SCM_EVENT_DELETED] = "service_deleted",  [SCM_EVENT_MESSAGE] = "service_message",
        [SCM_EVENT_PROGRESS] = "status_progress", [SCM_EVENT_MOUNT] = "mount_changed",
};

/* ---- the queue ---- */

void notify_queue_push(struct scm_client *c, json_t *msg, size_t size) {
        struct notify_node *n = NULL;
        /* Once one is dropped, every later one is too until the reader has
         * been told: what it then reads has no hole it does not know of. */
        if (!c->events_lost && c->events_bytes + size <= QUEUE_MAX_BYTES)
                n = malloc(sizeof(*n));
        if (!n) {
                c->events_lost = true;
                json_decref(msg);
                return;
        }
        *n = (struct notify_node){.msg = msg, .size = size};
        *c->events_tail = n;
        c->events_tail = &n->next;
        c->events_bytes += size;
}

/* Unlinks and frees the node at *link, giving its message to the caller. */
static json_t *unlink_node(struct scm_client *c, struct notify_node **link) {
        struct notify_node *n = *link;
        json_t *msg = n->msg;
        *link = n->next;
        if (c->events_tail == &n->next)
                c->events_tail = link;
        c->events_bytes -= n->size;
        free(n);
        return msg;
}

void notify_queue_clear(struct scm_client *c) {
        while (c->events)
                json_decref(unlink_node(c, &c->events));
}

/* ---- events ---- */

void scm_event_clear(struct scm_event *e) {
        if (!e)
                return;
        json_decref(e->params);
        *e = (struct scm_event){0};
}

static const json_t *subscriptions_of(const json_t *msg) {
        return json_object_get(json_object_get(msg, "params"), "subscriptions");
}

static bool has_subscription(const json_t *msg, uint32_t id) {
        size_t i;
        json_t *v;
        json_array_foreach(subscriptions_of(msg), i, v) {
                if (json_is_integer(v) && json_integer_value(v) == id)
                        return true;
        }
        return false;
}

bool scm_event_has_subscription(const struct scm_event *e, uint32_t id) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(e ? e->params : NULL, "subscriptions"), i, v) {
                if (json_is_integer(v) && json_integer_value(v) == id)
                        return true;
        }
        return false;
}

static enum scm_event_type type_of(const json_t *msg) {
        const char *method = json_string_value(json_object_get(msg, "method"));
        for (size_t i = 1; method && i < ELEMENTSOF(methods); i++)
                if (strcmp(methods[i], method) == 0)
                        return (enum scm_event_type)i;
        return 0;
}

/* Reads a notification into *ret: 0, -ENOENT for one this library does
 * not know (a later scmd's), or -EPROTO. */
static int event_from_json(const json_t *msg, struct scm_event *ret) {
        struct scm_event e = {.type = type_of(msg)};
        json_t *params = json_object_get(msg, "params");
        if (!e.type)
                return -ENOENT;
        e.name = json_string_value(json_object_get(params, "name"));
        json_t *time_us = json_object_get(params, "time_us");
        if (!e.name || !json_is_integer(time_us) || !json_is_array(subscriptions_of(msg)))
                return -EPROTO;
        e.time_us = json_integer_value(time_us);

        if (e.type == SCM_EVENT_MOUNT) {
                e.mount_action = json_string_value(json_object_get(params, "action"));
                e.mount_fstype = json_string_value(json_object_get(params, "fstype"));
                e.mount_source = json_string_value(json_object_get(params, "source"));
                if (!e.mount_action || !e.mount_fstype || !e.mount_source)
                        return -EPROTO;
        } else if (e.type != SCM_EVENT_MESSAGE) {
                json_t *seq = json_object_get(params, "seq");
                if (!json_is_integer(seq) || json_integer_value(seq) < 1)
                        return -EPROTO;
                e.seq = (uint64_t)json_integer_value(seq);
        }
        if (e.type == SCM_EVENT_STATUS || e.type == SCM_EVENT_CREATED ||
            e.type == SCM_EVENT_PROGRESS) {
                if (scm_status_from_json(json_object_get(params, "status"), &e.status) < 0)
                        return -EPROTO;
        }
        if (e.type == SCM_EVENT_STATUS) {
                json_t *previous = json_object_get(params, "previous");
                if (json_is_string(previous))
                        e.previous = scm_state_from_name(json_string_value(previous));
                else if (json_is_null(previous))
                        e.previous = 0;
                else
                        return -EPROTO;
                if (e.previous == SCM_STATE_INVALID)
                        return -EPROTO;
        }
        if (e.type == SCM_EVENT_MESSAGE &&
            !(e.text = json_string_value(json_object_get(params, "text"))))
                return -EPROTO;
        e.params = json_incref(params);
        *ret = e;
        return 0;
}

/* Keeps a local error for scm_client_error_message(), as for the SCM's. */
static int local_error(struct scm_client *c, int win32, const char *message) {
        json_t *error = json_pack("{s:i, s:s}", "code", win32, "message", message);
        if (error) {
                json_decref(c->error);
                c->error = error;
                c->message = json_string_value(json_object_get(error, "message"));
        }
        return SCM_ERR(win32);
}

/* Takes the oldest queued event: 1, 0 when none is queued, or a failure. */
static int take(struct scm_client *c, struct scm_event *ret) {
        while (c->events) {
                json_t *msg = unlink_node(c, &c->events);
                int r = event_from_json(msg, ret);
                json_decref(msg);
                if (r != -ENOENT)
                        return r < 0 ? r : 1;
        }
        if (c->events_lost) {
                c->events_lost = false;
                return local_error(c, SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING,
                                   "events were dropped: more than 4 MiB of them were not taken");
        }
        return 0;
}

/* Takes an event, reading until deadline when none is queued: 1, 0 at the
 * deadline, or a failure. */
static int next_event(struct scm_client *c, int64_t deadline, struct scm_event *ret) {
        if (!c || !ret)
                return -EINVAL;
        for (;;) {
                int r = take(c, ret);
                if (r != 0)
                        return r;
                if (c->broken)
                        return -ENOTCONN;
                r = client_receive(c, 0, deadline, NULL);
                if (r == -ETIMEDOUT)
                        return 0;
                if (r < 0)
                        return r;
        }
}

int scm_next_event(struct scm_client *c, struct scm_event *ret) {
        return next_event(c, client_now_ms(), ret);
}

static int64_t deadline_of(int timeout_ms) {
        return timeout_ms < 0 ? FOREVER_MS : client_now_ms() + timeout_ms;
}

int scm_wait_event(struct scm_client *c, int timeout_ms, struct scm_event *ret) {
        int r = next_event(c, deadline_of(timeout_ms), ret);
        return r == 0 ? -ETIMEDOUT : r < 0 ? r : 0;
}

int scm_client_fd(const struct scm_client *c) {
        return c ? c->fd : -EINVAL;
}

/* ---- subscriptions ---- */

static json_t *subscribe_params(const char *const *names, uint32_t mask) {
        static const struct {
                uint32_t bit;
                const char *name;
        } kinds[] = {
                {SCM_NOTIFY_CREATED, "created"}, {SCM_NOTIFY_DELETED, "deleted"},
                {SCM_NOTIFY_MESSAGE, "message"}, {SCM_NOTIFY_PROGRESS, "progress"},
                {SCM_NOTIFY_MOUNTS, "mounts"},
        };
        json_t *params = json_object(), *states = json_array(), *scm = json_array();
        bool ok = params && states && scm;
        for (int s = SCM_STATE_STOPPED; ok && s < _SCM_STATE_MAX; s++)
                if (mask & SCM_NOTIFY_STATE(s))
                        ok = json_array_append_new(states, json_string(scm_state_name(s))) == 0;
        for (size_t i = 0; ok && i < ELEMENTSOF(kinds); i++)
                if (mask & kinds[i].bit)
                        ok = json_array_append_new(scm, json_string(kinds[i].name)) == 0;
        ok = ok && json_object_set(params, "states", states) == 0 &&
             json_object_set(params, "scm", scm) == 0;
        if (ok && names) {
                json_t *list = json_array();
                for (const char *const *n = names; list && *n; n++)
                        if (json_array_append_new(list, json_string(*n)) < 0) {
                                json_decref(list);
                                list = NULL;
                        }
                ok = list && json_object_set_new(params, "services", list) == 0;
        }
        json_decref(states);
        json_decref(scm);
        if (!ok) {
                json_decref(params);
                return NULL;
        }
        return params;
}

int scm_subscribe(struct scm_client *c, const char *const *names, uint32_t mask, uint32_t *ret_id) {
        if (!c || (mask & ~KNOWN_BITS) || (names && !names[0]))
                return -EINVAL;
        json_t *params = subscribe_params(names, mask);
        if (!params)
                return -EINVAL; /* a name that is not UTF-8, or out of memory */
        json_t *result = NULL;
        int r = scm_call(c, "subscribe", params, &result);
        if (r < 0)
                return r;
        json_t *id = json_object_get(result, "subscription");
        json_int_t v = json_is_integer(id) ? json_integer_value(id) : 0;
        json_decref(result);
        if (v <= 0 || v > UINT32_MAX)
                return -EPROTO;
        if (ret_id)
                *ret_id = (uint32_t)v;
        return 0;
}

int scm_unsubscribe(struct scm_client *c, uint32_t id) {
        json_t *params = json_pack("{s:I}", "subscription", (json_int_t)id);
        if (!params)
                return -ENOMEM;
        json_t *result = NULL;
        int r = scm_call(c, "unsubscribe", params, &result);
        json_decref(result);
        return r;
}

/* ---- waiting for a state ---- */

/* Removes id from the event at *link; drops the event when no other
 * subscription wanted it.  Returns true when it was dropped. */
static bool strip(struct scm_client *c, struct notify_node **link, uint32_t id) {
        json_t *list = (json_t *)subscriptions_of((*link)->msg);
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) {
                if (json_is_integer(v) && json_integer_value(v) == id) {
                        json_array_remove(list, i);
                        break;
                }
        }
        if (json_array_size(list) > 0)
                return false;
        json_decref(unlink_node(c, link));
        return true;
}

/* Looks at the events of subscription id from *cursor on, taking them out
 * of the queue.  Returns 1 with *ret when one is a state in mask, an
 * SCM_ERR() when the service was deleted, 0 when none decides. */
static int scan(struct scm_client *c, struct notify_node ***cursor, uint32_t id, uint32_t mask,
                struct scm_status *ret) {
        while (**cursor) {
                struct notify_node *n = **cursor;
                if (!has_subscription(n->msg, id)) {
                        *cursor = &n->next;
                        continue;
                }
                struct scm_event e = {0};
                int r = event_from_json(n->msg, &e) < 0 ? 0 : 1;
                if (r && e.type == SCM_EVENT_DELETED)
                        r = local_error(c, SCM_ERROR_SERVICE_DOES_NOT_EXIST,
                                        "the service was deleted while waiting for its state");
                else if (r && e.type == SCM_EVENT_STATUS &&
                         (mask & SCM_NOTIFY_STATE(e.status.state)))
                        *ret = e.status;
                else
                        r = 0;
                scm_event_clear(&e);
                if (!strip(c, *cursor, id))
                        *cursor = &n->next;
                if (r != 0)
                        return r;
        }
        return 0;
}

int scm_wait_status(struct scm_client *c, const char *name, uint32_t state_mask, int timeout_ms,
                    struct scm_status *ret) {
        if (!c || !name || !state_mask || (state_mask & ~SCM_NOTIFY_ALL_STATES))
                return -EINVAL;
        int64_t deadline = deadline_of(timeout_ms);
        const char *const names[] = {name, NULL};
        uint32_t id;
        int r = scm_subscribe(c, names, state_mask | SCM_NOTIFY_DELETED, &id);
        if (r < 0)
                return r;

        /* The report of the current state came before the reply. */
        struct notify_node **cursor = &c->events;
        struct scm_status status;
        while ((r = scan(c, &cursor, id, state_mask, &status)) == 0)
                if ((r = client_receive(c, 0, deadline, NULL)) < 0)
                        break;

        if (!c->broken)
                scm_unsubscribe(c, id); /* a failure here breaks the client: the next call says */
        /* What came for it before the unsubscribe took effect. */
        for (struct notify_node **link = &c->events; *link;)
                if (!has_subscription((*link)->msg, id) || !strip(c, link, id))
                        link = &(*link)->next;
        if (r < 0)
                return r;
        if (ret)
                *ret = status;
        return 0;
}
