/* SPDX-License-Identifier: MIT */
/*
 * libscm, status notifications: the Linux form of NotifyServiceStatusChange
 * (docs/protocol.md, "subscribe" and "Events").
 *
 * Subscribe on a struct scm_client to the state changes of some services
 * (or all), to their creation and deletion, and to the messages services
 * send for the interactive user; then take the events one by one, either
 * from your own poll loop (scm_client_fd() and scm_next_event()) or
 * blocking with a deadline (scm_wait_event()).  Events that arrive while
 * a call such as scm_start_service() waits for its reply are queued, never
 * lost: take them with scm_next_event() before you poll the descriptor
 * again, because poll() cannot see what the library has already read.
 *
 * Every status event carries the service's sequence number (1 when scmd
 * loaded or created it, one more per state change; also in every status
 * object, scm_status.seq), so a subscriber to every state sees 1, 2, 3 ...
 * without a gap, and a reply can be placed among the events.
 *
 * A client that falls too far behind is cut off by scmd, and
 * SERVICE_NOTIFY_CLIENT_LAGGING (1294) is the last thing it reads.  The
 * library bounds its own queue the same way (4 MiB): when it overflows,
 * the events after it are dropped and SCM_ERR(1294) is returned once, in
 * their place.
 *
 * As in <scm/client.h>: one thread at a time per client; >= 0 is success,
 * -errno a local failure, SCM_ERR(win32) an error of the SCM; the library
 * never logs.
 */
#ifndef SCM_NOTIFY_H
#define SCM_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <scm/client.h>

/* Mask bits, Win32's SERVICE_NOTIFY_* values. */
#define SCM_NOTIFY_STOPPED 0x00001u
#define SCM_NOTIFY_START_PENDING 0x00002u
#define SCM_NOTIFY_STOP_PENDING 0x00004u
#define SCM_NOTIFY_RUNNING 0x00008u
#define SCM_NOTIFY_CONTINUE_PENDING 0x00010u
#define SCM_NOTIFY_PAUSE_PENDING 0x00020u
#define SCM_NOTIFY_PAUSED 0x00040u
#define SCM_NOTIFY_CREATED 0x00080u
#define SCM_NOTIFY_DELETED 0x00100u
#define SCM_NOTIFY_MESSAGE 0x10000u /* scm's own: messages for the interactive user */
/* scm's own: changes within a state (checkpoint, wait hint, status text)
 * of the services and states subscribed to, as SCM_EVENT_PROGRESS. */
#define SCM_NOTIFY_PROGRESS 0x20000u
/* scm's own: changes of scmd's mount table, as SCM_EVENT_MOUNT (the drive
 * mapping broadcasts of Windows' SCM). */
#define SCM_NOTIFY_MOUNTS 0x40000u

#define SCM_NOTIFY_ALL_STATES 0x0007fu
/* The bit of an enum scm_state. */
#define SCM_NOTIFY_STATE(state) (1u << ((state)-1))

enum scm_event_type {
        SCM_EVENT_STATUS = 1, /* a service entered a state */
        SCM_EVENT_CREATED,
        SCM_EVENT_DELETED,
        SCM_EVENT_MESSAGE,
        SCM_EVENT_PROGRESS, /* a service in a state made progress: checkpoint, wait hint, text */
        SCM_EVENT_MOUNT,    /* scmd's mount table changed: name is the mount point */
};

struct scm_event {
        enum scm_event_type type;
        const char *name;         /* the service */
        uint64_t seq;             /* STATUS, CREATED, DELETED, PROGRESS: the service's sequence
                                   * number (PROGRESS: that of the state it is in) */
        enum scm_state previous;  /* STATUS: the state it left; 0 in the report made when
                                   * subscribing, which tells the state it is in */
        struct scm_status status; /* STATUS, CREATED, PROGRESS */
        const char *text;         /* MESSAGE: the text, at most 1024 bytes */
        int64_t time_us;          /* when it happened: microseconds since the epoch */
        void *params;             /* the library's: the notification's params, owned; the
                                   * strings above point into it (<scm/raw.h>) */
        const char *mount_action; /* MOUNT: "mounted", "unmounted" or "changed" */
        const char *mount_fstype; /* MOUNT: the file system type ("tmpfs") */
        const char *mount_source; /* MOUNT: what is mounted ("/dev/sda1", "tmpfs") */
};

/* Subscribes to the services named in names (NULL-terminated; NULL: every
 * service, also those created later) for the states and kinds in mask
 * (SCM_NOTIFY_*).  The current state of each service, when it is in mask,
 * is queued as an event with previous 0 before this returns.  *ret_id (may
 * be NULL) names the subscription in events and in scm_unsubscribe().
 * -EINVAL for an unknown bit in mask; SCM_ERR(SERVICE_DOES_NOT_EXIST) for
 * a name that is not a service. */
int scm_subscribe(struct scm_client *c, const char *const *names, uint32_t mask, uint32_t *ret_id);

/* Cancels a subscription; events of it already queued stay queued.
 * Closing the client cancels every subscription. */
int scm_unsubscribe(struct scm_client *c, uint32_t id);

/* The connection's descriptor, to poll for POLLIN; owned by the client. */
int scm_client_fd(const struct scm_client *c);

/* Takes the next event without waiting: returns 1 with *ret (release it
 * with scm_event_clear()), 0 when there is none now, or a failure:
 * SCM_ERR(SERVICE_NOTIFY_CLIENT_LAGGING) once when events were lost,
 * -ECONNRESET when scmd closed the connection. */
int scm_next_event(struct scm_client *c, struct scm_event *ret);

/* Like scm_next_event(), but waits up to timeout_ms (negative: for ever)
 * for an event: returns 0 with *ret, -ETIMEDOUT, or a failure. */
int scm_wait_event(struct scm_client *c, int timeout_ms, struct scm_event *ret);

/* Whether e was sent for subscription id (an event matching several of a
 * client's subscriptions comes once, naming them all). */
bool scm_event_has_subscription(const struct scm_event *e, uint32_t id);

/* Releases what an event holds and zeroes it; a zeroed event is fine. */
void scm_event_clear(struct scm_event *e);

/* Waits until the service name is in one of the states of state_mask
 * (SCM_NOTIFY_* state bits), at most timeout_ms (negative: for ever), and
 * fills *ret (may be NULL) with its status then.  Returns at once when it
 * already is.  -ETIMEDOUT when the deadline passed first;
 * SCM_ERR(SERVICE_DOES_NOT_EXIST) when it is deleted meanwhile.  Events of
 * the caller's own subscriptions stay queued for scm_next_event(). */
int scm_wait_status(struct scm_client *c, const char *name, uint32_t state_mask, int timeout_ms,
                    struct scm_status *ret);

#endif
