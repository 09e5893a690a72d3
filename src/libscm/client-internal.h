/* SPDX-License-Identifier: MIT */
/*
 * What the files of libscm share and callers never see: the connection
 * object, and the two halves of notifications.  client.c reads lines and
 * hands every notification to notify.c's queue; notify.c asks client.c to
 * read more when its queue is empty.  Hidden from the library's ABI.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include <scm/client.h>

#include "json_writer.h"
#include <sys/un.h>
#include <stddef.h>
#include <stdint.h>

struct scm_client;

#define SCM_HIDDEN __attribute__((visibility("hidden")))

/* One notification waiting for scm_next_event(). */
struct notify_node {
        struct notify_node *next;
        json_t *msg;
        size_t size; /* of its line, for the bound */
};

struct scm_client {
        int fd;
        int timeout_ms;
        bool broken;
        json_int_t next_id;
        char *buf;
        size_t len;
        size_t cap;
        size_t scanned;
        json_t *error;       /* the last error object, for scm_client_error_message() */
        const char *message; /* points into error, or "" */

        /* notify.c: notifications read and not yet taken, oldest first. */
        struct notify_node *events, **events_tail;
        size_t events_bytes;
        bool events_lost; /* some were dropped: say so before queueing more */

        /* Where scmd listens, for a call retried on a new connection after
         * scmd said daemon_reexec (docs/protocol.md, "Events"). */
        struct sockaddr_un addr;
        bool reexec_seen;

        struct json_writer request; /* client_call_named()'s line, its buffer kept */
        bool sent;                  /* a request went out: its reply is read next */
        /* Spinning for a reply (client.c, reply_spin()). */
        bool spin_off;        /* it may run on one CPU only: never */
        bool spin_checked;    /* spin_off was decided (reply_spin()) */
        bool spin_wanted;     /* the request sent has a fast path */
        unsigned spin_skip;   /* calls that still go straight to poll() */
        unsigned spin_misses; /* spins in a row that saw no reply */
};

/* CLOCK_MONOTONIC in milliseconds. */
SCM_HIDDEN int64_t client_now_ms(void);

/* Reads lines until the reply to id, queueing every notification on the
 * way; with id 0, until one notification has been queued.  Returns 0 (with
 * *ret_result when id > 0), -ETIMEDOUT at deadline, SCM_ERR() for an error
 * reply (with id 0: the id-null error of a connection scmd cut off), or
 * -errno; any failure but -ETIMEDOUT breaks the client. */
SCM_HIDDEN int client_receive(struct scm_client *c, json_int_t id, int64_t deadline,
                              json_t **ret_result);

/* A reader of one call's reply line without a tree of values: 1 when
 * line is the reply to id and it has read it into ctx, 0 (ctx untouched)
 * to leave the line to the general path. */
typedef int client_reply_reader_fn(const char *line, size_t size, json_int_t id, void *ctx);

/* scm_call() of method with params {"name": name}, its request line
 * written as text, and reader offered the reply line first.  1 when reader
 * took it; 0 with *ret_result when the general path read it; or what
 * scm_call() fails with (-EINVAL for a name that is not UTF-8). */
SCM_HIDDEN int client_call_named(struct scm_client *c, const char *method, const char *name,
                                 client_reply_reader_fn *reader, void *ctx, json_t **ret_result);

/* status.c: 1 with *ret when line is the reply to id with a status as
 * its result, read without a tree; 0 for every other line, and for one it
 * is not sure of (the general path reads those). */
SCM_HIDDEN int status_reply_read(const char *line, size_t size, int64_t id, struct scm_status *ret);

/* Queues a notification (msg is taken; size is its line's). */
SCM_HIDDEN void notify_queue_push(struct scm_client *c, json_t *msg, size_t size);
/* text_list.c: a service's list of texts (its sockets, its triggers): set
 * with method as {"name":service, key:[texts]}; read with method as the
 * item member of each object of the result's key list. */
SCM_HIDDEN int text_list_set(struct scm_client *c, const char *method, const char *key,
                             const char *service, const char *const *texts);
SCM_HIDDEN int text_list_query(struct scm_client *c, const char *method, const char *key,
                               const char *item, const char *service, char ***ret);

/* manage.c: calls method with params (consumed) and hands its result over
 * as an object (*ret may be NULL: the result is dropped). */
struct scm_change;
struct scm_object;
SCM_HIDDEN int manage_call_object(struct scm_client *c, const char *method, json_t *params,
                                  struct scm_object **ret);
/* params (consumed) with every field of ch (may be NULL) it lacks added;
 * NULL on out-of-memory (params freed). */
SCM_HIDDEN json_t *manage_with_change(json_t *params, const struct scm_change *ch);

/* Frees every queued notification. */
SCM_HIDDEN void notify_queue_clear(struct scm_client *c);
