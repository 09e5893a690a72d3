/* SPDX-License-Identifier: MIT */
/*
 * Subscriptions: the events of docs/protocol.md to the connections that
 * asked for them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scm/types.h>

struct manager;
struct conn;
struct service;

/* Beside state changes, a subscription may ask for these. */
enum events_kind {
        EVENTS_CREATED = 1u << 0,
        EVENTS_DELETED = 1u << 1,
        EVENTS_MESSAGE = 1u << 2,
        EVENTS_PROGRESS = 1u << 3, /* changes within a state: checkpoint, wait hint, status text */
        EVENTS_MOUNTS = 1u << 4,   /* changes of scmd's mount table (work/mounts.c) */
};

/* A state's bit in a subscription's mask (Win32's SERVICE_NOTIFY_*). */
#define EVENTS_STATE_BIT(state) (1u << ((state)-1))
#define EVENTS_ALL_STATES (EVENTS_STATE_BIT(_SCM_STATE_MAX) - 1)

#define EVENTS_SUBSCRIPTIONS_MAX 64 /* per connection */
#define EVENTS_SERVICES_MAX 1024    /* names in one subscription */
#define EVENTS_MESSAGE_MAX_BYTES 1024

struct event_sub;
struct event_watch;

/* The subscriptions of the manager; all zero is none. */
struct event_hub {
        struct event_sub *all;    /* subscriptions to every service */
        struct event_sub *mounts; /* subscriptions to mount-table changes */
        uint64_t generation;      /* counts fan-outs */
};

/* Subscribes conn to the state changes of services (n_services of them,
 * reordered; NULL: every service, also those created later) whose new
 * state is in states (EVENTS_STATE_BIT()s), and to kinds (enum
 * events_kind).  The current state of each service is reported at once
 * when it is in states.  Returns 0 with *ret_id, -E2BIG when conn has
 * EVENTS_SUBSCRIPTIONS_MAX, or -ENOMEM. */
int events_subscribe(struct manager *m, struct conn *conn, struct service **services,
                     size_t n_services, uint32_t states, uint32_t kinds, uint32_t *ret_id);
/* Cancels subscription id of conn; -ENOENT when conn has none such. */
int events_unsubscribe(struct manager *m, struct conn *conn, uint32_t id);
/* Cancels every subscription of conn (server.c, when it closes). */
void events_conn_closed(struct manager *m, struct conn *conn);

/* The hooks: service.c calls the first when s entered a new state (after
 * persisting it), the next two when s was created (rpc_config.c) and just
 * before it is deleted (service.c). */
void events_status_changed(struct service *s, enum scm_state old);
/* s stayed in its state but its checkpoint, wait hint or status text
 * changed (service.c): a status_progress event to the subscriptions that
 * asked for progress and whose states hold s's state.  seq stays. */
void events_status_progress(struct service *s);
void events_service_created(struct service *s);
void events_service_deleted(struct service *s);
/* A message from s for the interactive user (MessageBox with
 * MB_SERVICE_NOTIFICATION): logged, and sent to the subscribers of
 * messages; with users, also written to the logged-in users' terminals
 * (work/wall.c).  text is cut to EVENTS_MESSAGE_MAX_BYTES; control
 * characters and invalid UTF-8 are replaced. */
void events_service_message(struct service *s, const char *text, bool users);
/* The same, from the service's own channel (core/channel.c has logged
 * it already). */
void events_service_said(struct service *s, const char *text, bool users);

struct mount_entry;
/* A change of the mount table (work/mounts.c): a mount_changed event to
 * every subscription that asked for mounts.  action: "mounted",
 * "unmounted" or "changed". */
void events_mount_changed(struct manager *m, const char *action, const struct mount_entry *e);
